"""API keys: only a digest is stored; lookup works; revoked and foreign keys fail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from vcissuer.store import (
    ApiClientRecord,
    ApiClientRepository,
    ApiScope,
    Database,
    IssuerRecord,
    NotFoundError,
    hash_token,
)


def test_the_plaintext_key_is_returned_once_and_never_stored(
    db: Database, issuer: IssuerRecord
) -> None:
    with db.session_scope() as session:
        issued = ApiClientRepository(session).create(
            name="lms", issuer_id=issuer.id, scopes=[ApiScope.ISSUE, "revoke"])
    assert issued.token.startswith("vci_") and len(issued.token) == 47
    assert issued.token not in repr(issued)
    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM api_clients")).mappings().one()
    assert issued.token not in " ".join(str(value) for value in row.values())
    assert issued.token[4:] not in " ".join(str(value) for value in row.values())
    assert row["key_hash"] == hash_token(issued.token)
    assert issued.client.scopes == ["issue", "revoke"]


def test_verify_finds_the_client(db: Database, issuer: IssuerRecord) -> None:
    with db.session_scope() as session:
        repository = ApiClientRepository(session)
        issued = repository.create(name="lms", issuer_id=issuer.id, scopes=["issue"])
        repository.create(name="other", issuer_id=issuer.id, scopes=["manage"])
    with db.session_scope(read_only=True) as session:
        client = ApiClientRepository(session).verify(issued.token)
    assert client is not None
    assert (client.id, client.issuer_id, client.scopes) == (issued.client.id, issuer.id,
                                                            ["issue"])
    assert client.last_used_at is None
    used = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with db.session_scope() as session:
        ApiClientRepository(session).touch(issued.client.id, at=used, older_than=used)
    with db.session_scope(read_only=True) as session:
        client = ApiClientRepository(session).verify(issued.token)
    assert client is not None and client.last_used_at == used  # an aware UTC datetime


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # same prefix, wrong secret
    lambda token: token[:-1],
    lambda token: token + "x",
    lambda token: "xyz_" + token[4:],
    lambda token: "",
    lambda token: token.upper(),
])
def test_wrong_keys_find_nothing(db: Database, issuer: IssuerRecord, mangle: object) -> None:
    with db.session_scope() as session:
        issued = ApiClientRepository(session).create(
            name="lms", issuer_id=issuer.id, scopes=["issue"])
    with db.session_scope(read_only=True) as session:
        assert ApiClientRepository(session).verify(mangle(issued.token)) is None  # type: ignore[operator]


def test_a_revoked_key_fails(db: Database, issuer: IssuerRecord) -> None:
    with db.session_scope() as session:
        issued = ApiClientRepository(session).create(
            name="lms", issuer_id=issuer.id, scopes=["issue"])
    with db.session_scope() as session:
        revoked = ApiClientRepository(session).revoke(issued.client.id)
    assert revoked.revoked_at is not None
    with db.session_scope(read_only=True) as session:
        assert ApiClientRepository(session).verify(issued.token) is None
        assert session.scalars(select(ApiClientRecord)).one().id == issued.client.id  # kept
    with pytest.raises(NotFoundError), db.session_scope() as session:
        ApiClientRepository(session).revoke("nope")


def test_admin_clients_belong_to_no_issuer(db: Database, issuer: IssuerRecord) -> None:
    with db.session_scope() as session:
        repository = ApiClientRepository(session)
        admin = repository.create(name="ops", issuer_id=None, scopes=["admin"])
        with pytest.raises(ValueError, match="admin"):
            repository.create(name="bad", issuer_id=issuer.id, scopes=["admin", "issue"])
        with pytest.raises(ValueError, match="admin"):
            repository.create(name="bad", issuer_id=None, scopes=["issue"])
        with pytest.raises(ValueError, match="scope"):
            repository.create(name="bad", issuer_id=issuer.id, scopes=[])
        with pytest.raises(ValueError):
            repository.create(name="bad", issuer_id=issuer.id, scopes=["superuser"])
    with db.session_scope(read_only=True) as session:
        client = ApiClientRepository(session).verify(admin.token)
    assert client is not None and client.issuer_id is None and client.scopes == ["admin"]


def test_list_is_scoped_by_issuer(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord
) -> None:
    with db.session_scope() as session:
        repository = ApiClientRepository(session)
        repository.create(name="mine", issuer_id=issuer.id, scopes=["issue"])
        repository.create(name="theirs", issuer_id=other_issuer.id, scopes=["issue"])
    with db.session_scope(read_only=True) as session:
        repository = ApiClientRepository(session)
        assert [c.name for c in repository.list(issuer_id=issuer.id)] == ["mine"]
        assert [c.name for c in repository.list()] == ["mine", "theirs"]
