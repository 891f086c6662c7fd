"""The audit trail: appended beside the change, read back per issuer and subject."""

from __future__ import annotations

from tests.store.conftest import TickingClock
from vcissuer.store import AuditRepository, Database, IssuerRecord


def test_records_are_kept_and_listed_per_issuer(
    db: Database, issuer: IssuerRecord, other_issuer: IssuerRecord, clock: TickingClock
) -> None:
    with db.session_scope() as session:
        audit = AuditRepository(session, clock=clock)
        audit.record(issuer_id=issuer.id, actor="cli", action="issuer.create", subject=issuer.id)
        audit.record(issuer_id=issuer.id, actor="c1", action="key.rotate", subject="k1",
                     reason="yearly", details={"old": "k0"})
        audit.record(issuer_id=other_issuer.id, actor="c2", action="key.rotate", subject="k9")
    with db.session_scope(read_only=True) as session:
        audit = AuditRepository(session)
        mine = audit.list(issuer_id=issuer.id).items
        rotations = audit.list(issuer_id=issuer.id, action="key.rotate").items
        first_page = audit.list(issuer_id=issuer.id, limit=1)
        second_page = audit.list(issuer_id=issuer.id, limit=1, after=first_page.next_cursor)
    assert [r.action for r in mine] == ["issuer.create", "key.rotate"]
    assert [(r.subject, r.reason, r.details) for r in rotations] == [
        ("k1", "yearly", {"old": "k0"})]
    assert [r.id for r in (*first_page.items, *second_page.items)] == [r.id for r in mine]
    assert second_page.next_cursor is None
