"""Settings: environment with the VCISSUER_ prefix, explicit construction for tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from vcissuer.settings import MIB, Settings, get_settings


def test_defaults() -> None:
    settings = Settings.for_tests()
    assert settings.base_url == "http://localhost:8000"
    assert settings.database_url == "sqlite:///./var/vcissuer.sqlite3"
    assert settings.key_dir == Path("keys")
    assert settings.key_passphrase is None
    assert settings.port == 8000
    assert settings.max_body_bytes == 4 * MIB
    assert not settings.tls_enabled


def test_environment_is_read_with_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VCISSUER_BASE_URL", "https://badges.example.org/")
    monkeypatch.setenv("VCISSUER_PORT", "9443")
    monkeypatch.setenv("VCISSUER_KEY_PASSPHRASE", "s3cret")
    monkeypatch.setenv("VCISSUER_LOG_LEVEL", "DEBUG")
    settings = Settings()
    assert settings.base_url == "https://badges.example.org"
    assert settings.port == 9443
    assert settings.log_level == "debug"
    assert settings.key_passphrase is not None
    assert settings.key_passphrase.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)


def test_for_tests_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VCISSUER_PORT", "9443")
    assert Settings.for_tests(host="0.0.0.0").port == 8000


def test_get_settings_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setenv("VCISSUER_PORT", "1234")
    try:
        assert get_settings() is get_settings()
        assert get_settings().port == 1234
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("values", [
    {"base_url": "localhost:8000"},
    {"database_url": "mysql://x"},
    {"port": 0},
    {"tls_certfile": "cert.pem"},
    {"log_level": "loud"},
    {"unknown": 1},
])
def test_invalid_settings_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings.for_tests(**values)


def test_an_empty_passphrase_means_none() -> None:
    assert Settings.for_tests(key_passphrase="").key_passphrase is None


def test_tls_needs_both_files() -> None:
    settings = Settings.for_tests(tls_certfile="c.pem", tls_keyfile="k.pem")
    assert settings.tls_enabled
