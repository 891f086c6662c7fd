"""VC-API ``POST /credentials/issue``: sign a caller's own credential, claims kept as sent.

https://w3c-ccg.github.io/vc-api/#issue-credential — VC 2.0, and VC 1.1 for older integrations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from vcissuer.clock import format_datetime, parse_datetime
from vcissuer.credentials.conformance import data_model_violations
from vcissuer.credentials.contexts import VC_V1, VC_V2
from vcissuer.errors import DocumentLoaderError, JwtError, SafeModeError, VcError
from vcissuer.issuance.access import ISSUE, Caller, authorize
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import FieldError, NotFound, Rejected
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.jwt_output import jwt_field_errors, vc_api_jwt
from vcissuer.issuance.schemas import VcApiIssueIn
from vcissuer.issuance.signing import serialize, sign_credential
from vcissuer.issuance.vcapi_status import attach_requested_status, vc_api_id
from vcissuer.proofs.jose import profile_for
from vcissuer.store import (
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    IssuerRepository,
    new_id,
)
from vcissuer.verify import issuer_id as issuer_of

__all__ = ["check_credential_shape", "issue_caller_credential", "single_proof_as_object",
           "with_issuance_date"]

# The 1EdTech contexts: Open Badges 3.0 and CLR 2.0.
_1EDTECH_CONTEXTS = ("https://purl.imsglobal.org/spec/ob/", "https://purl.imsglobal.org/spec/clr/")


def _is_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def _objects(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_type_value(value: Any) -> bool:
    """A ``type``: a term or URL, or a non-empty array of them (VCDM 2.0 section 4.5)."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, str) and v for v in value)
    return isinstance(value, str) and bool(value)


# pyld's error codes that are about a context (JSON-LD 1.1 API section 9.4.2): reported at the
# @context; the rest are about a value, reported where that value is when it can be found.
_VALUE_ERRORS = {"invalid @id value": ("id", "@id"), "invalid type value": ("type", "@type")}


def _jsonld_error_field(credential: Mapping[str, Any], error: VcError) -> str:
    """Where a JSON-LD processing error lies: the offending ``id``/``type`` when the error is
    about one, else the ``@context`` (an embedded one if the credential has one)."""
    for code, keys in _VALUE_ERRORS.items():
        if f"({code})" in error.message:
            for path, value in _entries(credential, keys):
                if not _is_type_value(value):
                    return f"credential.{path}"
    # The credential's own @context when it has anything but context URLs (those are bundled
    # and known good, or a DocumentLoaderError), else the first embedded one.
    nested = [path for path, _ in _entries(credential, ("@context",)) if path != "@context"]
    own = credential.get("@context")
    if nested and all(isinstance(c, str) for c in _objects(own)):
        return f"credential.{nested[0]}"
    return "credential.@context"


def _entries(node: Any, keys: tuple[str, ...], path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every entry named one of ``keys``, at any depth."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if key in keys:
                yield here, value
            yield from _entries(value, keys, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _entries(value, keys, f"{path}[{i}]")


def check_credential_shape(credential: Mapping[str, Any]) -> list[FieldError]:
    """The VCDM data-model rules a credential must meet before we sign it."""
    errors: list[FieldError] = []
    context = credential.get("@context")
    if not isinstance(context, list) or not context or context[0] not in (VC_V2, VC_V1):
        errors.append(FieldError("credential.@context", "base-context",
                                 f"the first @context must be {VC_V2} (or {VC_V1})"))
    types = credential.get("type")
    if not _is_type_value(types):
        errors.append(FieldError("credential.type", "type",
                                 "type must be a string or a non-empty array of strings"))
    elif "VerifiableCredential" not in _objects(types):
        errors.append(FieldError("credential.type", "verifiable-credential",
                                 "type must include VerifiableCredential"))
    subjects = credential.get("credentialSubject")
    if not subjects or not all(isinstance(s, dict) and s for s in _objects(subjects)):
        errors.append(FieldError("credential.credentialSubject", "required",
                                 "credentialSubject must be a non-empty object (or array)"))
    if "id" in credential and not _is_url(credential["id"]):
        errors.append(FieldError("credential.id", "url", f"{credential['id']!r} is not a URL"))
    named = issuer_of(credential)
    if named is not None and not _is_url(named):
        errors.append(FieldError("credential.issuer", "url", f"{named!r} is not a URL"))
    if issuer_of(credential) is None:
        errors.append(FieldError("credential.issuer", "required",
                                 "issuer must be a URL or an object with an id"))
    v1 = isinstance(context, list) and context and context[0] == VC_V1
    start_key, end_key = ("issuanceDate", "expirationDate") if v1 else ("validFrom", "validUntil")
    if v1 and start_key not in credential:
        errors.append(FieldError(f"credential.{start_key}", "required",
                                 "a VC 1.1 credential needs issuanceDate"))
    moments = {}
    for key in (start_key, end_key):
        if key in credential:
            try:
                moments[key] = parse_datetime(credential[key])
            except ValueError as error:
                errors.append(FieldError(f"credential.{key}", "datetime", str(error)))
    if len(moments) == 2 and moments[start_key] > moments[end_key]:
        errors.append(FieldError(f"credential.{start_key}", "before-end",
                                 f"{start_key} is after {end_key}"))
    # VCDM typed objects, subject ids, names and descriptions, related resources.
    errors += [FieldError(f"credential.{v.path}", v.rule, v.message)
               for v in data_model_violations(credential, version="1.1" if v1 else "2.0")]
    if "proof" in credential:
        errors.append(FieldError("credential.proof", "unsigned",
                                 "send the credential without a proof"))
    return errors


def with_issuance_date(credential: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A VCDM 1.1 credential sent without ``issuanceDate`` gets the issuer's now.

    VCDM 1.1 section 4.6 "Issuance Date" requires it; the issuer sets it, as the VC-API
    reference issuers do (UTC, whole seconds, ``Z``). VCDM 2.0's ``validFrom`` is optional and
    left alone.
    """
    context = credential.get("@context")
    if (isinstance(context, list) and context and context[0] == VC_V1
            and "issuanceDate" not in credential):
        return {**credential, "issuanceDate": format_datetime(now)}
    return credential


def _is_open_badge_or_clr(credential: Mapping[str, Any]) -> bool:
    """An Open Badges or CLR credential: by type (as its VC-JWT profile is chosen) or by an
    OB/CLR ``@context``."""
    if profile_for(credential) == "ob":
        return True
    contexts = credential.get("@context")
    return any(isinstance(c, str) and c.startswith(_1EDTECH_CONTEXTS)
               for c in (contexts if isinstance(contexts, list) else [contexts]))


def single_proof_as_object(signed: str) -> str:
    """The signed JSON credential with a lone proof as an object, unless OB/CLR.

    VC Data Integrity section 2.1: ``proof`` "MUST be either a single object, or an unordered
    set of objects"; the reference issuer and the CCG vc-api issuer suite
    (``proof.should.be.an('object')``) expect the object for one proof. The OB 3.0 and CLR 2.0
    JSON Schemas require an array, so their credentials keep it. The proof signs the document
    without ``proof``, so its shape does not touch the signature.
    """
    document = json.loads(signed)
    proof = document.get("proof")
    if (isinstance(proof, list) and len(proof) == 1 and isinstance(proof[0], dict)
            and not _is_open_badge_or_clr(document)):
        document["proof"] = proof[0]
        return serialize(document)
    return signed


def issue_caller_credential(services: Services, body: VcApiIssueIn, *, caller: Caller,
                            idempotency_key: str | None = None) -> dict[str, Any]:
    """Sign ``body.credential`` for an issuer the caller may use; store it as issued."""
    credential = with_issuance_date(body.credential, services.clock())
    with services.db.session_scope() as session:
        slug = body.options.issuer_slug
        if slug is None:
            if caller.issuer_id is None:
                raise Rejected("options.issuerSlug is required with an admin key",
                               errors=[FieldError("options.issuerSlug", "required",
                                                  "name the issuer to sign as")])
            issuer = IssuerRepository(session).get(caller.issuer_id)
            if issuer is None:
                raise NotFound("the issuer of this API key no longer exists")
        else:
            issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=ISSUE)
        errors = check_credential_shape(credential)
        named = issuer_of(credential)
        if named is not None and named != issuer.did:
            errors.append(FieldError("credential.issuer", "issuer",
                                     f"this key signs as {issuer.did}, not {named}"))
        if body.options.format == "jwt":
            errors += jwt_field_errors(credential)
        if errors:
            raise Rejected("the credential cannot be issued", errors=errors)
        repo = CredentialRepository(session, clock=services.clock)
        ref = f"vc-api:{idempotency_key}" if idempotency_key else None
        if ref is not None:
            existing = repo.get_by_assessment_ref(ref, issuer_id=issuer.id)
            if existing is not None:
                return _response(existing)
        # VC-API status: options.credentialStatus adds an entry (issuance/vcapi_status.py).
        status = attach_requested_status(services, session, issuer, credential,
                                         body.options.credential_status)
        try:
            signed = sign_credential(services, session, issuer, credential,
                                     fmt=body.options.format, created=body.options.created,
                                     cryptosuite=body.options.cryptosuite)
        except SafeModeError as error:
            raise Rejected("the credential uses terms its @context does not define",
                           errors=[FieldError(f"credential.{error.path}", "undefined-term",
                                              error.message)]) from None
        except DocumentLoaderError as error:
            raise Rejected("the credential names an unknown @context",
                           errors=[FieldError("credential.@context", "unknown-context",
                                              error.message)]) from None
        except JwtError as error:
            raise Rejected("the credential cannot be signed as a VC-JWT",
                           errors=[FieldError("credential", "vc-jwt", error.message)]) from None
        except VcError as error:  # any other JSON-LD processing error: the document's fault
            raise Rejected("the credential is not valid JSON-LD",
                           errors=[FieldError(_jsonld_error_field(credential, error), "jsonld",
                                              error.message)]) from None
        if body.options.format == "ldp":
            signed = single_proof_as_object(signed)
        now = services.clock()
        record = CredentialRecord(
            id=new_id(), issuer_id=issuer.id, achievement_id=None, recipient_hash=None,
            assessment_ref=ref, signed=signed, format=CredentialFormat(body.options.format),
            valid_from=now, valid_until=None, created=now,
            status_list_id=status.status_list_id if status else None,
            status_index=status.status_index if status else None,
            vc_id=vc_api_id(credential, body.options))
        stored = repo.insert_or_get(record)
        return _response(stored.record)


def _response(record: CredentialRecord) -> dict[str, Any]:
    if record.format == CredentialFormat.JWT:
        return {"verifiableCredential": vc_api_jwt(record.signed)}
    return {"verifiableCredential": json.loads(record.signed)}
