"""Verification: the pipeline and its report (results, not exceptions), and the network half.

The pipeline (:func:`verify_credential`, :func:`verify_presentation`) is synchronous and does no
I/O; :class:`Verifier` fetches keys, status lists and schemas first (async, through the guarded
fetcher of :mod:`vcissuer.net`), then runs the pipeline in a worker thread.
"""

from vcissuer.verify.credential_status import StatusListCache, check_credential_status
from vcissuer.verify.documents import Retrieved
from vcissuer.verify.endorsements import MAX_ENDORSEMENTS, embedded_endorsements
from vcissuer.verify.pipeline import DEFAULT_ENDORSEMENT_DEPTH, issuer_id, verify_credential
from vcissuer.verify.presentation import verify_presentation
from vcissuer.verify.report import (
    Check,
    Outcome,
    PresentationReport,
    Verdict,
    VerificationReport,
)
from vcissuer.verify.retrieval import Retrieval, Retriever, credentials_in
from vcissuer.verify.service import (
    MAX_CREDENTIAL_BYTES,
    FetchedCredential,
    NotACredential,
    Verifier,
    parse_credential_bytes,
)
from vcissuer.verify.structure import check_structure
from vcissuer.verify.validity import DEFAULT_SKEW, check_validity_period

__all__ = [
    # pipeline
    "DEFAULT_ENDORSEMENT_DEPTH",
    "DEFAULT_SKEW",
    "MAX_ENDORSEMENTS",
    "issuer_id",
    "verify_credential",
    "verify_presentation",
    # checks
    "StatusListCache",
    "check_credential_status",
    "check_structure",
    "check_validity_period",
    "embedded_endorsements",
    # reports
    "Check",
    "Outcome",
    "PresentationReport",
    "Verdict",
    "VerificationReport",
    # network half
    "MAX_CREDENTIAL_BYTES",
    "FetchedCredential",
    "NotACredential",
    "Retrieval",
    "Retrieved",
    "Retriever",
    "Verifier",
    "credentials_in",
    "parse_credential_bytes",
]
