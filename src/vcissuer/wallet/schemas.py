"""Request bodies of the LMS-facing offer API: camelCase on the wire, unknown fields refused."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, model_validator

from vcissuer.issuance.schemas import AssessmentIn, Body, Line
from vcissuer.wallet.metadata import DEFAULT_OFFER_LIFETIME, MAX_OFFER_LIFETIME

__all__ = ["OfferIn"]


class OfferIn(Body):
    """An offer of one credential to a learner's wallet."""

    assessment: AssessmentIn | None = Field(
        default=None, description="a ready-to-issue assessment record, checked now; the "
                                  "credential is issued when a wallet redeems the offer, bound "
                                  "to the wallet's DID")
    credential_id: Line | None = Field(
        default=None, max_length=100,
        description="a credential already issued: delivered exactly as issued")
    issue: Literal["on-redemption", "now"] = Field(
        default="on-redemption",
        description="with assessment: 'now' issues at once (to the recipient given) and "
                    "returns the credential with an offer of it")
    tx_code: StrictBool = Field(default=False,
                          description="require a 6-digit transaction code, returned once "
                                      "for the LMS to send the learner out of band")
    expires_in: int = Field(default=int(DEFAULT_OFFER_LIFETIME.total_seconds()), ge=60,
                            le=int(MAX_OFFER_LIFETIME.total_seconds()),
                            description="seconds the offer (and its pre-authorized code) "
                                        "stays redeemable")

    @model_validator(mode="after")
    def _exactly_one(self) -> OfferIn:
        if (self.assessment is None) == (self.credential_id is None):
            raise ValueError("give exactly one of assessment, credentialId")
        if self.credential_id is not None and self.issue != "on-redemption":
            raise ValueError("issue applies to an assessment only")
        return self
