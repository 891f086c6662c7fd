"""Documents fetched before verification runs: status lists, revocation lists, schemas.

The pipeline itself does no I/O. The network layer (:mod:`vcissuer.verify.retrieval`) fetches
what a credential names and hands the result over as a :class:`Retrieved`; a URL that could
not be fetched carries the reason, so the report can say why a check could not be made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Retrieved"]


@dataclass(frozen=True, slots=True)
class Retrieved:
    """By URL: parsed documents (a JSON value, or the text of a VC-JWT), their digests, and
    the reasons others could not be fetched."""

    documents: Mapping[str, Any] = field(default_factory=dict)
    failures: Mapping[str, str] = field(default_factory=dict)
    digests: Mapping[str, str] = field(default_factory=dict)

    def document(self, url: str) -> Any | None:
        return self.documents.get(url)

    def failure(self, url: str) -> str | None:
        return self.failures.get(url)

    def digest(self, url: str) -> str | None:
        return self.digests.get(url)

    @classmethod
    def of(cls, documents: Mapping[str, Any]) -> Retrieved:
        """Documents at hand (tests, or a caller that fetched them itself)."""
        return cls(documents=dict(documents))
