"""OpenID4VCI 1.0, pre-authorized code flow: the Credential Offer by reference, the token,
nonce and credential endpoints. https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html

Errors are OAuthError with the protocol's codes: the token endpoint's (RFC 6749 section 5.2,
OpenID4VCI section 6.3), the bearer token's (RFC 6750 section 3.1) and the credential
endpoint's (OpenID4VCI section 8.3.1.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import NotFound
from vcissuer.store import CredentialFormat
from vcissuer.store.wallet import CredentialOfferRecord, CredentialOfferRepository, OfferState
from vcissuer.strictjson import JsonInputError, loads_strict
from vcissuer.wallet.codes import (
    digest,
    new_secret,
    pre_authorized_code,
    tx_code_matches,
)
from vcissuer.wallet.delivery import credential_wire, deliver
from vcissuer.wallet.errors import OAuthError
from vcissuer.wallet.metadata import (
    ACCESS_TOKEN_LIFETIME,
    MAX_TX_CODE_FAILURES,
    NONCE_LIFETIME,
    PRE_AUTHORIZED_GRANT,
    PROOF_CLOCK_SKEW,
    PROOF_MAX_AGE,
    Endpoints,
    configuration_format,
    generic_configuration_id,
)
from vcissuer.wallet.offers import credential_offer
from vcissuer.wallet.proof import verify_key_proof

__all__ = ["credential", "new_nonce", "offer_by_reference", "token"]


def offer_by_reference(services: Services, ref: str) -> dict[str, Any]:
    """The Credential Offer behind ``credential_offer_uri`` (section 4.1.3), while redeemable."""
    with services.db.session_scope(read_only=True) as session:
        offer = CredentialOfferRepository(session).by_ref_hash(digest(ref))
    if (offer is None or offer.state is not OfferState.PENDING
            or offer.code_used_at is not None or offer.expires <= services.clock()):
        raise NotFound("no such credential offer (it may have expired or been redeemed)")
    return credential_offer(Endpoints(services.base_url), offer,
                            code=pre_authorized_code(ref, key=services.lookup))


# --- Token Endpoint (section 6)

def _single(form: Mapping[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    if not values:
        return None
    if len(values) > 1:  # RFC 6749 section 3.2
        raise OAuthError("invalid_request", f"the parameter {name} is repeated")
    return values[0]


def token(services: Services, form: Mapping[str, list[str]]) -> dict[str, Any]:
    """Redeem a pre-authorized code (and transaction code) for a short-lived access token."""
    grant_type = _single(form, "grant_type")
    if grant_type is None:
        raise OAuthError("invalid_request", "grant_type is missing")
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type",
                         f"only the {PRE_AUTHORIZED_GRANT} grant is supported")
    code = _single(form, "pre-authorized_code")
    if not code:
        raise OAuthError("invalid_request", "pre-authorized_code is missing")
    tx_code = _single(form, "tx_code")
    details = _authorization_details(_single(form, "authorization_details"))
    with services.db.session_scope(read_only=True) as session:
        offer = CredentialOfferRepository(session).by_code_hash(digest(code))
    if offer is None:
        raise OAuthError("invalid_grant", "the pre-authorized code is not known")
    _check_offer_for_code(services, offer)
    _check_tx_code(services, offer, tx_code)
    granted = _granted(offer, details)
    access_token = new_secret()
    with services.db.session_scope() as session:
        won = CredentialOfferRepository(session, clock=services.clock).use_code(
            offer.id, token_hash=digest(access_token),
            token_expires=services.clock() + ACCESS_TOKEN_LIFETIME)
    if not won:
        raise OAuthError("invalid_grant", "the pre-authorized code has already been used")
    response: dict[str, Any] = {
        "access_token": access_token, "token_type": "Bearer",
        "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
    }
    if granted is not None:
        response["authorization_details"] = granted
    return response


def _check_offer_for_code(services: Services, offer: CredentialOfferRecord) -> None:
    if offer.code_used_at is not None:
        # A replayed code: the token it bought is revoked too (RFC 9700 section 4.5).
        with services.db.session_scope() as session:
            CredentialOfferRepository(session, clock=services.clock).revoke_token(offer.id)
        raise OAuthError("invalid_grant", "the pre-authorized code has already been used")
    if offer.state is not OfferState.PENDING:
        raise OAuthError("invalid_grant", f"the offer is {offer.state}")
    if offer.expires <= services.clock():
        raise OAuthError("invalid_grant", "the pre-authorized code has expired")


def _check_tx_code(services: Services, offer: CredentialOfferRecord, tx_code: str | None
                   ) -> None:
    """OpenID4VCI section 6.3: a missing or unexpected code is invalid_request, a wrong one
    invalid_grant; after MAX_TX_CODE_FAILURES wrong codes the offer takes none."""
    if offer.tx_code_hash is None:
        if tx_code is not None:
            raise OAuthError("invalid_request", "this offer takes no tx_code")
        return
    if tx_code is None:
        raise OAuthError("invalid_request", "this offer needs the tx_code sent to the learner")
    if offer.tx_code_failures >= MAX_TX_CODE_FAILURES:
        raise OAuthError("invalid_grant", "too many wrong transaction codes: ask for a new "
                                          "offer")
    if not tx_code_matches(tx_code, offer.tx_code_hash, offer_id=offer.id,
                           key=services.lookup):
        with services.db.session_scope() as session:
            CredentialOfferRepository(session).count_tx_code_failure(offer.id)
        raise OAuthError("invalid_grant", "the transaction code is wrong")


def _authorization_details(raw: str | None) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    try:
        details = loads_strict(raw)
    except JsonInputError:
        details = None
    if not isinstance(details, list) or not all(isinstance(d, dict) for d in details):
        raise OAuthError("invalid_request", "authorization_details must be a JSON array of "
                                            "objects")
    return [d for d in details if d.get("type") == "openid_credential"]


def _granted(offer: CredentialOfferRecord, details: list[dict[str, Any]] | None
             ) -> list[dict[str, Any]] | None:
    """RFC 9396 in the Token Response: one credential identifier per configuration asked
    for; the identifier is the configuration id (one credential dataset per offer)."""
    if details is None:
        return None
    granted = []
    for detail in details:
        config = detail.get("credential_configuration_id")
        if _offered(offer, config) is None:
            raise OAuthError("invalid_authorization_details",
                             f"credential_configuration_id {config!r} is not in this offer")
        granted.append({"type": "openid_credential", "credential_configuration_id": config,
                        "credential_identifiers": [config]})
    return granted


# --- Nonce Endpoint (section 7)

def new_nonce(services: Services) -> str:
    """A fresh c_nonce: unpredictable, single use, NONCE_LIFETIME long."""
    value = new_secret()
    with services.db.session_scope() as session:
        CredentialOfferRepository(session, clock=services.clock).add_nonce(
            value, expires=services.clock() + NONCE_LIFETIME)
    return value


# --- Credential Endpoint (section 8)

def _bearer(authorization: str | None) -> str:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise OAuthError.invalid_token("send the access token as Authorization: Bearer <token>")
    return value.strip()


def _offer_for_token(services: Services, access_token: str) -> CredentialOfferRecord:
    with services.db.session_scope(read_only=True) as session:
        offer = CredentialOfferRepository(session).by_token_hash(digest(access_token))
    if offer is None:
        raise OAuthError.invalid_token("the access token is not known")
    if offer.token_used_at is not None or offer.state is not OfferState.PENDING:
        raise OAuthError.invalid_token("the access token has already been used")
    if offer.token_expires is None or offer.token_expires <= services.clock():
        raise OAuthError.invalid_token("the access token has expired")
    return offer


def _request_body(raw: bytes) -> dict[str, Any]:
    try:
        body = loads_strict(raw) if raw else None
    except JsonInputError as error:
        raise OAuthError("invalid_credential_request",
                         f"the body is not JSON: {error.message}") from None
    if not isinstance(body, dict):
        raise OAuthError("invalid_credential_request", "the body must be a JSON object")
    return body


def _configuration(offer: CredentialOfferRecord, body: Mapping[str, Any]) -> str:
    """The configuration asked for: by ``credential_configuration_id`` or, after
    authorization_details, by ``credential_identifier``."""
    identifier, config = body.get("credential_identifier"), body.get("credential_configuration_id")
    if identifier is not None and config is not None:
        raise OAuthError("invalid_credential_request", "send credential_identifier or "
                                                       "credential_configuration_id, not both")
    if identifier is not None:
        offered = _offered(offer, identifier)
        if offered is None:
            raise OAuthError("unknown_credential_identifier",
                             "the credential_identifier is not known")
        return offered
    if config is None:
        raise OAuthError("invalid_credential_request", "credential_configuration_id is missing")
    if configuration_format(config) is None:
        raise OAuthError("unknown_credential_configuration",
                         "the credential_configuration_id is not one this issuer supports")
    offered = _offered(offer, config)
    if offered is None:
        raise OAuthError("invalid_credential_request",
                         f"{config} is not offered to this access token")
    return offered


def _offered(offer: CredentialOfferRecord, config: Any) -> str | None:
    """The offer's configuration ``config`` names: itself, or, for a generic id, the offer's
    per-achievement configuration of the same format (wallets and clients written before
    per-achievement configurations ask with the generic ids). None if not offered."""
    if not isinstance(config, str):
        return None
    if config in offer.configuration_ids:
        return config
    return next((c for c in offer.configuration_ids
                 if generic_configuration_id(c) == config), None)


def _proof_jwt(body: Mapping[str, Any]) -> Any:
    """The one ``jwt`` key proof: ``proofs`` (1.0), or the drafts' single ``proof``."""
    proofs, proof = body.get("proofs"), body.get("proof")
    if proofs is not None and proof is not None:
        raise OAuthError("invalid_credential_request", "send proofs or proof, not both")
    if proofs is None and proof is None:
        raise OAuthError("invalid_proof", "the request carries no proofs")
    if proof is not None:
        if not isinstance(proof, dict) or proof.get("proof_type") != "jwt":
            raise OAuthError("invalid_proof", "only the jwt proof type is supported")
        return proof.get("jwt")
    if not isinstance(proofs, dict) or len(proofs) != 1:
        raise OAuthError("invalid_proof", "proofs must hold exactly one proof type")
    if "jwt" not in proofs:
        raise OAuthError("invalid_proof", "only the jwt proof type is supported")
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or not jwts:
        raise OAuthError("invalid_proof", "proofs.jwt must be a non-empty array")
    if len(jwts) > 1:
        raise OAuthError("invalid_proof", "batch issuance is not supported: send one proof")
    return jwts[0]


def _spend(services: Services, offer: CredentialOfferRecord, *, access_token: str,
           nonce: str) -> str | None:
    """Spend the token and the nonce together; the one that could not be spent, or None."""
    with services.db.session_scope() as session:
        repo = CredentialOfferRepository(session, clock=services.clock)
        if not repo.use_token(offer.id, token_hash=digest(access_token)):
            failed = "token"
        elif not repo.use_nonce(nonce):
            failed = "nonce"
        else:
            return None
        session.rollback()
    return failed


def credential(services: Services, *, authorization: str | None, body: bytes
               ) -> dict[str, Any]:
    """Check the access token and the key proof; issue (or deliver) the offered credential
    bound to the proof's DID. The token and the nonce are spent; one credential per offer."""
    access_token = _bearer(authorization)
    offer = _offer_for_token(services, access_token)
    request = _request_body(body)
    config = _configuration(offer, request)
    endpoints = Endpoints(services.base_url)
    proof = verify_key_proof(_proof_jwt(request), audience=endpoints.credential_issuer,
                             now=services.clock(), max_age=PROOF_MAX_AGE, skew=PROOF_CLOCK_SKEW)
    failed = _spend(services, offer, access_token=access_token, nonce=proof.nonce)
    if failed == "token":
        raise OAuthError.invalid_token("the access token has already been used")
    if failed == "nonce":
        raise OAuthError("invalid_nonce", "the proof's nonce is unknown, used or expired: "
                                          "use the fresh c_nonce", c_nonce=new_nonce(services))
    try:
        record = deliver(services, offer, holder_did=proof.holder_did,
                         fmt=CredentialFormat(configuration_format(config)), channel="oid4vci")
    except BaseException:
        # Nothing was delivered: the wallet may try again with the same token.
        with services.db.session_scope() as session:
            CredentialOfferRepository(session, clock=services.clock).release_token(offer.id)
        raise
    return {"credentials": [{"credential": credential_wire(record)}]}
