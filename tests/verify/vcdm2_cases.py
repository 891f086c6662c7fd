"""VCDM 2.0 MUSTs as cases, after the assertions of the W3C vc-data-model-2.0-test-suite.

Each case mutates a conforming credential (VCDM 2.0 plus the examples context) and names the
section it tests. Failing cases name the member the issuer must reject (``credential.`` + this
path) and the verifier's structure check must mention. The inputs are written here, not copied.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vcissuer.keys.multibase import multibase_encode

VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
CONTEXTS = Path(__file__).parents[2] / "contexts"
V2_BYTES = (CONTEXTS / "www.w3.org_ns_credentials_v2.jsonld").read_bytes()
EXAMPLES_BYTES = (CONTEXTS / "www.w3.org_ns_credentials_examples_v2.jsonld").read_bytes()


def sri(algorithm: str, content: bytes) -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, content).digest()).decode()}"


def multihash_sha256(content: bytes, base: str = "u") -> str:
    return multibase_encode(b"\x12\x20" + hashlib.sha256(content).digest(), base)  # type: ignore[arg-type]


def base_credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [VC_V2, EXAMPLES],
        "id": "urn:uuid:6a1e3c52-8a35-4a3f-9c2e-2f0d8f4b7a10",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "degree": {"type": "ExampleBachelorDegree",
                                         "name": "Bachelor of Science and Arts"}},
    }


Mutation = Callable[[dict[str, Any]], None]


def _set(**members: Any) -> Mutation:
    def mutate(credential: dict[str, Any]) -> None:
        credential.update(copy.deepcopy(members))
    return mutate


def _issuer(**members: Any) -> Mutation:
    def mutate(credential: dict[str, Any]) -> None:
        credential["issuer"] = {"id": credential["issuer"], **members}
    return mutate


def _drop(key: str) -> Mutation:
    def mutate(credential: dict[str, Any]) -> None:
        credential.pop(key)
    return mutate


OTHER = "https://example.org/resources/policy.pdf"
STATUS = {"id": "https://university.example/status/24", "type": "ExampleStatusEntry"}

# name -> (section, mutation)
CONFORMING: dict[str, tuple[str, Mutation]] = {
    "termsOfUse with type": ("5.5", _set(termsOfUse={"type": "ExampleTermsPolicy"})),
    "termsOfUse with type and id": ("5.5", _set(termsOfUse=[
        {"type": "ExampleTermsPolicy", "id": "https://university.example/policies/1"},
        {"type": "ExampleTermsPolicy", "id": "https://university.example/policies/2"}])),
    "evidence with type": ("5.6", _set(evidence=[
        {"id": "https://university.example/evidence/f2aeec97", "type": ["Evidence"],
         "name": "Transcript"}])),
    "refreshService with type": ("5.4", _set(refreshService={
        "id": "https://university.example/refresh/3732", "type": "ExampleRefreshService"})),
    "two refresh services": ("5.4", _set(refreshService=[
        {"type": "ExampleRefreshService"}, {"type": "ExampleRefreshService2"}])),
    "credentialSchema": ("4.11", _set(credentialSchema={
        "id": "https://example.org/examples/degree.json", "type": "JsonSchema"})),
    "two credentialSchemas": ("4.11", _set(credentialSchema=[
        {"id": "https://example.org/examples/degree.json", "type": "JsonSchema"},
        {"id": "https://example.org/examples/alumni.json", "type": "JsonSchema"}])),
    "credentialStatus without id": ("4.10", _set(credentialStatus={
        "type": "ExampleStatusEntry"})),
    "credentialStatus with id": ("4.10", _set(credentialStatus=STATUS)),
    "name string": ("4.6", _set(name="Example Degree")),
    "name language value": ("4.6/11.1", _set(name={"@value": "Example Degree",
                                                   "@language": "en"})),
    "name with direction": ("4.6/11.1", _set(name={"@value": "شهادة", "@language": "ar",
                                                   "@direction": "rtl"})),
    "name in two languages": ("4.6/11.1", _set(name=[
        {"@value": "Example Degree", "@language": "en"},
        {"@value": "Diplôme", "@language": "fr"}])),
    "description language value": ("4.6/11.1", _set(description={
        "@value": "A degree", "@language": "en", "@direction": "ltr"})),
    "issuer name and description": ("4.6", _issuer(
        name={"@value": "Example University", "@language": "en"},
        description=[{"@value": "A university", "@language": "en"},
                     {"@value": "Une université", "@language": "fr"}])),
    "issuer object": ("4.7", _issuer(name="Example University")),
    "subjects, several": ("4.8", _set(credentialSubject=[
        {"id": "did:example:1", "name": "Jayden"}, {"id": "did:example:2", "name": "Morgan"}])),
    "validFrom with milliseconds": ("4.9", _set(validFrom="2025-01-01T19:23:24.123Z")),
    "validFrom with an offset": ("4.9", _set(validFrom="2025-01-01T19:23:24+02:00")),
    "validUntil": ("4.9", _set(validUntil="2035-01-01T19:23:24-05:00")),
    "relatedResource, SRI sha384 of a bundled context": ("5.3", _set(relatedResource=[
        {"id": VC_V2, "digestSRI": sri("sha384", V2_BYTES)},
        {"id": EXAMPLES, "digestSRI": sri("sha256", EXAMPLES_BYTES),
         "mediaType": "application/ld+json"}])),
    "relatedResource, multibase sha2-256 of a bundled context": ("5.3", _set(relatedResource=[
        {"id": VC_V2, "digestMultibase": multihash_sha256(V2_BYTES)},
        {"id": EXAMPLES, "digestMultibase": multihash_sha256(EXAMPLES_BYTES, "z")}])),
    "relatedResource, SRI lists its strongest digest last": ("5.3", _set(relatedResource=[
        {"id": VC_V2, "digestSRI": f"sha256-{'A' * 43}= {sri('sha512', V2_BYTES)}"}])),
    "relatedResource we cannot read": ("5.3", _set(relatedResource=[
        {"id": OTHER, "digestSRI": sri("sha384", b"whatever the policy says")}])),
}

# name -> (section, mutation, path of the member at fault)
NON_CONFORMING: dict[str, tuple[str, Mutation, str]] = {
    "termsOfUse without type": ("5.5", _set(termsOfUse={
        "id": "https://university.example/policies/1"}), "termsOfUse[0].type"),
    "termsOfUse as a string": ("5.5", _set(termsOfUse="https://university.example/p"),
                               "termsOfUse[0]"),
    "evidence without type": ("5.6", _set(evidence=[
        {"id": "https://university.example/evidence/1", "name": "Transcript"}]),
        "evidence[0].type"),
    "refreshService without type": ("5.4", _set(refreshService={
        "id": "https://university.example/refresh/1"}), "refreshService[0].type"),
    "credentialSchema without type": ("4.11", _set(credentialSchema={
        "id": "https://example.org/examples/degree.json"}), "credentialSchema[0].type"),
    "credentialSchema without id": ("4.11", _set(credentialSchema={"type": "JsonSchema"}),
                                    "credentialSchema[0].id"),
    "credentialSchema id not a URL": ("4.11", _set(credentialSchema={
        "id": 12345, "type": "JsonSchema"}), "credentialSchema[0].id"),
    "credentialStatus without type": ("4.10", _set(credentialStatus={
        "id": "https://university.example/status/24"}), "credentialStatus[0].type"),
    "credentialStatus type a number": ("4.10/4.5", _set(credentialStatus={
        "id": "https://university.example/status/24", "type": 2}), "credentialStatus[0].type"),
    "credentialStatus id not a URL": ("4.10", _set(credentialStatus={
        "id": 24, "type": "ExampleStatusEntry"}), "credentialStatus[0].id"),
    "credentialStatus with two ids": ("4.10", _set(credentialStatus={
        "id": ["https://a.example/1", "https://a.example/2"], "type": "ExampleStatusEntry"}),
        "credentialStatus[0].id"),
    "relatedResource a string": ("5.3", _set(relatedResource=VC_V2), "relatedResource"),
    "relatedResource a list of strings": ("5.3", _set(relatedResource=[VC_V2]),
                                          "relatedResource"),
    "relatedResource without id": ("5.3", _set(relatedResource=[
        {"digestSRI": sri("sha384", V2_BYTES)}]), "relatedResource[0].id"),
    "relatedResource id not a URL": ("5.3", _set(relatedResource=[
        {"id": "not a url", "digestSRI": sri("sha384", V2_BYTES)}]), "relatedResource[0].id"),
    "relatedResource with duplicate ids": ("5.3", _set(relatedResource=[
        {"id": VC_V2, "digestSRI": sri("sha384", V2_BYTES)},
        {"id": VC_V2, "digestMultibase": multihash_sha256(V2_BYTES)}]),
        "relatedResource[1].id"),
    "relatedResource without a digest": ("5.3", _set(relatedResource=[
        {"id": VC_V2, "mediaType": "application/ld+json"}]), "relatedResource[0]"),
    "relatedResource SRI that does not parse": ("5.3", _set(relatedResource=[
        {"id": OTHER, "digestSRI": "md5-abc"}]), "relatedResource[0].digestSRI"),
    "relatedResource multibase that is no multihash": ("5.3", _set(relatedResource=[
        {"id": OTHER, "digestMultibase": "uAAAA"}]), "relatedResource[0].digestMultibase"),
    "relatedResource SRI mismatch": ("5.3", _set(relatedResource=[
        {"id": VC_V2, "digestSRI": sri("sha384", V2_BYTES + b" ")}]),
        "relatedResource[0].digestSRI"),
    "relatedResource multibase mismatch": ("5.3", _set(relatedResource=[
        {"id": EXAMPLES, "digestMultibase": multihash_sha256(V2_BYTES)}]),
        "relatedResource[0].digestMultibase"),
    "name with an extra member": ("4.6/11.1", _set(name={
        "@value": "Example Degree", "@language": "en", "extra": "x"}), "name"),
    "description with an extra member": ("4.6/11.1", _set(description={
        "@value": "A degree", "@language": "en", "extra": "x"}), "description"),
    "name with a bad direction": ("11.1", _set(name={
        "@value": "Example Degree", "@direction": "up"}), "name"),
    "issuer name with an extra member": ("4.6", _issuer(name={
        "@value": "Example University", "@language": "en", "extra": "x"}), "issuer.name"),
    "issuer description with an extra member": ("4.6", _issuer(description={
        "@value": "A university", "extra": "x"}), "issuer.description"),
    "subject without claims": ("4.8", _set(credentialSubject={}), "credentialSubject"),
    "one of two subjects empty": ("4.8", _set(credentialSubject=[
        {"id": "did:example:1", "name": "Jayden"}, {}]), "credentialSubject"),
    "subject with two ids": ("4.8/4.4", _set(credentialSubject={
        "id": ["did:example:1", "did:example:2"], "name": "Jayden"}), "credentialSubject.id"),
    "no subject": ("4.8", _drop("credentialSubject"), "credentialSubject"),
    "no issuer": ("4.7", _drop("issuer"), "issuer"),
    "issuer a number": ("4.7", _set(issuer=123), "issuer"),
    "issuer object without id": ("4.7", _set(issuer={"name": "Example University"}),
                                 "issuer"),
    "issuer object id a number": ("4.7", _set(issuer={"id": 123}), "issuer"),
    "a context item that is a number": ("4.3", _set(**{"@context": [VC_V2, 123192875]}),
                                        "@context[1]"),
    "a context item that is not a URL": ("4.3", _set(**{"@context": [
        VC_V2, "https ://not-a-url/contexts/v1"]}), "@context[1]"),
    "id a list": ("4.4", _set(id=["urn:uuid:1", "urn:uuid:2"]), "id"),
    "id not a URL": ("4.4", _set(id="not a url"), "id"),
    "no type": ("4.5", _drop("type"), "type"),
    "type without VerifiableCredential": ("4.5", _set(type=["ExampleDegreeCredential"]),
                                          "type"),
    "type a number": ("4.5", _set(type=["VerifiableCredential", 7]), "type"),
    "validFrom not a dateTimeStamp": ("4.9", _set(validFrom="2025-01-01"), "validFrom"),
    "validFrom without timezone": ("4.9", _set(validFrom="2025-01-01T00:00:00"),
                                   "validFrom"),
    "validUntil not a dateTimeStamp": ("4.9", _set(validUntil="soon"), "validUntil"),
    "validFrom after validUntil": ("4.9", _set(validUntil="2024-01-01T00:00:00Z"),
                                   "validFrom"),
}
