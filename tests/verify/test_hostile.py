"""Hostile input: each a clear failure, no hang, and no request to a refused address."""

from __future__ import annotations

import json
import time

import pytest

from tests.net.fakeweb import FakeWeb, LoopbackServer
from tests.verify.issuing import Issuer, clock, did_web_issuer, status_entry
from vcissuer.keys import Ed25519KeyPair, P256KeyPair, base64url_decode, base64url_encode
from vcissuer.limits import Limits
from vcissuer.net import LOOPBACK, FetchPolicy, GuardedFetcher, guarded_client
from vcissuer.proofs.jose import encode_vc_jwt
from vcissuer.verify import Outcome, Retriever, Verdict, VerificationReport, Verifier

LIST_URL = "https://issuer.example/status/acme/list-1"


async def _verify(web: FakeWeb, credential, **options) -> VerificationReport:
    verifier = web.verifier(clock=clock, **options)
    try:
        return await verifier.verify_credential(credential)
    finally:
        await verifier.fetcher.client.aclose()


def _problem(report: VerificationReport, check: str) -> str:
    found = report.check(check)
    assert found is not None and found.problems, report.to_json()
    return " ".join(f"{p.short_code}: {p.message}" for p in found.problems)


async def test_a_well_formed_credential_verifies_over_did_web() -> None:
    # The baseline the negative cases below depart from.
    web = FakeWeb()
    issuer = did_web_issuer(web)
    web.add(LIST_URL, issuer.status_list(LIST_URL, set_bits=(7,)))
    report = await _verify(web, issuer.credential(status=status_entry(LIST_URL, 12)))
    assert report.verified, report.to_json()
    assert report.check("status").detail == "revocation: not set"


@pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "127.0.0.1", "192.168.0.10"])
async def test_did_web_on_a_private_address_is_refused(host: str) -> None:
    web = FakeWeb()
    issuer = Issuer(did=f"did:web:{host}:issuers:acme", keys=Ed25519KeyPair.generate())
    report = await _verify(web, issuer.credential())
    assert report.verdict is Verdict.COULD_NOT_VERIFY
    assert "refused" in _problem(report, "proof")
    assert web.requests == []


@pytest.mark.parametrize("name", ["internal.example", "metadata.example", "v6.example"])
async def test_did_web_name_resolving_to_a_private_address_is_refused(name: str) -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web, host=name)
    web.host(name, {"internal.example": "10.1.2.3", "metadata.example": "169.254.169.254",
                    "v6.example": "::1"}[name])
    report = await _verify(web, issuer.credential())
    assert not report.verified
    assert "refused" in _problem(report, "proof")
    assert web.requests == []


async def test_https_key_document_on_loopback_is_never_contacted() -> None:
    with LoopbackServer() as server:
        keys = Ed25519KeyPair.generate()
        document_url = f"http://127.0.0.1:{server.port}/doc"
        issuer = Issuer(did=document_url, keys=keys)
        credential = issuer.credential()
        for policy in (FetchPolicy(), FetchPolicy(allow_http=True)):
            async with guarded_client() as client:
                verifier = Verifier(Retriever(GuardedFetcher(client, policy=policy)), clock=clock)
                report = await verifier.verify_credential(credential)
            assert not report.verified
            assert "refused" in _problem(report, "proof") or "http" in _problem(report, "proof")
        v6 = Issuer(did=f"http://[::1]:{server.port}/doc", keys=keys).credential()
        async with guarded_client() as client:
            verifier = Verifier(Retriever(GuardedFetcher(
                client, policy=FetchPolicy(allow_http=True))), clock=clock)
            report = await verifier.verify_credential(v6)
        assert "loopback" in _problem(report, "proof")
        assert server.hits == []


async def test_key_document_redirecting_to_a_private_address_is_refused() -> None:
    with LoopbackServer() as server:
        web = FakeWeb()
        issuer = did_web_issuer(None, host="redirect.example")
        web.add("https://redirect.example/issuers/acme/did.json", b"", status=302,
                headers={"location": f"http://127.0.0.1:{server.port}/did.json"})
        report = await _verify(web, issuer.credential(), policy=FetchPolicy(allow_http=True))
        assert "loopback" in _problem(report, "proof")
        assert server.hits == []


async def test_slow_key_document_times_out_without_hanging() -> None:
    with LoopbackServer() as server:
        keys = Ed25519KeyPair.generate()
        issuer = Issuer(did=f"http://127.0.0.1:{server.port}/slow", keys=keys)
        policy = FetchPolicy(allow_http=True, allowed_networks=LOOPBACK, timeout=0.4)
        started = time.monotonic()
        async with guarded_client() as client:
            verifier = Verifier(Retriever(GuardedFetcher(client, policy=policy)), clock=clock)
            report = await verifier.verify_credential(issuer.credential())
        assert time.monotonic() - started < 2.0
        assert report.verdict is Verdict.COULD_NOT_VERIFY
        assert "no complete response within 0.4 s" in _problem(report, "proof")


async def test_huge_status_list_is_cut_off() -> None:
    with LoopbackServer() as server:
        list_url = f"http://127.0.0.1:{server.port}/huge"
        # An issuer identified by an http URL whose controller document the server holds.
        issuer = Issuer(did=f"http://127.0.0.1:{server.port}/issuer",
                        keys=Ed25519KeyPair.generate())
        server.add("/issuer", issuer.document())
        policy = FetchPolicy(allow_http=True, allowed_networks=LOOPBACK, max_bytes=100_000)
        async with guarded_client() as client:
            verifier = Verifier(Retriever(GuardedFetcher(client, policy=policy)), clock=clock)
            report = await verifier.verify_credential(
                issuer.credential(status=status_entry(list_url, 3)))
        assert report.check("proof").outcome is Outcome.PASSED, report.to_json()
        assert report.check("status").outcome is Outcome.COULD_NOT_CHECK
        assert "exceeds 100000 bytes" in _problem(report, "status")


async def test_status_list_that_is_too_short() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    web.add(LIST_URL, issuer.status_list(LIST_URL, size=8 * 1024))
    report = await _verify(web, issuer.credential(status=status_entry(LIST_URL, 12)))
    assert not report.verified
    assert report.check("status").outcome is Outcome.COULD_NOT_CHECK
    assert "STATUS_LIST_LENGTH_ERROR" in _problem(report, "status")
    assert "131072" in _problem(report, "status")


async def test_status_list_signed_by_someone_else() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    forger = did_web_issuer(web, host="forger.example")
    web.add(LIST_URL, issuer.status_list(LIST_URL, signer=forger))
    report = await _verify(web, issuer.credential(status=status_entry(LIST_URL, 12)))
    assert report.check("status").outcome is Outcome.COULD_NOT_CHECK
    assert "STATUS_VERIFICATION_ERROR" in _problem(report, "status")
    # A list the forger issues in its own name is not the credential issuer's list either.
    web.add(LIST_URL, forger.status_list(LIST_URL))
    report = await _verify(web, issuer.credential(status=status_entry(LIST_URL, 12)))
    assert "not by the credential's issuer" in _problem(report, "status")


async def test_tampered_status_list_does_not_verify() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    tampered = issuer.status_list(LIST_URL, set_bits=(12,))
    tampered["credentialSubject"]["encodedList"] = issuer.status_list(LIST_URL)[
        "credentialSubject"]["encodedList"]
    web.add(LIST_URL, tampered)
    report = await _verify(web, issuer.credential(status=status_entry(LIST_URL, 12)))
    assert report.check("status").outcome is Outcome.COULD_NOT_CHECK
    assert "does not verify" in _problem(report, "status")


@pytest.mark.parametrize(("purpose", "code", "flag"), [
    ("revocation", "REVOKED", "revoked"), ("suspension", "SUSPENDED", "suspended")])
async def test_set_bits_fail_the_status_check(purpose: str, code: str, flag: str) -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    web.add(LIST_URL, issuer.status_list(LIST_URL, set_bits=(12,), purpose=purpose))
    report = await _verify(web, issuer.credential(status=status_entry(LIST_URL, 12, purpose)))
    assert report.verdict is Verdict.NOT_VERIFIED
    assert code in _problem(report, "status")
    assert report.to_json()[flag] is True


async def test_key_whose_controller_is_not_the_issuer() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    other = did_web_issuer(web, host="other.example")
    credential = issuer.credential(sign=False)
    report = await _verify(web, other.sign(credential))
    assert report.check("proof").outcome is Outcome.PASSED
    assert report.check("issuer key").outcome is Outcome.FAILED
    assert "did:web:other.example" in _problem(report, "issuer key")
    assert report.verdict is Verdict.NOT_VERIFIED


async def test_issuer_document_listing_someone_elses_key() -> None:
    # The issuer's DID document lists a method whose controller is another DID.
    web = FakeWeb()
    issuer = did_web_issuer(None)
    document = issuer.document()
    document["verificationMethod"][0]["controller"] = "did:web:other.example"
    web.add("https://issuer.example/issuers/acme/did.json", document)
    report = await _verify(web, issuer.credential())
    assert not report.verified
    assert "controlled by 'did:web:other.example'" in _problem(report, "proof")


def _jwt(header: dict, payload: dict, signature: bytes = b"") -> str:
    def part(value: dict) -> str:
        return base64url_encode(json.dumps(value).encode())
    return f"{part(header)}.{part(payload)}.{base64url_encode(signature) if signature else 'AA'}"


async def test_jwt_with_alg_none_fails() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    credential = issuer.credential(sign=False)
    token = encode_vc_jwt(credential, issuer.keys.signer(issuer.method))
    payload = json.loads(base64url_decode(token.split(".")[1]))
    forged = _jwt({"alg": "none", "kid": issuer.method}, payload)
    report = await _verify(web, forged)
    assert report.verdict is Verdict.NOT_VERIFIED
    assert "'none' is not" in _problem(report, "proof")
    assert web.requests == []
    hs = _jwt({"alg": "HS256", "kid": issuer.method}, payload, b"x" * 32)
    assert "'HS256' is not" in _problem(await _verify(web, hs), "proof")


async def test_jwt_with_a_mismatched_key_type_fails() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    token = encode_vc_jwt(issuer.credential(sign=False), issuer.keys.signer(issuer.method))
    header = {"alg": "ES256", "typ": "JWT", "kid": issuer.method}
    head = base64url_encode(json.dumps(header).encode())
    forged = ".".join([head, *token.split(".")[1:]])
    report = await _verify(web, forged)
    assert report.verdict is Verdict.NOT_VERIFIED
    assert "ES256 needs an P-256 key, the key is Ed25519" in _problem(report, "proof")
    # And a P-256 key in a jwk header claiming EdDSA.
    p256 = P256KeyPair.generate()
    header = {"alg": "EdDSA", "jwk": p256.public_jwk()}
    forged = ".".join([base64url_encode(json.dumps(header).encode()), *token.split(".")[1:]])
    report = await _verify(web, forged, trust_embedded_keys=True)
    assert "EdDSA needs an Ed25519 key" in _problem(report, "proof")


async def test_a_verified_jwt_over_did_web() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    web.add(LIST_URL, issuer.status_list(LIST_URL))
    token = encode_vc_jwt(issuer.credential(sign=False, credentialStatus=status_entry(
        LIST_URL, 5)), issuer.keys.signer(issuer.method))
    report = await _verify(web, token)
    assert report.verified, report.to_json()
    assert report.format == "jwt"


async def test_fetches_per_verification_are_capped() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    statuses = [status_entry(f"https://list{i}.example/status/{i}", i) for i in range(60)]
    # Past the limit on status entries (8 by default), nothing is fetched at all.
    refused = await _verify(web, issuer.credential(status=statuses))
    assert "at most 8 are checked" in _problem(refused, "limits")
    assert web.requests == []
    # With that limit raised, the cap on fetches still holds.
    report = await _verify(web, issuer.credential(status=statuses),
                           limits=Limits(status_entries=100))
    assert not report.verified
    assert len(web.requests) <= 24
    assert "more than 24 documents" in _problem(report, "status")


async def test_status_entries_past_the_limit_inside_a_vc_jwt_are_not_fetched() -> None:
    """The limit on status entries holds before any fetch for a VC-JWT, an enveloped VC-JWT
    and the credentials of a presentation, as it does for a credential given as JSON-LD."""
    from vcissuer.proofs.jose import envelope

    web = FakeWeb()
    issuer = did_web_issuer(web)
    statuses = [status_entry(f"https://list{i}.example/status/{i}", i) for i in range(60)]
    token = encode_vc_jwt(issuer.credential(status=statuses, sign=False),
                          issuer.keys.signer(issuer.method), header_key="kid")
    for credential in (token, envelope(token)):
        refused = await _verify(web, credential)
        assert "at most 8 are checked" in _problem(refused, "limits")
    assert web.requests == []
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [issuer.credential(status=statuses, sign=False),
                                             envelope(token)]}
    verifier = web.verifier(clock=clock)
    try:
        report = await verifier.verify_presentation(presentation)
    finally:
        await verifier.fetcher.client.aclose()
    assert not report.verified
    assert web.requests == []


async def test_endorsement_flood_is_refused_not_fetched() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    endorsement = {"type": ["VerifiableCredential", "EndorsementCredential"],
                   "proof": [{"verificationMethod": "did:web:e.example#k"}]}
    report = await _verify(web, issuer.credential(endorsement=[endorsement] * 200, sign=False))
    assert report.check("endorsements").outcome is Outcome.COULD_NOT_CHECK
    assert "at most 16" in _problem(report, "endorsements")
    assert len(web.requests) <= 2


@pytest.mark.parametrize("value", [None, 42, [], "", "x" * 10, {"@context": 5}])
async def test_garbage_is_reported_not_raised(value) -> None:
    report = await _verify(FakeWeb(), value if not isinstance(value, list) else {"a": value})
    assert not report.verified


async def test_all_fetches_of_one_verification_share_a_deadline() -> None:
    # Each document is slow but within its own timeout; together they exceed the deadline.
    with LoopbackServer() as server:
        keys = Ed25519KeyPair.generate()
        issuer = Issuer(did=f"http://127.0.0.1:{server.port}/slow", keys=keys)
        lists = [status_entry(f"http://127.0.0.1:{server.port}/slow?{i}", i) for i in range(3)]
        policy = FetchPolicy(allow_http=True, allowed_networks=LOOPBACK, timeout=5)
        started = time.monotonic()
        async with guarded_client() as client:
            retriever = Retriever(GuardedFetcher(client, policy=policy), deadline=0.5)
            report = await Verifier(retriever, clock=clock).verify_credential(
                issuer.credential(status=lists))
        assert time.monotonic() - started < 2.0
        assert "not fetched within the 0.5 s" in _problem(report, "proof")
        assert "not fetched within the 0.5 s" in _problem(report, "status")
        assert not report.verified


# --- Cost limits (vcissuer.limits): refused before the work, the limit named -------------


def _deep(levels: int) -> dict:
    value: dict = {"a": "x"}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def _limit(report) -> str:
    found = report.check("limits")
    assert found is not None, report.to_json()
    assert report.verdict is Verdict.COULD_NOT_VERIFY
    return f"{found.detail} | {_problem(report, 'limits')}"


async def test_10000_proofs_are_refused_before_anything_is_fetched() -> None:
    web = FakeWeb()
    issuer = did_web_issuer(web)
    credential = issuer.credential()
    credential["proof"] = credential["proof"] * 10_000
    verifier = web.verifier(clock=clock)
    try:
        started = time.process_time()
        report = await verifier.verify_credential(credential)
        cpu = time.process_time() - started
    finally:
        await verifier.fetcher.client.aclose()
    assert cpu < 0.05, f"took {cpu:.3f} s of CPU"  # was 15 s, and "verified"
    assert "proofs per document: at most 8" in _limit(report)
    assert web.requests == []


async def test_duplicate_proofs_are_an_invalid_proof_set() -> None:
    """https://www.w3.org/TR/vc-data-integrity/#proof-sets — the same proof twice."""
    web = FakeWeb()
    issuer = did_web_issuer(web)
    credential = issuer.credential()
    credential["proof"] = credential["proof"] * 2
    report = await _verify(web, credential)
    assert report.verdict is Verdict.NOT_VERIFIED
    assert "proof[1] repeats proof[0]" in _problem(report, "proof")
    assert "MALFORMED_PROOF_ERROR" in _problem(report, "proof")


@pytest.mark.parametrize("levels", [65, 300, 5000])
def test_deep_documents_are_refused_by_the_pipeline_itself(levels: int) -> None:
    # What `vcissuer verify` and the pages call: no RecursionError, no ValueError from the
    # JSON Schema validator (it gave up at 256 levels), a named limit instead.
    from vcissuer.dids import DidKeyResolver
    from vcissuer.verify import verify_credential

    issuer = Issuer(did="did:key:x", keys=Ed25519KeyPair.generate())
    credential = issuer.credential(sign=False, credentialSubject=_deep(levels))
    report = verify_credential(credential, resolver=DidKeyResolver(), clock=clock)
    assert "nesting depth: at most 64" in _limit(report)
    assert "deeper than 64 levels" in _limit(report)


def test_deep_presentations_are_refused_by_the_pipeline_itself() -> None:
    from vcissuer.dids import DidKeyResolver
    from vcissuer.verify.presentation import verify_presentation

    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"], "verifiableCredential": [_deep(2000)]}
    report = verify_presentation(presentation, resolver=DidKeyResolver(), clock=clock)
    assert not report.verified
    assert report.check("limits").detail == "nesting depth: at most 64"
    assert report.credentials == ()


def test_canonicalization_of_a_deep_document_is_a_clear_error() -> None:
    from vcissuer.jsonld import Canonicalizer
    from vcissuer.limits import LimitExceeded

    document = {"@context": {"@vocab": "https://example.org/"}, "a": _deep(5000)}
    with pytest.raises(LimitExceeded, match="nests arrays and objects too deeply") as raised:
        Canonicalizer().canonicalize(document)
    assert raised.value.limit == "nesting depth"


def test_a_deep_vc_jwt_payload_is_refused_unparsed() -> None:
    from vcissuer.errors import JwtError
    from vcissuer.proofs.jose import decode_vc_jwt

    payload = '{"vc":' * 5000 + "1" + "}" * 5000
    header = base64url_encode(json.dumps({"alg": "EdDSA", "kid": "did:example:1#k"}).encode())
    token = f"{header}.{base64url_encode(payload.encode())}.AA"
    with pytest.raises(JwtError, match="deeper than 64 levels"):
        decode_vc_jwt(token)


def test_a_deep_credential_file_is_refused_by_the_cli(tmp_path, capsys) -> None:
    import io

    from vcissuer.cli import main

    path = tmp_path / "deep.json"
    path.write_text('{"a":' * 5000 + "1" + "}" * 5000)
    out = io.StringIO()
    code = main(["verify", str(path), "--offline"], out=out)
    assert code == 2
    assert "deeper than 64 levels" in capsys.readouterr().err


async def test_endorsements_and_presentations_share_one_cpu_budget() -> None:
    from vcissuer.limits import Limits as CostLimits

    web = FakeWeb()
    issuer = did_web_issuer(web)
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [issuer.credential() for _ in range(3)]}
    verifier = web.verifier(clock=clock, limits=CostLimits(cpu_seconds=0.000_001))
    try:
        report = await verifier.verify_presentation(presentation)
    finally:
        await verifier.fetcher.client.aclose()
    assert not report.verified
    last = report.credentials[-1]
    assert "CPU per verification: at most 1e-06" in _limit(last)
    assert "stopped before verifiableCredential[2]" in _limit(last)


def _spent(seconds: float = 0.001):
    from vcissuer.limits import CpuBudget

    budget = CpuBudget(seconds)
    deadline = time.thread_time() + seconds
    while time.thread_time() <= deadline:
        sum(range(1000))
    return budget


def test_the_cpu_budget_is_checked_between_the_proofs_of_a_set() -> None:
    from vcissuer.dids import DidKeyResolver
    from vcissuer.jsonld import Canonicalizer
    from vcissuer.proofs import verify_proofs
    from vcissuer.verify.bounds import BudgetedCanonicalizer

    first = Issuer(did="did:key:a", keys=Ed25519KeyPair.generate())
    second = Ed25519KeyPair.generate()
    credential = first.credential(sign=False)
    for keys in (first.keys, second):
        method = f"did:key:{keys.public_multibase}#{keys.public_multibase}"
        credential = Issuer(did="did:key:x", keys=keys).sign(credential, method=method)
    assert verify_proofs(credential, resolver=DidKeyResolver(), clock=clock).verified
    canonicalizer = BudgetedCanonicalizer(Canonicalizer(), _spent())
    result = verify_proofs(credential, resolver=DidKeyResolver(), clock=clock,
                           canonicalizer=canonicalizer)
    assert len(result.results) == 2
    for proof in result.results:
        assert not proof.verified
        assert "stopped before canonicalizing a document" in proof.problems[-1].message


def test_a_spent_budget_stops_the_pipeline_at_once() -> None:
    from vcissuer.dids import DidKeyResolver
    from vcissuer.verify import verify_credential

    keys = Ed25519KeyPair.generate()
    issuer = Issuer(did=f"did:key:{keys.public_multibase}", keys=keys)
    report = verify_credential(issuer.credential(), resolver=DidKeyResolver(), clock=clock,
                               budget=_spent())
    assert "CPU per verification" in _limit(report)


def test_too_many_values_are_refused_before_canonicalization() -> None:
    from vcissuer.dids import DidKeyResolver
    from vcissuer.verify import verify_credential

    keys = Ed25519KeyPair.generate()
    issuer = Issuer(did=f"did:key:{keys.public_multibase}", keys=keys)
    credential = issuer.credential(sign=False, evidence=[{"id": f"https://e.example/{i}"}
                                                         for i in range(60_000)])
    credential["proof"] = issuer.credential()["proof"]
    started = time.process_time()
    report = verify_credential(credential, resolver=DidKeyResolver(), clock=clock)
    assert time.process_time() - started < 0.5  # canonicalizing it takes seconds
    assert "values per document: at most 50000" in _limit(report)
