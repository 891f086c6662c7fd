"""Safe mode: what JSON-LD would silently drop or leave relative is an error naming it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from vcissuer.errors import DocumentLoaderError, SafeModeError
from vcissuer.jsonld import Canonicalizer, canonicalize

VECTOR = Path(__file__).parents[1] / "vectors/1edtech-impl-guide-eddsa-rdfc-2022/obv3p0"
CREDENTIAL = json.loads((VECTOR / "unsigned-credential.json").read_text())
V1 = ["https://www.w3.org/2018/credentials/v1"]


def _with(**changes):
    doc = copy.deepcopy(CREDENTIAL)
    doc.update(changes)
    return doc


def test_the_vector_passes_safe_mode_and_matches() -> None:
    assert canonicalize(CREDENTIAL) == (VECTOR / "document-canon.txt").read_text()


def test_undefined_property_is_named_with_its_path() -> None:
    doc = _with(**{"@context": V1, "credentialSubject": {"id": "did:ex:1", "gpa": "4.0"}})
    doc.pop("name")
    doc["issuer"] = "https://issuer.example"
    with pytest.raises(SafeModeError) as caught:
        canonicalize(doc)
    assert caught.value.path == "credentialSubject.gpa"
    assert "'gpa'" in str(caught.value)


def test_undefined_type_is_an_error() -> None:
    doc = {"@context": V1, "id": "urn:uuid:1", "type": ["VerifiableCredential", "NoSuchType"],
           "issuer": "https://issuer.example", "issuanceDate": "2024-01-01T00:00:00Z",
           "credentialSubject": {"id": "did:ex:1"}}
    with pytest.raises(SafeModeError, match="NoSuchType") as caught:
        canonicalize(doc)
    assert caught.value.path == "type[1]"


def test_relative_id_is_an_error() -> None:
    with pytest.raises(SafeModeError, match="relative") as caught:
        canonicalize(_with(id="credentials/3527"))
    assert caught.value.path == "id"


def test_relative_nested_id_is_an_error() -> None:
    doc = _with()
    doc["credentialSubject"]["achievement"]["id"] = "teamwork"
    with pytest.raises(SafeModeError) as caught:
        canonicalize(doc)
    assert caught.value.path == "credentialSubject.achievement.id"


def test_term_mapped_to_null_is_an_error() -> None:
    doc = _with(**{"@context": [*CREDENTIAL["@context"], {"localNote": None}]}, localNote="x")
    with pytest.raises(SafeModeError):
        canonicalize(doc)


def test_unknown_context_names_the_url() -> None:
    with pytest.raises(DocumentLoaderError, match=r"https://unknown\.example/ctx"):
        canonicalize(_with(**{"@context": [*CREDENTIAL["@context"],
                                           "https://unknown.example/ctx"]}))


def test_undefined_top_level_term_in_a_v2_credential_is_an_error() -> None:
    # The VCDM 2.0 REC context has no @vocab: an undefined term would be dropped.
    with pytest.raises(SafeModeError, match="extraTerm"):
        canonicalize(_with(extraTerm="dropped"))


def test_terms_under_an_explicit_vocab_are_allowed() -> None:
    examples = "https://www.w3.org/ns/credentials/examples/v2"
    nquads = canonicalize(_with(**{"@context": [*CREDENTIAL["@context"], examples]},
                                extraTerm="kept"))
    assert "https://www.w3.org/ns/credentials/examples#extraTerm" in nquads


def test_unsafe_mode_keeps_pyld_behaviour() -> None:
    doc = _with(**{"@context": V1, "credentialSubject": {"id": "did:ex:1", "gpa": "4.0"}})
    assert "gpa" not in Canonicalizer(safe=False).canonicalize(doc)


def test_invalid_jsonld_is_a_typed_error() -> None:
    from vcissuer.errors import VcError

    with pytest.raises(VcError):
        canonicalize({"@context": {"@version": 9}, "x": 1})
