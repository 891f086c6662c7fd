"""1EdTech Revocation List: the document we publish and the check a verifier makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from vcissuer.status import (
    CREDENTIAL_REVOKED,
    REVOKED_CREDENTIALS,
    MalformedStatusError,
    RevokedCredential,
    check_revocation_list,
    create_revocation_list,
    revocation_list_entry,
    revocation_list_urls,
)

LEGACY = (Path(__file__).parents[1]
          / "vectors/1edtech-validator-ob30/legacy-vcdm11/credential-1edtech-revocation-list-revoked.json")
LIST_URL = "https://issuer.example/revocations/1"
CREDENTIAL_ID = "urn:uuid:2f4c5f8e-1c1d-4f35-9d0c-6f0e8d6e3c11"


def test_document_shape() -> None:
    document = create_revocation_list(
        [CREDENTIAL_ID, RevokedCredential("urn:uuid:other", revoked=False),
         RevokedCredential("urn:uuid:third", reason="issued in error")],
        list_url=LIST_URL,
    )
    assert document == {
        "id": LIST_URL,
        REVOKED_CREDENTIALS: [
            {"id": CREDENTIAL_ID, "revoked": True},
            {"id": "urn:uuid:other", "revoked": False},
            {"id": "urn:uuid:third", "revoked": True, "revocationReason": "issued in error"},
        ],
    }
    assert REVOKED_CREDENTIALS == "revokedCredentials"  # what the 1EdTech validator reads


def test_entry_and_urls() -> None:
    assert revocation_list_entry(LIST_URL) == {"id": LIST_URL, "type": "1EdTechRevocationList"}
    credential = {"id": CREDENTIAL_ID, "credentialStatus": revocation_list_entry(LIST_URL)}
    assert revocation_list_urls(credential) == [LIST_URL]


def test_the_1edtech_sample_points_at_a_revocation_list() -> None:
    credential = load_json(LEGACY)
    [url] = revocation_list_urls(credential)
    assert url.startswith("https://")
    revoked = check_revocation_list(credential, {"revokedCredentials": [{"id": credential["id"]}]})
    assert revoked.revoked


def test_revoked_when_listed() -> None:
    result = check_revocation_list(
        {"id": CREDENTIAL_ID},
        create_revocation_list([RevokedCredential(CREDENTIAL_ID, reason="fraud")],
                               list_url=LIST_URL),
    )
    assert result.revoked and not result.valid
    assert result.message == "fraud"
    assert result.list_url == LIST_URL
    assert [p.code for p in result.problems()] == [CREDENTIAL_REVOKED]


@pytest.mark.parametrize(
    ("entries", "revoked"),
    [
        ([{"id": CREDENTIAL_ID}], True),  # revoked absent means revoked
        ([{"id": CREDENTIAL_ID, "revoked": True}], True),
        ([{"id": CREDENTIAL_ID, "revoked": False}], False),
        ([{"id": "urn:uuid:someone-else"}], False),
        ([], False),
        ([{"id": CREDENTIAL_ID, "revoked": False}, {"id": CREDENTIAL_ID}], True),
    ],
)
def test_revoked_rule(entries: list[dict[str, Any]], revoked: bool) -> None:
    result = check_revocation_list(CREDENTIAL_ID, {"revokedCredentials": entries})
    assert result.revoked is revoked
    assert result.valid is not revoked


def test_singular_key_is_read_too() -> None:
    assert check_revocation_list(CREDENTIAL_ID,
                                 {"revokedCredential": [{"id": CREDENTIAL_ID}]}).revoked


@pytest.mark.parametrize(
    "document",
    [
        [],
        {},
        {"revokedCredentials": {"id": CREDENTIAL_ID}},
        {"revokedCredentials": ["urn:uuid:x"]},
        {"revokedCredentials": [{"id": CREDENTIAL_ID, "revoked": "yes"}]},
    ],
)
def test_malformed_list_is_not_a_pass(document: Any) -> None:
    with pytest.raises(MalformedStatusError):
        check_revocation_list(CREDENTIAL_ID, document)


def test_credential_without_id() -> None:
    with pytest.raises(MalformedStatusError, match="needs an id"):
        check_revocation_list({"type": ["VerifiableCredential"]}, {"revokedCredentials": []})
