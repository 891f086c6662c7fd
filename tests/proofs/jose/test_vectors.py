"""Published samples: the 1EdTech validator's baked VC-JWTs (RS256, jwk header) and RFC 8037."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

from vcissuer.keys import Ed25519KeyPair, base64url_decode, base64url_encode
from vcissuer.proofs.jose import decode_vc_jwt, parse_compact_jws, sign_compact_jws, verify_vc_jwt

BAKED = Path(__file__).parents[2] / "vectors/1edtech-validator-ob30/baked"


def _png_itxt(path: Path) -> str:
    """The text of the PNG's ``openbadgecredential`` iTXt chunk (uncompressed, no language)."""
    data, offset = path.read_bytes(), 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind, body = data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]
        if kind == b"iTXt" and body.startswith(b"openbadgecredential\0"):
            return body.split(b"\0", 5)[5].decode("utf-8")
        offset += 12 + length
    raise AssertionError(f"no openbadgecredential chunk in {path.name}")


def _svg_verify(path: Path) -> str:
    match = re.search(r'<openbadges:credential[^>]*\bverify="([^"]+)"', path.read_text())
    assert match, path.name
    return match.group(1)


def _token(name: str) -> str:
    path = BAKED / name
    return _png_itxt(path) if path.suffix == ".png" else _svg_verify(path)


SAMPLES = ["simple-jwt.png", "simple-jwt.svg", "simple-jwt_v1.png", "simple-jwt_v1.svg"]


@pytest.mark.parametrize("name", SAMPLES)
def test_1edtech_baked_jwts_verify(name: str) -> None:
    result = verify_vc_jwt(_token(name))
    assert result.verified, result.problems
    assert result.signature_verified
    assert result.key_source == "jwk"
    assert result.header["alg"] == "RS256"
    assert result.controller is None


@pytest.mark.parametrize("name", ["simple-jwt.png", "simple-jwt.svg"])
def test_vcdm2_payload_is_the_credential(name: str) -> None:
    decoded = decode_vc_jwt(_token(name))
    assert decoded.credential["id"] == decoded.payload["jti"]
    assert decoded.credential["issuer"]["id"] == decoded.payload["iss"]
    assert "iss" not in decoded.credential and "nbf" not in decoded.credential
    assert "sub" not in decoded.payload  # the validator accepts a token without sub


@pytest.mark.parametrize("name", ["simple-jwt_v1.png", "simple-jwt_v1.svg"])
def test_vcdm1_credential_is_the_vc_claim(name: str) -> None:
    result = verify_vc_jwt(_token(name))
    assert result.credential["issuanceDate"] == "2010-01-01T00:00:00Z"
    assert result.credential["@context"][0] == "https://www.w3.org/2018/credentials/v1"


@pytest.mark.parametrize("name", SAMPLES)
def test_1edtech_baked_jwts_fail_when_tampered(name: str) -> None:
    header, payload, signature = _token(name).split(".")
    claims = json.loads(base64url_decode(payload))
    claims["iat"] += 1
    tampered = base64url_encode(json.dumps(claims).encode())
    result = verify_vc_jwt(f"{header}.{tampered}.{signature}")
    assert not result.verified
    assert not result.signature_verified


def test_rfc8037_appendix_a4_ed25519_jws() -> None:
    seed = base64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
    pair = Ed25519KeyPair.from_seed(seed)
    assert pair.public_jwk()["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    expected = ("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
                "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
    token = sign_compact_jws({"alg": "EdDSA"}, b"Example of Ed25519 signing",
                             signer=pair.signer(""))
    assert token == expected
    jws = parse_compact_jws(expected)
    assert pair.verifier("").verify(jws.signing_input, jws.signature)
