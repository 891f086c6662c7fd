"""Test CLRs: distinct signed micro-credentials of a test issuer, and records embedding them."""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import VECTORS, load_json
from tests.verify.issuing import NOW, Issuer
from vcissuer.credentials.clr import Association, build_clr

MICRO = VECTORS / "vcissuer/realistic-microcredential.json"
LEARNER = "did:example:learner-7"


def micro_credentials(issuer: Issuer, count: int, *, sign: bool = True,
                      statuses: list[dict[str, Any] | None] | None = None
                      ) -> list[dict[str, Any]]:
    """``count`` credentials of ``issuer``, each for another achievement, to ``LEARNER``."""
    out = []
    for n in range(count):
        document = copy.deepcopy(load_json(MICRO))
        document.pop("proof", None)
        document["id"] = f"https://issuer.example/credentials/{n:04d}"
        document["name"] = f"Module {n}"
        document["issuer"]["id"] = issuer.did
        subject = document["credentialSubject"]
        subject["id"] = LEARNER
        subject["achievement"]["id"] = f"https://issuer.example/achievements/module-{n}"
        subject["achievement"]["name"] = f"Module {n}"
        if statuses is not None and statuses[n] is not None:
            document["credentialStatus"] = statuses[n]
        out.append(issuer.sign(document) if sign else document)
    return out


def record(issuer: Issuer, credentials: list[dict[str, Any]], *, sign: bool = True,
           associations: tuple[Association, ...] = (), **options: Any) -> dict[str, Any]:
    """A ClrCredential of ``issuer`` for ``LEARNER`` embedding ``credentials``."""
    document = build_clr(credential_id="https://issuer.example/credentials/clr-1",
                         issuer={"id": issuer.did, "type": ["Profile"], "name": "Acme"},
                         name="Comprehensive Learner Record", valid_from=NOW,
                         credentials=credentials, subject_id=LEARNER,
                         associations=associations, **options)
    return issuer.sign(document) if sign else document
