"""Issuing CLR 2.0 records: a learner's credentials of one issuer, signed together.

:func:`issue_clr` is the flow (the pathways award calls it); :func:`issue_clr_request` is
what ``POST /issuers/{slug}/clr`` runs: the caller's key and ``issue`` scope, then the flow.
A record embeds stored credentials exactly as they were issued (the stored text, each with its
own proof), only ones of this issuer issued to this learner (matched by the recipient lookup
hashes kept with every credential), none revoked or suspended. It is validated against the CLR
2.0 ClrCredential JSON Schema, signed with eddsa-rdfc-2022 and stored as a credential: served
at its URL, revocable, listed with the learner's credentials.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from vcissuer.credentials.builder import build_profile
from vcissuer.credentials.clr import (
    Association,
    ClrBuildError,
    build_clr,
    ordered_associations,
)
from vcissuer.credentials.schema import validate_clr_credential
from vcissuer.issuance.access import ISSUE, ApiToken, Caller, authenticate, authorize, note_use
from vcissuer.issuance.achievements import achievement_id_url, resolve_achievement
from vcissuer.issuance.context import Services
from vcissuer.issuance.credentials import IssueOutcome, credential_url, validation_errors
from vcissuer.issuance.errors import Conflict, FieldError, NotFound, Rejected
from vcissuer.issuance.recipients import recipient_from
from vcissuer.issuance.schemas import AssociationIn, ClrIn, RecipientIn
from vcissuer.issuance.signing import sign_with, signer_for
from vcissuer.issuance.status import StatusRequest, status_entries
from vcissuer.store import (
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    CredentialState,
    IssuerKeyRepository,
    StatusPurpose,
    new_id,
)

__all__ = ["CLR_REFERENCE_PREFIX", "issue_clr", "issue_clr_request"]

# A record's reference is stored as the credential's assessment reference under this prefix,
# so it never meets an LMS's own references (both are unique per issuer).
CLR_REFERENCE_PREFIX = "clr:"
_DEFAULT_NAME = "Comprehensive Learner Record"


def issue_clr_request(services: Services, slug: str, body: ClrIn | Mapping[str, Any], *,
                      caller: Caller | ApiToken) -> IssueOutcome:
    """``POST /issuers/{slug}/clr``: the caller may issue for the issuer, then :func:`issue_clr`."""
    request = body if isinstance(body, ClrIn) else _parse(body)
    with services.db.session_scope(read_only=True) as session:
        known = authenticate(session, caller)
        found = IssuerKeyRepository(session).issuer_with_active(slug)
        if found is None:
            raise NotFound(f"no issuer {slug!r}")
        authorize(known, issuer_id=found[0].id, scope=ISSUE)
    note_use(services, known)
    return issue_clr(services, slug, request.learner, request.credential_ids,
                     [Association(a.association_type, a.source_id, a.target_id)
                      for a in request.associations],
                     name=request.name, description=request.description,
                     achievement_ids=request.achievement_ids, ordered=request.ordered,
                     reference=request.reference)


def _parse(body: Mapping[str, Any]) -> ClrIn:
    try:
        return ClrIn.model_validate(body)
    except ValidationError as error:
        raise Rejected("the record request is not valid",
                       errors=validation_errors(error)) from None


def issue_clr(
    services: Services,
    slug: str,
    learner: RecipientIn | Mapping[str, Any],
    credential_ids: Sequence[str],
    associations: Sequence[Association | AssociationIn] = (),
    *,
    name: str | None = None,
    description: str | None = None,
    achievement_ids: Sequence[str] = (),
    ordered: bool = False,
    reference: str | None = None,
) -> IssueOutcome:
    """Issue a CLR 2.0 ClrCredential for ``learner`` embedding the issuer's credentials.

    - ``learner``: as the issue API's ``recipient`` (email, studentId, did, identifier); a
      DID becomes the ClrSubject's ``id``, the rest hashed ``identifier``s. Every credential
      must have been issued to one of these identifiers.
    - ``credential_ids``: stored credentials of issuer ``slug`` (our uuids), embedded in
      this order, as issued; JSON ones only (a VC-JWT is not a CLR 2.0 VerifiableCredential).
    - ``associations``: between achievement ids (uuid or full URL) of the record: those the
      credentials assert, and ``achievement_ids`` (further achievements of the issuer to
      list, e.g. the qualification they are part of: ``isChildOf`` it). ``ordered`` adds
      ``precedes`` from each credential's achievement to the next.
    - ``reference``: the caller's key for the record (a pathway and learner, say): the same
      one returns the record issued first (``created`` False) if it embeds the same
      credentials, and is a Conflict if it does not.

    No caller check: that is :func:`issue_clr_request`'s. Raises Rejected (422) with field
    errors naming ``credentialIds[i]``, ``associations[i]...`` or ``learner``, NotFound,
    Conflict.
    """
    recipient_in = learner if isinstance(learner, RecipientIn) else _learner(learner)
    data = recipient_in.wire()
    recipient = recipient_from(data, lookup=services.lookup)
    stored_ref = None if reference is None else CLR_REFERENCE_PREFIX + reference
    with services.db.session_scope(read_only=True) as session:
        found = IssuerKeyRepository(session).issuer_with_active(slug)
        if found is None:
            raise NotFound(f"no issuer {slug!r}")
        issuer, key = found
        repository = CredentialRepository(session)
        existing = None if stored_ref is None else repository.get_by_assessment_ref(
            stored_ref, issuer_id=issuer.id)
        if existing is not None:
            return IssueOutcome(_same_record(services, existing, credential_ids), created=False)
        embedded = _constituents(repository, credential_ids, recipient.lookup_hashes,
                                 issuer_id=issuer.id)
        extra = _achievements(services, session, achievement_ids, issuer_id=issuer.id)
        signer = signer_for(services, key)
    links = [Association(a.association_type, _achievement_url(services, a.source_id),
                         _achievement_url(services, a.target_id)) for a in associations]
    if ordered:
        links += ordered_associations(list(dict.fromkeys(
            a for a in map(_asserted, embedded) if a is not None)))
    now = services.clock()
    record_id = new_id()
    try:
        unsigned = build_clr(
            credential_id=credential_url(services, record_id),
            issuer=build_profile(issuer.did, issuer.profile), name=name or _DEFAULT_NAME,
            description=description, valid_from=now, credentials=embedded,
            subject_id=recipient.subject_id, identifiers=recipient.identifiers,
            achievements=extra, associations=links)
    except ClrBuildError as error:
        raise Rejected("the record cannot be built as asked",
                       errors=[FieldError(error.field, error.rule, error.message)]) from None
    problems = validate_clr_credential(unsigned)
    if problems:
        raise Rejected("the record would not conform to the CLR 2.0 ClrCredential schema",
                       errors=[FieldError(p.path, p.rule, p.message) for p in problems])
    # Checked: now a status index (never reused, so not taken for a request that fails).
    status = status_entries(services, issuer, [StatusRequest(StatusPurpose.REVOCATION)])[0]
    if status is not None:
        unsigned["credentialStatus"] = status.entry
    signed = sign_with(services, signer, unsigned)
    record = CredentialRecord(
        id=record_id, issuer_id=issuer.id, achievement_id=None,
        recipient_hash=recipient.lookup_hash, assessment_ref=stored_ref, signed=signed,
        format=CredentialFormat.LDP, valid_from=now, valid_until=None, created=now,
        status_list_id=status.status_list_id if status else None,
        status_index=status.status_index if status else None)
    with services.db.session_scope() as session:
        stored = CredentialRepository(session, clock=services.clock).insert_or_get(
            record, lookups=recipient.lookup_hashes[1:])
    if not stored.created:  # a concurrent request stored this reference first
        _same_record(services, stored.record, credential_ids)
    return IssueOutcome(stored.record, created=stored.created)


def _learner(data: Mapping[str, Any]) -> RecipientIn:
    try:
        return RecipientIn.model_validate(data)
    except ValidationError as error:
        raise Rejected("the learner is not valid",
                       errors=validation_errors(error, prefix="learner")) from None


def _constituents(repository: CredentialRepository, credential_ids: Sequence[str],
                  lookup_hashes: Sequence[str], *, issuer_id: str) -> list[dict[str, Any]]:
    """The stored credentials to embed, as issued; every one that may not be is an error."""
    records = repository.by_ids(credential_ids, issuer_id=issuer_id)
    held = repository.held_by(list(records), lookup_hashes, issuer_id=issuer_id)
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, credential_id in enumerate(credential_ids):
        field = f"credentialIds[{index}]"
        record = records.get(credential_id)
        if credential_id in seen:
            errors.append(FieldError(field, "duplicate", "a credential is embedded once"))
        elif record is None:
            errors.append(FieldError(field, "not-found",
                                     f"no credential {credential_id} of this issuer"))
        elif credential_id not in held:
            errors.append(FieldError(field, "other-learner",
                                     f"credential {credential_id} was not issued to this "
                                     "learner"))
        elif record.format != CredentialFormat.LDP:
            errors.append(FieldError(field, "format", "a VC-JWT credential cannot be "
                                     "embedded: CLR 2.0 embeds credentials as JSON objects"))
        elif record.state != CredentialState.ACTIVE:
            errors.append(FieldError(field, str(record.state),
                                     f"credential {credential_id} is {record.state}"))
        seen.add(credential_id)
    if errors:
        raise Rejected("these credentials cannot go into the learner's record", errors=errors)
    return [json.loads(records[i].signed) for i in credential_ids]


def _achievements(services: Services, session: Any, references: Sequence[str], *,
                  issuer_id: str) -> list[dict[str, Any]]:
    """The issuer's achievements to list besides the credentials' own (422 naming any
    that is not the issuer's)."""
    found, errors = [], []
    for index, reference in enumerate(references):
        try:
            found.append(resolve_achievement(services, session, reference,
                                             issuer_id=issuer_id).document)
        except NotFound as error:
            errors.append(FieldError(f"achievementIds[{index}]", "not-found", error.message))
    if errors:
        raise Rejected("the record cannot list these achievements", errors=errors)
    return found


def _achievement_url(services: Services, reference: str) -> str:
    """An achievement's id URL from its uuid (full URLs and other ids are kept)."""
    return reference if ":" in reference else achievement_id_url(services, reference)


def _asserted(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    return achievement.get("id") if isinstance(achievement, Mapping) else None


def _same_record(services: Services, record: CredentialRecord,
                 credential_ids: Sequence[str]) -> CredentialRecord:
    """``record`` if it embeds exactly ``credential_ids``; Conflict naming it otherwise."""
    subject = json.loads(record.signed).get("credentialSubject", {})
    embedded = [c.get("id") for c in subject.get("verifiableCredential", [])
                if isinstance(c, Mapping)]
    if embedded != [credential_url(services, i) for i in credential_ids]:
        raise Conflict(f"reference already used by record {record.id}, which embeds other "
                       "credentials", credentialId=record.id,
                       errors=[FieldError("reference", "changed-repeat",
                                          "this reference was used for another record")])
    return record
