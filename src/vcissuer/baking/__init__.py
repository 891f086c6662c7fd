"""Baked badges: a credential carried inside its PNG or SVG image (OB 3.0 "Baked Badge").

https://www.imsglobal.org/spec/ob/v3p0/#baking — pure functions over bytes and text.
"""

from vcissuer.baking.errors import BakingError, NotBakedError
from vcissuer.baking.image import MEDIA_TYPES, bake, image_format, unbake
from vcissuer.baking.payload import MAX_PAYLOAD_BYTES, credential_text, parse_credential_text
from vcissuer.baking.png import KEYWORD, PNG_SIGNATURE, bake_png, unbake_png
from vcissuer.baking.svg import MAX_SVG_CHARS, OB_NAMESPACE, bake_svg, unbake_svg

__all__ = [
    # either format
    "MEDIA_TYPES",
    "bake",
    "image_format",
    "unbake",
    # PNG
    "KEYWORD",
    "PNG_SIGNATURE",
    "bake_png",
    "unbake_png",
    # SVG
    "MAX_SVG_CHARS",
    "OB_NAMESPACE",
    "bake_svg",
    "unbake_svg",
    # payload
    "MAX_PAYLOAD_BYTES",
    "credential_text",
    "parse_credential_text",
    # errors
    "BakingError",
    "NotBakedError",
]
