"""The OpenID4VCI jwt key proof: one test per way it can fail, and the keys it binds to."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.wallet.holder import Holder, tamper_signature
from vcissuer.keys import RsaKeyPair
from vcissuer.keys.multibase import base64url_encode
from vcissuer.proofs.jose import sign_compact_jws
from vcissuer.wallet.errors import OAuthError
from vcissuer.wallet.proof import verify_key_proof

AUD = "https://issuer.example"
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def verify(token: object, *, now: datetime = NOW):
    return verify_key_proof(token, audience=AUD, now=now, max_age=timedelta(minutes=5),
                            skew=timedelta(minutes=1))


def refused(token: object, fragment: str) -> None:
    with pytest.raises(OAuthError) as caught:
        verify(token)
    assert caught.value.error == "invalid_proof"
    assert fragment in caught.value.description


def test_a_did_key_kid_binds_to_that_did() -> None:
    holder = Holder.ed25519()
    proof = verify(holder.proof(aud=AUD, nonce="n-1", iat=NOW.timestamp()))
    assert (proof.holder_did, proof.nonce, proof.key_id) == (holder.did, "n-1", holder.kid)


@pytest.mark.parametrize("make", [Holder.ed25519, Holder.p256], ids=["EdDSA", "ES256"])
def test_a_jwk_binds_to_its_did_key(make) -> None:
    holder = make()
    proof = verify(holder.proof(aud=AUD, nonce="n", iat=NOW.timestamp(), header_key="jwk"))
    assert proof.holder_did == holder.did


def test_aud_may_be_an_array_naming_the_issuer() -> None:
    holder = Holder.ed25519()
    verify(holder.proof(aud=AUD, nonce="n", iat=NOW.timestamp(),
                        claims={"aud": ["https://other.example", AUD]}))


def test_small_clock_skew_is_tolerated() -> None:
    holder = Holder.ed25519()
    verify(holder.proof(aud=AUD, nonce="n", iat=(NOW + timedelta(seconds=30)).timestamp()))


# --- one refusal per way a proof can fail

def test_not_a_string() -> None:
    refused({"jwt": "x"}, "must be a string")


def test_not_a_jws() -> None:
    refused("a.b", "not a usable JWT")


def test_wrong_typ() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp(), typ="JWT"),
            "typ must be openid4vci-proof+jwt")


def test_missing_typ() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp(), typ=None),
            "typ must be")


def test_alg_none_is_refused() -> None:
    head = base64url_encode(json.dumps({"alg": "none", "typ": "openid4vci-proof+jwt"}).encode())
    body = base64url_encode(json.dumps({"aud": AUD, "iat": 1, "nonce": "n"}).encode())
    refused(f"{head}.{body}.c2ln", "not accepted")


def test_rs256_is_not_a_proof_algorithm() -> None:
    pair = RsaKeyPair.generate()
    token = sign_compact_jws({"alg": "RS256", "typ": "openid4vci-proof+jwt",
                              "jwk": pair.public_jwk()},
                             json.dumps({"aud": AUD, "iat": NOW.timestamp(),
                                         "nonce": "n"}).encode(), signer=pair.signer("k"))
    refused(token, "not accepted")


def test_alg_that_does_not_fit_the_key() -> None:
    holder = Holder.ed25519()
    refused(holder.proof(aud=AUD, nonce="n", iat=NOW.timestamp(), header={"alg": "ES256"}),
            "does not fit")


def test_bad_signature() -> None:
    token = Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp())
    refused(tamper_signature(token), "signature does not verify")


def test_signed_by_another_key_than_the_kid() -> None:
    holder, other = Holder.ed25519(), Holder.ed25519()
    refused(holder.proof(aud=AUD, nonce="n", iat=NOW.timestamp(), header={"kid": other.kid}),
            "signature does not verify")


def test_kid_that_is_not_a_did_key() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp(),
                                   header={"kid": "did:web:wallet.example#key-1"}),
            "did:key DID URL")


def test_malformed_did_key_kid() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp(),
                                   header={"kid": "did:key:z6Mnotakey#z6Mnotakey"}),
            "does not resolve")


def test_both_kid_and_jwk() -> None:
    holder = Holder.ed25519()
    refused(holder.proof(aud=AUD, nonce="n", iat=NOW.timestamp(),
                         header={"jwk": holder.pair.public_jwk()}), "exactly one of kid and jwk")


def test_neither_kid_nor_jwk() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp(), header_key="none"),
            "exactly one of kid and jwk")


def test_x5c() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp(), header_key="none",
                                   header={"x5c": ["MIIB"]}), "x5c")


def test_private_jwk() -> None:
    holder = Holder.ed25519()
    refused(holder.proof(aud=AUD, nonce="n", iat=NOW.timestamp(), header_key="jwk",
                         header={"jwk": {**holder.pair.public_jwk(), "d": "AAAA"}}),
            "public key only")


def test_critical_header() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", iat=NOW.timestamp(),
                                   header={"crit": ["b64"]}), "critical")


def test_wrong_aud() -> None:
    refused(Holder.ed25519().proof(aud="https://evil.example", nonce="n", iat=NOW.timestamp()),
            "aud must be the Credential Issuer")


def test_missing_iat() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n", claims={"iat": None}), "needs iat")


def test_stale_iat() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n",
                                   iat=(NOW - timedelta(minutes=10)).timestamp()), "stale")


def test_iat_in_the_future() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce="n",
                                   iat=(NOW + timedelta(minutes=5)).timestamp()), "future")


def test_missing_nonce() -> None:
    refused(Holder.ed25519().proof(aud=AUD, nonce=None, iat=NOW.timestamp()), "no nonce")
