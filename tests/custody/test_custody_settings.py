"""VCISSUER_KEY_BACKEND and what each backend needs: refused at start-up when missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.custody.conftest import kek_entry
from vcissuer.api.asgi import custody_from
from vcissuer.keys.wrap import KeyWrapError
from vcissuer.settings import Settings


def test_the_file_backend_is_the_default() -> None:
    assert Settings.for_tests().key_backend == "file"
    assert custody_from(Settings.for_tests()).backend == "file"


@pytest.mark.parametrize(("values", "message"), [
    ({"key_backend": "database"}, "needs kek or kek_file"),
    ({"key_backend": "database", "kek": ""}, "needs kek or kek_file"),  # empty: not given
    ({"key_backend": "pkcs11", "pkcs11_module": "/x.so"},
     "needs pkcs11_token_label, pkcs11_pin or pkcs11_pin_file"),
    ({"kek": "a:AA", "kek_file": "/k"}, "kek or kek_file, not both"),
    ({"pkcs11_pin": "1", "pkcs11_pin_file": "/p"}, "pkcs11_pin or pkcs11_pin_file, not both"),
    ({"key_backend": "vault"}, "key_backend"),
])
def test_a_backend_without_what_it_needs_is_refused(values: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings.for_tests(**values)


def test_kek_and_pin_files_are_read(tmp_path: Path) -> None:
    ring = f"# KEKs\n{kek_entry('k2')}\n{kek_entry('k1')}\n"
    (tmp_path / "kek").write_text(ring)
    (tmp_path / "pin").write_text("1234\n")
    settings = Settings.for_tests(key_backend="pkcs11", kek_file=tmp_path / "kek",
                                  pkcs11_module="/usr/lib/x.so", pkcs11_token_label="t",
                                  pkcs11_pin_file=tmp_path / "pin")
    custody = custody_from(settings)
    assert custody.kek_ring is not None and custody.kek_ring.ids == ("k2", "k1")
    assert custody.pkcs11_pin == "1234" and custody.pkcs11_module == "/usr/lib/x.so"
    assert "1234" not in repr(settings) and ring not in repr(settings)


def test_a_malformed_kek_is_a_clear_error_without_its_bytes() -> None:
    with pytest.raises(KeyWrapError, match="AES-256 needs 32") as error:
        custody_from(Settings.for_tests(key_backend="database", kek="k1:c2hvcnQ="))
    assert "c2hvcnQ" not in error.value.message
