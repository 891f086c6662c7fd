"""Public JWKs: RFC 7638/8037 thumbprint vectors, round trips, and every way a JWK is refused."""

from __future__ import annotations

import pytest

from vcissuer.errors import KeyFormatError
from vcissuer.keys import (
    Ed25519KeyPair,
    KeyAlgorithm,
    P256KeyPair,
    RsaKeyPair,
    jwk_thumbprint,
    key_pair_from_jwk,
    verifier_from_jwk,
)

# RFC 7638 section 3.1.
RFC7638_JWK = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
         "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0"
         "_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTW"
         "hAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}
# RFC 8037 appendix A.2 / A.3.
RFC8037_JWK = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}


def test_rfc7638_thumbprint() -> None:
    assert jwk_thumbprint(RFC7638_JWK) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_rfc8037_thumbprint() -> None:
    assert jwk_thumbprint(RFC8037_JWK) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_thumbprint_ignores_optional_members() -> None:
    assert jwk_thumbprint({**RFC8037_JWK, "kid": "x", "use": "sig"}) == jwk_thumbprint(
        RFC8037_JWK)


@pytest.fixture(scope="module")
def rsa_pair() -> RsaKeyPair:
    return RsaKeyPair.generate()


@pytest.mark.parametrize("make", [Ed25519KeyPair.generate, P256KeyPair.generate])
def test_round_trip_ec_and_okp(make) -> None:
    pair = make()
    verifier = verifier_from_jwk(pair.public_jwk(), id="https://issuer.example/keys/1")
    assert verifier.id == "https://issuer.example/keys/1"
    assert verifier.algorithm is pair.algorithm
    assert verifier.verify(b"m", pair.signer("k").sign(b"m"))
    assert key_pair_from_jwk(pair.public_jwk()).public_jwk() == pair.public_jwk()


def test_round_trip_rsa(rsa_pair: RsaKeyPair) -> None:
    verifier = verifier_from_jwk(rsa_pair.public_jwk())
    assert verifier.algorithm is KeyAlgorithm.RSA
    assert verifier.verify(b"m", rsa_pair.signer("k").sign(b"m"))


def test_a_parsed_jwk_can_only_verify() -> None:
    assert not key_pair_from_jwk(RFC8037_JWK).can_sign


# --- every way a JWK is refused ------------------------------------------------------------

@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi", "oth", "k"])
def test_private_members_are_refused_by_name_not_value(member: str) -> None:
    secret = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
    with pytest.raises(KeyFormatError, match="private members") as caught:
        key_pair_from_jwk({**RFC8037_JWK, member: secret})
    assert secret not in str(caught.value)
    with pytest.raises(KeyFormatError):
        jwk_thumbprint({**RFC8037_JWK, member: secret})


@pytest.mark.parametrize(("jwk", "message"), [
    ("not a jwk", "JSON object"),
    ({"kty": "oct", "k": "AAAA"}, "private members"),
    ({"kty": "oct"}, "key type"),
    ({"kty": "OKP", "crv": "X25519", "x": RFC8037_JWK["x"]}, "curve"),
    ({"kty": "OKP", "crv": "Ed448", "x": RFC8037_JWK["x"]}, "curve"),
    ({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}, "curve"),
    ({"kty": "OKP", "crv": "Ed25519"}, "'x'"),
    ({"kty": "OKP", "crv": "Ed25519", "x": 5}, "'x'"),
    ({"kty": "OKP", "crv": "Ed25519", "x": "11qY+YKx"}, "base64url"),
    ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "32 bytes"),
    ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, "point"),
    ({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}, "32 bytes"),
    ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "RSA public key"),
    ({"kty": "RSA", "e": "AQAB"}, "'n'"),
])
def test_malformed_jwks(jwk, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        key_pair_from_jwk(jwk)


def test_thumbprint_needs_the_required_members() -> None:
    with pytest.raises(KeyFormatError, match="lacks"):
        jwk_thumbprint({"kty": "EC", "crv": "P-256", "x": "AA"})
    with pytest.raises(KeyFormatError, match="key type"):
        jwk_thumbprint({"kty": "oct"})
