"""The public API of vcissuer.dids is what ``__all__`` says, and every name is importable."""

from __future__ import annotations

import vcissuer.dids as dids

EXPECTED = {
    "ASSERTION_METHOD", "AUTHENTICATION", "SUPPORTED_METHOD_TYPES", "VERIFICATION_RELATIONSHIPS",
    "VerificationMethod", "select_verification_method", "split_method_url",
    "verifier_from_method", "verifier_from_multikey",
    "did_key_from_public", "did_web_from_url", "did_web_to_url", "resolve_did_key",
    "CompositeResolver", "DidKeyResolver", "FragmentKeyResolver", "SelectiveResolver",
    "StaticResolver", "VerificationMethodResolver",
}


def test_all_is_the_public_api() -> None:
    assert set(dids.__all__) == EXPECTED
    assert len(dids.__all__) == len(set(dids.__all__))
    for name in dids.__all__:
        assert getattr(dids, name) is not None
