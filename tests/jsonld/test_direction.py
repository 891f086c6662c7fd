"""``@direction`` (base direction) is signed: RDFC-1.0 with rdfDirection ``i18n-datatype``.

JSON-LD 1.1 API, Object to RDF Conversion (https://www.w3.org/TR/json-ld11-api/#object-to-rdf-conversion)
step for ``@direction`` with rdfDirection ``i18n-datatype``: the literal's datatype becomes
``https://www.w3.org/ns/i18n#`` + language (lower case, as expansion leaves it) + ``_`` +
direction. eddsa-rdfc-2022 (https://www.w3.org/TR/vc-di-eddsa/#transformation-eddsa-rdfc-2022)
is run with that option by the reference implementation the W3C test suite uses. VCDM 2.0
section 11.1 (Language and Base Direction) shows such value objects on ``name``/``description``.

The expected output here is computed independently: stock pyld ``normalize`` called directly
(not through this project's code) with ``rdfDirection="i18n-datatype"``, plus the literal
datatype IRIs written out by hand.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pyld import jsonld

from vcissuer.dids import DidKeyResolver
from vcissuer.jsonld import Canonicalizer, bundled_loader
from vcissuer.keys import Ed25519KeyPair
from vcissuer.proofs import add_proof, verify_proofs

V2 = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
I18N = "https://www.w3.org/ns/i18n#"


def credential(n: int = 0, *, language: str = "ar") -> dict[str, Any]:
    return {
        "@context": V2,
        "id": f"urn:uuid:7e3c0c0e-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "name": {"@value": f"شهادة الخريجين {n}", "@language": language, "@direction": "rtl"},
        "description": {"@value": f"وصف {n}", "@language": language, "@direction": "rtl"},
        "issuer": {"id": f"did:example:issuer{n}",
                   "name": {"@value": f"جامعة المثال {n}", "@language": language,
                            "@direction": "rtl"}},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": f"did:example:subject{n}",
                              "alumniOf": {"name": {"@value": "Example University",
                                                    "@language": "en", "@direction": "ltr"}}},
    }


def reference(document: dict[str, Any]) -> str:
    """Stock pyld, no memo, no shapes, no safe mode: the independent computation."""
    return jsonld.normalize(copy.deepcopy(document), {
        "algorithm": "URDNA2015", "format": "application/n-quads",
        "documentLoader": bundled_loader(), "rdfDirection": "i18n-datatype"})


CANONICALIZERS = {
    "safe": lambda: Canonicalizer(),
    "plain-mode": lambda: Canonicalizer(safe=False),
    "no-shapes": lambda: Canonicalizer(remember_shapes=False),
    "no-memo": lambda: Canonicalizer(remember_shapes=False, remember_small=False),
}


@pytest.mark.parametrize("make", CANONICALIZERS.values(), ids=CANONICALIZERS.keys())
def test_same_nquads_as_stock_pyld_with_i18n_datatype(make) -> None:
    canonicalizer = make()
    # Several documents of one shape: the second and later go through the shape template.
    for n in range(4):
        document = credential(n)
        assert canonicalizer.canonicalize(document) == reference(document)


def test_open_badge_with_direction_values() -> None:
    """OB 3.0 (type-scoped contexts for Profile and Achievement): @direction on the credential,
    issuer and achievement name/description, each document of the shape like stock pyld."""
    from tests.conftest import VECTORS, load_json

    canonicalizer = Canonicalizer()
    unsigned = load_json(VECTORS / "1edtech-impl-guide-eddsa-rdfc-2022/obv3p0"
                         / "unsigned-credential.json")
    for n in range(3):
        document = copy.deepcopy(unsigned)
        document["name"] = {"@value": f"شارة {n}", "@language": "ar", "@direction": "rtl"}
        document["issuer"]["name"] = {"@value": "جامعة", "@language": "ar", "@direction": "rtl"}
        achievement = document["credentialSubject"]["achievement"]
        achievement["name"] = {"@value": f"إنجاز {n}", "@language": "ar", "@direction": "rtl"}
        achievement["description"] = {"@value": "وصف", "@language": "ar", "@direction": "rtl"}
        nquads = canonicalizer.canonicalize(document)
        assert nquads == reference(document)
        assert f'<{achievement["id"]}> <https://schema.org/name> "إنجاز {n}"^^<{I18N}ar_rtl> .' \
            in nquads


def test_direction_becomes_the_i18n_datatype() -> None:
    nquads = Canonicalizer().canonicalize(credential(1))
    assert f'"شهادة الخريجين 1"^^<{I18N}ar_rtl>' in nquads
    assert f'"وصف 1"^^<{I18N}ar_rtl>' in nquads
    assert f'<did:example:issuer1> <https://schema.org/name> "جامعة المثال 1"^^<{I18N}ar_rtl> .' \
        in nquads
    assert f'"Example University"^^<{I18N}en_ltr>' in nquads
    assert "@ar" not in nquads  # the language moved into the datatype, not a language tag


def test_language_is_lower_cased_and_may_be_absent() -> None:
    document = credential(2, language="AR-EG")
    document["description"] = {"@value": "no language", "@direction": "ltr"}
    nquads = Canonicalizer().canonicalize(document)
    assert nquads == reference(document)
    assert f"<{I18N}ar-eg_rtl>" in nquads
    assert f'"no language"^^<{I18N}_ltr>' in nquads


def test_default_direction_from_the_context() -> None:
    """A @context default (``@direction``, ``@language``) gives plain strings a direction.

    pyld 3.3 (like jsonld.js) does not carry the default direction into a type-scoped context
    (``VerifiableCredential``'s), keeping only the language there: the top-level ``name`` gets
    ``@he``, the untyped ``alumniOf`` node ``he_rtl``. Whatever pyld decides, we match it."""
    canonicalizer = Canonicalizer()
    for n in range(3):
        document = {**credential(n), "@context": [*V2, {"@language": "he", "@direction": "rtl"}],
                    "name": f"תעודה {n}"}
        document["credentialSubject"]["alumniOf"] = {"name": f"אוניברסיטה {n}"}
        nquads = canonicalizer.canonicalize(document)
        assert nquads == reference(document)
        assert f'"אוניברסיטה {n}"^^<{I18N}he_rtl>' in nquads
        assert f'"תעודה {n}"@he' in nquads


def test_direction_changes_the_canonical_form() -> None:
    """Without rdfDirection the direction would be dropped: rtl and ltr would sign alike."""
    rtl = credential(3)
    ltr = copy.deepcopy(rtl)
    ltr["name"]["@direction"] = "ltr"
    canonicalizer = Canonicalizer()
    assert canonicalizer.canonicalize(rtl) != canonicalizer.canonicalize(ltr)


def test_invalid_direction_is_an_error() -> None:
    from vcissuer.errors import VcError

    document = credential(4)
    document["name"]["@direction"] = "up"
    with pytest.raises(VcError, match="invalid JSON-LD"):
        Canonicalizer().canonicalize(document)


def test_sign_and_verify_with_direction() -> None:
    keys = Ed25519KeyPair.generate()
    did = f"did:key:{keys.public_multibase}"
    signer = keys.signer(f"{did}#{keys.public_multibase}")
    document = {**credential(5), "issuer": {**credential(5)["issuer"], "id": did}}
    signed = add_proof(document, signer=signer)
    assert verify_proofs(signed, resolver=DidKeyResolver()).verified

    flipped = copy.deepcopy(signed)
    flipped["issuer"]["name"]["@direction"] = "ltr"
    result = verify_proofs(flipped, resolver=DidKeyResolver())
    assert not result.verified
    assert "signature does not match" in str(result.all_problems())


def test_the_one_walk_conversion_leaves_direction_to_pyld() -> None:
    """jsonld/rdf.py hands documents with @direction to pyld's conversion (rdfDirection set)."""
    from vcissuer.jsonld.rdf import to_dataset

    expanded = Canonicalizer(remember_shapes=False).expand(credential(6))
    assert to_dataset(expanded) is None
    plain = credential(6)
    for key in ("name", "description"):
        plain[key] = plain[key]["@value"]
    plain["issuer"]["name"] = plain["issuer"]["name"]["@value"]
    plain["credentialSubject"]["alumniOf"]["name"] = "Example University"
    assert to_dataset(Canonicalizer(remember_shapes=False).expand(plain)) is not None
