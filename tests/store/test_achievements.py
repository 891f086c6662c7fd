"""Achievements: stored as published, scoped to their issuer, listed by page."""

from __future__ import annotations

import pytest

from tests.store.conftest import TickingClock
from vcissuer.store import (
    AchievementRepository,
    Database,
    InvalidCursorError,
    IssuerRecord,
    NotFoundError,
    new_id,
)

DOCUMENT = {
    "id": "http://localhost:8000/achievements/x",
    "type": ["Achievement"],
    "name": "Data Analysis",
    "achievementType": "MicroCredential",
    "criteria": {"narrative": "Pass the assessment"},
    "creditsAvailable": 5.0,
    "resultDescription": [{"id": "urn:uuid:1", "name": "Grade", "resultType": "LetterGrade"}],
}


def test_create_and_read_back_exactly(db: Database, issuer: IssuerRecord) -> None:
    achievement_id = new_id()
    with db.session_scope() as session:
        AchievementRepository(session).create(
            issuer_id=issuer.id, document=DOCUMENT, suspendable=True,
            achievement_id=achievement_id)
    with db.session_scope(read_only=True) as session:
        repository = AchievementRepository(session)
        scoped = repository.get(achievement_id, issuer_id=issuer.id)
        public = repository.get_public(achievement_id)
    assert scoped is not None and public is not None
    assert scoped.document == DOCUMENT
    assert (scoped.revocable, scoped.suspendable) == (True, True)


def test_update(db: Database, issuer: IssuerRecord, clock: TickingClock) -> None:
    with db.session_scope() as session:
        created = AchievementRepository(session, clock=clock).create(
            issuer_id=issuer.id, document=DOCUMENT)
    changed = {**DOCUMENT, "name": "Advanced Data Analysis"}
    with db.session_scope() as session:
        AchievementRepository(session, clock=clock).update(
            created.id, issuer_id=issuer.id, document=changed, revocable=False)
    with db.session_scope(read_only=True) as session:
        stored = AchievementRepository(session).get(created.id, issuer_id=issuer.id)
    assert stored is not None
    assert stored.document["name"] == "Advanced Data Analysis"
    assert stored.revocable is False and stored.suspendable is False
    assert stored.updated > stored.created


def test_another_issuer_cannot_read_or_change_it(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    with db.session_scope() as session:
        created = AchievementRepository(session).create(issuer_id=issuer.id, document=DOCUMENT)
    with db.session_scope(read_only=True) as session:
        repository = AchievementRepository(session)
        assert repository.get(created.id, issuer_id=other_issuer.id) is None
        assert repository.list(issuer_id=other_issuer.id).items == []
    with pytest.raises(NotFoundError), db.session_scope() as session:
        AchievementRepository(session).update(
            created.id, issuer_id=other_issuer.id, document={})


def test_list_pages_through_everything_once(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord, clock: TickingClock
) -> None:
    with db.session_scope() as session:
        repository = AchievementRepository(session, clock=clock)
        ids = [repository.create(issuer_id=issuer.id, document={"n": n}).id for n in range(7)]
        repository.create(issuer_id=other_issuer.id, document={"n": "other"})
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        with db.session_scope(read_only=True) as session:
            page = AchievementRepository(session).list(
                issuer_id=issuer.id, limit=3, after=cursor)
        seen.extend(a.id for a in page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3


def test_bad_cursors_and_limits_are_refused(db: Database, issuer: IssuerRecord) -> None:
    with db.session_scope(read_only=True) as session:
        repository = AchievementRepository(session)
        with pytest.raises(InvalidCursorError):
            repository.list(issuer_id=issuer.id, after="not-a-cursor")
        with pytest.raises(ValueError, match="limit"):
            repository.list(issuer_id=issuer.id, limit=0)
