"""Checking an assessment against an achievement's learning outcomes (its resultDescriptions).

OB 3.0 ResultDescription: ``allowedValue`` and ``rubricCriterionLevel`` are ordered low to high;
``requiredValue``/``requiredLevel`` is the threshold to earn the achievement. A result names its
ResultDescription by id and "must be in the achievement that is being asserted".
https://www.imsglobal.org/spec/ob/v3p0/#resultdescription
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["OutcomeProblem", "check_results", "resolve_result_description"]

_FAILED_STATUSES = {"Failed", "Withdrew", "Enrolled", "InProgress", "OnHold"}


@dataclass(frozen=True, slots=True)
class OutcomeProblem:
    """A result that does not fit the achievement, with the field it concerns."""

    field: str
    rule: str
    message: str


def resolve_result_description(
    achievement: Mapping[str, Any], reference: str
) -> Mapping[str, Any] | None:
    """The ResultDescription named by full id or by its fragment (``lo1`` for ``…#lo1``)."""
    for description in achievement.get("resultDescription", []):
        rid = str(description.get("id", ""))
        if reference in (rid, rid.rsplit("#", 1)[-1]):
            return description
    return None


def _as_number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _meets_value(description: Mapping[str, Any], value: Any) -> bool | None:
    """True/False when the value can be judged against requiredValue; None when not required."""
    required = description.get("requiredValue")
    if required is None:
        return None
    allowed = description.get("allowedValue")
    if allowed:
        if value not in allowed or required not in allowed:
            return False
        return allowed.index(value) >= allowed.index(required)
    got, need = _as_number(value), _as_number(required)
    if got is not None and need is not None:
        return got >= need
    return str(value) == str(required)


def _meets_level(description: Mapping[str, Any], achieved: str | None) -> bool | None:
    required = description.get("requiredLevel")
    if required is None:
        return None
    levels = [str(level.get("id")) for level in description.get("rubricCriterionLevel", [])]
    if achieved not in levels or required not in levels:
        return False
    return levels.index(achieved) >= levels.index(required)


# Result types whose value is a number (OB 3.0 ResultType).
_NUMERIC_TYPES = {"Percent", "GradePointAverage", "RawScore", "ScaledScore", "RubricScore",
                  "PredictedScore"}


def _takes_a_number(description: Mapping[str, Any]) -> bool:
    if description.get("valueMin") is not None or description.get("valueMax") is not None:
        return True
    return description.get("resultType") in _NUMERIC_TYPES and not description.get("allowedValue")


def _not_a_number(value: Any, name: Any, description: Mapping[str, Any]) -> str:
    """One message for a value that is not a number, saying what to send instead."""
    low, high = description.get("valueMin"), description.get("valueMax")
    wanted = f"a number from {low} to {high}" if low is not None and high is not None \
        else "a number"
    text = f"{value!r} is not a number: outcome {name!r} takes {wanted}"
    if isinstance(value, str) and value.strip().endswith("%") \
            and _as_number(value.strip()[:-1]) is not None:
        text += f" (send {value.strip()[:-1].strip()!r}, without the % sign)"
    return text


def _level_key(level: Mapping[str, Any]) -> str:
    return str(level.get("id", "")).rsplit("#", 1)[-1]


def _level_name(description: Mapping[str, Any], level_id: Any) -> str:
    """A rubric level's name (its id when it has none, or is not a level)."""
    for level in description.get("rubricCriterionLevel", []):
        if str(level.get("id")) == str(level_id):
            return str(level.get("name") or _level_key(level))
    return str(level_id)


def _level_keys(description: Mapping[str, Any]) -> str:
    """The keys a result may give as achievedLevel, with their names: ``pass (Pass), ...``."""
    return ", ".join(f"{_level_key(level)} ({level.get('name')})" if level.get("name")
                     else _level_key(level)
                     for level in description.get("rubricCriterionLevel", []))


def check_results(
    achievement: Mapping[str, Any],
    results: Sequence[Mapping[str, Any]],
    *,
    credits_earned: float | None = None,
) -> list[OutcomeProblem]:
    """Every way ``results`` fail to earn ``achievement``; empty when the award is justified."""
    problems: list[OutcomeProblem] = []
    seen: set[str] = set()
    for i, result in enumerate(results):
        ref = str(result.get("resultDescription", ""))
        field = f"results[{i}].resultDescription"
        description = resolve_result_description(achievement, ref)
        if description is None:
            problems.append(
                OutcomeProblem(
                    field,
                    "unknown-outcome",
                    f"{ref!r} is not a learning outcome of this achievement",
                )
            )
            continue
        rid = str(description["id"])
        if rid in seen:
            problems.append(
                OutcomeProblem(
                    field,
                    "duplicate-outcome",
                    f"outcome {description.get('name')!r} has two results",
                )
            )
        seen.add(rid)
        name = description.get("name", rid)
        value, level, status = (
            result.get("value"),
            result.get("achievedLevel"),
            result.get("status"),
        )
        allowed = description.get("allowedValue")
        if value is not None and allowed and value not in allowed:
            problems.append(
                OutcomeProblem(
                    f"results[{i}].value",
                    "not-allowed",
                    f"{value!r} is not an allowed value for {name!r}: "
                    f"{', '.join(map(str, allowed))}",
                )
            )
            continue
        numeric = _as_number(value)
        if value is not None and numeric is None and _takes_a_number(description):
            problems.append(OutcomeProblem(f"results[{i}].value", "not-a-number",
                                           _not_a_number(value, name, description)))
            continue
        for bound, rule, ok in (
            ("valueMin", "below-minimum", lambda n, b: n >= b),
            ("valueMax", "above-maximum", lambda n, b: n <= b),
        ):
            limit = _as_number(description.get(bound))
            if (
                value is not None
                and limit is not None
                and (numeric is None or not ok(numeric, limit))
            ):
                problems.append(
                    OutcomeProblem(
                        f"results[{i}].value",
                        rule,
                        f"{value!r} is outside {bound} {limit:g} of {name!r}",
                    )
                )
        levels = {str(lv.get("id")) for lv in description.get("rubricCriterionLevel", [])}
        if level is not None:
            full = next((lv for lv in levels if level in (lv, lv.rsplit("#", 1)[-1])), None)
            if full is None:
                problems.append(
                    OutcomeProblem(
                        f"results[{i}].achievedLevel",
                        "unknown-level",
                        f"{level!r} is not a rubric level of {name!r}; "
                        f"use one of: {_level_keys(description)}",
                    )
                )
                continue
            level = full
        if description.get("resultType") == "Status" and status is None:
            problems.append(
                OutcomeProblem(
                    f"results[{i}].status",
                    "required",
                    f"outcome {name!r} is of type Status: status is required",
                )
            )
        if status in _FAILED_STATUSES:
            problems.append(
                OutcomeProblem(
                    f"results[{i}].status", "not-met", f"outcome {name!r} has status {status}"
                )
            )
        if _meets_value(description, value) is False:
            problems.append(
                OutcomeProblem(
                    f"results[{i}].value",
                    "required-value-not-met",
                    f"outcome {name!r} requires {description.get('requiredValue')!r}; "
                    f"got {value!r}",
                )
            )
        if _meets_level(description, level) is False:
            problems.append(
                OutcomeProblem(
                    f"results[{i}].achievedLevel",
                    "required-level-not-met",
                    f"outcome {name!r} requires level "
                    f"{_level_name(description, description.get('requiredLevel'))!r} or "
                    f"higher; got {_level_name(description, level)!r}",
                )
            )
    for description in achievement.get("resultDescription", []):
        required = description.get("requiredValue") is not None or (
            description.get("requiredLevel") is not None
        )
        if required and str(description.get("id")) not in seen:
            problems.append(
                OutcomeProblem(
                    "results",
                    "missing-outcome",
                    f"no result for required outcome {description.get('name')!r}",
                )
            )
    available = achievement.get("creditsAvailable")
    if credits_earned is not None:
        if credits_earned < 0:
            problems.append(
                OutcomeProblem("creditsEarned", "negative", "creditsEarned cannot be negative")
            )
        if available is None:
            problems.append(
                OutcomeProblem("creditsEarned", "no-credit", "this achievement carries no credit")
            )
        elif credits_earned > float(available):
            problems.append(
                OutcomeProblem(
                    "creditsEarned",
                    "exceeds-available",
                    f"creditsEarned {credits_earned:g} exceeds "
                    f"creditsAvailable {float(available):g}",
                )
            )
    return problems
