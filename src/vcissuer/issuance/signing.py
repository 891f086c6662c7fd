"""Signing with an issuer's active key: eddsa-rdfc-2022 by default, eddsa-jcs-2022, or VC-JWT."""

from __future__ import annotations

import json
from typing import Any, Literal

from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Conflict
from vcissuer.keys import Signer
from vcissuer.proofs import Cryptosuite, EddsaJcs2022, EddsaRdfc2022, add_proof
from vcissuer.store import IssuerKeyRecord, IssuerKeyRepository, IssuerRecord

__all__ = ["CRYPTOSUITES", "active_signer", "serialize", "sign_credential", "sign_with",
           "signer_for"]

# The Data Integrity suites an issuer signs with, by name; the first is the default.
CRYPTOSUITES: dict[str, Cryptosuite] = {
    suite.name: suite for suite in (EddsaRdfc2022(), EddsaJcs2022())
}


def serialize(document: Any) -> str:
    """The exact text stored and served for a JSON credential."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def active_signer(services: Services, session: Any, issuer: IssuerRecord) -> Signer:
    """The issuer's active key, as a Signer named by its verification method."""
    return signer_for(services, IssuerKeyRepository(session).active(issuer_id=issuer.id))


def signer_for(services: Services, key: IssuerKeyRecord | None) -> Signer:
    """The Signer of an issuer's active ``key`` (Conflict when it has none)."""
    if key is None:
        raise Conflict("the issuer has no active key (the last one was marked compromised); "
                       "rotate its key first")
    return services.keyring.load(key.key_name).signer(key.verification_method)


def sign_credential(services: Services, session: Any, issuer: IssuerRecord,
                    credential: dict[str, Any], *, fmt: Literal["ldp", "jwt"] = "ldp",
                    created: Any = None, cryptosuite: str | None = None) -> str:
    """The signed credential as text (JSON with an embedded proof, or a compact JWS)."""
    return sign_with(services, active_signer(services, session, issuer), credential, fmt=fmt,
                     created=created, cryptosuite=cryptosuite)


def sign_with(services: Services, signer: Signer, credential: dict[str, Any], *,
              fmt: Literal["ldp", "jwt"] = "ldp", created: Any = None,
              cryptosuite: str | None = None) -> str:
    """Sign with a given Signer: a Data Integrity proof (``ldp``; eddsa-rdfc-2022 unless
    ``cryptosuite`` names another of :data:`CRYPTOSUITES`) or VC-JWT.

    A VC-JWT follows OB 3.0 for Open Badges (and CLR) credentials, VC-JOSE-COSE (``vc+jwt``)
    for any other VCDM 2.0 credential (:func:`vcissuer.proofs.jose.profile_for`).
    """
    if fmt == "jwt":
        from vcissuer.proofs.jose import encode_vc_jwt, profile_for

        if services.canonicalizer.safe:  # undefined terms are refused whatever secures them
            services.canonicalizer.expand(credential)
        return encode_vc_jwt(credential, signer, header_key="kid",
                             profile=profile_for(credential))
    suite = CRYPTOSUITES[cryptosuite or EddsaRdfc2022.name]
    if suite.name == EddsaJcs2022.name and services.canonicalizer.safe:
        # JCS signs the JSON text without JSON-LD processing; the issuer still refuses what
        # the @context leaves undefined or relative, as it does for eddsa-rdfc-2022.
        services.canonicalizer.expand(credential)
    return serialize(add_proof(credential, signer=signer, suite=suite,
                               canonicalizer=services.canonicalizer, clock=services.clock,
                               created=created))
