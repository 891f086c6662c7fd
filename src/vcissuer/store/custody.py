"""Private keys wrapped under a key-encryption key: the database key backend's table.

The store only keeps the ciphertext; wrapping and unwrapping (AES-256-GCM, keys/wrap.py) happen
in the shell, with KEKs the database never sees. One row per key name, never deleted; a rewrap
replaces a row's KEK id, nonce and ciphertext together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import LargeBinary, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from vcissuer.store.enums import KeyStatus
from vcissuer.store.records import Base, IssuerKeyRecord
from vcissuer.store.repositories.base import Repository

__all__ = ["WrappedKeyRecord", "WrappedKeyRepository", "issuer_key_names"]


class WrappedKeyRecord(Base):
    """A private key (PKCS#8), encrypted under KEK ``kek_id``; ``key_name`` as in issuer_keys."""

    __tablename__ = "wrapped_keys"

    key_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(32))
    public_multibase: Mapped[str] = mapped_column(String(1024))
    kek_id: Mapped[str] = mapped_column(String(32), index=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[datetime]
    rewrapped: Mapped[datetime | None]


class WrappedKeyRepository(Repository):
    """Wrapped private keys by name."""

    def add(self, *, key_name: str, algorithm: str, public_multibase: str, kek_id: str,
            nonce: bytes, ciphertext: bytes) -> WrappedKeyRecord:
        """Insert a key; DuplicateError if the name is taken."""
        record = WrappedKeyRecord(key_name=key_name, algorithm=algorithm,
                                  public_multibase=public_multibase, kek_id=kek_id,
                                  nonce=nonce, ciphertext=ciphertext, created=self._now())
        self._add_unique(record, what=f"key {key_name!r}")
        return record

    def get(self, key_name: str) -> WrappedKeyRecord | None:
        return self.session.get(WrappedKeyRecord, key_name)

    def names(self) -> list[str]:
        return list(self.session.scalars(
            select(WrappedKeyRecord.key_name).order_by(WrappedKeyRecord.key_name)))

    def kek_ids(self) -> dict[str, int]:
        """How many keys each KEK id wraps."""
        rows = self.session.execute(
            select(WrappedKeyRecord.kek_id, func.count()).group_by(WrappedKeyRecord.kek_id))
        return {kek_id: count for kek_id, count in rows}

    def sample(self, kek_id: str) -> WrappedKeyRecord | None:
        """One key wrapped under ``kek_id`` (a start-up check decrypts it)."""
        return self.session.scalars(
            select(WrappedKeyRecord).where(WrappedKeyRecord.kek_id == kek_id)
            .order_by(WrappedKeyRecord.key_name).limit(1)).first()

    def not_under(self, kek_id: str, *, limit: int = 100) -> Sequence[WrappedKeyRecord]:
        """Keys wrapped under any other KEK than ``kek_id``, locked for a rewrap."""
        return self.session.scalars(
            select(WrappedKeyRecord).where(WrappedKeyRecord.kek_id != kek_id)
            .order_by(WrappedKeyRecord.key_name).limit(limit).with_for_update()).all()

    def replace_wrapping(self, key_name: str, *, old_kek_id: str, kek_id: str, nonce: bytes,
                         ciphertext: bytes) -> bool:
        """Swap in a new wrapping if the row is still under ``old_kek_id`` (False otherwise)."""
        result = self.session.execute(
            update(WrappedKeyRecord)
            .where(WrappedKeyRecord.key_name == key_name, WrappedKeyRecord.kek_id == old_kek_id)
            .values(kek_id=kek_id, nonce=nonce, ciphertext=ciphertext, rewrapped=self._now()))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def issuer_key_names(session: Session) -> list[tuple[str, str]]:
    """``(key_name, public_multibase)`` of every issuer key that can still sign or verify
    (compromised ones excepted), oldest first: what a move between backends carries."""
    rows = session.execute(
        select(IssuerKeyRecord.key_name, IssuerKeyRecord.public_multibase)
        .where(IssuerKeyRecord.status != KeyStatus.COMPROMISED)
        .order_by(IssuerKeyRecord.created, IssuerKeyRecord.id))
    return [(name, public) for name, public in rows]
