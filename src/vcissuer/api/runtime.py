"""Getting a worker process ready to serve: warm caches, then spare the collector the heap.

CPython's cyclic collector walks every tracked object on a full collection. A worker's heap is
mostly what it builds once (modules, processed JSON-LD contexts, the ORM's mappings), and a
full pass over it stalled requests for 85-117 ms several times a minute under steady load
(bench/bench_issuing.py, measured with gc.callbacks). :func:`prepare_worker` builds those
once, then ``gc.freeze()`` moves them out of the collector's sight; what requests allocate
afterwards is collected as before.
"""

from __future__ import annotations

import gc

from vcissuer.credentials.contexts import OPEN_BADGE_CONTEXT
from vcissuer.issuance.context import Services

__all__ = ["prepare_worker"]

# Touches the contexts credentials are signed with, and their type-scoped contexts.
_WARM_UP = {
    "@context": OPEN_BADGE_CONTEXT,
    "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "warm-up"},
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {"id": "urn:uuid:00000000-0000-4000-8000-000000000001",
                        "type": ["Achievement"], "name": "warm-up",
                        "criteria": {"narrative": "warm-up"}},
        "result": [{"type": ["Result"], "value": "1"}],
    },
}


def prepare_worker(services: Services) -> None:
    """Warm the canonicalizer, then freeze everything built so far out of the collector."""
    services.canonicalizer.canonicalize(_WARM_UP)
    gc.collect()
    gc.freeze()
