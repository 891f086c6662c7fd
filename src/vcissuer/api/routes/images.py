"""Uploaded badge images and logos, served from this origin (public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from vcissuer.api.deps import ServicesDep
from vcissuer.issuance import images

router = APIRouter(tags=["images"])

# The request body of the upload routes: the image's bytes, as they are.
IMAGE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "image/png": {"schema": {"type": "string", "format": "binary"}},
    "image/svg+xml": {"schema": {"type": "string"}},
}}}

# Never changed once stored (a new upload is a new id), so cacheable for good. Opened
# directly, an SVG runs no script and loads nothing (it was also checked on upload).
IMAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=31536000, immutable",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


@router.get("/images/{name}", summary="An uploaded badge image or logo (public)",
            response_class=Response,
            responses={200: {"content": {"image/png": {"schema": {"type": "string",
                                                                  "format": "binary"}},
                                         "image/svg+xml": {"schema": {"type": "string"}}}}})
async def image(name: str, services: ServicesDep) -> Response:
    record = await run_in_threadpool(images.public_image, services, name)
    return Response(record.data, media_type=record.media_type,
                    headers={**IMAGE_HEADERS, "ETag": f'"{record.sha256}"'})
