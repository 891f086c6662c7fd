"""Interop with the reference implementation: Digital Bazaar's @digitalbazaar/vc with
data-integrity, eddsa-rdfc-2022-cryptosuite, ed25519-multikey and vc-bitstring-status-list.

Everything is prepared through the real ASGI app first (one module-scoped service on SQLite,
a did:key issuer), then the reference runs once over the whole batch (one Node start):
(a) credentials issued by ``POST /credentials/issue`` verify in the reference (VC-DI-EdDSA
    section 3.2.1 eddsa-rdfc-2022; VCDM 2.0 section 4 for the optional id and validFrom);
(b) a credential the reference signs with the W3C VC-DI-EdDSA test-vector key (App. B.1, a
    published key, not a secret) verifies in ours, through ``POST /credentials/verify``;
(c) a presentation we sign (authentication, challenge and domain, VC-DI section 4.5) verifies
    in the reference;
(d) after revoke and suspend, the reference's Bitstring Status List check (BSL section 3.2,
    "Validate Algorithm") reads the bits as set, on the lists this service publishes. These
    credentials come from the Open Badges assessment route, which already carries
    BitstringStatusListEntry: VC-API issue with ``options.credentialStatus`` is the ``status``
    helper's work, and once it lands the same check should run on a VC-API credential.
A tampered copy of each is refused, so the checks can fail.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MICRO_CREDENTIAL, api_key, assessment, bearer
from tests.conftest import load_json
from tests.interop.conftest import reference, skip_reason
from vcissuer.api.app import create_app
from vcissuer.dids import did_key_from_public
from vcissuer.issuance.context import Services
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import Authentication, add_proof

VECTORS = Path(__file__).parents[1] / "vectors/w3c-vc-di-eddsa"
BASE_URL = "http://testserver"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
CHALLENGE, DOMAIN = "c0ae1c8e-c7e7-469f-b252-86e6a0e7387e", "verifier.example"


def _tampered(credential: dict[str, Any]) -> dict[str, Any]:
    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["name"] = "Mallory"
    return forged


@dataclass
class World:
    client: TestClient
    issuer_did: str
    batch: list[dict[str, Any]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ask(self, name: str, **request: Any) -> None:
        self.names.append(name)
        self.batch.append(request)


def _vc_api_credentials(world: World, headers: dict[str, str]) -> None:
    """(a) two credentials signed over VC-API: a full one, and one without id or validFrom."""
    full = {"@context": [VC_V2, EXAMPLES], "id": "urn:uuid:0b7f3c52-5d7e-4a4e-9a55-3c5e3b8c1f01",
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": world.issuer_did, "validFrom": "2025-01-01T00:00:00Z",
            "validUntil": "2099-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:alice", "name": "Alice",
                                  "alumniOf": {"name": "Example University"}}}
    bare = {"@context": [VC_V2, EXAMPLES], "type": ["VerifiableCredential"],
            "issuer": world.issuer_did, "credentialSubject": {"name": "Bob"}}
    badge = {
        "@context": [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b7f3c52-5d7e-4a4e-9a55-3c5e3b8c1f02",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": world.issuer_did, "type": ["Profile"], "name": "Uni"},
        "validFrom": "2025-01-01T00:00:00Z", "name": "Badge",
        "credentialSubject": {
            "id": "did:example:carol", "type": ["AchievementSubject"], "name": "Carol",
            "achievement": {"id": "https://uni.example/achievements/1", "type": ["Achievement"],
                            "name": "Badge", "description": "A badge.",
                            "criteria": {"narrative": "Do it."}}},
    }
    for name, credential in (("full", full), ("bare", bare), ("badge", badge)):
        response = world.client.post("/credentials/issue", headers=headers,
                                     json={"credential": credential})
        assert response.status_code == 201, response.text
        signed = response.json()["verifiableCredential"]
        world.inputs[name] = signed
        world.ask(f"a:{name}", action="verify-credential", credential=signed)
        world.ask(f"a:{name}:tampered", action="verify-credential", credential=_tampered(signed))


def _presentation(world: World) -> None:
    """(c) a presentation signed by our code, for a did:key holder, carrying credential (a)."""
    holder = Ed25519KeyPair.generate()
    did = did_key_from_public(holder.public_multibase)
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": did,
          "verifiableCredential": [world.inputs["full"]]}
    signed = add_proof(vp, signer=holder.signer(f"{did}#{holder.public_multibase}"),
                       purpose=Authentication(challenge=CHALLENGE, domain=DOMAIN))
    world.inputs["presentation"] = signed
    world.ask("c", action="verify-presentation", presentation=signed, challenge=CHALLENGE,
              domain=DOMAIN)
    world.ask("c:other-challenge", action="verify-presentation", presentation=signed,
              challenge="another", domain=DOMAIN)


def _status(world: World, headers: dict[str, str]) -> None:
    """(d) Open Badges credentials with BitstringStatusListEntry; revoke one, suspend one."""
    issued = {}
    for name, suspendable in (("revoked", False), ("suspended", True)):
        achievement = world.client.post("/issuers/uni/achievements", headers=headers,
                                        json={**MICRO_CREDENTIAL, "suspendable": suspendable})
        assert achievement.status_code == 201, achievement.text
        response = world.client.post("/issuers/uni/credentials", headers=headers,
                                     json=assessment(achievement.json()["id"], ref=name))
        assert response.status_code == 201, response.text
        issued[name] = response.json()

    def lists(credential: dict[str, Any]) -> dict[str, Any]:
        url = credential["credentialStatus"]["statusListCredential"]
        served = world.client.get(url.removeprefix(BASE_URL))
        assert served.status_code == 200, served.text
        return {url: served.json()}

    for name, record in issued.items():
        credential = record["credential"]
        world.inputs[f"ob:{name}"] = credential
        world.ask(f"d:{name}:verify", action="verify-credential", credential=credential,
                  documents=lists(credential))
        world.ask(f"d:{name}:before", action="check-status", credential=credential,
                  documents=lists(credential))
    for name, action in (("revoked", "revoke"), ("suspended", "suspend")):
        response = world.client.post(f"/issuers/uni/credentials/{issued[name]['id']}/{action}",
                                     headers=headers, json={"reason": "interop test"})
        assert response.status_code == 200, response.text
        credential = issued[name]["credential"]
        world.ask(f"d:{name}:after", action="check-status", credential=credential,
                  documents=lists(credential))


def _reference_signs(world: World) -> None:
    """(b) the reference signs the W3C vector's credential with the vector's key pair."""
    pair = load_json(VECTORS / "keyPair.json")
    credential = load_json(VECTORS / "unsigned.json")
    credential["issuer"] = f"did:key:{pair['publicKeyMultibase']}"
    world.ask("b", action="issue", credential=credential, date="2025-01-01T00:00:00Z",
              keyPair={"publicKeyMultibase": pair["publicKeyMultibase"],
                       "secretKeyMultibase": pair["privateKeyMultibase"]})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if skip_reason() is not None:
        pytest.skip(skip_reason() or "")
    directory = tmp_path_factory.mktemp("interop")
    services = Services.create(database_url=f"sqlite:///{directory / 'db.sqlite3'}",
                               key_dir=directory / "keys", passphrase=None, base_url=BASE_URL)
    try:
        with TestClient(create_app(services)) as client:
            admin = bearer(api_key(services))
            created = client.post("/issuers", headers=admin, json={
                "slug": "uni", "name": "Uni", "url": "https://uni.example",
                "didMethod": "key"})
            assert created.status_code == 201, created.text
            world = World(client=client, issuer_did=created.json()["did"])
            headers = bearer(api_key(services, issuer_slug="uni"))
            _vc_api_credentials(world, headers)
            _presentation(world)
            _status(world, headers)
            _reference_signs(world)
            world.answers = dict(zip(world.names, reference(world.batch), strict=True))
            yield world
    finally:
        services.db.dispose()


def _verified(answer: dict[str, Any]) -> bool:
    assert "fatal" not in answer, answer
    return answer["verified"] is True


def _served_offline(answer: dict[str, Any]) -> None:
    """Only our bundled contexts, did:key documents and what we passed in were loaded."""
    for url in answer["loaded"]:
        assert url.startswith(("https://www.w3.org/", "https://w3id.org/",
                               "https://purl.imsglobal.org/", "did:key:", BASE_URL)), url


@pytest.mark.parametrize("name", ["full", "bare", "badge"])
def test_reference_verifies_our_vc_api_credentials(world: World, name: str) -> None:
    """(a) eddsa-rdfc-2022 (VC-DI-EdDSA 3.2.1) over POST /credentials/issue, did:key issuer:
    a VCDM 2.0 credential, one without id or validFrom, and an OpenBadgeCredential."""
    answer = world.answers[f"a:{name}"]
    assert _verified(answer), answer
    _served_offline(answer)
    assert not _verified(world.answers[f"a:{name}:tampered"])


def test_we_verify_what_the_reference_signs(world: World) -> None:
    """(b) the reference's eddsa-rdfc-2022 proof (W3C vector key) verifies in ours."""
    answer = world.answers["b"]
    assert "fatal" not in answer, answer
    signed = answer["credential"]
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["proof"]["verificationMethod"].startswith("did:key:z6MkrJVnaZkeFzdQyMZu1")
    response = world.client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    response = world.client.post("/credentials/verify",
                                 json={"verifiableCredential": {**signed, "name": "Forged"}})
    assert response.status_code == 422
    assert "PROOF_VERIFICATION_ERROR" in {p["code"] for p in response.json()["problems"]}


def test_reference_verifies_our_presentation(world: World) -> None:
    """(c) VC-DI 4.5: authentication proof with challenge and domain, and the VC inside."""
    answer = world.answers["c"]
    assert _verified(answer), answer
    assert answer["presentationVerified"] is True
    assert [c["verified"] for c in answer["credentials"]] == [True]
    assert not _verified(world.answers["c:other-challenge"])


@pytest.mark.parametrize("name", ["revoked", "suspended"])
def test_reference_verifies_our_open_badges_with_status(world: World, name: str) -> None:
    """The Open Badges credential, its status list credential and the list's proof."""
    answer = world.answers[f"d:{name}:verify"]
    assert _verified(answer), answer
    assert answer["statusResult"]["verified"] is True
    _served_offline(answer)


@pytest.mark.parametrize(("name", "purpose"), [("revoked", "revocation"),
                                               ("suspended", "suspension")])
def test_reference_reads_revocation_and_suspension_bits(world: World, name: str,
                                                        purpose: str) -> None:
    """(d) BSL 3.2: the status list we publish, verified and decoded by the reference."""
    before, after = world.answers[f"d:{name}:before"], world.answers[f"d:{name}:after"]
    assert _verified(before), before
    assert _verified(after), after
    assert before["results"] == [{"statusPurpose": purpose, "status": False}]
    assert after["results"] == [{"statusPurpose": purpose, "status": True}]
