"""Offers, the LMS side: create one for an assessment record or an issued credential, read
its state; and the Credential Offer a wallet fetches by reference.

https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html section 4.1
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from vcissuer.clock import format_datetime
from vcissuer.credentials.builder import build_credential, build_profile
from vcissuer.credentials.schema import validate_achievement_credential
from vcissuer.issuance import credentials as issuing
from vcissuer.issuance.access import ISSUE, Caller, authorize
from vcissuer.issuance.achievements import issuable, resolve_achievement
from vcissuer.issuance.context import Services
from vcissuer.issuance.credentials import check_assessment, credential_view
from vcissuer.issuance.errors import Conflict, FieldError, NotFound, Rejected
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.recipients import recipient_from
from vcissuer.issuance.schemas import AssessmentIn
from vcissuer.qr import qr_data_uri
from vcissuer.store import (
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    CredentialState,
    IssuerRecord,
    new_id,
)
from vcissuer.store.wallet import (
    CredentialOfferRecord,
    CredentialOfferRepository,
    OfferKind,
    OfferState,
)
from vcissuer.wallet.codes import (
    digest,
    new_secret,
    new_tx_code,
    pre_authorized_code,
    tx_code_digest,
)
from vcissuer.wallet.metadata import (
    CONFIGURATIONS,
    JWT_VC_JSON,
    LDP_VC,
    PRE_AUTHORIZED_GRANT,
    TX_CODE_LENGTH,
    Endpoints,
    achievement_configuration_id,
    configuration_format,
)
from vcissuer.wallet.schemas import OfferIn

__all__ = ["create_offer", "credential_offer", "offer_state", "offer_view"]

_CONFIGURATION_OF = {fmt: config for config, fmt in CONFIGURATIONS.items()}
TX_CODE_DESCRIPTION = "Enter the code your institution sent you with this badge offer."


def offer_state(offer: CredentialOfferRecord, *, now: datetime) -> str:
    """``pending``, ``expired``, ``redeemed`` or ``superseded``."""
    if offer.state is OfferState.PENDING and offer.expires <= now:
        return "expired"
    return str(offer.state)


def credential_offer(endpoints: Endpoints, offer: CredentialOfferRecord, *, code: str
                     ) -> dict[str, Any]:
    """The Credential Offer object. OpenID4VCI 1.0 section 4.1.1"""
    grant: dict[str, Any] = {"pre-authorized_code": code}
    if offer.tx_code_hash is not None:
        grant["tx_code"] = {"input_mode": "numeric", "length": TX_CODE_LENGTH,
                            "description": TX_CODE_DESCRIPTION}
    return {
        "credential_issuer": endpoints.credential_issuer,
        "credential_configuration_ids": list(offer.configuration_ids),
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def create_offer(services: Services, slug: str, body: OfferIn, *,
                 caller: Caller) -> dict[str, Any]:
    """An offer of one credential; Rejected (422) before anything is stored if the
    assessment would not issue. The codes are in this response only."""
    issued: CredentialRecord | None = None
    assessment = body.assessment
    if assessment is not None and body.issue == "now":
        outcome = issuing.issue_one(services, slug, assessment.model_dump(
            by_alias=True, mode="json", exclude_none=True), caller=caller)
        issued = outcome.record
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=ISSUE)
        if assessment is None or issued is not None:
            credential = _offerable(session, issuer,
                                    issued.id if issued else body.credential_id or "")
            kind, ref_of = OfferKind.CREDENTIAL, credential.assessment_ref
            configurations = _for_achievement(
                [_CONFIGURATION_OF[CredentialFormat(credential.format)]],
                credential.achievement_id)
        else:
            achievement_uuid = _check_ready(services, session, issuer, assessment)
            kind, ref_of, credential = OfferKind.ASSESSMENT, assessment.assessment_ref, None
            configurations = _for_achievement(
                [_CONFIGURATION_OF[CredentialFormat(assessment.format)]]
                if "format" in assessment.model_fields_set else [LDP_VC, JWT_VC_JSON],
                achievement_uuid)
    now = services.clock()
    ref = new_secret()
    code = pre_authorized_code(ref, key=services.lookup)
    offer_id = new_id()
    tx_code = new_tx_code(TX_CODE_LENGTH) if body.tx_code else None
    offer = CredentialOfferRecord(
        id=offer_id, issuer_id=issuer.id, kind=kind, state=OfferState.PENDING,
        assessment=(assessment.model_dump(by_alias=True, mode="json", exclude_none=True)
                    if kind is OfferKind.ASSESSMENT and assessment is not None else None),
        assessment_ref=ref_of, credential_id=credential.id if credential else None,
        configuration_ids=configurations, ref_hash=digest(ref), code_hash=digest(code),
        tx_code_hash=(tx_code_digest(tx_code, offer_id=offer_id, key=services.lookup)
                      if tx_code else None),
        tx_code_failures=0, created_by=caller.client_id, created=now,
        expires=now + timedelta(seconds=body.expires_in))
    with services.db.session_scope() as session:
        repo = CredentialOfferRepository(session, clock=services.clock)
        repo.add(offer)
        if ref_of is not None:  # a re-sent offer replaces the learner's older pending one
            repo.supersede_pending(issuer_id=issuer.id, assessment_ref=ref_of, keep=offer_id)
    endpoints = Endpoints(services.base_url)
    view = _view(offer, now=now)
    view.update({
        "credential_offer": credential_offer(endpoints, offer, code=code),
        "credential_offer_uri": endpoints.credential_offer_uri(ref),
        "deepLink": endpoints.offer_deep_link(ref),
        "qrCode": qr_data_uri(endpoints.offer_deep_link(ref)),
        "preAuthorizedCode": code,
    })
    if tx_code is not None:
        view["txCode"] = tx_code
    if any(configuration_format(c) is CredentialFormat.LDP for c in configurations):
        view.update({"exchangeUrl": endpoints.exchange(ref),
                     "interactionUrl": endpoints.interaction(ref),
                     "lcwDeepLink": endpoints.lcw_deep_link(ref),
                     "lcwQrCode": qr_data_uri(endpoints.lcw_deep_link(ref))})
    if issued is not None:
        view["credential"] = credential_view(issued)
    return view


def offer_view(services: Services, slug: str, offer_id: str, *,
               caller: Caller) -> dict[str, Any]:
    """An offer's state for the LMS (never its codes)."""
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=ISSUE)
        offer = CredentialOfferRepository(session).get(offer_id, issuer_id=issuer.id)
        if offer is None:
            raise NotFound(f"no offer {offer_id} for this issuer")
        return _view(offer, now=services.clock())


def _view(offer: CredentialOfferRecord, *, now: datetime) -> dict[str, Any]:
    view: dict[str, Any] = {
        "offerId": offer.id, "kind": str(offer.kind), "state": offer_state(offer, now=now),
        "assessmentRef": offer.assessment_ref,
        "credentialConfigurationIds": list(offer.configuration_ids),
        "txCodeRequired": offer.tx_code_hash is not None,
        "created": format_datetime(offer.created), "expires": format_datetime(offer.expires),
        "credentialId": offer.credential_id,
    }
    if offer.state is OfferState.REDEEMED:
        view.update({"redeemedAt": format_datetime(offer.redeemed_at) if offer.redeemed_at
                     else None, "holder": offer.holder_did, "channel": offer.channel})
    return view


def _for_achievement(generic: list[str], achievement_uuid: str | None) -> list[str]:
    """The achievement's own configurations (its name and image in the wallet), when the
    credential is of one of ours."""
    if achievement_uuid is None:
        return generic
    return [achievement_configuration_id(config, achievement_uuid) for config in generic]


def _offerable(session: Any, issuer: IssuerRecord, credential_id: str) -> CredentialRecord:
    record = CredentialRepository(session).get(credential_id, issuer_id=issuer.id)
    if record is None:
        raise NotFound(f"no credential {credential_id} for this issuer", field="credentialId")
    if record.state is CredentialState.REVOKED:
        raise Conflict("the credential is revoked: it cannot be offered")
    return record


def _check_ready(services: Services, session: Any, issuer: IssuerRecord,
                 assessment: AssessmentIn) -> str:
    """As POST /issuers/{slug}/credentials checks it, before any offer exists; the
    achievement's uuid."""
    existing = CredentialRepository(session).get_by_assessment_ref(
        assessment.assessment_ref, issuer_id=issuer.id)
    if existing is not None:
        raise Conflict(f"credential {existing.id} was already issued for assessmentRef "
                       f"{assessment.assessment_ref!r}: offer it by credentialId")
    achievement = issuable(resolve_achievement(
        services, session, assessment.achievement_id, issuer_id=issuer.id))
    check_assessment(services, achievement, assessment)
    # The credential as it will be issued, minus the holder's DID, status and proof.
    data = assessment.wire()
    recipient = recipient_from(data["recipient"], lookup=services.lookup)
    now = services.clock()
    preview = build_credential(
        credential_id=issuing.credential_url(services, new_id()),
        issuer=build_profile(issuer.did, issuer.profile), achievement=achievement.document,
        valid_from=now, subject_id=recipient.subject_id, identifiers=recipient.identifiers,
        results=data.get("results", []), credits_earned=assessment.credits_earned,
        activity_start=assessment.activity_start_date,
        activity_end=assessment.activity_end_date, evidence=data.get("evidence", []),
        valid_until=assessment.valid_until)
    problems = validate_achievement_credential(preview)
    if problems:
        raise Rejected("the credential would not conform to the OB 3.0 schema",
                       errors=[FieldError(p.path, p.rule, p.message) for p in problems])
    return achievement.id
