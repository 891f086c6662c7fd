"""Storage tests: the shared database fixtures, a fixed clock, and small factories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest_db import db, db_url, postgres_template, sqlite_template  # noqa: F401
from vcissuer.store import (
    CredentialFormat,
    CredentialRecord,
    Database,
    IssuerRecord,
    IssuerRepository,
    new_id,
)

START = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


class TickingClock:
    """A clock that starts at ``start`` and moves one second on each reading."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


def make_issuer(db: Database, slug: str = "uni") -> IssuerRecord:
    with db.session_scope() as session:
        return IssuerRepository(session).create(
            slug=slug,
            did=f"did:web:localhost%3A8000:issuers:{slug}",
            profile={"type": ["Profile"], "name": slug.title()},
        )


@pytest.fixture
def issuer(db: Database) -> IssuerRecord:
    return make_issuer(db, "uni")


@pytest.fixture
def other_issuer(db: Database) -> IssuerRecord:
    return make_issuer(db, "college")


def new_credential(
    *,
    issuer_id: str,
    assessment_ref: str | None = None,
    achievement_id: str | None = None,
    recipient_hash: str | None = None,
    status: tuple[str, int] | None = None,
    signed: str | None = None,
) -> CredentialRecord:
    credential_id = new_id()
    return CredentialRecord(
        id=credential_id,
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        recipient_hash=recipient_hash,
        assessment_ref=assessment_ref,
        signed=signed or f'{{"id": "http://localhost:8000/credentials/{credential_id}"}}',
        format=CredentialFormat.LDP,
        status_list_id=status[0] if status else None,
        status_index=status[1] if status else None,
        valid_from=START,
    )
