"""Issuers (tenants): create, read, update, rotate keys, and their public documents."""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_snake

from vcissuer.credentials.builder import build_profile, image_object
from vcissuer.credentials.contexts import OB_V3P0, VC_V2
from vcissuer.dids import did_key_from_public, did_web_from_url
from vcissuer.issuance.access import MANAGE, Caller, authorize, require_admin
from vcissuer.issuance.context import Services
from vcissuer.issuance.definitions import check_profile
from vcissuer.issuance.errors import Conflict, NotFound
from vcissuer.issuance.images import image_url, published_image, store_upload
from vcissuer.issuance.schemas import IssuerIn, IssuerPatch
from vcissuer.store import (
    DuplicateError,
    IssuerKeyRepository,
    IssuerRecord,
    IssuerRepository,
    new_id,
)
from vcissuer.store.records import IssuerKeyRecord

__all__ = [
    "create_issuer",
    "did_document",
    "issuer_view",
    "load_issuer",
    "profile_document",
    "put_issuer_image",
    "rotate_key",
    "update_issuer",
]

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def load_issuer(services: Services, session: Any, slug: str) -> IssuerRecord:
    issuer = IssuerRepository(session, clock=services.clock).get_by_slug(slug)
    if issuer is None:
        raise NotFound(f"no issuer {slug!r}")
    return issuer


def issuer_view(services: Services, session: Any, issuer: IssuerRecord) -> dict[str, Any]:
    key = IssuerKeyRepository(session).active(issuer_id=issuer.id)
    return {
        "slug": issuer.slug,
        "did": issuer.did,
        "profile": profile_document(issuer),
        "verificationMethod": key.verification_method if key else None,
        "revocationList": issuer.revocation_list_enabled,
    }


def profile_document(issuer: IssuerRecord) -> dict[str, Any]:
    """The issuer's OB 3.0 Profile as published at /issuers/<slug>."""
    return {"@context": [VC_V2, OB_V3P0], **build_profile(issuer.did, issuer.profile)}


def create_issuer(services: Services, body: IssuerIn, *, caller: Caller) -> dict[str, Any]:
    """A new issuer with its first Ed25519 key (admin only)."""
    require_admin(caller)
    name, pair = services.keyring.generate(body.slug)
    if body.did_method == "key":
        did = did_key_from_public(pair.public_multibase)
    else:
        did = did_web_from_url(services.base_url, ["issuers", body.slug])
    fields = body.wire()
    profile = {k: fields[k] for k in ("name", "url", "email", "description") if k in fields}
    with services.db.session_scope() as session:
        try:
            issuer = IssuerRepository(session, clock=services.clock).create(
                slug=body.slug, did=did, profile=profile,
                revocation_list_enabled=body.revocation_list, issuer_id=new_id(),
            )
        except DuplicateError:
            raise Conflict(f"an issuer with slug {body.slug!r} exists already") from None
        if "image" in fields:
            profile["image"] = published_image(services, session, fields["image"],
                                               issuer_id=issuer.id)
            IssuerRepository(session, clock=services.clock).update(issuer.id, profile=profile)
        check_profile(build_profile(did, profile))
        _add_key(services, session, issuer, name, pair.public_multibase)
        return issuer_view(services, session, issuer)


def _add_key(services: Services, session: Any, issuer: IssuerRecord, name: str,
             public_multibase: str) -> IssuerKeyRecord:
    return IssuerKeyRepository(session, clock=services.clock).rotate(
        issuer_id=issuer.id, key_name=name, algorithm="Ed25519",
        public_multibase=public_multibase,
        verification_method=f"{issuer.did}#{public_multibase}",
    )


def update_issuer(services: Services, slug: str, patch: IssuerPatch, *,
                  caller: Caller) -> dict[str, Any]:
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        changes = patch.wire()
        profile = dict(issuer.profile)
        for key in ("name", "url", "email", "description", "image"):
            if key in changes:
                profile[key] = changes[key]
            elif to_snake(key) in patch.model_fields_set:  # sent as null: remove it
                profile.pop(key, None)
        if "image" in changes:
            profile["image"] = published_image(services, session, changes["image"],
                                               issuer_id=issuer.id)
        check_profile(build_profile(issuer.did, profile))
        IssuerRepository(session, clock=services.clock).update(
            issuer.id, profile=profile, revocation_list_enabled=changes.get("revocationList"))
        return issuer_view(services, session, issuer)


def put_issuer_image(services: Services, slug: str, data: bytes, *, media_type: str | None,
                     caption: str | None, caller: Caller) -> dict[str, Any]:
    """Upload the issuer's logo (PNG or SVG bytes); it replaces any earlier one."""
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        record = store_upload(services, session, issuer_id=issuer.id, data=data,
                              media_type=media_type)
        profile = dict(issuer.profile)
        profile["image"] = image_object({"id": image_url(services, record), "caption": caption})
        IssuerRepository(session, clock=services.clock).update(issuer.id, profile=profile)
        return issuer_view(services, session, issuer)


def rotate_key(services: Services, slug: str, *, caller: Caller) -> dict[str, Any]:
    """A new key signs from now on; the old one stays in the DID document (did:web only)."""
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        authorize(caller, issuer_id=issuer.id, scope=MANAGE)
        if issuer.did.startswith("did:key:"):
            raise Conflict("a did:key issuer cannot rotate: its key is its identifier")
    # Made before the write transaction: a backend may write the key in its own (database).
    name, pair = services.keyring.generate(slug)
    with services.db.session_scope() as session:
        issuer = load_issuer(services, session, slug)
        _add_key(services, session, issuer, name, pair.public_multibase)
        return issuer_view(services, session, issuer)


def did_document(services: Services, slug: str) -> dict[str, Any]:
    """The did:web DID document: active and retired keys (compromised ones withdrawn)."""
    with services.db.session_scope(read_only=True) as session:
        issuer = load_issuer(services, session, slug)
        keys = IssuerKeyRepository(session).for_did_document(issuer_id=issuer.id)
        methods = [{"id": k.verification_method, "type": "Multikey", "controller": issuer.did,
                    "publicKeyMultibase": k.public_multibase} for k in keys]
        ids = [m["id"] for m in methods]
        return {"@context": DID_CONTEXT, "id": issuer.did, "verificationMethod": methods,
                "assertionMethod": ids, "authentication": ids}
