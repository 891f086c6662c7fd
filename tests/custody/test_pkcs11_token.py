"""The PKCS#11 token wrapper against SoftHSM2: keys made on the token, never extractable,
signing through C_Sign with CKM_EDDSA (PKCS#11 3.0 section 2.3.14; RFC 8032 Ed25519)."""

from __future__ import annotations

import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.conftest_hsm import SoftHsm
from vcissuer.keys import Ed25519KeyPair
from vcissuer.keys.pkcs11 import Pkcs11Error, Pkcs11Token


def _token(hsm: SoftHsm) -> Pkcs11Token:
    return Pkcs11Token(hsm.module, token_label=hsm.token_label, pin=hsm.pin)


def _name() -> str:
    return f"test-{secrets.token_hex(4)}"


def test_a_key_generated_on_the_token_signs_and_cryptography_verifies(softhsm: SoftHsm) -> None:
    token = _token(softhsm)
    key = token.generate(_name())
    signature = key.signer("did:example:1#k").sign(b"to be signed")
    assert len(signature) == 64
    Ed25519PublicKey.from_public_bytes(key.public_bytes).verify(signature, b"to be signed")
    assert key.verifier("did:example:1#k").verify(b"to be signed", signature)
    assert not key.verifier("did:example:1#k").verify(b"other bytes", signature)
    assert key.public_multibase.startswith("z6Mk")


def test_the_private_key_is_sensitive_and_never_extractable(softhsm: SoftHsm) -> None:
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import AttributeSensitive

    token = _token(softhsm)
    generated, imported = _name(), _name()
    token.generate(generated)
    token.import_ed25519(imported, secrets.token_bytes(32))
    with token._lock:  # the test reads attributes through the token's own session
        session = token._open()
        for name in (generated, imported):
            private = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=name)
            assert private[Attribute.SENSITIVE] is True
            assert private[Attribute.EXTRACTABLE] is False
            assert private[Attribute.TOKEN] is True
            with pytest.raises(AttributeSensitive):
                private[Attribute.VALUE]


def test_an_imported_key_signs_as_the_same_key(softhsm: SoftHsm) -> None:
    pair = Ed25519KeyPair.generate()
    from vcissuer.keys import decode_secret_multikey

    _, seed = decode_secret_multikey(pair.secret_multibase())
    key = _token(softhsm).import_ed25519(_name(), seed)
    assert key.public_multibase == pair.public_multibase
    # Ed25519 is deterministic: the token's signature is the in-process one.
    assert key.sign(b"data") == pair.signer("x").sign(b"data")


def test_another_session_loads_a_key_by_name(softhsm: SoftHsm) -> None:
    """What a second node does with a key the first generated (a shared HSM)."""
    name = _name()
    made = _token(softhsm).generate(name)
    other = _token(softhsm)
    loaded = other.load(name)
    assert loaded.public_multibase == made.public_multibase
    assert made.verifier("x").verify(b"m", loaded.sign(b"m"))
    assert name in other.names()


def test_a_taken_name_is_refused(softhsm: SoftHsm) -> None:
    token, name = _token(softhsm), _name()
    token.generate(name)
    with pytest.raises(FileExistsError):
        token.generate(name)


def test_a_missing_key_a_wrong_pin_and_a_missing_token_are_clear_errors(softhsm: SoftHsm
                                                                         ) -> None:
    with pytest.raises(Pkcs11Error, match="no key 'absent'"):
        _token(softhsm).load("absent")
    wrong = Pkcs11Token(softhsm.module, token_label=softhsm.locked_token_label, pin="0000-no")
    with pytest.raises(Pkcs11Error, match=r"PIN .* is wrong"):
        wrong.names()
    with pytest.raises(Pkcs11Error, match="no PKCS#11 token labelled 'nope'"):
        Pkcs11Token(softhsm.module, token_label="nope", pin=softhsm.pin).names()
    with pytest.raises(Pkcs11Error, match="no PIN"):
        Pkcs11Token(softhsm.module, token_label=softhsm.token_label, pin="")


def test_the_pin_never_shows_in_a_repr(softhsm: SoftHsm) -> None:
    token = _token(softhsm)
    key = token.generate(_name())
    for text in (repr(token), repr(key), repr(key.signer("x"))):
        assert softhsm.pin not in text
