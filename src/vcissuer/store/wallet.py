"""Wallet delivery state: credential offers (OpenID4VCI and VC-API exchanges) and nonces.

Every secret a wallet presents (pre-authorized code, access token, the offer reference in its
URLs) is kept only as a SHA-256 digest; the transaction code as an HMAC made by the shell. Every
"use once" is a conditional UPDATE decided by the database, so two workers (or two requests
racing on one worker) can never both redeem the same code, token, nonce or challenge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from vcissuer.store.records import ID, Base, _enum, new_id
from vcissuer.store.repositories.base import Repository

__all__ = [
    "CredentialOfferRecord",
    "CredentialOfferRepository",
    "OfferKind",
    "OfferState",
    "WalletNonceRecord",
]

# Expired nonces are deleted an hour after they expire (kept that long for diagnosis only).
_NONCE_GRACE = timedelta(hours=1)


class OfferKind(StrEnum):
    """What an offer delivers: a credential issued on redemption, or one already issued."""

    ASSESSMENT = "assessment"
    CREDENTIAL = "credential"


class OfferState(StrEnum):
    """``pending`` until a wallet receives the credential; a newer offer for the same
    assessment reference supersedes an older pending one. Expiry is read from ``expires``."""

    PENDING = "pending"
    REDEEMED = "redeemed"
    SUPERSEDED = "superseded"


class CredentialOfferRecord(Base):
    """One offer of one credential to one wallet, over OpenID4VCI or a VC-API exchange."""

    __tablename__ = "credential_offers"
    __table_args__ = (
        Index(None, "issuer_id", "assessment_ref"),
        Index(None, "issuer_id", "created", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind, "offer_kind"))
    state: Mapped[OfferState] = mapped_column(_enum(OfferState, "offer_state"),
                                              default=OfferState.PENDING)
    # The checked assessment record (kind "assessment"), issued when a wallet redeems.
    assessment: Mapped[dict[str, Any] | None]
    assessment_ref: Mapped[str | None] = mapped_column(String(255))
    # The credential delivered: set at creation (kind "credential") or on redemption.
    credential_id: Mapped[str | None] = mapped_column(ForeignKey("credentials.id"))
    configuration_ids: Mapped[list[str]]
    # SHA-256 of the reference in the offer's URLs and of the pre-authorized code.
    ref_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_hash: Mapped[str | None] = mapped_column(String(64))
    tx_code_failures: Mapped[int] = mapped_column(Integer, default=0)
    code_used_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires: Mapped[datetime | None]
    token_used_at: Mapped[datetime | None]
    # The live VC-API exchange challenge (one at a time), cleared when used.
    challenge: Mapped[str | None] = mapped_column(String(64))
    challenge_expires: Mapped[datetime | None]
    holder_did: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime]
    expires: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]


class WalletNonceRecord(Base):
    """A ``c_nonce`` from the OpenID4VCI Nonce Endpoint: unpredictable, short-lived, used once."""

    __tablename__ = "wallet_nonces"

    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    created: Mapped[datetime]
    expires: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class CredentialOfferRepository(Repository):
    """Offers, their one-time secrets and nonces; each ``use`` answers whether it won."""

    def add(self, record: CredentialOfferRecord) -> CredentialOfferRecord:
        self.session.add(record)
        self.session.flush()
        return record

    def supersede_pending(self, *, issuer_id: str, assessment_ref: str,
                          keep: str) -> int:
        """Retire the older pending offers for one assessment reference (a re-sent offer)."""
        result = self.session.execute(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.issuer_id == issuer_id,
                   CredentialOfferRecord.assessment_ref == assessment_ref,
                   CredentialOfferRecord.state == OfferState.PENDING,
                   CredentialOfferRecord.id != keep)
            .values(state=OfferState.SUPERSEDED)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def get(self, offer_id: str, *, issuer_id: str) -> CredentialOfferRecord | None:
        return self.session.scalars(
            select(CredentialOfferRecord).where(CredentialOfferRecord.id == offer_id,
                                                CredentialOfferRecord.issuer_id == issuer_id)
        ).one_or_none()

    def list(self, *, issuer_id: str, assessment_ref: str) -> Sequence[CredentialOfferRecord]:
        return self.session.scalars(
            select(CredentialOfferRecord)
            .where(CredentialOfferRecord.issuer_id == issuer_id,
                   CredentialOfferRecord.assessment_ref == assessment_ref)
            .order_by(CredentialOfferRecord.created, CredentialOfferRecord.id)
        ).all()

    def by_ref_hash(self, ref_hash: str) -> CredentialOfferRecord | None:
        return self._one(CredentialOfferRecord.ref_hash == ref_hash)

    def by_code_hash(self, code_hash: str) -> CredentialOfferRecord | None:
        return self._one(CredentialOfferRecord.code_hash == code_hash)

    def by_token_hash(self, token_hash: str) -> CredentialOfferRecord | None:
        return self._one(CredentialOfferRecord.token_hash == token_hash)

    def _one(self, condition: Any) -> CredentialOfferRecord | None:
        return self.session.scalars(select(CredentialOfferRecord).where(condition)).one_or_none()

    def _won(self, statement: Any) -> bool:
        return (self.session.execute(statement).rowcount or 0) == 1  # type: ignore[attr-defined]

    def use_code(self, offer_id: str, *, token_hash: str, token_expires: datetime) -> bool:
        """Redeem the pre-authorized code for an access token, once, before the offer expires."""
        now = self._now()
        return self._won(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id,
                   CredentialOfferRecord.state == OfferState.PENDING,
                   CredentialOfferRecord.code_used_at.is_(None),
                   CredentialOfferRecord.expires > now)
            .values(code_used_at=now, token_hash=token_hash, token_expires=token_expires)
        )

    def count_tx_code_failure(self, offer_id: str) -> None:
        self.session.execute(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id)
            .values(tx_code_failures=CredentialOfferRecord.tx_code_failures + 1)
        )

    def revoke_token(self, offer_id: str) -> None:
        """End an unused access token now (its code was replayed: RFC 9700 section 4.5)."""
        self.session.execute(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id,
                   CredentialOfferRecord.token_used_at.is_(None))
            .values(token_expires=self._now())
        )

    def use_token(self, offer_id: str, *, token_hash: str) -> bool:
        """Spend the access token on one credential request (unused, unexpired, offer pending)."""
        now = self._now()
        return self._won(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id,
                   CredentialOfferRecord.token_hash == token_hash,
                   CredentialOfferRecord.token_used_at.is_(None),
                   CredentialOfferRecord.token_expires > now,
                   CredentialOfferRecord.state == OfferState.PENDING)
            .values(token_used_at=now)
        )

    def release_token(self, offer_id: str) -> None:
        """Give a spent token back when issuing failed before anything was delivered."""
        self.session.execute(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id,
                   CredentialOfferRecord.state == OfferState.PENDING)
            .values(token_used_at=None)
        )

    def set_challenge(self, offer_id: str, *, challenge: str, expires: datetime) -> bool:
        """Start (or restart) the offer's exchange with a fresh challenge."""
        now = self._now()
        return self._won(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id,
                   CredentialOfferRecord.state == OfferState.PENDING,
                   CredentialOfferRecord.expires > now)
            .values(challenge=challenge, challenge_expires=expires)
        )

    def use_challenge(self, offer_id: str, *, challenge: str) -> bool:
        """Spend the exchange's live challenge, once, before it expires."""
        now = self._now()
        return self._won(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id,
                   CredentialOfferRecord.state == OfferState.PENDING,
                   CredentialOfferRecord.challenge == challenge,
                   CredentialOfferRecord.challenge_expires > now)
            .values(challenge=None, challenge_expires=None)
        )

    def mark_redeemed(self, offer_id: str, *, credential_id: str, holder_did: str | None,
                      channel: str) -> bool:
        """Close a pending offer with the credential delivered; False if it was closed first."""
        return self._won(
            update(CredentialOfferRecord)
            .where(CredentialOfferRecord.id == offer_id,
                   CredentialOfferRecord.state == OfferState.PENDING)
            .values(state=OfferState.REDEEMED, credential_id=credential_id,
                    holder_did=holder_did, channel=channel, redeemed_at=self._now())
        )

    # --- c_nonce values

    def add_nonce(self, value: str, *, expires: datetime) -> None:
        now = self._now()
        # Nonces are ephemeral (not business records): drop those long dead as new ones come.
        self.session.execute(delete(WalletNonceRecord)
                             .where(WalletNonceRecord.expires < now - _NONCE_GRACE))
        self.session.add(WalletNonceRecord(value=value, created=now, expires=expires))
        self.session.flush()

    def use_nonce(self, value: str) -> bool:
        """Spend a c_nonce: known, unused and unexpired, or False."""
        now = self._now()
        return self._won(
            update(WalletNonceRecord)
            .where(WalletNonceRecord.value == value,
                   WalletNonceRecord.used_at.is_(None),
                   WalletNonceRecord.expires > now)
            .values(used_at=now)
        )
