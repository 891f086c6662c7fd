"""The structure check: VCDM 2.0 or 1.1 rules, then the OB 3.0 rules and JSON Schema.

OB 3.0 "Verification" step 1 (https://www.imsglobal.org/spec/ob/v3p0/#verification): a
credential is checked against each ``1EdTechJsonSchemaValidator2019`` schema it names, and its
``credentialSubject`` must have an ``id`` or an ``identifier``. Like the 1EdTech validator, a
VCDM 2.0 Open Badges credential is checked against the published schema even when it names none;
a CLR 2.0 ClrCredential against the ClrCredential schema.

The compacted form. The published schemas require ``type``, ``proof`` and ``credentialSchema``
to be arrays, while JSON-LD (and OB's "Compacted document form") allows a single value, and the
1EdTech validator accepts one. We validate a copy in which those members, at the credential's
top level and in embedded endorsements, are wrapped in arrays, and say so in a note: the
credential passes, and the note tells its issuer that strict validators may reject it.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import jsonschema_rs

from vcissuer.credentials.conformance import data_model_violations
from vcissuer.credentials.schema import KNOWN_SCHEMA_URLS, SchemaProblem, validate_against
from vcissuer.errors import MALFORMED_VALUE_ERROR
from vcissuer.net.errors import RETRIEVAL_ERROR
from vcissuer.proofs.result import Problem
from vcissuer.verify.documents import Retrieved
from vcissuer.verify.report import Check

__all__ = [
    "CREDENTIAL_SCHEMA_TYPE",
    "OB_CREDENTIAL_TYPES",
    "VC_V1",
    "VC_V2",
    "check_structure",
    "compacted_members",
    "credential_types",
    "extension_schema_urls",
    "is_open_badge",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIAL_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
OB_CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
ENDORSEMENT_CREDENTIAL = "EndorsementCredential"
# Credential types that use the OB context and are not OB achievement credentials.
_OB_FAMILY = OB_CREDENTIAL_TYPES | {ENDORSEMENT_CREDENTIAL, "ClrCredential"}
_OB_CONTEXT = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(?:-3\.\d+\.\d+)?\.json$")
_CLR_CONTEXT = re.compile(
    r"^https://purl\.imsglobal\.org/spec/clr/v2p0/context(?:-2\.\d+\.\d+)?\.json$")
CLR_CREDENTIAL = "ClrCredential"
# 1EdTech's own published schemas that are not bundled (older OB and CLR drafts, CLR's other
# classes): not fetched per request; the credential is held to the VC and OB rules above instead.
_STANDARD_SCHEMAS = ("https://purl.imsglobal.org/spec/",)
_COMPACTABLE = ("type", "proof", "credentialSchema")
# Schemas fetched from the network, compiled once per content.
_COMPILED: OrderedDict[str, Any] = OrderedDict()
_COMPILED_LOCK = threading.Lock()
_COMPILED_MAX = 64


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def credential_types(credential: Mapping[str, Any]) -> list[str]:
    return [t for t in _as_list(credential.get("type")) if isinstance(t, str)]


def _contexts(credential: Mapping[str, Any]) -> list[Any]:
    return _as_list(credential.get("@context"))


def is_open_badge(credential: Mapping[str, Any]) -> bool:
    """An OB 3.0 credential: an OB achievement or endorsement type, or the OB context."""
    return bool(_OB_FAMILY.intersection(credential_types(credential))) or any(
        isinstance(c, str) and _OB_CONTEXT.match(c) for c in _contexts(credential))


def compacted_members(credential: Mapping[str, Any]) -> list[str]:
    """Members given as one value where the published schema wants an array."""
    found = [k for k in _COMPACTABLE if k in credential and not isinstance(credential[k], list)]
    for index, endorsement in enumerate(_as_list(credential.get("endorsement"))):
        if isinstance(endorsement, Mapping):
            found += [f"endorsement[{index}].{k}" for k in compacted_members(endorsement)]
    return found


def _normalised(credential: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with the compactable members wrapped in arrays (credential and endorsements)."""
    copy = dict(credential)
    for key in _COMPACTABLE:
        if key in copy and not isinstance(copy[key], list):
            copy[key] = [copy[key]]
    if isinstance(copy.get("endorsement"), list):
        copy["endorsement"] = [_normalised(e) if isinstance(e, Mapping) else e
                               for e in copy["endorsement"]]
    return copy


def _schema_entries(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in _as_list(credential.get("credentialSchema")) if isinstance(s, Mapping)]


def extension_schema_urls(credential: Mapping[str, Any]) -> list[str]:
    """Schemas the credential names that must be fetched to check it (issuers' own)."""
    return [s["id"] for s in _schema_entries(credential)
            if s.get("type") == CREDENTIAL_SCHEMA_TYPE and isinstance(s.get("id"), str)
            and s["id"] not in KNOWN_SCHEMA_URLS and not s["id"].startswith(_STANDARD_SCHEMAS)]


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$", value))


def _invalid(message: str) -> Problem:
    return Problem(MALFORMED_VALUE_ERROR, message)


def _data_model_problems(credential: Mapping[str, Any], version: str) -> list[Problem]:
    """VCDM 2.0 section 4 / VCDM 1.1 section 4: the members every credential has."""
    problems: list[Problem] = []
    if "VerifiableCredential" not in credential_types(credential):
        problems.append(_invalid("type must include VerifiableCredential"))
    if "id" in credential and not _is_url(credential["id"]):
        problems.append(_invalid("id must be a URL"))
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if issuer is None:
        problems.append(_invalid("the credential has no issuer"))
    elif not _is_url(issuer_id):
        problems.append(_invalid("issuer must be a URL or an object whose id is a URL"))
    subjects = _as_list(credential.get("credentialSubject"))
    if not subjects:
        problems.append(_invalid("the credential has no credentialSubject"))
    elif not all(isinstance(s, Mapping) and s for s in subjects):
        problems.append(_invalid("credentialSubject must be a non-empty object or objects"))
    if version == "1.1" and "issuanceDate" not in credential:
        problems.append(_invalid("a VCDM 1.1 credential must have an issuanceDate"))
    # Typed objects, subject ids, names and descriptions, related resources (and their digests).
    problems += [_invalid(f"{v.path}: {v.message}")
                 for v in data_model_violations(credential, version=version)]
    return problems


def _open_badge_problems(credential: Mapping[str, Any], version: str) -> list[Problem]:
    """OB 3.0 section "Verification" step 1 and the OB data model's own requirements."""
    problems: list[Problem] = []
    types = set(credential_types(credential))
    if not _OB_FAMILY.intersection(types):
        problems.append(_invalid(
            "type must include OpenBadgeCredential or AchievementCredential (or "
            "EndorsementCredential): the credential uses the Open Badges context but is not "
            "an Open Badges credential"))
    if CLR_CREDENTIAL in types:
        if not any(isinstance(c, str) and _CLR_CONTEXT.match(c) for c in _contexts(credential)):
            problems.append(_invalid("@context must include a CLR 2.0 context"))
    elif not any(isinstance(c, str) and _OB_CONTEXT.match(c) for c in _contexts(credential)):
        problems.append(_invalid("@context must include an Open Badges 3.0 context"))
    if OB_CREDENTIAL_TYPES.intersection(types):
        for subject in _as_list(credential.get("credentialSubject")):
            if isinstance(subject, Mapping) and "id" not in subject and \
                    "identifier" not in subject:
                problems.append(_invalid("credentialSubject must have an id or an identifier"))
    if version == "2.0" and "validFrom" not in credential:
        problems.append(_invalid("an Open Badges credential must have a validFrom"))
    return problems


def _bundled_schema_for(credential: Mapping[str, Any]) -> str:
    types = credential_types(credential)
    if CLR_CREDENTIAL in types:
        return "clrcredential"
    return "endorsementcredential" if ENDORSEMENT_CREDENTIAL in types else "achievementcredential"


def _schema_problem(name: str, problem: SchemaProblem) -> Problem:
    label = "CLR 2.0" if name.startswith("clr") else "OB 3.0"
    return _invalid(f"{label} {name} JSON Schema: {problem} ({problem.rule})")


def _refuse_remote(uri: str) -> Any:
    raise ValueError(f"remote schema references are not followed ({uri[:100]})")


def _compiled(url: str, schema: Any) -> Any:
    key = hashlib.sha256(url.encode() + b"\0" + json.dumps(
        schema, sort_keys=True).encode()).hexdigest()
    with _COMPILED_LOCK:
        hit = _COMPILED.get(key)
        if hit is not None:
            _COMPILED.move_to_end(key)
            return hit
    validator = jsonschema_rs.validator_for(schema, retriever=_refuse_remote)
    with _COMPILED_LOCK:
        _COMPILED[key] = validator
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return validator


def _extension_problems(url: str, document: Mapping[str, Any],
                        retrieved: Retrieved | None) -> list[Problem]:
    if retrieved is None:
        return [Problem(RETRIEVAL_ERROR, f"schema {url} is not bundled and was not retrieved",
                        kind="error")]
    schema = retrieved.document(url)
    if schema is None:
        why = retrieved.failure(url) or "it was not retrieved"
        return [Problem(RETRIEVAL_ERROR, f"schema {url} could not be retrieved: {why}",
                        kind="error")]
    if not isinstance(schema, Mapping | bool):
        return [Problem(RETRIEVAL_ERROR, f"schema {url} is not a JSON Schema", kind="error")]
    try:
        validator = _compiled(url, schema)
        errors = list(validator.iter_errors(document))
    except (jsonschema_rs.ValidationError, ValueError) as error:
        first = str(error).splitlines()[0][:200]
        return [Problem(RETRIEVAL_ERROR, f"schema {url} cannot be used: {first}", kind="error")]
    return [_invalid(f"schema {url}: {'.'.join(map(str, e.instance_path)) or '(root)'}: "
                     f"{e.message}") for e in errors[:20]]


def check_structure(credential: Mapping[str, Any], *, retrieved: Retrieved | None = None) -> Check:
    """VC data model rules, then (for Open Badges) OB rules and every applicable JSON Schema."""
    contexts = _contexts(credential)
    first = contexts[0] if contexts else None
    notes: list[str] = []
    if first == VC_V2:
        version = "2.0"
    elif first == VC_V1:
        version = "1.1"
        notes.append("a VCDM 1.1 credential: Open Badges 3.0 accepts it for verification only; "
                     "new credentials use VCDM 2.0")
    else:
        return Check.from_problems("structure", [_invalid(
            f"the first @context must be {VC_V2} (or {VC_V1} for VCDM 1.1 credentials)")],
            detail="not a verifiable credential")

    problems = _data_model_problems(credential, version)
    open_badge = is_open_badge(credential)
    if open_badge:
        problems += _open_badge_problems(credential, version)
    normalised = _normalised(credential)
    compacted = compacted_members(credential)
    checked: set[str] = set()
    if open_badge and version == "2.0" and _OB_FAMILY.intersection(credential_types(credential)):
        name = _bundled_schema_for(credential)
        checked.add(name)
        problems += [_schema_problem(name, p) for p in validate_against(name, normalised)[:20]]
    for entry in _schema_entries(credential):
        url, kind = entry.get("id"), entry.get("type")
        if kind != CREDENTIAL_SCHEMA_TYPE or not isinstance(url, str):
            notes.append(f"credentialSchema of type {str(kind)[:60]!r} was not checked")
            continue
        name = KNOWN_SCHEMA_URLS.get(url)
        if name is not None:
            if name not in checked:
                checked.add(name)
                problems += [_schema_problem(name, p)
                             for p in validate_against(name, normalised)[:20]]
            continue
        if url.startswith(_STANDARD_SCHEMAS):
            notes.append(f"schema {url} is a 1EdTech schema this verifier does not bundle; "
                         "it was not checked")
            continue
        problems += _extension_problems(url, normalised, retrieved)
    if compacted and checked:
        notes.append(f"{', '.join(compacted)} given as a single value (JSON-LD compacted form): "
                     "accepted, and checked against the schema as an array; strict validators "
                     "of the published schema require an array")
    kind = "Open Badges " if open_badge else ""
    return Check.from_problems("structure", problems, detail=f"{kind}VCDM {version}",
                               notes=tuple(notes))
