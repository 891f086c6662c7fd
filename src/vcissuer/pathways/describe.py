"""A pathway's rules in plain language, for its public page and the learner's progress view.

"At least 60 CATS credits, of which 40 at FHEQ level 7 or above"; "Data Analysis and Machine
Learning are required"; "at least 15 credits from the electives Methods: ..."; "earned within
the last 5 years"; "at most 30 credits from other providers". Pure: the caller gives the
display names of the achievements the rules name (by id URL).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from vcissuer.pathways.credits import display
from vcissuer.pathways.rules import Member, Rules

__all__ = ["describe_rules", "join_names", "member_name"]


def _number(value: Fraction) -> str:
    return f"{display(value):g}"


def join_names(names: Sequence[str], *, word: str = "and") -> str:
    """"A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def member_name(member: Member, names: Mapping[str, str]) -> str:
    """An achievement by its name (when known), or a framework unit by its code."""
    if member.achievement_id is not None:
        return names.get(member.achievement_id) or member.achievement_id
    return f"any achievement aligned to {member.target_framework} {member.target_code}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def describe_rules(rules: Rules, names: Mapping[str, str], *, ordered: bool = False) -> list[str]:
    """One sentence per rule, in the order a reader checks them (``ordered``: the required
    achievements are taken in the order listed)."""
    scheme = rules.credit_scheme
    lines: list[str] = []
    if rules.total_credits is not None:
        line = f"At least {_number(rules.total_credits)} {scheme} credits"
        parts = [f"{_number(level.credits)} at {level.framework} level {level.level} or above"
                 for level in rules.levels]
        lines.append(line + (f", of which {join_names(parts)}" if parts else "") + ".")
    else:
        lines += [f"At least {_number(level.credits)} {scheme} credits at {level.framework} "
                  f"level {level.level} or above." for level in rules.levels]
    if rules.minimum_level is not None:
        floor = rules.minimum_level
        lines.append(f"Every credential that counts is at {floor.framework} level "
                     f"{floor.level} or above.")
    if rules.required:
        required = [member_name(m, names) for m in rules.required]
        verb = "is" if len(required) == 1 else "are"
        order = ", in this order" if ordered and len(required) > 1 else ""
        lines.append(f"{join_names(required)} {verb} required{order}.")
    for group in rules.electives:
        wants = []
        if group.min_credits is not None:
            wants.append(f"at least {_number(group.min_credits)} credits")
        if group.min_count is not None:
            wants.append(f"at least {_plural(group.min_count, 'achievement', 'achievements')}")
        members = join_names([member_name(m, names) for m in group.members], word="or")
        lines.append(f"{join_names(wants).capitalize()} from the electives {group.name}: "
                     f"{members}.")
    if rules.accept:
        lines.append("Also counting towards the totals: "
                     f"{join_names([member_name(m, names) for m in rules.accept])}.")
    if rules.recency_years is not None:
        lines.append(f"Credentials count when earned within the last "
                     f"{_plural(rules.recency_years, 'year', 'years')}.")
    if rules.recognise:
        lines.append(f"At most {_number(rules.max_external_credits)} credits from other "
                     "providers (recognised prior learning).")
    elif rules.max_external_credits:
        lines.append(f"At most {_number(rules.max_external_credits)} credits from other "
                     "providers.")
    lines.append("Revoked, suspended and expired credentials never count, and no credential "
                 "counts twice.")
    return lines
