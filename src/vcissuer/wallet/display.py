"""What wallets show of our issuers and achievements, read for the issuer metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vcissuer.issuance.context import Services
from vcissuer.store import AchievementRepository, IssuerRepository
from vcissuer.wallet.metadata import AchievementDisplay, IssuerDisplay

__all__ = ["MAX_ACHIEVEMENTS", "displays"]

# Achievements described per issuer in the metadata (a wallet that finds none for its offer
# shows the generic configuration's display).
MAX_ACHIEVEMENTS = 500
_MAX_TEXT = 1000


def _image(value: Any) -> str | None:
    """An OB 3.0 image (a URI, or an Image object with an id) as a URI."""
    uri = value.get("id") if isinstance(value, Mapping) else value
    return uri if isinstance(uri, str) and uri.startswith(("https://", "data:image/")) else None


def _text(value: Any) -> str | None:
    return " ".join(value.split())[:_MAX_TEXT] if isinstance(value, str) and value.strip() \
        else None


def displays(services: Services) -> tuple[list[IssuerDisplay], list[AchievementDisplay]]:
    """Every issuer's display, and every current achievement's (oldest first)."""
    issuers: list[IssuerDisplay] = []
    achievements: list[AchievementDisplay] = []
    with services.db.session_scope(read_only=True) as session:
        repository = AchievementRepository(session)
        for record in IssuerRepository(session).list():
            issuer = IssuerDisplay(name=_text(record.profile.get("name")) or record.slug,
                                   logo=_image(record.profile.get("image")))
            issuers.append(issuer)
            page = repository.list(issuer_id=record.id, limit=MAX_ACHIEVEMENTS)
            for achievement in page.items:
                if getattr(achievement, "retired", None) or getattr(achievement, "retired_at",
                                                                    None):
                    continue
                document = achievement.document
                achievements.append(AchievementDisplay(
                    uuid=achievement.id, issuer=issuer,
                    name=_text(document.get("name")) or "Open Badge",
                    description=_text(document.get("description")),
                    image=_image(document.get("image"))))
    return issuers, achievements
