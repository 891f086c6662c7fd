"""What a resolved verification method is, and the protocol that resolves one.

https://www.w3.org/TR/cid-1.0/#retrieve-verification-method
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from vcissuer.keys.base import Verifier

ASSERTION_METHOD = "assertionMethod"
AUTHENTICATION = "authentication"


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """A verification method, checked against its controller document, ready to verify."""

    id: str
    type: str
    controller: str
    verifier: Verifier
    document: Mapping[str, Any] = field(default_factory=dict, repr=False)


class VerificationMethodResolver(Protocol):
    """Resolves a verification method URL for a proof purpose (synchronous, no I/O at call time).

    Raises :class:`vcissuer.errors.ResolutionError` when the URL cannot be resolved or the
    method is not authorised for ``purpose`` in its controller document.
    """

    def resolve(self, url: str, *, purpose: str) -> VerificationMethod: ...
