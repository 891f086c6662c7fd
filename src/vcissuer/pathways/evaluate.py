"""Evaluate a learner's credentials against a pathway's rules: complete, exact, bounded.

Each credential is first checked on its own (revoked, suspended, expired, too old, credits in
a scheme that converts, level, in the pathway at all); the rest are *candidates*. Then a
depth-first search looks for an assignment of candidates to rules: each required achievement
gets exactly one credential, each credential counts at most once (in one required slot, one
elective group, or towards the totals only), at most one credential of an achievement counts,
and credits from other providers stay within the cap. Every candidate's choices are tried,
except two that can never be better than another choice (a credential that fits an elective
group is never left "totals only": group counts only grow; an own credential with no rival of
its achievement is never left out: nothing has an upper bound but the external cap), and a
branch is cut only when even counting every remaining candidate could not meet a rule. So if
any assignment meets every rule, the search finds one. It stops after
:data:`vcissuer.limits.MAX_PATHWAY_SEARCH_STEPS` steps and then reports the evaluation
undecided (never met); only the newest :data:`vcissuer.limits.MAX_PATHWAY_CREDENTIALS`
credentials are considered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from vcissuer.limits import MAX_PATHWAY_CREDENTIALS, MAX_PATHWAY_SEARCH_STEPS
from vcissuer.pathways.credits import CreditError, convert, display, scheme_of
from vcissuer.pathways.levels import meets_level
from vcissuer.pathways.rules import Rules

__all__ = ["Evaluation", "Held", "SetAside", "evaluate"]

REVOKED, SUSPENDED, EXPIRED = "revoked", "suspended", "expired"
TOO_OLD, WRONG_LEVEL, WRONG_SCHEME = "too-old", "wrong-level", "wrong-scheme"
OVER_CAP, NOT_IN_PATHWAY, DUPLICATE, OVER_LIMIT = (
    "over-external-cap", "not-in-pathway", "duplicate", "over-limit")
UNVERIFIED = "not-verified"


@dataclass(frozen=True, slots=True)
class Held:
    """One credential the learner holds, as the rules see it."""

    id: str
    achievement_id: str | None = None
    issuer: str = ""
    name: str | None = None
    state: str = "active"  # active | suspended | revoked | not-verified (external)
    earned: datetime | None = None
    valid_until: datetime | None = None
    credits: Fraction | None = None
    credit_scheme: str | None = None
    levels: tuple[tuple[str, int], ...] = ()
    alignments: frozenset[tuple[str, str]] = frozenset()
    external: bool = False  # from another provider (a recognition of prior learning)


@dataclass(frozen=True, slots=True)
class SetAside:
    credential: str
    reason: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"credential": self.credential, "reason": self.reason, "message": self.message}


@dataclass(slots=True)
class _Candidate:
    held: Held
    credits: Fraction
    level_ok: tuple[bool, ...]
    required: tuple[int, ...]
    groups: tuple[int, ...]
    rival: bool = False  # another candidate has the same achievement


_FREE, _OUT = ("free", -1), ("out", -1)


@dataclass
class Evaluation:
    """The outcome: whether the rules are met, what counts for which rule, what is missing,
    and what was set aside and why."""

    rules: Rules
    met: bool
    decided: bool
    counted: list[tuple[Held, str, Fraction]] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    per_rule: dict[str, Any] = field(default_factory=dict)

    @property
    def constituents(self) -> list[str]:
        return [held.id for held, _, _ in self.counted]

    def rule_label(self, rule: str) -> str:
        """A rule key of :attr:`counted` in words."""
        if rule.startswith("electives["):
            return f"elective group {self.rules.electives[int(rule[10:-1])].name!r}"
        if rule.startswith("required["):
            return "a required achievement"
        return "the credit total"

    def to_json(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "decided": self.decided,
            "creditScheme": self.rules.credit_scheme,
            "counted": [{"credential": held.id, "name": held.name,
                         "achievementId": held.achievement_id, "rule": rule,
                         "ruleLabel": self.rule_label(rule),
                         "credits": display(credits), "external": held.external}
                        for held, rule, credits in self.counted],
            "credits": self.per_rule,
            "missing": self.missing,
            "setAside": [s.to_json() for s in self.set_aside],
        }


def _years_before(at: datetime, years: int) -> datetime:
    try:
        return at.replace(year=at.year - years)
    except ValueError:  # 29 February
        return at.replace(year=at.year - years, day=28)


def _screen(rules: Rules, held: Held, at: datetime,
            cutoff: datetime | None) -> tuple[_Candidate | None, SetAside | None]:
    """A credential on its own: a candidate, or why it is set aside."""
    def aside(reason: str, message: str) -> tuple[None, SetAside]:
        return None, SetAside(held.id, reason, message)

    if held.state in (REVOKED, SUSPENDED, UNVERIFIED):
        return aside(held.state, f"the credential is {held.state.replace('-', ' ')}")
    if held.valid_until is not None and held.valid_until <= at:
        return aside(EXPIRED, f"the credential expired on {held.valid_until.isoformat()}")
    if held.external:
        if not rules.recognised(held.issuer, held.achievement_id, held.alignments):
            return aside(NOT_IN_PATHWAY, "the pathway does not recognise this issuer's "
                                         "achievement")
    elif not rules.involves(held.achievement_id, held.alignments):
        return aside(NOT_IN_PATHWAY, "the achievement is not part of this pathway")
    if cutoff is not None and (held.earned is None or held.earned < cutoff):
        return aside(TOO_OLD, f"earned before {cutoff.date().isoformat()} (the pathway "
                              f"counts the last {rules.recency_years} years)")
    credits = Fraction(0)
    if held.credits:
        scheme = scheme_of(held.credit_scheme) if held.credit_scheme else None
        if scheme is None:
            return aside(WRONG_SCHEME, f"credits in {held.credit_scheme or 'no stated scheme'}"
                                       f" do not convert to {rules.credit_scheme}")
        try:
            credits = convert(held.credits, scheme, rules.credit_scheme)
        except CreditError as error:
            return aside(WRONG_SCHEME, str(error))
    if rules.minimum_level is not None:
        floor = rules.minimum_level
        verdict = meets_level(held.levels, floor.framework, floor.level)
        if not verdict:
            return aside(WRONG_LEVEL, (
                f"below {floor.framework} level {floor.level}" if verdict is False else
                f"no level that compares with {floor.framework} (stated: "
                f"{', '.join(f'{f} {n}' for f, n in held.levels) or 'none'})"))
    level_ok = tuple(bool(meets_level(held.levels, rule.framework, rule.level))
                     for rule in rules.levels)
    required = tuple(i for i, m in enumerate(rules.required)
                     if m.matches(held.achievement_id, held.alignments))
    groups = tuple(i for i, g in enumerate(rules.electives)
                   if any(m.matches(held.achievement_id, held.alignments) for m in g.members))
    return _Candidate(held, credits, level_ok, required, groups), None


class _Exhausted(Exception):  # noqa: N818
    pass


class _Search:
    """The depth-first search over candidates (module docstring)."""

    def __init__(self, rules: Rules, candidates: list[_Candidate], budget: int) -> None:
        self.rules, self.cands, self.budget = rules, candidates, budget
        n, levels, groups = len(candidates), len(rules.levels), len(rules.electives)
        self.cap = rules.max_external_credits
        self.choice: list[tuple[str, int]] = [_OUT] * n
        self.filled: list[int | None] = [None] * len(rules.required)
        self.g_credits = [Fraction(0)] * groups
        self.g_count = [0] * groups
        self.total = Fraction(0)
        self.level = [Fraction(0)] * levels
        self.ext = Fraction(0)
        self.keys: dict[str, int] = {}
        # Suffix sums: what candidates i.. could add at most.
        zero = Fraction(0)
        self.suf_int = [zero] * (n + 1)
        self.suf_ext = [zero] * (n + 1)
        self.suf_level_int = [[zero] * (n + 1) for _ in range(levels)]
        self.suf_level_ext = [[zero] * (n + 1) for _ in range(levels)]
        self.suf_g_credits = [[zero] * (n + 1) for _ in range(groups)]
        self.suf_g_count = [[0] * (n + 1) for _ in range(groups)]
        self.last_required = [-1] * len(rules.required)
        for i in range(n - 1, -1, -1):
            c = candidates[i]
            ext = c.held.external
            self.suf_int[i] = self.suf_int[i + 1] + (zero if ext else c.credits)
            self.suf_ext[i] = self.suf_ext[i + 1] + (c.credits if ext else zero)
            for j in range(levels):
                add = c.credits if c.level_ok[j] else zero
                self.suf_level_int[j][i] = self.suf_level_int[j][i + 1] + (zero if ext else add)
                self.suf_level_ext[j][i] = self.suf_level_ext[j][i + 1] + (add if ext else zero)
            for g in range(groups):
                member = g in c.groups
                self.suf_g_credits[g][i] = self.suf_g_credits[g][i + 1] + (
                    c.credits if member else zero)
                self.suf_g_count[g][i] = self.suf_g_count[g][i + 1] + member
            for r in c.required:
                if self.last_required[r] < i:
                    self.last_required[r] = i
        self.steps = 0

    def options(self, i: int) -> list[tuple[str, int]]:
        c = self.cands[i]
        key = c.held.achievement_id or c.held.id
        if self.keys.get(key):
            return [_OUT]
        opts: list[tuple[str, int]] = []
        if not c.held.external or self.ext + c.credits <= self.cap:
            opts += [("required", r) for r in c.required if self.filled[r] is None]
            opts += [("group", g) for g in c.groups]
            if not c.groups:  # a group choice is never worse than totals only
                opts.append(_FREE)
        if c.held.external or c.rival or not opts:
            opts.append(_OUT)
        return opts

    def apply(self, i: int, choice: tuple[str, int], sign: int) -> None:
        c = self.cands[i]
        self.choice[i] = choice if sign > 0 else _OUT
        if choice == _OUT:
            return
        key = c.held.achievement_id or c.held.id
        self.keys[key] = self.keys.get(key, 0) + sign
        amount = c.credits if sign > 0 else -c.credits
        self.total += amount
        if c.held.external:
            self.ext += amount
        for j, ok in enumerate(c.level_ok):
            if ok:
                self.level[j] += amount
        kind, index = choice
        if kind == "required":
            self.filled[index] = i if sign > 0 else None
        elif kind == "group":
            self.g_credits[index] += amount
            self.g_count[index] += sign

    def hopeless(self, i: int) -> bool:
        """True when even every remaining candidate could not meet some rule."""
        rules, room = self.rules, self.cap - self.ext
        if rules.total_credits is not None and self.total + self.suf_int[i] + min(
                self.suf_ext[i], room) < rules.total_credits:
            return True
        for j, rule in enumerate(rules.levels):
            if self.level[j] + self.suf_level_int[j][i] + min(
                    self.suf_level_ext[j][i], room) < rule.credits:
                return True
        for r, at in enumerate(self.filled):
            if at is None and self.last_required[r] < i:
                return True
        for g, group in enumerate(rules.electives):
            if group.min_credits is not None and (
                    self.g_credits[g] + self.suf_g_credits[g][i] < group.min_credits):
                return True
            if group.min_count is not None and (
                    self.g_count[g] + self.suf_g_count[g][i] < group.min_count):
                return True
        return False

    def met(self) -> bool:
        return not self.hopeless(len(self.cands))

    def run(self, i: int = 0) -> bool:
        self.steps += 1
        if self.steps > self.budget:
            raise _Exhausted
        if i == len(self.cands):
            return self.met()
        if self.hopeless(i):
            return False
        for choice in self.options(i):
            self.apply(i, choice, +1)
            if self.run(i + 1):
                return True
            self.apply(i, choice, -1)
        return False

    def greedy(self) -> None:
        """One assignment for showing what counts when the rules are not met: fill required
        slots first, then the group furthest from its minimum, then totals."""
        for i in range(len(self.cands)):
            opts = [o for o in self.options(i) if o != _OUT] or [_OUT]
            self.apply(i, min(opts, key=lambda o: self._preference(o)), +1)

    def _preference(self, choice: tuple[str, int]) -> tuple[int, Fraction]:
        kind, index = choice
        if kind == "required":
            return (0, Fraction(0))
        if kind == "group":
            group = self.rules.electives[index]
            short = (group.min_credits or 0) - self.g_credits[index] + (
                (group.min_count or 0) - self.g_count[index])
            return (1, -Fraction(short))
        return (2, Fraction(0))


def _order(candidates: list[_Candidate]) -> list[_Candidate]:
    """Forced candidates first (their credits are known before any branching), then the
    fewest choices first; other providers' last, largest first."""
    def choices(c: _Candidate) -> int:
        return len(c.required) + len(c.groups) + int(c.rival) + int(c.held.external)

    return sorted(candidates, key=lambda c: (c.held.external, choices(c), -c.credits))


def _dedupe(candidates: list[_Candidate]) -> tuple[list[_Candidate], list[SetAside]]:
    """Of credentials of one achievement that the rules see alike, keep the first (newest);
    unlike ones stay, marked as rivals (the search counts at most one)."""
    by_key: dict[str, list[_Candidate]] = {}
    for c in candidates:
        by_key.setdefault(c.held.achievement_id or c.held.id, []).append(c)
    kept: list[_Candidate] = []
    aside: list[SetAside] = []
    for group in by_key.values():
        seen: dict[tuple[Any, ...], _Candidate] = {}
        for c in group:
            profile = (c.credits, c.level_ok, c.required, c.groups, c.held.external)
            if profile in seen:
                aside.append(SetAside(c.held.id, DUPLICATE, "another credential of the same "
                                      f"achievement counts ({seen[profile].held.id})"))
            else:
                seen[profile] = c
        rivals = list(seen.values())
        for c in rivals:
            c.rival = len(rivals) > 1
        kept += rivals
    return kept, aside


def evaluate(rules: Rules, held: Sequence[Held], *, at: datetime,
             max_credentials: int = MAX_PATHWAY_CREDENTIALS,
             max_steps: int = MAX_PATHWAY_SEARCH_STEPS) -> Evaluation:
    """Whether ``held`` meets ``rules`` on ``at`` (module docstring), and the account of it."""
    newest = sorted(held, key=lambda h: (h.earned is None, -(h.earned.timestamp())
                                         if h.earned else 0, h.id))
    set_aside = [SetAside(h.id, OVER_LIMIT, f"only the newest {max_credentials} credentials "
                          "are considered") for h in newest[max_credentials:]]
    screened: list[_Candidate] = []
    cutoff = _years_before(at, rules.recency_years) if rules.recency_years is not None else None
    for item in newest[:max_credentials]:
        candidate, aside = _screen(rules, item, at, cutoff)
        if aside is not None:
            set_aside.append(aside)
        else:
            screened.append(candidate)  # type: ignore[arg-type]
    candidates, duplicates = _dedupe(screened)
    set_aside += duplicates
    candidates = _order(candidates)
    search = _Search(rules, candidates, max_steps)
    decided = True
    try:
        met = search.run()
    except _Exhausted:
        met, decided = False, False
    if not met:
        search = _Search(rules, candidates, max_steps)
        search.greedy()
    return _account(rules, search, met=met, decided=decided, set_aside=set_aside)


def _account(rules: Rules, search: _Search, *, met: bool, decided: bool,
             set_aside: list[SetAside]) -> Evaluation:
    result = Evaluation(rules, met=met, decided=decided, set_aside=set_aside)
    for c, (kind, index) in zip(search.cands, search.choice, strict=True):
        held = c.held
        if kind == "out":
            if held.external and search.ext + c.credits > search.cap and not search.keys.get(
                    held.achievement_id or held.id):
                result.set_aside.append(SetAside(
                    held.id, OVER_CAP, f"would take credits from other providers past "
                                       f"{display(search.cap)}"))
            else:
                result.set_aside.append(SetAside(held.id, DUPLICATE, "another credential of "
                                                 "the same achievement counts"))
            continue
        rule = ("credits" if kind == "free" else f"required[{index}]" if kind == "required"
                else f"electives[{index}]")
        result.counted.append((held, rule, c.credits))
    missing = result.missing
    required = []
    for r, member in enumerate(rules.required):
        at = search.filled[r]
        required.append({"member": member.to_json(),
                         "credential": search.cands[at].held.id if at is not None else None})
        if at is None:
            missing.append({"rule": f"required[{r}]", "member": member.to_json(),
                            "message": f"no counting credential of {member.label()}"})
    electives = []
    for g, group in enumerate(rules.electives):
        electives.append({"name": group.name, "credits": display(search.g_credits[g]),
                          "count": search.g_count[g],
                          "minCredits": display(group.min_credits)
                          if group.min_credits is not None else None,
                          "minCount": group.min_count})
        short_credits = (group.min_credits or 0) - search.g_credits[g]
        short_count = (group.min_count or 0) - search.g_count[g]
        if short_credits > 0 or short_count > 0:
            missing.append({"rule": f"electives[{g}]", "name": group.name,
                            "shortCredits": display(max(Fraction(short_credits), Fraction(0))),
                            "shortCount": max(short_count, 0),
                            "message": f"elective group {group.name!r} is not complete"})
    levels = []
    for j, rule in enumerate(rules.levels):
        levels.append({"framework": rule.framework, "level": rule.level,
                       "credits": display(search.level[j]), "minCredits": display(rule.credits)})
        if search.level[j] < rule.credits:
            missing.append({"rule": f"levelCredits[{j}]", "shortCredits":
                            display(rule.credits - search.level[j]),
                            "message": f"{display(rule.credits - search.level[j]):g} more "
                                       f"credits at {rule.framework} level {rule.level} or above"})
    total = rules.total_credits
    if total is not None and search.total < total:
        missing.append({"rule": "totalCredits", "shortCredits": display(total - search.total),
                        "message": f"{display(total - search.total):g} more credits"})
    if not decided:
        missing.append({"rule": "search", "message": "the evaluation stopped at its step "
                                                     "limit: undecided, so not met"})
    result.per_rule = {
        "total": display(search.total),
        "minTotal": display(total) if total is not None else None,
        "required": required, "electives": electives, "levels": levels,
        "external": display(search.ext), "maxExternal": display(search.cap),
    }
    return result
