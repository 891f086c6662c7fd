"""VC-JWT through VC-API ``POST /credentials/issue``: what it needs and what it answers.

- An Open Badges (or CLR) credential is signed as OB 3.0 #jwt-proof says: ``jti`` and ``nbf``
  are REQUIRED, so it needs ``id`` and ``validFrom`` (422 naming them, never a 500). Any other
  VCDM 2.0 credential is secured per VC-JOSE-COSE (typ ``vc+jwt``, the payload is the
  credential), where both are optional.
- The answer is an object, as VC-API clients expect: for VCDM 2.0 an
  ``EnvelopedVerifiableCredential`` whose ``id`` is ``data:application/vc+jwt,<token>`` (VCDM 2.0
  section 4.13, "Enveloped Verifiable Credentials"). A VCDM 1.1 credential's token (the ``vc``
  claim, VCDM 1.1 section 6.3.1) has no envelope in 1.1, so it stays the compact string.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vcissuer.errors import JwtError
from vcissuer.issuance.errors import FieldError
from vcissuer.proofs.jose import envelope, parse_compact_jws, profile_for
from vcissuer.proofs.jose.claims import is_vcdm1

__all__ = ["jwt_field_errors", "vc_api_jwt"]


def jwt_field_errors(credential: Mapping[str, Any]) -> list[FieldError]:
    """What keeps ``credential`` from being signed as a VC-JWT (OB 3.0 #jwt-proof)."""
    if profile_for(credential) != "ob":
        return []
    start = "issuanceDate" if is_vcdm1(credential) else "validFrom"
    return [FieldError(f"credential.{prop}", "required",
                       f"an Open Badges VC-JWT needs {prop}: the {claim} claim is REQUIRED "
                       "(OB 3.0 #jwt-proof)")
            for prop, claim in (("id", "jti"), (start, "nbf"))
            if not isinstance(credential.get(prop), str)]


def vc_api_jwt(token: str) -> dict[str, Any] | str:
    """The ``verifiableCredential`` VC-API answers for a VC-JWT it issued."""
    try:
        payload = json.loads(parse_compact_jws(token).payload)
    except (JwtError, ValueError):
        return token  # not ours to reinterpret: served as stored
    if isinstance(payload, dict) and isinstance(payload.get("vc"), dict) and is_vcdm1(
            payload["vc"]):
        return token
    return envelope(token)
