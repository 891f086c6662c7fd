"""Qualification pathways: rules that stack credentials into a qualification (pure core).

No web framework, database or settings: the service gives it the rules and the learner's
credentials as plain values (:class:`Held`) and gets an :class:`Evaluation` back.
"""

from __future__ import annotations

from vcissuer.pathways.credits import (
    SCHEMES,
    CreditError,
    convert,
    credit_value,
    display,
    scheme_of,
)
from vcissuer.pathways.evaluate import Evaluation, Held, SetAside, evaluate
from vcissuer.pathways.held import held_from_credential
from vcissuer.pathways.levels import FRAMEWORKS, LevelError, framework_of, level_number, meets_level
from vcissuer.pathways.rules import (
    ElectiveGroup,
    LevelRule,
    Member,
    Recognised,
    RuleError,
    Rules,
    parse_rules,
)

__all__ = [
    "FRAMEWORKS",
    "SCHEMES",
    "CreditError",
    "ElectiveGroup",
    "Evaluation",
    "Held",
    "LevelError",
    "LevelRule",
    "Member",
    "Recognised",
    "RuleError",
    "Rules",
    "SetAside",
    "convert",
    "credit_value",
    "display",
    "evaluate",
    "framework_of",
    "held_from_credential",
    "level_number",
    "meets_level",
    "parse_rules",
    "scheme_of",
]
