"""The text a baked image carries: a Compact JWS (VC-JWT) or the credential JSON (UTF-8).

https://www.imsglobal.org/spec/ob/v3p0/#baking
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from vcissuer.baking.errors import BakingError
from vcissuer.limits import MAX_NESTING_DEPTH, json_text_nesting_exceeds

__all__ = ["MAX_PAYLOAD_BYTES", "credential_text", "is_compact_jws", "parse_credential_text"]

# A credential far larger than any badge; bounds decompression and parsing of hostile input.
MAX_PAYLOAD_BYTES = 8 * 1024 * 1024

_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def is_compact_jws(text: str) -> bool:
    """Three non-empty base64url segments separated by dots."""
    return _COMPACT_JWS.match(text) is not None


def credential_text(credential: Mapping[str, Any] | str) -> str:
    """What to bake: the JWS as is, or compact JSON that keeps non-ASCII characters."""
    if isinstance(credential, str):
        if not is_compact_jws(credential):
            raise ValueError("a credential given as a string must be a compact JWS (VC-JWT)")
        return credential
    if isinstance(credential, Mapping):
        return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    raise TypeError("credential must be a JSON object (dict) or a compact JWS string")


def parse_credential_text(text: str) -> dict[str, Any] | str:
    """The baked credential: a dict for JSON, the compact JWS string for a VC-JWT."""
    text = text.strip()
    if len(text) > MAX_PAYLOAD_BYTES:
        raise BakingError("the baked credential is too large")
    if text.startswith("{"):
        if json_text_nesting_exceeds(text.encode("utf-8")):
            raise BakingError(f"the credential nests arrays and objects deeper than "
                              f"{MAX_NESTING_DEPTH} levels (limit: nesting depth)")
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise BakingError(f"the baked credential is not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise BakingError("the baked credential JSON must be an object")
        return value
    if is_compact_jws(text):
        return text
    raise BakingError("the baked payload is neither credential JSON nor a compact JWS")
