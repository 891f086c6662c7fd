"""Checking a definition (an achievement, an issuer profile) when it is made, not at every issue.

A sample credential is built from the definition exactly as issuing builds one, and checked
against the OB 3.0 AchievementCredential JSON Schema with the validator the issue path uses.
A violation is reported under the request field it came from (``alignment[0].targetType``,
``creditScheme.targetType``, ``image``), not under the credential's path.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from vcissuer.credentials.builder import build_credential
from vcissuer.credentials.schema import validate_achievement_credential
from vcissuer.issuance.errors import FieldError, Rejected
from vcissuer.store.repositories.achievements import DEFINITION_KEY_SEPARATOR

__all__ = ["check_achievement", "check_profile", "definition_from_document", "definition_key"]

_SAMPLE_SUBJECT = "did:example:sample-learner"
_SAMPLE_ID = "urn:uuid:00000000-0000-4000-8000-000000000000"
_ACHIEVEMENT = "credentialSubject.achievement"
_CREDIT_SCHEME = "ext:CreditScheme"


def _sample(profile: Mapping[str, Any], achievement: Mapping[str, Any]) -> list[Any]:
    credential = build_credential(
        credential_id=_SAMPLE_ID, issuer=profile, achievement=achievement,
        valid_from=datetime(2000, 1, 1, tzinfo=UTC), subject_id=_SAMPLE_SUBJECT)
    return validate_achievement_credential(credential)


def _split(path: str) -> tuple[str, str]:
    """``alignment[2].targetType`` -> (``alignment``, ``[2].targetType``)."""
    for index, char in enumerate(path):
        if char in ".[":
            return path[:index], path[index:]
    return path, ""


def _request_field(path: str, *, alignments: int) -> str:
    """The request field a path inside the Achievement came from."""
    head, rest = _split(path)
    if head == "alignment" and rest.startswith("["):
        index_text, _, tail = rest[1:].partition("]")
        if index_text.isdigit() and int(index_text) >= alignments:
            return "creditScheme" + tail  # build: creditScheme is appended after alignment[]
    if head == "creator":
        return "(issuer profile)" + rest
    return path or "(body)"


def check_achievement(document: Mapping[str, Any], *, profile: Mapping[str, Any],
                      alignments: int) -> None:
    """Rejected (422) naming the definition's fields when a credential awarding ``document``
    would not conform to the OB 3.0 schema. ``alignments``: how many of the document's
    alignments came from the request's ``alignment`` (the rest from ``creditScheme``)."""
    errors = []
    prefix = _ACHIEVEMENT + "."
    for problem in _sample(profile, document):
        if problem.path == _ACHIEVEMENT:
            field = "(body)"
        elif problem.path.startswith(prefix):
            field = _request_field(problem.path[len(prefix):], alignments=alignments)
        else:
            field = problem.path or "(body)"
        errors.append(FieldError(field, problem.rule, problem.message))
    if errors:
        raise Rejected("credentials of this achievement would not conform to the OB 3.0 "
                       "schema (https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential)",
                       errors=errors)


def check_profile(profile: Mapping[str, Any]) -> None:
    """Rejected (422) naming the profile's fields when it cannot issue conforming credentials."""
    sample_achievement = {"id": "urn:uuid:00000000-0000-4000-8000-000000000001",
                          "type": ["Achievement"], "name": "sample",
                          "description": "sample", "criteria": {"narrative": "sample"}}
    errors = []
    for problem in _sample(profile, sample_achievement):
        field = problem.path.removeprefix("issuer.") if problem.path.startswith("issuer") \
            else problem.path
        errors.append(FieldError(field or "(body)", problem.rule, problem.message))
    if errors:
        raise Rejected("credentials of this issuer would not conform to the OB 3.0 schema "
                       "(https://www.imsglobal.org/spec/ob/v3p0/#profile)", errors=errors)


def definition_key(human_code: str | None, version: str | None) -> str | None:
    """What makes a definition unique within its issuer: its humanCode and version."""
    if human_code is None:
        return None
    return f"{human_code}{DEFINITION_KEY_SEPARATOR}{version or ''}"


def _fragment(value: Any) -> Any:
    return value.rsplit("#", 1)[-1] if isinstance(value, str) and "#" in value else value


def definition_from_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The request (AchievementIn, camelCase) that builds ``document``: what an update merges
    its changes into."""
    skip = {"id", "type", "creator", "resultDescription", "alignment", "endorsement",
            "endorsementJwt"}
    out: dict[str, Any] = {k: v for k, v in document.items() if k not in skip}
    if isinstance(out.get("image"), Mapping):
        out["image"] = {k: v for k, v in out["image"].items() if k != "type"}
    alignments = [
        {k: v for k, v in a.items() if k != "type"}
        for a in document.get("alignment", []) if isinstance(a, Mapping)
    ]
    scheme = [a for a in alignments if a.get("targetType") == _CREDIT_SCHEME]
    if scheme:
        out["creditScheme"] = {k: v for k, v in scheme[-1].items() if k != "targetType"}
        alignments = [a for a in alignments if a is not scheme[-1]]
    if alignments:
        out["alignment"] = alignments
    descriptions = []
    for entry in document.get("resultDescription", []):
        if not isinstance(entry, Mapping):
            continue
        item = {k: v for k, v in entry.items() if k not in ("id", "type")}
        item["key"] = _fragment(entry.get("id"))
        if "requiredLevel" in item:
            item["requiredLevel"] = _fragment(item["requiredLevel"])
        if "alignment" in item:
            item["alignment"] = [{k: v for k, v in a.items() if k != "type"}
                                 for a in item["alignment"]]
        levels = []
        for level in entry.get("rubricCriterionLevel", []):
            levels.append({"key": _fragment(level.get("id")),
                           **{k: v for k, v in level.items() if k not in ("id", "type")}})
        if levels:
            item["rubricCriterionLevel"] = levels
        descriptions.append(item)
    if descriptions:
        out["resultDescription"] = descriptions
    return out
