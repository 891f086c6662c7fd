"""Qualification framework levels and the published correspondences between frameworks.

Within one framework levels compare as numbers. Across frameworks they compare only through
the rows of QAA, *Qualifications Can Cross Boundaries: a guide to comparing qualifications in
the UK and Ireland* (QAA, CCEA, Qualifications Wales, SCQF Partnership, 2019), which sets the
FHEQ, the RQF (England, Northern Ireland), the CQFW (Wales) and the SCQF side by side and
references each to the EQF (as the UK's EQF referencing reports do). A level with no row (SCQF
1-3, EQF 1, Entry levels) has no correspondence: it compares only within its own framework.
A framework outside these five is refused when a pathway is defined. The leaflet calls its
rows broad comparisons, not equivalences: an issuer who wants only its own framework's levels
names that framework in the rule and states its members' levels in it.
"""

from __future__ import annotations

import re

__all__ = ["FRAMEWORKS", "LevelError", "framework_of", "level_number", "meets_level"]

# Levels each framework defines.
FRAMEWORKS: dict[str, range] = {
    "FHEQ": range(4, 9),
    "RQF": range(1, 9),
    "CQFW": range(1, 9),
    "SCQF": range(1, 13),
    "EQF": range(1, 9),
}

# Qualifications Can Cross Boundaries (2019), one row per line of its table (levels 1-8 of the
# RQF/CQFW; the FHEQ starts at 4). SCQF 9 and 10 share the row of FHEQ/RQF/CQFW 6; EQF 5
# spans RQF/CQFW 4 and 5 (FHEQ 4 and 5).
_ROWS: tuple[dict[str, frozenset[int]], ...] = tuple(
    {name: frozenset(levels) for name, levels in row.items()} for row in (
        {"RQF": {1}, "CQFW": {1}, "SCQF": {4}, "EQF": {2}},
        {"RQF": {2}, "CQFW": {2}, "SCQF": {5}, "EQF": {3}},
        {"RQF": {3}, "CQFW": {3}, "SCQF": {6}, "EQF": {4}},
        {"FHEQ": {4}, "RQF": {4}, "CQFW": {4}, "SCQF": {7}, "EQF": {5}},
        {"FHEQ": {5}, "RQF": {5}, "CQFW": {5}, "SCQF": {8}, "EQF": {5}},
        {"FHEQ": {6}, "RQF": {6}, "CQFW": {6}, "SCQF": {9, 10}, "EQF": {6}},
        {"FHEQ": {7}, "RQF": {7}, "CQFW": {7}, "SCQF": {11}, "EQF": {7}},
        {"FHEQ": {8}, "RQF": {8}, "CQFW": {8}, "SCQF": {12}, "EQF": {8}},
    ))
_DIGITS = re.compile(r"(\d{1,2})\s*$")


class LevelError(ValueError):
    """A framework we hold no correspondence for, or a level it does not define."""


def framework_of(name: str | None) -> str | None:
    """The framework a ``targetFramework`` names (case-insensitive), or None."""
    if not name:
        return None
    key = name.strip().upper()
    return key if key in FRAMEWORKS else None


def level_number(framework: str, code: str | None, name: str | None = None) -> int | None:
    """The level an alignment states: its ``targetCode`` ("7"), else a number ending its
    ``targetName`` ("FHEQ level 7"); None when neither names a level of ``framework``."""
    for text in (code, name):
        if not text:
            continue
        found = _DIGITS.search(text.strip())
        if found is not None and int(found.group(1)) in FRAMEWORKS[framework]:
            return int(found.group(1))
    return None


def _as(framework: str, level: int, target: str) -> frozenset[int]:
    found: set[int] = set()
    for row in _ROWS:
        if level in row.get(framework, ()):
            found |= row.get(target, frozenset())
    return frozenset(found)


def meets_level(held: tuple[tuple[str, int], ...], framework: str, minimum: int) -> bool | None:
    """Whether a credential at the levels ``held`` ((framework, level) pairs) is at or above
    ``minimum`` of ``framework``: True, False, or None when no held level can be compared
    (none stated, or none with a published correspondence). A level that maps to several
    (EQF 5 is FHEQ 4 or 5) meets the minimum only if every one of them does."""
    verdict: bool | None = None
    for source, level in held:
        if source == framework:
            return level >= minimum
        targets = _as(source, level, framework)
        if targets:
            verdict = verdict or min(targets) >= minimum
    return verdict


def check_level(framework: str, level: int) -> None:
    """LevelError unless ``level`` is a level of ``framework`` (one of :data:`FRAMEWORKS`)."""
    if framework not in FRAMEWORKS:
        raise LevelError(f"unknown framework {framework!r}: levels compare only within "
                         f"{', '.join(FRAMEWORKS)} and between them as published")
    if level not in FRAMEWORKS[framework]:
        span = FRAMEWORKS[framework]
        raise LevelError(f"{framework} has levels {span.start} to {span.stop - 1}")
