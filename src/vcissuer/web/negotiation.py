"""Content negotiation: does a request ask for an HTML page?

The public ids (credentials, issuers, achievements) answer JSON-LD by default. A browser lists
``text/html`` explicitly and ranks it first; programs send ``*/*``, a JSON type, or nothing.
Link-preview crawlers (LinkedIn, Facebook, Slack, X, Teams, WhatsApp, Discord, ...) send
``*/*`` too, but they read a page's Open Graph tags: they are recognised by their user agent and
get the page, while every other client sending ``*/*`` still gets the credential as issued.
https://www.rfc-editor.org/rfc/rfc9110#name-accept
"""

from __future__ import annotations

__all__ = ["LINK_PREVIEW_AGENTS", "is_link_preview_agent", "prefers_html"]

_HTML = frozenset({"text/html", "application/xhtml+xml"})
_DATA = frozenset({
    "application/json", "application/ld+json", "application/vc+ld+json", "application/vc",
    "application/vc+jwt", "application/jwt", "application/did+json", "application/did+ld+json",
    "text/plain",
})


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(",")[:64]:
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def prefers_html(accept: str | None) -> bool:
    """True when ``accept`` names HTML explicitly and ranks it above every data format.

    ``*/*`` counts for neither side, and a tie goes to the data: the JSON answer is the default.
    """
    if not accept:
        return False
    html = data = 0.0
    for media, quality in _ranges(accept):
        if media in _HTML:
            html = max(html, quality)
        elif media in _DATA:
            data = max(data, quality)
    return html > 0 and html > data


# Tokens in the User-Agent of the link-preview fetchers of the sites people share badges on
# (each publishes its agent name). Matched case-insensitively as substrings.
LINK_PREVIEW_AGENTS = (
    "linkedinbot", "facebookexternalhit", "facebookcatalog", "facebot", "meta-externalagent",
    "slackbot", "slack-imgproxy", "twitterbot", "skypeuripreview", "microsoftpreview",
    "teamsbot", "whatsapp", "discordbot", "telegrambot", "applebot", "redditbot",
    "pinterestbot", "mastodon", "embedly", "iframely", "vkshare", "xing-contenttabreceiver",
    "google-pagerenderer", "snapchat", "viber",
)


def is_link_preview_agent(user_agent: str | None) -> bool:
    """True for the user agent of a link-preview crawler (it reads HTML meta tags)."""
    if not user_agent:
        return False
    agent = user_agent[:512].lower()
    return any(token in agent for token in LINK_PREVIEW_AGENTS)
