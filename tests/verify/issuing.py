"""Test issuers: a did:web issuer whose DID document a FakeWeb serves, credentials it signs,
and status lists (of any length) it publishes."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.conftest import load_json
from tests.net.fakeweb import FakeWeb
from vcissuer.dids import did_web_to_url
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof
from vcissuer.status import Bitstring, BitstringStatusListEntry

CREDENTIAL = Path(__file__).parents[1] / "vectors/vcissuer/typical-microcredential.json"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@dataclass
class Issuer:
    did: str
    keys: Ed25519KeyPair

    @property
    def method(self) -> str:
        return f"{self.did}#{self.keys.public_multibase}"

    def document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [{"id": self.method, "type": "Multikey",
                                    "controller": self.did,
                                    "publicKeyMultibase": self.keys.public_multibase}],
            "assertionMethod": [self.method],
            "authentication": [self.method],
        }

    def sign(self, document: dict[str, Any], *, method: str | None = None,
             **options: Any) -> dict[str, Any]:
        return add_proof(document, signer=self.keys.signer(method or self.method),
                         created=NOW, **options)

    def credential(self, *, status: dict[str, Any] | None = None, sign: bool = True,
                   **changes: Any) -> dict[str, Any]:
        document = copy.deepcopy(load_json(CREDENTIAL))
        document["issuer"]["id"] = self.did
        document.update(changes)
        if status is not None:
            document["credentialStatus"] = status
        return self.sign(document) if sign else document

    def status_list(self, url: str, *, set_bits: tuple[int, ...] = (), size: int = 131_072,
                    purpose: str = "revocation", signer: Issuer | None = None) -> dict[str, Any]:
        bits = Bitstring(size)
        for index in set_bits:
            bits.set(index, True)
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.did,
            "validFrom": "2025-05-01T00:00:00Z",
            "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                                  "statusPurpose": purpose, "encodedList": bits.encode()},
        }
        return (signer or self).sign(document)


def did_web_issuer(web: FakeWeb | None, host: str = "issuer.example",
                   slug: str = "acme") -> Issuer:
    """A did:web issuer; its DID document is published on ``web`` (when given)."""
    issuer = Issuer(did=f"did:web:{host}:issuers:{slug}", keys=Ed25519KeyPair.generate())
    if web is not None:
        web.add(did_web_to_url(issuer.did), issuer.document(),
                content_type="application/did+json")
    return issuer


def status_entry(url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    return BitstringStatusListEntry.create(url, index=index, purpose=purpose).to_json()
