"""eddsa-rdfc-2022 and Ed25519Signature2020 against the published vectors, byte for byte.

W3C vc-di-eddsa TestVectors (App. B.1) and the 1EdTech OB 3.0 / CLR 2.0 implementation-guide
vectors: canonical document, canonical proof configuration, both hashes, signature, proofValue.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import load_json
from vcissuer.dids import DidKeyResolver, FragmentKeyResolver
from vcissuer.jsonld import canonicalize
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import EddsaRdfc2022, add_proof, verify_proofs
from vcissuer.proofs.suites.base import rdfc_hash_data

W3C = Path(__file__).parents[1] / "vectors/w3c-vc-di-eddsa"
ONE_EDTECH = Path(__file__).parents[1] / "vectors/1edtech-impl-guide-eddsa-rdfc-2022"


def _created(proof: dict) -> datetime:
    return datetime.fromisoformat(proof["created"].replace("Z", "+00:00"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _config(proof: dict, context: object) -> dict:
    return {**{k: v for k, v in proof.items() if k != "proofValue"}, "@context": context}


class TestW3cVector:
    folder = W3C / "eddsa-rdfc-2022"

    def keys(self) -> Ed25519KeyPair:
        pair = load_json(W3C / "keyPair.json")
        return Ed25519KeyPair.from_multikey(pair["publicKeyMultibase"],
                                            pair["privateKeyMultibase"])

    def test_canonical_document_and_hash(self) -> None:
        unsigned = load_json(W3C / "unsigned.json")
        canon = canonicalize(unsigned)
        assert canon == _text(self.folder / "canonDocDataInt.txt")
        assert hashlib.sha256(canon.encode()).hexdigest() == _text(
            self.folder / "docHashDataInt.txt").strip()

    def test_canonical_proof_configuration_and_hash(self) -> None:
        config = load_json(self.folder / "proofConfigDataInt.json")
        canon = canonicalize(config)
        assert canon == _text(self.folder / "proofCanonDataInt.txt")
        assert hashlib.sha256(canon.encode()).hexdigest() == _text(
            self.folder / "proofHashDataInt.txt").strip()

    def test_combined_hash_signature_and_proof_value(self) -> None:
        unsigned = load_json(W3C / "unsigned.json")
        config = load_json(self.folder / "proofConfigDataInt.json")
        options = {k: v for k, v in config.items() if k != "@context"}
        data = EddsaRdfc2022().hash_data(unsigned, options, canonicalizer=_canon())
        assert data.hex() == _text(self.folder / "combinedHashDataInt.txt").strip()
        keys = self.keys()
        signature = keys.signer(config["verificationMethod"]).sign(data)
        assert signature.hex() == _text(self.folder / "sigHexDataInt.txt").strip()
        signed = add_proof(unsigned, signer=keys.signer(config["verificationMethod"]),
                           created=_created(config))
        expected = load_json(self.folder / "signedDataInt.json")["proof"]
        assert signed["proof"][0]["proofValue"] == expected["proofValue"]
        assert signed["proof"][0]["proofValue"] == _text(
            self.folder / "sigBTC58DataInt.txt").strip()
        assert {k: v for k, v in signed.items() if k != "proof"} == unsigned

    def test_signed_vector_verifies(self) -> None:
        signed = load_json(self.folder / "signedDataInt.json")
        result = verify_proofs(signed, resolver=DidKeyResolver())
        assert result.verified, result.all_problems()


def _canon():
    from vcissuer.jsonld import default_canonicalizer

    return default_canonicalizer()


@pytest.mark.parametrize("flavour", ["obv3p0", "clrv2p0"])
class TestOneEdTechVector:
    def test_reproduces_every_intermediate_value(self, flavour: str) -> None:
        folder = ONE_EDTECH / flavour
        unsigned = load_json(folder / "unsigned-credential.json")
        options = load_json(folder / "proof-options.json")
        values = load_json(folder / "intermediate-values.json")
        assert canonicalize(unsigned) == _text(folder / "document-canon.txt")
        assert canonicalize(_config(options, unsigned["@context"])) == _text(
            folder / "proof-canon.txt")
        data = rdfc_hash_data(unsigned, options, canonicalizer=_canon())
        assert data[:32].hex() == values["proofHashHex"]
        assert data[32:].hex() == values["documentHashHex"]
        assert data.hex() == values["dataToSignHex"]

        pair = load_json(folder / "key-pair.json")
        keys = Ed25519KeyPair.from_seed(bytes.fromhex(pair["privateKeyHex"])[:32])
        assert keys.public_multibase == pair["publicKeyMultibase"]
        signed = add_proof(unsigned, signer=keys.signer(options["verificationMethod"]),
                           created=_created(options))
        proof = signed["proof"][0]
        assert proof["proofValue"] == values["proofValue"]
        expected = load_json(folder / "signed-credential.json")["proof"]
        assert proof == (expected[0] if isinstance(expected, list) else expected)

    def test_signed_credential_verifies(self, flavour: str) -> None:
        signed = load_json(ONE_EDTECH / flavour / "signed-credential.json")
        result = verify_proofs(signed, resolver=FragmentKeyResolver(),
                               expected_controller=signed["issuer"]["id"])
        assert result.verified, result.all_problems()


def test_ed25519_signature_2020_vector_verifies() -> None:
    folder = W3C / "Ed25519Signature2020"
    signed = load_json(folder / "signedEdSig.json")
    assert canonicalize({k: v for k, v in signed.items() if k != "proof"}) == _text(
        folder / "canonDocEdSig.txt")
    assert canonicalize(load_json(folder / "proofConfigEdSig.json")) == _text(
        folder / "proofCanonEdSig.txt")
    result = verify_proofs(signed, resolver=DidKeyResolver())
    assert result.verified, result.all_problems()


def test_ed25519_signature_2020_is_verify_only() -> None:
    from vcissuer.errors import ProofError
    from vcissuer.proofs import Ed25519Signature2020

    keys = Ed25519KeyPair.generate()
    with pytest.raises(ProofError, match="verify-only"):
        add_proof(load_json(W3C / "unsigned.json"), signer=keys.signer("did:ex:1#k"),
                  suite=Ed25519Signature2020())
