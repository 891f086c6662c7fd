"""Issuers: create, find, update; slugs and DIDs are unique."""

from __future__ import annotations

import pytest

from tests.store.conftest import TickingClock
from vcissuer.store import Database, DuplicateError, IssuerRepository, NotFoundError


def test_create_then_get_by_id_and_slug(db: Database, clock: TickingClock) -> None:
    with db.session_scope() as session:
        created = IssuerRepository(session, clock=clock).create(
            slug="uni", did="did:web:example.org:issuers:uni",
            profile={"name": "University", "url": "https://uni.example"},
            revocation_list_enabled=True,
        )
    with db.session_scope(read_only=True) as session:
        repository = IssuerRepository(session)
        by_id = repository.get(created.id)
        by_slug = repository.get_by_slug("uni")
    assert by_id is not None and by_slug is not None
    assert by_id.id == by_slug.id == created.id
    assert by_slug.profile == {"name": "University", "url": "https://uni.example"}
    assert by_slug.revocation_list_enabled is True
    assert by_slug.created == by_slug.updated


def test_unknown_issuers_are_none(db: Database) -> None:
    with db.session_scope(read_only=True) as session:
        assert IssuerRepository(session).get("nope") is None
        assert IssuerRepository(session).get_by_slug("nope") is None


@pytest.mark.parametrize("clash", ["slug", "did"])
def test_slug_and_did_are_unique(db: Database, clash: str) -> None:
    with db.session_scope() as session:
        IssuerRepository(session).create(slug="uni", did="did:web:uni", profile={})
    with db.session_scope() as session:
        repository = IssuerRepository(session)
        with pytest.raises(DuplicateError):
            repository.create(
                slug="uni" if clash == "slug" else "other",
                did="did:web:uni" if clash == "did" else "did:web:other",
                profile={},
            )
        # The session is still usable after the refusal.
        repository.create(slug="third", did="did:web:third", profile={})
    with db.session_scope(read_only=True) as session:
        assert [i.slug for i in IssuerRepository(session).list()] == ["uni", "third"]


def test_update_changes_only_what_is_given(db: Database, clock: TickingClock) -> None:
    with db.session_scope() as session:
        issuer = IssuerRepository(session, clock=clock).create(
            slug="uni", did="did:web:uni", profile={"name": "Old"})
    with db.session_scope() as session:
        IssuerRepository(session, clock=clock).update(issuer.id, profile={"name": "New"})
    with db.session_scope(read_only=True) as session:
        stored = IssuerRepository(session).get(issuer.id)
    assert stored is not None
    assert stored.profile == {"name": "New"}
    assert stored.did == "did:web:uni"
    assert stored.revocation_list_enabled is False
    assert stored.updated > stored.created


def test_update_of_an_unknown_issuer_fails(db: Database) -> None:
    with pytest.raises(NotFoundError), db.session_scope() as session:
        IssuerRepository(session).update("nope", profile={})
