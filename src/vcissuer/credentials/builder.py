"""Building OB 3.0 documents: Achievements (micro-credential definitions) and credentials.

Arrays wherever the published AchievementCredential schema wants arrays (``type``, ``proof``,
``credentialSchema``, ``result``, ``alignment``, ``evidence``); nulls and empty arrays omitted
(OB section "Serialization").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from vcissuer.clock import format_datetime
from vcissuer.credentials.contexts import (
    OPEN_BADGE_CONTEXT,
    OPEN_BADGE_TYPE,
    SCHEMA_VALIDATOR_TYPE,
)
from vcissuer.credentials.outcomes import resolve_result_description
from vcissuer.credentials.schema import ACHIEVEMENT_CREDENTIAL_SCHEMA_URL

__all__ = ["build_achievement", "build_credential", "build_profile", "compact", "image_object"]

_ACHIEVEMENT_FIELDS = (
    "achievementType",
    "name",
    "description",
    "criteria",
    "image",
    "creditsAvailable",
    "alignment",
    "resultDescription",
    "version",
    "inLanguage",
    "tag",
    "humanCode",
    "fieldOfStudy",
    "specialization",
    "otherIdentifier",
    "related",
)
# ``endorsement``, ``endorsementJwt``: EndorsementCredentials attached to the issuer
# (issuance/endorsements.py).
_PROFILE_FIELDS = ("name", "url", "email", "phone", "description", "image", "address",
                   "endorsement", "endorsementJwt")


_SCALARS = frozenset({str, int, float, bool, type(None)})


def compact(value: Any) -> Any:
    """Drop None values, empty lists and empty objects, recursively (OB "Serialization").

    A member is dropped when its value is None or compacts to [] or {}; a list loses its None
    items. One pass, scalars first (every credential is built through here).
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [compact(v) for v in value if v is not None]
    if kind is dict or isinstance(value, Mapping):
        out = {}
        for key, member in value.items():
            member = compact(member)
            if member is not None and member != [] and member != {}:
                out[key] = member
        return out
    if isinstance(value, list):
        return [compact(v) for v in value if v is not None]
    return value


def image_object(value: Any) -> Any:
    """An OB 3.0 Image (``type`` "Image", required by the schema) from an Image or a bare URI.

    https://www.imsglobal.org/spec/ob/v3p0/#image — ``id`` and ``type`` are required,
    ``caption`` optional. Anything else is returned unchanged (the schema check reports it).
    """
    if isinstance(value, str):
        return {"id": value, "type": "Image"}
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return {"id": value["id"], "type": "Image",
                **({"caption": value["caption"]} if value.get("caption") is not None else {})}
    return value


def _with_image(document: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(document)
    if out.get("image") is not None:
        out["image"] = image_object(out["image"])
    return out


def build_profile(profile_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """An OB 3.0 Profile (issuer) with the given published fields."""
    return compact(_with_image(
        {"id": profile_id, "type": ["Profile"], **{k: fields.get(k) for k in _PROFILE_FIELDS}}
    ))


def build_achievement(
    definition: Mapping[str, Any], *, achievement_id: str, creator: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An OB 3.0 Achievement whose ResultDescriptions and rubric levels get ids under its own."""
    doc: dict[str, Any] = {"id": achievement_id, "type": ["Achievement"]}
    for key in _ACHIEVEMENT_FIELDS:
        if definition.get(key) is not None:
            doc[key] = definition[key]
    descriptions = []
    for n, description in enumerate(definition.get("resultDescription") or [], start=1):
        key = description.get("key") or f"outcome-{n}"
        entry = {k: v for k, v in description.items() if k != "key"}
        entry = {"id": f"{achievement_id}#{key}", "type": ["ResultDescription"], **entry}
        if entry.get("alignment"):
            entry["alignment"] = [{"type": ["Alignment"], **a} for a in entry["alignment"]]
        levels = []
        for m, level in enumerate(description.get("rubricCriterionLevel") or [], start=1):
            level_key = level.get("key") or f"{key}-level-{m}"
            levels.append(
                {
                    "id": f"{achievement_id}#{level_key}",
                    "type": ["RubricCriterionLevel"],
                    **{k: v for k, v in level.items() if k != "key"},
                }
            )
        if levels:
            entry["rubricCriterionLevel"] = levels
            required = description.get("requiredLevel")
            if required is not None:
                entry["requiredLevel"] = next(
                    (
                        lv["id"]
                        for lv in levels
                        if required in (lv["id"], lv["id"].rsplit("#", 1)[-1])
                    ),
                    required,
                )
        descriptions.append(entry)
    if descriptions:
        doc["resultDescription"] = descriptions
    if "alignment" in doc:
        doc["alignment"] = [{"type": ["Alignment"], **a} for a in doc["alignment"]]
    if creator is not None:
        doc["creator"] = creator
    return compact(_with_image(doc))


def _results(achievement: Mapping[str, Any], results: Sequence[Mapping[str, Any]]) -> list[Any]:
    out = []
    for result in results:
        description = resolve_result_description(achievement, str(result["resultDescription"]))
        entry: dict[str, Any] = {"type": ["Result"]}
        if description is not None:
            entry["resultDescription"] = description["id"]
            level = result.get("achievedLevel")
            if level is not None:
                entry["achievedLevel"] = next(
                    (
                        lv["id"]
                        for lv in description.get("rubricCriterionLevel", [])
                        if level in (lv["id"], lv["id"].rsplit("#", 1)[-1])
                    ),
                    level,
                )
        for key in ("value", "status"):
            if result.get(key) is not None:
                entry[key] = str(result[key]) if key == "value" else result[key]
        out.append(entry)
    return out


def build_credential(
    *,
    credential_id: str,
    issuer: Mapping[str, Any],
    achievement: Mapping[str, Any],
    valid_from: datetime,
    subject_id: str | None = None,
    identifiers: Sequence[Mapping[str, Any]] = (),
    results: Sequence[Mapping[str, Any]] = (),
    credits_earned: float | None = None,
    activity_start: datetime | None = None,
    activity_end: datetime | None = None,
    evidence: Sequence[Mapping[str, Any]] = (),
    valid_until: datetime | None = None,
    credential_status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential (VC 2.0 + OB 3.0.3) awarding ``achievement``."""
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "identifier": [dict(i) for i in identifiers],
        # Achievements stored before Image objects were typed get their type here.
        "achievement": _with_image(achievement),
        "result": _results(achievement, results),
        "creditsEarned": credits_earned,
        "activityStartDate": format_datetime(activity_start) if activity_start else None,
        "activityEndDate": format_datetime(activity_end) if activity_end else None,
    }
    credential = {
        "@context": list(OPEN_BADGE_CONTEXT),
        "id": credential_id,
        "type": list(OPEN_BADGE_TYPE),
        "name": achievement.get("name"),
        "issuer": dict(issuer),
        "validFrom": format_datetime(valid_from),
        "validUntil": format_datetime(valid_until) if valid_until else None,
        "awardedDate": format_datetime(valid_from),
        "credentialSubject": subject,
        "evidence": [{"type": ["Evidence"], **e} for e in evidence],
        "credentialSchema": [
            {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE}
        ],
        "credentialStatus": dict(credential_status) if credential_status else None,
    }
    return compact(credential)
