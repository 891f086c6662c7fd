"""Decoding untrusted base58btc/base64url costs little: lengths are checked before any arithmetic.

A signature or key has a known size (Ed25519 signature 64 bytes, Ed25519 Multikey 34, P-256
Multikey 35, JWK coordinates 32), so text longer than such a value can take is refused unread.
Each test times the refusal with time.perf_counter: the real cost is microseconds; the bound is
generous so that a loaded machine does not make the test flaky, and still far below the
seconds a quadratic decoder spends on the same input.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcissuer.dids import resolve_did_key, verifier_from_method
from vcissuer.errors import KeyFormatError, ProofError, ResolutionError, VcError
from vcissuer.keys import Ed25519KeyPair, verifier_from_jwk
from vcissuer.keys.multibase import (
    MAX_MULTIBASE_CHARS,
    MultibaseError,
    base58btc_decode,
    base58btc_encode,
    base58btc_max_chars,
    base64url_decode,
    multibase_decode,
)
from vcissuer.keys.multikey import decode_public_multikey, decode_secret_multikey
from vcissuer.proofs.suites.eddsa_rdfc_2022 import decode_ed25519_proof_value

HUGE = 200_000
BOUND = 0.05  # seconds; the quadratic decoder took 2.3 s on a 200,000-character proofValue


def _refused_quickly(call: Callable[[], object], error: type[Exception] = VcError) -> str:
    started = time.perf_counter()
    with pytest.raises(error) as raised:
        call()
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND, f"refusal took {elapsed:.3f} s"
    return str(raised.value)


def test_a_200000_character_proof_value_is_refused_unread() -> None:
    """https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022 — proofValue is the multibase
    base58btc of a 64-byte Ed25519 signature: at most 88 characters after the ``z``."""
    message = _refused_quickly(lambda: decode_ed25519_proof_value("z" + "2" * HUGE), ProofError)
    assert f"{HUGE} characters" in message and "at most 88" in message


def test_the_longest_legal_signature_still_decodes() -> None:
    largest = b"\xff" * 64
    text = "z" + base58btc_encode(largest)
    assert len(text) == 1 + base58btc_max_chars(64) == 89
    assert decode_ed25519_proof_value(text) == largest
    assert decode_ed25519_proof_value("z" + "1" * 64) == b"\0" * 64


@pytest.mark.parametrize("call", [
    lambda: decode_public_multikey("z" + "2" * HUGE),
    lambda: decode_secret_multikey("z" + "2" * HUGE),
    lambda: decode_public_multikey("z6Mk" + "2" * HUGE),
], ids=["public", "secret", "ed25519-prefix"])
def test_a_huge_multikey_is_refused_unread(call: Callable[[], object]) -> None:
    """https://www.w3.org/TR/cid-1.0/#Multikey — a header and a key of fixed length."""
    assert "characters" in _refused_quickly(call, KeyFormatError)


def test_a_huge_did_key_is_refused_unread() -> None:
    """https://w3c-ccg.github.io/did-key-spec/ — the identifier is one public Multikey."""
    message = _refused_quickly(lambda: resolve_did_key("did:key:z6Mk" + "x" * HUGE),
                               ResolutionError)
    assert "characters" in message


def test_a_huge_public_key_base58_is_refused_unread() -> None:
    method = {"id": "did:example:1#k", "type": "Ed25519VerificationKey2018",
              "controller": "did:example:1", "publicKeyBase58": "2" * HUGE}
    assert "characters" in _refused_quickly(
        lambda: verifier_from_method(method, id=method["id"]), ResolutionError)


@pytest.mark.parametrize("jwk", [
    {"kty": "OKP", "crv": "Ed25519", "x": "A" * HUGE},
    {"kty": "EC", "crv": "P-256", "x": "A" * HUGE, "y": "A" * 43},
    {"kty": "RSA", "n": "A" * HUGE, "e": "AQAB"},
    {"kty": "RSA", "n": "A" * 342, "e": "A" * 5000},
], ids=["okp", "ec", "rsa-modulus", "rsa-exponent"])
def test_huge_jwk_members_are_refused_unread(jwk: dict[str, str]) -> None:
    assert "characters" in _refused_quickly(lambda: verifier_from_jwk(jwk), KeyFormatError)


def test_an_undeclared_length_is_still_capped() -> None:
    _refused_quickly(lambda: base58btc_decode("2" * HUGE), MultibaseError)
    _refused_quickly(lambda: multibase_decode("u" + "A" * HUGE), MultibaseError)
    assert base58btc_decode("2" * MAX_MULTIBASE_CHARS)  # the cap itself is allowed


def test_decoded_length_is_checked_even_when_the_text_fits() -> None:
    # 88 characters of "z" (the largest digit) spell a number over 64 bytes.
    with pytest.raises(MultibaseError, match="more than 64"):
        base58btc_decode("z" * 88, max_bytes=64)
    with pytest.raises(MultibaseError, match="at most 4 bytes"):
        base64url_decode("AAAAAAAA", max_bytes=4)


@settings(max_examples=300)
@given(st.binary(max_size=200) | st.builds(lambda n, tail: b"\0" * n + tail,
                                           st.integers(0, 70), st.binary(max_size=70)))
def test_the_length_bound_is_never_too_tight(data: bytes) -> None:
    text = base58btc_encode(data)
    assert len(text) <= base58btc_max_chars(len(data))
    assert base58btc_decode(text, max_bytes=len(data)) == data


@settings(max_examples=40)
@given(st.binary(min_size=200, max_size=2900))
def test_long_values_decode_by_halves_exactly(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


def test_decoding_the_largest_allowed_text_is_fast() -> None:
    # Halving keeps the biggest allowed value cheap too (quadratic digit-by-digit arithmetic
    # is what made megabyte inputs cost minutes).
    text = base58btc_encode(b"\xff" * 2990)
    assert len(text) <= MAX_MULTIBASE_CHARS
    started = time.perf_counter()
    assert base58btc_decode(text) == b"\xff" * 2990
    assert time.perf_counter() - started < 0.5


def test_a_legal_ed25519_key_round_trips() -> None:
    keys = Ed25519KeyPair.generate()
    assert decode_public_multikey(keys.public_multibase)[1] == keys.public_bytes
