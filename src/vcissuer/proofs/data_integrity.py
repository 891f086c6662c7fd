"""Data Integrity: add a proof, verify proof sets and chains. https://www.w3.org/TR/vc-data-integrity/

The generic algorithms live here once; a :class:`~vcissuer.proofs.suites.base.Cryptosuite`
supplies the transformation, hashing and signature encoding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from vcissuer.clock import Clock, format_datetime, parse_datetime, system_clock
from vcissuer.dids.base import VerificationMethodResolver
from vcissuer.errors import (
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_PROOF_ERROR,
    PROOF_GENERATION_ERROR,
    PROOF_VERIFICATION_ERROR,
    ProofError,
    SafeModeError,
    VcError,
)
from vcissuer.jsonld import DocumentCanonicalizer, default_canonicalizer
from vcissuer.keys.base import Signer
from vcissuer.proofs.purposes import AssertionMethod, ProofPurpose
from vcissuer.proofs.result import Problem, ProofResult, ProofSetResult
from vcissuer.proofs.suites.base import Cryptosuite
from vcissuer.proofs.suites.ed25519_signature_2020 import Ed25519Signature2020
from vcissuer.proofs.suites.eddsa_jcs_2022 import EddsaJcs2022
from vcissuer.proofs.suites.eddsa_rdfc_2022 import EddsaRdfc2022

__all__ = ["DATA_INTEGRITY_V2", "DEFAULT_SUITES", "add_proof", "verify_proofs",
           "with_proof_context"]

# The first signs by default; the verifier picks the one whose matches() accepts the proof.
DEFAULT_SUITES: tuple[Cryptosuite, ...] = (EddsaRdfc2022(), EddsaJcs2022(), Ed25519Signature2020())

DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
# Contexts that define the DataIntegrityProof terms (VC-DI section 2.4; VCDM 2.0 section 4.3).
_DEFINE_PROOF_TERMS = frozenset({
    "https://www.w3.org/ns/credentials/v2",
    DATA_INTEGRITY_V2,
    "https://w3id.org/security/data-integrity/v1",
})

# Resolution failures that mean "the key is not allowed", not "could not find out".
_INVALID_RESOLUTION = {
    INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD,
    INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID,
}


def _proofs_of(document: Mapping[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def _ids(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _chain_input(
    unsecured: dict[str, Any], previous: Any, proofs: Sequence[Any], *, code: str
) -> dict[str, Any]:
    """The document a chained proof signs: the unsecured document plus its previous proofs.

    https://www.w3.org/TR/vc-data-integrity/#add-proof-set-chain step 5,
    #verify-proof-sets-and-chains step 3.
    """
    by_id = {p.get("id"): p for p in proofs if isinstance(p, dict) and "id" in p}
    matching = []
    for proof_id in _ids(previous):
        if proof_id not in by_id:
            raise ProofError(f"previousProof {proof_id!r} is not a proof of this document",
                             code=code)
        matching.append(by_id[proof_id])
    return {**unsecured, "proof": matching}


def with_proof_context(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the Data Integrity v2 context appended when no context it names
    defines the proof terms (a VCDM 1.1 credential or presentation).

    https://www.w3.org/TR/vc-data-integrity/#add-proof with #contexts-and-vocabularies: the
    proof configuration is canonicalized with the document's ``@context``, so that context must
    define ``DataIntegrityProof``, ``cryptosuite``, ``created`` ...; a VCDM 2.0 document's base
    context already does and is never changed. The context is appended last, as the reference
    implementations do.
    """
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [] if context is None else [context]
    if any(isinstance(c, str) and c in _DEFINE_PROOF_TERMS for c in contexts):
        return document
    return {**document, "@context": [*contexts, DATA_INTEGRITY_V2]}


def add_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    suite: Cryptosuite | None = None,
    purpose: ProofPurpose | None = None,
    created: datetime | None = None,
    clock: Clock = system_clock,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    expires: datetime | None = None,
    canonicalizer: DocumentCanonicalizer | None = None,
) -> dict[str, Any]:
    """Secure ``document`` with one more proof (a proof set, or a chain with ``previous_proof``).

    https://www.w3.org/TR/vc-data-integrity/#add-proof — ``proof`` is always an array in the
    output: the OB 3.0 JSON Schema requires one, and VC-DI allows it.
    """
    suite = suite or DEFAULT_SUITES[0]
    purpose = purpose or AssertionMethod()
    canonicalizer = canonicalizer or default_canonicalizer()
    if not suite.can_sign:
        raise ProofError(f"{suite.name} is verify-only", code=PROOF_GENERATION_ERROR)
    if signer.algorithm != suite.algorithm:
        raise ProofError(
            f"{suite.name} needs an {suite.algorithm} key, not {signer.algorithm}",
            code=PROOF_GENERATION_ERROR,
        )
    if not signer.id:
        raise ProofError("the signer has no verification method id", code=PROOF_GENERATION_ERROR)

    existing = _proofs_of(document)
    # One JSON round trip copies faster than copy.deepcopy and refuses non-JSON values early.
    unsecured = _json_copy({k: v for k, v in document.items() if k != "proof"})
    options: dict[str, Any] = suite.proof_options()
    if options.get("type") == "DataIntegrityProof":
        unsecured = with_proof_context(unsecured)
    if proof_id is not None:
        options["id"] = proof_id
    options["created"] = format_datetime(created or clock())
    if expires is not None:
        options["expires"] = format_datetime(expires)
    options["verificationMethod"] = signer.id
    purpose.update(options)
    to_sign = unsecured
    if previous_proof is not None:
        options["previousProof"] = (
            previous_proof if isinstance(previous_proof, str) else list(previous_proof)
        )
        to_sign = _chain_input(unsecured, previous_proof, existing, code=PROOF_GENERATION_ERROR)
    if suite.proof_context and "@context" in unsecured:
        options["@context"] = unsecured["@context"]

    data = suite.hash_data(to_sign, options, canonicalizer=canonicalizer)
    options["proofValue"] = suite.encode_signature(signer.sign(data))
    return {**unsecured, "proof": [*_json_copy(existing), options]}


def _json_copy(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as error:
        raise ProofError(f"the document is not plain JSON: {error}",
                         code=PROOF_GENERATION_ERROR) from None


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolver: VerificationMethodResolver,
    suites: Sequence[Cryptosuite] = DEFAULT_SUITES,
    purpose: ProofPurpose | None = None,
    expected_controller: str | None = None,
    clock: Clock = system_clock,
    canonicalizer: DocumentCanonicalizer | None = None,
) -> ProofSetResult:
    """Verify every proof of ``document`` (a proof set, with chains via ``previousProof``).

    https://www.w3.org/TR/vc-data-integrity/#verify-proof-sets-and-chains — the document is
    verified only when every proof verifies. ``expected_controller`` (the issuer) must control
    each proof's verification method when given.
    """
    purpose = purpose or AssertionMethod()
    canonicalizer = canonicalizer or default_canonicalizer()
    proofs = _proofs_of(document)
    if not proofs:
        return ProofSetResult(problems=(Problem(PROOF_VERIFICATION_ERROR,
                                                "the document has no proof"),))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    results = tuple(
        _verify_one(
            proof, unsecured, proofs, resolver=resolver, suites=suites, purpose=purpose,
            expected_controller=expected_controller, clock=clock, canonicalizer=canonicalizer,
        )
        for proof in proofs
    )
    return ProofSetResult(results=results)


def _verify_one(
    proof: Any,
    unsecured: dict[str, Any],
    proofs: Sequence[Any],
    *,
    resolver: VerificationMethodResolver,
    suites: Sequence[Cryptosuite],
    purpose: ProofPurpose,
    expected_controller: str | None,
    clock: Clock,
    canonicalizer: DocumentCanonicalizer,
) -> ProofResult:
    """https://www.w3.org/TR/vc-data-integrity/#verify-proof for one proof of a set or chain."""
    if not isinstance(proof, dict):
        return ProofResult(proof={}, verified=False, problems=(
            Problem(MALFORMED_PROOF_ERROR, "a proof must be a JSON object"),))
    missing = [k for k in ("type", "verificationMethod", "proofPurpose") if not proof.get(k)]
    if missing:
        return ProofResult(proof=proof, verified=False, problems=(
            Problem(MALFORMED_PROOF_ERROR, f"proof lacks {', '.join(missing)}"),))
    method_url = proof["verificationMethod"]
    suite = next((s for s in suites if s.matches(proof)), None)
    if suite is None:
        kind = proof.get("cryptosuite") or proof.get("type")
        return ProofResult(proof=proof, verified=False, verification_method=method_url,
                           problems=(Problem(PROOF_VERIFICATION_ERROR,
                                             f"unsupported proof type or cryptosuite {kind!r}",
                                             kind="error"),))
    problems = purpose.validate(proof)
    problems += _check_dates(proof, clock)
    controller = None
    try:
        signature = suite.decode_signature(proof.get("proofValue"))
        to_verify = unsecured
        if "previousProof" in proof:
            to_verify = _chain_input(unsecured, proof["previousProof"], proofs,
                                     code=PROOF_VERIFICATION_ERROR)
        method = resolver.resolve(method_url, purpose=proof["proofPurpose"])
        controller = method.controller
        if method.verifier.algorithm != suite.algorithm:
            raise ProofError(
                f"verification method is an {method.verifier.algorithm} key; "
                f"{suite.name} needs {suite.algorithm}",
                code=INVALID_VERIFICATION_METHOD,
            )
        if expected_controller is not None and method.controller != expected_controller:
            problems.append(Problem(
                INVALID_VERIFICATION_METHOD,
                f"verification method controller {method.controller!r} is not the issuer "
                f"{expected_controller!r}",
            ))
        data = suite.hash_data(to_verify, proof, canonicalizer=canonicalizer)
        if not method.verifier.verify(data, signature):
            problems.append(Problem(PROOF_VERIFICATION_ERROR,
                                    "the signature does not match the document"))
    except (ProofError, SafeModeError) as error:
        # A proof or document found malformed: processed, and invalid.
        problems.append(Problem(error.code, error.message))
    except VcError as error:
        kind = "invalid" if error.code in _INVALID_RESOLUTION else "error"
        problems.append(Problem(error.code, error.message, kind=kind))
    return ProofResult(proof=proof, verified=not problems, verification_method=method_url,
                       controller=controller, problems=tuple(problems))


def _check_dates(proof: Mapping[str, Any], clock: Clock) -> list[Problem]:
    problems = []
    for key in ("created", "expires"):
        if key in proof:
            try:
                moment = parse_datetime(proof[key])
            except ValueError as error:
                problems.append(Problem(MALFORMED_PROOF_ERROR, f"proof {key}: {error}"))
                continue
            if key == "expires" and moment < clock():
                problems.append(Problem(PROOF_VERIFICATION_ERROR, "the proof has expired"))
    return problems
