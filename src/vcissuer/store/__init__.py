"""Storage: the only package that imports SQLAlchemy and Alembic.

Engine and sessions (``Database``), the records (tables), the repositories (all queries), and
the migrations applied at start-up (``upgrade``). See docs/DESIGN.md section 4.
"""

from __future__ import annotations

import vcissuer.store.custody  # its records join Base.metadata
import vcissuer.store.endorsements  # its records join Base.metadata
import vcissuer.store.pathways  # its records join Base.metadata
import vcissuer.store.progress_links  # its records join Base.metadata
import vcissuer.store.wallet  # noqa: F401 - its records join Base.metadata
from vcissuer.store.engine import Database, make_engine, normalise_url
from vcissuer.store.enums import (
    AchievementStatus,
    ApiScope,
    CredentialFormat,
    CredentialState,
    KeyStatus,
    StatusAction,
    StatusPurpose,
)
from vcissuer.store.errors import DuplicateError, InvalidCursorError, NotFoundError, StoreError
from vcissuer.store.migrate import upgrade
from vcissuer.store.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from vcissuer.store.records import (
    MIN_STATUS_LIST_SIZE,
    AchievementRecord,
    AchievementRevisionRecord,
    ApiClientRecord,
    AuditRecord,
    CredentialRecord,
    ImageRecord,
    IssuerKeyRecord,
    IssuerRecord,
    StatusIndexRecord,
    StatusListRecord,
    new_id,
)
from vcissuer.store.repositories import (
    AchievementRepository,
    ApiClientRepository,
    AuditRepository,
    CredentialRepository,
    DeploymentCheckRepository,
    ImageRepository,
    IssuedApiKey,
    IssuerKeyRepository,
    IssuerRepository,
    StatusKind,
    StatusListRepository,
    StatusSlot,
    StoredCredential,
    Transition,
    TransitionOutcome,
    get_bit,
    get_status,
    hash_token,
)

__all__ = [
    # engine and migrations
    "Database",
    "make_engine",
    "normalise_url",
    "upgrade",
    # vocabularies
    "AchievementStatus",
    "ApiScope",
    "CredentialFormat",
    "CredentialState",
    "KeyStatus",
    "StatusAction",
    "StatusPurpose",
    # errors
    "DuplicateError",
    "InvalidCursorError",
    "NotFoundError",
    "StoreError",
    # records
    "MIN_STATUS_LIST_SIZE",
    "AchievementRecord",
    "AchievementRevisionRecord",
    "ApiClientRecord",
    "AuditRecord",
    "CredentialRecord",
    "ImageRecord",
    "IssuerKeyRecord",
    "IssuerRecord",
    "StatusIndexRecord",
    "StatusListRecord",
    "new_id",
    # repositories
    "AchievementRepository",
    "ApiClientRepository",
    "AuditRepository",
    "CredentialRepository",
    "DeploymentCheckRepository",
    "ImageRepository",
    "IssuerKeyRepository",
    "IssuerRepository",
    "StatusKind",
    "StatusListRepository",
    # repository results
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "IssuedApiKey",
    "Page",
    "StatusSlot",
    "StoredCredential",
    "Transition",
    "TransitionOutcome",
    "get_bit",
    "get_status",
    "hash_token",
]
