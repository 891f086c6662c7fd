"""The ASGI entry point: ``uvicorn --factory vcissuer.api.asgi:app_from_env``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import Limit
from vcissuer.issuance.context import Services
from vcissuer.settings import Settings, get_settings

__all__ = ["app_from_env", "app_options", "services_from"]


def services_from(settings: Settings) -> Services:
    passphrase = settings.key_passphrase
    return Services.create(
        database_url=settings.database_url,
        key_dir=settings.key_dir,
        passphrase=passphrase.get_secret_value().encode() if passphrase else None,
        base_url=settings.base_url,
        status_list_ttl=settings.status_list_ttl,
    )


def app_options(settings: Settings) -> dict[str, Any]:
    """The arguments of :func:`create_app` that come from ``settings``."""
    return {
        "max_body_bytes": settings.max_body_bytes,
        "threads": settings.threads,
        "rate_limits": {family: Limit(rate, burst)
                        for family, (rate, burst) in settings.rate_limits().items()},
        "trusted_proxies": settings.trusted_proxies,
        "anonymous_threads": settings.anonymous_threads,
        "anonymous_queue": settings.anonymous_queue,
    }


def app_from_env() -> FastAPI:
    settings = get_settings()
    return create_app(services_from(settings), serving=True, **app_options(settings))
