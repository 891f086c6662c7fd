"""The tables, as typed ORM records. Every tenant-owned row carries ``issuer_id``.

Nothing is ever deleted: revocation is a state change plus an audit row, a retired key stays
for the DID document, a status index once given is never given again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from vcissuer.store.enums import (
    AchievementStatus,
    CredentialFormat,
    CredentialState,
    KeyStatus,
    StatusPurpose,
)
from vcissuer.store.types import JSON_DOCUMENT, UtcDateTime

__all__ = [
    "MIN_STATUS_LIST_SIZE",
    "AchievementRecord",
    "ApiClientRecord",
    "AuditRecord",
    "Base",
    "CredentialRecord",
    "AchievementRevisionRecord",
    "ImageRecord",
    "IssuerKeyRecord",
    "IssuerRecord",
    "StatusIndexRecord",
    "StatusListRecord",
    "new_id",
]

# Bitstring Status List section 6.1: at least 16 KiB uncompressed, for group privacy.
MIN_STATUS_LIST_SIZE = 131_072

# Deterministic constraint names, so later migrations can address them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(36)  # a UUID in its canonical text form


def new_id() -> str:
    """A fresh random UUID: ids that end up in public URLs must be unguessable."""
    return str(uuid.uuid4())


def _enum(enum_class: type[Any], name: str) -> Enum:
    # VARCHAR + CHECK rather than a native PostgreSQL enum: adding a value later is then a plain
    # migration on both databases. The stored words are the enum values ("active"), not names.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base holding the metadata Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON_DOCUMENT,
        list[str]: JSON_DOCUMENT,
    }


class IssuerRecord(Base):
    """A tenant: an issuing organisation with an OB 3.0 Profile and a DID."""

    __tablename__ = "issuers"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    did: Mapped[str] = mapped_column(String(512), unique=True)
    # The Profile fields (name, url, email, description, image ...) as published.
    profile: Mapped[dict[str, Any]]
    # Also publish a 1EdTech Revocation List of revoked credential ids.
    revocation_list_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime]
    updated: Mapped[datetime]


class IssuerKeyRecord(Base):
    """An issuer's signing key: the private half lives in the key store under ``key_name``."""

    __tablename__ = "issuer_keys"
    __table_args__ = (
        # Exactly one active key per issuer, decided by the database.
        Index(
            "uq_issuer_keys_one_active",
            "issuer_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"), index=True)
    key_name: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(32))
    public_multibase: Mapped[str] = mapped_column(Text)
    verification_method: Mapped[str] = mapped_column(String(1024))
    status: Mapped[KeyStatus] = mapped_column(_enum(KeyStatus, "key_status"))
    created: Mapped[datetime]


class AchievementRecord(Base):
    """A micro-credential definition: the OB 3.0 Achievement exactly as published (its current
    revision; every revision is kept in ``achievement_revisions``)."""

    __tablename__ = "achievements"
    __table_args__ = (
        # One definition per humanCode + version of an issuer (NULL: no humanCode, no clash).
        Index(None, "issuer_id", "definition_key", unique=True),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"), index=True)
    document: Mapped[dict[str, Any]]
    # Which status purposes its credentials get (OB 3.0 allows one credentialStatus).
    revocable: Mapped[bool] = mapped_column(Boolean, default=True)
    suspendable: Mapped[bool] = mapped_column(Boolean, default=False)
    # 1 at creation, +1 on every update of the document.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    status: Mapped[AchievementStatus] = mapped_column(
        _enum(AchievementStatus, "achievement_status"), default=AchievementStatus.ACTIVE,
        server_default=text("'active'"))
    # "<humanCode>\x1f<version>" when the definition has a humanCode, else NULL.
    definition_key: Mapped[str | None] = mapped_column(String(1100))
    retired_at: Mapped[datetime | None]
    # A pathway counts its credentials: issuing one checks the learner's pathways. False for
    # an issuer with no pathways, so the issue path then costs nothing more.
    in_pathway: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created: Mapped[datetime]
    updated: Mapped[datetime]


class AchievementRevisionRecord(Base):
    """One revision of an achievement's document, as it was published (append-only)."""

    __tablename__ = "achievement_revisions"

    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict[str, Any]]
    created: Mapped[datetime]


class ImageRecord(Base):
    """A badge image or logo uploaded by an issuer, checked (PNG) or found safe (SVG), served
    at ``/images/<id>.<png|svg>``. Never changed: a new upload is a new image."""

    __tablename__ = "images"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"), index=True)
    media_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[datetime]


class StatusListRecord(Base):
    """One Bitstring Status List of an issuer, and the last list credential signed over it."""

    __tablename__ = "status_lists"
    __table_args__ = (
        CheckConstraint("size > 0 AND size % 8 = 0", name="size_whole_bytes"),
        CheckConstraint("allocated >= 0 AND allocated <= size", name="allocated_in_range"),
        Index(None, "issuer_id", "purpose"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    purpose: Mapped[StatusPurpose] = mapped_column(_enum(StatusPurpose, "status_purpose"))
    # Entries (indices), not bits: the bitstring holds size * status_size bits.
    size: Mapped[int] = mapped_column(Integer)
    # Bits per entry (BSL ``statusSize``); 1 for every list made before multi-bit status.
    status_size: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Shadow-bit layout (docs/DESIGN.md, status entries): credentials get only indices in
    # [size/2, size), and bit position i mirrors whether entry i is non-zero, for readers
    # that ignore statusSize. False for every list made before migration 0005_shadow.
    shadow: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Indices given out; a shadow list is full at size/2.
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    # Uncompressed; index 0 is the most significant bit of the first byte.
    bitstring: Mapped[bytes] = mapped_column(LargeBinary)
    # Bumped on every bit change, so a signed copy knows whether it is stale.
    version: Mapped[int] = mapped_column(Integer, default=0)
    signed_credential: Mapped[str | None] = mapped_column(Text)
    signed_version: Mapped[int | None] = mapped_column(Integer)
    signed_valid_until: Mapped[datetime | None]
    etag: Mapped[str | None] = mapped_column(String(128))
    created: Mapped[datetime]
    updated: Mapped[datetime]


class StatusIndexRecord(Base):
    """An index given out from a status list; the primary key makes it impossible to give twice.

    Allocated in its own short transaction before the credential is signed, so an index whose
    credential was never stored is simply never used again.
    """

    __tablename__ = "status_list_indices"

    status_list_id: Mapped[str] = mapped_column(ForeignKey("status_lists.id"), primary_key=True)
    status_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    allocated_at: Mapped[datetime]


class CredentialRecord(Base):
    """An issued credential: ``signed`` holds the exact text the holder received.

    The other columns are copies of what the signed text says, for queries only.
    """

    __tablename__ = "credentials"
    __table_args__ = (
        # Idempotency: one credential per assessment reference of an issuer (NULLs never clash).
        UniqueConstraint("issuer_id", "assessment_ref"),
        UniqueConstraint("status_list_id", "status_index"),
        # Only indices that were really allocated; skipped when either column is NULL.
        ForeignKeyConstraint(
            ["status_list_id", "status_index"],
            ["status_list_indices.status_list_id", "status_list_indices.status_index"],
        ),
        # Keyset pagination in (created, id) order, within each listing filter.
        Index(None, "issuer_id", "created", "id"),
        Index(None, "issuer_id", "achievement_id", "created", "id"),
        Index(None, "issuer_id", "recipient_hash", "created", "id"),
        Index(None, "issuer_id", "state"),
        Index(None, "issuer_id", "vc_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    # NULL for caller-supplied credentials signed through VC-API.
    achievement_id: Mapped[str | None] = mapped_column(ForeignKey("achievements.id"))
    # A deterministic lookup hash of the recipient made by the issuance layer; never plaintext.
    recipient_hash: Mapped[str | None] = mapped_column(String(128))
    assessment_ref: Mapped[str | None] = mapped_column(String(255))
    signed: Mapped[str] = mapped_column(Text)
    format: Mapped[CredentialFormat] = mapped_column(_enum(CredentialFormat, "credential_format"))
    state: Mapped[CredentialState] = mapped_column(
        _enum(CredentialState, "credential_state"), default=CredentialState.ACTIVE
    )
    status_list_id: Mapped[str | None] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int | None] = mapped_column(Integer)
    # The credential's own ``id`` (or VC-API ``options.credentialId``) for credentials signed
    # through VC-API, so ``POST /credentials/status`` can find them; NULL otherwise.
    vc_id: Mapped[str | None] = mapped_column(String(1000))
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    created: Mapped[datetime]
    # The achievement's revision the credential was issued under.
    achievement_revision: Mapped[int | None] = mapped_column(Integer)
    # Keyed digests of the assessment record's fields (issuance/fingerprint.py): a retry with
    # the same assessmentRef but other content is told apart from a true retry.
    request_fingerprint: Mapped[dict[str, Any] | None]


class CredentialLookupRecord(Base):
    """A further recipient lookup hash of a credential whose recipient has several identifiers
    (the first is ``credentials.recipient_hash``), so a listing finds it by any of them."""

    __tablename__ = "credential_lookups"
    __table_args__ = (Index(None, "issuer_id", "lookup_hash"),)

    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"), primary_key=True)
    lookup_hash: Mapped[str] = mapped_column(String(128), primary_key=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))


class ApiClientRecord(Base):
    """An API key holder. Only a SHA-256 of the key is kept; ``key_prefix`` finds the row."""

    __tablename__ = "api_clients"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    # NULL for an admin client, which belongs to no issuer.
    issuer_id: Mapped[str | None] = mapped_column(ForeignKey("issuers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key_prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]]
    created: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Written at most about once a minute per key (see issuance/access.py).
    last_used_at: Mapped[datetime | None]
    rotated_at: Mapped[datetime | None]


class AuditRecord(Base):
    """Who did what to which subject, when and why. Append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index(None, "issuer_id", "at", "id"),
        Index(None, "subject"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    issuer_id: Mapped[str | None] = mapped_column(ForeignKey("issuers.id"))
    # The API client id, or e.g. "cli" for the operator's command line.
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class DeploymentCheckRecord(Base):
    """A value every node of a deployment must agree on, as a digest the first node wrote
    (e.g. a keyed digest proving which recipient lookup key the database was written with).
    Never a secret itself."""

    __tablename__ = "deployment_checks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(128))
    created: Mapped[datetime]
