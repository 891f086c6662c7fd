"""Validation against the published OB 3.0 and CLR 2.0 JSON Schemas (Draft 2019-09).

The schemas in ``schemas/`` are byte-exact copies of 1EdTech's (see tests/vectors/SOURCES.md).
https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential — the AchievementCredential
schema requires ``type``, ``proof`` and ``credentialSchema`` as arrays; issuers emit arrays.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

__all__ = [
    "ACHIEVEMENT_CREDENTIAL_SCHEMA_URL",
    "CLR_CREDENTIAL_SCHEMA_URL",
    "SchemaProblem",
    "schema_validator",
    "validate_achievement_credential",
    "validate_clr_credential",
    "validate_against",
]

ACHIEVEMENT_CREDENTIAL_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ENDORSEMENT_CREDENTIAL_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)
# CLR 2.0's ClrCredential schema (1EdTech's JSON-LD adaptation: single values or arrays).
CLR_CREDENTIAL_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)
_FILES = {
    "achievementcredential": "ob_v3p0_achievementcredential_schema.json",
    "endorsementcredential": "ob_v3p0_endorsementcredential_schema.json",
    "profile": "ob_v3p0_profile_schema.json",
    "clrcredential": "clr_v2p0_clrcredential_schema.json",
}
# credentialSchema ids a verifier may meet for the AchievementCredential schema.
KNOWN_SCHEMA_URLS = {
    ACHIEVEMENT_CREDENTIAL_SCHEMA_URL: "achievementcredential",
    ACHIEVEMENT_CREDENTIAL_SCHEMA_URL.replace("/json/", "/json-ld/"): "achievementcredential",
    ENDORSEMENT_CREDENTIAL_SCHEMA_URL: "endorsementcredential",
    CLR_CREDENTIAL_SCHEMA_URL: "clrcredential",
}


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One schema violation: where (a JSON path) and which rule."""

    path: str
    message: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.message}"


@cache
def schema_validator(name: str) -> jsonschema_rs.Draft201909Validator:
    """A compiled validator for one of the bundled schemas (``achievementcredential`` ...).

    jsonschema-rs (compiled) rather than python-jsonschema: ~5 us instead of ~1.7 ms per
    credential, which is a third of the cost of issuing one.
    """
    text = (resources.files("vcissuer.credentials") / "schemas" / _FILES[name]).read_text(
        encoding="utf-8"
    )
    return jsonschema_rs.Draft201909Validator(json.loads(text), validate_formats=True)


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_against(name: str, document: Mapping[str, Any]) -> list[SchemaProblem]:
    """Every violation of schema ``name`` by ``document``, most specific first."""
    validator = schema_validator(name)
    problems = [
        SchemaProblem(_path(error.instance_path), error.message,
                      _rule(type(error.kind).__name__))
        for error in validator.iter_errors(dict(document))
    ]
    return sorted(problems, key=lambda p: p.path)


def _rule(kind: str) -> str:
    """``AdditionalProperties`` -> ``additionalProperties`` (the JSON Schema keyword)."""
    return kind[:1].lower() + kind[1:]


def validate_achievement_credential(document: Mapping[str, Any]) -> list[SchemaProblem]:
    """Violations of the published OB 3.0 AchievementCredential JSON Schema."""
    return validate_against("achievementcredential", document)


def validate_clr_credential(document: Mapping[str, Any]) -> list[SchemaProblem]:
    """Violations of the published CLR 2.0 ClrCredential JSON Schema."""
    return validate_against("clrcredential", document)
