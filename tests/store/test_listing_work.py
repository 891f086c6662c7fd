"""Listings cost the page, not the issuer's size (bench/bench_scale.py found both).

The work is counted, not timed: each listing statement is run again under PostgreSQL's
``EXPLAIN (ANALYZE, FORMAT JSON)``, and the rows its plan read and then threw away (``Rows
Removed by Filter``) must not grow with the credentials before the cursor or of other
learners. A keyset position written as ``created > :c OR (created = :c AND id > :i)``, or a
learner written as ``recipient_hash = :h OR id IN (...)``, was a filter over every row of the
issuer. PostgreSQL only (SQLite's plans have no such counts); the planner is kept off
sequential scans, as it is on tables of a realistic size, and runs with up-to-date and with
young statistics (a table that just grew, before autovacuum analyzed it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.store.conftest import START, make_issuer, new_credential
from vcissuer.store import CredentialRepository, Database
from vcissuer.store.records import CredentialLookupRecord

ROWS = 1500


def _filtered(plan: dict[str, Any]) -> int:
    """Rows the plan read and threw away, over every node and every loop of it."""
    removed = plan.get("Rows Removed by Filter", 0) + plan.get("Rows Removed by Join Filter", 0)
    return removed * plan.get("Actual Loops", 1) + sum(
        _filtered(child) for child in plan.get("Plans", []))


@contextmanager
def _explained(db: Database) -> Iterator[list[int]]:
    """Rows removed by filter, per statement run inside the block."""
    seen: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    counts: list[int] = []
    try:
        yield counts
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in seen:
            result = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
            document = result if isinstance(result, list) else json.loads(result)
            counts.append(_filtered(document[0]["Plan"]))


@pytest.fixture(params=["analyzed", "young statistics"])
def many(db: Database, request: pytest.FixtureRequest) -> tuple[Database, str, str, list[str]]:
    """1,500 credentials of one issuer, each its own learner; with the table's statistics
    brought up to date, or as a table that just grew has them (the planner then believes
    the issuer has a row or two)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("plan counts come from PostgreSQL's EXPLAIN ANALYZE")
    issuer = make_issuer(db)
    achievement_id = None
    records = []
    for i in range(ROWS):
        record = new_credential(issuer_id=issuer.id, assessment_ref=f"ref-{i}",
                                achievement_id=achievement_id, recipient_hash=f"learner-{i}")
        record.created = START + timedelta(seconds=i)
        records.append(record)
    with db.session_scope() as session:
        CredentialRepository(session).insert_or_get_many(records, issuer_id=issuer.id)
        # One learner known by a second identifier too.
        session.add(CredentialLookupRecord(credential_id=records[7].id, lookup_hash="alias-7",
                                           issuer_id=issuer.id))
    if request.param == "analyzed":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE credentials"))
            connection.execute(text("ANALYZE credential_lookups"))
    return db, issuer.id, "learner-700", [r.id for r in records]


def test_a_page_deep_in_a_listing_reads_only_its_rows(many) -> None:
    db, issuer_id, _, ids = many
    with db.session_scope(read_only=True) as session:
        repository = CredentialRepository(session)
        first = repository.list(issuer_id=issuer_id, limit=1000)
        assert first.next_cursor is not None
        with _explained(db) as removed:
            deep = repository.list(issuer_id=issuer_id, limit=50, after=first.next_cursor)
    assert [r.id for r in deep.items] == ids[1000:1050]
    assert removed and max(removed) < 50, removed


def test_a_learner_is_found_without_reading_other_learners(many, request) -> None:
    db, issuer_id, learner, ids = many
    statistics = request.node.callspec.params["many"]
    with db.session_scope(read_only=True) as session:
        repository = CredentialRepository(session)
        with _explained(db) as removed:
            found = repository.list(issuer_id=issuer_id, recipient_hash=learner)
            alias = repository.list(issuer_id=issuer_id, recipient_hash="alias-7")
    assert [r.id for r in found.items] == [ids[700]]
    assert [r.id for r in alias.items] == [ids[7]]
    # Believing the issuer small, the planner may walk its rows once (still linear); as a
    # semi-join over a union it walked them once per row (2,250,000 rows here).
    bound = 50 if statistics == "analyzed" else ROWS
    assert removed and max(removed) <= bound, removed
