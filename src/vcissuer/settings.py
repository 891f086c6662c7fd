"""Service configuration from the environment (prefix ``VCISSUER_``), read once per process.

The core never sees this object: the shell reads what it needs and passes plain arguments on.
Tests build a ``Settings`` explicitly (``Settings.for_tests(...)`` or the constructor) instead
of patching the environment.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

__all__ = ["MIB", "LogLevel", "Settings", "get_settings"]

MIB = 1024 * 1024

LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]


class Settings(BaseSettings):
    """Everything the service reads from its environment (``VCISSUER_BASE_URL`` ...)."""

    model_config = SettingsConfigDict(
        env_prefix="VCISSUER_",
        extra="forbid",
        frozen=True,
        # Only real environment variables: a stray .env file must not change a deployment.
        env_file=None,
    )

    # The public origin every id hangs from (DESIGN.md section 2); no trailing slash.
    base_url: str = "http://localhost:8000"
    database_url: str = "sqlite:///./var/vcissuer.sqlite3"
    key_dir: Path = Path("./keys")
    key_passphrase: SecretStr | None = None
    # Where issuer keys live (README "Key custody"): files in KEY_DIR (one machine), the
    # database wrapped under a KEK (several nodes), or a PKCS#11 token.
    key_backend: Literal["file", "database", "pkcs11"] = "file"
    # Key-encryption keys of the database backend: "id:base64key" entries (32 bytes each),
    # comma- or line-separated; the first wraps new keys, all unwrap.
    kek: SecretStr | None = None
    kek_file: Path | None = None
    pkcs11_module: Path | None = None
    pkcs11_token_label: str | None = None
    pkcs11_pin: SecretStr | None = None
    pkcs11_pin_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    # A batch of 1,000 assessment records with evidence fits comfortably in 4 MiB.
    max_body_bytes: int = Field(default=4 * MIB, ge=1024)
    # Request work (database, signing) running at once per worker process. Signing holds the
    # GIL, so more threads add switching, not throughput: a few keep latency low under load.
    threads: int = Field(default=4, ge=1, le=256)
    log_level: LogLevel = "info"
    # Per-client-address limits of the public routes, per family (api/ratelimit.py): requests
    # per second (0: no limit) and burst.
    rate_limit_verify: float = Field(default=5.0, ge=0)
    rate_limit_verify_burst: int = Field(default=20, ge=1)
    rate_limit_wallet: float = Field(default=5.0, ge=0)
    rate_limit_wallet_burst: int = Field(default=20, ge=1)
    # Proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, comma-separated.
    # None by default: the client is the connection's peer.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    # Admission (api/admission.py), per worker: request jobs of anonymous verification running
    # at once (default 1, at most THREADS - 1, so one is always left for /health and the
    # authenticated routes), and how many more verification requests may wait; past that, 503.
    anonymous_threads: int | None = Field(default=None, ge=1, le=255)
    anonymous_queue: int = Field(default=16, ge=0, le=100_000)
    # Seconds a published status list may be cached (its BSL ``ttl`` and Cache-Control
    # max-age). Every node reads lists from the database, so this alone bounds how long a
    # revocation on any node may go unseen by a verifier.
    status_list_ttl: int = Field(default=300, ge=1, le=86_400)

    @field_validator("base_url")
    @classmethod
    def _base_url_is_an_origin(cls, value: str) -> str:
        value = value.rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_is_supported(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+", "postgres:")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies_are_networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.replace(",", " ").split() if part]
        if isinstance(value, list | tuple):
            for entry in value:
                try:
                    ipaddress.ip_network(str(entry).strip(), strict=False)
                except ValueError:
                    raise ValueError(f"trusted_proxies: {str(entry)[:60]!r} is not an IP "
                                     "address or CIDR range") from None
            return tuple(str(entry).strip() for entry in value)
        return value

    def rate_limits(self) -> dict[str, tuple[float, int]]:
        """``{family: (rate, burst)}`` of the public routes (api/ratelimit.py)."""
        return {"verify": (self.rate_limit_verify, self.rate_limit_verify_burst),
                "wallet": (self.rate_limit_wallet, self.rate_limit_wallet_burst)}

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_lowercase(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("key_passphrase", "kek", "pkcs11_pin")
    @classmethod
    def _empty_passphrase_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        # An exported-but-empty variable means "no passphrase", not "the empty passphrase".
        return None if value is not None and not value.get_secret_value() else value

    @model_validator(mode="after")
    def _tls_files_come_in_pairs(self) -> Self:
        if (self.tls_certfile is None) != (self.tls_keyfile is None):
            raise ValueError("tls_certfile and tls_keyfile must be given together")
        return self

    @model_validator(mode="after")
    def _key_backend_is_configured(self) -> Self:
        if self.kek is not None and self.kek_file is not None:
            raise ValueError("give kek or kek_file, not both")
        if self.pkcs11_pin is not None and self.pkcs11_pin_file is not None:
            raise ValueError("give pkcs11_pin or pkcs11_pin_file, not both")
        if self.key_backend == "database" and self.kek is None and self.kek_file is None:
            raise ValueError("key_backend 'database' needs kek or kek_file (the key-encryption "
                             "keys)")
        if self.key_backend == "pkcs11":
            missing = [name for name, value in (
                ("pkcs11_module", self.pkcs11_module),
                ("pkcs11_token_label", self.pkcs11_token_label),
                ("pkcs11_pin or pkcs11_pin_file", self.pkcs11_pin or self.pkcs11_pin_file))
                if not value]
            if missing:
                raise ValueError(f"key_backend 'pkcs11' needs {', '.join(missing)}")
        return self

    def kek_text(self) -> str | None:
        """The KEK ring's text, from ``kek`` or read from ``kek_file``."""
        return _secret(self.kek, self.kek_file)

    def pkcs11_pin_text(self) -> str | None:
        return _secret(self.pkcs11_pin, self.pkcs11_pin_file)

    @property
    def tls_enabled(self) -> bool:
        return self.tls_certfile is not None

    @classmethod
    def for_tests(cls, **values: Any) -> Settings:
        """Settings from ``values`` and defaults only, ignoring the process environment."""
        return _ExplicitSettings(**values)


def _secret(value: SecretStr | None, path: Path | None) -> str | None:
    if value is not None:
        return value.get_secret_value()
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None


class _ExplicitSettings(Settings):
    """Settings whose only source is the constructor's arguments (so tests are hermetic)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use.

    ``get_settings.cache_clear()`` forgets them (tests that change the environment).
    """
    return Settings()
