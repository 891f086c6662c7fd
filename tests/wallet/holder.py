"""A test wallet: an Ed25519 (or P-256) key, its did:key, key proofs and DIDAuth presentations."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from vcissuer.credentials.contexts import VC_V2
from vcissuer.dids import did_key_from_public
from vcissuer.keys import Ed25519KeyPair, P256KeyPair
from vcissuer.keys.multibase import base64url_decode, base64url_encode
from vcissuer.proofs import Authentication, add_proof
from vcissuer.proofs.jose import sign_compact_jws

PROOF_TYP = "openid4vci-proof+jwt"


@dataclass
class Holder:
    pair: Any
    did: str

    @classmethod
    def ed25519(cls) -> Holder:
        pair = Ed25519KeyPair.generate()
        return cls(pair, did_key_from_public(pair.public_multibase))

    @classmethod
    def p256(cls) -> Holder:
        pair = P256KeyPair.generate()
        return cls(pair, did_key_from_public(pair.public_multibase))

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.pair.public_multibase}"

    @property
    def alg(self) -> str:
        return "EdDSA" if isinstance(self.pair, Ed25519KeyPair) else "ES256"

    def proof(self, *, aud: str, nonce: str | None, iat: float | None = None,
              typ: str | None = PROOF_TYP, header_key: str = "kid",
              header: dict[str, Any] | None = None, claims: dict[str, Any] | None = None) -> str:
        """An OpenID4VCI jwt key proof (OpenID4VCI 1.0 appendix F.1)."""
        head: dict[str, Any] = {"alg": self.alg}
        if typ is not None:
            head["typ"] = typ
        if header_key == "kid":
            head["kid"] = self.kid
        elif header_key == "jwk":
            head["jwk"] = self.pair.public_jwk()
        head.update(header or {})
        payload: dict[str, Any] = {"aud": aud, "iat": int(time.time() if iat is None else iat)}
        if nonce is not None:
            payload["nonce"] = nonce
        payload.update(claims or {})
        return sign_compact_jws(head, json.dumps(payload).encode(),
                                signer=self.pair.signer(self.kid))

    def presentation(self, *, challenge: str | None, domain: str | None,
                     signed: bool = True) -> dict[str, Any]:
        """A DIDAuth VerifiablePresentation (VC 2.0, eddsa-rdfc-2022, authentication)."""
        vp: dict[str, Any] = {"@context": [VC_V2], "type": ["VerifiablePresentation"],
                              "holder": self.did}
        if not signed:
            return vp
        return add_proof(vp, signer=self.pair.signer(self.kid),
                         purpose=Authentication(challenge=challenge, domain=domain))


def tamper_signature(token: str) -> str:
    """The same token with one bit of its signature flipped."""
    head, payload, signature = token.split(".")
    flipped = bytearray(base64url_decode(signature))
    flipped[0] ^= 0x01
    return f"{head}.{payload}.{base64url_encode(bytes(flipped))}"


def assert_verifies(report: Any) -> None:
    """The credential's proof verifies by the issuer's key and it is within its validity
    period (its status list is not fetched here: that check is the verifier's tests')."""
    outcomes = {check.name: str(check.outcome) for check in report.checks}
    for name in ("proof", "issuer key", "validity period"):
        assert outcomes.get(name) == "passed", report.to_json()
