"""What the pathway pages read: a pathway in public (its rules in plain language), the
constituents of a qualification with their state now (its badge page), and progress links: a
learner's progress behind an unguessable URL the LMS can give the learner.

A progress link's token is 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256 is
stored, so the database opens no learner's progress. The page it opens shows the learner only
as masked when the link was made (``a•••@example.org``): the link's holder is the learner.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vcissuer.issuance.access import ISSUE, Caller, authorize
from vcissuer.issuance.achievements import achievement_id_url
from vcissuer.issuance.context import Services
from vcissuer.issuance.credentials import credential_url
from vcissuer.issuance.errors import NotFound
from vcissuer.issuance.issuers import load_issuer, profile_document
from vcissuer.issuance.pathways import _credential_json, evaluate_for, rules_of
from vcissuer.issuance.recipients import lookup_hash_for
from vcissuer.pathways import display
from vcissuer.pathways.describe import describe_rules, member_name
from vcissuer.pathways.rules import Member
from vcissuer.store import CredentialRepository, IssuerRepository
from vcissuer.store.pathways import AwardRecord, PathwayRecord, PathwayRepository
from vcissuer.store.progress_links import ProgressLinkRepository, award_of_qualification

__all__ = [
    "ConstituentLine",
    "ProgressView",
    "PublicPathway",
    "QualificationStatus",
    "create_progress_link",
    "mask_learner",
    "progress_for_token",
    "public_pathway",
    "qualification_status",
    "revoke_progress_link",
]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_UUID = re.compile(r"[0-9a-f-]{36}")


# --- a pathway in public ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PublicPathway:
    id: str
    url: str
    name: str
    revision: int
    target: str  # the qualification's achievement id URL
    target_name: str
    issuer_name: str
    issuer_slug: str
    rules_text: list[str]
    rules: dict[str, Any]
    names: dict[str, str]  # achievement id URL -> name

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "name": self.name, "revision": self.revision,
                "targetAchievementId": self.target, "issuer": self.issuer_slug,
                "rules": self.rules, "description": self.rules_text}


def _names(services: Services, session: Any, pathway: PathwayRecord) -> dict[str, str]:
    """Names of the issuer's achievements the rules name (others keep their id)."""
    prefix = achievement_id_url(services, "")
    rules = rules_of(pathway)
    ids = [m.achievement_id.removeprefix(prefix) for m in rules.members()
           if m.achievement_id and m.achievement_id.startswith(prefix)]
    ids.append(pathway.target_achievement_id)
    found = PathwayRepository(session).achievements(ids)
    return {achievement_id_url(services, r.id): str(r.document.get("name") or r.id)
            for r in found.values() if r.issuer_id == pathway.issuer_id}


def _public(services: Services, session: Any, pathway: PathwayRecord) -> PublicPathway:
    issuer = IssuerRepository(session).get(pathway.issuer_id)
    if issuer is None:
        raise NotFound(f"no pathway {pathway.id}")
    names = _names(services, session, pathway)
    target = achievement_id_url(services, pathway.target_achievement_id)
    return PublicPathway(
        id=pathway.id, url=f"{services.base_url}/pathways/{pathway.id}", name=pathway.name,
        revision=pathway.revision, target=target, target_name=names.get(target, pathway.name),
        issuer_name=str(profile_document(issuer).get("name") or issuer.slug),
        issuer_slug=issuer.slug,
        rules_text=describe_rules(rules_of(pathway), names,
                                  ordered=bool(pathway.rules.get("ordered"))),
        rules=pathway.rules, names=names)


def public_pathway(services: Services, pathway_id: str) -> PublicPathway:
    """A pathway as anyone may see it (its definition is public, like an achievement)."""
    if not _UUID.fullmatch(pathway_id):
        raise NotFound(f"no pathway {pathway_id}")
    with services.db.session_scope(read_only=True) as session:
        pathway = session.get(PathwayRecord, pathway_id)
        if pathway is None:
            raise NotFound(f"no pathway {pathway_id}")
        return _public(services, session, pathway)


# --- a qualification's constituents ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ConstituentLine:
    name: str
    state: str  # active | revoked | suspended | expired | recognised
    credits: float | None
    rule: str
    page: str | None  # its badge page here


@dataclass(frozen=True, slots=True)
class AwardEventLine:
    kind: str
    at: datetime
    name: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class QualificationStatus:
    pathway: PublicPathway
    award_state: str
    constituents: list[ConstituentLine]
    events: list[AwardEventLine]
    clr_page: str | None


def _credential_name(record: Any) -> str | None:
    document = _credential_json(str(record.format), record.signed) or {}
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    name = achievement.get("name") if isinstance(achievement, Mapping) else None
    return name if isinstance(name, str) else None


def _state_now(record: Any, now: datetime) -> str:
    state = str(record.state)
    if state == "active" and record.valid_until is not None and record.valid_until <= now:
        return "expired"
    return state


def _rule_text(rule: str, pathway: PublicPathway, rules: Any) -> str:
    """A rule reference of an evaluation ("required[0]", "electives[1]") in words."""
    found = re.fullmatch(r"(required|electives)\[(\d+)\]", rule)
    if found is None:
        return {"accept": "the totals", "totalCredits": "the total"}.get(rule, rule)
    index = int(found.group(2))
    if found.group(1) == "required" and index < len(rules.required):
        return f"required: {member_name(rules.required[index], pathway.names)}"
    if found.group(1) == "electives" and index < len(rules.electives):
        return f"electives {rules.electives[index].name}"
    return rule


def _constituent_lines(services: Services, session: Any, award: AwardRecord,
                       pathway: PublicPathway, rules: Any) -> list[ConstituentLine]:
    prefix = credential_url(services, "")
    own = [c.removeprefix(prefix) for c in award.constituents if c.startswith(prefix)]
    records = CredentialRepository(session).by_ids(own, issuer_id=award.issuer_id)
    counted = {c["credential"]: c for c in award.evaluation.get("counted", [])}
    now = services.clock()
    lines = []
    for url in award.constituents:
        item = counted.get(url, {})
        record = records.get(url.removeprefix(prefix)) if url.startswith(prefix) else None
        lines.append(ConstituentLine(
            name=(_credential_name(record) if record else None) or item.get("name")
            or "a credential from another provider",
            state=_state_now(record, now) if record else "recognised",
            credits=item.get("credits"), rule=_rule_text(str(item.get("rule", "")), pathway,
                                                         rules),
            page=f"/credentials/{record.id}" if record else None))
    return lines


_EVENT_WORDS = {"constituent-revoked": "revoked", "constituent-suspended": "suspended",
                "constituent-active": "reinstated", "kept": "kept by the issuer",
                "revoked": "revoked by the issuer", "re-awarded": "re-awarded"}


def qualification_status(services: Services, credential_id: str) -> QualificationStatus | None:
    """When this credential is the qualification of a pathway award: the pathway, the
    award's state, each constituent with its state now and credits, and what happened since
    (a constituent revoked after the award, the issuer's decisions)."""
    with services.db.session_scope(read_only=True) as session:
        award = award_of_qualification(session, credential_id)
        if award is None:
            return None
        record = session.get(PathwayRecord, award.pathway_id)
        if record is None:
            return None
        pathway = _public(services, session, record)
        lines = _constituent_lines(services, session, award, pathway, rules_of(record))
        names = {line.page.rsplit("/", 1)[-1]: line.name for line in lines if line.page}
        events = [AwardEventLine(kind=_EVENT_WORDS.get(e.kind, e.kind), at=e.at,
                                 name=names.get(e.credential_id or ""), reason=e.reason)
                  for e in PathwayRepository(session).events(award.id)]
        return QualificationStatus(
            pathway=pathway, award_state=award.state, constituents=lines, events=events,
            clr_page=f"/credentials/{award.clr_credential_id}"
            if award.clr_credential_id else None)


# --- progress links -----------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def mask_learner(learner: str) -> str:
    """What a progress page may show of the learner: enough to recognise, not to reuse."""
    learner = learner.strip()
    local, at, domain = learner.partition("@")
    if at and ":" not in local:
        return f"{local[:1]}•••@{domain}"
    kind, separator, value = learner.partition(":")
    if learner.startswith("did:"):
        return f"{learner[:12]}…" if len(learner) > 12 else learner
    if separator:
        return f"{kind} •••{value[-2:]}" if len(value) > 4 else f"{kind} •••"
    return "•••"


def _link_view(services: Services, record: Any, token: str | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": record.id, "pathwayId": record.pathway_id, "learner": record.learner_hint,
        "created": record.created.isoformat(),
        "revoked": record.revoked_at.isoformat() if record.revoked_at else None}
    if token is not None:  # shown once, when made
        view = {**view, "token": token, "url": f"{services.base_url}/progress/{token}"}
    return view


def _own_pathway(services: Services, session: Any, slug: str, pathway_id: str,
                 caller: Caller) -> PathwayRecord:
    issuer = load_issuer(services, session, slug)
    authorize(caller, issuer_id=issuer.id, scope=ISSUE)
    pathway = PathwayRepository(session).get(pathway_id, issuer_id=issuer.id)
    if pathway is None:
        raise NotFound(f"no pathway {pathway_id} for this issuer")
    return pathway


def create_progress_link(services: Services, slug: str, pathway_id: str, learner: str, *,
                         caller: Caller) -> dict[str, Any]:
    """A new link to ``learner``'s progress on the pathway (the token is in the answer only)."""
    token = secrets.token_urlsafe(32)
    with services.db.session_scope() as session:
        pathway = _own_pathway(services, session, slug, pathway_id, caller)
        record = ProgressLinkRepository(session, clock=services.clock).add(
            token_hash=_token_hash(token), pathway_id=pathway.id, issuer_id=pathway.issuer_id,
            learner_hash=lookup_hash_for(learner, lookup=services.lookup),
            learner_hint=mask_learner(learner)[:200], created_by=caller.client_id)
        return _link_view(services, record, token)


def revoke_progress_link(services: Services, slug: str, pathway_id: str, link_id: str, *,
                         caller: Caller) -> dict[str, Any]:
    """The link stops opening anything (for good)."""
    with services.db.session_scope() as session:
        pathway = _own_pathway(services, session, slug, pathway_id, caller)
        repository = ProgressLinkRepository(session, clock=services.clock)
        record = repository.get(link_id, pathway_id=pathway.id)
        if record is None:
            raise NotFound(f"no progress link {link_id} of this pathway")
        repository.revoke(record)
        return _link_view(services, record)


@dataclass(frozen=True, slots=True)
class ProgressView:
    """A learner's progress as the page shows it."""

    pathway: PublicPathway
    learner: str
    met: bool
    counted: list[ConstituentLine]
    credits: dict[str, Any]
    missing: list[str]
    set_aside: list[tuple[str, str]]  # (name, why)
    award_state: str | None = None
    qualification_page: str | None = None
    clr_page: str | None = None


def _missing_text(item: Mapping[str, Any], pathway: PublicPathway) -> str:
    member = item.get("member")
    if isinstance(member, Mapping):
        known = Member(achievement_id=member.get("achievementId"),
                       target_framework=member.get("targetFramework"),
                       target_code=member.get("targetCode"))
        return f"{member_name(known, pathway.names)} (required)"
    if str(item.get("rule", "")).startswith("electives"):
        parts = []
        if item.get("shortCredits"):
            parts.append(f"{item['shortCredits']:g} more credits")
        if item.get("shortCount"):
            parts.append(f"{item['shortCount']} more")
        return f"{' and '.join(parts) or 'more'} from the electives {item.get('name')}"
    return str(item.get("message", ""))


def progress_for_token(services: Services, token: str) -> ProgressView:
    """The progress a live link opens; NotFound for any other token (malformed, unknown,
    revoked), all alike."""
    if not _TOKEN.fullmatch(token):
        raise NotFound("no progress at this link")
    with services.db.session_scope(read_only=True) as session:
        link = ProgressLinkRepository(session).by_token_hash(_token_hash(token))
        record = session.get(PathwayRecord, link.pathway_id) if link else None
        if link is None or record is None:
            raise NotFound("no progress at this link")
        issuer = IssuerRepository(session).get(record.issuer_id)
        assert issuer is not None
        pathway = _public(services, session, record)
        rules = rules_of(record)
        evaluation = evaluate_for(services, session, issuer, record, (link.learner_hash,))
        award = PathwayRepository(session).award_for(record.id, (link.learner_hash,))
        prefix = credential_url(services, "")
        own = [s.credential.removeprefix(prefix) for s in evaluation.set_aside
               if s.credential.startswith(prefix)]
        own += [h.id.removeprefix(prefix) for h, _, _ in evaluation.counted
                if h.id.startswith(prefix)]
        records = CredentialRepository(session).by_ids(own, issuer_id=record.issuer_id)
    now = services.clock()

    def page_of(url: str) -> str | None:
        return f"/credentials/{url.removeprefix(prefix)}" \
            if url.removeprefix(prefix) in records else None

    counted = [ConstituentLine(
        name=held.name or "a credential", credits=display(credits),
        state="recognised" if held.external else
        _state_now(records[held.id.removeprefix(prefix)], now)
        if held.id.removeprefix(prefix) in records else "active",
        rule=_rule_text(rule, pathway, rules), page=page_of(held.id))
        for held, rule, credits in evaluation.counted]
    aside = []
    for item in evaluation.set_aside:
        found = records.get(item.credential.removeprefix(prefix))
        name = (_credential_name(found) if found else None) or (
            "a credential from another provider" if not item.credential.startswith(prefix)
            else "a credential")
        aside.append((name, item.message))
    return ProgressView(
        pathway=pathway, learner=link.learner_hint, met=evaluation.met, counted=counted,
        credits=evaluation.per_rule, missing=[_missing_text(m, pathway)
                                              for m in evaluation.missing],
        set_aside=aside, award_state=award.state if award else None,
        qualification_page=f"/credentials/{award.credential_id}" if award else None,
        clr_page=f"/credentials/{award.clr_credential_id}"
        if award and award.clr_credential_id else None)
