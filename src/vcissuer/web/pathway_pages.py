"""The pathway page (a qualification's rules in plain language) and the learner's progress
page (opened by an unguessable link: never cached, never indexed, no referrer sent)."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.to_thread

from vcissuer.issuance import pathway_pages
from vcissuer.issuance.context import Services
from vcissuer.web.pages import _STATE_WORDS, Page, _chrome
from vcissuer.web.templating import render

__all__ = ["PROGRESS_HEADERS", "pathway_page", "progress_page"]

# The progress link is the learner's: not stored by any cache, not sent on as a referrer,
# not indexed.
PROGRESS_HEADERS: dict[str, str] = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                    "X-Robots-Tag": "noindex, nofollow"}


async def pathway_page(services: Services, pathway_id: str) -> Page:
    view = await anyio.to_thread.run_sync(pathway_pages.public_pathway, services, pathway_id)
    description = f"How to earn {view.target_name} from {view.issuer_name}: " + \
        " ".join(view.rules_text[:2])
    chrome = _chrome(title=f"{view.name} — {view.issuer_name}", description=description,
                     canonical=view.url,
                     og=[("og:type", "website"), ("og:title", view.name),
                         ("og:description", description), ("og:url", view.url)])
    return Page(render("pathway.html", **chrome, view=view,
                       target_page=view.target.replace(services.base_url, "", 1)))


async def progress_page(services: Services, token: str,
                        gate: anyio.CapacityLimiter | None = None) -> Page:
    """Evaluated now (CPU-bound: through the anonymous ``gate``)."""
    view = await anyio.to_thread.run_sync(pathway_pages.progress_for_token, services, token,
                                          limiter=gate)
    chrome: dict[str, Any] = _chrome(title=f"Your progress: {view.pathway.name}",
                                     robots="noindex, nofollow", referrer="no-referrer")
    return Page(render("progress.html", **chrome, view=view, states=_STATE_WORDS,
                       pathway_page=f"/pathways/{view.pathway.id}"))
