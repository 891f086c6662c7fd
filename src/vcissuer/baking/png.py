"""PNG baking: one uncompressed ``iTXt`` chunk with keyword ``openbadgecredential``.

https://www.imsglobal.org/spec/ob/v3p0/#png-baking — chunk layout per PNG 1.2 section 11.3.4.5
(keyword, NUL, compression flag, compression method, language tag, NUL, translated keyword,
NUL, text). Every chunk's length and CRC is checked; nothing here raises IndexError.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from vcissuer.baking.errors import BakingError, NotBakedError
from vcissuer.baking.payload import MAX_PAYLOAD_BYTES, credential_text, parse_credential_text

__all__ = ["KEYWORD", "PNG_SIGNATURE", "bake_png", "unbake_png"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")
_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG 1.2 section 5.3


class Chunk(NamedTuple):
    type: bytes
    data: bytes

    def to_bytes(self) -> bytes:
        crc = zlib.crc32(self.type + self.data)
        return struct.pack(">I", len(self.data)) + self.type + self.data + struct.pack(">I", crc)


def _chunks(png: bytes) -> Iterator[Chunk]:
    """Every chunk from IHDR to IEND, each checked; bytes after IEND are ignored."""
    if not isinstance(png, bytes | bytearray | memoryview):
        raise TypeError("png must be bytes")
    png = bytes(png)
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (bad signature)")
    offset = len(PNG_SIGNATURE)
    first = True
    while True:
        if offset + 8 > len(png):
            raise BakingError("truncated PNG: no IEND chunk")
        length, chunk_type = struct.unpack_from(">I4s", png, offset)
        if length > _MAX_CHUNK_LENGTH:
            raise BakingError("malformed PNG: chunk length out of range")
        if not chunk_type.isalpha() or not chunk_type.isascii():
            raise BakingError("malformed PNG: invalid chunk type")
        end = offset + 8 + length
        if end + 4 > len(png):
            raise BakingError(f"truncated PNG: {chunk_type.decode('ascii')} chunk cut short")
        data = png[offset + 8:end]
        (crc,) = struct.unpack_from(">I", png, end)
        if zlib.crc32(chunk_type + data) != crc:
            raise BakingError(f"corrupt PNG: bad CRC in {chunk_type.decode('ascii')} chunk")
        if first and (chunk_type != b"IHDR" or length != 13):
            raise BakingError("malformed PNG: the first chunk must be IHDR")
        first = False
        yield Chunk(chunk_type, data)
        offset = end + 4
        if chunk_type == b"IEND":
            return


def _keyword(chunk: Chunk) -> bytes | None:
    """The keyword of a text chunk (tEXt, zTXt, iTXt), else None."""
    if chunk.type not in _TEXT_CHUNKS:
        return None
    keyword, separator, _ = chunk.data.partition(b"\0")
    return keyword if separator else None


def _itxt(text: str) -> Chunk:
    # Compression flag 0 and method 0, empty language tag and translated keyword (OB 3.0).
    data = KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    return Chunk(b"iTXt", data)


def bake_png(png: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """``png`` with the credential baked in, right after IHDR; an earlier bake is replaced."""
    baked = _itxt(credential_text(credential))
    out = [PNG_SIGNATURE]
    for chunk in _chunks(png):
        if _keyword(chunk) == KEYWORD:
            continue  # never two: OB 3.0 allows overwriting on re-bake
        out.append(chunk.to_bytes())
        if chunk.type == b"IHDR":
            out.append(baked.to_bytes())
    return b"".join(out)


def unbake_png(png: bytes) -> dict[str, Any] | str:
    """The credential of the first ``openbadgecredential`` iTXt chunk: a dict or a compact JWS.

    https://www.imsglobal.org/spec/ob/v3p0/#png-extracting — a compressed chunk (flag 1,
    method 0) is accepted on read, as PNG readers do.
    """
    # The whole file is checked first: a truncated or corrupt image is an error even when the
    # credential chunk itself is intact.
    for chunk in list(_chunks(png)):
        if chunk.type == b"iTXt" and _keyword(chunk) == KEYWORD:
            return parse_credential_text(_itxt_text(chunk.data))
    raise NotBakedError("the PNG has no openbadgecredential iTXt chunk")


def _itxt_text(data: bytes) -> str:
    rest = data[len(KEYWORD) + 1:]
    if len(rest) < 2:
        raise BakingError("malformed iTXt chunk: no compression fields")
    flag, method, rest = rest[0], rest[1], rest[2:]
    _language, found, rest = rest.partition(b"\0")
    _translated, found2, text = rest.partition(b"\0")
    if not (found and found2):
        raise BakingError("malformed iTXt chunk: missing language tag or translated keyword")
    if flag == 1:
        if method != 0:
            raise BakingError("iTXt chunk uses an unknown compression method")
        text = _inflate(text)
    elif flag != 0:
        raise BakingError("malformed iTXt chunk: compression flag must be 0 or 1")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("the baked credential is not UTF-8") from None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as error:
        raise BakingError(f"compressed iTXt chunk is corrupt: {error}") from None
    if len(out) > MAX_PAYLOAD_BYTES:
        raise BakingError("the baked credential is too large")
    if not inflater.eof:
        raise BakingError("compressed iTXt chunk is truncated")
    return out
