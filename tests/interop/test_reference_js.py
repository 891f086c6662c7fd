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
(d) after revoke, the reference's Bitstring Status List check (BSL section 3.2, "Validate
    Algorithm") reads the bit as set, on the lists this service publishes (an Open Badges
    credential from the assessment route, revocable only: a 1-bit ``revocation`` entry);
(e) the same over VC-API: credentials issued by ``POST /credentials/issue`` with
    ``options.credentialStatus`` (1-bit ``revocation`` and ``suspension`` entries), updated
    by ``POST /credentials/status``: set after revoke and after suspend, clear after reinstate;
(f) an Open Badges credential both revocable and suspendable carries one 2-bit ``suspension``
    entry (``statusSize`` 2, ``statusMessage``; docs/DESIGN.md, status entries). The reference
    (@digitalbazaar/vc-bitstring-status-list 2.0.1) does not implement ``statusSize``: it
    reads the single bit at position ``statusListIndex`` (``list.getStatus(index)`` in its
    ``_checkStatus``), not the value of ``statusSize`` bits at ``statusListIndex *
    statusSize`` (BSL section 3.2, "Validate Algorithm"), and raises no error. What it reads is pinned
    (the bit at ``statusListIndex``). Our lists carry shadow bits (docs/DESIGN.md, status
    entries): that bit is set whenever the entry's value is not 0, so the reference too reads
    the suspended and revoked credential as not valid, and the active one as valid.
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
from vcissuer.status.bitstring import Bitstring
from vcissuer.status.entries import bitstring_status_entries

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


def _lists(world: World, credential: dict[str, Any]) -> dict[str, Any]:
    """The status list credentials of ``credential`` as served now."""
    found = {}
    for entry in bitstring_status_entries(credential):
        url = entry.status_list_credential
        served = world.client.get(url.removeprefix(BASE_URL))
        assert served.status_code == 200, served.text
        found[url] = served.json()
    return found


def _snapshot(world: World, name: str, credential: dict[str, Any]) -> None:
    """Ask the reference for the status of ``credential`` on its lists as they are now."""
    documents = _lists(world, credential)
    world.inputs[f"lists:{name}"] = documents
    world.ask(name, action="check-status", credential=credential, documents=documents)


def _ob_credential(world: World, headers: dict[str, str], ref: str,
                   **achievement: Any) -> dict[str, Any]:
    made = world.client.post("/issuers/uni/achievements", headers=headers,
                             json={**MICRO_CREDENTIAL, **achievement})
    assert made.status_code == 201, made.text
    response = world.client.post("/issuers/uni/credentials", headers=headers,
                                 json=assessment(made.json()["id"], ref=ref))
    assert response.status_code == 201, response.text
    return response.json()


def _vc_api_update(world: World, headers: dict[str, str], credential_id: str, purpose: str,
                   status: bool) -> None:
    """VC-API Update Status (https://w3c-ccg.github.io/vc-api/#update-status)."""
    response = world.client.post("/credentials/status", headers=headers, json={
        "credentialId": credential_id,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
        "status": status})
    assert response.status_code == 200, response.text


def _status(world: World, headers: dict[str, str]) -> None:
    """(d) an Open Badges credential with a 1-bit revocation entry, revoked by the OB route."""
    record = _ob_credential(world, headers, "revoked", revocable=True, suspendable=False)
    credential = record["credential"]
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    world.inputs["ob:revoked"] = credential
    world.ask("d:revoked:verify", action="verify-credential", credential=credential,
              documents=_lists(world, credential))
    _snapshot(world, "d:revoked:before", credential)
    response = world.client.post(f"/issuers/uni/credentials/{record['id']}/revoke",
                                 headers=headers, json={"reason": "interop test"})
    assert response.status_code == 200, response.text
    _snapshot(world, "d:revoked:after", credential)


def _vc_api_status(world: World, headers: dict[str, str]) -> None:
    """(e) VC-API issue with options.credentialStatus, then VC-API status updates."""
    for n, purpose in enumerate(("revocation", "suspension")):
        unsigned = {"@context": [VC_V2, EXAMPLES],
                    "id": f"urn:uuid:0b7f3c52-5d7e-4a4e-9a55-3c5e3b8c1f1{n}",
                    "type": ["VerifiableCredential", "ExampleAlumniCredential"],
                    "issuer": world.issuer_did, "validFrom": "2025-01-01T00:00:00Z",
                    "credentialSubject": {"id": "did:example:dave", "name": "Dave"}}
        response = world.client.post("/credentials/issue", headers=headers, json={
            "credential": unsigned, "options": {"credentialStatus": {
                "type": "BitstringStatusListEntry", "statusPurpose": purpose}}})
        assert response.status_code == 201, response.text
        credential = response.json()["verifiableCredential"]
        assert credential["credentialStatus"]["statusPurpose"] == purpose
        assert "statusSize" not in credential["credentialStatus"]
        world.inputs[f"e:{purpose}"] = credential
        world.ask(f"e:{purpose}:verify", action="verify-credential", credential=credential,
                  documents=_lists(world, credential))
        world.ask(f"e:{purpose}:tampered", action="verify-credential",
                  credential=_tampered(credential), documents=_lists(world, credential))
        _snapshot(world, f"e:{purpose}:before", credential)
        _vc_api_update(world, headers, unsigned["id"], purpose, True)
        _snapshot(world, f"e:{purpose}:set", credential)
        if purpose == "suspension":
            _vc_api_update(world, headers, unsigned["id"], purpose, False)
            _snapshot(world, f"e:{purpose}:reinstated", credential)


# (f) the 2-bit lifecycle entry: each step, and the value BSL section 3.2 gives it then.
LIFECYCLE_STEPS = (("before", 0), ("ob-route-suspended", 1), ("suspended", 1),
                   ("reinstated", 0), ("revoked", 2))


def _lifecycle(world: World, headers: dict[str, str]) -> None:
    """(f) revocable and suspendable: one suspension entry of statusSize 2, suspended by the
    OB route and reinstated, then suspended, reinstated and revoked over VC-API."""
    record = _ob_credential(world, headers, "lifecycle", revocable=True, suspendable=True)
    credential = record["credential"]
    entry = credential["credentialStatus"]
    assert (entry["statusPurpose"], entry["statusSize"]) == ("suspension", 2)
    assert len(entry["statusMessage"]) == 4
    world.inputs["f"] = credential
    world.ask("f:verify", action="verify-credential", credential=credential,
              documents=_lists(world, credential))
    _snapshot(world, "f:before", credential)
    for action in ("suspend", "reinstate"):
        response = world.client.post(f"/issuers/uni/credentials/{record['id']}/{action}",
                                     headers=headers, json={"reason": "interop test"})
        assert response.status_code == 200, response.text
        if action == "suspend":
            _snapshot(world, "f:ob-route-suspended", credential)
    for step, purpose, status in (("suspended", "suspension", True),
                                  ("reinstated", "suspension", False),
                                  ("revoked", "revocation", True)):
        _vc_api_update(world, headers, credential["id"], purpose, status)
        _snapshot(world, f"f:{step}", credential)


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
            _vc_api_status(world, headers)
            _lifecycle(world, headers)
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


def test_reference_verifies_our_open_badges_with_status(world: World) -> None:
    """The Open Badges credential, its status list credential and the list's proof."""
    answer = world.answers["d:revoked:verify"]
    assert _verified(answer), answer
    assert answer["statusResult"]["verified"] is True
    _served_offline(answer)


def test_reference_reads_the_revocation_bit(world: World) -> None:
    """(d) BSL 3.2: the status list we publish, verified and decoded by the reference."""
    before, after = world.answers["d:revoked:before"], world.answers["d:revoked:after"]
    assert _verified(before), before
    assert _verified(after), after
    assert before["results"] == [{"statusPurpose": "revocation", "status": False}]
    assert after["results"] == [{"statusPurpose": "revocation", "status": True}]


@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_reference_verifies_vc_api_credentials_with_status(world: World, purpose: str) -> None:
    """(e) a credential from POST /credentials/issue with options.credentialStatus: its proof,
    its list credential and the list's proof verify in the reference; a tampered copy not."""
    answer = world.answers[f"e:{purpose}:verify"]
    assert _verified(answer), answer
    assert answer["statusResult"]["verified"] is True
    _served_offline(answer)
    assert not _verified(world.answers[f"e:{purpose}:tampered"])


@pytest.mark.parametrize(("purpose", "steps"), [
    ("revocation", [("before", False), ("set", True)]),
    ("suspension", [("before", False), ("set", True), ("reinstated", False)]),
])
def test_reference_reads_vc_api_status_updates(world: World, purpose: str,
                                               steps: list[tuple[str, bool]]) -> None:
    """(e) BSL 3.2 on the lists as VC-API ``POST /credentials/status`` left them: not valid
    (the bit set) after revoke and after suspend, valid again after reinstate."""
    for step, status in steps:
        answer = world.answers[f"e:{purpose}:{step}"]
        assert _verified(answer), (step, answer)
        assert answer["results"] == [{"statusPurpose": purpose, "status": status}], step


def _lifecycle_value(world: World, step: str) -> tuple[int, bool]:
    """The entry's value as BSL 3.2 reads it (statusSize bits at index x statusSize), and the
    single bit at position statusListIndex, from the list served at that step."""
    entry = bitstring_status_entries(world.inputs["f"])[0]
    listed = world.inputs[f"lists:f:{step}"][entry.status_list_credential]
    bits = Bitstring.decode(listed["credentialSubject"]["encodedList"])
    return (bits.get_status(entry.status_list_index, status_size=entry.status_size),
            bits.get(entry.status_list_index))


def test_reference_verifies_the_two_bit_lifecycle_credential(world: World) -> None:
    """(f) the credential with a statusSize 2 suspension entry, its list and both proofs."""
    answer = world.answers["f:verify"]
    assert _verified(answer), answer
    assert answer["statusResult"]["verified"] is True


@pytest.mark.parametrize(("step", "value"), LIFECYCLE_STEPS)
def test_our_two_bit_lifecycle_values(world: World, step: str, value: int) -> None:
    """(f) what we publish at each step: 0 active, 1 suspended, 2 revoked (BSL 3.2:
    statusSize bits at statusListIndex x statusSize)."""
    assert _lifecycle_value(world, step)[0] == value


@pytest.mark.parametrize(("step", "value"), LIFECYCLE_STEPS)
def test_reference_ignores_status_size(world: World, step: str, value: int) -> None:
    """(f) pinned: @digitalbazaar/vc-bitstring-status-list 2.0.1 reads the one bit at position
    statusListIndex whatever statusSize says (``list.getStatus(index)`` in its
    ``_checkStatus``), and reports no error; on our lists that bit is the entry's shadow bit,
    set exactly when the value is not 0. If this fails, the library has changed."""
    answer = world.answers[f"f:{step}"]
    assert _verified(answer), answer
    _, single_bit = _lifecycle_value(world, step)
    assert single_bit is (value != 0)
    assert answer["results"] == [{"statusPurpose": "suspension", "status": single_bit}]


def test_reference_fails_the_suspended_and_revoked_lifecycle_entry(world: World) -> None:
    """(f) BSL 3.2 (valid: status == 0): a suspension entry whose value is not 0 is not valid:
    suspended (1) and revoked (2) fail in the reference too (it reads the shadow bit), active
    (0) passes, at every step."""
    read = {step: world.answers[f"f:{step}"]["results"] for step, _ in LIFECYCLE_STEPS}
    assert read == {step: [{"statusPurpose": "suspension", "status": value != 0}]
                    for step, value in LIFECYCLE_STEPS}
