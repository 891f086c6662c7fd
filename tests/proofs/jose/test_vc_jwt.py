"""VC-JWT round trips for RS256, ES256 and EdDSA; header and claim rules; every way it fails."""

from __future__ import annotations

import json
from typing import Any

import pytest

from vcissuer.dids import (
    ASSERTION_METHOD,
    CompositeResolver,
    DidKeyResolver,
    StaticResolver,
    did_key_from_public,
)
from vcissuer.errors import (
    CRYPTOGRAPHIC_SECURITY_ERROR,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_VALUE_ERROR,
    JwtError,
)
from vcissuer.keys import (
    Ed25519KeyPair,
    P256KeyPair,
    RsaKeyPair,
    base64url_decode,
    base64url_encode,
)
from vcissuer.proofs.jose import (
    DEFAULT_ALGORITHMS,
    decode_vc_jwt,
    encode_vc_jwt,
    sign_compact_jws,
    verify_vc_jwt,
)

ISSUER = "did:web:issuer.example:issuers:acme"


def _issuer_document(pair: Any, *, relationship: str = "assertionMethod") -> dict[str, Any]:
    return {
        "id": ISSUER,
        "verificationMethod": [{"id": f"{ISSUER}#key-1", "type": "JsonWebKey",
                                "controller": ISSUER, "publicKeyJwk": pair.public_jwk()}],
        relationship: ["#key-1"],
    }


def _with_issuer(credential: dict[str, Any], issuer: str = ISSUER) -> dict[str, Any]:
    return {**credential, "issuer": {**credential["issuer"], "id": issuer}}


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return (json.loads(base64url_decode(header)), json.loads(base64url_decode(payload)),
            signature)


def _forge(header: dict[str, Any], payload: dict[str, Any], pair: Any) -> str:
    return sign_compact_jws(header, json.dumps(payload).encode(), signer=pair.signer("k"))


# --- round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize(("pair_name", "alg"), [
    ("rsa_pair", "RS256"), ("p256_pair", "ES256"), ("ed_pair", "EdDSA")])
def test_round_trip_with_kid(request, credential, pair_name: str, alg: str) -> None:
    pair = request.getfixturevalue(pair_name)
    token = encode_vc_jwt(_with_issuer(credential), pair.signer(f"{ISSUER}#key-1"))
    header, _, _ = _parts(token)
    assert header == {"alg": alg, "typ": "JWT", "kid": f"{ISSUER}#key-1"}
    result = verify_vc_jwt(token, resolver=StaticResolver({ISSUER: _issuer_document(pair)}))
    assert result.verified, result.problems
    assert result.key_source == "kid"
    assert result.controller == ISSUER
    assert result.verification_method == f"{ISSUER}#key-1"
    assert result.credential == _with_issuer(credential)


@pytest.mark.parametrize("pair_name", ["rsa_pair", "p256_pair", "ed_pair"])
def test_round_trip_with_jwk(request, credential, pair_name: str) -> None:
    pair = request.getfixturevalue(pair_name)
    token = encode_vc_jwt(credential, pair.signer(""), header_key="jwk")
    header, _, _ = _parts(token)
    assert header["jwk"] == pair.public_jwk() and "d" not in header["jwk"]
    assert "kid" not in header
    result = verify_vc_jwt(token)
    assert result.verified, result.problems
    assert result.key_source == "jwk" and result.controller is None


def test_round_trip_with_did_key(credential, ed_pair: Ed25519KeyPair) -> None:
    did = did_key_from_public(ed_pair.public_multibase)
    token = encode_vc_jwt(_with_issuer(credential, did),
                          ed_pair.signer(f"{did}#{ed_pair.public_multibase}"))
    result = verify_vc_jwt(token, resolver=CompositeResolver([DidKeyResolver()]))
    assert result.verified, result.problems
    assert result.controller == did


def test_payload_claims(credential, ed_pair: Ed25519KeyPair) -> None:
    credential = {**credential, "validUntil": "2030-01-01T00:00:00Z"}
    token = encode_vc_jwt(credential, ed_pair.signer("k"), extra_claims={"aud": "verifier"})
    _, payload, _ = _parts(token)
    assert payload["iss"] == "https://example.edu/issuers/565049"
    assert payload["jti"] == "http://example.com/credentials/3527"
    assert payload["sub"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"
    assert payload["nbf"] == 1262304000
    assert payload["exp"] == 1893456000
    assert payload["aud"] == "verifier"
    assert {k: v for k, v in payload.items()
            if k not in ("iss", "jti", "sub", "nbf", "exp", "aud")} == credential


def test_issuer_as_a_string(credential, ed_pair: Ed25519KeyPair) -> None:
    credential = {**credential, "issuer": "https://issuer.example"}
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    assert payload["iss"] == "https://issuer.example"


def test_no_sub_without_a_subject_id(credential, ed_pair: Ed25519KeyPair) -> None:
    subject = {k: v for k, v in credential["credentialSubject"].items() if k != "id"}
    token = encode_vc_jwt({**credential, "credentialSubject": subject}, ed_pair.signer("k"),
                          header_key="jwk")
    assert "sub" not in _parts(token)[1]
    assert verify_vc_jwt(token).verified


def test_vcdm1_credential_goes_in_the_vc_claim(credential_v1, ed_pair: Ed25519KeyPair) -> None:
    credential_v1 = {**credential_v1, "expirationDate": "2030-01-01T00:00:00Z"}
    token = encode_vc_jwt(credential_v1, ed_pair.signer("k"), header_key="jwk")
    _, payload, _ = _parts(token)
    assert payload["vc"] == credential_v1
    assert payload["nbf"] == 1262304000 and payload["exp"] == 1893456000
    result = verify_vc_jwt(token)
    assert result.verified, result.problems
    assert result.credential == credential_v1


def test_vcdm1_claims_complete_the_credential(credential_v1, ed_pair: Ed25519KeyPair) -> None:
    # VCDM 1.1 JWT decoding: iss, jti, nbf and sub stand in for missing properties
    bare = {k: v for k, v in credential_v1.items() if k not in ("id", "issuanceDate")}
    bare["issuer"] = {k: v for k, v in bare["issuer"].items() if k != "id"}
    payload = {"vc": bare, "iss": "https://issuer.example", "jti": "urn:uuid:1",
               "nbf": 1262304000, "exp": 1893456000}
    token = _forge({"alg": "EdDSA", "jwk": ed_pair.public_jwk()}, payload, ed_pair)
    result = verify_vc_jwt(token)
    assert result.verified, result.problems
    assert result.credential["issuer"]["id"] == "https://issuer.example"
    assert result.credential["id"] == "urn:uuid:1"
    assert result.credential["issuanceDate"] == "2010-01-01T00:00:00Z"
    assert result.credential["expirationDate"] == "2030-01-01T00:00:00Z"


def test_exp_sets_valid_until(credential, ed_pair: Ed25519KeyPair) -> None:
    token = encode_vc_jwt(credential, ed_pair.signer("k"), header_key="jwk",
                          extra_claims={"exp": 1893456000})
    result = verify_vc_jwt(token)
    assert result.verified, result.problems
    assert result.credential["validUntil"] == "2030-01-01T00:00:00Z"
    assert "validUntil" not in decode_vc_jwt(token).credential


def test_a_relative_kid_is_taken_relative_to_iss(credential, ed_pair: Ed25519KeyPair) -> None:
    token = encode_vc_jwt(_with_issuer(credential), ed_pair.signer("#key-1"))
    result = verify_vc_jwt(token, resolver=StaticResolver({ISSUER: _issuer_document(ed_pair)}))
    assert result.verified, result.problems
    assert result.verification_method == f"{ISSUER}#key-1"


def test_typ_vc_jwt_is_accepted(credential, ed_pair: Ed25519KeyPair) -> None:
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    token = _forge({"alg": "EdDSA", "typ": "vc+jwt", "jwk": ed_pair.public_jwk()}, payload,
                   ed_pair)
    assert verify_vc_jwt(token).verified


def test_decode_does_not_verify(credential, ed_pair: Ed25519KeyPair) -> None:
    token = encode_vc_jwt(credential, ed_pair.signer("k"), header_key="jwk")
    header, payload, credential_out, signing_input, signature = decode_vc_jwt(token)
    assert header["alg"] == "EdDSA"
    assert credential_out == credential
    assert signing_input == token.rsplit(".", 1)[0].encode()
    assert len(signature) == 64
    assert payload["jti"] == credential["id"]


# --- signature failures are returned, not raised -------------------------------------------

def _flip(segment: str) -> str:
    data = bytearray(base64url_decode(segment))
    data[len(data) // 2] ^= 1
    return base64url_encode(bytes(data))


@pytest.mark.parametrize("pair_name", ["rsa_pair", "p256_pair", "ed_pair"])
def test_tampered_signature(request, credential, pair_name: str) -> None:
    pair = request.getfixturevalue(pair_name)
    header, payload, signature = encode_vc_jwt(credential, pair.signer("k"),
                                               header_key="jwk").split(".")
    result = verify_vc_jwt(f"{header}.{payload}.{_flip(signature)}")
    assert not result.verified and not result.signature_verified
    assert [p.code for p in result.problems] == [CRYPTOGRAPHIC_SECURITY_ERROR]


@pytest.mark.parametrize("pair_name", ["rsa_pair", "p256_pair", "ed_pair"])
def test_tampered_payload(request, credential, pair_name: str) -> None:
    pair = request.getfixturevalue(pair_name)
    header, payload, signature = encode_vc_jwt(credential, pair.signer("k"),
                                               header_key="jwk").split(".")
    claims = json.loads(base64url_decode(payload))
    claims["name"] = "Forged Badge"
    forged = base64url_encode(json.dumps(claims).encode())
    result = verify_vc_jwt(f"{header}.{forged}.{signature}")
    assert not result.signature_verified
    assert result.credential["name"] == "Forged Badge"  # returned, so a report can show it
    assert CRYPTOGRAPHIC_SECURITY_ERROR in {p.code for p in result.problems}


def test_a_key_from_another_issuer(credential, ed_pair: Ed25519KeyPair) -> None:
    other = Ed25519KeyPair.generate()
    token = encode_vc_jwt(_with_issuer(credential), ed_pair.signer(f"{ISSUER}#key-1"))
    result = verify_vc_jwt(token, resolver=StaticResolver({ISSUER: _issuer_document(other)}))
    assert not result.verified


def test_alg_and_key_mismatch(credential, ed_pair: Ed25519KeyPair) -> None:
    # an RS256 header over an Ed25519 signature and Ed25519 jwk
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    token = _forge({"alg": "RS256", "jwk": ed_pair.public_jwk()}, payload, ed_pair)
    result = verify_vc_jwt(token)
    assert not result.verified and not result.signature_verified
    assert result.problems[0].code == INVALID_VERIFICATION_METHOD
    assert "RS256" in result.problems[0].message


def test_alg_and_resolved_key_mismatch(credential, ed_pair, rsa_pair) -> None:
    token = encode_vc_jwt(_with_issuer(credential), rsa_pair.signer(f"{ISSUER}#key-1"))
    result = verify_vc_jwt(token, resolver=StaticResolver({ISSUER: _issuer_document(ed_pair)}))
    assert not result.verified
    assert result.problems[0].code == INVALID_VERIFICATION_METHOD


def test_jwk_alg_member_must_agree(credential, ed_pair: Ed25519KeyPair) -> None:
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    token = _forge({"alg": "EdDSA", "jwk": {**ed_pair.public_jwk(), "alg": "ES256"}}, payload,
                   ed_pair)
    assert not verify_vc_jwt(token).verified


def test_resolution_failures_are_problems(credential, ed_pair: Ed25519KeyPair) -> None:
    token = encode_vc_jwt(_with_issuer(credential), ed_pair.signer(f"{ISSUER}#key-1"))
    document = _issuer_document(ed_pair, relationship="authentication")
    result = verify_vc_jwt(token, resolver=StaticResolver({ISSUER: document}))
    assert not result.verified
    assert result.problems[0].code == INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD
    assert result.problems[0].kind == "invalid"
    unknown = verify_vc_jwt(token, resolver=StaticResolver({}))
    assert unknown.problems[0].kind == "error"
    no_resolver = verify_vc_jwt(token)
    assert not no_resolver.verified and no_resolver.problems[0].kind == "error"


def test_purpose_is_assertion_method_by_default(credential, ed_pair: Ed25519KeyPair) -> None:
    token = encode_vc_jwt(_with_issuer(credential), ed_pair.signer(f"{ISSUER}#key-1"))
    document = _issuer_document(ed_pair, relationship="authentication")
    assert verify_vc_jwt(token, resolver=StaticResolver({ISSUER: document}),
                         purpose="authentication").verified
    assert ASSERTION_METHOD == "assertionMethod"


# --- claims that disagree with the credential are named problems ---------------------------

@pytest.mark.parametrize(("change", "claim"), [
    ({"iss": "https://evil.example"}, "iss"),
    ({"jti": "urn:uuid:other"}, "jti"),
    ({"nbf": 1262304001 + 86400}, "nbf"),
    ({"sub": "did:example:someone-else"}, "sub"),
    ({"exp": "tomorrow"}, "exp"),
    ({"nbf": "2010-01-01"}, "nbf"),
    ({"nbf": True}, "nbf"),
    ({"iss": 5}, "iss"),
])
def test_claim_mismatches(credential, ed_pair: Ed25519KeyPair, change, claim: str) -> None:
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    token = _forge({"alg": "EdDSA", "jwk": ed_pair.public_jwk()}, {**payload, **change}, ed_pair)
    result = verify_vc_jwt(token)
    assert result.signature_verified
    assert not result.verified
    assert [p.message.split(":")[0] for p in result.problems] == [claim]
    assert result.problems[0].code == MALFORMED_VALUE_ERROR


@pytest.mark.parametrize("claim", ["iss", "jti", "nbf"])
def test_required_claims(credential, ed_pair: Ed25519KeyPair, claim: str) -> None:
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    del payload[claim]
    token = _forge({"alg": "EdDSA", "jwk": ed_pair.public_jwk()}, payload, ed_pair)
    result = verify_vc_jwt(token)
    assert [p.message for p in result.problems] == [f"{claim}: the required claim is missing"]


def test_exp_required_when_valid_until_present(credential, ed_pair: Ed25519KeyPair) -> None:
    credential = {**credential, "validUntil": "2030-01-01T00:00:00Z"}
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    del payload["exp"]
    token = _forge({"alg": "EdDSA", "jwk": ed_pair.public_jwk()}, payload, ed_pair)
    assert [p.message.split(":")[0] for p in verify_vc_jwt(token).problems] == ["exp"]


def test_vcdm2_credential_must_carry_its_own_properties(credential,
                                                        ed_pair: Ed25519KeyPair) -> None:
    _, payload, _ = _parts(encode_vc_jwt(credential, ed_pair.signer("k")))
    del payload["validFrom"]
    token = _forge({"alg": "EdDSA", "jwk": ed_pair.public_jwk()}, payload, ed_pair)
    result = verify_vc_jwt(token)
    assert [p.message for p in result.problems] == ["nbf: the credential has no validFrom to match"]


# --- tokens that cannot be processed raise JwtError ----------------------------------------

def _token(ed_pair: Ed25519KeyPair, credential: dict[str, Any]) -> str:
    return encode_vc_jwt(credential, ed_pair.signer("k"), header_key="jwk")


def test_alg_none(credential, ed_pair: Ed25519KeyPair) -> None:
    _, payload, _ = _parts(_token(ed_pair, credential))
    header = base64url_encode(json.dumps({"alg": "none", "jwk": ed_pair.public_jwk()}).encode())
    body = base64url_encode(json.dumps(payload).encode())
    for token in (f"{header}.{body}.", f"{header}.{body}.AAAA"):
        with pytest.raises(JwtError):
            verify_vc_jwt(token)


@pytest.mark.parametrize("alg", ["none", "None", "HS256", "RS512", "PS256", "ES384", "Ed25519",
                                 "", None, 256])
def test_algorithms_outside_the_allow_list(credential, ed_pair: Ed25519KeyPair, alg) -> None:
    _, payload, _ = _parts(_token(ed_pair, credential))
    token = _forge({"alg": alg, "jwk": ed_pair.public_jwk()}, payload, ed_pair)
    with pytest.raises(JwtError, match=r"alg|algorithm"):
        verify_vc_jwt(token)


def test_a_narrower_allow_list(credential, ed_pair: Ed25519KeyPair) -> None:
    token = _token(ed_pair, credential)
    assert verify_vc_jwt(token, allowed_algorithms=DEFAULT_ALGORITHMS).verified
    with pytest.raises(JwtError, match="not accepted"):
        verify_vc_jwt(token, allowed_algorithms={"RS256"})


@pytest.mark.parametrize("cut", [
    lambda t: t.rsplit(".", 1)[0],
    lambda t: t.split(".")[0],
    lambda t: t + ".x",
    lambda t: "",
    lambda t: t[: len(t) // 2],
    lambda t: t.rsplit(".", 1)[0] + ".",
    lambda t: "." + t.split(".", 1)[1],
])
def test_truncated_tokens(credential, ed_pair: Ed25519KeyPair, cut) -> None:
    with pytest.raises(JwtError):
        verify_vc_jwt(cut(_token(ed_pair, credential)))


@pytest.mark.parametrize("bad", ["a+b", "YQ==", "a b", "é"])
def test_bad_base64(credential, ed_pair: Ed25519KeyPair, bad: str) -> None:
    header, payload, signature = _token(ed_pair, credential).split(".")
    for token in (f"{bad}.{payload}.{signature}", f"{header}.{bad}.{signature}",
                  f"{header}.{payload}.{bad}"):
        with pytest.raises(JwtError, match="base64url"):
            decode_vc_jwt(token)


@pytest.mark.parametrize(("raw", "message"), [
    (b"not json", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (b"\xff\xfe", "not UTF-8"),
    (b'{"alg": "EdDSA", "alg": "RS256"}', "duplicate"),
])
def test_header_that_is_not_a_json_object(credential, ed_pair, raw: bytes, message: str) -> None:
    _, payload, signature = _token(ed_pair, credential).split(".")
    with pytest.raises(JwtError, match=message):
        decode_vc_jwt(f"{base64url_encode(raw)}.{payload}.{signature}")


@pytest.mark.parametrize(("raw", "message"), [
    (b"not json", "not JSON"),
    (b'"a string"', "JSON object"),
    (b'{"vc": "not an object"}', "vc claim"),
    (b'{"iss": "a", "iss": "b"}', "duplicate"),
])
def test_payload_that_is_not_a_json_object(ed_pair: Ed25519KeyPair, raw: bytes,
                                           message: str) -> None:
    token = sign_compact_jws({"alg": "EdDSA", "jwk": ed_pair.public_jwk()}, raw,
                             signer=ed_pair.signer("k"))
    with pytest.raises(JwtError, match=message):
        decode_vc_jwt(token)


@pytest.mark.parametrize(("header", "message"), [
    ({"alg": "EdDSA"}, "exactly one of kid and jwk"),
    ({"alg": "EdDSA", "kid": "did:example:1#k", "jwk": "JWK"}, "exactly one of kid and jwk"),
    ({"alg": "EdDSA", "kid": ""}, "non-empty"),
    ({"alg": "EdDSA", "kid": 5}, "non-empty"),
    ({"alg": "EdDSA", "jwk": "not an object"}, "JSON object"),
    ({"alg": "EdDSA", "jwk": "JWK", "crit": ["exp"]}, "critical"),
    ({"alg": "EdDSA", "jwk": "JWK", "typ": "JOSE"}, "typ"),
    ({"kid": "did:example:1#k"}, "no alg"),
])
def test_header_rules(credential, ed_pair: Ed25519KeyPair, header, message: str) -> None:
    header = {k: (ed_pair.public_jwk() if v == "JWK" else v) for k, v in header.items()}
    _, payload, _ = _parts(_token(ed_pair, credential))
    with pytest.raises(JwtError, match=message):
        verify_vc_jwt(_forge(header, payload, ed_pair))


def test_jwk_with_d_is_refused_without_echoing_it(credential, ed_pair: Ed25519KeyPair) -> None:
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    seed = ed_pair.signer("k").private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw,
                                                         NoEncryption())
    d = base64url_encode(seed)
    _, payload, _ = _parts(_token(ed_pair, credential))
    token = _forge({"alg": "EdDSA", "jwk": {**ed_pair.public_jwk(), "d": d}}, payload, ed_pair)
    with pytest.raises(JwtError, match="private key members") as caught:
        verify_vc_jwt(token)
    assert d not in str(caught.value) and seed.hex() not in str(caught.value)


def test_unusable_jwk(credential, ed_pair: Ed25519KeyPair) -> None:
    _, payload, _ = _parts(_token(ed_pair, credential))
    token = _forge({"alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}},
                   payload, ed_pair)
    with pytest.raises(JwtError, match="usable public key"):
        verify_vc_jwt(token)


# --- encoding refuses what it cannot express -----------------------------------------------

@pytest.mark.parametrize(("drop", "message"), [
    ("issuer", "issuer id"), ("id", "jti"), ("validFrom", "nbf")])
def test_encode_needs_the_required_properties(credential, ed_pair, drop: str,
                                              message: str) -> None:
    del credential[drop]
    with pytest.raises(JwtError, match=message):
        encode_vc_jwt(credential, ed_pair.signer("k"))


def test_encode_refuses_a_bad_date(credential, ed_pair: Ed25519KeyPair) -> None:
    with pytest.raises(JwtError, match="validity period"):
        encode_vc_jwt({**credential, "validFrom": "2010-01-01"}, ed_pair.signer("k"))


def test_encode_refuses_claim_clashes(credential, ed_pair: Ed25519KeyPair) -> None:
    with pytest.raises(ValueError, match="overwrite"):
        encode_vc_jwt(credential, ed_pair.signer("k"), extra_claims={"iss": "x"})
    with pytest.raises(ValueError, match="overwrite"):
        encode_vc_jwt(credential, ed_pair.signer("k"), extra_claims={"name": "x"})
    with pytest.raises(JwtError, match="already has"):
        encode_vc_jwt({**credential, "nbf": 1}, ed_pair.signer("k"))


def test_encode_needs_a_kid(credential, ed_pair: Ed25519KeyPair) -> None:
    with pytest.raises(JwtError, match="verification method id"):
        encode_vc_jwt(credential, ed_pair.signer(""), header_key="kid")


def test_encode_needs_a_known_header_key(credential, ed_pair: Ed25519KeyPair) -> None:
    with pytest.raises(ValueError, match="header_key"):
        encode_vc_jwt(credential, ed_pair.signer("k"), header_key="x5c")  # type: ignore[arg-type]


def test_encode_with_a_signer_that_has_no_jwk(credential, ed_pair: Ed25519KeyPair) -> None:
    class Bare:
        id = "k"
        algorithm = ed_pair.algorithm

        def sign(self, data: bytes) -> bytes:
            return ed_pair.signer("k").sign(data)

    with pytest.raises(JwtError, match="public JWK"):
        encode_vc_jwt(credential, Bare(), header_key="jwk")
    assert encode_vc_jwt(credential, Bare()).count(".") == 2


def test_encode_refuses_a_jwk_with_private_members(credential, ed_pair) -> None:
    class Leaky:
        id = "k"
        algorithm = ed_pair.algorithm

        def sign(self, data: bytes) -> bytes:
            return ed_pair.signer("k").sign(data)

        def public_jwk(self) -> dict[str, str]:
            return {**ed_pair.public_jwk(), "d": "AAAA"}

    with pytest.raises(JwtError, match="private"):
        encode_vc_jwt(credential, Leaky(), header_key="jwk")


def test_encode_rejects_non_mappings(ed_pair: Ed25519KeyPair) -> None:
    with pytest.raises(TypeError):
        encode_vc_jwt("credential", ed_pair.signer("k"))  # type: ignore[arg-type]


def test_rsa_and_p256_fixtures_are_what_they_say(rsa_pair, p256_pair) -> None:
    assert isinstance(rsa_pair, RsaKeyPair) and isinstance(p256_pair, P256KeyPair)
