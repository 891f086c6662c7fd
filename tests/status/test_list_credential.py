"""BitstringStatusListCredential: build and sign, verify, check entries (BSL validate algorithm)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from vcissuer.dids import (
    CompositeResolver,
    DidKeyResolver,
    FragmentKeyResolver,
    did_key_from_public,
)
from vcissuer.errors import MALFORMED_VALUE_ERROR, RANGE_ERROR
from vcissuer.jsonld import canonicalize
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof, verify_proofs
from vcissuer.status import (
    CREDENTIAL_REVOKED,
    CREDENTIAL_SUSPENDED,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_VERIFICATION_ERROR,
    Bitstring,
    BitstringStatusListEntry,
    MalformedStatusError,
    StatusError,
    StatusList,
    StatusListLengthError,
    StatusMessage,
    StatusRangeError,
    StatusResult,
    bitstring_status_entries,
    check_status,
    create_status_list_credential,
)

VECTORS = Path(__file__).parents[1] / "vectors"
ONEEDTECH = VECTORS / "1edtech-validator-ob30/status"
W3C = VECTORS / "w3c-bitstring-status-list-rec-examples"
LIST_URL = "https://issuer.example/status/1"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
RESOLVER = CompositeResolver([DidKeyResolver(), FragmentKeyResolver()])


def _clock() -> datetime:
    return NOW


@dataclass
class _Outcome:
    verified: bool


TRUSTED = _Outcome(verified=True)


@pytest.fixture(scope="module")
def keys() -> Ed25519KeyPair:
    return Ed25519KeyPair.generate()


@pytest.fixture(scope="module")
def did(keys: Ed25519KeyPair) -> str:
    return did_key_from_public(keys.public_multibase)


def _sign(credential: dict[str, Any], keys: Ed25519KeyPair, did: str) -> dict[str, Any]:
    return add_proof(credential, signer=keys.signer(f"{did}#{keys.public_multibase}"),
                     clock=_clock)


def _list(did: str, bits: Bitstring, **kwargs: Any) -> dict[str, Any]:
    return create_status_list_credential(LIST_URL, issuer=did, bitstring=bits, clock=_clock,
                                         **kwargs)


def _verify(document: dict[str, Any]) -> Any:
    return verify_proofs(document, resolver=RESOLVER, clock=_clock)


# --- the 1EdTech validator samples ------------------------------------------------------------


def test_1edtech_revoked_credential_is_reported_revoked() -> None:
    list_credential = load_json(ONEEDTECH / "bitstring-status-list-credential.json")
    credential = load_json(ONEEDTECH / "credential-with-bitstring-status-revoked.json")
    [entry] = bitstring_status_entries(credential)
    result = check_status(entry, list_credential, verify_list=_verify, clock=_clock)
    assert result.revoked
    assert not result.valid
    assert not result.suspended
    assert result.status == 1
    assert [p.code for p in result.problems()] == [CREDENTIAL_REVOKED]
    assert result.to_json()["valid"] is False


def test_1edtech_list_proof_verifies() -> None:
    list_credential = load_json(ONEEDTECH / "bitstring-status-list-credential.json")
    assert _verify(list_credential).verified


def test_1edtech_neighbouring_index_is_valid() -> None:
    list_credential = load_json(ONEEDTECH / "bitstring-status-list-credential.json")
    entry = BitstringStatusListEntry.create(LIST_URL, index=24)
    result = check_status(entry, list_credential, verify_list=TRUSTED, clock=_clock)
    assert result.valid and not result.revoked
    assert result.problems() == ()


@pytest.mark.parametrize("name", ["example-3-example-bitstringstatuslistcredential.json",
                                  "example-5-a-status-list-verifiable-credential.json"])
def test_w3c_example_entry_is_valid_against_the_example_list(name: str) -> None:
    credential = load_json(W3C / "example-4-a-revocable-verifiable-credential.json")
    [entry] = bitstring_status_entries(credential)
    result = check_status(entry, load_json(W3C / name), verify_list=TRUSTED, clock=_clock)
    assert result.valid
    assert result.to_json() == {
        "status": 0, "purpose": "revocation", "valid": True, "type": "BitstringStatusListEntry",
        "message": "unset", "statusListCredential": "https://example.com/credentials/status/3",
    }


# --- our own lists ----------------------------------------------------------------------------


def test_built_list_credential_shape(did: str) -> None:
    credential = _list(did, Bitstring(), ttl=300_000)
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": "2025-06-01T12:00:00Z",
        "validUntil": "2025-06-02T12:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": Bitstring().encode(),
            "ttl": 300_000,
        },
    }
    assert "validUntil" not in _list(did, Bitstring(), valid_for=None)


def test_list_credential_passes_json_ld_safe_mode(did: str) -> None:
    credential = _list(did, Bitstring(), ttl=1000, purpose=["revocation", "suspension"])
    assert "BitstringStatusList" in canonicalize(credential)


def test_signed_list_verifies_and_revokes(keys: Ed25519KeyPair, did: str) -> None:
    bits = Bitstring()
    bits.set(4242, True)
    signed = _sign(_list(did, bits), keys, did)
    verification = verify_proofs(signed, resolver=DidKeyResolver(), clock=_clock,
                                 expected_controller=did)
    assert verification.verified, verification.all_problems()
    revoked = BitstringStatusListEntry.create(LIST_URL, index=4242)
    fine = BitstringStatusListEntry.create(LIST_URL, index=4243)
    assert check_status(revoked, signed, verify_list=verification, clock=_clock).revoked
    assert check_status(fine.to_json(), signed, verify_list=_verify, clock=_clock).valid


def test_suspension_list(did: str) -> None:
    bits = Bitstring()
    bits.set(9, True)
    credential = _list(did, bits, purpose="suspension")
    entry = BitstringStatusListEntry.create(LIST_URL, index=9, purpose="suspension")
    result = check_status(entry, credential, verify_list=TRUSTED, clock=_clock)
    assert result.suspended and not result.revoked and not result.valid
    assert [p.code for p in result.problems()] == [CREDENTIAL_SUSPENDED]


def test_multi_bit_message_status(did: str) -> None:
    bits = Bitstring(2 * 131_072)
    bits.set_status(100, 2, status_size=2)
    credential = _list(did, bits, purpose="message")
    messages = [StatusMessage(n, m) for n, m in enumerate(["ok", "late", "rejected", "other"])]
    entry = BitstringStatusListEntry.create(LIST_URL, index=100, purpose="message",
                                            status_size=2, status_messages=messages)
    result = check_status(entry, credential, verify_list=TRUSTED, clock=_clock)
    assert (result.status, result.message, result.valid) == (2, "rejected", False)
    assert result.problems() == ()  # a message status informs; it does not invalidate


def test_a_suspension_value_named_revoked_reads_revoked(did: str) -> None:
    """vcissuer.status.lifecycle: one 2-bit suspension entry; value 2's statusMessage is
    "revoked". Every verifier sees ``valid: false``; ours says revoked (BSL §2.1 leaves the
    processing of status messages to implementers, who document it)."""
    from vcissuer.status.lifecycle import LIFECYCLE_MESSAGES

    bits = Bitstring(2 * 131_072)
    bits.set_status(7, 2, status_size=2)
    bits.set_status(8, 1, status_size=2)
    credential = _list(did, bits, purpose="suspension")

    def result(index: int) -> StatusResult:
        entry = BitstringStatusListEntry.create(LIST_URL, index=index, purpose="suspension",
                                                status_size=2,
                                                status_messages=LIFECYCLE_MESSAGES)
        return check_status(entry, credential, verify_list=TRUSTED, clock=_clock)

    revoked, suspended, active = result(7), result(8), result(9)
    assert revoked.revoked and not revoked.suspended and not revoked.valid
    assert [p.code for p in revoked.problems()] == [CREDENTIAL_REVOKED]
    assert suspended.suspended and not suspended.revoked
    assert [p.code for p in suspended.problems()] == [CREDENTIAL_SUSPENDED]
    assert active.valid and active.problems() == ()


def test_status_size_must_match_a_list_that_states_one(did: str) -> None:
    """BSL §2.2 names credentialSubject.statusSize for message lists; an entry of another
    size reads the wrong bits, so it is a STATUS_VERIFICATION_ERROR."""
    credential = _list(did, Bitstring(2 * 131_072), purpose="message")
    credential["credentialSubject"]["statusSize"] = 2
    messages = [StatusMessage(n, str(n)) for n in range(8)]
    entry = BitstringStatusListEntry.create(LIST_URL, index=1, purpose="message",
                                            status_size=3, status_messages=messages)
    with pytest.raises(StatusError, match="statusSize") as caught:
        check_status(entry, credential, verify_list=TRUSTED, clock=_clock, minimum_entries=8)
    assert caught.value.code == STATUS_VERIFICATION_ERROR
    same = BitstringStatusListEntry.create(LIST_URL, index=1, purpose="message", status_size=2,
                                           status_messages=messages[:4])
    assert check_status(same, credential, verify_list=TRUSTED, clock=_clock).status == 0


def test_a_result_has_no_truth_value(did: str) -> None:
    entry = BitstringStatusListEntry.create(LIST_URL, index=0)
    result = check_status(entry, _list(did, Bitstring()), verify_list=TRUSTED, clock=_clock)
    with pytest.raises(TypeError, match="no truth value"):
        bool(result)
    assert isinstance(result, StatusResult)


def test_list_for_two_purposes(did: str) -> None:
    credential = _list(did, Bitstring(), purpose=["revocation", "suspension"])
    assert StatusList.from_credential(credential).purposes == ("revocation", "suspension")
    entry = BitstringStatusListEntry.create(LIST_URL, index=1, purpose="suspension")
    assert check_status(entry, credential, verify_list=TRUSTED, clock=_clock).valid


def test_builder_refuses_a_short_list(did: str) -> None:
    with pytest.raises(ValueError, match="at least"):
        _list(did, Bitstring(8))
    with pytest.raises(ValueError):
        _list(did, Bitstring(), purpose=[])


# --- negative block: one per way the validate algorithm refuses -------------------------------


def test_unverified_list(keys: Ed25519KeyPair, did: str) -> None:
    signed = _sign(_list(did, Bitstring()), keys, did)
    tampered = Bitstring()
    tampered.set(1, True)
    signed["credentialSubject"]["encodedList"] = tampered.encode()
    entry = BitstringStatusListEntry.create(LIST_URL, index=1)
    with pytest.raises(StatusError) as caught:
        check_status(entry, signed, verify_list=_verify, clock=_clock)
    assert caught.value.code == STATUS_VERIFICATION_ERROR
    with pytest.raises(StatusError):
        check_status(entry, signed, verify_list=_Outcome(verified=False), clock=_clock)


def test_purpose_mismatch(did: str) -> None:
    entry = BitstringStatusListEntry.create(LIST_URL, index=1, purpose="suspension")
    with pytest.raises(StatusError, match="not a purpose") as caught:
        check_status(entry, _list(did, Bitstring()), verify_list=TRUSTED, clock=_clock)
    assert caught.value.code == STATUS_VERIFICATION_ERROR


def test_list_too_short(did: str) -> None:
    credential = _list(did, Bitstring())
    credential["credentialSubject"]["encodedList"] = Bitstring(1024).encode()
    entry = BitstringStatusListEntry.create(LIST_URL, index=1)
    with pytest.raises(StatusListLengthError) as caught:
        check_status(entry, credential, verify_list=TRUSTED, clock=_clock)
    assert caught.value.code == STATUS_LIST_LENGTH_ERROR
    assert check_status(entry, credential, verify_list=TRUSTED, clock=_clock,
                        minimum_entries=1024).valid


def test_list_too_short_in_entries_for_a_wider_status(did: str) -> None:
    messages = [StatusMessage(n, str(n)) for n in range(4)]
    entry = BitstringStatusListEntry.create(LIST_URL, index=1, purpose="message", status_size=2,
                                            status_messages=messages)
    credential = _list(did, Bitstring(), purpose="message")  # 131,072 bits = 65,536 entries
    with pytest.raises(StatusListLengthError):
        check_status(entry, credential, verify_list=TRUSTED, clock=_clock)


def test_index_out_of_range(did: str) -> None:
    entry = BitstringStatusListEntry.create(LIST_URL, index=131_072)
    with pytest.raises(StatusRangeError) as caught:
        check_status(entry, _list(did, Bitstring()), verify_list=TRUSTED, clock=_clock)
    assert caught.value.code == RANGE_ERROR


@pytest.mark.parametrize("encoded", ["zNotBase64url", "uAAAA", "u" + "H4sI" * 3])
def test_undecodable_list(did: str, encoded: str) -> None:
    credential = _list(did, Bitstring())
    credential["credentialSubject"]["encodedList"] = encoded
    entry = BitstringStatusListEntry.create(LIST_URL, index=1)
    with pytest.raises(MalformedStatusError) as caught:
        check_status(entry, credential, verify_list=TRUSTED, clock=_clock)
    assert caught.value.code == MALFORMED_VALUE_ERROR


def test_expired_and_not_yet_valid_lists(did: str) -> None:
    entry = BitstringStatusListEntry.create(LIST_URL, index=1)
    old = create_status_list_credential(LIST_URL, issuer=did, bitstring=Bitstring(),
                                        valid_from=NOW - timedelta(days=3))
    with pytest.raises(StatusError, match="expired"):
        check_status(entry, old, verify_list=TRUSTED, clock=_clock)
    future = create_status_list_credential(LIST_URL, issuer=did, bitstring=Bitstring(),
                                           valid_from=NOW + timedelta(hours=1))
    with pytest.raises(StatusError, match="not valid until"):
        check_status(entry, future, verify_list=TRUSTED, clock=_clock)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("type",), ["VerifiableCredential"]),
        (("credentialSubject", "type"), "StatusList2021"),
        (("credentialSubject", "statusPurpose"), []),
        (("credentialSubject", "encodedList"), 5),
        (("credentialSubject", "ttl"), -1),
        (("credentialSubject",), "https://issuer.example/status/1#list"),
        (("validUntil",), "tomorrow"),
    ],
)
def test_malformed_list_credential(did: str, path: tuple[str, ...], value: Any) -> None:
    credential = copy.deepcopy(_list(did, Bitstring()))
    target = credential
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    entry = BitstringStatusListEntry.create(LIST_URL, index=1)
    with pytest.raises(MalformedStatusError):
        check_status(entry, credential, verify_list=TRUSTED, clock=_clock)
