"""A pathway's rules: what a learner's credentials must add up to for the qualification.

Built from the JSON a pathway is defined with (camelCase, already shape-checked by the API's
request model); :func:`parse_rules` refuses what cannot be evaluated soundly (an unknown credit
scheme or framework, a level a framework does not have) with the field at fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from vcissuer.pathways.credits import SCHEMES, credit_value, scheme_of
from vcissuer.pathways.levels import LevelError, check_level, framework_of

__all__ = [
    "ElectiveGroup",
    "LevelRule",
    "Member",
    "Recognised",
    "RuleError",
    "Rules",
    "parse_rules",
]


class RuleError(ValueError):
    """A rule that cannot be evaluated soundly; ``field`` names it in the definition."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field, self.rule, self.message = field, rule, message


@dataclass(frozen=True, slots=True)
class Member:
    """A credential belongs when its achievement is ``achievement_id`` (the full id URL), or
    when its achievement aligns to ``target_code`` of ``target_framework`` (a framework unit,
    say), compared case-insensitively."""

    achievement_id: str | None = None
    target_framework: str | None = None
    target_code: str | None = None

    def matches(self, achievement_id: str | None,
                alignments: frozenset[tuple[str, str]]) -> bool:
        if self.achievement_id is not None:
            return achievement_id == self.achievement_id
        return ((self.target_framework or "").casefold(),
                (self.target_code or "").casefold()) in alignments

    def label(self) -> str:
        if self.achievement_id is not None:
            return self.achievement_id
        return f"{self.target_framework}:{self.target_code}"

    def to_json(self) -> dict[str, str]:
        if self.achievement_id is not None:
            return {"achievementId": self.achievement_id}
        return {"targetFramework": self.target_framework or "",
                "targetCode": self.target_code or ""}


@dataclass(frozen=True, slots=True)
class LevelRule:
    framework: str
    level: int
    credits: Fraction = Fraction(0)


@dataclass(frozen=True, slots=True)
class ElectiveGroup:
    name: str
    members: tuple[Member, ...]
    min_credits: Fraction | None = None
    min_count: int | None = None


@dataclass(frozen=True, slots=True)
class Recognised:
    """Another provider's credentials the pathway counts: by issuer (DID or URL) and member."""

    issuer: str
    member: Member | None = None  # None: any achievement of that issuer


@dataclass(frozen=True, slots=True)
class Rules:
    credit_scheme: str
    total_credits: Fraction | None = None
    levels: tuple[LevelRule, ...] = ()
    minimum_level: LevelRule | None = None
    required: tuple[Member, ...] = ()
    electives: tuple[ElectiveGroup, ...] = ()
    accept: tuple[Member, ...] = ()
    recency_years: int | None = None
    max_external_credits: Fraction = Fraction(0)
    recognise: tuple[Recognised, ...] = ()
    # Every member's achievement id and (framework, code): what :meth:`involves` looks up.
    member_ids: frozenset[str] = frozenset()
    member_codes: frozenset[tuple[str, str]] = frozenset()

    def members(self) -> Iterable[Member]:
        yield from self.required
        for group in self.electives:
            yield from group.members
        yield from self.accept

    def involves(self, achievement_id: str | None,
                 alignments: frozenset[tuple[str, str]]) -> bool:
        """Whether a credential of this achievement could count (own credentials only)."""
        return achievement_id in self.member_ids or not self.member_codes.isdisjoint(alignments)

    def recognised(self, issuer: str, achievement_id: str | None,
                   alignments: frozenset[tuple[str, str]]) -> bool:
        return any(r.issuer == issuer and (r.member is None
                                           or r.member.matches(achievement_id, alignments))
                   for r in self.recognise)


def _member(data: Mapping[str, Any], field: str) -> Member:
    if data.get("achievementId"):
        return Member(achievement_id=str(data["achievementId"]))
    if data.get("targetFramework") and data.get("targetCode"):
        return Member(target_framework=str(data["targetFramework"]),
                      target_code=str(data["targetCode"]))
    raise RuleError(field, "member", "name an achievementId, or a targetFramework and "
                                     "targetCode")


def _level(data: Mapping[str, Any], field: str, *, credits: bool) -> LevelRule:
    framework = framework_of(str(data.get("framework", "")))
    level = data.get("level")
    try:
        if framework is None:
            raise LevelError(f"unknown framework {data.get('framework')!r}: levels compare "
                             "only within FHEQ, SCQF, CQFW, RQF, EQF and between them as "
                             "published")
        if not isinstance(level, int):
            raise LevelError("level is a whole number")
        check_level(framework, level)
    except LevelError as error:
        raise RuleError(field, "level", str(error)) from None
    amount = credit_value(data.get("credits", 0)) if credits else Fraction(0)
    return LevelRule(framework, level, amount)


def parse_rules(data: Mapping[str, Any], *, default_scheme: str | None = None) -> Rules:
    """The :class:`Rules` of a pathway definition; RuleError naming the field at fault."""
    named = data.get("creditScheme") or default_scheme
    scheme = scheme_of(named) if named else None
    if scheme is None:
        raise RuleError("rules.creditScheme", "credit-scheme",
                        f"credit scheme {named!r} has no stated relation to the ones this "
                        f"service converts ({', '.join(SCHEMES)})" if named else
                        "give the pathway's creditScheme (or one on the target achievement)")
    required = tuple(_member(m, f"rules.required[{i}]")
                     for i, m in enumerate(data.get("required") or []))
    if len(set(required)) != len(required):
        raise RuleError("rules.required", "unique", "a required achievement is named twice "
                                                    "(one credential never counts twice)")
    electives = []
    for i, group in enumerate(data.get("electives") or []):
        field = f"rules.electives[{i}]"
        min_credits, min_count = group.get("minCredits"), group.get("minCount")
        if min_credits is None and min_count is None:
            raise RuleError(field, "elective", "an elective group needs minCredits or "
                                               "minCount")
        electives.append(ElectiveGroup(
            name=str(group.get("name") or f"electives {i + 1}"),
            members=tuple(_member(m, f"{field}.members[{j}]")
                          for j, m in enumerate(group.get("members") or [])),
            min_credits=credit_value(min_credits) if min_credits is not None else None,
            min_count=min_count))
    names = [g.name for g in electives]
    if len(names) != len(set(names)):
        raise RuleError("rules.electives", "unique", "elective group names must be unique")
    recognise = []
    for i, entry in enumerate(data.get("recognise") or []):
        member = None
        if entry.get("achievementId") or entry.get("targetFramework"):
            member = _member(entry, f"rules.recognise[{i}]")
        recognise.append(Recognised(issuer=str(entry["issuer"]), member=member))
    minimum = data.get("minimumLevel")
    total = data.get("totalCredits")
    rules = Rules(
        credit_scheme=scheme,
        total_credits=credit_value(total) if total is not None else None,
        levels=tuple(_level(rule, f"rules.levelCredits[{i}]", credits=True)
                     for i, rule in enumerate(data.get("levelCredits") or [])),
        minimum_level=_level(minimum, "rules.minimumLevel", credits=False) if minimum else None,
        required=required,
        electives=tuple(electives),
        accept=tuple(_member(m, f"rules.accept[{i}]")
                     for i, m in enumerate(data.get("accept") or [])),
        recency_years=data.get("recencyYears"),
        max_external_credits=credit_value(data.get("maxExternalCredits") or 0),
        recognise=tuple(recognise),
    )
    rules = replace(rules, member_ids=frozenset(
        m.achievement_id for m in rules.members() if m.achievement_id is not None),
        member_codes=frozenset(((m.target_framework or "").casefold(),
                                (m.target_code or "").casefold())
                               for m in rules.members() if m.achievement_id is None))
    if not (rules.required or rules.electives or rules.accept or rules.recognise):
        raise RuleError("rules", "members", "a pathway counts nothing: give required "
                                            "achievements, elective groups or accept")
    return rules
