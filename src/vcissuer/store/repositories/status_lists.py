"""Bitstring status lists: random index allocation decided by the database, bit changes, and
the cached signed list credential.

Allocation holds the issuer row lock (FOR NO KEY UPDATE on PostgreSQL; SQLite's write lock),
so per issuer one allocation runs at a time across all workers; the primary key of
``status_list_indices`` refuses a repeated index even if that reasoning were ever wrong.
Allocate a whole batch in one call, in its own short transaction before signing.

Shadow bits: a list of N entries of 2 or more bits whose purpose fails any non-zero value
(revocation, suspension) is made with ``shadow`` set. Its credentials get indices in
[N/2, N) only; whenever entry i's value is written, bit *position* i is also set to whether
the value is non-zero. A reader that ignores ``statusSize`` and reads the one bit at
``statusListIndex`` (as @digitalbazaar/vc-bitstring-status-list 2.0.1 does) then sees a
suspended or revoked credential as set. Bit position i (N/2 <= i < N) lies in entry
floor(i / statusSize) < N/2, which no credential is ever given, and the credentials' own bits
(positions from N/2 x statusSize >= N on) never overlap the shadow bits (below N). Such a
list holds N/2 credentials. docs/DESIGN.md, status entries.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session, defer

from vcissuer.clock import Clock, system_clock
from vcissuer.store.enums import StatusPurpose
from vcissuer.store.errors import NotFoundError
from vcissuer.store.records import (
    MIN_STATUS_LIST_SIZE,
    StatusIndexRecord,
    StatusListRecord,
    new_id,
)
from vcissuer.store.repositories.base import Repository, lock_issuer

__all__ = ["StatusKind", "StatusListRepository", "StatusSlot", "apply_bits", "capacity",
           "first_index", "get_bit", "get_status", "uses_shadow_bits"]

# Keep IN (...) lists well under every driver's parameter limit.
_CHUNK = 500
# Past this many guesses for one round, read the taken indices instead of guessing.
_MAX_GUESSES = 4096


class StatusKind(NamedTuple):
    """Which lists an entry comes from: a purpose and the bits per entry (``statusSize``)."""

    purpose: StatusPurpose
    status_size: int = 1


def uses_shadow_bits(purpose: StatusPurpose, status_size: int) -> bool:
    """Whether a new list of ``purpose`` and ``status_size`` bits per entry gets shadow bits:
    multi-bit lists of a purpose whose every non-zero value fails a credential."""
    return status_size > 1 and purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)


def first_index(status_list: StatusListRecord) -> int:
    """The lowest index a credential may be given on ``status_list``."""
    return status_list.size // 2 if status_list.shadow else 0


def capacity(status_list: StatusListRecord) -> int:
    """How many credentials ``status_list`` holds (half its entries with shadow bits)."""
    return status_list.size - first_index(status_list)


@dataclass(frozen=True, slots=True)
class StatusSlot:
    """An allocated position: what a ``BitstringStatusListEntry`` points at."""

    status_list_id: str
    status_index: int
    purpose: StatusPurpose
    status_size: int = 1


class StatusListRepository(Repository):
    """Status lists of issuers. ``list_size`` and ``rng`` are for tests; production uses the
    defaults (the spec's minimum size, and an unpredictable generator for herd privacy)."""

    def __init__(
        self,
        session: Session,
        *,
        clock: Clock = system_clock,
        list_size: int = MIN_STATUS_LIST_SIZE,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(session, clock=clock)
        if list_size < 8 or list_size % 8:
            raise ValueError("list_size must be a positive multiple of 8")
        self._list_size = list_size
        self._rng = rng or random.SystemRandom()

    def allocate(
        self, *, issuer_id: str, purpose: StatusPurpose, count: int = 1, status_size: int = 1
    ) -> list[StatusSlot]:
        """``count`` unused indices, random within the issuer's open list of ``purpose`` and
        ``status_size`` bits per entry; a new list when it fills. Never returns an index twice,
        across all workers and all time."""
        if count < 1:
            raise ValueError("count must be at least 1")
        if not 1 <= status_size <= 8:
            raise ValueError("status_size must be from 1 to 8 bits")
        lock_issuer(self.session, issuer_id)
        slots: list[StatusSlot] = []
        while len(slots) < count:
            status_list = self._open_list(issuer_id=issuer_id, purpose=purpose,
                                          status_size=status_size)
            take = min(count - len(slots), capacity(status_list) - status_list.allocated)
            indices = self._pick_free(status_list, take)
            now = self._now()
            self.session.execute(
                insert(StatusIndexRecord),
                [
                    {"status_list_id": status_list.id, "status_index": index, "allocated_at": now}
                    for index in indices
                ],
            )
            status_list.allocated += take
            status_list.updated = now
            self.session.flush()
            slots.extend(StatusSlot(status_list.id, index, purpose, status_size)
                         for index in indices)
        return slots

    def _open_list(self, *, issuer_id: str, purpose: StatusPurpose,
                   status_size: int) -> StatusListRecord:
        shadow = uses_shadow_bits(purpose, status_size)
        # Lists made before shadow bits keep their credentials but get no new ones.
        room = (StatusListRecord.allocated * 2 < StatusListRecord.size if shadow
                else StatusListRecord.allocated < StatusListRecord.size)
        status_list = self.session.scalars(
            select(StatusListRecord)
            .options(defer(StatusListRecord.bitstring), defer(StatusListRecord.signed_credential))
            .where(
                StatusListRecord.issuer_id == issuer_id,
                StatusListRecord.purpose == purpose,
                StatusListRecord.status_size == status_size,
                StatusListRecord.shadow.is_(shadow),
                room,
            )
            .order_by(StatusListRecord.created, StatusListRecord.id)
            .limit(1)
            .with_for_update(key_share=True)
            # A copy loaded earlier in this session must not hide what the lock now shows.
            .execution_options(populate_existing=True)
        ).first()
        if status_list is not None:
            return status_list
        now = self._now()
        status_list = StatusListRecord(
            id=new_id(),
            issuer_id=issuer_id,
            purpose=purpose,
            size=self._list_size,
            status_size=status_size,
            shadow=shadow,
            allocated=0,
            # The herd-privacy minimum counts entries: size entries of status_size bits each.
            bitstring=bytes(self._list_size * status_size // 8),
            version=0,
            created=now,
            updated=now,
        )
        self.session.add(status_list)
        self.session.flush()
        return status_list

    def _pick_free(self, status_list: StatusListRecord, count: int) -> list[int]:
        """``count`` random indices of ``status_list`` not given out yet.

        Guess and check the guesses against the database while the list is sparse enough for
        that to be cheap; read every taken index only when it is nearly full.
        """
        first = first_index(status_list)
        span = status_list.size - first
        free = span - status_list.allocated
        if free < count:
            raise RuntimeError("status list has fewer free indices than requested")
        chosen: list[int] = []
        while len(chosen) < count:
            wanted = count - len(chosen)
            # Enough guesses that, at this fill level, most rounds need no retry.
            guesses = math.ceil(wanted * span / (free - len(chosen)) * 1.25) + 8
            if guesses > min(_MAX_GUESSES, span // 2):
                taken = set(self._taken(status_list.id, None)).union(chosen)
                unused = [index for index in range(first, status_list.size)
                          if index not in taken]
                return chosen + self._rng.sample(unused, wanted)
            candidates = set(self._rng.sample(range(first, status_list.size), guesses))
            candidates.difference_update(chosen)
            candidates.difference_update(self._taken(status_list.id, candidates))
            fresh = sorted(candidates)
            self._rng.shuffle(fresh)
            chosen.extend(fresh[:wanted])
        return chosen

    def _taken(self, status_list_id: str, among: Iterable[int] | None) -> list[int]:
        """Indices of the list already given out (only those ``among`` candidates, if given)."""
        query = select(StatusIndexRecord.status_index).where(
            StatusIndexRecord.status_list_id == status_list_id
        )
        if among is None:
            return list(self.session.scalars(query))
        candidates = list(among)
        taken: list[int] = []
        for start in range(0, len(candidates), _CHUNK):
            chunk = candidates[start:start + _CHUNK]
            taken.extend(self.session.scalars(
                query.where(StatusIndexRecord.status_index.in_(chunk))
            ))
        return taken

    def get(self, status_list_id: str, *, issuer_id: str) -> StatusListRecord | None:
        """The issuer's list, or None (also when it belongs to another issuer)."""
        return self.session.scalars(
            select(StatusListRecord).where(
                StatusListRecord.id == status_list_id, StatusListRecord.issuer_id == issuer_id
            )
        ).one_or_none()

    def list(
        self, *, issuer_id: str, purpose: StatusPurpose | None = None
    ) -> Sequence[StatusListRecord]:
        """The issuer's lists, oldest first (bitstrings not loaded until read)."""
        query = (
            select(StatusListRecord)
            .options(defer(StatusListRecord.bitstring), defer(StatusListRecord.signed_credential))
            .where(StatusListRecord.issuer_id == issuer_id)
            .order_by(StatusListRecord.created, StatusListRecord.id)
        )
        if purpose is not None:
            query = query.where(StatusListRecord.purpose == purpose)
        return self.session.scalars(query).all()

    def allocated_indices(self, status_list_id: str, *, issuer_id: str) -> list[int]:
        """Every index given out from the issuer's list, ascending."""
        if self.get(status_list_id, issuer_id=issuer_id) is None:
            raise NotFoundError(f"no status list {status_list_id}")
        return sorted(self._taken(status_list_id, None))

    def set_bits(
        self, changes: Mapping[str, Mapping[int, int]], *, issuer_id: str
    ) -> set[str]:
        """Set statuses ``{list id: {index: value}}`` (a bool on 1-bit lists); returns the ids
        of lists that changed (their ``version`` went up, so their signed copies are stale)."""
        return apply_bits(self.session, changes, issuer_id=issuer_id, now=self._now())

    def save_signed(
        self,
        status_list_id: str,
        *,
        issuer_id: str,
        signed: str,
        version: int,
        valid_until: datetime,
        etag: str,
    ) -> bool:
        """Keep a list credential signed over bitstring ``version``, unless a newer one (a later
        version, or the same version valid for longer) is already kept. True if stored.

        No lock needed: the condition makes concurrent publishers converge on the newest.
        """
        result = self.session.execute(
            update(StatusListRecord)
            .where(
                StatusListRecord.id == status_list_id,
                StatusListRecord.issuer_id == issuer_id,
                StatusListRecord.version >= version,
                or_(
                    StatusListRecord.signed_version.is_(None),
                    StatusListRecord.signed_version < version,
                    (StatusListRecord.signed_version == version)
                    & (StatusListRecord.signed_valid_until < valid_until),
                ),
            )
            .values(
                signed_credential=signed,
                signed_version=version,
                signed_valid_until=valid_until,
                etag=etag,
                updated=self._now(),
            )
            # Refresh a copy of the row already loaded in this session.
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def get_bit(bitstring: bytes, index: int) -> bool:
    """Bit ``index``; index 0 is the most significant bit of the first byte (the spec's order)."""
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def get_status(bitstring: bytes, index: int, status_size: int = 1) -> int:
    """The ``status_size``-bit value of entry ``index`` (bits index*size on, MSB first)."""
    value = 0
    for position in range(index * status_size, (index + 1) * status_size):
        value = (value << 1) | get_bit(bitstring, position)
    return value


def _put_bit(bits: bytearray, position: int, bit: int | bool) -> None:
    """Set or clear bit ``position`` (the spec's order: MSB of the first byte is 0)."""
    mask = 0x80 >> (position % 8)
    before = bits[position // 8]
    bits[position // 8] = before | mask if bit else before & ~mask & 0xFF


def apply_bits(
    session: Session,
    changes: Mapping[str, Mapping[int, int]],
    *,
    issuer_id: str,
    now: datetime,
) -> set[str]:
    """Write status changes ``{list id: {index: value}}`` to the issuer's lists under their
    row locks (taken in id order, so concurrent batches cannot deadlock); each value fills the
    list's ``status_size`` bits of its entry, and on a shadow-bit list also sets bit position
    ``index`` to whether the value is non-zero (the module's docstring). Bump ``version`` of
    each list that changed."""
    list_ids = sorted(list_id for list_id, bits in changes.items() if bits)
    if not list_ids:
        return set()
    locked = {
        status_list.id: status_list
        for status_list in session.scalars(
            select(StatusListRecord)
            .where(StatusListRecord.id.in_(list_ids), StatusListRecord.issuer_id == issuer_id)
            .order_by(StatusListRecord.id)
            .with_for_update(key_share=True)
            # A copy loaded earlier in this session must not hide what the lock now shows.
            .execution_options(populate_existing=True)
        )
    }
    missing = set(list_ids) - locked.keys()
    if missing:
        raise NotFoundError(f"no status list {sorted(missing)[0]}")
    changed: set[str] = set()
    for list_id in list_ids:
        status_list = locked[list_id]
        bits = bytearray(status_list.bitstring)
        size = status_list.status_size
        first = first_index(status_list)
        for index, value in changes[list_id].items():
            if not first <= index < status_list.size:
                raise ValueError(f"index {index} is outside status list {list_id}")
            if not 0 <= int(value) < 1 << size:
                raise ValueError(f"status {value} does not fit in {size} bits")
            for offset in range(size):
                _put_bit(bits, index * size + offset, (int(value) >> (size - 1 - offset)) & 1)
            if status_list.shadow:
                _put_bit(bits, index, int(value) != 0)
        if bytes(bits) != status_list.bitstring:
            status_list.bitstring = bytes(bits)
            status_list.version += 1
            status_list.updated = now
            changed.add(list_id)
    session.flush()
    return changed
