"""Qualification pathways: define and revise them, and show a learner's progress (what
counts, what is missing, what was set aside and why). Awards are in
:mod:`vcissuer.issuance.pathway_awards`, recognition of prior learning in
:mod:`vcissuer.issuance.recognitions`.

The rules live in the core (:mod:`vcissuer.pathways`); this module reads the learner's
credentials (by recipient lookup hash, as ``?recipient=`` does) and recognitions from the
store, and issues the qualification through the normal issue flow, so it is an OB 3.0
AchievementCredential like any other, whose ``evidence`` names every credential that counted.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from vcissuer.credentials.outcomes import check_results
from vcissuer.issuance.access import (
    ISSUE,
    MANAGE,
    ApiToken,
    Caller,
    authenticate,
    authorize,
    note_use,
)
from vcissuer.issuance.achievements import achievement_id_url, resolve_achievement
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import FieldError, NotFound, Rejected
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.recipients import lookup_hash_for
from vcissuer.issuance.schemas import PathwayIn, PathwayPatch, PathwayRulesIn
from vcissuer.limits import MAX_PATHWAY_CREDENTIALS
from vcissuer.pathways import (
    Evaluation,
    Held,
    RuleError,
    Rules,
    evaluate,
    held_from_credential,
    parse_rules,
)
from vcissuer.store import AchievementRecord, CredentialFormat, CredentialRepository, IssuerRecord
from vcissuer.store.pathways import (
    AwardRecord,
    HeldRow,
    PathwayRecord,
    PathwayRepository,
    RecognitionRecord,
)

__all__ = [
    "alignments_of",
    "award_of",
    "award_view",
    "create_pathway",
    "evaluate_for",
    "flag_achievement",
    "get_pathway",
    "list_pathways",
    "own_pathway",
    "pathway_view",
    "progress",
    "recognition_id",
    "rules_of",
    "update_pathway",
]

CREDIT_SCHEME_TYPE = "ext:CreditScheme"


# --- definitions -------------------------------------------------------------------------

_RULES: dict[tuple[str, int], Rules] = {}  # (pathway id, revision) -> parsed (immutable)


def rules_of(pathway: PathwayRecord) -> Rules:
    key = (pathway.id, pathway.revision)
    rules = _RULES.get(key)
    if rules is None:
        if len(_RULES) > 1000:
            _RULES.clear()
        rules = _RULES[key] = parse_rules(pathway.rules)
    return rules


def _scheme_of(achievement: AchievementRecord) -> str | None:
    for alignment in achievement.document.get("alignment") or ():
        if alignment.get("targetType") == CREDIT_SCHEME_TYPE:
            return alignment.get("targetFramework") or alignment.get("targetName")
    return None


def alignments_of(document: dict[str, Any]) -> frozenset[tuple[str, str]]:
    return frozenset((a["targetFramework"].casefold(), a["targetCode"].casefold())
                     for a in document.get("alignment") or ()
                     if isinstance(a.get("targetFramework"), str)
                     and isinstance(a.get("targetCode"), str))


def pathway_view(services: Services, record: PathwayRecord) -> dict[str, Any]:
    return {"id": record.id, "name": record.name,
            "targetAchievementId": achievement_id_url(services, record.target_achievement_id),
            "revision": record.revision, "rules": record.rules,
            "created": record.created.isoformat(), "updated": record.updated.isoformat()}


def _own_members(services: Services, session: Any, issuer: IssuerRecord,
                 rules_json: dict[str, Any]) -> None:
    """Own achievements named by uuid become their id URLs; an unknown one is a 404 naming
    the member. Members of other issuers (any other URL) stay as given."""
    prefix = achievement_id_url(services, "")

    def fix(member: dict[str, Any], field: str) -> None:
        reference = member.get("achievementId")
        if reference is None or (reference.startswith(("http://", "https://", "urn:", "did:"))
                                 and not reference.startswith(prefix)):
            return
        try:
            record = resolve_achievement(services, session, reference, issuer_id=issuer.id)
        except NotFound:
            raise NotFound(f"no achievement {reference!r} for this issuer",
                           field=f"{field}.achievementId") from None
        member["achievementId"] = achievement_id_url(services, record.id)

    for i, member in enumerate(rules_json.get("required", [])):
        fix(member, f"rules.required[{i}]")
    for i, group in enumerate(rules_json.get("electives", [])):
        for j, member in enumerate(group["members"]):
            fix(member, f"rules.electives[{i}].members[{j}]")
    for i, member in enumerate(rules_json.get("accept", [])):
        fix(member, f"rules.accept[{i}]")


def _member_achievements(session: Any, issuer: IssuerRecord, rules: Rules,
                         services: Services) -> list[str]:
    """The issuer's achievements whose credentials the rules count."""
    from vcissuer.store import AchievementRepository

    found, after = [], None
    repository = AchievementRepository(session)
    while True:
        page = repository.list(issuer_id=issuer.id, limit=1000, after=after)
        found += [a.id for a in page.items
                  if rules.involves(achievement_id_url(services, a.id),
                                    alignments_of(a.document))]
        if page.next_cursor is None:
            return found
        after = page.next_cursor


def _checked_rules(services: Services, session: Any, issuer: IssuerRecord,
                   target: AchievementRecord, body: PathwayRulesIn
                   ) -> tuple[dict[str, Any], list[str]]:
    """The rules as stored (own members as id URLs, the credit scheme stated) and the
    issuer's achievements they count; Rejected naming the field when they cannot be
    evaluated soundly or would count the target towards itself."""
    rules_json = body.wire()
    _own_members(services, session, issuer, rules_json)
    try:
        rules = parse_rules(rules_json, default_scheme=_scheme_of(target))
    except RuleError as error:
        raise Rejected("the pathway's rules cannot be evaluated",
                       errors=[FieldError(error.field, error.rule, error.message)]) from None
    rules_json["creditScheme"] = rules.credit_scheme
    target_url = achievement_id_url(services, target.id)
    if rules.involves(target_url, alignments_of(target.document)):
        raise Rejected("the qualification cannot count towards itself",
                       errors=[FieldError("targetAchievementId", "cycle",
                                          "the target achievement is a member of its own "
                                          "pathway")])
    return rules_json, _member_achievements(session, issuer, rules, services)


def create_pathway(services: Services, slug: str, body: PathwayIn, *,
                   caller: Caller) -> dict[str, Any]:
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        try:
            target = resolve_achievement(services, session, body.target_achievement_id,
                                         issuer_id=issuer.id)
        except NotFound:
            raise NotFound(f"no achievement {body.target_achievement_id!r} for this issuer",
                           field="targetAchievementId") from None
        problems = check_results(target.document, [],
                                 credits_earned=target.document.get("creditsAvailable"))
        if problems:  # the award issues the target with no results of an assessment
            raise Rejected("the target achievement cannot be awarded by a pathway: it asks for "
                           "assessed results",
                           errors=[FieldError("targetAchievementId", "results-required",
                                              "; ".join(p.message for p in problems))])
        rules_json, members = _checked_rules(services, session, issuer, target, body.rules)
        record = PathwayRepository(session, clock=services.clock).create(
            issuer_id=issuer.id, target_achievement_id=target.id,
            name=body.name or target.document.get("name", "qualification"),
            rules=rules_json, members=members)
        return pathway_view(services, record)


def update_pathway(services: Services, slug: str, pathway_id: str, body: PathwayPatch, *,
                   caller: Caller) -> dict[str, Any]:
    """New rules: the pathway's next revision. Awards already made keep theirs."""
    with services.db.session_scope() as session:
        issuer, record = own_pathway(services, session, slug, pathway_id, caller, MANAGE)
        target = resolve_achievement(services, session, record.target_achievement_id,
                                     issuer_id=issuer.id)
        rules_json, members = _checked_rules(services, session, issuer, target, body.rules)
        repository = PathwayRepository(session, clock=services.clock)
        if rules_json != record.rules or (body.name or record.name) != record.name:
            repository.revise(record, name=body.name or record.name, rules=rules_json,
                              members=members)
        view = pathway_view(services, record)
        view["revisions"] = [{"revision": r.revision, "created": r.created.isoformat()}
                             for r in repository.revisions(record.id)]
        return view


def flag_achievement(services: Services, session: Any, issuer_id: str,
                     record: AchievementRecord) -> None:
    """After an achievement is defined or revised: flag it when a pathway counts it (by an
    alignment code it now carries), so issuing it checks the learner's pathways."""
    pathways = PathwayRepository(session).all(issuer_id=issuer_id)
    if pathways and not record.in_pathway and any(
            rules_of(p).involves(achievement_id_url(services, record.id),
                               alignments_of(record.document)) for p in pathways):
        PathwayRepository(session).flag_members(issuer_id, [record.id])


def own_pathway(services: Services, session: Any, slug: str, pathway_id: str,
         caller: Caller | ApiToken, scope: str) -> tuple[IssuerRecord, PathwayRecord]:
    """The issuer's pathway, for a caller with ``scope`` (an API key as presented is checked
    here, in the flow's own transaction, as the issue path does)."""
    caller = authenticate(session, caller)
    issuer = load_issuer(services, session, slug)
    authorize(caller, issuer_id=issuer.id, scope=scope)
    record = PathwayRepository(session).get(pathway_id, issuer_id=issuer.id)
    if record is None:
        raise NotFound(f"no pathway {pathway_id} for this issuer")
    return issuer, record


def get_pathway(services: Services, slug: str, pathway_id: str, *,
                caller: Caller) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        return pathway_view(services, own_pathway(services, session, slug, pathway_id, caller,
                                           MANAGE)[1])


def list_pathways(services: Services, slug: str, *, caller: Caller, limit: int,
                  cursor: str | None) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        page = PathwayRepository(session).list(issuer_id=issuer.id, limit=limit, after=cursor)
        return {"items": [pathway_view(services, p) for p in page.items],
                "nextCursor": page.next_cursor}


# --- evaluation --------------------------------------------------------------------------

def _credential_json(fmt: str, signed: str) -> dict[str, Any] | None:
    try:
        if fmt == CredentialFormat.JWT:
            payload = signed.split(".")[1]
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            return data.get("vc", data) if isinstance(data, dict) else None
        return json.loads(signed)
    except (ValueError, IndexError, binascii.Error):
        return None


# What the rules read of a signed credential never changes (its state and expiry come from
# the row on every read): kept per process, by credential id, so a progress read parses only
# credentials it has not seen. Bounded: emptied when full.
_HELD: dict[str, Held] = {}
_HELD_MAX = 100_000


def _held(services: Services, repository: PathwayRepository, rows: Sequence[HeldRow],
          recognitions: Sequence[RecognitionRecord], *, exclude: str) -> list[Held]:
    rows = [row for row in rows if row.achievement_id != exclude]  # never counts for itself
    missing = [row.id for row in rows if row.id not in _HELD]
    if missing:
        if len(_HELD) + len(missing) > _HELD_MAX:
            _HELD.clear()
        for credential_id, (fmt, signed) in repository.signed(missing).items():
            credential = _credential_json(fmt, signed)
            if credential is not None:
                _HELD[credential_id] = held_from_credential(
                    credential, credential_id=f"{services.base_url}/credentials/{credential_id}")
    held = []
    for row in rows:
        found = _HELD.get(row.id)
        if found is not None:
            held.append(found if row.state == "active" and row.valid_until is None else
                        replace(found, state=row.state, valid_until=row.valid_until))
    seen: set[str] = set()
    for recognition in recognitions:  # newest first: a resubmission's report supersedes
        credential = recognition.report.get("credential")
        if not isinstance(credential, dict):
            continue
        key = credential.get("id") if isinstance(credential.get("id"), str) else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        state = ("revoked" if recognition.report.get("revoked") else
                 "suspended" if recognition.report.get("suspended") else
                 "active" if recognition.verified else "not-verified")
        held.append(held_from_credential(credential, credential_id=recognition_id(recognition),
                                         state=state, external=True))
    return held


def recognition_id(recognition: RecognitionRecord) -> str:
    return f"urn:uuid:{recognition.id}"


def evaluate_for(services: Services, session: Any, issuer: IssuerRecord, pathway: PathwayRecord,
              hashes: Sequence[str]) -> Evaluation:
    repository = PathwayRepository(session)
    rows = repository.held(issuer_id=issuer.id, hashes=hashes, limit=MAX_PATHWAY_CREDENTIALS)
    rules = rules_of(pathway)
    recognitions = repository.recognitions(pathway.id, hashes, limit=MAX_PATHWAY_CREDENTIALS) \
        if rules.recognise else []
    held = _held(services, repository, rows, recognitions,
                 exclude=pathway.target_achievement_id)
    return evaluate(rules, held, at=services.clock())


def award_view(services: Services, session: Any, award: AwardRecord) -> dict[str, Any]:
    events = PathwayRepository(session).events(award.id)
    states = {}
    own = [c.rsplit("/", 1)[-1] for c in award.constituents
           if c.startswith(f"{services.base_url}/credentials/")]
    if own:
        repository = CredentialRepository(session)
        for credential_id in own:
            found = repository.get(credential_id, issuer_id=award.issuer_id)
            if found is not None:
                states[f"{services.base_url}/credentials/{credential_id}"] = str(found.state)
    return {
        "id": award.id, "pathwayId": award.pathway_id, "state": award.state,
        "credentialId": award.credential_id,
        "credential": f"{services.base_url}/credentials/{award.credential_id}",
        "clrCredentialId": award.clr_credential_id,
        # h-qual: the learner's CLR 2.0 record of the award (issuance/award_records.py)
        "clrCredential": f"{services.base_url}/credentials/{award.clr_credential_id}"
        if award.clr_credential_id else None,
        "pathwayRevision": award.pathway_revision,
        "constituents": [{"credential": c, "state": states.get(c, "recognised")}
                         for c in award.constituents],
        "evaluation": award.evaluation,
        "events": [{"kind": e.kind, "credential": e.credential_id, "at": e.at.isoformat(),
                    "actor": e.actor, "reason": e.reason, "details": e.details}
                   for e in events],
        "created": award.created.isoformat(), "updated": award.updated.isoformat(),
    }


def award_of(services: Services, session: Any, pathway: PathwayRecord,
              hashes: Sequence[str], evaluation: Evaluation | None) -> AwardRecord | None:
    """The learner's award: by any of their lookup hashes, else one that counts a credential
    the learner holds now (the same learner named by another identifier)."""
    repository = PathwayRepository(session)
    found = repository.award_for(pathway.id, hashes)
    if found is None and evaluation is not None:
        prefix = f"{services.base_url}/credentials/"
        own = [c.removeprefix(prefix) for c in evaluation.constituents if c.startswith(prefix)]
        found = next(iter(repository.awards_holding(pathway.id, own)), None)
    return found


def progress(services: Services, slug: str, pathway_id: str, learner: str, *,
             caller: Caller | ApiToken) -> dict[str, Any]:
    """Which credentials count, credits per rule, what is missing, what was set aside and
    why, and the award (with its events) when there is one."""
    hashes = (lookup_hash_for(learner, lookup=services.lookup),)
    with services.db.session_scope(read_only=True) as session:
        known = authenticate(session, caller)
        issuer, pathway = own_pathway(services, session, slug, pathway_id, known, ISSUE)
        evaluation = evaluate_for(services, session, issuer, pathway, hashes)
        found = award_of(services, session, pathway, hashes, evaluation)
        view = {"pathway": pathway_view(services, pathway), **evaluation.to_json(),
                "award": award_view(services, session, found) if found else None}
    note_use(services, known)
    return view
