"""Migration 0006_pathways: additive. Achievements already defined are in no pathway
(``in_pathway`` false, so issuing them checks nothing); the downgrade drops only the new
tables and column."""

from __future__ import annotations

from sqlalchemy import inspect, text

from tests.store.test_migrations import empty_engine, schema_diff  # noqa: F401
from vcissuer.store import upgrade
from vcissuer.store.migrate import downgrade

ISSUER = "11111111-1111-4111-8111-111111111111"
T = "2026-01-01 00:00:00+00:00"
NEW_TABLES = {"pathways", "pathway_revisions", "pathway_awards", "pathway_award_constituents",
              "pathway_award_events", "pathway_recognitions"}


def test_existing_achievements_are_in_no_pathway(empty_engine) -> None:
    upgrade(empty_engine, revision="0005_shadow")
    with empty_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO issuers (id, slug, did, profile, revocation_list_enabled, created, "
            "updated) VALUES (:id, 'uni', 'did:web:x', '{}', false, :t, :t)"),
            {"id": ISSUER, "t": T})
        connection.execute(text(
            "INSERT INTO achievements (id, issuer_id, document, revocable, suspendable, "
            "revision, status, created, updated) VALUES ('a1', :issuer, '{}', true, false, 1, "
            "'active', :t, :t)"), {"issuer": ISSUER, "t": T})
        # Rows referencing the achievement: a migration that copied the table would fail.
        connection.execute(text(
            "INSERT INTO achievement_revisions (achievement_id, revision, document, created) "
            "VALUES ('a1', 1, '{}', :t)"), {"t": T})
        connection.execute(text(
            "INSERT INTO credentials (id, issuer_id, achievement_id, signed, format, state, "
            "created) VALUES ('c1', :issuer, 'a1', '{}', 'ldp', 'active', :t)"),
            {"issuer": ISSUER, "t": T})
    upgrade(empty_engine)
    assert schema_diff(empty_engine) == []
    assert set(inspect(empty_engine).get_table_names()) >= NEW_TABLES
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT in_pathway FROM achievements")).scalar() in (
            False, 0)
    downgrade(empty_engine, revision="0005_shadow")
    assert not NEW_TABLES & set(inspect(empty_engine).get_table_names())
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM achievements")).scalar() == 1
