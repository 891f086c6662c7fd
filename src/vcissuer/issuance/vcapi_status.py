"""VC-API status: ``options.credentialStatus`` on issue, and ``POST /credentials/status``.

https://w3c-ccg.github.io/vc-api/#update-status — the caller names a credential (our id, its
URL, or the ``id`` it was issued with) and one status entry by purpose; ``status`` true sets
it. Revocation and suspension go through the same state changes, scopes and audit rows as
``/issuers/{slug}/credentials/{id}/revoke`` and friends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vcissuer.credentials.contexts import VC_V2
from vcissuer.issuance.access import REVOKE, Caller, authorize
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Conflict, FieldError, NotFound, Rejected
from vcissuer.issuance.schemas import VcApiStatusOption, VcApiStatusUpdateIn
from vcissuer.issuance.status import (
    StatusAssignment,
    StatusRequest,
    assignment_for,
    drop_revoked_endorsements,
)
from vcissuer.status.entries import StatusMessage
from vcissuer.store import (
    CredentialRepository,
    IssuerRecord,
    StatusAction,
    StatusListRepository,
    StatusPurpose,
    TransitionOutcome,
)

__all__ = ["attach_requested_status", "status_request", "update_credential_status",
           "vc_api_id"]

_OPTION = "options.credentialStatus"


def status_request(option: VcApiStatusOption) -> StatusRequest:
    """The entry asked for, checked against BSL §2.1; Rejected names the option's field."""
    purpose = StatusPurpose(option.status_purpose)
    errors: list[FieldError] = []
    size = option.status_size or 1
    messages: tuple[StatusMessage, ...] = ()
    if purpose is not StatusPurpose.MESSAGE:
        for name, value in (("statusSize", option.status_size),
                            ("statusMessage", option.status_message),
                            ("statusReference", option.status_reference)):
            if value is not None:
                errors.append(FieldError(f"{_OPTION}.{name}", "message-only",
                                         f"{name} is for statusPurpose 'message' only"))
    else:
        if option.status_message is not None:
            messages = tuple(StatusMessage(int(m.status, 16), m.message)
                             for m in option.status_message)
            if len(messages) != 1 << size:
                errors.append(FieldError(
                    f"{_OPTION}.statusMessage", "count",
                    f"statusMessage must have {1 << size} elements for statusSize {size}"))
            values = [m.status for m in messages]
            if len(set(values)) != len(values) or any(v >= 1 << size for v in values):
                errors.append(FieldError(
                    f"{_OPTION}.statusMessage", "values",
                    f"each status must be a distinct value below {1 << size:#x}"))
        elif size > 1:
            errors.append(FieldError(f"{_OPTION}.statusMessage", "required",
                                     "statusMessage is required when statusSize is above 1"))
    if errors:
        raise Rejected("the requested credentialStatus cannot be issued", errors=errors)
    reference = (option.status_reference,) if option.status_reference else ()
    return StatusRequest(purpose, size, messages, reference)


def attach_requested_status(services: Services, session: Any, issuer: IssuerRecord,
                            credential: dict[str, Any],
                            option: VcApiStatusOption | None) -> StatusAssignment | None:
    """Add the requested entry to ``credential`` (in place) from the issuer's lists.

    The index is allocated in the caller's write transaction (the VC-API flow holds one; the
    process reserve would open a second), so a credential that is not stored frees it too.
    """
    if option is None:
        return None
    request = status_request(option)
    errors = []
    if "credentialStatus" in credential:
        errors.append(FieldError(_OPTION, "conflict",
                                 "the credential already has a credentialStatus"))
    context = credential.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        errors.append(FieldError(_OPTION, "vc2-context",
                                 f"a BitstringStatusListEntry needs the {VC_V2} context"))
    if errors:
        raise Rejected("the requested credentialStatus cannot be issued", errors=errors)
    (slot,) = StatusListRepository(session, clock=services.clock).allocate(
        issuer_id=issuer.id, purpose=request.purpose, status_size=request.status_size)
    assignment = assignment_for(services, issuer, request, slot)
    credential["credentialStatus"] = assignment.entry
    return assignment


def vc_api_id(credential: Mapping[str, Any], options: Any) -> str | None:
    """What a VC-API caller will call the credential: ``options.credentialId``, else its id."""
    extra = getattr(options, "model_extra", None) or {}
    named = extra.get("credentialId", getattr(options, "credential_id", None))
    if not isinstance(named, str) or not named:
        named = credential.get("id")
    return named[:1000] if isinstance(named, str) and named else None


def _action(purpose: StatusPurpose, status: bool) -> StatusAction:
    if purpose is StatusPurpose.REVOCATION:
        return StatusAction.REVOKE
    return StatusAction.SUSPEND if status else StatusAction.REINSTATE


def update_credential_status(services: Services, body: VcApiStatusUpdateIn, *,
                             caller: Caller) -> dict[str, Any]:
    """Set or clear one status of a credential the caller's issuer issued."""
    purpose = StatusPurpose(body.credential_status.status_purpose)
    if isinstance(body.status, str) and purpose is not StatusPurpose.MESSAGE:
        raise Rejected("status must be a boolean", errors=[FieldError(
            "status", "boolean", "a hex status value is for statusPurpose 'message' only")])
    if purpose is StatusPurpose.REVOCATION and body.status is False:
        raise Rejected("revocation is final", errors=[FieldError(
            "status", "revocation-final", "a revocation status cannot be cleared")])
    reference = _local_id(services, body.credential_id)
    with services.db.session_scope() as session:
        repo = CredentialRepository(session, clock=services.clock)
        record = repo.find(reference, issuer_id=None if caller.is_admin else caller.issuer_id)
        if record is None:
            raise NotFound(f"no credential {body.credential_id} for this API key")
        authorize(caller, issuer_id=record.issuer_id, scope=REVOKE)
        _check_entry(record.signed, body)
        if purpose is StatusPurpose.MESSAGE:
            value = body.status if isinstance(body.status, bool) else int(body.status, 16)
            transition = repo.set_status_value(record.id, issuer_id=record.issuer_id,
                                               value=int(value), actor=caller.client_id)
        else:
            transition = repo.change_state(
                [record.id], issuer_id=record.issuer_id, action=_action(purpose, body.status),
                actor=caller.client_id, details={"via": "vc-api"})[0]
            drop_revoked_endorsements(services, session, [transition])
    if transition.outcome == TransitionOutcome.NOT_ALLOWED:
        raise Conflict(f"cannot change this status: {transition.detail}")
    return {"credentialId": body.credential_id, "id": record.id,
            "outcome": str(transition.outcome),
            "state": str(transition.state) if transition.state else None}


def _local_id(services: Services, credential_id: str) -> str:
    """Our record id when the caller names the credential by its URL here."""
    prefix = f"{services.base_url}/credentials/"
    return credential_id.removeprefix(prefix) if credential_id.startswith(prefix) \
        else credential_id


def _check_entry(signed: str, body: VcApiStatusUpdateIn) -> None:
    """When the caller names the entry (id, list, index), it must be the credential's."""
    ref = body.credential_status
    try:
        document = json.loads(signed)
    except ValueError:  # a VC-JWT: the entry is checked by purpose only
        return
    entries = document.get("credentialStatus") if isinstance(document, Mapping) else None
    items = entries if isinstance(entries, list) else [entries] if entries else []
    for name, value in (("id", ref.id), ("statusListCredential", ref.status_list_credential),
                        ("statusListIndex", ref.status_list_index)):
        if value is not None and not any(isinstance(i, Mapping) and i.get(name) == value
                                         for i in items):
            raise Rejected("the credential has no such status entry", errors=[FieldError(
                f"credentialStatus.{name}", "no-such-entry",
                f"the credential has no status entry with {name} {value!r}")])
