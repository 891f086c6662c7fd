"""Issue 12.8: admission control. Anonymous verification takes a bounded share of a worker;
past it, 503 + Retry-After at once; /health and authenticated issuing keep their share.

Deterministic: the share is filled by real requests held at a known point (a fetch from a
loopback server that answers when told to), or by taking the admission's own tickets; the
tests wait for states, never for time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.conftest import api_key, assessment, bearer, make_achievement, make_issuer
from tests.live import serving
from tests.net.fakeweb import LoopbackServer
from vcissuer.api.admission import Admission
from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import Limit
from vcissuer.issuance.context import Services
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.net import LOOPBACK, FetchPolicy
from vcissuer.store import Database

NO_LIMIT = {"verify": Limit(0), "wallet": Limit(0)}


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        time.sleep(0.005)


def _overloaded(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:vcissuer:problem:overloaded"


def test_share_of_a_worker() -> None:
    assert Admission.for_worker(4).threads == 1
    assert Admission.for_worker(4, threads=3).threads == 3
    assert Admission.for_worker(4, threads=9).threads == 3  # never all of them
    assert Admission.for_worker(1).threads == 1  # the app then runs 2 thread jobs at once
    assert Admission.for_worker(4, threads=2, queue=5).capacity == 7
    with pytest.raises(ValueError, match="queue"):
        Admission(threads=1, queue=-1)


@pytest.fixture
def lms(services: Services) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    app = create_app(services, threads=4, anonymous_threads=3, anonymous_queue=2,
                     rate_limits=NO_LIMIT)
    with TestClient(app) as client:
        make_issuer(client, bearer(api_key(services)))
        headers = bearer(api_key(services, issuer_slug="uni"))
        yield client, headers, make_achievement(client, headers)["id"]


def test_with_the_anonymous_share_full_verification_is_503_and_issuing_goes_on(lms) -> None:
    client, headers, achievement = lms
    admission: Admission = client.app.state.admission
    assert admission.capacity == 3 + 2
    for _ in range(admission.capacity):
        assert admission.try_enter()

    # Not even read: an empty body would be 422 if the route ran.
    _overloaded(client.post("/credentials/verify", json={}))
    _overloaded(client.post("/presentations/verify", json={}))
    _overloaded(client.get("/verify", params={"url": "https://elsewhere.example/c"}))
    _overloaded(client.post("/verify/url", json={"url": "https://elsewhere.example/c"}))
    assert admission.admitted == admission.capacity

    assert client.get("/health").status_code == 200
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement))
    assert issued.status_code == 201, issued.text
    credential = f"/credentials/{issued.json()['id']}"
    # The credential as issued is a plain read; its badge page verifies, its images bake.
    assert client.get(credential).status_code == 200
    assert client.get(credential + ".json").status_code == 200
    _overloaded(client.get(credential, headers={"Accept": "text/html,*/*;q=0.8"}))
    _overloaded(client.get(credential + ".png"))
    _overloaded(client.get(credential + "/preview.png"))  # drawn, like a baked image

    admission.leave()
    assert client.post("/credentials/verify", json={}).status_code == 422
    assert admission.admitted == admission.capacity - 1


# --- real requests hold the share -------------------------------------------------------------


@pytest.fixture
def live(db: Database, tmp_path: Path) -> Iterator[tuple[str, FastAPI, LoopbackServer]]:
    keys = tmp_path / "keys"

    def make(base_url: str) -> FastAPI:
        # Two request jobs per worker: one for anonymous work, one kept; nothing waits.
        app = create_app(Services(db=db, keyring=Keyring(keys, passphrase=None),
                                  lookup=LookupKey(keys), base_url=base_url),
                         threads=2, anonymous_queue=0, rate_limits=NO_LIMIT)
        app.state.verify_policy = FetchPolicy.for_service(
            base_url, allow_http=True, allowed_networks=LOOPBACK)
        return app

    with LoopbackServer() as outside, serving(make) as (base_url, app):
        yield base_url, app, outside


def test_a_verification_in_progress_fills_the_share_and_others_are_turned_away(live) -> None:
    base, app, outside = live
    admission: Admission = app.state.admission
    assert (admission.threads, admission.queue) == (1, 0)
    with httpx.Client(base_url=base, timeout=30) as http, ThreadPoolExecutor(1) as pool:
        make_issuer(http, bearer(api_key(app.state.services)))
        headers = bearer(api_key(app.state.services, issuer_slug="uni"))
        achievement = make_achievement(http, headers)["id"]

        held: Future[httpx.Response] = pool.submit(
            http.get, "/verify", params={"url": f"{outside.base}/slow"})
        _until(lambda: "/slow" in outside.hits, "the verification is fetching")
        assert admission.admitted == 1

        started = time.monotonic()
        _overloaded(http.post("/credentials/verify", json={}))
        assert time.monotonic() - started < 5  # answered, not queued behind the held one
        assert http.get("/health").status_code == 200
        issued = http.post("/issuers/uni/credentials", headers=headers,
                           json=assessment(achievement))
        assert issued.status_code == 201, issued.text

        outside.release.set()
        assert held.result(timeout=30).status_code in (200, 422)
        _until(lambda: admission.admitted == 0, "the held request has left")
        assert http.post("/credentials/verify", json={}).status_code == 422


def test_anonymous_jobs_wait_for_their_share_while_health_and_issuing_run(lms) -> None:
    """Every thread token of the anonymous share is taken: a verification waits for one
    (admitted, not refused), while /health and an issue run on the worker's other tokens."""
    client, headers, achievement = lms
    gate = client.app.state.admission.gate
    portal = client.portal
    assert portal is not None
    holders = [object() for _ in range(int(gate.total_tokens))]
    for holder in holders:
        portal.call(gate.acquire_on_behalf_of, holder)
    verified: dict[str, Any] = {}

    def verify() -> None:
        issued = client.post("/issuers/uni/credentials", headers=headers,
                             json=assessment(achievement, ref="to-verify")).json()
        verified["response"] = client.post("/credentials/verify",
                                           json={"verifiableCredential": issued["credential"]})

    thread = threading.Thread(target=verify)
    thread.start()
    _until(lambda: gate.statistics().tasks_waiting >= 1, "a verification waits for the gate")
    assert client.get("/health").status_code == 200
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement, ref="meanwhile"))
    assert issued.status_code == 201, issued.text
    assert "response" not in verified

    for borrower in holders:
        portal.call(gate.release_on_behalf_of, borrower)
    thread.join(timeout=30)
    assert verified["response"].status_code == 200, verified["response"].text


def test_admission_is_set_from_settings_and_keeps_a_thread_in_reserve(services: Services
                                                                       ) -> None:
    import anyio.to_thread

    from vcissuer.api.asgi import app_options
    from vcissuer.settings import Settings

    def worker_threads(client: TestClient) -> float:
        assert client.portal is not None
        return client.portal.call(
            lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)

    settings = Settings.for_tests(threads=4, anonymous_threads=2, anonymous_queue=5)
    with TestClient(create_app(services, **app_options(settings))) as client:
        admission = client.app.state.admission
        assert (admission.threads, admission.queue) == (2, 5)
        assert worker_threads(client) == 4
    # One request job per worker: anonymous work gets one, and one more is kept in reserve.
    with TestClient(create_app(services, threads=1)) as client:
        assert client.app.state.admission.threads == 1
        assert worker_threads(client) == 2


def test_a_badge_page_for_a_link_preview_crawler_is_admitted_like_a_browser_s(lms) -> None:
    """A link-preview crawler (by its User-Agent) gets the badge page with ``Accept: */*``,
    and the page verifies: it counts against the anonymous share like a browser's request,
    or any client naming a crawler's agent would queue verifications without bound."""
    client, headers, achievement = lms
    issued = client.post("/issuers/uni/credentials", headers=headers,
                         json=assessment(achievement))
    assert issued.status_code == 201, issued.text
    credential = f"/credentials/{issued.json()['id']}"
    crawler = {"User-Agent": "facebookexternalhit/1.1", "Accept": "*/*"}
    page = client.get(credential, headers=crawler)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]

    admission: Admission = client.app.state.admission
    for _ in range(admission.capacity):
        assert admission.try_enter()
    _overloaded(client.get(credential, headers=crawler))
    # The credential as issued is still a plain read.
    assert client.get(credential, headers={"Accept": "*/*"}).status_code == 200


def test_a_request_still_sending_its_body_holds_no_share(services: Services) -> None:
    """A client that sends a verification body slowly (or never finishes it) is not yet asking
    for work: it is admitted once its body is in, so a few slow uploads cannot fill the share
    and turn everyone else away with 503."""
    import anyio

    app = create_app(services, threads=2, anonymous_queue=0, rate_limits=NO_LIMIT)
    admission: Admission = app.state.admission
    assert admission.capacity == 1
    sent: list[dict[str, Any]] = []

    async def main() -> None:
        rest = anyio.Event()
        chunks = [{"type": "http.request", "body": b'{"verifiableCredential":', "more_body": True}]

        async def receive() -> dict[str, Any]:
            if chunks:
                return chunks.pop(0)
            await rest.wait()
            return {"type": "http.request", "body": b"{}}", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": "/credentials/verify",
                 "raw_path": b"/credentials/verify", "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
                 "client": ("192.0.2.1", 5000), "server": ("testserver", 80)}
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(app, scope, receive, send)
            for _ in range(100):
                await anyio.sleep(0)
            assert not chunks  # the first chunk was read
            assert admission.admitted == 0  # half a body holds no share
            rest.set()
        assert admission.admitted == 0

    anyio.run(main)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 422  # the route ran: not a credential
