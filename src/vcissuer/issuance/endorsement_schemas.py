"""Request bodies of the endorsement routes (camelCase on the wire, unknown fields refused)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from vcissuer.issuance.schemas import Body, Line, ShortText, Text, require_timezone

__all__ = ["EndorsementImportIn", "EndorsementIn", "EndorsementSubjectIn"]

# An absolute IRI (https:, did:, urn: ...): JSON-LD would resolve anything else against a base.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


class EndorsementSubjectIn(Body):
    """OB 3.0 EndorsementSubject: what is endorsed and what the endorser says of it."""

    id: Annotated[Line, Field(min_length=1, max_length=1000)] = Field(
        description="the endorsed entity: an achievement URL or an issuer's Profile id (its "
                    "DID), of this service or of anyone")
    endorsement_comment: Text | None = Field(
        default=None, description="the endorser's statement (Markdown)")

    @field_validator("id")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not _ABSOLUTE_IRI.match(value):
            raise PydanticCustomError("absolute-iri",
                                      "must be an absolute IRI (https://..., did:...)")
        return value


class EndorsementIn(Body):
    """An EndorsementCredential to issue, signed by the endorser's key."""

    name: ShortText = Field(description="the endorsement's name (required by OB 3.0)")
    description: Text | None = None
    endorsement_subject: EndorsementSubjectIn
    valid_from: datetime | None = Field(default=None, description="default: now")
    valid_until: datetime | None = None

    _timezone = field_validator("valid_from", "valid_until")(
        classmethod(lambda cls, value, info: require_timezone(value, info)))

    @field_validator("valid_until")
    @classmethod
    def _after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value <= start:
            raise PydanticCustomError("date-order", "validUntil must be later than validFrom")
        return value


# OB 3.0 CompactJws (the pattern of its JSON Schemas' ``endorsementJwt`` items).
CompactJws = Annotated[str, Field(pattern=r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$",
                                  max_length=1_000_000)]


class EndorsementImportIn(Body):
    """An EndorsementCredential signed elsewhere: JSON-LD with an embedded proof (published in
    ``endorsement``), or a VC-JWT (published in ``endorsementJwt``)."""

    endorsement: dict[str, Any] | CompactJws = Field(
        description="the signed EndorsementCredential whose credentialSubject.id is one of "
                    "this issuer's achievements, or the issuer itself: an object, or a VC-JWT "
                    "compact JWS")
