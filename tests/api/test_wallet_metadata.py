"""Credential Issuer Metadata names the issuer and each achievement for the wallet to show
(OpenID4VCI 1.0 section 12.2.4: ``display``, ``credential_configurations_supported``,
``credential_metadata.display``); offers name the achievement's own configurations, and offers
made with the generic configurations before keep working."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import api_key, bearer, make_achievement, make_issuer
from tests.wallet.flow import JWT_VC_JSON, LDP_VC, make_offer, redeem
from tests.wallet.holder import Holder
from vcissuer.issuance.context import Services
from vcissuer.store.wallet import CredentialOfferRecord

ISSUER = "http://testserver"
LOGO = "https://uni.example.ac.uk/logo.png"
BADGE = "https://uni.example.ac.uk/badges/data-analysis.png"


def _metadata(client: TestClient) -> dict:
    response = client.get("/.well-known/openid-credential-issuer")
    assert response.status_code == 200
    return response.json()


def test_issuer_and_achievement_display(client: TestClient, services: Services, admin) -> None:
    make_issuer(client, admin, image={"id": LOGO})
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers, image={"id": BADGE})
    uuid = achievement["id"].rsplit("/", 1)[-1]
    metadata = _metadata(client)
    assert metadata["display"] == [{"name": "Uni University", "locale": "en",
                                    "logo": {"uri": LOGO, "alt_text": "Uni University"}}]
    configs = metadata["credential_configurations_supported"]
    # The generic configurations stay, for offers that name them.
    assert {LDP_VC, JWT_VC_JSON} <= set(configs)
    for generic, fmt in ((LDP_VC, "ldp_vc"), (JWT_VC_JSON, "jwt_vc_json")):
        own = configs[f"{generic}.{uuid}"]
        assert own["format"] == fmt
        assert own["credential_definition"] == configs[generic]["credential_definition"]
        (display,) = own["credential_metadata"]["display"]
        assert display["name"] == "Data Analysis with Python"
        assert display["description"] == ("Cleans, analyses and visualises tabular data with "
                                          "Python. Issued by Uni University.")
        assert display["logo"] == {"uri": BADGE, "alt_text": "Data Analysis with Python"}


def test_offers_name_the_achievement_configurations(client: TestClient, services: Services,
                                                    admin) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)
    uuid = achievement["id"].rsplit("/", 1)[-1]
    configs = _metadata(client)["credential_configurations_supported"]
    # The offer names them, so a wallet shows the achievement, not "Open Badge".
    offer = make_offer(client, headers, achievement["id"])
    for config in offer["credential_offer"]["credential_configuration_ids"]:
        assert configs[config]["credential_metadata"]["display"][0]["name"] == \
            "Data Analysis with Python"
    # A wallet asking with the achievement's configuration gets the credential.
    response = redeem(client, offer, Holder.ed25519(), aud=ISSUER,
                      configuration=f"{LDP_VC}.{uuid}")
    assert response.status_code == 200, response.text


def test_an_achievement_without_an_image_shows_the_issuer_logo(client: TestClient,
                                                               services: Services,
                                                               admin) -> None:
    make_issuer(client, admin, image={"id": LOGO})
    achievement = make_achievement(client, bearer(api_key(services, issuer_slug="uni")))
    uuid = achievement["id"].rsplit("/", 1)[-1]
    display = _metadata(client)["credential_configurations_supported"][f"{LDP_VC}.{uuid}"][
        "credential_metadata"]["display"][0]
    assert display["logo"]["uri"] == LOGO


def test_several_issuers_are_named_per_configuration(client: TestClient, services: Services,
                                                     admin) -> None:
    make_issuer(client, admin)
    make_issuer(client, admin, slug="other")
    achievement = make_achievement(client, bearer(api_key(services, issuer_slug="other")),
                                   slug="other")
    metadata = _metadata(client)
    # One Credential Issuer for several tenants: no single name to show for it.
    assert "display" not in metadata
    uuid = achievement["id"].rsplit("/", 1)[-1]
    display = metadata["credential_configurations_supported"][f"{LDP_VC}.{uuid}"][
        "credential_metadata"]["display"][0]
    assert display["description"].endswith("Issued by Other University.")
    assert "logo" not in display


def test_an_offer_made_with_the_generic_configurations_still_delivers(
        client: TestClient, services: Services, admin) -> None:
    make_issuer(client, admin)
    headers = bearer(api_key(services, issuer_slug="uni"))
    achievement = make_achievement(client, headers)
    offer = make_offer(client, headers, achievement["id"])
    # As stored before per-achievement configurations existed.
    with services.db.session_scope() as session:
        record = session.get(CredentialOfferRecord, offer["offerId"])
        record.configuration_ids = [LDP_VC, JWT_VC_JSON]
    response = redeem(client, offer, Holder.ed25519(), aud=ISSUER, configuration=LDP_VC)
    assert response.status_code == 200, response.text
