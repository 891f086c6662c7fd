"""Ed25519 keys held in a PKCS#11 token (an HSM, or SoftHSM2 in tests): the private key never
leaves it.

Keys are generated on the token (CKM_EC_EDWARDS_KEY_PAIR_GEN) or imported once for a migration,
and in both cases stored with CKA_SENSITIVE=true and CKA_EXTRACTABLE=false; signing is C_Sign
with CKM_EDDSA (pure Ed25519, RFC 8032). Each key is a private and a public object sharing one
CKA_LABEL (the key name) and CKA_ID.

A PKCS#11 session runs one operation at a time, so each process keeps one logged-in session,
opened on first use, and signs under a lock. Workers are spawned, not forked (server.py): a
child must not reuse a module its parent initialised, so a new process opens its own session.
https://docs.oasis-open.org/pkcs11/pkcs11-curr/v3.0/pkcs11-curr-v3.0.html (2.3.14, EdDSA)
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

from vcissuer.errors import KeyFormatError, VcError
from vcissuer.keys.base import KeyAlgorithm
from vcissuer.keys.ed25519 import PUBLIC_KEY_LENGTH, SEED_LENGTH, Ed25519KeyPair, Ed25519Verifier

__all__ = ["Pkcs11Ed25519Key", "Pkcs11Ed25519Signer", "Pkcs11Error", "Pkcs11Token"]

ED25519_OID = "1.3.101.112"  # RFC 8410 id-Ed25519, as CKA_EC_PARAMS


class Pkcs11Error(VcError):
    """The token cannot be reached, logged into, or does not hold the key asked for."""


@dataclass(frozen=True, slots=True)
class Pkcs11Ed25519Signer:
    """Signs as verification method ``id`` through C_Sign on the token."""

    id: str
    key: Pkcs11Ed25519Key = field(repr=False, compare=False)
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.ED25519

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)

    def public_jwk(self) -> dict[str, str]:
        return self.key.public_jwk()


class Pkcs11Ed25519Key:
    """An Ed25519 key on a token: its public half in memory, its private half a handle."""

    __slots__ = ("_public", "name", "token")
    algorithm: ClassVar[KeyAlgorithm] = KeyAlgorithm.ED25519
    can_sign: ClassVar[bool] = True

    def __init__(self, token: Pkcs11Token, name: str, public_bytes: bytes) -> None:
        self.token = token
        self.name = name
        self._public = Ed25519KeyPair.from_public_bytes(public_bytes)

    @property
    def public_bytes(self) -> bytes:
        return self._public.public_bytes

    @property
    def public_multibase(self) -> str:
        return self._public.public_multibase

    def public_jwk(self) -> dict[str, str]:
        return self._public.public_jwk()

    def sign(self, data: bytes) -> bytes:
        return self.token.sign(self.name, data)

    def signer(self, id: str) -> Pkcs11Ed25519Signer:
        return Pkcs11Ed25519Signer(id, self)

    def verifier(self, id: str) -> Ed25519Verifier:
        return self._public.verifier(id)

    def __repr__(self) -> str:
        return f"Pkcs11Ed25519Key(name={self.name!r}, public_multibase={self.public_multibase!r})"


def _point_bytes(value: bytes) -> bytes:
    """CKA_EC_POINT of an Ed25519 key: the 32 bytes, bare or as a DER OCTET STRING."""
    if len(value) == PUBLIC_KEY_LENGTH + 2 and value[:2] == bytes((0x04, PUBLIC_KEY_LENGTH)):
        return value[2:]
    if len(value) == PUBLIC_KEY_LENGTH:
        return value
    raise KeyFormatError("the token's CKA_EC_POINT is not an Ed25519 public key")


class Pkcs11Token:
    """A token in a PKCS#11 module, found by label and logged into with the user PIN."""

    def __init__(self, module: str, *, token_label: str, pin: str) -> None:
        if not pin:
            raise Pkcs11Error("no PIN given for the PKCS#11 token")
        self.module = module
        self.token_label = token_label
        self._pin = pin
        self._lock = threading.Lock()
        self._session: Any = None
        self._pid = 0
        self._private: dict[str, Any] = {}

    # -- sessions -----------------------------------------------------------------------------
    def _open(self) -> Any:
        """This process's logged-in read/write session (the lock is held)."""
        if self._session is not None and self._pid == os.getpid():
            return self._session
        import pkcs11
        from pkcs11 import exceptions as p11

        try:
            library = pkcs11.lib(self.module)
        except (OSError, RuntimeError, p11.PKCS11Error) as error:
            raise Pkcs11Error(f"cannot load the PKCS#11 module {self.module}: "
                              f"{type(error).__name__}") from None
        try:
            try:
                token = library.get_token(token_label=self.token_label)
            except p11.NoSuchToken:
                library.reinitialize()  # a token initialised after the module was loaded
                token = library.get_token(token_label=self.token_label)
            try:
                session = token.open(user_pin=self._pin, rw=True)
            except p11.UserAlreadyLoggedIn:
                # A login is per token and process: another session here logged in already.
                session = token.open(rw=True)
        except p11.NoSuchToken:
            raise Pkcs11Error(f"no PKCS#11 token labelled {self.token_label!r} in "
                              f"{self.module}") from None
        except (p11.PinIncorrect, p11.PinLenRange, p11.PinInvalid, p11.PinLocked):
            raise Pkcs11Error(f"the PIN of PKCS#11 token {self.token_label!r} is wrong") from None
        except p11.PKCS11Error as error:
            raise Pkcs11Error(f"cannot open PKCS#11 token {self.token_label!r}: "
                              f"{type(error).__name__}") from None
        self._session, self._pid, self._private = session, os.getpid(), {}
        return session

    def close(self) -> None:
        with self._lock:
            if self._session is not None and self._pid == os.getpid():
                self._session.close()
            self._session, self._private = None, {}

    # -- keys ---------------------------------------------------------------------------------
    def generate(self, name: str) -> Pkcs11Ed25519Key:
        """A new Ed25519 key pair generated on the token, stored as ``name``."""
        from pkcs11 import Attribute, KeyType, Mechanism
        from pkcs11.util.ec import encode_named_curve_parameters

        with self._lock:
            session = self._open()
            self._refuse_taken(session, name)
            parameters = session.create_domain_parameters(
                KeyType.EC_EDWARDS,
                {Attribute.EC_PARAMS: encode_named_curve_parameters(ED25519_OID)}, local=True)
            public, private = parameters.generate_keypair(
                mechanism=Mechanism.EC_EDWARDS_KEY_PAIR_GEN, store=True, label=name,
                id=name.encode(), public_template={Attribute.VERIFY: True},
                private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                                  Attribute.PRIVATE: True, Attribute.SIGN: True})
            self._private[name] = private
            return Pkcs11Ed25519Key(self, name, _point_bytes(public[Attribute.EC_POINT]))

    def import_ed25519(self, name: str, seed: bytes) -> Pkcs11Ed25519Key:
        """Store an existing Ed25519 key (its RFC 8032 seed) as ``name``, sensitive and
        non-extractable from then on: for moving keys onto the token, once."""
        from pkcs11 import Attribute, KeyType, ObjectClass
        from pkcs11.util.ec import encode_named_curve_parameters

        if len(seed) != SEED_LENGTH:
            raise KeyFormatError(f"an Ed25519 seed is {SEED_LENGTH} bytes")
        public_bytes = Ed25519KeyPair.from_seed(seed).public_bytes
        params = encode_named_curve_parameters(ED25519_OID)
        common = {Attribute.KEY_TYPE: KeyType.EC_EDWARDS, Attribute.EC_PARAMS: params,
                  Attribute.TOKEN: True, Attribute.LABEL: name, Attribute.ID: name.encode()}
        with self._lock:
            session = self._open()
            self._refuse_taken(session, name)
            private = session.create_object({
                **common, Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.VALUE: bytes(seed),
                Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False, Attribute.SIGN: True})
            session.create_object({
                **common, Attribute.CLASS: ObjectClass.PUBLIC_KEY, Attribute.VERIFY: True,
                Attribute.EC_POINT: bytes((0x04, PUBLIC_KEY_LENGTH)) + public_bytes})
            self._private[name] = private
        return Pkcs11Ed25519Key(self, name, public_bytes)

    def load(self, name: str) -> Pkcs11Ed25519Key:
        """The key stored as ``name`` (its public half read from the token)."""
        from pkcs11 import Attribute, ObjectClass

        with self._lock:
            public = self._find(self._open(), ObjectClass.PUBLIC_KEY, name)
            return Pkcs11Ed25519Key(self, name, _point_bytes(public[Attribute.EC_POINT]))

    def names(self) -> list[str]:
        """The labels of the private keys on the token, sorted."""
        from pkcs11 import Attribute, ObjectClass

        with self._lock:
            session = self._open()
            return sorted(str(key[Attribute.LABEL]) for key in
                          session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))

    def sign(self, name: str, data: bytes) -> bytes:
        """C_Sign with CKM_EDDSA by the private key ``name``."""
        from pkcs11 import Mechanism, ObjectClass
        from pkcs11 import exceptions as p11

        with self._lock:
            session = self._open()
            private = self._private.get(name)
            if private is None:
                private = self._private[name] = self._find(session, ObjectClass.PRIVATE_KEY,
                                                           name)
            try:
                return bytes(private.sign(data, mechanism=Mechanism.EDDSA))
            except p11.PKCS11Error as error:
                # The token may have restarted or the key gone: the next call starts afresh.
                self._session, self._private = None, {}
                raise Pkcs11Error(f"the token refused to sign with key {name!r}: "
                                  f"{type(error).__name__}") from None

    def _find(self, session: Any, object_class: Any, name: str) -> Any:
        from pkcs11 import exceptions as p11

        try:
            return session.get_key(object_class=object_class, label=name)
        except p11.NoSuchKey:
            raise Pkcs11Error(f"no key {name!r} on PKCS#11 token "
                              f"{self.token_label!r}") from None
        except p11.MultipleObjectsReturned:
            raise Pkcs11Error(f"several keys labelled {name!r} on PKCS#11 token "
                              f"{self.token_label!r}") from None
        except p11.PKCS11Error as error:
            raise Pkcs11Error(f"cannot read key {name!r} from the token: "
                              f"{type(error).__name__}") from None

    def _refuse_taken(self, session: Any, name: str) -> None:
        from pkcs11 import Attribute

        if any(True for _ in session.get_objects({Attribute.LABEL: name})):
            raise FileExistsError(f"the PKCS#11 token already holds a key named {name!r}")

    def __repr__(self) -> str:
        return f"Pkcs11Token({self.module!r}, token_label={self.token_label!r})"
