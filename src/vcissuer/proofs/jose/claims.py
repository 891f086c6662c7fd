"""The JWT claims of a VC-JWT and how they must agree with the credential they carry.

https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof (claims) and #jwt-verify-credential (checks);
VCDM 1.1 credentials use issuanceDate/expirationDate and travel in the ``vc`` claim
(https://www.w3.org/TR/vc-data-model-1.1/#jwt-decoding).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from vcissuer.clock import format_datetime, parse_datetime
from vcissuer.errors import MALFORMED_VALUE_ERROR, JwtError
from vcissuer.proofs.result import Problem

__all__ = [
    "OB_REQUIRED_CLAIMS",
    "REGISTERED_CLAIMS",
    "VCDM1_CONTEXT",
    "check_claims",
    "claims_for",
    "is_vcdm1",
    "numeric_date",
]

VCDM1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
# RFC 7519 section 4.1.
REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
# OB 3.0 #jwt-proof: iss, jti and nbf are REQUIRED, exp when the credential has validUntil.
OB_REQUIRED_CLAIMS: frozenset[str] = frozenset({"iss", "jti", "nbf", "exp"})


def is_vcdm1(credential: Mapping[str, Any]) -> bool:
    """True for a VCDM 1.1 credential (its first context is the 2018 credentials context)."""
    context = credential.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    return first == VCDM1_CONTEXT


def _period_fields(credential: Mapping[str, Any]) -> tuple[str, str]:
    return ("issuanceDate", "expirationDate") if is_vcdm1(credential) else (
        "validFrom", "validUntil")


def numeric_date(value: str) -> int:
    """An xsd:dateTimeStamp as a JWT NumericDate (whole seconds since the epoch, RFC 7519)."""
    return math.floor(parse_datetime(value).timestamp())


def _from_numeric_date(value: float) -> str:
    return format_datetime(datetime.fromtimestamp(value, UTC))


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        return subject["id"]
    return None


def claims_for(credential: Mapping[str, Any], *,
               required: Collection[str] = OB_REQUIRED_CLAIMS) -> dict[str, Any]:
    """``iss``, ``jti``, ``nbf`` and, when the credential has them, ``sub`` and ``exp``.

    https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof requires ``iss``, ``jti`` and ``nbf``
    (the default ``required``); JwtError when the credential lacks what a required claim
    stands for. A claim not in ``required`` is set only when its property is present
    (VC-JOSE-COSE and VCDM 1.1 "JWT encoding": ``jti`` only if the credential has an ``id``).
    """
    start, end = _period_fields(credential)
    sources = (("iss", _issuer_id(credential), "issuer id"),
               ("jti", credential.get("id"), "id"),
               ("nbf", credential.get(start), start))
    claims: dict[str, Any] = {}
    for claim, value, prop in sources:
        if isinstance(value, str):
            claims[claim] = value
        elif claim in required:
            raise JwtError(f"the credential has no {prop}, which {claim} requires")
    try:
        if "nbf" in claims:
            claims["nbf"] = numeric_date(claims["nbf"])
        if end in credential:
            claims["exp"] = numeric_date(credential[end])
    except ValueError as error:
        raise JwtError(f"the credential's validity period: {error}") from None
    subject = _subject_id(credential)
    if subject is not None:
        claims["sub"] = subject
    return claims


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _problem(claim: str, message: str) -> Problem:
    return Problem(MALFORMED_VALUE_ERROR, f"{claim}: {message}")


class _Checker:
    """Compares claims with credential properties; fills VCDM 1.1 properties from claims."""

    def __init__(self, payload: Mapping[str, Any], credential: dict[str, Any]) -> None:
        self.payload = payload
        self.credential = credential
        self.vcdm1 = is_vcdm1(credential)
        self.problems: list[Problem] = []

    def string_claim(self, claim: str, prop: str, value: str | None, *, required: bool,
                     fill: Any) -> None:
        if claim not in self.payload:
            if required:
                self.problems.append(_problem(claim, "the required claim is missing"))
            return
        found = self.payload[claim]
        if not isinstance(found, str):
            self.problems.append(_problem(claim, "must be a string"))
        elif value is None and self.vcdm1:
            fill(found)
        elif value is None:
            if required:
                self.problems.append(_problem(claim, f"the credential has no {prop} to match"))
        elif value != found:
            self.problems.append(_problem(claim, f"{found!r} is not the credential's {prop} "
                                                 f"{value!r}"))

    def date_claim(self, claim: str, prop: str, *, required: bool, fill: bool,
                   required_with_property: bool = False) -> None:
        value = self.credential.get(prop)
        if claim not in self.payload:
            if required:
                self.problems.append(_problem(claim, "the required claim is missing"))
            elif value is not None and required_with_property:
                self.problems.append(_problem(claim, f"required because {prop} is present"))
            return
        found = self.payload[claim]
        if not _is_number(found):
            self.problems.append(_problem(claim, "must be a NumericDate (seconds since epoch)"))
        elif value is None and fill:
            self.credential[prop] = _from_numeric_date(found)
        elif value is None:
            self.problems.append(_problem(claim, f"the credential has no {prop} to match"))
        else:
            try:
                expected = numeric_date(value)
            except ValueError as error:
                self.problems.append(_problem(claim, f"{prop}: {error}"))
                return
            if math.floor(found) != expected:
                self.problems.append(_problem(
                    claim, f"{found} is not the credential's {prop} {value!r} ({expected})"))


def check_claims(
    payload: Mapping[str, Any], credential: Mapping[str, Any], *,
    required: Collection[str] = OB_REQUIRED_CLAIMS,
) -> tuple[dict[str, Any], list[Problem]]:
    """Check the claims against the credential; return the credential as the claims complete it.

    https://www.imsglobal.org/spec/ob/v3p0/#jwt-verify-credential: iss = issuer.id, sub =
    credentialSubject.id (when both are present), nbf = validFrom, jti = id, and exp sets
    validUntil. A VCDM 1.1 credential may leave issuer, id, issuanceDate and subject id to the
    claims (VCDM 1.1 "JWT decoding"). Clock checks are the verification pipeline's.
    """
    result = copy.deepcopy(dict(credential))
    checker = _Checker(payload, result)
    start, end = _period_fields(result)

    def fill_issuer(value: str) -> None:
        issuer = result.get("issuer")
        if isinstance(issuer, dict):
            issuer["id"] = value
        else:
            result["issuer"] = value

    def fill_id(value: str) -> None:
        result["id"] = value

    def fill_subject(value: str) -> None:
        subject = result.get("credentialSubject")
        if isinstance(subject, dict):
            subject["id"] = value
        elif subject is None:
            result["credentialSubject"] = {"id": value}

    checker.string_claim("iss", "issuer id", _issuer_id(result), required="iss" in required,
                         fill=fill_issuer)
    checker.string_claim("jti", "id", result.get("id") if isinstance(result.get("id"), str)
                         else None, required="jti" in required, fill=fill_id)
    checker.date_claim("nbf", start, required="nbf" in required, fill=checker.vcdm1)
    checker.string_claim("sub", "credentialSubject.id", _subject_id(result), required=False,
                         fill=fill_subject)
    checker.date_claim("exp", end, required=False, fill=True,
                       required_with_property="exp" in required)
    return result, checker.problems
