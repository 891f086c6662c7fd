"""Key wrapping under a KEK ring: AES-256-GCM bound to the key's name, algorithm and KEK id."""

from __future__ import annotations

import base64
import os

import pytest

from vcissuer.keys.wrap import KEK_BYTES, KekRing, KeyWrapError, WrappedKey, parse_kek_ring

SECRET = b"-----BEGIN PRIVATE KEY-----\nnot really a key, but secret all the same\n"


def _kek() -> bytes:
    return os.urandom(KEK_BYTES)


def _text(kek_id: str, key: bytes) -> str:
    return f"{kek_id}:{base64.urlsafe_b64encode(key).decode().rstrip('=')}"


def test_wrap_then_unwrap_gives_the_plaintext_back_under_the_primary_kek() -> None:
    ring = KekRing([("k2", _kek()), ("k1", _kek())])
    wrapped = ring.wrap(SECRET, name="uni-1", algorithm="Ed25519")
    assert wrapped.kek_id == "k2" and SECRET not in wrapped.ciphertext
    assert ring.unwrap(wrapped, name="uni-1", algorithm="Ed25519") == SECRET
    # A fresh nonce each time: the same key wraps to different ciphertexts.
    assert ring.wrap(SECRET, name="uni-1", algorithm="Ed25519").nonce != wrapped.nonce


@pytest.mark.parametrize("change", ["ciphertext", "nonce", "tag"])
def test_a_tampered_wrapping_is_refused(change: str) -> None:
    ring = KekRing([("k1", _kek())])
    wrapped = ring.wrap(SECRET, name="uni-1", algorithm="Ed25519")
    ciphertext, nonce = bytearray(wrapped.ciphertext), bytearray(wrapped.nonce)
    if change == "ciphertext":
        ciphertext[0] ^= 1
    elif change == "nonce":
        nonce[0] ^= 1
    else:
        ciphertext[-1] ^= 1
    with pytest.raises(KeyWrapError, match="tampered"):
        ring.unwrap(WrappedKey("k1", bytes(nonce), bytes(ciphertext)), name="uni-1",
                    algorithm="Ed25519")


def test_a_row_moved_to_another_key_name_or_algorithm_is_refused() -> None:
    """The associated data names the key: swapping two rows' ciphertexts cannot make one
    issuer sign with another's key."""
    ring = KekRing([("k1", _kek())])
    wrapped = ring.wrap(SECRET, name="uni-1", algorithm="Ed25519")
    with pytest.raises(KeyWrapError):
        ring.unwrap(wrapped, name="other-1", algorithm="Ed25519")
    with pytest.raises(KeyWrapError):
        ring.unwrap(wrapped, name="uni-1", algorithm="P-256")
    # ... or relabelled as wrapped under another KEK id that holds the same bytes.
    key = _kek()
    under_a = KekRing([("a", key)]).wrap(SECRET, name="n", algorithm="x")
    with pytest.raises(KeyWrapError):
        KekRing([("a", key), ("b", key)]).unwrap(
            WrappedKey("b", under_a.nonce, under_a.ciphertext), name="n", algorithm="x")


def test_a_wrong_kek_and_an_unknown_kek_id_are_clear_errors_without_key_bytes() -> None:
    right, wrong = _kek(), _kek()
    wrapped = KekRing([("k1", right)]).wrap(SECRET, name="uni-1", algorithm="Ed25519")
    with pytest.raises(KeyWrapError) as error:
        KekRing([("k1", wrong)]).unwrap(wrapped, name="uni-1", algorithm="Ed25519")
    assert "'uni-1'" in error.value.message and "'k1'" in error.value.message
    with pytest.raises(KeyWrapError, match="KEK 'k1', which this node was not given"):
        KekRing([("k2", right)]).unwrap(wrapped, name="uni-1", algorithm="Ed25519")
    for text in (error.value.message, repr(KekRing([("k1", right)]))):
        assert base64.urlsafe_b64encode(right).decode()[:20] not in text


def test_rewrap_moves_a_key_to_the_primary_kek() -> None:
    old, new = _kek(), _kek()
    wrapped = KekRing([("old", old)]).wrap(SECRET, name="n", algorithm="Ed25519")
    both = KekRing([("new", new), ("old", old)])
    moved = both.rewrap(wrapped, name="n", algorithm="Ed25519")
    assert moved.kek_id == "new"
    assert KekRing([("new", new)]).unwrap(moved, name="n", algorithm="Ed25519") == SECRET
    assert both.rewrap(moved, name="n", algorithm="Ed25519") is moved


def test_parse_kek_ring_reads_ids_and_base64_and_keeps_the_order() -> None:
    one, two = _kek(), _kek()
    standard = base64.b64encode(two).decode()  # padded, standard alphabet: accepted too
    ring = parse_kek_ring(f"# rotated 2026-12\n{_text('k2', one)}\n k1:{standard} \n")
    assert ring.ids == ("k2", "k1") and ring.primary == "k2"
    assert parse_kek_ring(f"{_text('a', one)},{_text('b', two)}").ids == ("a", "b")


@pytest.mark.parametrize(("text", "message"), [
    ("", "no key-encryption key"),
    ("justbase64", "'id:base64key'"),
    (f"k1:{base64.b64encode(b'short').decode()}", "AES-256 needs 32"),
    ("bad id!:AAAA", "is not 1-32 letters"),
    ("k1:@@@@", "not base64"),
])
def test_parse_kek_ring_refuses_malformed_text(text: str, message: str) -> None:
    with pytest.raises(KeyWrapError, match=message):
        parse_kek_ring(text)


def test_a_kek_id_given_twice_is_refused() -> None:
    with pytest.raises(KeyWrapError, match="given twice"):
        KekRing([("k1", _kek()), ("k1", _kek())])
