"""The fingerprint of an assessment record: what tells a true retry from changed data.

An LMS retries with the same ``assessmentRef`` and gets the credential issued the first time.
When the record behind the reference has changed (another recipient, another mark), returning
that credential would hide the change, so the repeat is refused (409) naming the fields that
differ. Each field is kept as a keyed digest (HMAC under the recipient lookup key, see
recipients.py) of its canonical JSON, so the store never holds the recipient in plaintext and
cannot be dictionary-searched, yet the differing fields can be named.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from vcissuer.issuance.errors import Conflict, FieldError
from vcissuer.issuance.recipients import LookupKey, normalised_recipient
from vcissuer.issuance.schemas import AssessmentIn

__all__ = ["changed_fields", "fingerprint", "repeat_conflict"]

_DATES = ("activityStartDate", "activityEndDate", "validUntil")


def _canonical(value: Any) -> str:
    # Most fields are a string or absent: the text json.dumps gives them, without building an
    # encoder per field (a fingerprint has about 14 fields, and every issue computes one).
    if value is None:
        return "null"
    if type(value) is str:
        return encode_basestring(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _fragment(value: Any) -> Any:
    return value.rsplit("#", 1)[-1] if isinstance(value, str) else value


def _fields(assessment: AssessmentIn, *, base_url: str) -> dict[str, Any]:
    data = assessment.wire()
    results = sorted(
        ({**r, "resultDescription": _fragment(r.get("resultDescription")),
          **({"achievedLevel": _fragment(r["achievedLevel"])} if "achievedLevel" in r else {})}
         for r in data.get("results", [])), key=_canonical)
    fields: dict[str, Any] = {
        "achievementId": assessment.achievement_id.removeprefix(f"{base_url}/achievements/"),
        "results": results,
        "creditsEarned": assessment.credits_earned,
        "evidence": data.get("evidence", []),
        "format": assessment.format,
    }
    for name in _DATES:
        fields[name] = _utc(getattr(assessment, _snake(name)))
    for key, value in normalised_recipient(data["recipient"]).items():
        fields[f"recipient.{key}"] = value
    return fields


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def fingerprint(assessment: AssessmentIn, *, lookup: LookupKey,
                base_url: str) -> dict[str, str]:
    """Field name -> keyed digest of the field's canonical value."""
    return {name: lookup.digest("request", _canonical(value))
            for name, value in _fields(assessment, base_url=base_url).items()}


def changed_fields(stored: Mapping[str, str] | None, fresh: Mapping[str, str]) -> list[str]:
    """The fields whose digests differ; none for a credential stored without a fingerprint
    (issued before fingerprints were kept)."""
    if not stored:
        return []
    return [name for name in sorted(stored) if stored[name] != fresh.get(name)]


def repeat_conflict(credential_id: str, assessment_ref: str,
                    fields: list[str]) -> Conflict:
    return Conflict(
        f"assessmentRef {assessment_ref!r} was already issued as credential {credential_id} "
        f"with other data ({', '.join(fields)}): revoke it and issue under a new "
        "assessmentRef, or correct the reference",
        errors=[FieldError(name, "differs-from-issued",
                           f"differs from the record credential {credential_id} was issued "
                           "from") for name in fields],
        credentialId=credential_id)
