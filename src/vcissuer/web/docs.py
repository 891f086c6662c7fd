"""The API documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served from this origin.

FastAPI's own pages load both tools from a CDN: offline they are blank, and they need a policy
allowing another origin. These pages load the tools' pinned builds from the ``fastapi-offline``
package (its ``static/`` folder; nothing else of it is used) and start them with a script of ours
(no inline script). The policies are in :mod:`vcissuer.web.security`.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

from vcissuer.web.pages import Download, Page
from vcissuer.web.templating import render

__all__ = ["DOCS_ASSETS", "DocsKind", "docs_asset", "docs_page"]

DocsKind = Literal["swagger", "redoc"]

# The only files served from the package, by name, with their media types.
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
}
_ASSET_PACKAGE = "fastapi_offline"
# ReDoc's sidebar credit shows a logo from its CDN (no option turns it off): served with an
# empty inline image in its place, so the page requests nothing from elsewhere and the policy
# reports no violation. The bundle is otherwise byte for byte the package's.
_REWRITES = {
    "redoc.standalone.js": ((b"https://cdn.redoc.ly/redoc/logo-mini.svg",
                             b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"),),
}
_TITLES = {"swagger": "API reference (Swagger UI)", "redoc": "API reference (ReDoc)"}


def docs_page(kind: DocsKind, *, openapi_url: str = "/openapi.json") -> Page:
    """The HTML of /docs or /redoc: the tool's files and our start script, nothing inline."""
    return Page(render("docs.html", kind=kind, title=_TITLES[kind], openapi_url=openapi_url))


@functools.cache
def docs_asset(name: str) -> Download | None:
    """One of the tools' files, by exact name; None for any other name."""
    media = DOCS_ASSETS.get(name)
    if media is None:
        return None
    resource = resources.files(_ASSET_PACKAGE).joinpath("static", name)
    if not resource.is_file():
        return None
    body = resource.read_bytes()
    for old, new in _REWRITES.get(name, ()):
        body = body.replace(old, new)
    return Download(body, media, name)
