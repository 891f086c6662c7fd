"""PNG baking against the 1EdTech samples, with chunks walked independently of the code."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest

from vcissuer.baking import BakingError, NotBakedError, bake_png, unbake_png

BAKED = Path(__file__).parents[1] / "vectors/1edtech-validator-ob30/baked"
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:6f1f6a3c-8a0c-4a4e-9b61-1c2d3e4f5a6b",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Zürich — ✓ badge",
    "proof": [{"type": "DataIntegrityProof", "proofValue": "z3abc"}],
}
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"


# --- an independent chunk walker and PNG maker (deliberately not the implementation's) --------


def walk(png: bytes) -> list[tuple[bytes, bytes, bool]]:
    """(type, data, crc ok) for every chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        kind = png[offset + 4:offset + 8]
        data = png[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length:offset + 12 + length])
        chunks.append((kind, data, zlib.crc32(kind + data) == crc))
        offset += 12 + length
    return chunks


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png(*extra: bytes) -> bytes:
    """A valid 1x1 greyscale PNG, with ``extra`` chunks after IHDR."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + b"".join(extra)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def badge_chunks(png: bytes) -> list[bytes]:
    return [data for kind, data, _ in walk(png)
            if kind in (b"iTXt", b"tEXt", b"zTXt") and data.startswith(b"openbadgecredential\0")]


# --- the 1EdTech samples ----------------------------------------------------------------------


def test_json_sample_unbakes_to_a_credential_with_a_proof() -> None:
    credential = unbake_png((BAKED / "simple-json.png").read_bytes())
    assert isinstance(credential, dict)
    assert "proof" in credential
    assert "OpenBadgeCredential" in credential["type"]


@pytest.mark.parametrize("name", ["simple-jwt.png", "simple-jwt_v1.png"])
def test_jwt_samples_unbake_to_a_compact_jws(name: str) -> None:
    token = unbake_png((BAKED / name).read_bytes())
    assert isinstance(token, str)
    assert token.count(".") == 2
    assert token.startswith("eyJ")


@pytest.mark.parametrize("name", ["simple-json.png", "simple-jwt.png", "simple-jwt_v1.png"])
def test_rebaking_a_sample_keeps_one_chunk_and_every_other_chunk(name: str) -> None:
    original = (BAKED / name).read_bytes()
    credential = unbake_png(original)
    rebaked = bake_png(original, credential)
    assert unbake_png(rebaked) == credential
    assert len(badge_chunks(rebaked)) == 1
    others = [(k, d) for k, d, _ in walk(original) if not d.startswith(b"openbadgecredential\0")]
    assert [(k, d) for k, d, _ in walk(rebaked)
            if not d.startswith(b"openbadgecredential\0")] == others


# --- our bake, checked byte by byte -----------------------------------------------------------


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS], ids=["json", "jws"])
def test_chunk_bytes(credential: dict | str) -> None:
    baked = bake_png(tiny_png(), credential)
    chunks = walk(baked)
    assert all(ok for _, _, ok in chunks)
    assert [k for k, _, _ in chunks] == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    data = chunks[1][1]
    keyword, rest = data.split(b"\0", 1)
    assert keyword == b"openbadgecredential"
    assert rest[:2] == b"\0\0"  # compression flag 0, compression method 0
    assert rest[2:4] == b"\0\0"  # empty language tag and translated keyword, each NUL-ended
    text = rest[4:].decode("utf-8")
    if isinstance(credential, str):
        assert text == credential
    else:
        assert json.loads(text) == credential
        assert "Zürich — ✓" in text  # UTF-8, not \u escapes
        assert ", " not in text and ": " not in text  # compact


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS], ids=["json", "jws"])
def test_round_trip(credential: dict | str) -> None:
    assert unbake_png(bake_png(tiny_png(), credential)) == credential


def test_baking_twice_leaves_exactly_one_chunk() -> None:
    once = bake_png(tiny_png(), CREDENTIAL)
    twice = bake_png(once, JWS)
    assert len(badge_chunks(twice)) == 1
    assert unbake_png(twice) == JWS
    assert bake_png(twice, JWS) == twice


def test_stray_text_chunks_with_the_keyword_are_replaced_too() -> None:
    stray = chunk(b"tEXt", b"openbadgecredential\0old")
    baked = bake_png(tiny_png(stray, stray), CREDENTIAL)
    assert len(badge_chunks(baked)) == 1


def test_other_text_chunks_survive() -> None:
    comment = chunk(b"tEXt", b"Comment\0made by hand")
    baked = bake_png(tiny_png(comment), CREDENTIAL)
    assert (b"tEXt", b"Comment\0made by hand", True) in walk(baked)


def test_a_compressed_chunk_is_read() -> None:
    text = zlib.compress(json.dumps(CREDENTIAL).encode())
    itxt = chunk(b"iTXt", b"openbadgecredential\0\x01\x00en\0\0" + text)
    assert unbake_png(tiny_png(itxt)) == CREDENTIAL


def test_the_first_chunk_wins() -> None:
    first = chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + JWS.encode())
    second = chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + json.dumps(CREDENTIAL).encode())
    assert unbake_png(tiny_png(first, second)) == JWS


def test_string_credential_must_be_a_jws() -> None:
    with pytest.raises(ValueError, match="compact JWS"):
        bake_png(tiny_png(), json.dumps(CREDENTIAL))
    with pytest.raises(TypeError):
        bake_png(tiny_png(), 42)  # type: ignore[arg-type]


# --- negative block: malformed input is a BakingError, never an IndexError --------------------


def test_not_baked() -> None:
    with pytest.raises(NotBakedError):
        unbake_png(tiny_png())


@pytest.mark.parametrize("cut", [8, 12, 20, 33, 40, -12, -1])
def test_truncated(cut: int) -> None:
    png = bake_png(tiny_png(), CREDENTIAL)
    with pytest.raises(BakingError):
        unbake_png(png[:cut])
    with pytest.raises(BakingError):
        bake_png(png[:cut], CREDENTIAL)


def test_truncated_sample_inside_the_credential_chunk() -> None:
    png = (BAKED / "simple-json.png").read_bytes()
    with pytest.raises(BakingError, match="truncated"):
        unbake_png(png[:-100])


def test_bad_crc() -> None:
    png = bytearray(bake_png(tiny_png(), CREDENTIAL))
    png[50] ^= 0xFF  # inside the iTXt data (IHDR ends at 33, iTXt data starts at 41)
    with pytest.raises(BakingError, match="CRC"):
        unbake_png(bytes(png))


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"<svg/>", b"\x89PNG\r\n\x1a"])
def test_not_a_png(data: bytes) -> None:
    with pytest.raises(BakingError, match=r"not a PNG|truncated"):
        unbake_png(data)


def test_first_chunk_must_be_ihdr() -> None:
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IDAT", b"") + chunk(b"IEND", b"")
    with pytest.raises(BakingError, match="IHDR"):
        unbake_png(png)


def test_absurd_chunk_length() -> None:
    png = tiny_png()[:33] + b"\xff\xff\xff\xffiTXt"
    with pytest.raises(BakingError):
        unbake_png(png)


@pytest.mark.parametrize(
    "itxt",
    [
        b"openbadgecredential\0",  # no compression fields
        b"openbadgecredential\0\0\0" + b"no separators",
        b"openbadgecredential\0\x02\0\0\0{}",  # flag 2
        b"openbadgecredential\0\x01\x01\0\0xx",  # unknown method
        b"openbadgecredential\0\x01\0\0\0not zlib",
        b"openbadgecredential\0\0\0\0\0\xff\xfe",  # not UTF-8
        b"openbadgecredential\0\0\0\0\0not a credential",
        b"openbadgecredential\0\0\0\0\0{not json",
        b"openbadgecredential\0\0\0\0\0" + b"[" * 100_000 + b"]" * 100_000,
        b"openbadgecredential\0\0\0\0\0{" + b'"a":[' * 100_000,
    ],
)
def test_malformed_credential_chunk(itxt: bytes) -> None:
    with pytest.raises(BakingError):
        unbake_png(tiny_png(chunk(b"iTXt", itxt)))


def test_compression_bomb() -> None:
    bomb = zlib.compress(b" " * (9 * 1024 * 1024), 9)
    with pytest.raises(BakingError, match="too large"):
        unbake_png(tiny_png(chunk(b"iTXt", b"openbadgecredential\0\x01\0\0\0" + bomb)))
