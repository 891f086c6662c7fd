"""Awards of qualification pathways: after every issue of a credential a pathway counts (and
on demand), the target achievement is issued to the learner through the normal issue flow,
an OB 3.0 AchievementCredential whose ``evidence`` names every credential that counted; one
award per pathway and learner (the database decides); the issuer decides (keep, revoke,
re-award) when a constituent is later revoked or suspended.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vcissuer.issuance.access import ISSUE, REVOKE, Caller
from vcissuer.issuance.achievements import achievement_id_url, resolve_achievement
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import Conflict, FieldError, IssuanceError, NotFound, Rejected
from vcissuer.issuance.pathways import (
    alignments_of,
    award_of,
    award_view,
    evaluate_for,
    own_pathway,
    rules_of,
)
from vcissuer.issuance.recipients import lookup_hashes
from vcissuer.issuance.schemas import AssessmentIn, AwardDecisionIn, AwardIn, RecipientIn
from vcissuer.pathways import Evaluation, display
from vcissuer.store import (
    AchievementRecord,
    AuditRepository,
    CredentialRecord,
    CredentialRepository,
    DuplicateError,
    IssuerRecord,
    StatusAction,
)
from vcissuer.store.pathways import AwardState, PathwayRecord, PathwayRepository

__all__ = ["AwardOutcome", "after_issue", "award", "decide", "get_award"]

log = logging.getLogger("vcissuer.pathways")
# Awards issue the qualification, which may itself count in a pathway (a PgCert towards an
# MSc): this many levels of stacking at most per issue.
MAX_STACKING = 3


@dataclass(frozen=True, slots=True)
class AwardOutcome:
    view: dict[str, Any]
    created: bool


def _evidence(evaluation: Evaluation) -> list[dict[str, Any]]:
    evidence = []
    for held, rule, credits in evaluation.counted:
        item: dict[str, Any] = {
            "name": (held.name or "credential")[:500],
            "narrative": f"Counted for {evaluation.rule_label(rule)}: {display(credits):g} "
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
            # The learner's CLR 2.0 record of the award is issued afterwards, outside this
            # transaction (issuance/award_records.py; stored by store.progress_links.set_award_clr).
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
        issuer, pathway = own_pathway(services, session, slug, pathway_id, caller, ISSUE)
        evaluation = evaluate_for(services, session, issuer, pathway, hashes)
        found = award_of(services, session, pathway, hashes, evaluation)
        if found is not None:
            outcome = AwardOutcome(award_view(services, session, found), created=False)
            return _with_record(services, slug, pathway, body.recipient, outcome)
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

    if outcome.view["clrCredentialId"] is not None or outcome.view["state"] != "awarded":
        return outcome  # has one, or waits for the issuer's decision (or was revoked)
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
            alignments = alignments_of(achievement.document)
            involved = {p.id for p in pathways if rules_of(p).involves(url, alignments)}
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
        evaluation = evaluate_for(services, session, issuer, pathway, hashes)
        if evaluation.met and award_of(services, session, pathway, (), evaluation):
            return  # awarded to this learner under another identifier
    if evaluation.met:
        _with_record(services, slug, pathway, recipient,
                     _grant(services, slug, pathway, recipient, hashes, evaluation, caller,
                            depth))


def get_award(services: Services, slug: str, pathway_id: str, award_id: str, *,
              caller: Caller) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        _, pathway = own_pathway(services, session, slug, pathway_id, caller, ISSUE)
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
        issuer, pathway = own_pathway(services, session, slug, pathway_id, caller, REVOKE)
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
        issuer, pathway = own_pathway(services, session, slug, pathway_id, caller, REVOKE)
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
        evaluation = evaluate_for(services, session, issuer, pathway, hashes)
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
