"""All queries of the service, one repository per aggregate, each over a caller-owned session."""

from __future__ import annotations

from vcissuer.store.repositories.achievements import AchievementRepository
from vcissuer.store.repositories.audit import AuditRepository
from vcissuer.store.repositories.clients import (
    TOKEN_PREFIX,
    ApiClientRepository,
    IssuedApiKey,
    hash_token,
)
from vcissuer.store.repositories.credentials import (
    CredentialRepository,
    StoredCredential,
    Transition,
    TransitionOutcome,
)
from vcissuer.store.repositories.deployment import DeploymentCheckRepository
from vcissuer.store.repositories.images import ImageRepository
from vcissuer.store.repositories.issuers import IssuerRepository
from vcissuer.store.repositories.keys import IssuerKeyRepository
from vcissuer.store.repositories.status_lists import (
    StatusKind,
    StatusListRepository,
    StatusSlot,
    get_bit,
    get_status,
)

__all__ = [
    "TOKEN_PREFIX",
    "AchievementRepository",
    "ApiClientRepository",
    "AuditRepository",
    "CredentialRepository",
    "DeploymentCheckRepository",
    "ImageRepository",
    "IssuedApiKey",
    "IssuerKeyRepository",
    "IssuerRepository",
    "StatusKind",
    "StatusListRepository",
    "StatusSlot",
    "StoredCredential",
    "Transition",
    "TransitionOutcome",
    "get_bit",
    "get_status",
    "hash_token",
]
