"""Response headers of the pages and of the downloadable images.

Pages load nothing from elsewhere and run no inline script: the policy allows this origin's
stylesheet and script, images from this origin or ``data:`` URIs, and forms posting back here.
"""

from __future__ import annotations

__all__ = ["CONTENT_SECURITY_POLICY", "DOCS_HEADERS", "DOWNLOAD_HEADERS", "PAGE_HEADERS",
           "PREVIEW_HEADERS", "STATIC_HEADERS"]

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

# The API documentation pages (vcissuer.web.docs): the pages' policy, plus what each tool needs.
# Both fetch the OpenAPI document (and Swagger UI's "Try it out" sends requests) from this
# origin: ``connect-src 'self'``. ReDoc injects its styles as <style> elements
# (styled-components) and runs its search index in a worker made from a blob: URL, so on /redoc
# only, styles may be inline and workers may come from blob:. Nothing is loaded from elsewhere.
_DOCS_POLICY = CONTENT_SECURITY_POLICY + "; connect-src 'self'"
DOCS_HEADERS: dict[str, dict[str, str]] = {
    "swagger": {**PAGE_HEADERS, "Content-Security-Policy": _DOCS_POLICY},
    "redoc": {**PAGE_HEADERS, "Content-Security-Policy": _DOCS_POLICY.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src blob:"},
}
for _headers in DOCS_HEADERS.values():
    _headers.pop("Vary")  # the same page for every client
