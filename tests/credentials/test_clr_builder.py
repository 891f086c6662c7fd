"""CLR 2.0 records built by credentials/clr.py: valid against the published ClrCredential
JSON Schema, the embedded credentials untouched, associations between known achievements.

https://www.imsglobal.org/spec/clr/v2p0/ (ClrCredential, ClrSubject, Association).
"""

from __future__ import annotations

import copy

import pytest

from tests.conftest import VECTORS, load_json
from tests.verify.issuing import NOW, did_web_issuer
from tests.verify.records import LEARNER, micro_credentials, record
from vcissuer.credentials.clr import (
    Association,
    ClrBuildError,
    build_clr,
    ordered_associations,
)
from vcissuer.credentials.schema import CLR_CREDENTIAL_SCHEMA_URL, validate_clr_credential

CLR20 = VECTORS / "1edtech-validator-clr20"


def test_the_1edtech_samples_that_are_vcdm2_validate_and_the_v1_ones_do_not() -> None:
    """The validator's VCDM 2.0 sample and the Implementation Guide's signed CLR conform; the
    VCDM 1.1 samples lack ``validFrom`` (CLR 2.0 is VCDM 2.0), as MANIFEST.json records."""
    assert validate_clr_credential(load_json(CLR20 / "simple.json")) == []
    guide = VECTORS / "1edtech-impl-guide-eddsa-rdfc-2022/clrv2p0/signed-credential.json"
    assert validate_clr_credential(load_json(guide)) == []
    for name in ("simple_v1.json", "complex.json", "simple-noproof.json"):
        problems = validate_clr_credential(load_json(CLR20 / name))
        assert any(p.rule == "required" and "validFrom" in p.message for p in problems), name


def test_a_record_of_three_validates_and_embeds_them_as_issued() -> None:
    issuer = did_web_issuer(None)
    credentials = micro_credentials(issuer, 3)
    originals = copy.deepcopy(credentials)
    ids = [c["credentialSubject"]["achievement"]["id"] for c in credentials]
    clr = record(issuer, credentials, sign=False,
                 associations=tuple(ordered_associations(ids)))
    assert validate_clr_credential(clr) == []
    subject = clr["credentialSubject"]
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["credentialSchema"][0]["id"] == CLR_CREDENTIAL_SCHEMA_URL
    assert subject["id"] == LEARNER and subject["type"] == ["ClrSubject"]
    assert subject["verifiableCredential"] == originals
    assert all("proof" in c for c in subject["verifiableCredential"])
    assert [a["id"] for a in subject["achievement"]] == ids
    assert subject["association"] == [
        {"type": "Association", "associationType": "precedes", "sourceId": ids[0],
         "targetId": ids[1]},
        {"type": "Association", "associationType": "precedes", "sourceId": ids[1],
         "targetId": ids[2]}]


def test_a_qualification_the_modules_are_part_of_is_listed_after_them() -> None:
    issuer = did_web_issuer(None)
    credentials = micro_credentials(issuer, 2)
    pgcert = {"id": "https://issuer.example/achievements/pgcert", "type": ["Achievement"],
              "name": "PgCert Data Science", "achievementType": "Certificate",
              "description": "Postgraduate Certificate in Data Science.",
              "criteria": {"narrative": "60 credits at FHEQ level 7."}}
    links = tuple(Association("isChildOf", c["credentialSubject"]["achievement"]["id"],
                              pgcert["id"]) for c in credentials)
    clr = record(issuer, credentials, sign=False, achievements=[pgcert], associations=links)
    assert validate_clr_credential(clr) == []
    assert clr["credentialSubject"]["achievement"][-1] == pgcert


def test_a_learner_known_by_identifier_only() -> None:
    issuer = did_web_issuer(None)
    identity = {"type": "IdentityObject", "identityHash": "sha256$" + "0" * 64,
                "identityType": "emailAddress", "hashed": True, "salt": "ab"}
    clr = build_clr(credential_id="urn:uuid:5f6b7c7e-0c5e-4d8a-9a43-0d1d3f1f2a11",
                    issuer={"id": issuer.did, "type": ["Profile"], "name": "Acme"},
                    name="Record", valid_from=NOW,
                    credentials=micro_credentials(issuer, 1), identifiers=[identity])
    assert "id" not in clr["credentialSubject"]
    assert clr["credentialSubject"]["identifier"] == [identity]
    assert validate_clr_credential(clr) == []


@pytest.mark.parametrize(("association", "field", "rule"), [
    (Association("isFriendOf", "a", "b"), "associations[0].associationType", "enum"),
    (Association("isPartOf", "https://nowhere.example/a", "B"), "associations[0].sourceId",
     "unknown-achievement"),
    (Association("isPartOf", "A", "A"), "associations[0]", "self-association"),
])
def test_associations_must_relate_achievements_of_the_record(association, field, rule) -> None:
    issuer = did_web_issuer(None)
    credentials = micro_credentials(issuer, 2)
    ids = [c["credentialSubject"]["achievement"]["id"] for c in credentials]
    names = {"A": ids[0], "B": ids[1]}
    association = Association(association.association_type,
                              names.get(association.source_id, association.source_id),
                              names.get(association.target_id, association.target_id))
    with pytest.raises(ClrBuildError) as caught:
        record(issuer, credentials, sign=False, associations=(association,))
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_a_record_needs_credentials_and_a_learner() -> None:
    issuer = did_web_issuer(None)
    with pytest.raises(ClrBuildError) as caught:
        record(issuer, [], sign=False)
    assert caught.value.field == "credentials"
    with pytest.raises(ClrBuildError) as caught:
        build_clr(credential_id="urn:uuid:1", issuer={"id": issuer.did}, name="R",
                  valid_from=NOW,
                  credentials=micro_credentials(issuer, 1))
    assert caught.value.field == "learner"
