"""Every "use once" of an offer is decided by the database: racing requests, one winner."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from vcissuer.store import Database, IssuerRepository, new_id
from vcissuer.store.wallet import (
    CredentialOfferRecord,
    CredentialOfferRepository,
    OfferKind,
    OfferState,
)

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture
def offer(db: Database) -> CredentialOfferRecord:
    with db.session_scope() as session:
        issuer = IssuerRepository(session, clock=clock).create(
            slug="uni", did="did:web:uni.example", profile={"name": "Uni"})
        record = CredentialOfferRecord(
            id=new_id(), issuer_id=issuer.id, kind=OfferKind.ASSESSMENT,
            state=OfferState.PENDING, assessment={"assessmentRef": "a"}, assessment_ref="a",
            configuration_ids=["OpenBadgeCredential_ldp_vc"], ref_hash="r" * 64,
            code_hash="c" * 64, tx_code_failures=0, created_by="test", created=NOW,
            expires=NOW + timedelta(minutes=10))
        return CredentialOfferRepository(session, clock=clock).add(record)


def race(db: Database, attempt: Callable[[CredentialOfferRepository], bool],
         workers: int = 4) -> list[bool]:
    """``attempt`` in ``workers`` threads at once, each in its own transaction."""
    barrier = threading.Barrier(workers)
    results: list[bool] = []

    def run() -> None:
        barrier.wait()
        with db.session_scope() as session:
            results.append(attempt(CredentialOfferRepository(session, clock=clock)))

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_code_buys_one_token_however_many_ask(db: Database,
                                                offer: CredentialOfferRecord) -> None:
    results = race(db, lambda repo: repo.use_code(offer.id, token_hash=new_id() + "x" * 28,
                                                  token_expires=NOW + timedelta(minutes=5)))
    assert sorted(results) == [False, False, False, True]


def test_a_token_is_spent_once(db: Database, offer: CredentialOfferRecord) -> None:
    with db.session_scope() as session:
        assert CredentialOfferRepository(session, clock=clock).use_code(
            offer.id, token_hash="t" * 64, token_expires=NOW + timedelta(minutes=5))
    results = race(db, lambda repo: repo.use_token(offer.id, token_hash="t" * 64))
    assert sorted(results) == [False, False, False, True]


def test_a_nonce_is_spent_once_and_never_after_expiry(db: Database) -> None:
    with db.session_scope() as session:
        repo = CredentialOfferRepository(session, clock=clock)
        repo.add_nonce("fresh", expires=NOW + timedelta(minutes=5))
        repo.add_nonce("old", expires=NOW - timedelta(seconds=1))
    assert sorted(race(db, lambda repo: repo.use_nonce("fresh"))) == [False, False, False, True]
    with db.session_scope() as session:
        repo = CredentialOfferRepository(session, clock=clock)
        assert not repo.use_nonce("old")
        assert not repo.use_nonce("unknown")


def test_a_challenge_is_spent_once(db: Database, offer: CredentialOfferRecord) -> None:
    with db.session_scope() as session:
        assert CredentialOfferRepository(session, clock=clock).set_challenge(
            offer.id, challenge="ch", expires=NOW + timedelta(minutes=5))
    assert sorted(race(db, lambda repo: repo.use_challenge(offer.id, challenge="ch"))) == [
        False, False, False, True]


def test_an_offer_is_redeemed_once(db: Database, offer: CredentialOfferRecord) -> None:
    from tests.store.conftest import new_credential
    from vcissuer.store import CredentialRepository

    with db.session_scope() as session:
        stored = CredentialRepository(session, clock=clock).insert_or_get(
            new_credential(issuer_id=offer.issuer_id, assessment_ref="a"))
        credential_id = stored.record.id
    results = race(db, lambda repo: repo.mark_redeemed(
        offer.id, credential_id=credential_id, holder_did="did:key:z6Mk", channel="oid4vci"))
    assert sorted(results) == [False, False, False, True]


def test_expired_offers_redeem_nothing(db: Database, offer: CredentialOfferRecord) -> None:
    def later() -> datetime:
        return NOW + timedelta(minutes=11)

    with db.session_scope() as session:
        repo = CredentialOfferRepository(session, clock=later)
        assert not repo.use_code(offer.id, token_hash="t" * 64,
                                 token_expires=NOW + timedelta(minutes=16))
        assert not repo.set_challenge(offer.id, challenge="ch",
                                      expires=NOW + timedelta(minutes=16))


def test_expired_nonces_are_swept_later(db: Database) -> None:
    with db.session_scope() as session:
        repo = CredentialOfferRepository(session, clock=clock)
        repo.add_nonce("ancient", expires=NOW - timedelta(hours=2))
        repo.add_nonce("new", expires=NOW + timedelta(minutes=5))
    from vcissuer.store.wallet import WalletNonceRecord

    with db.session_scope(read_only=True) as session:
        assert session.get(WalletNonceRecord, "ancient") is None
        assert session.get(WalletNonceRecord, "new") is not None
