"""Issuing credentials from assessment records: one, a cohort, or a caller's own (VC-API).

An assessment is checked against its achievement's learning outcomes before anything is signed;
a repeat of an assessment reference returns the credential issued the first time (decided by
the database, so concurrent retries cannot issue twice). Signed credentials are stored exactly
as issued.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from vcissuer.credentials.builder import build_credential, build_profile
from vcissuer.credentials.outcomes import check_results
from vcissuer.credentials.schema import validate_achievement_credential
from vcissuer.issuance.access import (
    ISSUE,
    ApiToken,
    Caller,
    authenticate,
    authenticate_among,
    authorize,
    note_use,
    presented_prefix,
)
from vcissuer.issuance.achievements import (
    achievement_id_of,
    found_achievement,
    issuable,
    resolve_achievement,
)
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Conflict, FieldError, IssuanceError, NotFound, Rejected
from vcissuer.issuance.fingerprint import changed_fields, fingerprint, repeat_conflict
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.pathway_awards import after_issue
from vcissuer.issuance.recipients import lookup_hash_for, lookup_hashes, recipient_from
from vcissuer.issuance.schemas import AssessmentIn
from vcissuer.issuance.signing import sign_with, signer_for
from vcissuer.issuance.status import StatusAssignment, purpose_of, status_entries
from vcissuer.keys import Signer
from vcissuer.store import (
    AchievementRecord,
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    IssuerKeyRepository,
    IssuerRecord,
    new_id,
)

__all__ = [
    "IssueOutcome",
    "credential_url",
    "credential_view",
    "credential_view_json",
    "issue_batch",
    "issue_one",
    "list_credentials",
    "public_credential",
    "validation_errors",
]


@dataclass(frozen=True, slots=True)
class IssueOutcome:
    record: CredentialRecord
    created: bool


def credential_url(services: Services, credential_id: str) -> str:
    return f"{services.base_url}/credentials/{credential_id}"


def credential_view(record: CredentialRecord, *, include: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": record.id, "state": str(record.state), "format": str(record.format),
        "assessmentRef": record.assessment_ref, "created": record.created.isoformat(),
        "achievementRevision": record.achievement_revision,
    }
    if include:
        if record.format == CredentialFormat.JWT:
            view["jwt"] = record.signed
        else:
            view["credential"] = json.loads(record.signed)
    return view


def credential_view_json(record: CredentialRecord) -> str:
    """:func:`credential_view` as JSON text, embedding the stored credential without
    re-parsing it (it is already the exact JSON served at its URL)."""
    head = json.dumps(credential_view(record, include=False), ensure_ascii=False,
                      separators=(",", ":"))
    if record.format == CredentialFormat.JWT:
        body = json.dumps(record.signed)
        return f'{head[:-1]},"jwt":{body}}}'
    return f'{head[:-1]},"credential":{record.signed}}}'


def validation_errors(error: ValidationError, *, prefix: str = "") -> list[FieldError]:
    """pydantic's errors as field/rule/message, with camelCase field paths."""
    out = []
    for item in error.errors(include_url=False):
        path = prefix
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        out.append(FieldError(path or "(body)", str(item["type"]), str(item["msg"])))
    return out


@dataclass
class _IssueContext:
    """What issuing needs from the database, read once before any signing starts.

    Signing is CPU work: it runs outside any write transaction, so on SQLite a batch being
    signed never holds the write lock that other workers wait for.
    """

    issuer: IssuerRecord
    profile: dict[str, Any]
    signer: Any
    achievements: dict[str, AchievementRecord]
    caller: Caller


def _context(services: Services, session: Any, slug: str,
             presented: Caller | ApiToken) -> _IssueContext:
    caller = authenticate(session, presented)
    found = IssuerKeyRepository(session).issuer_with_active(slug)
    if found is None:
        raise NotFound(f"no issuer {slug!r}")
    return _authorized(services, caller, *found)


def _authorized(services: Services, caller: Caller, issuer: IssuerRecord,
                key: Any) -> _IssueContext:
    authorize(caller, issuer_id=issuer.id, scope=ISSUE)
    return _IssueContext(issuer=issuer, profile=build_profile(issuer.did, issuer.profile),
                         signer=signer_for(services, key), achievements={}, caller=caller)


def _achievement(services: Services, session: Any, context: _IssueContext,
                 reference: str) -> AchievementRecord:
    record = context.achievements.get(reference)
    if record is None:
        record = resolve_achievement(services, session, reference,
                                     issuer_id=context.issuer.id)
        context.achievements[reference] = record
    return issuable(record)


def _prepare(services: Services, context: _IssueContext, achievement: AchievementRecord,
             assessment: AssessmentIn, status: StatusAssignment | None) -> CredentialRecord:
    return prepare_credential(services, issuer=context.issuer, profile=context.profile,
                              signer=context.signer, achievement=achievement,
                              assessment=assessment, status=status)


def prepare_credential(services: Services, *, issuer: IssuerRecord, profile: dict[str, Any],
                       signer: Signer, achievement: AchievementRecord, assessment: AssessmentIn,
                       status: StatusAssignment | None,
                       subject_id: str | None = None) -> CredentialRecord:
    """Build, schema-validate and sign one checked credential (no database access).

    ``subject_id``: the credential subject's id; by default the recipient's own (a DID given
    in the assessment), a wallet delivery binds it to the holder's DID instead.
    """
    data = assessment.wire()
    now = services.clock()
    recipient = recipient_from(data["recipient"], lookup=services.lookup)
    credential_id = new_id()
    unsigned = build_credential(
        credential_id=credential_url(services, credential_id),
        issuer=profile,
        achievement=achievement.document,
        valid_from=now,
        subject_id=subject_id or recipient.subject_id,
        identifiers=recipient.identifiers,
        results=data.get("results", []),
        credits_earned=assessment.credits_earned,
        activity_start=assessment.activity_start_date,
        activity_end=assessment.activity_end_date,
        evidence=data.get("evidence", []),
        valid_until=assessment.valid_until,
        credential_status=status.entry if status else None,
    )
    schema_problems = validate_achievement_credential(unsigned)
    if schema_problems:
        raise Rejected("the credential would not conform to the OB 3.0 schema",
                       errors=[FieldError(p.path, p.rule, p.message) for p in schema_problems])
    signed = sign_with(services, signer, unsigned, fmt=assessment.format)
    return CredentialRecord(
        id=credential_id, issuer_id=issuer.id, achievement_id=achievement.id,
        recipient_hash=recipient.lookup_hash, assessment_ref=assessment.assessment_ref,
        signed=signed, format=CredentialFormat(assessment.format), valid_from=now,
        valid_until=assessment.valid_until, created=now,
        status_list_id=status.status_list_id if status else None,
        status_index=status.status_index if status else None,
        achievement_revision=achievement.revision,
        request_fingerprint=fingerprint(assessment, lookup=services.lookup,
                                        base_url=services.base_url),
    )


def _lookups(services: Services, assessment: AssessmentIn) -> tuple[str, ...]:
    """The recipient's lookup hashes beyond the first (none for a single identifier)."""
    recipient = assessment.recipient
    if sum(x is not None for x in (recipient.email, recipient.did, recipient.student_id)) \
            + len(recipient.identifier or []) < 2:
        return ()
    return lookup_hashes(assessment.recipient.wire(), lookup=services.lookup)[1:]


def same_request(services: Services, record: CredentialRecord,
                 assessment: AssessmentIn) -> CredentialRecord:
    """``record`` (issued earlier for this assessmentRef) when ``assessment`` is the same
    record again; Conflict (409) naming the fields that differ when it is not."""
    fields = changed_fields(record.request_fingerprint,
                            fingerprint(assessment, lookup=services.lookup,
                                        base_url=services.base_url))
    if fields:
        raise repeat_conflict(record.id, assessment.assessment_ref, fields)
    return record


def check_assessment(services: Services, achievement: AchievementRecord,
                     assessment: AssessmentIn) -> None:
    """Rejected unless the results earn the achievement (nothing is allocated or signed)."""
    problems = check_results(achievement.document,
                             [r.wire() for r in assessment.results],
                             credits_earned=assessment.credits_earned)
    if problems:
        raise Rejected("the assessment does not earn this achievement",
                       errors=[FieldError(p.field, p.rule, p.message) for p in problems])
    if assessment.valid_until is not None and assessment.valid_until <= services.clock():
        raise Rejected("validUntil is in the past",
                       errors=[FieldError("validUntil", "in-the-past",
                                          "validUntil must be later than now")])


def _parse(body: Any, *, prefix: str = "") -> AssessmentIn:
    if isinstance(body, AssessmentIn):
        return body
    try:
        return AssessmentIn.model_validate(body)
    except ValidationError as error:
        raise Rejected("the assessment record is not valid",
                       errors=validation_errors(error, prefix=prefix)) from None


def issue_one(services: Services, slug: str, body: AssessmentIn | dict[str, Any], *,
              caller: Caller | ApiToken, depth: int = 0) -> IssueOutcome:
    """Issue one credential, or return the one already issued for its assessment reference.

    A new credential of an achievement a pathway counts then awards the learner's pathways
    they now meet (``depth``: how many awards led to this issue)."""
    assessment = _parse(body)
    with services.db.session_scope(read_only=True) as session:
        # One query: the key's candidates, issuer, key pair, achievement and repeat probe.
        # The key is judged first all the same (an unknown key learns nothing).
        found = IssuerKeyRepository(session).for_issue(
            slug, achievement_id=achievement_id_of(services, assessment.achievement_id),
            assessment_ref=assessment.assessment_ref,
            key_prefix=presented_prefix(caller))
        if found is None:
            authenticate(session, caller)
            raise NotFound(f"no issuer {slug!r}")
        context = _authorized(services, authenticate_among(caller, found.clients),
                              found.issuer, found.key)
        existing = None if found.issued_id is None else \
            CredentialRepository(session).get_public(found.issued_id)
        if existing is None:
            achievement = issuable(found_achievement(found.achievement,
                                                     assessment.achievement_id))
    note_use(services, context.caller)
    if existing is not None:
        return IssueOutcome(same_request(services, existing, assessment), created=False)
    check_assessment(services, achievement, assessment)
    status = status_entries(services, context.issuer, [purpose_of(achievement)])[0]
    record = _prepare(services, context, achievement, assessment, status)
    with services.db.connection_scope() as connection:
        stored = CredentialRepository.over(connection, clock=services.clock).insert_or_get(
            record, lookups=_lookups(services, assessment))
    if not stored.created:  # a concurrent request stored this reference first
        same_request(services, stored.record, assessment)
    elif achievement.in_pathway:
        after_issue(services, slug, context.issuer, [(assessment, achievement)],
                    caller=context.caller, depth=depth)
    return IssueOutcome(stored.record, created=stored.created)


def issue_batch(services: Services, slug: str, items: list[Any], *,
                caller: Caller | ApiToken) -> dict[str, Any]:
    """Issue a cohort: each item gets its own outcome; a bad item never sinks the good ones."""
    outcomes: list[dict[str, Any] | None] = [None] * len(items)
    parsed: list[tuple[int, AssessmentIn, AchievementRecord]] = []
    with services.db.session_scope(read_only=True) as session:
        context = _context(services, session, slug, caller)  # the caller first: then parsing
        valid: list[tuple[int, AssessmentIn]] = []
        for index, item in enumerate(items):
            try:
                valid.append((index, _parse(item, prefix=f"items[{index}]")))
            except IssuanceError as error:
                outcomes[index] = _rejected(index, item, error)
        issued = CredentialRepository(session).by_assessment_refs(
            [assessment.assessment_ref for _, assessment in valid],
            issuer_id=context.issuer.id)
        for index, assessment in valid:
            existing = issued.get(assessment.assessment_ref)
            if existing is not None:
                try:
                    same_request(services, existing, assessment)
                except Conflict as error:
                    outcomes[index] = _rejected(index, items[index], error)
                else:
                    outcomes[index] = _done(index, existing, "already-issued")
                continue
            try:
                achievement = _achievement(services, session, context,
                                           assessment.achievement_id)
            except IssuanceError as error:
                outcomes[index] = _rejected(index, items[index], error)
                continue
            parsed.append((index, assessment, achievement))
    note_use(services, context.caller)
    # Check every item before allocating status indices for the ones that will be signed.
    to_sign: list[tuple[int, AssessmentIn, AchievementRecord]] = []
    repeats: list[tuple[int, AssessmentIn]] = []
    first_of: set[str] = set()
    for index, assessment, achievement in parsed:
        ref = assessment.assessment_ref
        if ref in first_of:  # a repeat of a reference earlier in this batch
            repeats.append((index, assessment))
            continue
        try:
            check_assessment(services, achievement, assessment)
        except IssuanceError as error:
            outcomes[index] = _rejected(index, items[index], error)
            continue
        first_of.add(ref)
        to_sign.append((index, assessment, achievement))
    statuses = status_entries(services, context.issuer,
                              [purpose_of(achievement) for _, _, achievement in to_sign])
    fresh: list[tuple[int, CredentialRecord]] = []
    signed = {index: assessment for index, assessment, _ in to_sign}
    for (index, assessment, achievement), status in zip(to_sign, statuses, strict=True):
        try:
            fresh.append((index, _prepare(services, context, achievement, assessment, status)))
        except IssuanceError as error:
            outcomes[index] = _rejected(index, items[index], error)
    with services.db.session_scope() as session:
        stored = CredentialRepository(session, clock=services.clock).insert_or_get_many(
            [record for _, record in fresh], issuer_id=context.issuer.id,
            lookups={record.id: _lookups(services, signed[index]) for index, record in fresh})
    by_ref = {}
    members = {index: achievement for index, _, achievement in to_sign if achievement.in_pathway}
    for (index, _), result in zip(fresh, stored, strict=True):
        by_ref[result.record.assessment_ref] = result.record
        if not result.created:  # a concurrent request stored this reference first
            try:
                same_request(services, result.record, signed[index])
            except Conflict as error:
                outcomes[index] = _rejected(index, items[index], error)
                continue
        outcomes[index] = _done(index, result.record,
                                "issued" if result.created else "already-issued")
    if members:
        after_issue(services, slug, context.issuer,
                    [(signed[index], members[index]) for index, _ in fresh
                     if index in members and outcomes[index] is not None
                     and outcomes[index]["outcome"] == "issued"],  # type: ignore[index]
                    caller=context.caller)
    for index, assessment in repeats:
        ref = assessment.assessment_ref
        if ref in by_ref:
            try:
                same_request(services, by_ref[ref], assessment)
            except Conflict as error:
                outcomes[index] = _rejected(index, items[index], error)
            else:
                outcomes[index] = _done(index, by_ref[ref], "already-issued")
        else:  # its first occurrence failed to sign
            outcomes[index] = _rejected(index, items[index], Rejected(
                "an earlier item with this assessmentRef was rejected"))
    items_out = [o for o in outcomes if o is not None]
    return {
        "issued": sum(o["outcome"] == "issued" for o in items_out),
        "alreadyIssued": sum(o["outcome"] == "already-issued" for o in items_out),
        "rejected": sum(o["outcome"] == "rejected" for o in items_out),
        "items": items_out,
    }


def _done(index: int, record: CredentialRecord, outcome: str) -> dict[str, Any]:
    return {"index": index, "outcome": outcome, "assessmentRef": record.assessment_ref,
            "credentialId": record.id}


def _rejected(index: int, item: Any, error: IssuanceError) -> dict[str, Any]:
    ref = item.get("assessmentRef") if isinstance(item, dict) else None
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
    conflicting = {"credentialId": error.extra["credentialId"]} \
        if "credentialId" in error.extra else {}
    return {"index": index, "outcome": "rejected",
            "assessmentRef": ref if isinstance(ref, str) else None, **conflicting,
            "problem": {"status": status, "detail": error.message,
                        "errors": [e.to_json() for e in error.errors] or
                        ([{"field": error.extra["field"], "rule": "not-found",
                           "message": error.message}] if "field" in error.extra else [])}}


def public_credential(services: Services, credential_id: str) -> CredentialRecord:
    with services.db.session_scope(read_only=True) as session:
        record = CredentialRepository(session).get_public(credential_id)
        if record is None:
            raise NotFound(f"no credential {credential_id}")
        return record


def list_credentials(services: Services, slug: str, *, caller: Caller,
                     achievement: str | None, recipient: str | None,
                     assessment_ref: str | None, limit: int,
                     cursor: str | None) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=ISSUE)
        achievement_id = None
        if achievement is not None:
            achievement_id = resolve_achievement(services, session, achievement,
                                                 issuer_id=issuer.id).id
        page = CredentialRepository(session).list(
            issuer_id=issuer.id, achievement_id=achievement_id,
            recipient_hash=(lookup_hash_for(recipient, lookup=services.lookup)
                            if recipient else None),
            assessment_ref=assessment_ref, limit=limit, after=cursor)
        return {"items": [credential_view(r, include=False) for r in page.items],
                "nextCursor": page.next_cursor}
