"""Enveloped credentials and presentations: a VC-JWT (or VP-JWT) carried in a ``data:`` URL.

https://www.w3.org/TR/vc-data-model-2.0/#enveloped-verifiable-credentials (and
#enveloped-verifiable-presentations): ``{"@context": ".../credentials/v2", "id":
"data:application/vc+jwt,<token>", "type": "EnvelopedVerifiableCredential"}``. The media types
are VC-JOSE-COSE's (``application/vc+jwt``, ``application/vp+jwt``); the ``data:`` URL syntax is
RFC 2397. Opening an envelope only parses it: the token inside is verified by the caller.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import unquote_to_bytes

from vcissuer.credentials.contexts import VC_V2
from vcissuer.errors import PARSING_ERROR, VcError

__all__ = [
    "ENVELOPED_CREDENTIAL",
    "ENVELOPED_PRESENTATION",
    "VC_JWT_MEDIA_TYPE",
    "VP_JWT_MEDIA_TYPE",
    "EnvelopeError",
    "envelope",
    "envelope_kind",
    "open_envelope",
]

ENVELOPED_CREDENTIAL = "EnvelopedVerifiableCredential"
ENVELOPED_PRESENTATION = "EnvelopedVerifiablePresentation"
VC_JWT_MEDIA_TYPE = "application/vc+jwt"
VP_JWT_MEDIA_TYPE = "application/vp+jwt"
Kind = Literal["credential", "presentation"]
_TYPES: dict[Kind, tuple[str, str]] = {
    "credential": (ENVELOPED_CREDENTIAL, VC_JWT_MEDIA_TYPE),
    "presentation": (ENVELOPED_PRESENTATION, VP_JWT_MEDIA_TYPE),
}
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
# A token far larger than any request body we accept is not worth decoding.
_MAX_URL = 4 * 1024 * 1024


class EnvelopeError(VcError):
    """An envelope that cannot be opened; ``member`` names the offending member (``id`` ...)."""

    code = PARSING_ERROR

    def __init__(self, message: str, *, member: str) -> None:
        super().__init__(message)
        self.member = member


def envelope(token: str, kind: Kind = "credential") -> dict[str, Any]:
    """The ``Enveloped...`` object carrying ``token`` (VCDM 2.0 section 4.13)."""
    if not isinstance(token, str) or not _COMPACT_JWS.match(token):
        raise ValueError("only a compact JWS is enveloped here")
    kind_type, media_type = _TYPES[kind]
    return {"@context": VC_V2, "id": f"data:{media_type},{token}", "type": kind_type}


def envelope_kind(value: Any) -> Kind | None:
    """``"credential"`` or ``"presentation"`` for an object typed as an envelope, else None."""
    if not isinstance(value, Mapping):
        return None
    types = value.get("type")
    names = types if isinstance(types, list) else [types]
    for kind, (kind_type, _) in _TYPES.items():
        if kind_type in names:
            return kind
    return None


def _contexts_ok(value: Mapping[str, Any]) -> bool:
    if "@context" not in value:
        return True
    context = value["@context"]
    first = context[0] if isinstance(context, list) and context else context
    return first == VC_V2


def open_envelope(value: Mapping[str, Any], kind: Kind = "credential") -> str:
    """The compact JWS inside an enveloped credential (or presentation); EnvelopeError if bad.

    The ``id`` must be an RFC 2397 ``data:`` URL of media type ``application/vc+jwt``
    (``application/vp+jwt`` for a presentation), its data the token (percent-encoded or
    ``;base64`` are accepted too).
    """
    kind_type, media_type = _TYPES[kind]
    if envelope_kind(value) != kind:
        raise EnvelopeError(f"type must be {kind_type}", member="type")
    if not _contexts_ok(value):
        raise EnvelopeError(f"the first @context must be {VC_V2}", member="@context")
    url = value.get("id")
    if not isinstance(url, str) or not url:
        raise EnvelopeError(f"an {kind_type} needs an id: a data: URL", member="id")
    if len(url) > _MAX_URL:
        raise EnvelopeError("the data: URL is too long", member="id")
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() != "data":
        raise EnvelopeError(f"id must be a data: URL (RFC 2397), not {url[:40]!r}", member="id")
    meta, comma, data = rest.partition(",")
    if not comma:
        raise EnvelopeError("the data: URL has no ',' before its data", member="id")
    params = [p.strip().lower() for p in meta.split(";")]
    found = params[0] or "text/plain"
    if found != media_type:
        raise EnvelopeError(f"the data: URL's media type is {found!r}; only {media_type} is "
                            f"supported", member="id")
    try:
        raw = unquote_to_bytes(data)
        if "base64" in params[1:]:
            raw = base64.b64decode(raw, validate=True)
        token = raw.decode("ascii").strip()
    except (binascii.Error, ValueError):
        raise EnvelopeError("the data: URL's data cannot be decoded", member="id") from None
    if not _COMPACT_JWS.match(token):
        raise EnvelopeError(f"the data of a {media_type} data: URL must be a compact JWS "
                            "(three base64url parts)", member="id")
    return token
