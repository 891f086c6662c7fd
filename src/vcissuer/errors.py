"""Errors of the core, each carrying the spec error code that names it.

Three kinds of failure are kept apart (docs/DESIGN.md):

1. a programming error raises ``TypeError``/``ValueError`` at once;
2. "could not process" (unknown context, unsupported DID method, malformed key) raises a
   :class:`VcError` subclass below, whose ``code`` is a spec error URI;
3. "processed, and it is invalid" (bad signature, expired, revoked) is *returned* in a
   verification result, never raised.

Hierarchy::

    VcError
    ├── DocumentLoaderError      unknown or unloadable JSON-LD context
    ├── SafeModeError            a term, type or IRI that would be silently dropped
    ├── KeyFormatError           malformed Multikey / JWK / PEM
    ├── ResolutionError          a DID or verification method that cannot be resolved
    ├── ProofError               a proof that cannot be created or processed
    └── JwtError                 a VC-JWT that cannot be processed
"""

from __future__ import annotations

SECURITY = "https://w3id.org/security#"
VCDM = "https://www.w3.org/2018/credentials#"

PROOF_GENERATION_ERROR = SECURITY + "PROOF_GENERATION_ERROR"
PROOF_VERIFICATION_ERROR = SECURITY + "PROOF_VERIFICATION_ERROR"
PROOF_TRANSFORMATION_ERROR = SECURITY + "PROOF_TRANSFORMATION_ERROR"
MALFORMED_PROOF_ERROR = SECURITY + "MALFORMED_PROOF_ERROR"
INVALID_DOMAIN_ERROR = SECURITY + "INVALID_DOMAIN_ERROR"
INVALID_CHALLENGE_ERROR = SECURITY + "INVALID_CHALLENGE_ERROR"
INVALID_VERIFICATION_METHOD = SECURITY + "INVALID_VERIFICATION_METHOD"
INVALID_VERIFICATION_METHOD_URL = SECURITY + "INVALID_VERIFICATION_METHOD_URL"
INVALID_CONTROLLED_IDENTIFIER_DOCUMENT = SECURITY + "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT"
INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID = SECURITY + "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID"
INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD = (
    SECURITY + "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"
)
PARSING_ERROR = VCDM + "PARSING_ERROR"
MALFORMED_VALUE_ERROR = VCDM + "MALFORMED_VALUE_ERROR"
CRYPTOGRAPHIC_SECURITY_ERROR = VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR"
RANGE_ERROR = VCDM + "RANGE_ERROR"


class VcError(Exception):
    """A document or key that could not be processed. ``code`` is a spec error URI."""

    code: str = MALFORMED_VALUE_ERROR

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    @property
    def short_code(self) -> str:
        """The code's fragment, e.g. ``PROOF_VERIFICATION_ERROR``."""
        return self.code.rsplit("#", 1)[-1]


class DocumentLoaderError(VcError):
    """A JSON-LD context that is not bundled (the loader never touches the network)."""

    code = PROOF_TRANSFORMATION_ERROR

    def __init__(self, message: str, *, url: str, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.url = url


class SafeModeError(VcError):
    """A term, type or IRI that JSON-LD would silently drop or leave relative."""

    code = PROOF_TRANSFORMATION_ERROR

    def __init__(self, message: str, *, path: str, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.path = path


class KeyFormatError(VcError):
    """A Multikey, JWK or PEM that is malformed or of an unsupported kind."""

    code = INVALID_VERIFICATION_METHOD


class ResolutionError(VcError):
    """A DID or verification method URL that cannot be resolved or does not qualify."""

    code = INVALID_VERIFICATION_METHOD


class ProofError(VcError):
    """A proof that cannot be created or processed (not: a proof that is invalid)."""

    code = MALFORMED_PROOF_ERROR


class JwtError(VcError):
    """A VC-JWT that cannot be parsed or processed."""

    code = PARSING_ERROR


# Findings no spec assigns a code to; named in our own namespace so they are never mistaken
# for a spec code.
VCISSUER = "urn:vcissuer:problem#"
CREDENTIAL_EXPIRED = VCISSUER + "EXPIRED"
CREDENTIAL_NOT_YET_VALID = VCISSUER + "NOT_YET_VALID"
