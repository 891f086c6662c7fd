"""Delivering an offer's credential to the holder a wallet proved to be, once.

An assessment offer is issued now, in the format the wallet asked for, with
``credentialSubject.id`` set to the holder's DID (the learner's email or student id stays as a
hashed identifier, so the LMS still finds it by recipient). An offer of a credential already
issued delivers it exactly as issued: re-binding would mean a second credential for one
assessment. Either way the offer is closed in the same transaction that stores the credential,
and the database's one-credential-per-assessmentRef rule holds across offers and the issue API.
"""

from __future__ import annotations

import json
from typing import Any

from vcissuer.credentials.builder import build_profile
from vcissuer.errors import VcError
from vcissuer.issuance.access import ISSUE, Caller
from vcissuer.issuance.achievements import issuable, resolve_achievement
from vcissuer.issuance.context import Services
from vcissuer.issuance.credentials import check_assessment, prepare_credential
from vcissuer.issuance.errors import IssuanceError, Rejected
from vcissuer.issuance.pathway_awards import after_issue
from vcissuer.issuance.schemas import AssessmentIn
from vcissuer.issuance.signing import active_signer
from vcissuer.issuance.status import StatusAssignment, purpose_of, status_entries
from vcissuer.keys import Signer
from vcissuer.proofs.jose import decode_vc_jwt
from vcissuer.store import (
    AchievementRecord,
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    CredentialState,
    IssuerRecord,
    IssuerRepository,
)
from vcissuer.store.wallet import CredentialOfferRecord, CredentialOfferRepository, OfferKind
from vcissuer.wallet.errors import DeliveryRefused

__all__ = ["credential_wire", "deliver", "subject_of"]


def credential_wire(record: CredentialRecord) -> Any:
    """The credential as a wallet receives it: a JSON object, or the VC-JWT string."""
    return record.signed if record.format == CredentialFormat.JWT else json.loads(record.signed)


def subject_of(record: CredentialRecord) -> str | None:
    """``credentialSubject.id`` of a stored credential (``sub`` of a VC-JWT)."""
    try:
        if record.format == CredentialFormat.JWT:
            decoded = decode_vc_jwt(record.signed)
            subject = decoded.credential.get("credentialSubject")
            fallback = decoded.payload.get("sub")
        else:
            subject, fallback = json.loads(record.signed).get("credentialSubject"), None
    except (VcError, ValueError, AttributeError):
        return None
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        return subject["id"]
    return fallback if isinstance(fallback, str) else None


def deliver(services: Services, offer: CredentialOfferRecord, *, holder_did: str,
            fmt: CredentialFormat, channel: str) -> CredentialRecord:
    """The offer's credential for ``holder_did``; the offer is closed. DeliveryRefused if the
    offer can no longer deliver (redeemed meanwhile, revoked, no longer earned)."""
    if offer.kind is OfferKind.CREDENTIAL:
        return _deliver_issued(services, offer, holder_did=holder_did, channel=channel)
    try:
        record, fresh, issued_by = _issue_bound(services, offer, holder_did=holder_did, fmt=fmt)
    except IssuanceError as error:
        raise DeliveryRefused(f"the credential cannot be issued: {error.message}") from error
    created = False
    with services.db.session_scope() as session:
        if fresh:
            stored = CredentialRepository(session, clock=services.clock).insert_or_get(record)
            record, created = stored.record, stored.created
            if not stored.created and subject_of(record) != holder_did:
                raise DeliveryRefused("a credential was already issued for this assessment "
                                      "to another holder")
        _close(services, session, offer, record, holder_did=holder_did, channel=channel)
    if created and issued_by is not None and issued_by[1].in_pathway:
        # Issued on redemption: a qualification it completes is awarded, as after any issue.
        issuer, achievement = issued_by
        after_issue(services, issuer.slug, issuer,
                    [(AssessmentIn.model_validate(offer.assessment), achievement)],
                    caller=Caller(client_id=f"offer:{offer.id}"[:64], issuer_id=issuer.id,
                                  scopes=frozenset({ISSUE})))
    return record


def _close(services: Services, session: Any, offer: CredentialOfferRecord,
           record: CredentialRecord, *, holder_did: str, channel: str) -> None:
    closed = CredentialOfferRepository(session, clock=services.clock).mark_redeemed(
        offer.id, credential_id=record.id, holder_did=holder_did, channel=channel)
    if not closed:  # raised inside the transaction: the credential insert rolls back too
        raise DeliveryRefused("this offer was redeemed (or withdrawn) meanwhile")


def _deliver_issued(services: Services, offer: CredentialOfferRecord, *, holder_did: str,
                    channel: str) -> CredentialRecord:
    with services.db.session_scope() as session:
        record = None
        if offer.credential_id is not None:
            record = CredentialRepository(session).get(offer.credential_id,
                                                      issuer_id=offer.issuer_id)
        if record is None:
            raise DeliveryRefused("the offered credential no longer exists")
        if record.state is CredentialState.REVOKED:
            raise DeliveryRefused("the offered credential has been revoked")
        _close(services, session, offer, record, holder_did=holder_did, channel=channel)
        return record


def _issue_bound(services: Services, offer: CredentialOfferRecord, *, holder_did: str,
                 fmt: CredentialFormat
                 ) -> tuple[CredentialRecord, bool, tuple[IssuerRecord, AchievementRecord] | None]:
    """Check, allocate status, and sign (no write transaction is held while signing); or the
    credential this holder already received for the assessment (``False``: not new)."""
    assessment = AssessmentIn.model_validate(offer.assessment).model_copy(
        update={"format": fmt.value})
    with services.db.session_scope(read_only=True) as session:
        issuer = IssuerRepository(session).get(offer.issuer_id)
        if issuer is None:
            raise DeliveryRefused("the issuer of this offer no longer exists")
        existing = CredentialRepository(session).get_by_assessment_ref(
            assessment.assessment_ref, issuer_id=issuer.id)
        if existing is not None:
            if subject_of(existing) != holder_did:
                raise DeliveryRefused("a credential was already issued for this assessment")
            return existing, False, None  # a retry by the same holder
        achievement = issuable(resolve_achievement(
            services, session, assessment.achievement_id, issuer_id=issuer.id))
        signer = active_signer(services, session, issuer)
    check_assessment(services, achievement, assessment)  # the achievement may have changed
    status = status_entries(services, issuer, [purpose_of(achievement)])[0]
    return _prepare_bound(services, issuer, signer, achievement, assessment, status,
                          holder_did=holder_did), True, (issuer, achievement)


def _prepare_bound(services: Services, issuer: IssuerRecord, signer: Signer,
                   achievement: AchievementRecord, assessment: AssessmentIn,
                   status: StatusAssignment | None, *, holder_did: str) -> CredentialRecord:
    """The credential, its subject bound to the holder's DID."""
    try:
        return prepare_credential(services, issuer=issuer,
                                  profile=build_profile(issuer.did, issuer.profile),
                                  signer=signer, achievement=achievement,
                                  assessment=assessment, status=status, subject_id=holder_did)
    except Rejected as error:
        raise DeliveryRefused(f"{error.message}: " + "; ".join(
            f"{e.field}: {e.message}" for e in error.errors[:3])) from None
