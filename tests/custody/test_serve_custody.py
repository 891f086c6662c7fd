"""``vcissuer serve`` with the database key backend: it says where the keys are (KEK ids, never
KEK bytes), and a wrong KEK stops it with one line, before it listens."""

from __future__ import annotations

from pathlib import Path

from tests.custody.conftest import kek_entry
from tests.live import serve_banner


def _serve(tmp_path: Path, kek: str) -> tuple[int | None, str, str]:
    return serve_banner(tmp_path, VCISSUER_KEY_BACKEND="database", VCISSUER_KEK=kek)


def test_serve_names_the_kek_ids_and_a_wrong_kek_stops_it(tmp_path: Path) -> None:
    right = kek_entry("k1")
    code, out, _ = _serve(tmp_path, right)
    assert "keys:     database, wrapped under KEK 'k1' (unwraps k1)" in out, out
    assert right.split(":", 1)[1] not in out

    wrong = kek_entry("k1")
    code, out, err = _serve(tmp_path, wrong)
    assert code == 2, (out, err)
    assert "API docs" not in out
    assert err.startswith("vcissuer: key '") and "does not decrypt under KEK 'k1'" in err, err
    assert len(err.strip().splitlines()) == 1 and wrong.split(":", 1)[1] not in err
