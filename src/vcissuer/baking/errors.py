"""Errors of baking and extracting (unbaking) credentials in PNG and SVG images.

Hierarchy::

    BakingError (VcError, ValueError)   a malformed image or baked payload (PARSING_ERROR)
    └── NotBakedError                   a well-formed image that carries no credential
"""

from __future__ import annotations

from vcissuer.errors import PARSING_ERROR, VcError

__all__ = ["BakingError", "NotBakedError"]


class BakingError(VcError, ValueError):
    """An image, or the credential text in it, that cannot be processed."""

    code = PARSING_ERROR


class NotBakedError(BakingError):
    """The image is well-formed but has no ``openbadgecredential`` payload."""
