"""DIDs and verification methods: did:key, did:web URLs, CID 1.0 selection, resolvers."""

from vcissuer.dids.base import (
    ASSERTION_METHOD,
    AUTHENTICATION,
    VerificationMethod,
    VerificationMethodResolver,
)
from vcissuer.dids.document import (
    VERIFICATION_RELATIONSHIPS,
    select_verification_method,
    split_method_url,
)
from vcissuer.dids.key import did_key_from_public, resolve_did_key
from vcissuer.dids.methods import (
    SUPPORTED_METHOD_TYPES,
    verifier_from_method,
    verifier_from_multikey,
)
from vcissuer.dids.resolver import (
    CompositeResolver,
    DidKeyResolver,
    FragmentKeyResolver,
    SelectiveResolver,
    StaticResolver,
)
from vcissuer.dids.web import did_web_from_url, did_web_to_url

__all__ = [
    # verification methods
    "ASSERTION_METHOD",
    "AUTHENTICATION",
    "SUPPORTED_METHOD_TYPES",
    "VERIFICATION_RELATIONSHIPS",
    "VerificationMethod",
    "select_verification_method",
    "split_method_url",
    "verifier_from_method",
    "verifier_from_multikey",
    # DID methods
    "did_key_from_public",
    "did_web_from_url",
    "did_web_to_url",
    "resolve_did_key",
    # resolvers
    "CompositeResolver",
    "DidKeyResolver",
    "FragmentKeyResolver",
    "SelectiveResolver",
    "StaticResolver",
    "VerificationMethodResolver",
]
