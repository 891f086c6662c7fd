"""What the rules need from an Open Badges 3.0 AchievementCredential, read from the credential
as issued: its achievement (id, name, credits and scheme, levels, alignments), the credits
earned, when it was earned, and its issuer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any

from vcissuer.pathways.credits import CreditError, credit_value
from vcissuer.pathways.evaluate import Held
from vcissuer.pathways.levels import framework_of, level_number

__all__ = ["held_from_credential"]

CREDIT_SCHEME_TYPE = "ext:CreditScheme"


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _credits(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        credits = credit_value(value)
    except (CreditError, ValueError, ZeroDivisionError):
        return None
    return credits if credits >= 0 else None


def held_from_credential(credential: Mapping[str, Any], *, credential_id: str,
                         state: str = "active", valid_until: datetime | None = None,
                         external: bool = False) -> Held:
    """The :class:`Held` of an AchievementCredential. ``creditsEarned`` wins over the
    achievement's ``creditsAvailable``; the date earned is the subject's
    ``activityEndDate``, else its ``awardedDate``, else the credential's ``validFrom``
    (``issuanceDate`` for VCDM 1.1); the credit scheme is the alignment of
    ``targetType`` ext:CreditScheme; levels are alignments to FHEQ, SCQF, CQFW, RQF or EQF."""
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    scheme: str | None = None
    levels: list[tuple[str, int]] = []
    alignments: set[tuple[str, str]] = set()
    for alignment in achievement.get("alignment") or ():
        if not isinstance(alignment, Mapping):
            continue
        framework_name = alignment.get("targetFramework")
        code, name = alignment.get("targetCode"), alignment.get("targetName")
        if alignment.get("targetType") == CREDIT_SCHEME_TYPE:
            scheme = str(framework_name or name or code or "") or None
            continue
        framework = framework_of(framework_name if isinstance(framework_name, str) else None)
        if framework is not None:
            level = level_number(framework, code if isinstance(code, str) else None,
                                 name if isinstance(name, str) else None)
            if level is not None:
                levels.append((framework, level))
        if isinstance(framework_name, str) and isinstance(code, str):
            alignments.add((framework_name.casefold(), code.casefold()))
    credits = _credits(subject.get("creditsEarned"))
    if credits is None:
        credits = _credits(achievement.get("creditsAvailable"))
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    earned = (_date(subject.get("activityEndDate")) or _date(subject.get("awardedDate"))
              or _date(credential.get("validFrom")) or _date(credential.get("issuanceDate")))
    achievement_id = achievement.get("id")
    name = achievement.get("name")
    return Held(
        id=credential_id,
        achievement_id=achievement_id if isinstance(achievement_id, str) else None,
        issuer=issuer_id if isinstance(issuer_id, str) else "",
        name=name if isinstance(name, str) else None,
        state=state, earned=earned,
        valid_until=valid_until or _date(credential.get("validUntil"))
        or _date(credential.get("expirationDate")),
        credits=credits, credit_scheme=scheme, levels=tuple(levels),
        alignments=frozenset(alignments), external=external)
