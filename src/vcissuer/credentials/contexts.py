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
CLR_V2P0 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

# CLR 2.0 "Serialization": VC 2.0 base, CLR 2.0.1, then OB 3.0.3 (the Achievement, Profile and
# IdentityObject terms a ClrSubject uses) and the 1EdTech extensions (as 1EdTech's samples).
CLR_CONTEXT = [VC_V2, CLR_V2P0, OB_V3P0, OB_EXTENSIONS]
CLR_TYPE = ["VerifiableCredential", "ClrCredential"]
