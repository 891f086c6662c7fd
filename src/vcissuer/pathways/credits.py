"""Credit schemes and exact conversion between them.

A credit value is a :class:`fractions.Fraction`; nothing is rounded while rules are evaluated,
so 29.99 credits never meets a 30-credit rule and 7.5 ECTS is exactly 15 UK credits.

Relations used (each stated by the scheme's owner):

- UK credit (CATS, England/Northern Ireland), SCQF credit points and CQFW credits are the
  same unit: one credit is ten notional hours of learning (QAA, *Higher education credit
  framework for England*, 2021, section 2; SCQF Partnership, *SCQF Handbook*, 2015, "SCQF
  credit points"; Welsh Government, *CQFW*, 2009: one credit = ten notional learning hours).
- Two UK credits are one ECTS credit (QAA, *Higher education credit framework for England*,
  2nd edition 2021, on UK credit and the European Credit Transfer and Accumulation System;
  the 2008 edition states the same).

A scheme without a stated relation to these (US semester hours, say) is refused: its credits
are never guessed into another scheme.

Display rule: credits in a result are shown rounded *down* to two decimal places (never
more than was counted); comparisons always use the exact value.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

__all__ = [
    "SCHEMES",
    "CreditError",
    "convert",
    "credit_value",
    "display",
    "scheme_of",
]

# Each scheme's credit in UK credit points (ten notional hours each).
SCHEMES: dict[str, Fraction] = {
    "CATS": Fraction(1),
    "SCQF": Fraction(1),
    "CQFW": Fraction(1),
    "ECTS": Fraction(2),
}

_ALIASES = {
    "cats": "CATS", "uk credit": "CATS", "uk credits": "CATS", "uk-credit": "CATS",
    "credit accumulation and transfer scheme": "CATS", "uk credit (cats)": "CATS",
    "scqf": "SCQF", "scqf credit points": "SCQF", "scqf credit": "SCQF",
    "cqfw": "CQFW", "cqfw credit": "CQFW", "cqfw credits": "CQFW",
    "ects": "ECTS", "ects credit": "ECTS", "ects credits": "ECTS",
    "european credit transfer and accumulation system": "ECTS",
}
_SPACES = re.compile(r"\s+")


class CreditError(ValueError):
    """Credits that cannot be converted: an unknown scheme, or one with no stated relation."""


def scheme_of(name: str | None) -> str | None:
    """The scheme a framework name or code denotes (``"UK Credit (CATS)"`` -> CATS), or None."""
    if not name:
        return None
    key = _SPACES.sub(" ", name.strip().casefold())
    return _ALIASES.get(key)


def credit_value(value: int | float | str | Fraction) -> Fraction:
    """An exact credit value. A float is read by its shortest decimal text (``0.1`` is 1/10,
    not the binary double nearest it), as it was written in the JSON."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise CreditError("a credit value is a number")
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def convert(value: Fraction, source: str, target: str) -> Fraction:
    """``value`` credits of ``source`` expressed in ``target`` (exact)."""
    try:
        return value * SCHEMES[source] / SCHEMES[target]
    except KeyError:
        raise CreditError(f"no stated relation between credit schemes {source!r} and "
                          f"{target!r} (known: {', '.join(SCHEMES)})") from None


def display(value: Fraction) -> float:
    """``value`` rounded down to two decimal places, for showing (module docstring)."""
    return math.floor(value * 100) / 100
