"""Qualification pathways: define them, show a learner's progress, award the qualification
(on demand, and after every issue of a credential a pathway counts), recognise prior learning
from other providers, and let the issuer decide when a constituent is later revoked.

The rules live in the core (:mod:`vcissuer.pathways`); this module reads the learner's
credentials (by recipient lookup hash, as ``?recipient=`` does) and recognitions from the
store, and issues the qualification through the normal issue flow, so it is an OB 3.0
AchievementCredential like any other, whose ``evidence`` names every credential that counted.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from vcissuer.issuance.access import ISSUE, MANAGE, REVOKE, Caller, authorize
from vcissuer.issuance.achievements import achievement_id_url, resolve_achievement
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Conflict, FieldError, IssuanceError, NotFound, Rejected
from vcissuer.issuance.issuers import load_issuer
from vcissuer.issuance.recipients import lookup_hash_for, lookup_hashes
from vcissuer.issuance.schemas import (
    AssessmentIn,
    AwardDecisionIn,
    AwardIn,
    PathwayIn,
    RecipientIn,
    RecognitionIn,
)
from vcissuer.limits import MAX_PATHWAY_CREDENTIALS
from vcissuer.pathways import (
    Evaluation,
    Held,
    RuleError,
    Rules,
    display,
    evaluate,
    held_from_credential,
    parse_rules,
)
from vcissuer.store import (
    AchievementRecord,
    AuditRepository,
    CredentialFormat,
    CredentialRecord,
    CredentialRepository,
    DuplicateError,
    IssuerRecord,
    StatusAction,
)
from vcissuer.store.pathways import (
    AwardRecord,
    AwardState,
    PathwayRecord,
    PathwayRepository,
    RecognitionRecord,
)
from vcissuer.verify import Verifier

__all__ = [
    "after_issue",
    "award",
    "create_pathway",
    "decide",
    "get_award",
    "get_pathway",
    "list_pathways",
    "progress",
    "recognise",
]

log = logging.getLogger("vcissuer.pathways")
CREDIT_SCHEME_TYPE = "ext:CreditScheme"
# Awards issue the qualification, which may itself count in a pathway (a PgCert towards an
# MSc): this many levels of stacking at most per issue.
MAX_STACKING = 3


# --- definitions -------------------------------------------------------------------------

_RULES: dict[tuple[str, int], Rules] = {}  # (pathway id, revision) -> parsed (immutable)


def _rules(pathway: PathwayRecord) -> Rules:
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


def _alignments(document: dict[str, Any]) -> frozenset[tuple[str, str]]:
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
                                    _alignments(a.document))]
        if page.next_cursor is None:
            return found
        after = page.next_cursor


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
        rules_json = body.rules.wire()
        _own_members(services, session, issuer, rules_json)
        try:
            rules = parse_rules(rules_json, default_scheme=_scheme_of(target))
        except RuleError as error:
            raise Rejected("the pathway's rules cannot be evaluated",
                           errors=[FieldError(error.field, error.rule, error.message)]) from None
        rules_json["creditScheme"] = rules.credit_scheme
        target_url = achievement_id_url(services, target.id)
        if rules.involves(target_url, _alignments(target.document)):
            raise Rejected("the qualification cannot count towards itself",
                           errors=[FieldError("targetAchievementId", "cycle",
                                              "the target achievement is a member of its own "
                                              "pathway")])
        members = _member_achievements(session, issuer, rules, services)
        record = PathwayRepository(session, clock=services.clock).create(
            issuer_id=issuer.id, target_achievement_id=target.id,
            name=body.name or target.document.get("name", "qualification"),
            rules=rules_json, members=members)
        return pathway_view(services, record)


def flag_achievement(services: Services, session: Any, issuer_id: str,
                     record: AchievementRecord) -> None:
    """After an achievement is defined or revised: flag it when a pathway counts it (by an
    alignment code it now carries), so issuing it checks the learner's pathways."""
    pathways = PathwayRepository(session).all(issuer_id=issuer_id)
    if pathways and not record.in_pathway and any(
            _rules(p).involves(achievement_id_url(services, record.id),
                               _alignments(record.document)) for p in pathways):
        PathwayRepository(session).flag_members(issuer_id, [record.id])


def _own(services: Services, session: Any, slug: str, pathway_id: str, caller: Caller,
         scope: str) -> tuple[IssuerRecord, PathwayRecord]:
    issuer = load_issuer(services, session, slug)
    authorize(caller, issuer_id=issuer.id, scope=scope)
    record = PathwayRepository(session).get(pathway_id, issuer_id=issuer.id)
    if record is None:
        raise NotFound(f"no pathway {pathway_id} for this issuer")
    return issuer, record


def get_pathway(services: Services, slug: str, pathway_id: str, *,
                caller: Caller) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        return pathway_view(services, _own(services, session, slug, pathway_id, caller,
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

def _credential_json(record: CredentialRecord) -> dict[str, Any] | None:
    try:
        if record.format == CredentialFormat.JWT:
            payload = record.signed.split(".")[1]
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            return data.get("vc", data) if isinstance(data, dict) else None
        return json.loads(record.signed)
    except (ValueError, IndexError, binascii.Error):
        return None


def _held(services: Services, records: Sequence[CredentialRecord],
          recognitions: Sequence[RecognitionRecord], *, exclude: str) -> list[Held]:
    held = []
    for record in records:
        if record.achievement_id == exclude:
            continue  # the qualification never counts towards itself
        credential = _credential_json(record)
        if credential is None:
            continue
        held.append(held_from_credential(
            credential, credential_id=f"{services.base_url}/credentials/{record.id}",
            state=str(record.state), valid_until=record.valid_until))
    for recognition in recognitions:
        credential = recognition.report.get("credential")
        if not isinstance(credential, dict):
            continue
        state = ("revoked" if recognition.report.get("revoked") else
                 "suspended" if recognition.report.get("suspended") else
                 "active" if recognition.verified else "not-verified")
        held.append(held_from_credential(credential, credential_id=_recognition_id(recognition),
                                         state=state, external=True))
    return held


def _recognition_id(recognition: RecognitionRecord) -> str:
    return f"urn:uuid:{recognition.id}"


def _evaluate(services: Services, session: Any, issuer: IssuerRecord, pathway: PathwayRecord,
              hashes: Sequence[str]) -> Evaluation:
    repository = PathwayRepository(session)
    records = repository.held(issuer_id=issuer.id, hashes=hashes,
                              limit=MAX_PATHWAY_CREDENTIALS)
    rules = _rules(pathway)
    recognitions = repository.recognitions(pathway.id, hashes, limit=MAX_PATHWAY_CREDENTIALS) \
        if rules.recognise else []
    held = _held(services, records, recognitions, exclude=pathway.target_achievement_id)
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


def progress(services: Services, slug: str, pathway_id: str, learner: str, *,
             caller: Caller) -> dict[str, Any]:
    """Which credentials count, credits per rule, what is missing, what was set aside and
    why, and the award (with its events) when there is one."""
    hashes = (lookup_hash_for(learner, lookup=services.lookup),)
    with services.db.session_scope(read_only=True) as session:
        issuer, pathway = _own(services, session, slug, pathway_id, caller, ISSUE)
        evaluation = _evaluate(services, session, issuer, pathway, hashes)
        found = PathwayRepository(session).award_for(pathway.id, hashes)
        return {"pathway": pathway_view(services, pathway), **evaluation.to_json(),
                "award": award_view(services, session, found) if found else None}


# --- awards ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AwardOutcome:
    view: dict[str, Any]
    created: bool


def _evidence(evaluation: Evaluation) -> list[dict[str, Any]]:
    evidence = []
    for held, rule, credits in evaluation.counted:
        item: dict[str, Any] = {
            "name": (held.name or "credential")[:500],
            "narrative": f"Counted for {rule}: {display(credits):g} "
                         f"{evaluation.rules.credit_scheme} credits"
                         + (" (recognised prior learning from another provider)"
                            if held.external else "")}
        if held.id.startswith(("https://", "http://")):
            item["id"] = held.id
        elif held.external:
            item["description"] = f"Recognition {held.id} of a credential by {held.issuer}"
        evidence.append(item)
    return evidence


def _issue_qualification(services: Services, slug: str, pathway: PathwayRecord,
                         target: AchievementRecord, recipient: RecipientIn,
                         evaluation: Evaluation, caller: Caller, reference: str,
                         depth: int) -> CredentialRecord:
    from vcissuer.issuance.credentials import issue_one

    credits = target.document.get("creditsAvailable")
    assessment = AssessmentIn(
        achievement_id=target.id, recipient=recipient, results=[],
        credits_earned=credits, evidence=_evidence(evaluation),  # type: ignore[arg-type]
        assessment_ref=reference)
    return issue_one(services, slug, assessment, caller=caller, depth=depth + 1).record


def _grant(services: Services, slug: str, pathway: PathwayRecord, recipient: RecipientIn,
           hashes: Sequence[str], evaluation: Evaluation, caller: Caller,
           depth: int = 0) -> AwardOutcome:
    with services.db.session_scope(read_only=True) as session:
        target = resolve_achievement(services, session, pathway.target_achievement_id,
                                     issuer_id=pathway.issuer_id)
    reference = f"pathway:{pathway.id}:{hashes[0]}"
    try:
        credential = _issue_qualification(services, slug, pathway, target, recipient,
                                          evaluation, caller, reference, depth)
    except Conflict as error:
        # Issued already for this learner with another evaluation (a concurrent award): the
        # award recorded with it stands.
        with services.db.session_scope(read_only=True) as session:
            found = PathwayRepository(session).award_for(pathway.id, hashes)
            if found is not None:
                return AwardOutcome(award_view(services, session, found), created=False)
        raise error
    prefix = f"{services.base_url}/credentials/"
    constituents = evaluation.constituents
    own = [c.removeprefix(prefix) for c in constituents if c.startswith(prefix)]
    with services.db.session_scope() as session:
        repository = PathwayRepository(session, clock=services.clock)
        try:
            record = repository.insert_award(
                pathway=pathway, learner_hash=hashes[0], credential_id=credential.id, own=own,
                constituents=constituents, evaluation=evaluation.to_json())
        except DuplicateError:
            record = None
        else:
            AuditRepository(session, clock=services.clock).record(
                issuer_id=pathway.issuer_id, actor=caller.client_id, action="pathway.award",
                subject=record.id, details={"pathway": pathway.id,
                                            "credential": credential.id,
                                            "constituents": constituents})
            return AwardOutcome(award_view(services, session, record), created=True)
    with services.db.session_scope(read_only=True) as session:  # a concurrent award won
        found = PathwayRepository(session).award_for(pathway.id, hashes)
        if found is None:
            raise Conflict("the award was recorded concurrently and then not found")
        return AwardOutcome(award_view(services, session, found), created=False)


def award(services: Services, slug: str, pathway_id: str, body: AwardIn, *,
          caller: Caller) -> AwardOutcome:
    """Award the qualification when the learner meets the pathway; the award already made
    when there is one (idempotent per pathway and learner)."""
    hashes = lookup_hashes(body.recipient.wire(), lookup=services.lookup)
    with services.db.session_scope(read_only=True) as session:
        issuer, pathway = _own(services, session, slug, pathway_id, caller, ISSUE)
        found = PathwayRepository(session).award_for(pathway.id, hashes)
        if found is not None:
            outcome = AwardOutcome(award_view(services, session, found), created=False)
            return _with_record(services, slug, pathway, body.recipient, outcome)
        evaluation = _evaluate(services, session, issuer, pathway, hashes)
    if not evaluation.met:
        raise Conflict("the learner does not meet the pathway (yet)",
                       errors=[FieldError("recipient", m["rule"], m["message"])
                               for m in evaluation.missing],
                       evaluation=evaluation.to_json())
    return _with_record(services, slug, pathway, body.recipient,
                        _grant(services, slug, pathway, body.recipient, hashes, evaluation,
                               caller))


def _with_record(services: Services, slug: str, pathway: PathwayRecord,
                 recipient: RecipientIn, outcome: AwardOutcome) -> AwardOutcome:
    """h-qual: the award with its CLR 2.0 record, issued now when it has none yet (one per
    award and qualification: a retried or racing award finds the same one)."""
    from vcissuer.issuance.award_records import issue_award_clr  # it imports the issue flow

    if outcome.view["clrCredentialId"] is not None or outcome.view["state"] == "revoked":
        return outcome
    if issue_award_clr(services, slug, pathway, outcome.view["id"], recipient) is None:
        return outcome
    with services.db.session_scope(read_only=True) as session:
        found = PathwayRepository(session).award(outcome.view["id"], pathway_id=pathway.id)
        assert found is not None
        return AwardOutcome(award_view(services, session, found), created=outcome.created)


def after_issue(services: Services, slug: str, issuer: IssuerRecord,
                issued: Sequence[tuple[AssessmentIn, AchievementRecord]], *, caller: Caller,
                depth: int = 0) -> None:
    """After credentials of pathway members were issued: award every pathway of theirs that
    each learner now meets. Never fails the issue that called it (an error is logged; the
    award can still be made on demand)."""
    if depth >= MAX_STACKING:
        return
    try:
        with services.db.session_scope(read_only=True) as session:
            pathways = PathwayRepository(session).all(issuer_id=issuer.id)
        learners: dict[tuple[str, ...], tuple[RecipientIn, set[str]]] = {}
        for assessment, achievement in issued:
            hashes = lookup_hashes(assessment.recipient.wire(), lookup=services.lookup)
            url = achievement_id_url(services, achievement.id)
            alignments = _alignments(achievement.document)
            involved = {p.id for p in pathways if _rules(p).involves(url, alignments)}
            learners.setdefault(hashes, (assessment.recipient, set()))[1].update(involved)
        for hashes, (recipient, involved) in learners.items():
            for pathway in pathways:
                if pathway.id in involved:
                    _award_if_met(services, slug, issuer, pathway, recipient, hashes, caller,
                                  depth)
    except IssuanceError as error:
        log.warning("pathway award after issue failed: %s", error.message)
    except Exception:
        log.exception("pathway award after issue failed")


def _award_if_met(services: Services, slug: str, issuer: IssuerRecord, pathway: PathwayRecord,
                  recipient: RecipientIn, hashes: Sequence[str], caller: Caller,
                  depth: int) -> None:
    with services.db.session_scope(read_only=True) as session:
        if PathwayRepository(session).award_for(pathway.id, hashes) is not None:
            return
        evaluation = _evaluate(services, session, issuer, pathway, hashes)
    if evaluation.met:
        _with_record(services, slug, pathway, recipient,
                     _grant(services, slug, pathway, recipient, hashes, evaluation, caller,
                            depth))


def get_award(services: Services, slug: str, pathway_id: str, award_id: str, *,
              caller: Caller) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        _, pathway = _own(services, session, slug, pathway_id, caller, ISSUE)
        found = PathwayRepository(session).award(award_id, pathway_id=pathway.id)
        if found is None:
            raise NotFound(f"no award {award_id} of this pathway")
        return award_view(services, session, found)


def decide(services: Services, slug: str, pathway_id: str, award_id: str,
           body: AwardDecisionIn, *, caller: Caller) -> dict[str, Any]:
    """The issuer's decision on an award: keep it, revoke the qualification, or re-award it
    on a new evaluation (a new qualification credential; the old one is revoked). Audited."""
    if body.decision == "re-award":
        return _reaward(services, slug, pathway_id, award_id, body, caller=caller)
    with services.db.session_scope() as session:
        issuer, pathway = _own(services, session, slug, pathway_id, caller, REVOKE)
        repository = PathwayRepository(session, clock=services.clock)
        found = repository.award(award_id, pathway_id=pathway.id)
        if found is None:
            raise NotFound(f"no award {award_id} of this pathway")
        if found.state == AwardState.REVOKED:
            raise Conflict("the award is revoked: that is final")
        if body.decision == "revoke":
            CredentialRepository(session, clock=services.clock).change_state(
                [found.credential_id, *([found.clr_credential_id]  # h-qual: and its record
                                        if found.clr_credential_id else [])],
                issuer_id=issuer.id, action=StatusAction.REVOKE,
                actor=caller.client_id, reason=body.reason,
                details={"pathwayAward": found.id})
            repository.set_state(found, AwardState.REVOKED)
        else:
            repository.set_state(found, AwardState.AWARDED)
        kind = "kept" if body.decision == "keep" else "revoked"
        repository.add_event(found, kind=kind, actor=caller.client_id, reason=body.reason)
        AuditRepository(session, clock=services.clock).record(
            issuer_id=issuer.id, actor=caller.client_id, action=f"pathway.award.{kind}",
            subject=found.id, reason=body.reason, details={"pathway": pathway.id})
        return award_view(services, session, found)


def _reaward(services: Services, slug: str, pathway_id: str, award_id: str,
             body: AwardDecisionIn, *, caller: Caller) -> dict[str, Any]:
    if body.recipient is None:
        raise Rejected("re-awarding needs the recipient",
                       errors=[FieldError("recipient", "missing",
                                          "give the learner as the new credential names them")])
    hashes = lookup_hashes(body.recipient.wire(), lookup=services.lookup)
    with services.db.session_scope(read_only=True) as session:
        issuer, pathway = _own(services, session, slug, pathway_id, caller, REVOKE)
        found = PathwayRepository(session).award(award_id, pathway_id=pathway.id)
        if found is None:
            raise NotFound(f"no award {award_id} of this pathway")
        if found.state == AwardState.REVOKED:
            raise Conflict("the award is revoked: that is final")
        if found.learner_hash not in hashes:
            raise Rejected("the recipient is not the learner of this award",
                           errors=[FieldError("recipient", "learner",
                                              "none of the recipient's identifiers is the "
                                              "award's learner")])
        evaluation = _evaluate(services, session, issuer, pathway, hashes)
        target = resolve_achievement(services, session, pathway.target_achievement_id,
                                     issuer_id=issuer.id)
        times = sum(e.kind == "re-awarded" for e in PathwayRepository(session).events(found.id))
    if not evaluation.met:
        raise Conflict("the learner no longer meets the pathway: keep or revoke the award",
                       errors=[FieldError("recipient", m["rule"], m["message"])
                               for m in evaluation.missing],
                       evaluation=evaluation.to_json())
    credential = _issue_qualification(
        services, slug, pathway, target, body.recipient, evaluation, caller,
        f"pathway:{pathway.id}:{found.learner_hash}:{times + 1}", MAX_STACKING)
    prefix = f"{services.base_url}/credentials/"
    with services.db.session_scope() as session:
        repository = PathwayRepository(session, clock=services.clock)
        record = repository.award(award_id, pathway_id=pathway.id)
        assert record is not None
        previous = record.credential_id
        # h-qual: the old record (it embeds the old qualification) goes with it.
        previous_clr, record.clr_credential_id = record.clr_credential_id, None
        CredentialRepository(session, clock=services.clock).change_state(
            [previous, *([previous_clr] if previous_clr else [])], issuer_id=issuer.id,
            action=StatusAction.REVOKE, actor=caller.client_id,
            reason=body.reason or "re-awarded on a new evaluation",
            details={"pathwayAward": record.id, "replacedBy": credential.id})
        repository.reaward(record, pathway=pathway, credential_id=credential.id,
                           own=[c.removeprefix(prefix) for c in evaluation.constituents
                                if c.startswith(prefix)],
                           constituents=evaluation.constituents,
                           evaluation=evaluation.to_json())
        repository.add_event(record, kind="re-awarded", actor=caller.client_id,
                             reason=body.reason, details={"previous": previous,
                                                          "credential": credential.id})
        AuditRepository(session, clock=services.clock).record(
            issuer_id=issuer.id, actor=caller.client_id, action="pathway.award.re-awarded",
            subject=record.id, reason=body.reason,
            details={"pathway": pathway.id, "previous": previous, "credential": credential.id})
        view = award_view(services, session, record)
    return _with_record(services, slug, pathway, body.recipient,
                        AwardOutcome(view, created=False)).view


# --- recognition of prior learning -------------------------------------------------------

def _recognition_target(services: Services, slug: str, pathway_id: str,
                        caller: Caller) -> tuple[IssuerRecord, PathwayRecord]:
    with services.db.session_scope(read_only=True) as session:
        return _own(services, session, slug, pathway_id, caller, ISSUE)


def _store_recognition(services: Services, issuer: IssuerRecord, pathway: PathwayRecord,
                       body: RecognitionIn, report: Any) -> dict[str, Any]:
    learner_hash = lookup_hash_for(body.learner, lookup=services.lookup)
    credential = report.credential if isinstance(report.credential, dict) else None
    held = held_from_credential(credential or {}, credential_id="(submitted)", external=True)
    rules = _rules(pathway)
    report_json = report.to_json(include_credential=True)
    if held.issuer == issuer.did:
        raise Rejected("a credential of this issuer counts directly, not as prior learning",
                       errors=[FieldError("credential", "own-issuer",
                                          "the credential's issuer is this issuer")])
    if not report.verified:
        reason = "not verified: " + ("; ".join(report_json["errors"]) or report_json["verdict"])
    elif not rules.recognised(held.issuer, held.achievement_id, held.alignments):
        reason = "the pathway does not recognise this issuer's achievement"
    else:
        reason = None
    text = body.credential if isinstance(body.credential, str) else json.dumps(
        body.credential, ensure_ascii=False, separators=(",", ":"))
    with services.db.session_scope() as session:
        record = PathwayRepository(session, clock=services.clock).add_recognition(
            RecognitionRecord(pathway_id=pathway.id, issuer_id=issuer.id,
                              learner_hash=learner_hash, credential=text,
                              credential_issuer=held.issuer or None,
                              achievement_id=held.achievement_id, verified=report.verified,
                              report=report_json))
        evaluation = _evaluate(services, session, issuer, pathway, (learner_hash,))
    counted = next((c for c in evaluation.to_json()["counted"]
                    if c["credential"] == _recognition_id(record)), None)
    aside = next((s for s in evaluation.set_aside if s.credential == _recognition_id(record)),
                 None)
    return {"id": record.id, "credential": _recognition_id(record),
            "verified": report.verified, "counts": counted is not None,
            "reason": reason or (aside.message if aside else None),
            "report": {k: v for k, v in report_json.items() if k != "credential"},
            "progress": evaluation.to_json()}


async def recognise(services: Services, verifier: Verifier, slug: str, pathway_id: str,
                    body: RecognitionIn, *, caller: Caller) -> dict[str, Any]:
    """Verify another provider's credential with the verification pipeline (signature,
    issuer key, status, validity) and keep it, with the report, for the learner: it counts
    only when verified, recognised by the pathway, and within the external-credit cap."""
    issuer, pathway = await anyio.to_thread.run_sync(_recognition_target, services, slug,
                                                     pathway_id, caller)
    report = await verifier.verify_credential(body.credential)
    return await anyio.to_thread.run_sync(_store_recognition, services, issuer, pathway, body,
                                          report)
