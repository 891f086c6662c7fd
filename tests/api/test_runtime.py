"""Serving set-up: the thread limit and the worker's warm-up and frozen heap."""

from __future__ import annotations

import gc

import anyio.to_thread
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services


def test_serving_sets_the_thread_limit_and_freezes_the_warm_heap(services: Services) -> None:
    app = create_app(services, threads=3, serving=True)
    seen = {}

    @app.get("/_limit")
    async def limit() -> dict[str, float]:
        return {"tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}

    try:
        with TestClient(app) as client:
            seen = client.get("/_limit").json()
            frozen = gc.get_freeze_count()
            memo = services.canonicalizer._memo.processed
    finally:
        gc.unfreeze()
    assert seen == {"tokens": 3}
    assert frozen > 10_000  # modules, processed contexts: out of the collector's walk
    assert memo  # the contexts credentials are signed with were processed at start-up


def test_an_app_not_serving_leaves_the_process_alone(services: Services) -> None:
    app: FastAPI = create_app(services)
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
    assert gc.get_freeze_count() == 0
