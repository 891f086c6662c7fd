"""The CLR 2.0 record of a pathway award: the learner's constituent credentials, embedded as
issued, and the qualification they earned, with the associations between their achievements.

CLR 2.0 Association (https://www.imsglobal.org/spec/clr/v2p0/, AssociationType): the source
achievement relates to the target as the type says. A constituent is the child of the
qualification and part of it, so each constituent achievement is the *source* of an
``isChildOf`` and an ``isPartOf`` association whose target is the qualification's
achievement (1EdTech's CLR samples write "<course> isPartOf <diploma>" the same way). Where
the pathway orders its required achievements (``rules.ordered``), each ``precedes`` the next.

One record per award and qualification credential (the reference names both), so a retried or
racing award issues one; a re-award (a new qualification) issues a new record, and the one
it replaces is revoked with the old qualification (``issuance/pathways._reaward``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from vcissuer.credentials.clr import Association, ordered_associations
from vcissuer.issuance.achievements import achievement_id_url
from vcissuer.issuance.clr import issue_clr
from vcissuer.issuance.context import Services
from vcissuer.issuance.credentials import credential_url
from vcissuer.issuance.errors import IssuanceError
from vcissuer.issuance.schemas import RecipientIn
from vcissuer.store.pathways import AwardRecord, AwardState, PathwayRecord, PathwayRepository
from vcissuer.store.progress_links import set_award_clr

__all__ = ["award_associations", "issue_award_clr"]

log = logging.getLogger("vcissuer.pathways")


def award_associations(constituents: Sequence[str], qualification: str,
                       ordered: Sequence[str] = ()) -> list[Association]:
    """Associations of a record: every constituent achievement ``isChildOf`` and ``isPartOf``
    the ``qualification`` achievement; ``precedes`` between consecutive ``ordered`` ones that
    the record holds."""
    distinct = [a for a in dict.fromkeys(constituents) if a != qualification]
    links = [Association(kind, achievement, qualification)
             for achievement in distinct for kind in ("isChildOf", "isPartOf")]
    held = [a for a in dict.fromkeys(ordered) if a in set(distinct)]
    return links + ordered_associations(held)


def _ordered(services: Services, rules: Mapping[str, Any]) -> list[str]:
    """The required achievements in the pathway's order, when it has one."""
    if not rules.get("ordered"):
        return []
    return [achievement_id_url(services, m["achievementId"])
            if ":" not in m["achievementId"] else m["achievementId"]
            for m in rules.get("required") or [] if m.get("achievementId")]


def _own_counted(services: Services, award: AwardRecord) -> list[tuple[str, str | None]]:
    """(credential uuid, achievement id) of each own credential the award counted."""
    prefix = credential_url(services, "")
    return [(c["credential"].removeprefix(prefix), c.get("achievementId"))
            for c in award.evaluation.get("counted", [])
            if not c.get("external") and str(c.get("credential", "")).startswith(prefix)]


def issue_award_clr(services: Services, slug: str, pathway: PathwayRecord, award_id: str,
                    recipient: RecipientIn) -> str | None:
    """Issue (or find) the CLR of the award as it now stands and keep it with the award; the
    record's id, or None when none can be issued (logged: the award stands without it, and a
    later award request issues it)."""
    with services.db.session_scope(read_only=True) as session:
        award = PathwayRepository(session).award(award_id, pathway_id=pathway.id)
        if award is None or award.state == AwardState.REVOKED:
            return None
        if award.clr_credential_id is not None:
            return award.clr_credential_id
        counted = _own_counted(services, award)
        qualification_id = award.credential_id
    target = achievement_id_url(services, pathway.target_achievement_id)
    associations = award_associations([a for _, a in counted if a], target,
                                      _ordered(services, pathway.rules))
    try:
        outcome = issue_clr(
            services, slug, recipient, [c for c, _ in counted] + [qualification_id],
            associations, name=f"{pathway.name}: record of achievement",
            description=f"The credentials that earned {pathway.name}, and the qualification.",
            reference=f"pathway-award:{award_id}:{qualification_id}")
    except IssuanceError as error:
        log.warning("no CLR for pathway award %s: %s", award_id, error.message)
        return None
    record_id = outcome.record.id
    with services.db.session_scope() as session:
        if not set_award_clr(session, award_id=award_id, credential_id=qualification_id,
                             clr_credential_id=record_id):
            return None
    return record_id
