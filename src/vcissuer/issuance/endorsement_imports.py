"""Importing an endorsement signed elsewhere: checked, verified, stored with its report.

The owner of what it endorses (an achievement of the issuer, or the issuer itself) posts it;
the API verifies it with the service's verifier between :func:`check_import` (who may, and
what it endorses: nothing is verified for a stranger) and :func:`store_import` (only a
``verified`` report is stored and attached). A JSON-LD endorsement is published in
``endorsement``, a VC-JWT in ``endorsementJwt``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vcissuer.credentials.builder import compact
from vcissuer.errors import VcError
from vcissuer.issuance.access import MANAGE, Caller, authorize
from vcissuer.issuance.context import Services
from vcissuer.issuance.endorsement_schemas import EndorsementImportIn
from vcissuer.issuance.endorsements import (
    MAX_ATTACHED,
    Subject,
    endorsed_subject,
    endorsement_view,
    has_room,
    lock_subject,
    republish_for,
)
from vcissuer.issuance.errors import Conflict, FieldError, NotFound, Rejected
from vcissuer.issuance.issuers import load_issuer
from vcissuer.store import AchievementRepository, IssuerRepository, new_id
from vcissuer.store.endorsements import EndorsementRecord, EndorsementRepository, EndorsementSource

__all__ = ["ImportTarget", "check_import", "store_import"]


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """A checked import, waiting for its verification report."""

    issuer_id: str
    subject_id: str
    kind: str
    achievement_id: str | None
    document: dict[str, Any]  # the credential (a VC-JWT's, decoded: not yet verified)
    token: str | None = None  # the VC-JWT, for one imported as such


def _import_field(message: str, field: str, rule: str, detail: str) -> Rejected:
    return Rejected(message, errors=[FieldError(field, rule, detail)])


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control_character(value: Any, path: str) -> str | None:
    """The path of the first key or string holding a control character (but tab, LF, CR)."""
    if isinstance(value, str):
        return path if _CONTROL.search(value) else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = path + "." + str(key) if _CONTROL.search(str(key)) else \
                _control_character(item, f"{path}.{key}")
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _control_character(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def check_import(services: Services, slug: str, body: EndorsementImportIn, *,
                 caller: Caller) -> ImportTarget:
    """The endorsed entity of an import, before anything is verified: the caller must own it
    (this issuer's achievement, or the issuer itself), else 422 ``foreign-subject``."""
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        document, token, subject_id = _readable_import(body)
        target = endorsed_subject(services, session, subject_id)
    if target.owner_id != issuer.id:
        raise _import_field(
            "the endorsement does not endorse this issuer or one of its achievements",
            "endorsement.credentialSubject.id", "foreign-subject",
            f"{subject_id!r} is not an achievement of {slug!r} nor {slug!r} itself")
    return ImportTarget(issuer_id=issuer.id, subject_id=subject_id, kind=target.kind,
                        achievement_id=target.achievement.id if target.achievement else None,
                        document=dict(document), token=token)


def _readable_import(body: EndorsementImportIn) -> tuple[dict[str, Any], str | None, str]:
    """The posted endorsement (a VC-JWT's credential, decoded), its token, and its subject;
    422 naming the rule when it is not an EndorsementCredential that could be stored."""
    token = body.endorsement if isinstance(body.endorsement, str) else None
    if token is not None:
        from vcissuer.proofs.jose import decode_vc_jwt

        try:
            document = decode_vc_jwt(token).credential
        except VcError as error:
            raise _import_field("the VC-JWT cannot be read", "endorsement", "vc-jwt",
                                error.message) from None
    else:
        document = dict(body.endorsement)
    types = document.get("type")
    if not isinstance(types, list) or "EndorsementCredential" not in types:
        raise _import_field("not an EndorsementCredential", "endorsement.type",
                            "endorsement-credential",
                            "type must be an array containing EndorsementCredential "
                            "(OB 3.0 EndorsementCredential)")
    subject = document.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, Mapping) else None
    if not isinstance(subject_id, str):
        raise _import_field("the endorsement names no endorsed entity",
                            "endorsement.credentialSubject.id", "required",
                            "EndorsementSubject.id is required (OB 3.0 EndorsementSubject)")
    where = _control_character(document, "endorsement")
    if where is not None:
        raise _import_field("the endorsement holds a control character", where,
                            "control_character", "only tab, line feed and carriage return "
                            "(a stored string cannot hold the others on every database)")
    if token is None and compact(document) != document:
        raise _import_field("the endorsement has null values or empty arrays or objects",
                            "endorsement", "serialization",
                            "null values and empty arrays must be omitted (OB 3.0 "
                            "Serialization); they would not survive being embedded")
    return document, token, subject_id


def _report_errors(report: Mapping[str, Any]) -> list[FieldError]:
    errors = []
    for check in report.get("checks", []):
        if check.get("outcome") in ("passed", "not applicable"):
            continue
        messages = [p.get("message", "") for p in check.get("problems", [])]
        errors.append(FieldError("endorsement", check.get("check", "verification"),
                                 f"{check.get('outcome')}: " + ("; ".join(messages)
                                                                 or check.get("detail", ""))))
    return errors


def _credential_id(text: str) -> Any:
    if text.startswith("{"):
        return json.loads(text).get("id")
    from vcissuer.proofs.jose import decode_vc_jwt

    return decode_vc_jwt(text).credential.get("id")


def _endorser(document: Mapping[str, Any]) -> tuple[str, str | None]:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        name = issuer.get("name")
        return str(issuer.get("id")), name if isinstance(name, str) else None
    return str(issuer), None


def store_import(services: Services, target: ImportTarget, report: Mapping[str, Any], *,
                 caller: Caller) -> dict[str, Any]:
    """Store a verified import with its report, and attach it. 422 naming the failed checks
    when the report is not ``verified``; 409 when it is attached already or there is no room."""
    if not report.get("verified"):
        raise Rejected(f"the endorsement did not verify ({report.get('verdict')})",
                       errors=_report_errors(report), report=dict(report))
    text = target.token or json.dumps(target.document, ensure_ascii=False,
                                      separators=(",", ":"))
    with services.db.session_scope() as session:
        issuer = IssuerRepository(session).get(target.issuer_id)
        if issuer is None:
            raise NotFound("no such issuer")
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        repository = EndorsementRepository(session, clock=services.clock)
        subject = Subject(target.subject_id, target.kind, issuer=issuer,
                           achievement=AchievementRepository(session).get_public(
                               target.achievement_id) if target.achievement_id else None)
        lock_subject(session, subject)
        attached = (repository.attached_to(achievement_id=target.achievement_id)
                    if target.achievement_id else repository.attached_to(issuer_id=issuer.id))
        same = target.document.get("id")
        if any(r.document == text or (same and _credential_id(r.document) == same)
               for r in attached):
            raise Conflict("this endorsement is attached already", errors=[FieldError(
                "endorsement.id", "unique", "an endorsement with this id is attached")])
        if not has_room(session, subject):
            raise Conflict(f"at most {MAX_ATTACHED[target.kind]} endorsements are attached to "
                           f"an {target.kind}: detach one first", errors=[FieldError(
                               "endorsement", "limit", "too many attached endorsements")])
        endorser_id, endorser_name = _endorser(target.document)
        record = repository.add(EndorsementRecord(
            id=new_id(), source=EndorsementSource.IMPORTED, endorser_issuer_id=None,
            credential_id=None, subject_id=target.subject_id,
            achievement_id=target.achievement_id, subject_issuer_id=issuer.id,
            document=text, endorser_id=endorser_id[:1000],
            endorser_name=endorser_name[:500] if endorser_name else None,
            attached=True, report=dict(report)))
        republish_for(services, session, record)
        return endorsement_view(services, record, target.kind)
