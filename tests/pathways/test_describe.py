"""A pathway's rules in plain language (pathways/describe.py): every rule a pathway can have
gets its sentence, names come from the caller, and nothing is left out."""

from __future__ import annotations

from vcissuer.pathways import parse_rules
from vcissuer.pathways.describe import describe_rules, join_names

DA, ML, STATS, VIS = (f"https://uni.example/achievements/{n}" for n in ("da", "ml", "st", "vi"))
NAMES = {DA: "Data Analysis", ML: "Machine Learning", STATS: "Statistics",
         VIS: "Visualisation"}


def test_the_issues_example_reads_as_written() -> None:
    rules = parse_rules({
        "creditScheme": "CATS", "totalCredits": 60,
        "levelCredits": [{"framework": "FHEQ", "level": 7, "credits": 40}],
        "required": [{"achievementId": DA}, {"achievementId": ML}],
        "electives": [{"name": "methods", "members": [{"achievementId": STATS},
                                                      {"achievementId": VIS}],
                       "minCredits": 15}],
        "recencyYears": 5, "maxExternalCredits": 30,
        "recognise": [{"issuer": "did:web:partner.example"}]})
    assert describe_rules(rules, NAMES) == [
        "At least 60 CATS credits, of which 40 at FHEQ level 7 or above.",
        "Data Analysis and Machine Learning are required.",
        "At least 15 credits from the electives methods: Statistics or Visualisation.",
        "Credentials count when earned within the last 5 years.",
        "At most 30 credits from other providers (recognised prior learning).",
        "Revoked, suspended and expired credentials never count, and no credential counts "
        "twice.",
    ]


def test_every_other_rule_has_its_sentence() -> None:
    rules = parse_rules({
        "creditScheme": "ECTS",
        "levelCredits": [{"framework": "SCQF", "level": 11, "credits": 30.5}],
        "minimumLevel": {"framework": "EQF", "level": 6},
        "required": [{"achievementId": DA}, {"achievementId": ML}],
        "electives": [{"name": "units", "members": [
            {"targetFramework": "RQF units", "targetCode": "U7"}], "minCredits": 5,
            "minCount": 1}],
        "accept": [{"achievementId": "https://elsewhere.example/a/1"}],
        "recencyYears": 1})
    text = describe_rules(rules, NAMES, ordered=True)
    assert text[:6] == [
        "At least 30.5 ECTS credits at SCQF level 11 or above.",
        "Every credential that counts is at EQF level 6 or above.",
        "Data Analysis and Machine Learning are required, in this order.",
        "At least 5 credits and at least 1 achievement from the electives units: any "
        "achievement aligned to RQF units U7.",
        "Also counting towards the totals: https://elsewhere.example/a/1.",
        "Credentials count when earned within the last 1 year.",
    ]


def test_names_join_as_a_reader_expects() -> None:
    assert join_names([]) == "" and join_names(["A"]) == "A"
    assert join_names(["A", "B", "C"], word="or") == "A, B or C"
