"""Verification: the pipeline and its report (results, not exceptions)."""

from vcissuer.verify.pipeline import issuer_id, verify_credential
from vcissuer.verify.report import Check, Outcome, VerificationReport
from vcissuer.verify.validity import DEFAULT_SKEW, check_validity_period

__all__ = [
    "DEFAULT_SKEW",
    "Check",
    "Outcome",
    "VerificationReport",
    "check_validity_period",
    "issuer_id",
    "verify_credential",
]
