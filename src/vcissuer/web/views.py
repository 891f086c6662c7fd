"""What a page shows, read defensively out of OB 3.0 documents (any field may be missing or odd).

Credentials come from anywhere (the verify page takes uploads), so nothing here trusts a type:
a value that is not what the spec says is left out. Only ``http(s)`` URLs become links, and
images only as ``data:`` URIs (the pages load nothing from other origins). The recipient's
identifiers are never read, except a learner name the credential states in plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from vcissuer.clock import parse_datetime

__all__ = [
    "AchievementView",
    "Alignment",
    "CredentialView",
    "DateView",
    "Evidence",
    "IssuerView",
    "Outcome",
    "achievement_view",
    "credential_view",
    "issuer_view",
    "safe_image",
    "safe_link",
]

_CREDIT_SCHEME = "ext:CreditScheme"
_TYPE_NAMES = {
    "MicroCredential": "Micro-credential", "CoCurricular": "Co-curricular",
    "GeneralEducationDevelopment": "General Education Development (GED)",
    "ext:CreditScheme": "Credit scheme",
}
_CLR = "ClrCredential"
_CLR_KIND = "Comprehensive Learner Record"
_IMAGE = re.compile(r"^data:image/(png|svg\+xml|jpeg|gif|webp)[;,]", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class DateView:
    """A date as shown ("24 November 2026") and as machine-readable text."""

    text: str
    iso: str
    value: datetime


@dataclass(frozen=True, slots=True)
class IssuerView:
    id: str | None
    name: str
    url: str | None = None
    description: str | None = None
    email: str | None = None
    image: str | None = None
    page: str | None = None  # this service's page for the issuer, when it is ours


@dataclass(frozen=True, slots=True)
class Alignment:
    name: str
    framework: str | None = None
    code: str | None = None
    url: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """A learning outcome (ResultDescription) and, on a credential, the learner's result."""

    name: str
    required: str | None = None
    result: str | None = None
    achieved: bool | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    name: str
    url: str | None = None
    narrative: str | None = None


@dataclass(frozen=True, slots=True)
class AchievementView:
    id: str | None
    name: str
    description: str | None = None
    criteria: str | None = None
    criteria_url: str | None = None
    kind: str | None = None
    image: str | None = None
    image_caption: str | None = None
    credits: str | None = None
    credit_scheme: str | None = None
    levels: tuple[Alignment, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    creator: IssuerView | None = None
    version: str | None = None
    language: str | None = None
    human_code: str | None = None
    field_of_study: str | None = None
    specialization: str | None = None
    tags: tuple[str, ...] = ()
    page: str | None = None


@dataclass(frozen=True, slots=True)
class CredentialView:
    id: str | None
    name: str
    achievement: AchievementView
    issuer: IssuerView
    learner: str | None = None
    issued: DateView | None = None
    expires: DateView | None = None
    outcomes: tuple[Outcome, ...] = ()
    credits_earned: str | None = None
    activity_start: DateView | None = None
    activity_end: DateView | None = None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    narrative: str | None = None


def _text(value: Any, *, limit: int = 10_000) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:limit]
    return None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _objects(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in _items(value) if isinstance(item, Mapping)]


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _text(value, limit=40)
    return f"{value:g}"


def _humanise(value: Any) -> str | None:
    text = _text(value, limit=200)
    if text is None:
        return None
    if text in _TYPE_NAMES:
        return _TYPE_NAMES[text]
    return _CAMEL.sub(" ", text.removeprefix("ext:"))


def safe_link(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL (never ``javascript:`` and the like)."""
    text = _text(value, limit=2048)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch in text for ch in "\"'<> \t\r\n"):
        return None
    return text


def safe_image(value: Any) -> str | None:
    """An image's ``data:`` URI (an Image object or a string); remote images are not loaded."""
    if isinstance(value, Mapping):
        value = value.get("id")
    text = _text(value, limit=4 * 1024 * 1024)
    if text is None or not _IMAGE.match(text) or any(ch in text for ch in "\"'<>\r\n"):
        return None
    return text


def _date(value: Any) -> DateView | None:
    try:
        moment = parse_datetime(value)
    except (ValueError, TypeError):
        return None
    return DateView(f"{moment.day} {moment:%B %Y}", value, moment)


def issuer_view(profile: Any, *, page: str | None = None) -> IssuerView:
    """An issuer Profile (or a bare issuer id)."""
    if isinstance(profile, str):
        return IssuerView(id=profile, name=profile, page=page)
    if not isinstance(profile, Mapping):
        return IssuerView(id=None, name="an unnamed issuer", page=page)
    ident = _text(profile.get("id"), limit=2048)
    return IssuerView(
        id=ident,
        name=_text(profile.get("name"), limit=500) or ident or "an unnamed issuer",
        url=safe_link(profile.get("url")),
        description=_text(profile.get("description")),
        email=_text(profile.get("email"), limit=320),
        image=safe_image(profile.get("image")),
        page=page,
    )


def _alignment(item: Mapping[str, Any]) -> Alignment | None:
    name = _text(item.get("targetName"), limit=500)
    if name is None:
        return None
    return Alignment(name=name, framework=_text(item.get("targetFramework"), limit=500),
                     code=_text(item.get("targetCode"), limit=200),
                     url=safe_link(item.get("targetUrl")),
                     kind=_text(item.get("targetType"), limit=100))


def _levels(definition: Mapping[str, Any]) -> dict[str, str]:
    """Rubric level ids (and keys) to their names."""
    names: dict[str, str] = {}
    for level in _objects(definition.get("rubricCriterionLevel")):
        name = _text(level.get("name"), limit=500)
        if name is None:
            continue
        for key in ("id", "key"):
            if isinstance(level.get(key), str):
                names[level[key]] = name
    return names


def _required(definition: Mapping[str, Any]) -> str | None:
    levels = _levels(definition)
    level = definition.get("requiredLevel")
    if isinstance(level, str):
        return levels.get(level) or _text(level, limit=200)
    value = _text(definition.get("requiredValue"), limit=100)
    if value is None:
        return None
    percent = "%" if definition.get("resultType") == "Percent" else ""
    return f"{value}{percent}"


def _definition_outcome(definition: Mapping[str, Any]) -> Outcome | None:
    name = _text(definition.get("name"), limit=1000)
    if name is None:
        return None
    return Outcome(name=name, required=_required(definition),
                   kind=_humanise(definition.get("resultType")))


def _result_text(result: Mapping[str, Any], definition: Mapping[str, Any] | None) -> str | None:
    level = result.get("achievedLevel")
    if isinstance(level, str):
        names = _levels(definition) if definition else {}
        return names.get(level) or _text(level, limit=200)
    value = _text(result.get("value"), limit=200)
    if value is not None:
        percent = "%" if definition and definition.get("resultType") == "Percent" else ""
        return f"{value}{percent}"
    return _humanise(result.get("status"))


def _achieved(result: Mapping[str, Any], definition: Mapping[str, Any] | None) -> bool | None:
    """Whether the result meets the outcome's requirement, when both can be compared."""
    if definition is None:
        return None
    required_level = definition.get("requiredLevel")
    level = result.get("achievedLevel")
    if isinstance(required_level, str) and isinstance(level, str):
        order = [item.get("id") for item in _objects(definition.get("rubricCriterionLevel"))]
        if required_level in order and level in order:
            return order.index(level) >= order.index(required_level)
        return None
    allowed, value = definition.get("allowedValue"), result.get("value")
    required_value = definition.get("requiredValue")
    if isinstance(allowed, list) and required_value is not None:
        # An ordered scale (LetterGrade, PerformanceLevel...): low to high (OB 3.0
        # ResultDescription.allowedValue).
        if value in allowed and required_value in allowed:
            return allowed.index(value) >= allowed.index(required_value)
        return None
    try:
        return float(result["value"]) >= float(definition["requiredValue"])
    except (KeyError, TypeError, ValueError):
        return None


def _outcomes(achievement: Mapping[str, Any], results: Any) -> tuple[Outcome, ...]:
    definitions = {d["id"]: d for d in _objects(achievement.get("resultDescription"))
                   if isinstance(d.get("id"), str)}
    out: list[Outcome] = []
    used: set[str] = set()
    for result in _objects(results):
        reference = result.get("resultDescription")
        definition = definitions.get(reference) if isinstance(reference, str) else None
        if definition is not None:
            used.add(reference)
        base = _definition_outcome(definition) if definition else None
        text = _result_text(result, definition)
        if base is None and text is None:
            continue
        out.append(Outcome(name=base.name if base else "Result",
                           required=base.required if base else None, result=text,
                           achieved=_achieved(result, definition),
                           kind=base.kind if base else None))
    for ident, definition in definitions.items():
        if ident not in used:
            outcome = _definition_outcome(definition)
            if outcome is not None:
                out.append(outcome)
    return tuple(out)


def achievement_view(achievement: Any, *, page: str | None = None,
                     creator_page: str | None = None) -> AchievementView:
    """An Achievement: what it certifies, its criteria, outcomes, credit and level."""
    if not isinstance(achievement, Mapping):
        return AchievementView(id=None, name="an unnamed achievement")
    alignments = [a for a in map(_alignment, _objects(achievement.get("alignment"))) if a]
    scheme = next((a for a in alignments if a.kind == _CREDIT_SCHEME), None)
    criteria = achievement.get("criteria")
    criteria = criteria if isinstance(criteria, Mapping) else {}
    image = achievement.get("image")
    creator = achievement.get("creator")
    return AchievementView(
        id=_text(achievement.get("id"), limit=2048),
        name=_text(achievement.get("name"), limit=500) or "an unnamed achievement",
        description=_text(achievement.get("description")),
        criteria=_text(criteria.get("narrative")),
        criteria_url=safe_link(criteria.get("id")),
        kind=_humanise(achievement.get("achievementType")),
        image=safe_image(image),
        image_caption=_text(image.get("caption"), limit=500) if isinstance(image, Mapping)
        else None,
        credits=_number(achievement.get("creditsAvailable")),
        credit_scheme=scheme.name if scheme else None,
        levels=tuple(a for a in alignments if a is not scheme),
        outcomes=tuple(o for o in map(_definition_outcome,
                                      _objects(achievement.get("resultDescription"))) if o),
        creator=issuer_view(creator, page=creator_page) if creator is not None else None,
        version=_text(achievement.get("version"), limit=100),
        language=_text(achievement.get("inLanguage"), limit=35),
        human_code=_text(achievement.get("humanCode"), limit=200),
        field_of_study=_text(achievement.get("fieldOfStudy"), limit=500),
        specialization=_text(achievement.get("specialization"), limit=500),
        tags=tuple(t for t in (_text(tag, limit=100) for tag in _items(achievement.get("tag")))
                   if t)[:30],
        page=page,
    )


def _learner_name(subject: Mapping[str, Any]) -> str | None:
    """The name the credential states in plain text (IdentityObject ``name``, not hashed)."""
    for identity in _objects(subject.get("identifier")):
        if identity.get("identityType") == "name" and identity.get("hashed") is False:
            return _text(identity.get("identityHash"), limit=500)
    return None


def _evidence(item: Mapping[str, Any]) -> Evidence | None:
    url = safe_link(item.get("id"))
    name = _text(item.get("name"), limit=500) or _text(item.get("description"), limit=500)
    if name is None and url is None:
        return None
    return Evidence(name=name or url or "", url=url,
                    narrative=_text(item.get("narrative")))


def credential_view(credential: Any, *, issuer_page: str | None = None,
                    achievement_page: str | None = None) -> CredentialView:
    """An OpenBadgeCredential: who awarded what to whom, when, and with what results (a CLR
    2.0 record: its name, its issuer, the learner)."""
    document = credential if isinstance(credential, Mapping) else {}
    subjects = _objects(document.get("credentialSubject"))
    subject = subjects[0] if subjects else {}
    raw_achievement = subject.get("achievement")
    if _CLR in _items(document.get("type")):
        # A CLR 2.0 record asserts no one achievement: the page is about the record itself.
        raw_achievement = None
        achievement = AchievementView(
            id=None, name=_text(document.get("name"), limit=500) or "a learner record",
            description=_text(document.get("description")), kind=_CLR_KIND)
    else:
        achievement = achievement_view(raw_achievement, page=achievement_page,
                                       creator_page=issuer_page)
    raw = raw_achievement if isinstance(raw_achievement, Mapping) else {}
    issued = _date(document.get("awardedDate")) or _date(document.get("validFrom")) or \
        _date(document.get("issuanceDate"))
    return CredentialView(
        id=_text(document.get("id"), limit=2048),
        name=_text(document.get("name"), limit=500) or achievement.name,
        achievement=achievement,
        issuer=issuer_view(document.get("issuer"), page=issuer_page),
        learner=_learner_name(subject),
        issued=issued,
        expires=_date(document.get("validUntil")) or _date(document.get("expirationDate")),
        outcomes=_outcomes(raw, subject.get("result")),
        credits_earned=_number(subject.get("creditsEarned")),
        activity_start=_date(subject.get("activityStartDate")),
        activity_end=_date(subject.get("activityEndDate")),
        evidence=tuple(e for e in map(_evidence, _objects(document.get("evidence"))) if e),
        narrative=_text(subject.get("narrative")),
    )
