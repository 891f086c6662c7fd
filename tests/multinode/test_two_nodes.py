"""Two `vcissuer serve` processes on different ports sharing one PostgreSQL database behave
as one service (DESIGN.md section 5, "several nodes, one database").

- concurrent issuing on both gives no duplicate status list index and no duplicate credential
  (an idempotent retry sent to both nodes at once is issued once);
- an API key revoked or rotated through one node is refused by the other on its next request;
- an issuer key rotated through one node signs the other node's next credential;
- a revocation through one node is in the status list the other serves on its next request,
  well within the list's ``ttl`` (BSL v1.0 section 2.2) and Cache-Control max-age.

Skipped without VCISSUER_TEST_POSTGRES_URL. The nodes work in a schema of their own in that
database (``search_path``), made empty for this module and migrated by the nodes themselves,
both at once, as a fresh deployment is; each test makes its own issuer.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from tests.api.conftest import MICRO_CREDENTIAL, assessment
from tests.conftest_db import POSTGRES_URL_VARIABLE, postgres_url
from tests.multinode.cluster import Node, custody_env, running_nodes
from vcissuer.status.bitstring import Bitstring
from vcissuer.status.entries import bitstring_status_entries
from vcissuer.store import ApiClientRepository, Database
from vcissuer.store.records import CredentialRecord, IssuerRecord

pytestmark = pytest.mark.skipif(postgres_url() is None,
                                reason=f"{POSTGRES_URL_VARIABLE} is not set")

STATUS_TTL = 7  # seconds: VCISSUER_STATUS_LIST_TTL given to both nodes


SCHEMA = "multinode_cluster"


@pytest.fixture(scope="module")
def database() -> Iterator[Database]:
    """The cluster's database: an empty schema of the test database (the ``db`` fixture's
    tables in ``public`` are not touched)."""
    url = postgres_url()
    assert url is not None
    setup = Database.from_url(url)
    with setup.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    setup.dispose()
    parsed = make_url(url)
    database = Database.from_url(parsed.update_query_dict(
        {"options": f"-csearch_path={SCHEMA}"}))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def nodes(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Node]]:
    custody = custody_env(tmp_path_factory.mktemp("shared-keys"))
    url = database.engine.url.render_as_string(hide_password=False)
    with running_nodes(url, custody, VCISSUER_STATUS_LIST_TTL=str(STATUS_TTL)) as started:
        yield started


@pytest.fixture(scope="module")
def admin(database: Database, nodes: list[Node]) -> dict[str, str]:
    with database.session_scope() as session:  # the nodes have migrated the database
        token = ApiClientRepository(session).create(name="multinode admin", issuer_id=None,
                                                    scopes=["admin"]).token
    return {"Authorization": f"Bearer {token}"}


def _ok(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (200, 201)), response.text
    return response.json()


def _key(node: Node, admin: dict[str, str], slug: str,
         scopes: tuple[str, ...] = ("manage", "issue", "revoke")) -> dict[str, Any]:
    return _ok(node.http.post("/clients", headers=admin,
                              json={"name": "LMS", "issuer": slug, "scopes": list(scopes)}))


def _bearer(made: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {made['apiKey']}"}


@pytest.fixture
def issuer(nodes: list[Node], admin: dict[str, str]) -> tuple[str, dict[str, str], str]:
    """A fresh issuer (made through node 0): slug, its key's headers, an achievement id."""
    slug = f"n{uuid.uuid4().hex[:10]}"
    _ok(nodes[0].http.post("/issuers", headers=admin,
                           json={"slug": slug, "name": "Cluster University"}))
    headers = _bearer(_key(nodes[0], admin, slug))
    achievement = _ok(nodes[1].http.post(f"/issuers/{slug}/achievements", headers=headers,
                                         json=MICRO_CREDENTIAL))["id"]
    return slug, headers, achievement


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[Exception] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def _record(achievement: str, ref: str, i: int) -> dict[str, Any]:
    return assessment(achievement, ref=ref, recipient={"email": f"l{i}@cluster.example.org",
                                                       "name": f"Learner {i}"})


def _stored(database: Database, slug: str) -> list[tuple[str, str | None, Any, Any]]:
    with database.session_scope(read_only=True) as session:
        issuer_id = session.scalars(select(IssuerRecord.id).where(IssuerRecord.slug == slug)).one()
        return list(session.execute(
            select(CredentialRecord.assessment_ref, CredentialRecord.signed,
                   CredentialRecord.status_list_id, CredentialRecord.status_index)
            .where(CredentialRecord.issuer_id == issuer_id)).all())


def test_concurrent_issuing_on_two_nodes_never_repeats_an_index(nodes, issuer, database) -> None:
    """BSL v1.0 section 3.2 (herd privacy) needs every credential its own index: singles and
    batches on both nodes at once, each node refilling its own reserve of indices."""
    slug, headers, achievement = issuer
    path = f"/issuers/{slug}/credentials"

    def singles(node: Node, tag: str) -> Callable[[], list[dict[str, Any]]]:
        return lambda: [_ok(node.http.post(path, headers=headers,
                                           json=_record(achievement, f"{tag}-{i}", i)), 201)
                        for i in range(12)]

    def batch(node: Node, tag: str) -> Callable[[], dict[str, Any]]:
        items = [_record(achievement, f"{tag}-{i}", i) for i in range(60)]
        return lambda: _ok(node.http.post(f"{path}/batch", headers=headers,
                                          json={"items": items}), 200)

    a, b = nodes
    results = _at_once([singles(a, "sa"), singles(b, "sb"), batch(a, "ba"), batch(b, "bb")])
    assert results[2]["issued"] == results[3]["issued"] == 60
    rows = _stored(database, slug)
    assert len(rows) == 2 * 12 + 2 * 60
    positions = set()
    for _ref, signed, list_id, index in rows:
        entry = bitstring_status_entries(json.loads(signed))[0]
        assert entry.status_list_credential.endswith(f"/status/{slug}/{list_id}")
        assert entry.status_list_index == index
        positions.add((list_id, index))
    assert len(positions) == len(rows)


def test_the_same_assessment_sent_to_both_nodes_at_once_is_issued_once(
        nodes, issuer, database) -> None:
    """An LMS retrying through the load balancer reaches the other node: same credential."""
    slug, headers, achievement = issuer
    a, b = nodes
    refs = [f"retry-{i}" for i in range(8)]

    def single(node: Node, i: int) -> Callable[[], httpx.Response]:
        return lambda: node.http.post(f"/issuers/{slug}/credentials", headers=headers,
                                      json=_record(achievement, refs[i], i))

    answers = _at_once([single(node, i) for i in range(len(refs)) for node in (a, b)])
    for i in range(len(refs)):
        first, second = answers[2 * i], answers[2 * i + 1]
        assert sorted((first.status_code, second.status_code)) == [200, 201], \
            (first.text, second.text)
        assert first.json()["id"] == second.json()["id"]
    # A batch of the same cohort sent to both at once: every item issued by exactly one node.
    items = [_record(achievement, f"cohort-{i}", i) for i in range(40)]
    batches = _at_once([
        (lambda node=node: _ok(node.http.post(f"/issuers/{slug}/credentials/batch",
                                              headers=headers, json={"items": items}), 200))
        for node in (a, b)])
    assert batches[0]["issued"] + batches[1]["issued"] == 40
    assert batches[0]["alreadyIssued"] + batches[1]["alreadyIssued"] == 40
    ids = [{item["credentialId"] for item in outcome["items"]} for outcome in batches]
    assert ids[0] == ids[1] and len(ids[0]) == 40
    rows = _stored(database, slug)
    assert len(rows) == len(refs) + 40
    assert len({ref for ref, *_ in rows}) == len(rows)


def test_an_api_key_revoked_or_rotated_on_one_node_is_refused_by_the_other(
        nodes, issuer, admin) -> None:
    slug, _, achievement = issuer
    a, b = nodes
    made = _key(a, admin, slug, ("issue",))
    path = f"/issuers/{slug}/credentials"
    assert b.http.post(path, headers=_bearer(made),
                       json=_record(achievement, "k-1", 1)).status_code == 201
    rotated = _ok(a.http.post(f"/clients/{made['id']}/rotate", headers=admin))
    refused = b.http.post(path, headers=_bearer(made), json=_record(achievement, "k-2", 2))
    assert refused.status_code == 401, refused.text
    assert b.http.post(path, headers=_bearer(rotated),
                       json=_record(achievement, "k-2", 2)).status_code == 201
    _ok(a.http.post(f"/clients/{made['id']}/revoke", headers=admin))
    refused = b.http.post(path, headers=_bearer(rotated), json=_record(achievement, "k-3", 3))
    assert refused.status_code == 401, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")


def _verification_method(credential: dict[str, Any]) -> str:
    proof = credential["proof"]
    return (proof[0] if isinstance(proof, list) else proof)["verificationMethod"]


def test_an_issuer_key_rotated_on_one_node_signs_the_next_credential_of_the_other(
        nodes, issuer) -> None:
    """The active key is read with the issuer on every issue (no per-node cache), so the
    rotation is in force on every node for its next credential; the old key stays in the DID
    document, so what it signed keeps verifying."""
    slug, headers, achievement = issuer
    a, b = nodes
    path = f"/issuers/{slug}/credentials"
    before = _ok(b.http.post(path, headers=headers, json=_record(achievement, "r-1", 1)), 201)
    old = _verification_method(before["credential"])
    _ok(a.http.post(f"/issuers/{slug}/keys/rotate", headers=headers))
    after = _ok(b.http.post(path, headers=headers, json=_record(achievement, "r-2", 2)), 201)
    new = _verification_method(after["credential"])
    assert new != old
    document = _ok(b.http.get(f"/issuers/{slug}/did.json"))
    assert document["assertionMethod"][-1] == new and old in document["assertionMethod"]
    for node in nodes:  # both credentials verify on both nodes
        for issued in (before, after):
            report = node.http.post("/credentials/verify",
                                    json={"verifiableCredential": issued["credential"]})
            assert report.status_code == 200, report.text


def _served_status(node: Node, credential: dict[str, Any]) -> tuple[int, httpx.Response]:
    entry = bitstring_status_entries(credential)[0]
    path = entry.status_list_credential.removeprefix("http://badges.cluster.test")
    response = node.http.get(path)
    assert response.status_code == 200, response.text
    bits = Bitstring.decode(response.json()["credentialSubject"]["encodedList"])
    return bits.get_status(entry.status_list_index, status_size=entry.status_size), response


def test_a_revocation_on_one_node_is_in_the_list_the_other_serves_within_its_ttl(
        nodes, issuer) -> None:
    """BSL v1.0 section 2.2: ``ttl`` is how long a list may be cached. Each node reads the
    list from the database on every request, so the other node serves the new bit on its
    very next request; only caches downstream (Cache-Control max-age = ttl) may hold the old
    list, and never longer than VCISSUER_STATUS_LIST_TTL."""
    slug, headers, achievement = issuer
    a, b = nodes
    issued = _ok(a.http.post(f"/issuers/{slug}/credentials", headers=headers,
                             json=_record(achievement, "rev-1", 1)), 201)
    credential = issued["credential"]
    value, before = _served_status(b, credential)
    assert value == 0
    assert before.json()["credentialSubject"]["ttl"] == STATUS_TTL * 1000
    assert before.headers["cache-control"] == f"public, max-age={STATUS_TTL}"
    _ok(a.http.post(f"/issuers/{slug}/credentials/{issued['id']}/revoke", headers=headers,
                    json={"reason": "awarded in error"}))
    value, after = _served_status(b, credential)
    assert value == 1
    assert after.headers["etag"] != before.headers["etag"]
    # A cache revalidating with the old ETag gets the new list, not 304.
    revalidated = b.http.get(after.url.path, headers={"If-None-Match": before.headers["etag"]})
    assert revalidated.status_code == 200
    # And the other node's verifier says so.
    report = b.http.post("/credentials/verify", json={"verifiableCredential": credential})
    assert report.status_code == 422 and "revoked" in report.text.lower()


def test_nodes_share_one_recipient_lookup_key(nodes, issuer) -> None:
    """Lookup hashes and idempotency fingerprints are keyed (issuance/recipients.py): a
    learner issued on one node is found by the other, and a repeat there is not a change."""
    slug, headers, achievement = issuer
    a, b = nodes
    _ok(a.http.post(f"/issuers/{slug}/credentials", headers=headers,
                    json=_record(achievement, "find-1", 1)), 201)
    listed = _ok(b.http.get(f"/issuers/{slug}/credentials",
                            params={"recipient": "l1@cluster.example.org"}, headers=headers))
    assert [item["assessmentRef"] for item in listed["items"]] == ["find-1"]


def test_a_node_with_another_lookup_key_refuses_to_start(nodes, database, tmp_path: Path
                                                           ) -> None:
    """Nodes that hashed recipients under different keys would each miss the other's learners
    and take an LMS retry for changed data (409): the second node stops at start-up."""
    url = database.engine.url.render_as_string(hide_password=False)
    with pytest.raises(RuntimeError, match="recipient lookup"), \
            running_nodes(url, custody_env(tmp_path / "other-keys", backend="file"),
                          count=1):
        pass
