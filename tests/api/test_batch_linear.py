"""A batch's cost per credential does not grow with its size (issue 14, item 5).

Timing has no place in the test suite (bench/bench_issuing.py prints the CPU per credential at
batch sizes 10, 100 and 1,000); what is counted here is what would make it grow: the database
statements of one batch request. They are the same for 10 records as for 100 (one read of the
caller, issuer, repeats and achievement, one insert): per-record work is Python's, linear.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from vcissuer.issuance.context import Services


@pytest.fixture
def statements(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(services.db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(services.db.engine, "before_cursor_execute", count)


def test_statements_per_batch_do_not_grow_with_its_size(client: TestClient, services: Services,
                                                        admin, statements: list[str]) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)["id"]

    def batch(tag: str, size: int) -> list[str]:
        items = [assessment(achievement, ref=f"{tag}-{i}",
                            recipient={"email": f"learner{i}@{tag}.example.org",
                                       "name": f"Learner {i}"}) for i in range(size)]
        statements.clear()
        response = client.post("/issuers/uni/credentials/batch", headers=headers,
                               json={"items": items})
        assert response.status_code == 200 and response.json()["issued"] == size, response.text
        return list(statements)

    batch("warm", 5)  # the status reservoir now holds enough for the two batches below
    small, large = batch("small", 10), batch("large", 100)
    assert small == large, (small, large)
    assert small.count("INSERT") == 1  # one statement inserts every credential of a batch
