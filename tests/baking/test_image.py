"""Format sniffing: bake/unbake pick PNG or SVG from the bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from vcissuer.baking import BakingError, bake, image_format, unbake

BAKED = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30/baked"
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize("path", sorted(BAKED.iterdir()), ids=lambda p: p.name)
def test_every_sample_unbakes_and_rebakes(path: Path) -> None:
    data = path.read_bytes()
    assert image_format(data) == path.suffix[1:]
    credential = unbake(data)
    assert isinstance(credential, dict | str)
    assert unbake(bake(data, JWS)) == JWS
    assert unbake(bake(bake(data, JWS), credential)) == credential


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"\xff\xd8\xff\xe0JFIF", b"plain text"])
def test_unknown_formats(data: bytes) -> None:
    with pytest.raises(BakingError, match="neither PNG nor SVG"):
        unbake(data)


def test_svg_sniffing() -> None:
    assert image_format(b'\xef\xbb\xbf<?xml version="1.0"?><svg/>') == "svg"
    assert image_format(b"  <svg/>") == "svg"
    with pytest.raises(TypeError):
        image_format("<svg/>")  # type: ignore[arg-type]
