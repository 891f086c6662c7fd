"""BitstringStatusListEntry: building, reading from credentials, and malformed entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from vcissuer.errors import MALFORMED_VALUE_ERROR
from vcissuer.status import (
    BitstringStatusListEntry,
    MalformedStatusError,
    StatusMessage,
    bitstring_status_entries,
    credential_statuses,
)

VECTORS = Path(__file__).parents[1] / "vectors"
W3C = VECTORS / "w3c-bitstring-status-list-rec-examples"
LIST_URL = "https://example.com/credentials/status/3"


def test_created_entry_has_an_id_and_a_string_index() -> None:
    entry = BitstringStatusListEntry.create(LIST_URL, index=94567)
    assert entry.to_json() == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    assert BitstringStatusListEntry.from_json(entry.to_json()) == entry


def test_the_w3c_entry_example_parses_back_to_itself() -> None:
    credential = load_json(W3C / "example-4-a-revocable-verifiable-credential.json")
    [entry] = bitstring_status_entries(credential)
    assert entry.status_list_index == 94567
    assert entry.to_json() == credential["credentialStatus"]


def test_credential_status_may_be_an_array() -> None:
    credential = load_json(
        W3C / "example-1-example-statuslistcredential-using-simple-entries.json"
    )
    entries = bitstring_status_entries(credential)
    assert [(e.status_purpose, e.status_list_index) for e in entries] == [
        ("revocation", 94567), ("suspension", 23452)
    ]


def test_the_1edtech_numeric_index_is_accepted() -> None:
    credential = load_json(
        VECTORS / "1edtech-validator-ob30/status/credential-with-bitstring-status-revoked.json"
    )
    [entry] = bitstring_status_entries(credential)
    assert entry.status_list_index == 23
    assert entry.to_json()["statusListIndex"] == "23"


def test_other_status_types_are_skipped() -> None:
    credential = {"credentialStatus": [
        {"id": "https://example.com/revocations", "type": "1EdTechRevocationList"},
        BitstringStatusListEntry.create(LIST_URL, index=1).to_json(),
    ]}
    assert len(credential_statuses(credential)) == 2
    assert [e.status_list_index for e in bitstring_status_entries(credential)] == [1]
    assert bitstring_status_entries({}) == []


def test_status_size_and_messages() -> None:
    messages = [StatusMessage(n, m) for n, m in enumerate(["pending", "accepted", "rejected",
                                                           "undefined"])]
    entry = BitstringStatusListEntry.create(LIST_URL, index=7, purpose="message", status_size=2,
                                            status_messages=messages,
                                            status_reference=["https://example.org/codes"])
    wire = entry.to_json()
    assert wire["statusSize"] == 2
    assert wire["statusMessage"][2] == {"status": "0x2", "message": "rejected"}
    assert wire["statusReference"] == "https://example.org/codes"
    assert entry.position == 14
    assert entry.message_for(2) == "rejected"
    assert BitstringStatusListEntry.from_json(wire) == entry


def test_default_messages_for_one_bit() -> None:
    entry = BitstringStatusListEntry.create(LIST_URL, index=0)
    assert (entry.message_for(0), entry.message_for(1)) == ("unset", "set")


# --- negative block ---------------------------------------------------------------------------


def _entry(**changes: Any) -> dict[str, Any]:
    wire = BitstringStatusListEntry.create(LIST_URL, index=5).to_json()
    for key, value in changes.items():
        if value is None:
            wire.pop(key, None)
        else:
            wire[key] = value
    return wire


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "StatusList2021Entry"}, "type"),
        ({"statusListIndex": "-1"}, "statusListIndex"),
        ({"statusListIndex": "1.5"}, "statusListIndex"),
        ({"statusListIndex": "0x10"}, "statusListIndex"),
        ({"statusListIndex": -1}, "statusListIndex"),
        ({"statusListIndex": True}, "statusListIndex"),
        ({"statusListIndex": 2.0}, "statusListIndex"),
        ({"statusListIndex": None}, "statusListIndex"),
        ({"statusListCredential": None}, "statusListCredential"),
        ({"statusListCredential": "status/3"}, "statusListCredential"),
        ({"statusPurpose": ""}, "statusPurpose"),
        ({"statusPurpose": ["revocation"]}, "statusPurpose"),
        ({"id": LIST_URL}, "must not be the status list URL"),
        ({"id": 5}, "id"),
        ({"statusSize": 0}, "statusSize"),
        ({"statusSize": 64}, "statusSize"),
        ({"statusSize": 2}, "statusMessage is required"),
        ({"statusMessage": [{"status": "0x0", "message": "ok"}]}, "must have 2 elements"),
        ({"statusMessage": [{"status": "1", "message": "a"}, {"status": "0x1", "message": "b"}]},
         "hex"),
        ({"statusMessage": "revoked"}, "array"),
        # BSL §2.1: one element per possible value of statusSize bits.
        ({"statusMessage": [{"status": "0x0", "message": "a"}, {"status": "0x2", "message": "b"}]},
         "does not fit"),
        ({"statusMessage": [{"status": "0x1", "message": "a"}, {"status": "0x1", "message": "b"}]},
         "two elements for one status"),
        ({"statusReference": 5}, "statusReference"),
    ],
)
def test_malformed_entries(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(MalformedStatusError, match=message) as caught:
        BitstringStatusListEntry.from_json(_entry(**changes))
    assert caught.value.code == MALFORMED_VALUE_ERROR


def test_the_w3c_message_entry_example_parses() -> None:
    """BSL §2.1 Example 2 (its statusMessage completed to the 4 elements statusSize 2 needs)."""
    example = {
        "id": "https://example.com/credentials/status/8#492847",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "492847",
        "statusSize": 2,
        "statusListCredential": "https://example.com/credentials/status/8",
        "statusMessage": [
            {"status": "0x0", "message": "pending_review"},
            {"status": "0x1", "message": "accepted"},
            {"status": "0x2", "message": "rejected"},
            {"status": "0x3", "message": "undefined"},
        ],
        "statusReference": "https://example.org/status-dictionary/",
    }
    entry = BitstringStatusListEntry.from_json(example)
    assert (entry.status_size, entry.position) == (2, 492847 * 2)
    assert [entry.message_for(v) for v in range(4)] == [
        "pending_review", "accepted", "rejected", "undefined"]
    assert entry.to_json() == example
    with pytest.raises(MalformedStatusError, match="must have 4 elements"):
        BitstringStatusListEntry.from_json({**example,
                                            "statusMessage": example["statusMessage"][:3]})


def test_credential_status_must_hold_objects() -> None:
    with pytest.raises(MalformedStatusError):
        credential_statuses({"credentialStatus": "https://example.com/status"})
    with pytest.raises(MalformedStatusError):
        BitstringStatusListEntry.from_json(["not", "an", "object"])
