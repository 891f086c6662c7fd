"""Request examples for the OpenAPI document: one worked case, end to end.

Northbridge University issues a 15-credit, FHEQ level 7 micro-credential, "Data Analysis with
Python", to a learner who passed its assessment; then offers it to her wallet, verifies it,
suspends, reinstates and revokes credentials; its student records system has a key of its own
for status changes, rotated and then revoked. Image uploads are SVG (a PNG's bytes have no
value in a JSON or YAML document). Every example validates against its operation's
request schema and is accepted by the service (tests/api/test_openapi_examples.py sends each one,
in this order, after putting in the ids a real run produces).

Examples are attached after FastAPI generates the document (:func:`attach_examples`), keyed by
operation, so the request models stay free of documentation data. The same step types the
items of a batch: the model reads them as any JSON so that one bad record is rejected alone,
but each one is an assessment record.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["EXAMPLE_ACHIEVEMENT_ID", "EXAMPLE_BASE_URL", "EXAMPLE_CLIENT_ID",
           "EXAMPLE_CREDENTIAL_IDS", "EXAMPLE_ISSUER_DID", "EXAMPLE_MEDIA_TYPES",
           "EXAMPLE_PARTNER_DID", "EXAMPLE_QUALIFICATION_ID", "EXAMPLES", "attach_examples"]

# Values a real run replaces: the service's base URL, and ids the service assigns.
EXAMPLE_BASE_URL = "https://badges.northbridge.ac.uk"
EXAMPLE_ISSUER_DID = "did:web:badges.northbridge.ac.uk:issuers:northbridge"
EXAMPLE_ACHIEVEMENT_ID = "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c"
EXAMPLE_CREDENTIAL_IDS = ("0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f",
                          "1d0e9f8a-7b6c-4d5e-9f3a-2b1c0d9e8f7a")
EXAMPLE_CLIENT_ID = "7e2d4c6b-9a1f-4b3e-8c5d-0f6a2b8c4d1e"
# The stackable qualification, and the partner college whose credential is recognised.
EXAMPLE_QUALIFICATION_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
EXAMPLE_PARTNER_DID = "did:key:z6MkpartnerCollegeExampleKey0000000000000000000"

_ISSUER = {
    "slug": "northbridge",
    "name": "Northbridge University",
    "url": "https://www.northbridge.ac.uk",
    "email": "microcredentials@northbridge.ac.uk",
    "description": "Short, credit-bearing courses for professionals, assessed and quality "
                   "assured like our degrees.",
    "didMethod": "web",
    "revocationList": False,
}

_ISSUER_PATCH = {
    "description": "Credit-bearing micro-credentials from Northbridge University's Centre for "
                   "Professional Learning.",
    "url": "https://www.northbridge.ac.uk/professional-learning",
}

_ACHIEVEMENT = {
    "name": "Data Analysis with Python",
    "description": "Clean, analyse and visualise real-world tabular data with Python, pandas "
                   "and matplotlib, and report the findings to a non-specialist audience.",
    "criteria": {
        "id": "https://www.northbridge.ac.uk/micro/data-analysis-python#assessment",
        "narrative": "Pass the assessed data-analysis project: at least 50% for the analysis "
                     "and a 'Pass' or better for the written report."},
    "achievementType": "MicroCredential",
    "creditsAvailable": 15,
    "creditScheme": {"targetName": "UK Credit (CATS)", "targetFramework": "CATS",
                     "targetUrl": "https://www.qaa.ac.uk/docs/qaa/quality-code/"
                                  "higher-education-credit-framework-for-england.pdf"},
    "alignment": [{"targetName": "FHEQ level 7 (Master's degree)", "targetFramework": "FHEQ",
                   "targetCode": "7",
                   "targetUrl": "https://www.qaa.ac.uk/the-quality-code/"
                                "qualifications-frameworks"}],
    "resultDescription": [
        {"key": "lo1", "name": "Clean, reshape and analyse tabular data with pandas",
         "resultType": "Percent", "requiredValue": "50", "valueMin": "0", "valueMax": "100"},
        {"key": "lo2", "name": "Communicate findings with clear visualisations",
         "resultType": "RubricCriterionLevel",
         "rubricCriterionLevel": [
             {"key": "fail", "name": "Not yet", "description": "Findings unclear or unsupported."},
             {"key": "pass", "name": "Pass", "description": "Findings clear and supported."},
             {"key": "distinction", "name": "Distinction",
              "description": "Findings compelling, with limitations discussed."}],
         "requiredLevel": "pass"},
        {"key": "grade", "name": "Overall grade", "resultType": "LetterGrade",
         "allowedValue": ["Fail", "Pass", "Merit", "Distinction"], "requiredValue": "Pass"},
    ],
    "tag": ["data analysis", "Python", "pandas"],
    "humanCode": "DATA7015",
    "fieldOfStudy": "Data Science",
    "inLanguage": "en-GB",
    "version": "2025.1",
    "revocable": True,
    "suspendable": True,
}


def _assessment(ref: str, email: str, name: str, analysis: str, report: str,
                grade: str) -> dict[str, Any]:
    return {
        "achievementId": EXAMPLE_ACHIEVEMENT_ID,
        "recipient": {"email": email, "name": name},
        "results": [{"resultDescription": "lo1", "value": analysis},
                    {"resultDescription": "lo2", "achievedLevel": report},
                    {"resultDescription": "grade", "value": grade}],
        "creditsEarned": 15,
        "activityStartDate": "2025-01-13T09:00:00Z",
        "activityEndDate": "2025-03-28T17:00:00Z",
        "evidence": [{"id": f"https://vle.northbridge.ac.uk/submissions/{ref}",
                      "name": "Assessed project: analysis of city cycle-hire data",
                      "genre": "Project report"}],
        "validUntil": "2030-03-31T00:00:00Z",
        "assessmentRef": ref,
        "format": "ldp",
    }


_ASSESSMENT = _assessment("DATA7015-2025S2-0042", "ada.lovelace@example.org", "Ada Lovelace",
                          "72", "distinction", "Merit")
_SECOND = _assessment("DATA7015-2025S2-0043", "alan.turing@example.org", "Alan Turing",
                      "64", "pass", "Pass")
_THIRD = _assessment("DATA7015-2025S2-0044", "grace.hopper@example.org", "Grace Hopper",
                     "81", "distinction", "Distinction")

_OPEN_BADGE = {
    "@context": ["https://www.w3.org/ns/credentials/v2",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:5b1f6c2e-8d3a-4f7b-9e0c-2a4d6f8b0c1e",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Data Analysis with Python",
    "issuer": {"id": EXAMPLE_ISSUER_DID, "type": ["Profile"], "name": "Northbridge University"},
    "validFrom": "2025-04-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "identityType": "studentId",
                        "hashed": False, "identityHash": "N2025-0042"}],
        "achievement": {
            "id": f"{EXAMPLE_BASE_URL}/achievements/{EXAMPLE_ACHIEVEMENT_ID}",
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": "Data Analysis with Python",
            "description": "Clean, analyse and visualise real-world tabular data with Python.",
            "criteria": {"narrative": "Pass the assessed data-analysis project."},
            "creditsAvailable": 15,
        },
        "creditsEarned": 15,
    },
}

_ACHIEVEMENT_PATCH = {
    "description": "Clean, analyse and visualise real-world tabular data with Python, pandas "
                   "and seaborn, and report the findings to a non-specialist audience.",
    "tag": ["data analysis", "Python", "pandas", "seaborn"],
}

# A badge drawn as SVG: the body of the image uploads, as sent (no script, nothing loaded).
_BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
    '<title>Data Analysis with Python: Northbridge University micro-credential</title>'
    '<circle cx="128" cy="128" r="120" fill="#1d3557"/>'
    '<circle cx="128" cy="128" r="104" fill="none" stroke="#f1c40f" stroke-width="6"/>'
    '<rect x="76" y="136" width="22" height="40" fill="#a8dadc"/>'
    '<rect x="106" y="112" width="22" height="64" fill="#a8dadc"/>'
    '<rect x="136" y="88" width="22" height="88" fill="#a8dadc"/>'
    '<rect x="166" y="68" width="22" height="108" fill="#f1c40f"/>'
    '<text x="128" y="206" font-family="sans-serif" font-size="18" fill="#ffffff" '
    'text-anchor="middle">DATA7015</text></svg>')

_LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200">'
    '<title>Northbridge University</title>'
    '<path d="M20 20h160v100c0 40-40 64-80 72c-40-8-80-32-80-72z" fill="#1d3557"/>'
    '<path d="M60 150V60l80 90V60" fill="none" stroke="#f1c40f" stroke-width="14" '
    'stroke-linejoin="round"/></svg>')

_REASON = {"reason": "Academic misconduct confirmed by the university's panel on 2 May 2025."}
_SUSPEND = {"reason": "Under review by the academic integrity panel."}
_REINSTATE = {"reason": "The academic integrity panel found no case to answer."}
_PLACEHOLDER_JWT = ("eyJhbGciOiJFZERTQSIsInR5cCI6Im9wZW5pZDR2Y2ktcHJvb2Yrand0Iiwia2lkIjoiZGlk"
                    "OmtleTp6Nk1rLi4uIn0.eyJhdWQiOiJodHRwczovL2JhZGdlcy5ub3J0aGJyaWRnZS5hYy51"
                    "ayIsImlhdCI6MTc0MzUwMDAwMCwibm9uY2UiOiIuLi4ifQ.c2lnbmF0dXJl")


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "value": value}


_PATHWAY = {
    "targetAchievementId": EXAMPLE_QUALIFICATION_ID,
    "name": "Professional Certificate in Applied Data Analysis",
    "rules": {
        "creditScheme": "CATS", "totalCredits": 30,
        "levelCredits": [{"framework": "FHEQ", "level": 7, "credits": 30}],
        "required": [{"achievementId": EXAMPLE_ACHIEVEMENT_ID}],
        "recencyYears": 5, "maxExternalCredits": 15,
        "recognise": [{"issuer": EXAMPLE_PARTNER_DID}]},
}
_KATHERINE = {"email": "katherine.johnson@example.org", "name": "Katherine Johnson"}
_PARTNER_BADGE = {
    **_OPEN_BADGE,
    "name": "Statistics for Data Science",
    "issuer": {"id": EXAMPLE_PARTNER_DID, "type": ["Profile"], "name": "Partner College"},
    "credentialSubject": {
        **_OPEN_BADGE["credentialSubject"],
        "achievement": {**_OPEN_BADGE["credentialSubject"]["achievement"],  # type: ignore[dict-item]
                        "name": "Statistics for Data Science"}},
}

# (method, path) -> named examples of the request body.
EXAMPLES: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("post", "/issuers"): {"university": _example(
        "A university issuing micro-credentials", _ISSUER)},
    ("patch", "/issuers/{slug}"): {"profile": _example(
        "Change the description and web page", _ISSUER_PATCH)},
    ("put", "/issuers/{slug}/image"): {"logo": _example(
        "The university's logo, as SVG", _LOGO_SVG)},
    ("post", "/clients"): {"records-office": _example(
        "A key for the student records system: status changes only", {
            "name": "Student records system (status updates)", "issuer": "northbridge",
            "scopes": ["revoke"]})},
    ("post", "/issuers/{slug}/achievements"): {"micro-credential": _example(
        "A 15-credit FHEQ level 7 micro-credential with three assessed outcomes",
        _ACHIEVEMENT)},
    ("patch", "/issuers/{slug}/achievements/{achievement_id}"): {"syllabus": _example(
        "The module now teaches seaborn too: a new revision", _ACHIEVEMENT_PATCH)},
    ("put", "/issuers/{slug}/achievements/{achievement_id}/image"): {"badge": _example(
        "The badge image, as SVG", _BADGE_SVG)},
    ("post", "/issuers/{slug}/credentials"): {"passed": _example(
        "A learner who passed: results for each outcome, credits, evidence", _ASSESSMENT)},
    ("post", "/issuers/{slug}/credentials/batch"): {"cohort": _example(
        "Two learners of the same cohort", {"items": [_SECOND, _THIRD]})},
    ("post", "/issuers/{slug}/clr"): {"record": _example(
        "A learner's Comprehensive Learner Record: her credentials, embedded as issued", {
            "learner": {"email": "ada.lovelace@example.org"},
            "credentialIds": [EXAMPLE_CREDENTIAL_IDS[0]],
            "name": "Ada Lovelace: Northbridge micro-credentials",
            "reference": "ada.lovelace-2025"})},
    ("post", "/credentials/issue"): {"open-badge": _example(
        "Sign an Open Badges 3.0 credential made by the caller",
        {"credential": _OPEN_BADGE, "options": {"issuerSlug": "northbridge", "format": "ldp"}})},
    ("post", "/issuers/{slug}/credentials/{credential_id}/suspend"): {"review": _example(
        "Suspend while a case is reviewed", _SUSPEND)},
    ("post", "/issuers/{slug}/credentials/{credential_id}/reinstate"): {"cleared": _example(
        "Reinstate after the review", _REINSTATE)},
    ("post", "/issuers/{slug}/credentials/{credential_id}/revoke"): {"misconduct": _example(
        "Revoke, saying why", _REASON)},
    ("post", "/issuers/{slug}/credentials/status"): {"cohort": _example(
        "Revoke several credentials at once", {
            "action": "revoke", "ids": list(EXAMPLE_CREDENTIAL_IDS),
            "reason": "Awarded in error: the module board had not yet confirmed the marks."})},
    ("post", "/credentials/status"): {"suspend": _example(
        "The student records system suspends a credential while an appeal is heard", {
            "credentialId": f"{EXAMPLE_BASE_URL}/credentials/{EXAMPLE_CREDENTIAL_IDS[1]}",
            "credentialStatus": {"type": "BitstringStatusListEntry",
                                 "statusPurpose": "suspension"},
            "status": True})},
    ("post", "/clients/{client_id}/rotate"): {"scheduled": _example(
        "Rotate the key on schedule", {"reason": "Annual key rotation, as the university's "
                                                 "security policy requires."})},
    ("post", "/clients/{client_id}/revoke"): {"decommissioned": _example(
        "Revoke the key for good", {"reason": "The student records system was replaced; "
                                              "its key is no longer needed."})},
    ("post", "/issuers/{slug}/offers"): {"wallet": _example(
        "Offer the credential to the learner's wallet, with a transaction code", {
            "assessment": _assessment("DATA7015-2025S2-0045", "katherine.johnson@example.org",
                                      "Katherine Johnson", "77", "pass",
                                      "Merit"),
            "issue": "on-redemption", "txCode": True, "expiresIn": 604800})},
    ("post", "/oid4vci/token"): {"pre-authorized": _example(
        "A wallet redeems the offer's pre-authorized code, with the transaction code", {
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": "SplxlOBeZQQYbYS6WxSbIA",
            "tx_code": "493536"})},
    ("post", "/oid4vci/credential"): {"proof": _example(
        "The credential, bound to the key of the wallet's proof", {
            "credential_configuration_id": "OpenBadgeCredential_ldp_vc",
            "proofs": {"jwt": [_PLACEHOLDER_JWT]}})},
    ("post", "/exchanges/{ref}"): {"did-auth": _example(
        "The wallet answers the DIDAuth request with a signed presentation", {
            "verifiablePresentation": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiablePresentation"],
                "holder": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}})},
    ("post", "/credentials/verify"): {"open-badge": _example(
        "Verify a credential as received (JSON-LD with its proof, or a VC-JWT)",
        {"verifiableCredential": _OPEN_BADGE, "options": {}})},
    ("post", "/presentations/verify"): {"presentation": _example(
        "Verify a presentation and the credentials in it", {
            "verifiablePresentation": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiablePresentation"],
                "verifiableCredential": [_OPEN_BADGE]},
            "options": {}})},
    ("post", "/issuers/{slug}/pathways"): {"certificate": _example(
        "A 30-credit certificate: the module plus 15 credits of recognised prior learning",
        _PATHWAY)},
    ("patch", "/issuers/{slug}/pathways/{pathway_id}"): {"recency": _example(
        "Count credentials of the last four years only: the pathway's next revision",
        {"rules": {**_PATHWAY["rules"], "recencyYears": 4}})},  # type: ignore[dict-item]
    ("post", "/issuers/{slug}/pathways/{pathway_id}/recognitions"): {"partner": _example(
        "A learner's credential from a partner college (verified when received)",
        {"learner": "katherine.johnson@example.org", "credential": _PARTNER_BADGE})},
    ("post", "/issuers/{slug}/pathways/{pathway_id}/award"): {"learner": _example(
        "Award the certificate to a learner who meets its rules", {"recipient": _KATHERINE})},
    ("post", "/issuers/{slug}/pathways/{pathway_id}/awards/{award_id}/decision"): {
        "keep": _example("Keep the award after a constituent was suspended", {
            "decision": "keep",
            "reason": "The suspended module credential is under appeal; the board keeps the "
                      "certificate meanwhile."})},
    ("post", "/issuers/{slug}/pathways/{pathway_id}/progress-links"): {"learner": _example(
        "A link the LMS gives the learner to follow their progress",
        {"learner": "katherine.johnson@example.org"})},
    ("post", "/verify/url"): {"badge-page": _example(
        "Verify the credential at its public URL",
        {"url": f"{EXAMPLE_BASE_URL}/credentials/{EXAMPLE_CREDENTIAL_IDS[0]}"})},
    ("post", "/verify"): {"badge-page": _example(
        "The verify page's form, given the credential's public URL",
        {"url": f"{EXAMPLE_BASE_URL}/credentials/{EXAMPLE_CREDENTIAL_IDS[0]}"})},
}

# Endorsements: a professional body (an endorser tenant of this service) endorses the
# micro-credential; an employer's endorsement, signed elsewhere, is imported by the university.
_ENDORSER_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
EXAMPLES |= {
    ("post", "/issuers/{slug}/endorsements"): {"professional-body": _example(
        "A professional body endorses the micro-credential (the path's issuer endorses)", {
            "name": "Accredited by the Institute of Data Professionals",
            "endorsementSubject": {
                "id": f"{EXAMPLE_BASE_URL}/achievements/{EXAMPLE_ACHIEVEMENT_ID}",
                "endorsementComment": "Meets the Institute's professional standard for "
                                      "data analysis at practitioner level."},
            "validUntil": "2030-09-01T00:00:00Z"})},
    ("post", "/issuers/{slug}/endorsements/import"): {"employer": _example(
        "An employer's endorsement, signed with its own key, imported by the university", {
            "endorsement": {
                "@context": ["https://www.w3.org/ns/credentials/v2",
                             "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": "urn:uuid:2f6e1d0c-8b7a-4c5d-9e3f-1a2b3c4d5e6f",
                "type": ["VerifiableCredential", "EndorsementCredential"],
                "name": "Employer endorsement",
                "issuer": {"id": _ENDORSER_DID, "type": ["Profile"],
                           "name": "Harbourside Analytics Ltd"},
                "validFrom": "2025-06-01T00:00:00Z",
                "credentialSubject": {
                    "id": f"{EXAMPLE_BASE_URL}/achievements/{EXAMPLE_ACHIEVEMENT_ID}",
                    "type": ["EndorsementSubject"],
                    "endorsementComment": "Graduates of this course join our analyst "
                                          "programme at the second grade."},
                "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                           "created": "2025-06-01T00:00:00Z",
                           "verificationMethod": f"{_ENDORSER_DID}#"
                                                 f"{_ENDORSER_DID.removeprefix('did:key:')}",
                           "proofPurpose": "assertionMethod",
                           "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTF"
                                         "ehP8c3PGfb6a22gkfUKKiZz4ws3LihNbPCg"}]}})},
}

# The one media type an operation's example is for, where the body may be of several; the
# others are raw bytes (a PNG) that have no value in a JSON or YAML document.
EXAMPLE_MEDIA_TYPES: dict[tuple[str, str], str] = {
    ("put", "/issuers/{slug}/image"): "image/svg+xml",
    ("put", "/issuers/{slug}/achievements/{achievement_id}/image"): "image/svg+xml",
}


def attach_examples(spec: dict[str, Any]) -> None:
    """Put :data:`EXAMPLES` on their operations' request bodies; type the batch items."""
    for (method, path), examples in EXAMPLES.items():
        operation = spec.get("paths", {}).get(path, {}).get(method)
        if operation is None or "requestBody" not in operation:
            continue
        for name, media in operation["requestBody"].get("content", {}).items():
            if EXAMPLE_MEDIA_TYPES.get((method, path), name) == name:
                media["examples"] = copy.deepcopy(examples)
    batch = spec.get("components", {}).get("schemas", {}).get("BatchIn", {})
    items = batch.get("properties", {}).get("items")
    if isinstance(items, dict) and items.get("type") == "array" and not items.get("items"):
        items["items"] = {"$ref": "#/components/schemas/AssessmentIn"}
