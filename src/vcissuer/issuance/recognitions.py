"""Recognition of prior learning: another provider's credential, verified by the service's
verification pipeline and kept with its report, counts towards a pathway for the learner it
names, when the pathway recognises its issuer and achievement, within the external cap.
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread

from vcissuer.credentials.identity import matches_identity
from vcissuer.issuance.access import ISSUE, Caller
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import FieldError, Rejected
from vcissuer.issuance.pathways import evaluate_for, own_pathway, recognition_id, rules_of
from vcissuer.issuance.recipients import lookup_hash_for
from vcissuer.issuance.schemas import RecognitionIn
from vcissuer.pathways import held_from_credential
from vcissuer.store import IssuerRecord
from vcissuer.store.pathways import PathwayRecord, PathwayRepository, RecognitionRecord
from vcissuer.verify import Verifier

__all__ = ["recognise"]


def _recognition_target(services: Services, slug: str, pathway_id: str,
                        caller: Caller) -> tuple[IssuerRecord, PathwayRecord]:
    with services.db.session_scope(read_only=True) as session:
        return own_pathway(services, session, slug, pathway_id, caller, ISSUE)


def _names_learner(credential: dict[str, Any], learner: str) -> bool:
    """Whether the credential's subject is the learner of a ``?learner=`` query: its DID as
    ``credentialSubject.id``, or an IdentityObject of that type matching the value (salted
    hashes checked as OB 3.0 says)."""
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        return False
    if learner.startswith("did:"):
        return subject.get("id") == learner.strip()
    if learner.startswith("student:"):
        types, value = {"sisSourcedId", "studentId"}, learner.removeprefix("student:").strip()
    else:
        kind, separator, rest = learner.partition(":")
        if separator and kind and "@" not in kind and not kind.startswith("ext"):
            types, value = {kind}, rest.strip()
        elif learner.startswith("ext:"):
            kind, _, rest = learner[4:].partition(":")
            types, value = {f"ext:{kind}"}, rest.strip()
        else:
            types, value = {"emailAddress"}, learner
    identities = subject.get("identifier") or []
    return any(isinstance(i, dict) and i.get("identityType") in types
               and matches_identity(i, value) for i in identities)


def _store_recognition(services: Services, issuer: IssuerRecord, pathway: PathwayRecord,
                       body: RecognitionIn, report: Any) -> dict[str, Any]:
    learner_hash = lookup_hash_for(body.learner, lookup=services.lookup)
    credential = report.credential if isinstance(report.credential, dict) else None
    held = held_from_credential(credential or {}, credential_id="(submitted)", external=True)
    rules = rules_of(pathway)
    report_json = report.to_json(include_credential=True)
    if held.issuer == issuer.did:
        raise Rejected("a credential of this issuer counts directly, not as prior learning",
                       errors=[FieldError("credential", "own-issuer",
                                          "the credential's issuer is this issuer")])
    if credential is not None and not _names_learner(credential, body.learner):
        raise Rejected("the credential is not the learner's",
                       errors=[FieldError("learner", "subject", "the credential's subject "
                                          "(its id or identifiers) does not name this learner")])
    if not report.verified:
        reason = "not verified: " + ("; ".join(report_json["errors"]) or report_json["verdict"])
    elif not rules.recognised(held.issuer, held.achievement_id, held.alignments):
        reason = "the pathway does not recognise this issuer's achievement"
    else:
        reason = None
    text = body.credential if isinstance(body.credential, str) else json.dumps(
        body.credential, ensure_ascii=False, separators=(",", ":"))
    if "\x00" in text or "\\u0000" in text or "\\u0000" in json.dumps(report_json):
        # PostgreSQL's text and JSONB cannot hold NUL (SQLite can): refused on both.
        raise Rejected("the credential holds a NUL character",
                       errors=[FieldError("credential", "control_character",
                                          "U+0000 is not allowed in a stored credential")])
    with services.db.session_scope() as session:
        record = PathwayRepository(session, clock=services.clock).add_recognition(
            RecognitionRecord(pathway_id=pathway.id, issuer_id=issuer.id,
                              learner_hash=learner_hash, credential=text,
                              credential_issuer=held.issuer or None,
                              achievement_id=held.achievement_id, verified=report.verified,
                              report=report_json))
        evaluation = evaluate_for(services, session, issuer, pathway, (learner_hash,))
    counted = next((c for c in evaluation.to_json()["counted"]
                    if c["credential"] == recognition_id(record)), None)
    aside = next((s for s in evaluation.set_aside if s.credential == recognition_id(record)),
                 None)
    return {"id": record.id, "credential": recognition_id(record),
            "verified": report.verified, "counts": counted is not None,
            "reason": reason or (aside.message if aside else None),
            "report": {k: v for k, v in report_json.items() if k != "credential"},
            "progress": evaluation.to_json()}


async def recognise(services: Services, verifier: Verifier, slug: str, pathway_id: str,
                    body: RecognitionIn, *, caller: Caller) -> dict[str, Any]:
    """Verify another provider's credential with the verification pipeline (signature,
    issuer key, status, validity) and keep it, with the report, for the learner: it counts
    only when verified, recognised by the pathway, and within the external-credit cap."""
    issuer, pathway = await anyio.to_thread.run_sync(_recognition_target, services, slug,
                                                     pathway_id, caller)
    report = await verifier.verify_credential(body.credential)
    return await anyio.to_thread.run_sync(_store_recognition, services, issuer, pathway, body,
                                          report)
