"""The validity period check: validFrom/validUntil (VCDM 2.0), issuanceDate/expirationDate (1.1).

https://www.w3.org/TR/vc-data-model-2.0/#validity-period
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from vcissuer.clock import parse_datetime
from vcissuer.errors import CREDENTIAL_EXPIRED, CREDENTIAL_NOT_YET_VALID, MALFORMED_VALUE_ERROR
from vcissuer.proofs.result import Problem
from vcissuer.verify.report import Check

__all__ = ["DEFAULT_SKEW", "check_validity_period"]

DEFAULT_SKEW = timedelta(minutes=5)


def check_validity_period(
    credential: Mapping[str, Any], *, now: datetime, skew: timedelta = DEFAULT_SKEW
) -> Check:
    """Not before validFrom, not after validUntil, allowing ``skew`` for clocks that differ."""
    start_key, end_key = ("validFrom", "validUntil")
    if "validFrom" not in credential and "issuanceDate" in credential:
        start_key, end_key = ("issuanceDate", "expirationDate")
    problems: list[Problem] = []
    start = _parse(credential, start_key, problems)
    end = _parse(credential, end_key, problems)
    if start is not None and end is not None and start > end:
        problems.append(Problem(MALFORMED_VALUE_ERROR, f"{start_key} is after {end_key}"))
    if start is not None and now + skew < start:
        problems.append(Problem(CREDENTIAL_NOT_YET_VALID,
                                f"not valid until {credential[start_key]}"))
    if end is not None and now - skew > end:
        problems.append(Problem(CREDENTIAL_EXPIRED, f"expired at {credential[end_key]}"))
    detail = " to ".join(str(credential[k]) for k in (start_key, end_key) if k in credential)
    return Check.from_problems("validity period", problems, detail=detail)


def _parse(credential: Mapping[str, Any], key: str, problems: list[Problem]) -> datetime | None:
    if key not in credential:
        return None
    try:
        return parse_datetime(credential[key])
    except ValueError as error:
        problems.append(Problem(MALFORMED_VALUE_ERROR, f"{key}: {error}"))
        return None
