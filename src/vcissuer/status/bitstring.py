"""A bitstring and its wire form: multibase base64url (``u``) of GZIP. Knows no credentials.

https://www.w3.org/TR/vc-bitstring-status-list/#bitstring-encoding — index 0 is the left-most
bit (the most significant bit of byte 0).
"""

from __future__ import annotations

import functools
import gzip
import zlib
from collections.abc import Iterator

from vcissuer.keys.multibase import MultibaseError, base64url_decode, base64url_encode
from vcissuer.status.errors import MalformedStatusError, StatusListLengthError, StatusRangeError

__all__ = ["DEFAULT_MAXIMUM_BYTES", "MINIMUM_BITS", "Bitstring"]

# 16 KB uncompressed: the herd-privacy minimum (BSL validate algorithm step 2).
MINIMUM_BITS = 131_072
# A decoded list larger than this is refused: 2 KB of GZIP can expand to megabytes.
DEFAULT_MAXIMUM_BYTES = 16 * 1024 * 1024
# zlib's default level: within a few percent of level 9 in size, up to 10x faster on lists
# with thousands of bits set.
_GZIP_LEVEL = 6


class Bitstring:
    """A fixed-size, mutable list of bits; ``size`` is a positive multiple of 8."""

    __slots__ = ("_bytes",)

    def __init__(self, size: int = MINIMUM_BITS) -> None:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError("size must be an int (a number of bits)")
        if size <= 0 or size % 8:
            raise ValueError("size must be a positive multiple of 8 bits")
        self._bytes = bytearray(size // 8)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray) -> Bitstring:
        """A bitstring over a copy of ``data`` (byte 0 holds indexes 0-7, MSB first)."""
        if not data:
            raise ValueError("a bitstring needs at least one byte")
        bits = cls.__new__(cls)
        bits._bytes = bytearray(data)
        return bits

    @property
    def size(self) -> int:
        """The number of bits."""
        return len(self._bytes) * 8

    def __len__(self) -> int:
        return self.size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bitstring) and self._bytes == other._bytes

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Bitstring(size={self.size}, set={sum(1 for _ in self.set_indexes())})"

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def _check(self, position: int, width: int = 1) -> None:
        if isinstance(position, bool) or not isinstance(position, int):
            raise TypeError("a bit index must be an int")
        # Negative indexes are out of range, never Python's "from the end".
        if position < 0 or position + width > self.size:
            raise StatusRangeError(
                f"index {position} is outside the bitstring of {self.size} bits"
            )

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bytes[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError("a bit value must be a bool")
        self._check(index)
        mask = 0x80 >> (index & 7)
        if value:
            self._bytes[index >> 3] |= mask
        else:
            self._bytes[index >> 3] &= ~mask & 0xFF

    def get_status(self, index: int, *, status_size: int = 1) -> int:
        """The ``status_size``-bit value of entry ``index`` (bits index*size on, MSB first)."""
        _check_status_size(status_size)
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("a status index must be an int")
        position = index * status_size
        self._check(position, status_size)
        value = 0
        for offset in range(status_size):
            value = (value << 1) | self.get(position + offset)
        return value

    def set_status(self, index: int, value: int, *, status_size: int = 1) -> None:
        """Store ``value`` (0 <= value < 2**status_size) as entry ``index``."""
        _check_status_size(status_size)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("a status value must be an int")
        if not 0 <= value < 1 << status_size:
            raise ValueError(f"status {value} does not fit in {status_size} bits")
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("a status index must be an int")
        position = index * status_size
        self._check(position, status_size)
        for offset in range(status_size):
            bit = (value >> (status_size - 1 - offset)) & 1
            self.set(position + offset, bool(bit))

    def set_indexes(self) -> Iterator[int]:
        """Indexes of the bits that are 1, in order (fast over zero bytes)."""
        for byte_index, byte in enumerate(self._bytes):
            if byte:
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        yield byte_index * 8 + bit

    def encode(self) -> str:
        """``u`` + base64url-no-pad(GZIP(bits)); deterministic (mtime 0)."""
        # https://www.w3.org/TR/vc-bitstring-status-list/#bitstring-generation-algorithm
        compressed = gzip.compress(bytes(self._bytes), compresslevel=_GZIP_LEVEL, mtime=0)
        return "u" + base64url_encode(compressed)

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        minimum_bits: int = MINIMUM_BITS,
        maximum_bytes: int = DEFAULT_MAXIMUM_BYTES,
    ) -> Bitstring:
        """Expand an ``encodedList``; refuse lists shorter than ``minimum_bits``.

        https://www.w3.org/TR/vc-bitstring-status-list/#bitstring-expansion-algorithm
        """
        if not isinstance(encoded, str) or not encoded:
            raise MalformedStatusError("encodedList must be a non-empty string")
        if encoded[0] != "u":
            raise MalformedStatusError(
                "encodedList must be multibase base64url without padding ('u' prefix)"
            )
        data = _expand(encoded, maximum_bytes)
        if not data:
            raise StatusListLengthError("the status list is empty")
        if len(data) * 8 < minimum_bits:
            raise StatusListLengthError(
                f"the status list has {len(data) * 8} bits; at least {minimum_bits} are required"
            )
        return cls.from_bytes(data)


def _check_status_size(status_size: int) -> None:
    if isinstance(status_size, bool) or not isinstance(status_size, int) or status_size < 1:
        raise ValueError("status_size must be a positive int")


def _gunzip(data: bytes, *, maximum_bytes: int) -> bytes:
    """RFC 1952 GZIP, every member, never more than ``maximum_bytes`` out."""
    if data[:2] != b"\x1f\x8b":
        raise MalformedStatusError("encodedList is not GZIP data")
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, maximum_bytes + 1 - len(out))
        except zlib.error as error:
            raise MalformedStatusError(f"encodedList is not valid GZIP: {error}") from None
        if len(out) > maximum_bytes:
            raise MalformedStatusError(
                f"the status list expands beyond {maximum_bytes} bytes"
            )
        if not inflater.eof:
            raise MalformedStatusError("encodedList is truncated GZIP data")
        rest = inflater.unused_data
    return bytes(out)


@functools.lru_cache(maxsize=32)
def _expand(encoded: str, maximum_bytes: int) -> bytes:
    """The bytes of a ``u``-prefixed encodedList, remembered: a verifier checks many entries
    against the same few lists (the bytes are immutable; every Bitstring gets its own copy)."""
    try:
        compressed = base64url_decode(encoded[1:])
    except MultibaseError as error:
        raise MalformedStatusError(f"encodedList: {error.message}") from None
    return _gunzip(compressed, maximum_bytes=maximum_bytes)
