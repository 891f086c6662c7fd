"""The ASGI entry point: ``uvicorn --factory vcissuer.api.asgi:app_from_env``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from vcissuer.api.app import create_app
from vcissuer.api.ratelimit import Limit
from vcissuer.issuance.context import Services
from vcissuer.issuance.custody import CustodyConfig
from vcissuer.keys.wrap import parse_kek_ring
from vcissuer.settings import Settings, get_settings

__all__ = ["app_from_env", "app_options", "custody_from", "services_from"]


def services_from(settings: Settings) -> Services:
    passphrase = settings.key_passphrase
    return Services.create(
        database_url=settings.database_url,
        key_dir=settings.key_dir,
        passphrase=passphrase.get_secret_value().encode() if passphrase else None,
        base_url=settings.base_url,
        custody=custody_from(settings),
        status_list_ttl=settings.status_list_ttl,
    )


def custody_from(settings: Settings) -> CustodyConfig:
    """The key backend's configuration; a malformed KEK or unreadable file is a clear error."""
    kek = settings.kek_text()
    return CustodyConfig(
        backend=settings.key_backend,
        kek_ring=parse_kek_ring(kek) if kek else None,
        pkcs11_module=str(settings.pkcs11_module) if settings.pkcs11_module else None,
        pkcs11_token_label=settings.pkcs11_token_label,
        pkcs11_pin=settings.pkcs11_pin_text(),
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
