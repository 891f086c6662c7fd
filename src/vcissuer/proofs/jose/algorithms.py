"""JWS ``alg`` values we sign and verify, and the key algorithm each one needs.

https://www.imsglobal.org/spec/ob/v3p0/#joseheader — RS256 is the required minimum.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType

from vcissuer.errors import JwtError
from vcissuer.keys.base import KeyAlgorithm

__all__ = ["DEFAULT_ALGORITHMS", "JWS_ALGORITHMS", "jws_algorithm_for", "key_algorithm_for"]

# RFC 7518 section 3.1 (RS256, ES256) and RFC 8037 section 3.1 (EdDSA, Ed25519 only here).
JWS_ALGORITHMS: Mapping[str, KeyAlgorithm] = MappingProxyType({
    "RS256": KeyAlgorithm.RSA,
    "ES256": KeyAlgorithm.P256,
    "EdDSA": KeyAlgorithm.ED25519,
})
DEFAULT_ALGORITHMS: frozenset[str] = frozenset(JWS_ALGORITHMS)
_BY_KEY = {key: alg for alg, key in JWS_ALGORITHMS.items()}


def jws_algorithm_for(algorithm: KeyAlgorithm) -> str:
    """The JWS ``alg`` a key of ``algorithm`` signs with."""
    try:
        return _BY_KEY[KeyAlgorithm(algorithm)]
    except (KeyError, ValueError):
        raise JwtError(f"no JWS algorithm for {algorithm} keys") from None


def key_algorithm_for(
    alg: object, *, allowed: Collection[str] = DEFAULT_ALGORITHMS
) -> KeyAlgorithm:
    """The key algorithm a header ``alg`` needs; JwtError for ``none`` or anything not allowed."""
    if not isinstance(alg, str) or not alg:
        raise JwtError("the JOSE header has no alg")
    if alg not in JWS_ALGORITHMS or alg not in allowed:
        permitted = ", ".join(sorted(a for a in allowed if a in JWS_ALGORITHMS))
        raise JwtError(f"JWS algorithm {alg!r} is not accepted (accepted: {permitted})")
    return JWS_ALGORITHMS[alg]
