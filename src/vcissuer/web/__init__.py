"""HTML pages for learners and employers: badge pages, the verify page, issuer and achievement
pages, baked badge images. Templates and static assets ship inside the package (no CDN).

Framework-free: functions here return a :class:`Page` or a :class:`Download`; the API layer
(``vcissuer.api.routes.pages``) routes requests to them and adds the headers.
"""

from vcissuer.web.local import LocalFetcher, page_verifier
from vcissuer.web.negotiation import is_link_preview_agent, prefers_html
from vcissuer.web.pages import (
    DOWNLOAD_KINDS,
    Download,
    Page,
    achievement_page,
    credential_download,
    credential_page,
    credential_preview,
    error_page,
    issuer_page,
    offer_page,
    static_file,
    verify_page,
)
from vcissuer.web.security import DOWNLOAD_HEADERS, PAGE_HEADERS, PREVIEW_HEADERS, STATIC_HEADERS

__all__ = [
    # pages
    "Page",
    "achievement_page",
    "credential_page",
    "error_page",
    "issuer_page",
    "offer_page",
    "verify_page",
    # downloads and assets
    "DOWNLOAD_KINDS",
    "Download",
    "credential_download",
    "credential_preview",
    "static_file",
    # requests and responses
    "DOWNLOAD_HEADERS",
    "PAGE_HEADERS",
    "PREVIEW_HEADERS",
    "STATIC_HEADERS",
    "is_link_preview_agent",
    "prefers_html",
    # verification
    "LocalFetcher",
    "page_verifier",
]
