"""The pathway rules engine (vcissuer.pathways): exact credits, published level
correspondences, and a complete search, checked against brute force with hypothesis."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from vcissuer.pathways import (
    Held,
    RuleError,
    convert,
    credit_value,
    display,
    evaluate,
    meets_level,
    parse_rules,
)

AT = datetime(2026, 6, 1, tzinfo=UTC)
A = "https://uni.example/achievements/"


def held(n: int | str, credits: float = 15, *, level: int = 7, scheme: str = "CATS",
         days: int = 30, **extra: object) -> Held:
    return Held(id=f"urn:c:{n}:{days}:{extra.get('state', '')}", achievement_id=f"{A}{n}",
                issuer="did:web:uni", name=f"module {n}",
                earned=AT - timedelta(days=days), credits=credit_value(credits),
                credit_scheme=scheme, levels=(("FHEQ", level),), **extra)  # type: ignore[arg-type]


PGCERT = {"creditScheme": "CATS", "totalCredits": 60,
          "levelCredits": [{"framework": "FHEQ", "level": 7, "credits": 40}],
          "required": [{"achievementId": f"{A}1"}],
          "electives": [{"name": "methods", "members": [{"achievementId": f"{A}2"},
                                                        {"achievementId": f"{A}3"}],
                         "minCount": 1}],
          "accept": [{"achievementId": f"{A}{i}"} for i in range(4, 8)],
          "recencyYears": 5}


def test_pgcert_met_with_what_counts_for_which_rule() -> None:
    rules = parse_rules(PGCERT)
    result = evaluate(rules, [held(1), held(2), held(4), held(5, level=6)], at=AT)
    assert result.met and result.decided
    rules_of = {h.achievement_id: rule for h, rule, _ in result.counted}
    assert rules_of == {f"{A}1": "required[0]", f"{A}2": "electives[0]", f"{A}4": "credits",
                        f"{A}5": "credits"}
    assert result.per_rule["total"] == 60 and result.per_rule["levels"][0]["credits"] == 45


def test_missing_and_set_aside_say_why() -> None:
    rules = parse_rules(PGCERT)
    result = evaluate(rules, [
        held(1, state="revoked"), held(2, state="suspended"),
        held(3, valid_until=AT - timedelta(days=1)), held(4, days=6 * 365),
        held(5, level=5, scheme="CATS"), held(6, scheme="US semester hours"), held(9),
    ], at=AT)
    assert not result.met
    reasons = sorted(s.reason for s in result.set_aside)
    assert reasons == ["expired", "not-in-pathway", "revoked", "suspended", "too-old",
                       "wrong-scheme"]
    rules_missing = {m["rule"] for m in result.missing}
    assert {"required[0]", "electives[0]", "totalCredits", "levelCredits[0]"} <= rules_missing


def test_minimum_level_sets_aside_wrong_level() -> None:
    rules = parse_rules({**PGCERT, "minimumLevel": {"framework": "FHEQ", "level": 6}})
    result = evaluate(rules, [held(4, level=5)], at=AT)
    assert [s.reason for s in result.set_aside] == ["wrong-level"]


def test_a_credential_never_fills_two_required_slots() -> None:
    rules = parse_rules({"creditScheme": "CATS", "required": [
        {"targetFramework": "Unit", "targetCode": "U1"},
        {"targetFramework": "Unit", "targetCode": "U2"}]})
    both = Held(id="urn:c:x", achievement_id=f"{A}x", credits=Fraction(15),
                credit_scheme="CATS", alignments=frozenset({("unit", "u1"), ("unit", "u2")}))
    assert not evaluate(rules, [both], at=AT).met
    other = Held(id="urn:c:y", achievement_id=f"{A}y", credits=Fraction(15),
                 credit_scheme="CATS", alignments=frozenset({("unit", "u1")}))
    result = evaluate(rules, [both, other], at=AT)
    assert result.met
    assert sorted(rule for _, rule, _ in result.counted) == ["required[0]", "required[1]"]


def test_greedy_would_fail_where_search_succeeds() -> None:
    """x fits both groups, y only the first: x must go to the second."""
    rules = parse_rules({"creditScheme": "CATS", "electives": [
        {"name": "g1", "members": [{"achievementId": f"{A}x"}, {"achievementId": f"{A}y"}],
         "minCount": 1},
        {"name": "g2", "members": [{"achievementId": f"{A}x"}], "minCount": 1}]})
    result = evaluate(rules, [held("x"), held("y")], at=AT)
    assert result.met


def test_external_cap() -> None:
    rules = parse_rules({"creditScheme": "CATS", "totalCredits": 45, "maxExternalCredits": 20,
                         "accept": [{"achievementId": f"{A}1"}, {"achievementId": f"{A}2"}],
                         "recognise": [{"issuer": "did:key:other"}]})
    mine = [held(1), held(2)]
    ext = [Held(id=f"urn:x:{i}", achievement_id=f"https://other/{i}", issuer="did:key:other",
                credits=Fraction(15), credit_scheme="CATS", external=True,
                earned=AT) for i in range(2)]
    result = evaluate(rules, mine + ext, at=AT)
    assert result.met
    assert result.per_rule["external"] == 15
    assert [s.reason for s in result.set_aside] == ["over-external-cap"]
    stranger = Held(id="urn:x:s", achievement_id="https://s/1", issuer="did:key:stranger",
                    credits=Fraction(15), credit_scheme="CATS", external=True)
    assert evaluate(rules, [*mine, stranger], at=AT).set_aside[0].reason == "not-in-pathway"


def test_ects_converts_exactly() -> None:
    """QAA Higher education credit framework for England (2021): 2 UK credits = 1 ECTS."""
    rules = parse_rules({"creditScheme": "ECTS", "totalCredits": 30,
                         "accept": [{"achievementId": f"{A}{i}"} for i in range(4)]})
    result = evaluate(rules, [held(i, 15) for i in range(4)], at=AT)
    assert result.met and result.per_rule["total"] == 30
    assert not evaluate(rules, [held(i, 14.99) for i in range(4)], at=AT).met


@given(st.fractions(min_value=0, max_value=1000, max_denominator=1000))
def test_conversion_is_exact_and_display_rounds_down(value: Fraction) -> None:
    """2 CATS = 1 ECTS; CATS = SCQF = CQFW; shown rounded down to 2 places."""
    assert convert(value, "CATS", "ECTS") == value / 2
    assert convert(convert(value, "ECTS", "SCQF"), "CQFW", "ECTS") == value
    shown = Fraction(str(display(value)))
    assert shown <= value < shown + Fraction(1, 100)


def test_levels_compare_through_published_rows_only() -> None:
    """Qualifications Can Cross Boundaries (2019): SCQF 11 = FHEQ 7; EQF 5 spans FHEQ 4-5."""
    assert meets_level((("SCQF", 11),), "FHEQ", 7) is True
    assert meets_level((("SCQF", 10),), "FHEQ", 7) is False
    assert meets_level((("EQF", 5),), "FHEQ", 4) is True
    assert meets_level((("EQF", 5),), "FHEQ", 5) is False
    assert meets_level((("SCQF", 2),), "FHEQ", 4) is None
    assert meets_level((), "FHEQ", 4) is None


@pytest.mark.parametrize(("rules", "field"), [
    ({"creditScheme": "US semester hours", "accept": [{"achievementId": "a"}]},
     "rules.creditScheme"),
    ({"creditScheme": "CATS", "levelCredits": [{"framework": "AQF", "level": 7}],
      "accept": [{"achievementId": "a"}]}, "rules.levelCredits[0]"),
    ({"creditScheme": "CATS", "levelCredits": [{"framework": "FHEQ", "level": 9}],
      "accept": [{"achievementId": "a"}]}, "rules.levelCredits[0]"),
    ({"creditScheme": "CATS"}, "rules"),
    ({"creditScheme": "CATS", "required": [{"achievementId": "a"}, {"achievementId": "a"}]},
     "rules.required"),
])
def test_definitions_refused(rules: dict[str, object], field: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rules(rules)
    assert caught.value.field == field


def test_step_limit_is_undecided_never_met() -> None:
    rules = parse_rules({"creditScheme": "CATS", "totalCredits": 10_000, "electives": [
        {"name": f"g{g}", "members": [{"achievementId": f"{A}{i}"} for i in range(30)],
         "minCount": 1} for g in range(4)]})
    result = evaluate(rules, [held(i) for i in range(30)], at=AT, max_steps=50)
    assert not result.met
    result = evaluate(rules, [held(i) for i in range(30)], at=AT)
    assert not result.met and result.decided  # the bound cuts it at once


# --- brute force: every assignment of every credential, no pruning ---------------------------

def brute_force(rules_json: dict[str, object], items: list[Held]) -> bool:
    rules = parse_rules(rules_json)
    cands = [h for h in items if h.state == "active"]
    slots = ([("r", i) for i in range(len(rules.required))]
             + [("g", i) for i in range(len(rules.electives))] + [("free", 0), ("out", 0)])
    for assignment in itertools.product(slots, repeat=len(cands)):
        used, filled = set(), [0] * len(rules.required)
        g_cr = [Fraction(0)] * len(rules.electives)
        g_n = [0] * len(rules.electives)
        total = ext = Fraction(0)
        level = [Fraction(0)] * len(rules.levels)
        ok = True
        for h, (kind, i) in zip(cands, assignment, strict=True):
            if kind == "out":
                continue
            if h.achievement_id in used:
                ok = False
                break
            used.add(h.achievement_id)
            if h.external:
                if not rules.recognised(h.issuer, h.achievement_id, h.alignments):
                    ok = False
                    break
            elif not rules.involves(h.achievement_id, h.alignments):
                ok = False
                break
            if kind == "r" and not rules.required[i].matches(h.achievement_id, h.alignments):
                ok = False
                break
            if kind == "g" and not any(m.matches(h.achievement_id, h.alignments)
                                       for m in rules.electives[i].members):
                ok = False
                break
            c = convert(h.credits or Fraction(0), "CATS", rules.credit_scheme)
            total += c
            ext += c if h.external else 0
            for j, rule in enumerate(rules.levels):
                if meets_level(h.levels, rule.framework, rule.level):
                    level[j] += c
            if kind == "r":
                filled[i] += 1
            if kind == "g":
                g_cr[i] += c
                g_n[i] += 1
        if not ok or ext > rules.max_external_credits or any(f != 1 for f in filled):
            continue
        if rules.total_credits is not None and total < rules.total_credits:
            continue
        if any(level[j] < r.credits for j, r in enumerate(rules.levels)):
            continue
        if any((g.min_credits is not None and g_cr[i] < g.min_credits)
               or (g.min_count is not None and g_n[i] < g.min_count)
               for i, g in enumerate(rules.electives)):
            continue
        return True
    return False


_IDS = st.sampled_from(["a", "b", "c"])
_MEMBER = _IDS.map(lambda x: {"achievementId": f"{A}{x}"})


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, object], list[Held]]:
    required = draw(st.lists(_MEMBER, max_size=2, unique_by=lambda m: m["achievementId"]))
    groups = [{"name": f"g{i}", "members": draw(st.lists(_MEMBER, min_size=1, max_size=3)),
               **draw(st.sampled_from([{"minCount": draw(st.integers(1, 2))},
                                       {"minCredits": draw(st.sampled_from([10, 15, 30]))}]))}
              for i in range(draw(st.integers(0, 2)))]
    rules: dict[str, object] = {
        "creditScheme": draw(st.sampled_from(["CATS", "ECTS"])),
        "totalCredits": draw(st.sampled_from([None, 15, 30, 45])),
        "levelCredits": draw(st.sampled_from(
            [[], [], [{"framework": "FHEQ", "level": 7, "credits": 15}],
             [{"framework": "SCQF", "level": 11, "credits": 30}]])),
        "required": required, "electives": groups,
        "accept": draw(st.lists(_MEMBER, max_size=2)) or [{"achievementId": f"{A}a"}],
        "maxExternalCredits": draw(st.sampled_from([0, 15, 20])),
        "recognise": [{"issuer": "did:key:other"}],
    }
    items = []
    for n in range(draw(st.integers(1, 5))):
        external = draw(st.booleans()) and n > 0
        items.append(Held(
            id=f"urn:c:{n}", achievement_id=(f"https://other/{n}" if external
                                             else f"{A}{draw(_IDS)}"),
            issuer="did:key:other" if external else "did:web:uni",
            credits=Fraction(draw(st.sampled_from([0, 10, 15, 20, 30]))), credit_scheme="CATS",
            levels=(("FHEQ", draw(st.integers(5, 8))),), external=external,
            state=draw(st.sampled_from(["active"] * 5 + ["revoked"]))))
    return rules, items


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_search_agrees_with_brute_force(scenario: tuple[dict[str, object], list[Held]]) -> None:
    """A set that meets the rules always awards; one that misses any rule never does."""
    rules_json, items = scenario
    result = evaluate(parse_rules(rules_json), items, at=AT)
    assert result.decided
    expected = brute_force(rules_json, items)
    event(f"met={expected}")
    assert result.met == expected


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_a_credential_never_counts_twice(scenario: tuple[dict[str, object], list[Held]]) -> None:
    rules_json, items = scenario
    result = evaluate(parse_rules(rules_json), items, at=AT)
    counted = [h.id for h, _, _ in result.counted]
    assert len(counted) == len(set(counted))
    achievements = [h.achievement_id for h, _, _ in result.counted]
    assert len(achievements) == len(set(achievements))
    assert not set(counted) & {s.credential for s in result.set_aside}
    if result.met:  # the counted set alone meets the totals
        total = sum((c for _, _, c in result.counted), Fraction(0))
        minimum = parse_rules(rules_json).total_credits
        assert minimum is None or total >= minimum


@st.composite
def witnesses(draw: st.DrawFn) -> tuple[dict[str, object], list[Held]]:
    """Rules and a set of credentials built to meet them exactly (no slack anywhere)."""
    n_required = draw(st.integers(0, 3))
    counts = draw(st.lists(st.integers(1, 3), max_size=3))
    credits = draw(st.lists(st.sampled_from([5, 10, 15, 20]), min_size=n_required + sum(counts),
                            max_size=n_required + sum(counts)))
    if not credits:
        credits, n_required = [15], 1
    names = [f"m{i}" for i in range(len(credits))]
    groups, start = [], n_required
    for g, count in enumerate(counts):
        members = names[start:start + count]
        start += count
        spare = draw(st.lists(st.sampled_from(["x1", "x2"]), max_size=2, unique=True))
        groups.append({"name": f"g{g}", "members": [{"achievementId": f"{A}{m}"}
                                                      for m in members + spare],
                       "minCount": count})
    rules: dict[str, object] = {
        "creditScheme": "CATS", "totalCredits": sum(credits),
        "levelCredits": [{"framework": "FHEQ", "level": 7, "credits": sum(credits)}],
        "required": [{"achievementId": f"{A}{m}"} for m in names[:n_required]],
        "electives": groups, "accept": [{"achievementId": f"{A}{m}"} for m in names]}
    items = [Held(id=f"urn:c:{m}", achievement_id=f"{A}{m}", credits=Fraction(c),
                  credit_scheme="CATS", levels=(("FHEQ", 7),))
             for m, c in zip(names, credits, strict=True)]
    return rules, draw(st.permutations(items))


@settings(max_examples=200, deadline=None)
@given(witnesses(), st.data())
def test_a_set_that_meets_the_rules_awards_and_one_less_never(
        scenario: tuple[dict[str, object], list[Held]], data: st.DataObject) -> None:
    rules_json, items = scenario
    rules = parse_rules(rules_json)
    assert evaluate(rules, items, at=AT).met
    dropped = data.draw(st.integers(0, len(items) - 1))
    assert not evaluate(rules, items[:dropped] + items[dropped + 1:], at=AT).met
    revoked = Held(**{**{f: getattr(items[dropped], f) for f in Held.__slots__},
                      "state": "revoked"})
    assert not evaluate(rules, [*items[:dropped], revoked, *items[dropped + 1:]], at=AT).met


def test_only_the_newest_credentials_are_considered() -> None:
    """vcissuer.limits.MAX_PATHWAY_CREDENTIALS: a learner with thousands of credentials costs
    one bounded evaluation; the oldest are set aside "over-limit"."""
    rules = parse_rules({"creditScheme": "CATS", "totalCredits": 30,
                         "accept": [{"achievementId": f"{A}{i}"} for i in range(5)]})
    items = [held(i, days=10 * (i + 1)) for i in range(5)]
    result = evaluate(rules, items, at=AT, max_credentials=3)
    assert result.met
    assert sorted(s.credential for s in result.set_aside if s.reason == "over-limit") == \
        sorted(h.id for h in items[3:])
    assert not evaluate(rules, items, at=AT, max_credentials=1).met
