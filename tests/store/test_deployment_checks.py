"""Deployment checks: the first node's digest is kept; later nodes read it back."""

from __future__ import annotations

from vcissuer.store import Database, DeploymentCheckRepository


def test_the_first_digest_recorded_wins(db: Database) -> None:
    with db.session_scope() as session:
        assert DeploymentCheckRepository(session).agree("lookup", "aaa") == "aaa"
    with db.session_scope() as session:
        repository = DeploymentCheckRepository(session)
        assert repository.agree("lookup", "bbb") == "aaa"
        assert repository.agree("lookup", "aaa") == "aaa"
        assert repository.agree("other", "ccc") == "ccc"
