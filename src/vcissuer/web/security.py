"""Response headers of the pages and of the downloadable images.

Pages load nothing from elsewhere and run no inline script: the policy allows this origin's
stylesheet and script, images from this origin or ``data:`` URIs, and forms posting back here.
"""

from __future__ import annotations

__all__ = ["CONTENT_SECURITY_POLICY", "DOWNLOAD_HEADERS", "PAGE_HEADERS", "PREVIEW_HEADERS",
           "STATIC_HEADERS"]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

PAGE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Credential URLs are unguessable: never send them to the sites a page links to.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # The verification panel is live: a cache may keep the page but must ask again.
    "Cache-Control": "no-cache",
    # Browsers and link-preview crawlers get a page; every other client the credential.
    "Vary": "Accept, User-Agent",
}

# An issuer's SVG image is served from this origin: opened directly it must not run script.
DOWNLOAD_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                               "sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=60",
}

STATIC_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=3600",
}

# The link-preview image changes when the credential is revoked or suspended.
PREVIEW_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=300",
}
