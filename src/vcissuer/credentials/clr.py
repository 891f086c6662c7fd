"""Building CLR 2.0 records: a ``ClrCredential`` that embeds credentials exactly as issued.

https://www.imsglobal.org/spec/clr/v2p0/ — a ClrCredential's ``credentialSubject`` is a
``ClrSubject``: the learner (``id`` or ``identifier``: "Either id or at least one identifier
is required"), the ``verifiableCredential``s that make up the record (each keeps its own
proof: it is embedded, never re-signed), the ``achievement``s they assert (optional) and
``association``s between achievements ("An Association describes the semantic relationship
between two achievements"; ``sourceId`` and ``targetId`` are achievement ids). Serialized as
OB 3.0 says: arrays where the schema wants them, nulls and empty arrays omitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from vcissuer.clock import format_datetime
from vcissuer.credentials.builder import compact
from vcissuer.credentials.contexts import CLR_CONTEXT, CLR_TYPE, SCHEMA_VALIDATOR_TYPE
from vcissuer.credentials.schema import CLR_CREDENTIAL_SCHEMA_URL

__all__ = [
    "ASSOCIATION_TYPES",
    "Association",
    "ClrBuildError",
    "build_clr",
    "embedded_achievements",
    "ordered_associations",
]

# CLR 2.0 AssociationType (the enumeration of the ClrCredential JSON Schema's Association).
ASSOCIATION_TYPES = frozenset({
    "exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo",
    "precedes", "replacedBy",
})


class ClrBuildError(ValueError):
    """A record that cannot be built as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


@dataclass(frozen=True, slots=True)
class Association:
    """``associationType`` from ``source_id`` to ``target_id`` (achievement ids): e.g.
    ``isChildOf`` "the source achievement is the child of the target achievement"."""

    association_type: str
    source_id: str
    target_id: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "Association", "associationType": self.association_type,
                "sourceId": self.source_id, "targetId": self.target_id}


def ordered_associations(achievement_ids: Sequence[str]) -> list[Association]:
    """``precedes`` from each achievement to the next, for achievements taken in an order."""
    return [Association("precedes", first, second)
            for first, second in pairwise(achievement_ids)]


def _subjects(credential: Mapping[str, Any]) -> list[Any]:
    subject = credential.get("credentialSubject")
    return subject if isinstance(subject, list) else [subject]


def embedded_achievements(credentials: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The Achievements the credentials assert, each once (by ``id``), in order of appearance."""
    found: dict[str, dict[str, Any]] = {}
    for credential in credentials:
        for subject in _subjects(credential):
            achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
            if isinstance(achievement, Mapping) and isinstance(achievement.get("id"), str):
                found.setdefault(achievement["id"], dict(achievement))
    return list(found.values())


def _checked(associations: Sequence[Association], known: set[str]) -> list[dict[str, Any]]:
    out = []
    for index, association in enumerate(associations):
        where = f"associations[{index}]"
        if association.association_type not in ASSOCIATION_TYPES:
            raise ClrBuildError(f"{where}.associationType", "enum",
                                f"associationType must be one of {sorted(ASSOCIATION_TYPES)}")
        for name, value in (("sourceId", association.source_id),
                            ("targetId", association.target_id)):
            if value not in known:
                raise ClrBuildError(f"{where}.{name}", "unknown-achievement",
                                    f"{value!r} is not the id of an achievement in the record")
        if association.source_id == association.target_id:
            raise ClrBuildError(where, "self-association",
                                "an association relates two different achievements")
        out.append(association.to_json())
    return out


def build_clr(
    *,
    credential_id: str,
    issuer: Mapping[str, Any],
    name: str,
    valid_from: datetime,
    credentials: Sequence[Mapping[str, Any]],
    subject_id: str | None = None,
    identifiers: Sequence[Mapping[str, Any]] = (),
    achievements: Sequence[Mapping[str, Any]] = (),
    associations: Sequence[Association] = (),
    description: str | None = None,
    partial: bool | None = None,
    credential_status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An unsigned ClrCredential (VC 2.0 + CLR 2.0.1) embedding ``credentials`` as given.

    ``achievements``: Achievements the record describes beyond those its credentials assert
    (a qualification they are part of, say); listed after the embedded ones. Every
    association must name achievements of the record (:class:`ClrBuildError` otherwise).
    """
    if not credentials:
        raise ClrBuildError("credentials", "minItems",
                            "a CLR embeds at least one credential")
    if subject_id is None and not identifiers:
        raise ClrBuildError("learner", "required",
                            "the learner needs an id or at least one identifier")
    listed = embedded_achievements(credentials)
    known = {a["id"] for a in listed}
    for extra in achievements:
        if isinstance(extra.get("id"), str) and extra["id"] not in known:
            listed.append(dict(extra))
            known.add(extra["id"])
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["ClrSubject"],
        "identifier": [dict(i) for i in identifiers],
        "verifiableCredential": list(credentials),
        "achievement": listed,
        "association": _checked(associations, known),
    }
    record = compact({
        "@context": list(CLR_CONTEXT),
        "id": credential_id,
        "type": list(CLR_TYPE),
        "name": name,
        "description": description,
        "partial": partial,
        "issuer": dict(issuer),
        "validFrom": format_datetime(valid_from),
        "awardedDate": format_datetime(valid_from),
        "credentialSubject": {k: v for k, v in subject.items()
                              if k != "verifiableCredential"},
        "credentialSchema": [{"id": CLR_CREDENTIAL_SCHEMA_URL, "type": SCHEMA_VALIDATOR_TYPE}],
        "credentialStatus": dict(credential_status) if credential_status else None,
    })
    # The embedded credentials go in untouched: compacting them could change what was signed.
    record["credentialSubject"]["verifiableCredential"] = list(credentials)
    return record
