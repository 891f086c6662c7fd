"""The key store: file and directory modes, encryption, passphrases, names, listing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from vcissuer.errors import KeyFormatError
from vcissuer.keys import (
    Ed25519KeyPair,
    KeyAlgorithm,
    KeyStore,
    P256KeyPair,
    RsaKeyPair,
)

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture(scope="module")
def rsa_pair() -> RsaKeyPair:
    return RsaKeyPair.generate()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generate_and_load_ed25519(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    pair = store.generate("issuer-1")
    loaded = store.load("issuer-1")
    assert isinstance(loaded, Ed25519KeyPair)
    assert loaded.public_multibase == pair.public_multibase
    assert loaded.can_sign
    assert store.algorithm("issuer-1") is KeyAlgorithm.ED25519


def test_generate_p256_by_name(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    pair = store.generate("p", algorithm="P-256")
    loaded = store.load("p")
    assert isinstance(loaded, P256KeyPair)
    assert loaded.public_multibase == pair.public_multibase


def test_save_and_load_rsa(tmp_path: Path, rsa_pair: RsaKeyPair) -> None:
    store = KeyStore(tmp_path, passphrase=PASSPHRASE)
    store.save("rsa", rsa_pair)
    loaded = store.load("rsa")
    assert isinstance(loaded, RsaKeyPair)
    assert loaded.public_jwk() == rsa_pair.public_jwk()
    assert store.algorithm("rsa") is KeyAlgorithm.RSA


def test_file_mode_is_0600_and_directory_0700(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = KeyStore(tmp_path / "nested" / "keys")
        path = store.save("k", Ed25519KeyPair.generate())
    finally:
        os.umask(old)
    assert _mode(path) == 0o600
    assert _mode(tmp_path / "nested" / "keys") == 0o700


def test_unencrypted_files_are_pkcs8(tmp_path: Path) -> None:
    path = KeyStore(tmp_path).save("k", Ed25519KeyPair.generate())
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_encrypted_files_are_encrypted_pkcs8(tmp_path: Path) -> None:
    pair = Ed25519KeyPair.generate()
    path = KeyStore(tmp_path, passphrase=PASSPHRASE).save("k", pair)
    data = path.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    loaded = KeyStore(tmp_path, passphrase=PASSPHRASE).load("k")
    assert loaded.public_multibase == pair.public_multibase  # type: ignore[union-attr]


def test_list_names_only_key_files(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    (tmp_path / "README.md").write_text("not a key")
    (tmp_path / "sub.pem").mkdir()
    store.generate("b")
    store.generate("a", algorithm=KeyAlgorithm.P256)
    assert store.list() == ["a", "b"]
    assert "a" in store and "c" not in store


def test_list_of_a_missing_directory_is_empty(tmp_path: Path) -> None:
    assert KeyStore(tmp_path / "nope").list() == []


# --- every way it fails --------------------------------------------------------------------

def test_wrong_passphrase(tmp_path: Path) -> None:
    KeyStore(tmp_path, passphrase=PASSPHRASE).generate("k")
    with pytest.raises(KeyFormatError, match="wrong passphrase") as caught:
        KeyStore(tmp_path, passphrase=b"wrong").load("k")
    assert "wrong" not in str(caught.value).replace("wrong passphrase", "")
    assert PASSPHRASE.decode() not in str(caught.value)


def test_missing_passphrase(tmp_path: Path) -> None:
    KeyStore(tmp_path, passphrase=PASSPHRASE).generate("k")
    with pytest.raises(KeyFormatError, match="passphrase is needed"):
        KeyStore(tmp_path).load("k")


def test_passphrase_for_an_unencrypted_key(tmp_path: Path) -> None:
    KeyStore(tmp_path).generate("k")
    with pytest.raises(KeyFormatError, match="not encrypted"):
        KeyStore(tmp_path, passphrase=PASSPHRASE).load("k")


def test_damaged_file(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    path = store.generate("k") and store.path("k")
    path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(KeyFormatError, match="not a valid PEM"):
        store.load("k")


def test_unsupported_key_type(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    store = KeyStore(tmp_path)
    store.path("p384").write_bytes(pem)
    with pytest.raises(KeyFormatError, match="P-256"):
        store.load("p384")


def test_missing_key(tmp_path: Path) -> None:
    with pytest.raises(KeyFormatError, match="no key named"):
        KeyStore(tmp_path).load("ghost")


def test_existing_name_is_not_overwritten(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    first = store.generate("k")
    with pytest.raises(FileExistsError):
        store.generate("k")
    assert store.load("k").public_multibase == first.public_multibase  # type: ignore[union-attr]


def test_a_symlink_is_not_followed(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    store.generate("real")
    target = tmp_path / "elsewhere.pem"
    (tmp_path / "keys" / "link.pem").symlink_to(target)
    with pytest.raises(OSError):  # O_EXCL refuses an existing link
        store.save("link", Ed25519KeyPair.generate())
    assert not target.exists()


@pytest.mark.parametrize("name", [
    "", "../evil", "a/b", "/etc/passwd", ".hidden", "a\\b", "a\0b", "..", "a..b", "-flag",
    "x" * 65, "name with space", "é",
])
def test_path_tricks_are_refused(tmp_path: Path, name: str) -> None:
    store = KeyStore(tmp_path)
    with pytest.raises(ValueError, match="key name"):
        store.path(name)
    with pytest.raises(ValueError, match="key name"):
        store.load(name)


def test_public_only_pairs_cannot_be_saved(tmp_path: Path) -> None:
    public = Ed25519KeyPair.from_multikey(Ed25519KeyPair.generate().public_multibase)
    with pytest.raises(KeyFormatError, match="no private key"):
        KeyStore(tmp_path).save("k", public)
    assert KeyStore(tmp_path).list() == []


def test_bad_passphrases_are_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        KeyStore("keys", passphrase=b"")
    with pytest.raises(TypeError):
        KeyStore("keys", passphrase="text")  # type: ignore[arg-type]


def test_unknown_algorithm(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        KeyStore(tmp_path).generate("k", algorithm="secp256k1")
