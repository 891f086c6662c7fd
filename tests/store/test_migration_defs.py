"""Migration 0004_defs over a database with achievements in it: each becomes its own
revision 1, active; the upgrade and downgrade are additive and reversible."""

from __future__ import annotations

from sqlalchemy import text

from tests.store.test_migrations import empty_engine, schema_diff  # noqa: F401
from vcissuer.store import upgrade
from vcissuer.store.migrate import downgrade

ISSUER = "11111111-1111-4111-8111-111111111111"
ACHIEVEMENT = "22222222-2222-4222-8222-222222222222"


def test_existing_achievements_become_revision_one(empty_engine) -> None:
    upgrade(empty_engine, revision="0002")
    with empty_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO issuers (id, slug, did, profile, revocation_list_enabled, created, "
            "updated) VALUES (:id, 'uni', 'did:web:x', '{}', false, :t, :t)"),
            {"id": ISSUER, "t": "2026-01-01 00:00:00+00:00"})
        connection.execute(text(
            "INSERT INTO achievements (id, issuer_id, document, revocable, suspendable, "
            "created, updated) VALUES (:id, :issuer, :doc, true, false, :t, :t)"),
            {"id": ACHIEVEMENT, "issuer": ISSUER, "doc": '{"name": "Old"}',
             "t": "2026-01-01 00:00:00+00:00"})
    upgrade(empty_engine)
    assert schema_diff(empty_engine) == []
    with empty_engine.connect() as connection:
        row = connection.execute(text(
            "SELECT revision, status, definition_key FROM achievements")).one()
        assert tuple(row) == (1, "active", None)
        revisions = connection.execute(text(
            "SELECT achievement_id, revision FROM achievement_revisions")).all()
        assert [tuple(r) for r in revisions] == [(ACHIEVEMENT, 1)]
    downgrade(empty_engine, revision="0002")
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM achievements")).scalar() == 1
