"""API tests: the real ASGI app over real SQLite and PostgreSQL, with a real key store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest_db import db, db_url, postgres_template, sqlite_template  # noqa: F401
from vcissuer.api.app import create_app
from vcissuer.issuance.context import Services
from vcissuer.issuance.keyring import Keyring
from vcissuer.issuance.recipients import LookupKey
from vcissuer.store import ApiClientRepository, Database

BASE_URL = "http://testserver"


@pytest.fixture
def services(db: Database, tmp_path: Path) -> Services:
    keys = tmp_path / "keys"
    return Services(db=db, keyring=Keyring(keys, passphrase=None), lookup=LookupKey(keys),
                    base_url=BASE_URL)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services, max_body_bytes=2 * 1024 * 1024)) as test_client:
        yield test_client


def api_key(services: Services, *, issuer_slug: str | None = None,
            scopes: list[str] | None = None) -> str:
    from vcissuer.store import IssuerRepository

    with services.db.session_scope() as session:
        issuer_id = None
        if issuer_slug is not None:
            issuer = IssuerRepository(session).get_by_slug(issuer_slug)
            assert issuer is not None
            issuer_id = issuer.id
        return ApiClientRepository(session).create(
            name="test", issuer_id=issuer_id,
            scopes=scopes or (["admin"] if issuer_slug is None else ["manage", "issue", "revoke"]),
        ).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(services: Services) -> dict[str, str]:
    return bearer(api_key(services))


def make_issuer(client: TestClient, admin: dict[str, str], slug: str = "uni",
                **extra: Any) -> dict[str, Any]:
    response = client.post("/issuers", headers=admin,
                           json={"slug": slug, "name": f"{slug.title()} University",
                                 "url": "https://uni.example.ac.uk", **extra})
    assert response.status_code == 201, response.text
    return response.json()


MICRO_CREDENTIAL = {
    "name": "Data Analysis with Python",
    "description": "Cleans, analyses and visualises tabular data with Python.",
    "criteria": {"narrative": "Pass the assessed project against both learning outcomes."},
    "achievementType": "MicroCredential",
    "creditsAvailable": 15,
    "creditScheme": {"targetName": "UK Credit (CATS)", "targetFramework": "CATS",
                     "targetUrl": "https://www.qaa.ac.uk/docs/qaa/quality-code/higher-education-credit-framework-for-england.pdf"},
    "alignment": [{"targetName": "FHEQ level 6", "targetFramework": "FHEQ",
                   "targetCode": "6",
                   "targetUrl": "https://www.qaa.ac.uk/the-quality-code/qualifications-frameworks"}],
    "resultDescription": [
        {"key": "lo1", "name": "Clean and reshape tabular data", "resultType": "Percent",
         "requiredValue": "40", "valueMin": "0", "valueMax": "100"},
        {"key": "lo2", "name": "Communicate findings", "resultType": "RubricCriterionLevel",
         "rubricCriterionLevel": [{"key": "fail", "name": "Not yet"},
                                  {"key": "pass", "name": "Pass"},
                                  {"key": "merit", "name": "Merit"}],
         "requiredLevel": "pass"},
    ],
    "inLanguage": "en-GB",
    "version": "2025.1",
}


def make_achievement(client: TestClient, headers: dict[str, str], slug: str = "uni",
                     **changes: Any) -> dict[str, Any]:
    response = client.post(f"/issuers/{slug}/achievements", headers=headers,
                           json={**MICRO_CREDENTIAL, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def assessment(achievement_id: str, ref: str = "lms-42", **changes: Any) -> dict[str, Any]:
    return {
        "achievementId": achievement_id,
        "recipient": {"email": "Learner@Example.org", "name": "Ada Learner"},
        "results": [{"resultDescription": "lo1", "value": "72"},
                    {"resultDescription": "lo2", "achievedLevel": "merit"}],
        "creditsEarned": 15,
        "activityStartDate": "2025-01-13T09:00:00Z",
        "activityEndDate": "2025-03-28T17:00:00Z",
        "evidence": [{"id": "https://lms.example.ac.uk/submissions/981",
                      "name": "Project report"}],
        "assessmentRef": ref,
        **changes,
    }
