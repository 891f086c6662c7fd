"""VC-API exchanges: the Learner Credential Wallet's way to receive a credential.

https://w3c-ccg.github.io/vc-api/#exchanges — one exchange per offer, at ``/exchanges/<ref>``:

1. ``POST {}`` answers a VerifiablePresentationRequest: a ``DIDAuthentication`` query with a
   fresh ``challenge`` (single use, short-lived) and ``domain`` (the base URL);
2. ``POST {"verifiablePresentation": ...}`` with a presentation the holder signed (a Data
   Integrity proof for ``authentication`` carrying that challenge and domain, by a did:key)
   answers ``{"verifiablePresentation": ...}`` holding the credential, bound to that DID.

``GET /interactions/<ref>?iuv=1`` lists the protocols of the offer (``vcapi``, ``OID4VCI``) for
wallets that start from an interaction URL. Refusals are ExchangeError (problem details; the
``type`` is the Data Integrity error code where one applies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vcissuer.credentials.contexts import VC_V2
from vcissuer.dids import CompositeResolver, DidKeyResolver
from vcissuer.errors import (
    INVALID_CHALLENGE_ERROR,
    INVALID_DOMAIN_ERROR,
    MALFORMED_PROOF_ERROR,
    PARSING_ERROR,
    PROOF_VERIFICATION_ERROR,
)
from vcissuer.issuance.context import Services
from vcissuer.proofs import Authentication, verify_proofs
from vcissuer.store import (
    AchievementRepository,
    CredentialFormat,
    CredentialRepository,
    IssuerRepository,
)
from vcissuer.store.wallet import CredentialOfferRecord, CredentialOfferRepository, OfferState
from vcissuer.wallet.codes import digest, new_secret
from vcissuer.wallet.delivery import credential_wire, deliver
from vcissuer.wallet.errors import (
    ExchangeComplete,
    ExchangeError,
    ExchangeGone,
    ExchangeNotFound,
)
from vcissuer.wallet.metadata import CHALLENGE_LIFETIME, Endpoints, configuration_format

__all__ = ["Interaction", "exchange", "interaction", "interaction_details"]

_PROBLEM = "urn:vcissuer:problem:"
# Data Integrity codes a presentation can fail with, most specific first.
_CODES = (INVALID_CHALLENGE_ERROR, INVALID_DOMAIN_ERROR, MALFORMED_PROOF_ERROR)


def _offer(services: Services, ref: str) -> CredentialOfferRecord:
    """The offer behind an exchange URL, while it can still deliver over VC-API."""
    with services.db.session_scope(read_only=True) as session:
        offer = CredentialOfferRepository(session).by_ref_hash(digest(ref))
    if offer is None or not any(configuration_format(c) is CredentialFormat.LDP
                                for c in offer.configuration_ids):
        raise ExchangeNotFound("no such exchange", type=_PROBLEM + "not-found")
    if offer.state is OfferState.REDEEMED:
        raise ExchangeComplete("the exchange is complete: the credential was delivered",
                               type=_PROBLEM + "exchange-complete")
    if offer.state is not OfferState.PENDING:
        raise ExchangeGone(f"the exchange was {offer.state} by a newer offer",
                           type=_PROBLEM + "exchange-superseded")
    if offer.expires <= services.clock():
        raise ExchangeGone("the exchange has expired", type=_PROBLEM + "exchange-expired")
    return offer


def interaction(services: Services, ref: str) -> dict[str, Any]:
    """The protocols an interaction URL offers (VC-API "interaction URL", ``iuv=1``)."""
    _offer(services, ref)
    endpoints = Endpoints(services.base_url)
    return {"protocols": {"vcapi": endpoints.exchange(ref),
                          "OID4VCI": endpoints.offer_deep_link(ref)}}


@dataclass(frozen=True, slots=True)
class Interaction:
    """What a learner's browser shows at an interaction URL: whose credential, and how to take
    it into a wallet (links for a QR code or a button), and whether a code is needed."""

    issuer_name: str
    achievement_name: str | None
    oid4vci_link: str
    lcw_link: str
    tx_code_required: bool
    expires: datetime


def interaction_details(services: Services, ref: str) -> Interaction:
    """The offer behind an interaction URL, for its page; ExchangeError as for the protocols."""
    offer = _offer(services, ref)
    with services.db.session_scope(read_only=True) as session:
        issuer = IssuerRepository(session).get(offer.issuer_id)
        achievement_id: str | None = None
        if offer.credential_id is not None:
            credential = CredentialRepository(session).get(offer.credential_id,
                                                           issuer_id=offer.issuer_id)
            achievement_id = credential.achievement_id if credential is not None else None
        elif offer.assessment is not None:
            reference = str(offer.assessment.get("achievementId", ""))
            achievement_id = reference.rstrip("/").rsplit("/", 1)[-1] or None
        achievement = (AchievementRepository(session).get(achievement_id,
                                                          issuer_id=offer.issuer_id)
                       if achievement_id else None)
        name = achievement.document.get("name") if achievement is not None else None
        issuer_name = issuer.profile.get("name") if issuer is not None else None
    endpoints = Endpoints(services.base_url)
    return Interaction(
        issuer_name=issuer_name if isinstance(issuer_name, str) else "The issuer",
        achievement_name=name if isinstance(name, str) else None,
        oid4vci_link=endpoints.offer_deep_link(ref), lcw_link=endpoints.lcw_deep_link(ref),
        tx_code_required=offer.tx_code_hash is not None, expires=offer.expires)


def exchange(services: Services, ref: str, body: Any) -> dict[str, Any]:
    """One step of the exchange: a request for DIDAuth, or delivery for a signed VP."""
    if not isinstance(body, dict):
        raise ExchangeError("the body must be a JSON object", type=PARSING_ERROR)
    offer = _offer(services, ref)
    presentation = body.get("verifiablePresentation")
    if presentation is None:
        return _request_did_auth(services, offer, ref)
    return _deliver(services, offer, presentation)


def _request_did_auth(services: Services, offer: CredentialOfferRecord, ref: str
                      ) -> dict[str, Any]:
    challenge = new_secret()
    with services.db.session_scope() as session:
        started = CredentialOfferRepository(session, clock=services.clock).set_challenge(
            offer.id, challenge=challenge, expires=services.clock() + CHALLENGE_LIFETIME)
    if not started:  # closed since _offer read it
        raise ExchangeComplete("the exchange is no longer open",
                               type=_PROBLEM + "exchange-complete")
    endpoints = Endpoints(services.base_url)
    return {"verifiablePresentationRequest": {
        "query": [{
            "type": "DIDAuthentication",
            "acceptedMethods": [{"method": "key"}],
            "acceptedCryptosuites": [{"cryptosuite": "eddsa-rdfc-2022"},
                                     {"cryptosuite": "Ed25519Signature2020"}],
        }],
        "challenge": challenge,
        "domain": endpoints.credential_issuer,
        "interact": {"service": [{"type": "UnmediatedHttpPresentationService2021",
                                  "serviceEndpoint": endpoints.exchange(ref)}]},
    }}


def _holder(services: Services, offer: CredentialOfferRecord, presentation: Any
            ) -> tuple[str, str]:
    """The DID that signed the presentation for this exchange's live challenge, and it."""
    if not isinstance(presentation, dict):
        raise ExchangeError("verifiablePresentation must be a JSON object", type=PARSING_ERROR)
    if "proof" not in presentation:
        raise ExchangeError("the presentation is not signed: DIDAuthentication needs a proof",
                            type=PROOF_VERIFICATION_ERROR)
    challenge = offer.challenge
    if (challenge is None or offer.challenge_expires is None
            or offer.challenge_expires <= services.clock()):
        raise ExchangeError("no live challenge: start the exchange again (POST {})",
                            type=INVALID_CHALLENGE_ERROR)
    result = verify_proofs(
        presentation, resolver=CompositeResolver([DidKeyResolver()]),
        purpose=Authentication(challenge=challenge,
                               domain=Endpoints(services.base_url).credential_issuer),
        clock=services.clock, canonicalizer=services.canonicalizer)
    if not result.verified:
        problems = result.all_problems()
        codes = {p.code for p in problems}
        code = next((c for c in _CODES if c in codes), PROOF_VERIFICATION_ERROR)
        detail = "; ".join(p.message for p in problems) or "the presentation does not verify"
        raise ExchangeError(detail, type=code)
    controllers = {r.controller for r in result.results}
    if len(controllers) != 1 or None in controllers:
        raise ExchangeError("the presentation's proofs name more than one holder",
                            type=PROOF_VERIFICATION_ERROR)
    did = str(controllers.pop())
    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    if holder_id is not None and holder_id != did:
        raise ExchangeError(f"holder {holder_id!r} is not the signer {did!r}",
                            type=PROOF_VERIFICATION_ERROR)
    return did, challenge


def _deliver(services: Services, offer: CredentialOfferRecord, presentation: Any
             ) -> dict[str, Any]:
    holder_did, challenge = _holder(services, offer, presentation)
    with services.db.session_scope() as session:
        spent = CredentialOfferRepository(session, clock=services.clock).use_challenge(
            offer.id, challenge=challenge)
    if not spent:  # a replay, or a concurrent delivery spent it first
        raise ExchangeError("the challenge was already used: start the exchange again",
                            type=INVALID_CHALLENGE_ERROR)
    record = deliver(services, offer, holder_did=holder_did, fmt=CredentialFormat.LDP,
                     channel="vc-api")
    return {"verifiablePresentation": {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [credential_wire(record)],
    }}
