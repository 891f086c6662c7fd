"""Sharing: LinkedIn's "Add to profile" link and a QR code of the page's URL."""

from __future__ import annotations

from urllib.parse import urlencode

from vcissuer.qr import qr_data_uri
from vcissuer.web.views import CredentialView

__all__ = ["LINKEDIN_ADD", "linkedin_url", "qr_data_uri"]

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def linkedin_url(view: CredentialView, *, url: str, credential_id: str) -> str:
    """LinkedIn's add-to-profile link with the certification fields filled in.

    https://addtoprofile.linkedin.com/ — name, organisation, issue and expiry month, the URL
    of this page and the credential's id.
    """
    fields: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": view.achievement.name,
        "organizationName": view.issuer.name,
    }
    if view.issued is not None:
        fields["issueYear"] = view.issued.value.year
        fields["issueMonth"] = view.issued.value.month
    if view.expires is not None:
        fields["expirationYear"] = view.expires.value.year
        fields["expirationMonth"] = view.expires.value.month
    fields["certUrl"] = url
    fields["certId"] = credential_id
    return f"{LINKEDIN_ADD}?{urlencode(fields)}"
