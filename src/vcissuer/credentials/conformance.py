"""VCDM data-model MUSTs shared by the issuer (refuse to sign) and the verifier (fail structure).

Each rule cites its section of https://www.w3.org/TR/vc-data-model-2.0/ (VCDM 1.1 has the same
typed-object rules). A :class:`Violation` names the member (``termsOfUse[0].type``), a short
rule and a plain-language message; callers prefix the path (``credential.``) as they need.

Related resources (VCDM 2.0 section 5.3 "Integrity of Related Resources"): each entry needs a
unique URL ``id`` and a ``digestSRI`` (SRI hash-expressions, W3C Subresource Integrity section
3.5) or ``digestMultibase`` (multibase-encoded multihash, VC Data Integrity section 2.6). When
the resource is one of our bundled contexts, its digest is computed over the bundled file's
bytes and must match: a verifier that uses a resource MUST produce an error on a mismatch.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from vcissuer.jsonld.loader import contexts_dir
from vcissuer.keys.multibase import multibase_decode

__all__ = ["Violation", "bundled_resource", "data_model_violations", "is_url"]

ResourceBytes = Callable[[str], bytes | None]

# Objects that MUST have a type (VCDM 2.0 section 4.4 "Types", table of objects).
_TYPED = ("credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema")
# ... and must also have an id (section 4.11 "Data Schemas").
_ID_REQUIRED = {"credentialSchema"}
_LANGUAGE_KEYS = frozenset({"@value", "@language", "@direction"})
_SRI = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7e]*)?$")
_SRI_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_SRI_STRENGTH = {"sha256": 1, "sha384": 2, "sha512": 3}
# Multihash codes (https://github.com/multiformats/multicodec): code -> (hash, digest length).
_MULTIHASH: dict[int, tuple[Callable[..., Any], int]] = {
    0x12: (hashlib.sha256, 32), 0x20: (hashlib.sha384, 48), 0x13: (hashlib.sha512, 64),
    0x16: (hashlib.sha3_256, 32), 0x15: (hashlib.sha3_384, 48), 0x14: (hashlib.sha3_512, 64),
}


@dataclass(frozen=True, slots=True)
class Violation:
    path: str
    rule: str
    message: str


def is_url(value: Any) -> bool:
    """An absolute URL (RFC 3986 scheme, no whitespace): VCDM 2.0 section 4.4 "Identifiers"."""
    return isinstance(value, str) and bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", value))


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


@cache
def _bundled_index() -> dict[str, str]:
    folder = contexts_dir()
    index = json.loads((folder / "INDEX.json").read_text(encoding="utf-8"))
    entries = {**index["contexts"], **index.get("aliases", {})}
    return {url: entry["file"] for url, entry in entries.items()}


@cache
def bundled_resource(url: str) -> bytes | None:
    """The bytes of a bundled context, by URL (None when it is not bundled)."""
    name = _bundled_index().get(url)
    return None if name is None else (contexts_dir() / name).read_bytes()


def data_model_violations(credential: Mapping[str, Any], *, version: str = "2.0",
                          resource: ResourceBytes = bundled_resource) -> list[Violation]:
    """The VCDM rules ``credential`` breaks (``version`` "2.0" or "1.1")."""
    found: list[Violation] = []
    found += _context_items(credential)
    found += _type_values(credential)
    found += _subject_ids(credential)
    for key in _TYPED:
        if key in credential:
            found += _typed_objects(key, credential[key])
    if version == "2.0":
        found += _language_values("", credential)
        issuer = credential.get("issuer")
        if isinstance(issuer, Mapping):
            found += _language_values("issuer.", issuer)
        if "relatedResource" in credential:
            found += _related_resources(credential["relatedResource"], resource)
    return found


def _context_items(credential: Mapping[str, Any]) -> list[Violation]:
    """Section 4.3: after the base context, each item is a URL or a context object."""
    context = credential.get("@context")
    if not isinstance(context, list):
        return []
    return [Violation(f"@context[{index}]", "context-item",
                      "each @context item must be a URL or a JSON-LD context object")
            for index, item in enumerate(context[1:], start=1)
            if not (is_url(item) or isinstance(item, Mapping))]


def _type_values(credential: Mapping[str, Any]) -> list[Violation]:
    """Section 4.4: type is one or more terms and/or absolute URL strings."""
    types = credential.get("type")
    if types is None:
        return []
    values = _as_list(types)
    if not values or not all(isinstance(t, str) and t for t in values):
        return [Violation("type", "type-value",
                          "type must be one or more non-empty strings (terms or URLs)")]
    return []


def _subject_ids(credential: Mapping[str, Any]) -> list[Violation]:
    """Section 4.8: a subject's id, when present, is a single URL (section 4.4)."""
    found = []
    subjects = credential.get("credentialSubject")
    for index, subject in enumerate(_as_list(subjects) if subjects is not None else []):
        if isinstance(subject, Mapping) and "id" in subject and not is_url(subject["id"]):
            path = "credentialSubject" + (f"[{index}]" if isinstance(subjects, list) else "")
            found.append(Violation(f"{path}.id", "url",
                                   f"{subject['id']!r} is not a single URL"))
    return found


def _typed_objects(key: str, value: Any) -> list[Violation]:
    """Sections 4.4, 4.10, 4.11, 5.4-5.6: each entry is an object with a type (schemas: an id
    URL too; status: an id, if any, is a URL)."""
    entries = _as_list(value)
    if not entries:
        return [Violation(key, "malformed", f"{key} must be one or more objects")]
    found = []
    for index, entry in enumerate(entries):
        path = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            found.append(Violation(path, "malformed",
                                   f"each {key} must be an object with a type"))
            continue
        types = entry.get("type")
        if not types or not all(isinstance(t, str) and t for t in _as_list(types)):
            found.append(Violation(f"{path}.type", "malformed",
                                   f"each {key} must specify its type"))
        if key in _ID_REQUIRED and "id" not in entry:
            found.append(Violation(f"{path}.id", "malformed",
                                   f"each {key} must have an id, the URL of the schema"))
        elif "id" in entry and not is_url(entry["id"]):
            found.append(Violation(f"{path}.id", "url",
                                   f"{entry['id']!r} is not a single URL"))
    return found


def _is_language_value(value: Any) -> bool:
    """Section 11.1 "Language and Base Direction": a string, or a value object with @value and
    optional @language and @direction (ltr/rtl), nothing else."""
    if isinstance(value, str):
        return True
    if not isinstance(value, Mapping) or not isinstance(value.get("@value"), str):
        return False
    if set(value) - _LANGUAGE_KEYS:
        return False
    if "@language" in value and not (isinstance(value["@language"], str)
                                     and value["@language"]):
        return False
    return "@direction" not in value or value["@direction"] in ("ltr", "rtl")


def _language_values(prefix: str, node: Mapping[str, Any]) -> list[Violation]:
    """Section 4.6 "Names and Descriptions": name and description are strings or language
    value objects (or several, one per language)."""
    found = []
    for key in ("name", "description"):
        if key not in node:
            continue
        values = _as_list(node[key])
        if not values or not all(_is_language_value(v) for v in values):
            found.append(Violation(
                f"{prefix}{key}", "language-value",
                f"{key} must be a string or a language value object "
                "({\"@value\", \"@language\", \"@direction\"} and nothing else)"))
    return found


def _related_resources(value: Any, resource: ResourceBytes) -> list[Violation]:
    """Section 5.3: one or more objects, each with a unique URL id and at least one digest."""
    entries = _as_list(value)
    if not entries or not all(isinstance(e, Mapping) for e in entries):
        return [Violation("relatedResource", "malformed",
                          "relatedResource must be one or more objects")]
    found: list[Violation] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        path = f"relatedResource[{index}]"
        url = entry.get("id")
        if url is None:
            found.append(Violation(f"{path}.id", "required",
                                   "each related resource must have an id"))
        elif not is_url(url):
            found.append(Violation(f"{path}.id", "url", f"{url!r} is not a single URL"))
        elif url in seen:
            found.append(Violation(f"{path}.id", "unique",
                                   f"{url} is listed more than once in relatedResource"))
        else:
            seen.add(url)
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            found.append(Violation(path, "digest-required",
                                   "each related resource must have a digestSRI or a "
                                   "digestMultibase"))
            continue
        if "mediaType" in entry and not isinstance(entry["mediaType"], str):
            found.append(Violation(f"{path}.mediaType", "malformed",
                                   "mediaType must be a media type string"))
        content = resource(url) if is_url(url) else None
        if "digestSRI" in entry:
            found += _check_sri(f"{path}.digestSRI", entry["digestSRI"], content)
        if "digestMultibase" in entry:
            found += _check_multibase(f"{path}.digestMultibase", entry["digestMultibase"],
                                      content)
    return found


def _check_sri(path: str, value: Any, content: bytes | None) -> list[Violation]:
    """W3C Subresource Integrity section 3.5 (``hash-expression``s, space separated) and 3.3.5:
    the strongest algorithm listed decides; any of its digests may match."""
    items = [v for part in _as_list(value) if isinstance(part, str) for v in part.split()]
    if not items or not all(isinstance(p, str) for p in _as_list(value)):
        return [Violation(path, "digest", "digestSRI must be SRI hash-expressions such as "
                                          "sha384-<base64>")]
    parsed = []
    for item in items:
        match = _SRI.match(item)
        if match is None:
            return [Violation(path, "digest", f"{item[:80]!r} is not an SRI hash-expression "
                                              "(sha256, sha384 or sha512 then base64)")]
        algorithm, digest = match.group(1), match.group(2)
        try:
            raw = base64.b64decode(digest, validate=True)
        except (binascii.Error, ValueError):
            return [Violation(path, "digest", f"{item[:80]!r}: the digest is not base64")]
        if len(raw) != _SRI_HASHES[algorithm]().digest_size:
            return [Violation(path, "digest", f"{item[:80]!r}: a {algorithm} digest has "
                                              f"{_SRI_HASHES[algorithm]().digest_size} bytes")]
        parsed.append((algorithm, raw))
    if content is None:
        return []
    strongest = max(_SRI_STRENGTH[a] for a, _ in parsed)
    candidates = [(a, raw) for a, raw in parsed if _SRI_STRENGTH[a] == strongest]
    if any(_SRI_HASHES[a](content).digest() == raw for a, raw in candidates):
        return []
    return [Violation(path, "digest-mismatch",
                      "the digest does not match the resource's content")]


def _check_multibase(path: str, value: Any, content: bytes | None) -> list[Violation]:
    """VC Data Integrity section 2.6: a multibase-encoded multihash, or a list of them."""
    values = _as_list(value)
    if not values or not all(isinstance(v, str) for v in values):
        return [Violation(path, "digest", "digestMultibase must be a multibase string or a "
                                          "list of them")]
    found = []
    for item in values:
        try:
            raw = multibase_decode(item)
        except ValueError:
            return [Violation(path, "digest", f"{item[:80]!r} is not multibase (z or u)")]
        if len(raw) < 2 or raw[0] not in _MULTIHASH:
            return [Violation(path, "digest", f"{item[:80]!r} is not a supported multihash "
                                              "(sha2-256/384/512, sha3-256/384/512)")]
        function, size = _MULTIHASH[raw[0]]
        if raw[1] != size or len(raw) != 2 + size:
            return [Violation(path, "digest", f"{item[:80]!r}: wrong multihash digest length")]
        if content is not None and function(content).digest() != raw[2:]:
            found.append(Violation(path, "digest-mismatch",
                                   "the digest does not match the resource's content"))
    return found
