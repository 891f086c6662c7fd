"""The import contracts of docs/DESIGN.md, run as a test: the core imports no web framework or
database, only the store imports SQLAlchemy, only the API imports FastAPI, core layers point
inward (contracts in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "import-linter is a test dependency (requirements.lock)"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_public_api_of_core_packages() -> None:
    import vcissuer.jsonld as jsonld
    import vcissuer.proofs as proofs
    import vcissuer.verify as verify

    for package in (jsonld, proofs, verify):
        for name in package.__all__:
            assert hasattr(package, name), f"{package.__name__}.{name}"
    assert {"add_proof", "verify_proofs", "EddsaRdfc2022"} <= set(proofs.__all__)
    assert {"Canonicalizer", "canonicalize", "bundled_loader"} <= set(jsonld.__all__)
