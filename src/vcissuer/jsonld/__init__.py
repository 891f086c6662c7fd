"""JSON-LD for signing: bundled contexts only, safe-mode expansion, fast RDFC-1.0."""

from vcissuer.jsonld.canon import (
    Canonicalizer,
    DocumentCanonicalizer,
    PlainCanonicalizer,
    canonicalize,
    default_canonicalizer,
    plain_canonicalize,
)
from vcissuer.jsonld.loader import (
    DocumentLoader,
    StaticDocumentLoader,
    bundled_loader,
    contexts_dir,
)

__all__ = [
    # canonicalization
    "Canonicalizer",
    "DocumentCanonicalizer",
    "PlainCanonicalizer",
    "canonicalize",
    "default_canonicalizer",
    "plain_canonicalize",
    # contexts
    "DocumentLoader",
    "StaticDocumentLoader",
    "bundled_loader",
    "contexts_dir",
]
