"""Keys and credentials shared by the VC-JWT tests (RSA generation is slow: once per session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from vcissuer.keys import Ed25519KeyPair, P256KeyPair, RsaKeyPair

VECTORS = Path(__file__).parents[2] / "vectors"


@pytest.fixture(scope="session")
def rsa_pair() -> RsaKeyPair:
    return RsaKeyPair.generate()


@pytest.fixture(scope="session")
def ed_pair() -> Ed25519KeyPair:
    return Ed25519KeyPair.generate()


@pytest.fixture(scope="session")
def p256_pair() -> P256KeyPair:
    return P256KeyPair.generate()


@pytest.fixture
def credential() -> dict[str, Any]:
    """A VCDM 2.0 OpenBadgeCredential (the 1EdTech implementation guide's unsigned one)."""
    return load_json(VECTORS / "1edtech-impl-guide-eddsa-rdfc-2022/obv3p0/unsigned-credential.json")


@pytest.fixture
def credential_v1() -> dict[str, Any]:
    """A VCDM 1.1 OpenBadgeCredential, proof removed."""
    document = load_json(VECTORS / "1edtech-validator-ob30/legacy-vcdm11/simple_v1.json")
    document.pop("proof", None)
    return document
