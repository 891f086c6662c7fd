"""did:web <-> https URL, as pure functions (fetching lives in the network layer).

https://w3c-ccg.github.io/did-method-web/#read-resolve
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

from vcissuer.errors import INVALID_VERIFICATION_METHOD_URL, ResolutionError

__all__ = ["DID_WEB_PREFIX", "did_web_from_url", "did_web_to_url"]

DID_WEB_PREFIX = "did:web:"
# DID Core section 3.1: idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
_SEGMENT = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+"
_DID_WEB = re.compile(rf"^did:web:({_SEGMENT})((?::{_SEGMENT})*)$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_PORT = re.compile(r"^[0-9]{1,5}$")


def _invalid(did: object, why: str) -> ResolutionError:
    return ResolutionError(f"{did!r} is not a valid did:web: {why}",
                           code=INVALID_VERIFICATION_METHOD_URL)


def did_web_to_url(did: str) -> str:
    """The https URL of a did:web's DID document.

    https://w3c-ccg.github.io/did-method-web/#read-resolve
    """
    match = _DID_WEB.match(did) if isinstance(did, str) else None
    if match is None:
        raise _invalid(did, "expected did:web:<domain>[%3A<port>][:<path>...] with no "
                            "fragment, query or slash")
    authority, path = match.group(1), match.group(2)
    host, _, port = re.sub("%3[Aa]", ":", authority, count=1).partition(":")
    if not _HOST.match(host):
        raise _invalid(did, "the domain name is malformed")
    if port and (not _PORT.match(port) or not 0 < int(port) < 65536):
        raise _invalid(did, "the port must be a number from 1 to 65535")
    segments = path.split(":")[1:]
    location = "/" + "/".join(segments) if segments else "/.well-known"
    return f"https://{host.lower()}{':' + port if port else ''}{location}/did.json"


def did_web_from_url(base_url: str, path_segments: Sequence[str] = ()) -> str:
    """The did:web for ``base_url`` plus ``path_segments``; the port colon becomes ``%3A``.

    ``did_web_from_url("http://localhost:8000", ["issuers", "acme"])`` is
    ``did:web:localhost%3A8000:issuers:acme``.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{base_url!r} is not an http(s) URL with a host")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{base_url!r} must not carry a query, fragment or user info")
    host = parts.hostname.lower()
    if not _HOST.match(host):
        raise ValueError(f"{base_url!r}: {host!r} is not a domain name did:web can carry")
    authority = f"{host}%3A{parts.port}" if parts.port else host
    segments = [s for s in parts.path.split("/") if s] + list(path_segments)
    if any(not isinstance(s, str) or not s for s in segments):
        raise ValueError("path segments must be non-empty strings")
    encoded = [quote(s, safe="").replace("~", "%7E") for s in segments]
    did = ":".join([DID_WEB_PREFIX + authority, *encoded])
    did_web_to_url(did)  # the result must parse back
    return did
