"""Proofs too malformed to hand to the Data Integrity algorithms (checked before them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vcissuer.errors import MALFORMED_PROOF_ERROR
from vcissuer.proofs.result import Problem

__all__ = ["malformed_proofs"]

_PROOF_STRINGS = ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue",
                  "created", "expires", "challenge")


def malformed_proofs(document: Mapping[str, Any]) -> list[Problem]:
    """Proof members that must be strings and are not (checked before any proof is verified).

    https://www.w3.org/TR/vc-data-integrity/#verify-proof step 3: a proof whose ``type``,
    ``verificationMethod`` or ``proofPurpose`` is not a string is a MALFORMED_PROOF_ERROR.
    """
    proof = document.get("proof")
    problems = []
    for index, item in enumerate(proof if isinstance(proof, list) else [proof]):
        if proof is None:
            break
        if not isinstance(item, Mapping):
            problems.append(Problem(MALFORMED_PROOF_ERROR, f"proof[{index}] is not an object"))
            continue
        wrong = [k for k in _PROOF_STRINGS if k in item and not isinstance(item[k], str)]
        if wrong:
            problems.append(Problem(MALFORMED_PROOF_ERROR,
                                    f"proof[{index}]: {', '.join(wrong)} must be a string"))
    return problems
