"""Migration 0005_shadow: a 2-bit status list already in a database keeps its layout
(``shadow`` false); the downgrade refuses while shadow lists exist."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.store.test_migrations import empty_engine, schema_diff  # noqa: F401
from vcissuer.store import upgrade
from vcissuer.store.migrate import downgrade

ISSUER = "11111111-1111-4111-8111-111111111111"
T = "2026-01-01 00:00:00+00:00"


def test_existing_lists_are_not_shadow_lists(empty_engine) -> None:
    upgrade(empty_engine, revision="0004_defs")
    with empty_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO issuers (id, slug, did, profile, revocation_list_enabled, created, "
            "updated) VALUES (:id, 'uni', 'did:web:x', '{}', false, :t, :t)"),
            {"id": ISSUER, "t": T})
        connection.execute(text(
            "INSERT INTO status_lists (id, issuer_id, purpose, size, status_size, allocated, "
            "bitstring, version, created, updated) VALUES ('old', :issuer, 'suspension', 64, "
            "2, 0, :bits, 0, :t, :t)"), {"issuer": ISSUER, "bits": bytes(16), "t": T})
    upgrade(empty_engine)
    assert schema_diff(empty_engine) == []
    with empty_engine.begin() as connection:
        assert connection.execute(text("SELECT shadow FROM status_lists")).scalar() in (
            False, 0)
        connection.execute(text("UPDATE status_lists SET shadow = true"))
    with pytest.raises(RuntimeError, match="shadow-bit status lists exist"):
        downgrade(empty_engine, revision="0004_defs")
    with empty_engine.begin() as connection:
        connection.execute(text("UPDATE status_lists SET shadow = false"))
    downgrade(empty_engine, revision="0004_defs")
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM status_lists")).scalar() == 1
