"""Qualification pathways: definitions (revised, never overwritten), awards (one per pathway
and learner, decided by a unique constraint), their constituents and events, and
recognitions of prior learning (another provider's credential with its verification report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from vcissuer.store.errors import DuplicateError
from vcissuer.store.pagination import DEFAULT_PAGE_SIZE, Page, fetch_page
from vcissuer.store.records import (
    ID,
    AchievementRecord,
    Base,
    CredentialLookupRecord,
    CredentialRecord,
    new_id,
)
from vcissuer.store.repositories.base import Repository

__all__ = [
    "AwardEventRecord",
    "AwardRecord",
    "AwardState",
    "HeldRow",
    "PathwayRecord",
    "PathwayRepository",
    "PathwayRevisionRecord",
    "RecognitionRecord",
    "note_constituent_changes",
]

_CHUNK = 500


class AwardState(StrEnum):
    """``awarded``; ``review`` once a constituent was revoked or suspended (until the issuer
    decides); ``revoked`` when the issuer revoked the qualification."""

    AWARDED = "awarded"
    REVIEW = "review"
    REVOKED = "revoked"


class PathwayRecord(Base):
    """A stackable qualification of an issuer: its target achievement and the current rules
    (every revision is kept in ``pathway_revisions``)."""

    __tablename__ = "pathways"
    __table_args__ = (Index(None, "issuer_id", "created", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    target_achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"))
    name: Mapped[str] = mapped_column(String(500))
    rules: Mapped[dict[str, Any]]
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created: Mapped[datetime]
    updated: Mapped[datetime]


class PathwayRevisionRecord(Base):
    """One revision of a pathway's rules, as defined (append-only)."""

    __tablename__ = "pathway_revisions"

    pathway_id: Mapped[str] = mapped_column(ForeignKey("pathways.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    rules: Mapped[dict[str, Any]]
    created: Mapped[datetime]


class AwardRecord(Base):
    """The qualification awarded to one learner (by recipient lookup hash) for one pathway."""

    __tablename__ = "pathway_awards"
    __table_args__ = (UniqueConstraint("pathway_id", "learner_hash"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    pathway_id: Mapped[str] = mapped_column(ForeignKey("pathways.id"))
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    learner_hash: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), default=AwardState.AWARDED.value)
    # The qualification (an AchievementCredential of the target achievement).
    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"))
    # The learner's CLR 2.0 record of it, when one is issued.
    clr_credential_id: Mapped[str | None] = mapped_column(ForeignKey("credentials.id"))
    pathway_revision: Mapped[int] = mapped_column(Integer)
    # Credential URLs that count (own and recognised), and the evaluation that awarded it.
    constituents: Mapped[list[str]]
    evaluation: Mapped[dict[str, Any]]
    created: Mapped[datetime]
    updated: Mapped[datetime]


class AwardConstituentRecord(Base):
    """An own credential counted in an award, so a change of its state finds the award."""

    __tablename__ = "pathway_award_constituents"

    award_id: Mapped[str] = mapped_column(ForeignKey("pathway_awards.id"), primary_key=True)
    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"), primary_key=True,
                                               index=True)


class AwardEventRecord(Base):
    """What happened to an award after it was made (append-only): a constituent revoked,
    suspended or reinstated; the issuer keeping, revoking or re-awarding it."""

    __tablename__ = "pathway_award_events"
    __table_args__ = (Index(None, "award_id", "at", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    award_id: Mapped[str] = mapped_column(ForeignKey("pathway_awards.id"))
    kind: Mapped[str] = mapped_column(String(32))
    credential_id: Mapped[str | None] = mapped_column(String(36))
    actor: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RecognitionRecord(Base):
    """Another provider's credential submitted for a learner (recognition of prior learning),
    exactly as submitted, with the verification report made when it was received."""

    __tablename__ = "pathway_recognitions"
    __table_args__ = (Index(None, "pathway_id", "learner_hash"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    pathway_id: Mapped[str] = mapped_column(ForeignKey("pathways.id"))
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    learner_hash: Mapped[str] = mapped_column(String(128))
    credential: Mapped[str] = mapped_column(Text)
    credential_issuer: Mapped[str | None] = mapped_column(Text)
    achievement_id: Mapped[str | None] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean)
    report: Mapped[dict[str, Any]]
    created: Mapped[datetime]


_C = CredentialRecord.__table__.c
_L = CredentialLookupRecord.__table__.c
# ``state`` as stored (text): no enum round trip per row.
_HELD_COLUMNS = (_C.id, _C.achievement_id, type_coerce(_C.state, String), _C.valid_until)
# Built once (see repositories/base.py on hot-path statements): a progress read runs these.
_HELD_DIRECT = (select(*_HELD_COLUMNS)
                .where(_C.issuer_id == bindparam("issuer_id"),
                       _C.recipient_hash.in_(bindparam("hashes", expanding=True)),
                       _C.achievement_id.is_not(None))
                .order_by(_C.created.desc()).limit(bindparam("limit")))
_HELD_FURTHER = (select(*_HELD_COLUMNS).join(CredentialLookupRecord.__table__,
                                             _L.credential_id == _C.id)
                 .where(_L.issuer_id == bindparam("issuer_id"),
                        _L.lookup_hash.in_(bindparam("hashes", expanding=True)),
                        _C.achievement_id.is_not(None))
                 .order_by(_C.created.desc()).limit(bindparam("limit")))


class HeldRow(NamedTuple):
    """What the rules read of a stored credential besides its signed text."""

    id: str
    achievement_id: str
    state: str
    valid_until: datetime | None


_PATHWAY = select(PathwayRecord).where(PathwayRecord.id == bindparam("id"),
                                       PathwayRecord.issuer_id == bindparam("issuer_id"))
_AWARD_FOR = select(AwardRecord).where(
    AwardRecord.pathway_id == bindparam("pathway_id"),
    AwardRecord.learner_hash.in_(bindparam("hashes", expanding=True))).limit(1)


_AWARDS_HOLDING = select(AwardRecord).where(
    AwardRecord.pathway_id == bindparam("pathway_id"),
    AwardRecord.id.in_(select(AwardConstituentRecord.award_id).where(
        AwardConstituentRecord.credential_id.in_(bindparam("ids", expanding=True)))))


class PathwayRepository(Repository):
    """Pathways, awards and recognitions of an issuer."""

    def create(self, *, issuer_id: str, target_achievement_id: str, name: str,
               rules: Mapping[str, Any], members: Sequence[str]) -> PathwayRecord:
        """A new pathway (revision 1); ``members``: the issuer's achievements whose
        credentials it counts, flagged so issuing them checks the pathway."""
        now = self._now()
        record = PathwayRecord(id=new_id(), issuer_id=issuer_id,
                               target_achievement_id=target_achievement_id, name=name,
                               rules=dict(rules), revision=1, created=now, updated=now)
        self.session.add(record)
        self.session.flush()
        self.session.add(PathwayRevisionRecord(pathway_id=record.id, revision=1,
                                               rules=dict(rules), created=now))
        self.flag_members(issuer_id, members)
        self.session.flush()
        return record

    def revise(self, record: PathwayRecord, *, name: str, rules: Mapping[str, Any],
               members: Sequence[str]) -> PathwayRecord:
        """The pathway's next revision (every earlier one stays in ``pathway_revisions``)."""
        now = self._now()
        record.name = name
        record.rules = dict(rules)
        record.revision += 1
        record.updated = now
        self.session.add(PathwayRevisionRecord(pathway_id=record.id, revision=record.revision,
                                               rules=dict(rules), created=now))
        self.flag_members(record.issuer_id, members)
        self.session.flush()
        return record

    def revisions(self, pathway_id: str) -> list[PathwayRevisionRecord]:
        return list(self.session.scalars(select(PathwayRevisionRecord).where(
            PathwayRevisionRecord.pathway_id == pathway_id)
            .order_by(PathwayRevisionRecord.revision)))

    def flag_members(self, issuer_id: str, achievement_ids: Sequence[str]) -> None:
        if achievement_ids:
            self.session.execute(
                update(AchievementRecord)
                .where(AchievementRecord.issuer_id == issuer_id,
                       AchievementRecord.id.in_(list(achievement_ids)))
                .values(in_pathway=True))

    def get(self, pathway_id: str, *, issuer_id: str) -> PathwayRecord | None:
        return self.session.scalars(_PATHWAY, {"id": pathway_id, "issuer_id": issuer_id}
                                    ).one_or_none()

    def all(self, *, issuer_id: str) -> list[PathwayRecord]:
        return list(self.session.scalars(select(PathwayRecord).where(
            PathwayRecord.issuer_id == issuer_id).order_by(PathwayRecord.created)))

    def list(self, *, issuer_id: str, limit: int = DEFAULT_PAGE_SIZE,
             after: str | None = None) -> Page[PathwayRecord]:
        return fetch_page(self.session,
                          select(PathwayRecord).where(PathwayRecord.issuer_id == issuer_id),
                          created=PathwayRecord.created, row_id=PathwayRecord.id,
                          limit=limit, after=after)

    def held(self, *, issuer_id: str, hashes: Sequence[str], limit: int) -> list[HeldRow]:
        """The issuer's credentials of a learner (any of the lookup ``hashes``), newest first,
        at most ``limit``: the columns the rules need, not the signed text. Two index seeks
        (the first identifier's hash on the credential, further ones in credential_lookups)
        rather than one OR, which a planner may answer by scanning the issuer's credentials."""
        values = {"issuer_id": issuer_id, "hashes": list(hashes), "limit": limit}
        rows = {row[0]: HeldRow(*row) for row in self.session.execute(_HELD_DIRECT, values)}
        for row in self.session.execute(_HELD_FURTHER, values):  # usually none
            rows.setdefault(row[0], HeldRow(*row))
        return list(rows.values())[:limit]

    def signed(self, credential_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """``id -> (format, signed text)`` of these credentials."""
        table = CredentialRecord.__table__
        found: dict[str, tuple[str, str]] = {}
        unique = list(dict.fromkeys(credential_ids))
        for start in range(0, len(unique), _CHUNK):
            for row in self.session.execute(
                    select(table.c.id, table.c.format, table.c.signed)
                    .where(table.c.id.in_(unique[start:start + _CHUNK]))):
                found[row.id] = (str(row.format), row.signed)
        return found

    def achievements(self, ids: Sequence[str]) -> dict[str, AchievementRecord]:
        if not ids:
            return {}
        return {r.id: r for r in self.session.scalars(
            select(AchievementRecord).where(AchievementRecord.id.in_(list(set(ids)))))}

    # --- awards ---------------------------------------------------------------------------

    def award_for(self, pathway_id: str, learner_hashes: Sequence[str]) -> AwardRecord | None:
        return self.session.scalars(_AWARD_FOR, {"pathway_id": pathway_id,
                                                 "hashes": list(learner_hashes)}).first()

    def award(self, award_id: str, *, pathway_id: str) -> AwardRecord | None:
        return self.session.scalars(select(AwardRecord).where(
            AwardRecord.id == award_id, AwardRecord.pathway_id == pathway_id)).one_or_none()

    def awards_holding(self, pathway_id: str, credential_ids: Sequence[str]) -> list[AwardRecord]:
        """Awards of the pathway that count any of these own credentials."""
        if not credential_ids:
            return []
        return list(self.session.scalars(_AWARDS_HOLDING, {"pathway_id": pathway_id,
                                                           "ids": list(credential_ids)}))

    def insert_award(self, *, pathway: PathwayRecord, learner_hash: str, credential_id: str,
                     own: Sequence[str], constituents: Sequence[str],
                     evaluation: Mapping[str, Any]) -> AwardRecord:
        """Record an award; DuplicateError when the learner has one for this pathway (a
        concurrent award won: the unique constraint decides)."""
        now = self._now()
        record = AwardRecord(id=new_id(), pathway_id=pathway.id, issuer_id=pathway.issuer_id,
                             learner_hash=learner_hash, state=AwardState.AWARDED.value,
                             credential_id=credential_id, pathway_revision=pathway.revision,
                             constituents=list(constituents), evaluation=dict(evaluation),
                             created=now, updated=now)
        try:
            with self.session.begin_nested():
                self.session.add(record)
                self.session.flush()
        except IntegrityError as error:
            raise DuplicateError("this learner already has an award of this pathway") \
                from error
        self._constituents(record.id, own)
        return record

    def _constituents(self, award_id: str, own: Sequence[str]) -> None:
        if own:
            self.session.execute(insert(AwardConstituentRecord),
                                 [{"award_id": award_id, "credential_id": c}
                                  for c in dict.fromkeys(own)])

    def reaward(self, award: AwardRecord, *, pathway: PathwayRecord, credential_id: str,
                own: Sequence[str], constituents: Sequence[str],
                evaluation: Mapping[str, Any]) -> AwardRecord:
        """The award now stands on a new evaluation and a new qualification credential."""
        award.credential_id = credential_id
        award.constituents = list(constituents)
        award.evaluation = dict(evaluation)
        award.pathway_revision = pathway.revision
        award.state = AwardState.AWARDED.value
        award.updated = self._now()
        self.session.flush()
        self._constituents(award.id, [c for c in own if c not in set(self._own_of(award.id))])
        return award

    def _own_of(self, award_id: str) -> list[str]:
        return list(self.session.scalars(select(AwardConstituentRecord.credential_id).where(
            AwardConstituentRecord.award_id == award_id)))

    def set_state(self, award: AwardRecord, state: AwardState) -> None:
        award.state = state.value
        award.updated = self._now()
        self.session.flush()

    def add_event(self, award: AwardRecord, *, kind: str, actor: str | None = None,
                  credential_id: str | None = None, reason: str | None = None,
                  details: Mapping[str, Any] | None = None) -> AwardEventRecord:
        event = AwardEventRecord(id=new_id(), award_id=award.id, kind=kind,
                                 credential_id=credential_id, actor=actor, reason=reason,
                                 at=self._now(), details=dict(details or {}))
        self.session.add(event)
        self.session.flush()
        return event

    def events(self, award_id: str) -> list[AwardEventRecord]:
        return list(self.session.scalars(select(AwardEventRecord).where(
            AwardEventRecord.award_id == award_id).order_by(AwardEventRecord.at,
                                                            AwardEventRecord.id)))

    # --- recognitions -----------------------------------------------------------------------

    def add_recognition(self, record: RecognitionRecord) -> RecognitionRecord:
        record.id = record.id or new_id()
        record.created = self._now()
        self.session.add(record)
        self.session.flush()
        return record

    def recognitions(self, pathway_id: str, learner_hashes: Sequence[str],
                     limit: int) -> list[RecognitionRecord]:
        return list(self.session.scalars(select(RecognitionRecord).where(
            RecognitionRecord.pathway_id == pathway_id,
            RecognitionRecord.learner_hash.in_(list(learner_hashes)))
            .order_by(RecognitionRecord.created.desc()).limit(limit)))


_CONSTITUENT_EVENTS = {"revoked": "constituent-revoked", "suspended": "constituent-suspended",
                       "active": "constituent-reinstated"}


def note_constituent_changes(session: Any, changed: Mapping[str, Sequence[str]], *,
                             actor: str, reason: str | None, at: datetime) -> None:
    """Record on every award counting one of these credentials that its state changed
    (``changed``: new state -> credential ids), and put it up for review: an award is never
    silently changed. Called in the transaction of the state change."""
    rows: list[dict[str, Any]] = []
    review: set[str] = set()
    for state, ids in changed.items():
        for start in range(0, len(ids), _CHUNK):
            for award_id, credential_id in session.execute(
                    select(AwardConstituentRecord.award_id, AwardConstituentRecord.credential_id)
                    .where(AwardConstituentRecord.credential_id.in_(ids[start:start + _CHUNK]))):
                rows.append({"id": new_id(), "award_id": award_id,
                             "kind": _CONSTITUENT_EVENTS.get(state, f"constituent-{state}"),
                             "credential_id": credential_id,
                             "actor": actor, "reason": reason, "at": at, "details": {}})
                if state != "active":
                    review.add(award_id)
    if rows:
        session.execute(insert(AwardEventRecord), rows)
    if review:
        session.execute(update(AwardRecord)
                        .where(AwardRecord.id.in_(sorted(review)),
                               AwardRecord.state == AwardState.AWARDED.value)
                        .values(state=AwardState.REVIEW.value, updated=at))
