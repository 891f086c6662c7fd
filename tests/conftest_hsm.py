"""A SoftHSM2 token in a temporary directory, for the PKCS#11 key backend's tests.

Import the fixture into a package's conftest.py::

    from tests.conftest_hsm import softhsm  # noqa: F401

Without SoftHSM2 (``scripts/hsm-deps`` installs it) the tests using it skip, saying why; with
``VCISSUER_REQUIRE_HSM=1`` (set by .ci/run) they fail instead. SoftHSM2 reads SOFTHSM2_CONF
when the module is first loaded in a process, so one session-wide token directory holds every
token (initialised before the first load), and tests use fresh key names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# Debian's libsofthsm2 (and its multiarch path); VCISSUER_TEST_PKCS11_MODULE overrides.
MODULE_PATHS = ("/usr/lib/softhsm/libsofthsm2.so",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN_LABEL = "vcissuer-test"
# A second token, used only by the wrong-PIN test: a login is per token and process.
LOCKED_TOKEN_LABEL = "vcissuer-pin-test"
PIN = "4242-test-pin"


@dataclass(frozen=True)
class SoftHsm:
    module: str
    token_label: str
    pin: str
    locked_token_label: str


def _module() -> str | None:
    candidates = [os.environ.get("VCISSUER_TEST_PKCS11_MODULE", ""), *MODULE_PATHS]
    return next((path for path in candidates if path and Path(path).is_file()), None)


def hsm_skip_reason() -> str | None:
    if _module() is None:
        return "SoftHSM2 is not installed (run scripts/hsm-deps)"
    if shutil.which("softhsm2-util") is None:
        return "softhsm2-util is not on PATH (run scripts/hsm-deps)"
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        return "python-pkcs11 is not installed (run scripts/setup)"
    return None


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> SoftHsm:
    reason = hsm_skip_reason()
    if reason is not None:
        if os.environ.get("VCISSUER_REQUIRE_HSM"):  # set by .ci/run: CI never skips these
            pytest.fail(f"PKCS#11 tests required but {reason}")
        pytest.skip(reason)
    module = _module()
    assert module is not None
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\n"
                      "objectstore.backend = file\nlog.level = ERROR\n", encoding="utf-8")
    os.environ["SOFTHSM2_CONF"] = str(config)
    for label in (TOKEN_LABEL, LOCKED_TOKEN_LABEL):
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label,
                        "--pin", PIN, "--so-pin", "so-" + PIN], check=True,
                       capture_output=True, env={**os.environ, "SOFTHSM2_CONF": str(config)})
    return SoftHsm(module=module, token_label=TOKEN_LABEL, pin=PIN,
                   locked_token_label=LOCKED_TOKEN_LABEL)
