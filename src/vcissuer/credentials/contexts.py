"""The context stacks and fixed identifiers vcissuer issues with."""

from __future__ import annotations

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

# VC 2.0 base, OB 3.0.3, and 1EdTech extensions (for 1EdTechJsonSchemaValidator2019 and
# 1EdTechRevocationList): OB section "Serialization" orders the first two.
OPEN_BADGE_CONTEXT = [VC_V2, OB_V3P0, OB_EXTENSIONS]

OPEN_BADGE_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
