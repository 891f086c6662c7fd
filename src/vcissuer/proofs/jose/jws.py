"""JWS Compact Serialization on top of a Signer/Verifier. https://www.rfc-editor.org/rfc/rfc7515

Parsing is strict: three base64url parts, a JSON object header without duplicate members.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vcissuer.errors import JwtError
from vcissuer.keys.base import Signer
from vcissuer.keys.multibase import MultibaseError, base64url_decode, base64url_encode
from vcissuer.limits import MAX_NESTING_DEPTH, json_text_nesting_exceeds

__all__ = ["CompactJws", "json_object", "parse_compact_jws", "sign_compact_jws"]


@dataclass(frozen=True, slots=True)
class CompactJws:
    """The parts of a compact JWS: decoded header, payload bytes, signing input, signature."""

    header: dict[str, Any]
    payload: bytes = field(repr=False)
    signing_input: bytes = field(repr=False)
    signature: bytes = field(repr=False)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JwtError(f"duplicate JSON member {key!r}")
        result[key] = value
    return result


def json_object(data: bytes, *, what: str) -> dict[str, Any]:
    """A UTF-8 JSON object without duplicate member names (RFC 7515 section 5.2 step 4)."""
    if json_text_nesting_exceeds(data):
        raise JwtError(f"the {what} nests arrays and objects deeper than {MAX_NESTING_DEPTH} "
                       "levels (limit: nesting depth)")
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise JwtError(f"the {what} is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise JwtError(f"the {what} is not JSON: {error.msg}") from None
    if not isinstance(value, dict):
        raise JwtError(f"the {what} must be a JSON object")
    return value


def _encode_json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_compact_jws(header: Mapping[str, Any], payload: bytes, *, signer: Signer) -> str:
    """BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature). RFC 7515 section 5.1"""
    signing_input = base64url_encode(_encode_json(header)) + "." + base64url_encode(payload)
    signature = signer.sign(signing_input.encode("ascii"))
    return signing_input + "." + base64url_encode(signature)


def parse_compact_jws(token: str) -> CompactJws:
    """Split and decode a compact JWS (RFC 7515 section 5.2 steps 1-7); JwtError if malformed."""
    if not isinstance(token, str):
        raise JwtError("a compact JWS must be a string")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwtError(f"a compact JWS has 3 dot-separated parts, this has {len(parts)}")
    names = ("header", "payload", "signature")
    decoded = []
    for name, part in zip(names, parts, strict=True):
        if not part:
            raise JwtError(f"the JWS {name} is empty")
        try:
            decoded.append(base64url_decode(part))
        except MultibaseError as error:
            raise JwtError(f"the JWS {name} is not base64url: {error.message}") from None
    header = json_object(decoded[0], what="JOSE header")
    return CompactJws(header=header, payload=decoded[1],
                      signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
                      signature=decoded[2])
