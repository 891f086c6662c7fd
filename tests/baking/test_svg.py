"""SVG baking against the 1EdTech samples; our output checked with a real XML parser."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vcissuer.baking import BakingError, NotBakedError, bake_svg, unbake_svg

BAKED = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30/baked"
OB = "https://purl.imsglobal.org/ob/v3p0"
SVG_NS = "http://www.w3.org/2000/svg"
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:6f1f6a3c-8a0c-4a4e-9b61-1c2d3e4f5a6b",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Zürich <&> \"quotes\" ]]> and ]]]]> too",
    "description": "</openbadges:credential> <!-- --> <![CDATA[ x ]]>",
    "proof": [{"type": "DataIntegrityProof", "proofValue": "z3abc"}],
}
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"
PLAIN = ('<?xml version="1.0" encoding="UTF-8"?>\n'
         '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n'
         '  <circle cx="5" cy="5" r="4"/>\n</svg>\n')


def parsed_credential_elements(svg: str) -> tuple[ET.Element, list[ET.Element]]:
    """Our own output is trusted, so a real parser can check it (no DTD is fetched)."""
    root = ET.fromstring(svg.encode("utf-8"))
    return root, root.findall(f".//{{{OB}}}credential")


# --- the 1EdTech samples ----------------------------------------------------------------------


def test_json_sample_unbakes_to_a_credential_with_a_proof() -> None:
    credential = unbake_svg((BAKED / "simple-json.svg").read_text(encoding="utf-8"))
    assert isinstance(credential, dict)
    assert "proof" in credential


@pytest.mark.parametrize("name", ["simple-jwt.svg", "simple-jwt_v1.svg"])
def test_jwt_samples_unbake_to_a_compact_jws(name: str) -> None:
    token = unbake_svg((BAKED / name).read_bytes())
    assert isinstance(token, str)
    assert token.count(".") == 2


@pytest.mark.parametrize("name", ["simple-json.svg", "simple-jwt.svg", "simple-jwt_v1.svg"])
def test_rebaking_a_sample_keeps_one_element(name: str) -> None:
    original = (BAKED / name).read_text(encoding="utf-8")
    credential = unbake_svg(original)
    rebaked = bake_svg(original, credential)
    assert unbake_svg(rebaked) == credential
    root, elements = parsed_credential_elements(rebaked)
    assert len(elements) == 1
    assert root[0] is elements[0]  # directly after <svg>
    assert rebaked.count("<openbadges:credential") == 1
    assert "<g>" in rebaked and rebaked.rstrip().endswith("</svg>")


# --- our bake ---------------------------------------------------------------------------------


def test_json_goes_in_cdata_and_round_trips() -> None:
    baked = bake_svg(PLAIN, CREDENTIAL)
    root, [element] = parsed_credential_elements(baked)
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root[0] is element
    assert element.get("verify") is None
    assert json.loads(element.text or "") == CREDENTIAL  # the "]]>" split survived
    assert "<![CDATA[" in baked
    assert unbake_svg(baked) == CREDENTIAL
    assert f'xmlns:openbadges="{OB}"' in baked


def test_jws_goes_in_the_verify_attribute() -> None:
    baked = bake_svg(PLAIN, JWS)
    _, [element] = parsed_credential_elements(baked)
    assert element.get("verify") == JWS
    assert not (element.text or "").strip()
    assert unbake_svg(baked) == JWS


def test_baking_twice_leaves_exactly_one_element() -> None:
    once = bake_svg(PLAIN, CREDENTIAL)
    twice = bake_svg(once, JWS)
    _, elements = parsed_credential_elements(twice)
    assert len(elements) == 1
    assert unbake_svg(twice) == JWS
    assert bake_svg(twice, JWS) == twice
    assert bake_svg(bake_svg(twice, CREDENTIAL), JWS) == twice
    assert twice.count(f'xmlns:openbadges="{OB}"') == 1


def test_bytes_in_bytes_out() -> None:
    baked = bake_svg(PLAIN.encode("utf-8"), CREDENTIAL)
    assert isinstance(baked, bytes)
    assert unbake_svg(baked) == CREDENTIAL


def test_self_closing_root_is_opened() -> None:
    baked = bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', JWS)
    root, [element] = parsed_credential_elements(baked)
    assert root[0] is element


def test_prolog_comments_doctype_with_internal_subset() -> None:
    svg = ('\ufeff<?xml version="1.0"?>\n<!-- a <svg> in a comment -->\n'
           '<!DOCTYPE svg [ <!ENTITY name "value with > and ]"> <!-- ] > --> ]>\n'
           "<svg xmlns='http://www.w3.org/2000/svg' data-x='a > b'><g/></svg>")
    baked = bake_svg(svg, CREDENTIAL)
    assert unbake_svg(baked) == CREDENTIAL
    assert baked.startswith(svg[:svg.index("<svg")])


def test_a_wrong_openbadges_namespace_is_corrected() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="urn:wrong"></svg>'
    baked = bake_svg(svg, JWS)
    _, [element] = parsed_credential_elements(baked)
    assert element.get("verify") == JWS
    assert "urn:wrong" not in baked


def test_another_prefix_bound_to_the_ob_namespace_is_found() -> None:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="{OB}">'
           f'<ob:credential verify="{JWS}"/></svg>')
    assert unbake_svg(svg) == JWS
    rebaked = bake_svg(svg, CREDENTIAL)
    assert "<ob:credential" not in rebaked
    assert unbake_svg(rebaked) == CREDENTIAL


def test_references_are_expanded_in_text_and_attributes() -> None:
    head = f'<svg xmlns:openbadges="{OB}">'
    assert unbake_svg(head + '<openbadges:credential verify="eyJ&#46;e&#x2E;c"/></svg>') \
        == "eyJ.e.c"
    body = '{"a": "&lt;b&gt; &amp; &apos;"}'
    assert unbake_svg(head + f"<openbadges:credential>{body}</openbadges:credential></svg>") \
        == {"a": "<b> & '"}


def test_string_credential_must_be_a_jws() -> None:
    with pytest.raises(ValueError, match="compact JWS"):
        bake_svg(PLAIN, "not.a jws")


# --- negative block ---------------------------------------------------------------------------


def test_not_baked() -> None:
    with pytest.raises(NotBakedError):
        unbake_svg(PLAIN)


@pytest.mark.parametrize(
    "svg",
    [
        "",
        "just text",
        '<?xml version="1.0"?>',
        "<!-- only a comment -->",
        '<html><svg xmlns="http://www.w3.org/2000/svg"/></html>',
        "<svg",
        '<svg width="10>',
        "<svg width=10>",
        "<svg width>",
        '<svg a="1"b="2">',
        "<!DOCTYPE svg [ <!ENTITY x 'y'>",
        "<?xml version='1.0'",
        "<!-- unterminated",
    ],
)
def test_no_usable_root(svg: str) -> None:
    with pytest.raises(BakingError):
        unbake_svg(svg)
    with pytest.raises(BakingError):
        bake_svg(svg, JWS)


@pytest.mark.parametrize(
    "body",
    [
        "<openbadges:credential>{}",  # never closed
        "<openbadges:credential><![CDATA[{}</openbadges:credential>",
        "<openbadges:credential><g/></openbadges:credential>",
        "<openbadges:credential>&lol9;</openbadges:credential>",
        "<openbadges:credential>{&}</openbadges:credential>",
        "<openbadges:credential>&#0;</openbadges:credential>",
        "<openbadges:credential>not a credential</openbadges:credential>",
        "<openbadges:credential>[1, 2]</openbadges:credential>",
        '<openbadges:credential verify="not a jws"/>',
        "<openbadges:credential>" + "[" * 200_000 + "</openbadges:credential>",
        "<!-- unterminated <openbadges:credential/>",
        "<![CDATA[ unterminated",
    ],
)
def test_malformed_credential_element(body: str) -> None:
    with pytest.raises(BakingError):
        unbake_svg(f'<svg xmlns:openbadges="{OB}">{body}</svg>')


def test_billion_laughs_is_never_expanded() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    svg = (f"<!DOCTYPE svg [{entities}]><svg xmlns:openbadges=\"{OB}\">"
           "<openbadges:credential>&lol9;</openbadges:credential></svg>")
    with pytest.raises(BakingError, match="never expanded"):
        unbake_svg(svg)


def test_huge_nested_input_is_fast_and_typed() -> None:
    depth = 50_000
    svg = "<svg>" + "<g>" * depth + "</g>" * depth + "</svg>"
    started = time.perf_counter()
    with pytest.raises(NotBakedError):
        unbake_svg(svg)
    baked = bake_svg(svg, JWS)
    assert unbake_svg(baked) == JWS
    assert time.perf_counter() - started < 5


def test_long_attribute_runs_stay_linear() -> None:
    svg = "<svg" + " " * 500_000 + "a='1'>" + "<g" + ' b="x"' * 50_000 + "/></svg>"
    started = time.perf_counter()
    assert unbake_svg(bake_svg(svg, JWS)) == JWS
    assert time.perf_counter() - started < 5


def test_too_large() -> None:
    with pytest.raises(BakingError, match="too large"):
        unbake_svg("<svg>" + " " * (32 * 1024 * 1024) + "</svg>")


def test_not_utf8() -> None:
    with pytest.raises(BakingError, match="UTF-8"):
        unbake_svg(b"<svg>\xff\xfe</svg>")
