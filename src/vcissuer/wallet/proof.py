"""The OpenID4VCI ``jwt`` key proof: who the wallet is, and that it holds the key right now.

https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html appendix F.1 — header
``typ`` ``openid4vci-proof+jwt``, ``alg`` EdDSA or ES256, the key as a did:key DID URL
(``kid``) or a public ``jwk``; claims ``aud`` (the Credential Issuer Identifier), ``iat`` and
``nonce`` (a ``c_nonce``). The credential is bound to the key's DID: the did:key itself, or the
did:key of the ``jwk``. Every failure is ``invalid_proof``; whether the nonce is still live is
the caller's to decide (``invalid_nonce``), after the signature has verified.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vcissuer.dids import AUTHENTICATION, DidKeyResolver, did_key_from_public
from vcissuer.errors import JwtError, VcError
from vcissuer.keys import key_pair_from_jwk
from vcissuer.keys.base import Verifier
from vcissuer.keys.jwk import PRIVATE_JWK_MEMBERS
from vcissuer.proofs.jose import key_algorithm_for, parse_compact_jws
from vcissuer.proofs.jose.jws import json_object
from vcissuer.wallet.errors import OAuthError
from vcissuer.wallet.metadata import PROOF_ALGORITHMS, PROOF_TYP

__all__ = ["KeyProof", "verify_key_proof"]


@dataclass(frozen=True, slots=True)
class KeyProof:
    """A verified key proof: the DID the credential is bound to, and the nonce it carries."""

    holder_did: str
    nonce: str
    key_id: str


def _invalid(description: str) -> OAuthError:
    return OAuthError("invalid_proof", description)


def _key_from_kid(kid: Any) -> tuple[Verifier, str, str]:
    if not isinstance(kid, str) or not kid.startswith("did:key:"):
        raise _invalid("kid must be a did:key DID URL (or send the key as jwk)")
    try:
        method = DidKeyResolver().resolve(kid, purpose=AUTHENTICATION)
    except VcError as error:
        raise _invalid(f"kid does not resolve: {error.message}") from None
    return method.verifier, method.controller, method.id


def _key_from_jwk(jwk: Any) -> tuple[Verifier, str, str]:
    if not isinstance(jwk, Mapping):
        raise _invalid("the jwk header must be a JSON object")
    if PRIVATE_JWK_MEMBERS.intersection(jwk):
        raise _invalid("the jwk header must hold a public key only")
    if jwk.get("kty") not in ("OKP", "EC"):
        raise _invalid("the jwk must be an Ed25519 (OKP) or P-256 (EC) key")
    try:
        pair = key_pair_from_jwk(jwk)
        did = did_key_from_public(pair.public_multibase)
    except VcError as error:
        raise _invalid(f"the jwk is not a usable Ed25519 or P-256 key: {error.message}") from None
    method_id = f"{did}#{pair.public_multibase}"
    return pair.verifier(method_id), did, method_id


def _check_header(header: Mapping[str, Any]) -> None:
    if header.get("typ") != PROOF_TYP:
        raise _invalid(f"the proof's typ must be {PROOF_TYP}")
    if "crit" in header:
        raise _invalid("the proof lists critical header extensions this issuer does not know")
    present = [name for name in ("kid", "jwk", "x5c") if name in header]
    if present == ["x5c"]:
        raise _invalid("x5c key proofs are not supported: use a did:key kid or a jwk")
    if len(present) != 1:
        raise _invalid("the proof header must carry exactly one of kid and jwk")


def _check_claims(claims: Mapping[str, Any], *, audience: str, now: datetime,
                  max_age: timedelta, skew: timedelta) -> str:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience not in audiences:
        raise _invalid(f"the proof's aud must be the Credential Issuer {audience}")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool) or not math.isfinite(iat):
        raise _invalid("the proof needs iat, a NumericDate")
    issued = now.timestamp() - iat
    if issued > (max_age + skew).total_seconds():
        raise _invalid("the proof is stale (iat too old): make a new one with a fresh c_nonce")
    if -issued > skew.total_seconds():
        raise _invalid("the proof's iat is in the future")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise _invalid("the proof carries no nonce: get a c_nonce from the nonce endpoint")
    return nonce


def verify_key_proof(token: Any, *, audience: str, now: datetime, max_age: timedelta,
                     skew: timedelta) -> KeyProof:
    """Verify one ``jwt`` key proof; OAuthError ``invalid_proof`` for every way it can fail."""
    if not isinstance(token, str):
        raise _invalid("a jwt key proof must be a string")
    try:
        jws = parse_compact_jws(token)
        key_algorithm = key_algorithm_for(jws.header.get("alg"), allowed=PROOF_ALGORITHMS)
        claims = json_object(jws.payload, what="proof payload")
    except JwtError as error:
        raise _invalid(f"the proof is not a usable JWT: {error.message}") from None
    _check_header(jws.header)
    if "kid" in jws.header:
        verifier, did, key_id = _key_from_kid(jws.header["kid"])
    else:
        verifier, did, key_id = _key_from_jwk(jws.header["jwk"])
    if verifier.algorithm != key_algorithm:
        raise _invalid(f"alg {jws.header['alg']} does not fit a {verifier.algorithm} key")
    if not verifier.verify(jws.signing_input, jws.signature):
        raise _invalid("the proof's signature does not verify")
    nonce = _check_claims(claims, audience=audience, now=now, max_age=max_age, skew=skew)
    return KeyProof(holder_did=did, nonce=nonce, key_id=key_id)
