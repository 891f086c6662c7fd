"""Multikey encode/decode against the published vectors, and one test per way decoding fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.errors import KeyFormatError
from vcissuer.keys import KeyAlgorithm
from vcissuer.keys.multibase import multibase_encode
from vcissuer.keys.multikey import (
    ED25519_PUB_HEADER,
    ED25519_SECRET_HEADER,
    P256_PUB_HEADER,
    decode_public_multikey,
    decode_secret_multikey,
    encode_public_multikey,
    encode_secret_multikey,
)

VECTORS = Path(__file__).parents[1] / "vectors"
W3C_KEYS = load_json(VECTORS / "w3c-vc-di-eddsa/keyPair.json")
ONE_EDTECH_KEYS = load_json(VECTORS / "1edtech-impl-guide-eddsa-rdfc-2022/obv3p0/key-pair.json")


def test_w3c_key_pair_round_trips() -> None:
    algorithm, public = decode_public_multikey(W3C_KEYS["publicKeyMultibase"])
    assert algorithm is KeyAlgorithm.ED25519 and len(public) == 32
    assert encode_public_multikey(algorithm, public) == W3C_KEYS["publicKeyMultibase"]
    algorithm, seed = decode_secret_multikey(W3C_KEYS["privateKeyMultibase"])
    assert algorithm is KeyAlgorithm.ED25519 and len(seed) == 32
    assert encode_secret_multikey(algorithm, seed) == W3C_KEYS["privateKeyMultibase"]


def test_one_edtech_public_key_hex_encodes_to_its_multibase() -> None:
    public = bytes.fromhex(ONE_EDTECH_KEYS["publicKeyHex"])
    assert encode_public_multikey(KeyAlgorithm.ED25519, public) == (
        ONE_EDTECH_KEYS["publicKeyMultibase"])
    assert encode_public_multikey(KeyAlgorithm.ED25519, public).startswith("z6Mk")


def test_one_edtech_64_byte_secret_key_decodes_to_its_seed() -> None:
    algorithm, seed = decode_secret_multikey(ONE_EDTECH_KEYS["secretKeyMultibase"])
    assert algorithm is KeyAlgorithm.ED25519
    assert seed == bytes.fromhex(ONE_EDTECH_KEYS["privateKeyHex"])[:32]


def test_prefixes() -> None:
    assert encode_public_multikey(KeyAlgorithm.ED25519, bytes(32)).startswith("z6Mk")
    assert encode_secret_multikey(KeyAlgorithm.ED25519, bytes(32)).startswith("z3u2")
    assert encode_public_multikey(KeyAlgorithm.P256, b"\x02" + bytes(32)).startswith("zDn")


# --- every way decoding fails --------------------------------------------------------------

def _z(data: bytes) -> str:
    return multibase_encode(data, base="z")


@pytest.mark.parametrize(("value", "message"), [
    ("", "non-empty"),
    (None, "non-empty"),
    ("u7QE" + "A" * 43, "prefix 'z'"),
    ("z6Mk0OIl", "base58btc"),
    (_z(b"\x12\x34" + bytes(32)), "multicodec header"),
    (_z(ED25519_SECRET_HEADER + bytes(32)), "multicodec header"),  # a secret key is not public
    (_z(ED25519_PUB_HEADER + bytes(31)), "31 key bytes"),
    (_z(ED25519_PUB_HEADER + bytes(33)), "33 key bytes"),
    (_z(P256_PUB_HEADER + bytes(65)), "65 key bytes"),
    (_z(P256_PUB_HEADER + b"\x04" + bytes(32)), "compressed point"),
])
def test_decode_public_rejects(value: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        decode_public_multikey(value)


def test_decode_secret_rejects_a_public_key() -> None:
    with pytest.raises(KeyFormatError, match="multicodec header"):
        decode_secret_multikey(W3C_KEYS["publicKeyMultibase"])


def test_decode_secret_rejects_a_wrong_length() -> None:
    with pytest.raises(KeyFormatError, match="expected 32 or 64"):
        decode_secret_multikey(_z(ED25519_SECRET_HEADER + bytes(40)))


def test_decode_secret_rejects_a_64_byte_key_whose_halves_disagree() -> None:
    seed = bytes(range(32))
    with pytest.raises(KeyFormatError, match="does not match"):
        decode_secret_multikey(_z(ED25519_SECRET_HEADER + seed + bytes(32)))


def test_encode_rejects_wrong_length_and_algorithm() -> None:
    with pytest.raises(KeyFormatError, match="31 key bytes"):
        encode_public_multikey(KeyAlgorithm.ED25519, bytes(31))
    with pytest.raises(KeyFormatError, match="RSA"):
        encode_public_multikey(KeyAlgorithm.RSA, bytes(32))


def test_secret_errors_never_echo_the_secret() -> None:
    seed = bytes(range(1, 33))
    wrong_header = _z(b"\x99\x99" + seed)
    with pytest.raises(KeyFormatError) as caught:
        decode_secret_multikey(wrong_header)
    text = str(caught.value) + repr(caught.value)
    for form in (seed.hex(), wrong_header, wrong_header[1:], wrong_header[5:20]):
        assert form not in text
