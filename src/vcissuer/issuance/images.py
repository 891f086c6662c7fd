"""Badge images and issuer logos: checked, stored, and served from this service's own origin.

An image arrives as raw bytes (``PUT .../image``) or as a ``data:`` URI in the JSON; either way
it is checked (:func:`vcissuer.baking.inspect.inspect_image`: PNG by signature and chunks, SVG
refused when it could run script or load anything), stored, and named in credentials by its
URL here, ``<base>/images/<id>.png|svg``, as an OB 3.0 Image (``type`` "Image"). An http(s)
URL given by the issuer is published as it is (never fetched by the service).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from vcissuer.baking.inspect import MAX_IMAGE_BYTES, ImageInfo, UnsafeImage, inspect_image
from vcissuer.credentials.builder import image_object
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import FieldError, NotFound, Rejected
from vcissuer.store import ImageRecord, ImageRepository

__all__ = [
    "IMAGE_MEDIA_TYPES",
    "image_url",
    "own_image_bytes",
    "public_image",
    "published_image",
    "store_upload",
]

IMAGE_MEDIA_TYPES = ("image/png", "image/svg+xml")
_DATA_URI = re.compile(r"^data:(image/(?:png|svg\+xml))((?:;[^,;]*)*?)(;base64)?,(.*)$",
                       re.IGNORECASE | re.DOTALL)
_NAME = re.compile(r"^([0-9a-f-]{36})\.(png|svg)$")


def image_url(services: Services, record: ImageRecord) -> str:
    extension = "png" if record.media_type == "image/png" else "svg"
    return f"{services.base_url}/images/{record.id}.{extension}"


def _checked(data: bytes, *, field: str, declared: str | None = None) -> ImageInfo:
    try:
        info = inspect_image(data)
    except UnsafeImage as error:
        raise Rejected("the image was refused",
                       errors=[FieldError(field, error.rule, error.message)]) from None
    if declared is not None and declared != info.media_type:
        raise Rejected("the image is not of the type it says",
                       errors=[FieldError(field, "media-type",
                                          f"declared {declared} but the content is "
                                          f"{info.media_type}")])
    return info


def _decode_data_uri(value: str, *, field: str) -> tuple[str, bytes]:
    match = _DATA_URI.match(value)
    if match is None:
        raise Rejected("the image was refused", errors=[FieldError(
            field, "media-type", "a data: URI image must be image/png or image/svg+xml")])
    media, _, is_base64, payload = match.groups()
    limit = MAX_IMAGE_BYTES * 4 // 3 + 8 if is_base64 else MAX_IMAGE_BYTES * 3
    if len(payload) > limit:
        raise Rejected("the image was refused", errors=[FieldError(
            field, "max-size", f"the image is larger than {MAX_IMAGE_BYTES // 1024} KiB")])
    try:
        data = (base64.b64decode(payload, validate=True) if is_base64
                else unquote_to_bytes(payload))
    except (binascii.Error, ValueError):
        raise Rejected("the image was refused", errors=[FieldError(
            field, "data-uri", "the data: URI is not valid base64")]) from None
    return media.lower(), data


def store_upload(services: Services, session: Any, *, issuer_id: str, data: bytes,
                 media_type: str | None, field: str = "(body)") -> ImageRecord:
    """Check and store an image; ``media_type`` is what the client declared (or None)."""
    declared = media_type.split(";")[0].strip().lower() if media_type else None
    if declared is not None and declared not in IMAGE_MEDIA_TYPES:
        raise Rejected("the image was refused", errors=[FieldError(
            "content-type", "media-type", "send image/png or image/svg+xml")])
    info = _checked(data, field=field, declared=declared)
    return ImageRepository(session, clock=services.clock).add(
        issuer_id=issuer_id, data=data, media_type=info.media_type, width=info.width,
        height=info.height)


def published_image(services: Services, session: Any, value: Any, *, issuer_id: str,
                    field: str = "image") -> dict[str, Any] | None:
    """The OB Image to publish for an ``image`` given in a request (an ImageIn as JSON):
    a ``data:`` URI is checked and stored, and named by its URL here."""
    if value is None:
        return None
    image = image_object(value)
    if not isinstance(image, Mapping) or not isinstance(image.get("id"), str):
        return None
    out = dict(image)
    if out["id"].startswith("data:"):
        media, data = _decode_data_uri(out["id"], field=f"{field}.id")
        record = store_upload(services, session, issuer_id=issuer_id, data=data,
                              media_type=media, field=f"{field}.id")
        out["id"] = image_url(services, record)
    return out


def public_image(services: Services, name: str) -> ImageRecord:
    """The stored image served at ``/images/<name>`` (``<id>.png`` or ``<id>.svg``)."""
    match = _NAME.match(name)
    with services.db.session_scope(read_only=True) as session:
        record = ImageRepository(session).get_public(match.group(1)) if match else None
        if record is None or (match and image_url(services, record).rsplit(".", 1)[1]
                              != match.group(2)):
            raise NotFound(f"no image {name}")
        return record


def own_image_bytes(services: Services, image: Any) -> tuple[str, bytes] | None:
    """``(media type, bytes)`` of an Image stored here (named by its URL here), else None."""
    image_id = image.get("id") if isinstance(image, Mapping) else image
    prefix = f"{services.base_url}/images/"
    if not isinstance(image_id, str) or not image_id.startswith(prefix):
        return None
    try:
        record = public_image(services, image_id[len(prefix):])
    except NotFound:
        return None
    return record.media_type, record.data
