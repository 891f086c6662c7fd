"""The pages: what each one reads (through the issuance flows), verifies and renders.

Each function returns a :class:`Page` (HTML and a status) or a :class:`Download`; the API layer
adds the headers and serves it. Not-found raises :class:`~vcissuer.issuance.errors.NotFound`
like the JSON routes do. The verify page turns every bad input into a friendly page.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

import anyio.to_thread

from vcissuer.dids import did_web_from_url
from vcissuer.issuance import achievements, credentials, images, issuers, pathway_pages
from vcissuer.issuance.context import Services
from vcissuer.issuance.errors import NotFound
from vcissuer.net import FetchRefused
from vcissuer.verify import NotACredential, VerificationReport, Verifier, parse_credential_bytes
from vcissuer.verify.records import embedded_credentials
from vcissuer.wallet.errors import ExchangeComplete, ExchangeError, ExchangeGone
from vcissuer.wallet.exchanges import interaction_details
from vcissuer.web import data
from vcissuer.web.badge import badge_art, baked_png, baked_svg, colour_for, generated_svg
from vcissuer.web.endorsed import endorsed_by, from_reports, published_endorsements
from vcissuer.web.explain import Explanation, State, explain
from vcissuer.web.png import badge_png
from vcissuer.web.preview import PREVIEW_SIZE, PreviewText, preview_png
from vcissuer.web.share import linkedin_url, qr_data_uri
from vcissuer.web.templating import render
from vcissuer.web.views import (
    AchievementView,
    CredentialView,
    achievement_view,
    credential_view,
    issuer_view,
)

__all__ = [
    "Download",
    "Page",
    "achievement_page",
    "credential_download",
    "credential_page",
    "credential_preview",
    "error_page",
    "issuer_page",
    "offer_page",
    "static_file",
    "verify_page",
]

log = logging.getLogger("vcissuer.web")

DOWNLOAD_KINDS = ("json", "jwt", "png", "svg")
_MEDIA = {"json": "application/vc+ld+json", "jwt": "application/vc+jwt", "png": "image/png",
          "svg": "image/svg+xml"}
_STATIC_MEDIA = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".svg": "image/svg+xml"}
_STATE_WORDS = {"active": "Active", "revoked": "Revoked", "suspended": "Suspended",
                "expired": "Expired", "recognised": "Recognised prior learning"}
_HEADINGS = {404: "Not found", 400: "That did not work", 500: "Something went wrong"}


@dataclass(frozen=True, slots=True)
class Page:
    html: str
    status: int = 200


@dataclass(frozen=True, slots=True)
class Download:
    body: bytes
    media_type: str
    filename: str


@dataclass(frozen=True, slots=True)
class _Version:
    """Which revision of its achievement a credential was issued under, and the current one."""

    issued: int
    current: int


@dataclass(frozen=True, slots=True)
class _Link:
    href: str
    label: str
    filename: str
    media: str


def _chrome(*, title: str, description: str = "", canonical: str | None = None,
            og: list[tuple[str, str]] | None = None,
            twitter: list[tuple[str, str]] | None = None,
            robots: str | None = None, referrer: str | None = None) -> dict[str, Any]:
    return {"title": title, "description": description, "canonical": canonical,
            "og": og or [], "twitter": twitter or [], "robots": robots, "referrer": referrer}


def _now_text(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def _date_text(moment: datetime) -> str:
    return f"on {moment.day} {moment:%B %Y}"


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _filename(name: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60] or "badge"
    return f"{stem}.{extension}"


def _short(text: str | None, limit: int = 200) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _local_path(services: Services, url: str | None) -> str | None:
    """The path of one of our own URLs (for links within the site), else None."""
    prefix = services.base_url + "/"
    if isinstance(url, str) and url.startswith(prefix):
        return "/" + url[len(prefix):]
    return None


def slug_from_did(services: Services, did: str | None) -> str | None:
    """The slug of one of our did:web issuers (``did:web:<host>:issuers:<slug>``)."""
    if not isinstance(did, str):
        return None
    try:
        prefix = did_web_from_url(services.base_url, ["issuers"]) + ":"
    except ValueError:
        return None
    rest = did[len(prefix):] if did.startswith(prefix) else ""
    return rest if re.fullmatch(r"[a-z0-9-]{1,64}", rest) else None


def _uploaded_image(services: Services, value: Any) -> str | None:
    """The path of an image uploaded to this service (pages may load it: same origin)."""
    image_id = value.get("id") if isinstance(value, Mapping) else value
    path = _local_path(services, image_id)
    return path if path and re.fullmatch(r"/images/[0-9a-f-]{36}\.(?:png|svg)", path) else None


def _badge_image(achievement: AchievementView, raw: Any, issuer_name: str,
                 uploaded: str | None = None) -> tuple[str, str]:
    """The image to show (a data: URI, or the path of one uploaded here) and its alt text."""
    alt = f"Badge: {achievement.name}"
    if achievement.image_caption:
        alt += f" ({achievement.image_caption})"
    if achievement.image is not None:
        return achievement.image, alt
    if uploaded is not None:
        return uploaded, alt
    key = achievement.id or achievement.name
    return _svg_uri(generated_svg(achievement.name, issuer_name, key=key)), alt


def _decoded(value: dict[str, Any] | str, report: VerificationReport | None) -> dict[str, Any]:
    """The credential to display: the pipeline's reading, or the JSON itself."""
    if report is not None and report.credential is not None:
        return dict(report.credential)
    if isinstance(value, Mapping):
        return dict(value)
    from vcissuer.proofs.jose import decode_vc_jwt

    try:
        credential = decode_vc_jwt(value.strip()).credential
    except Exception:  # noqa: BLE001 - a display fallback: anything unreadable shows nothing
        return {}
    return dict(credential) if isinstance(credential, Mapping) else {}


def _stored(record: Any) -> dict[str, Any] | str:
    return record.signed if str(record.format) == "jwt" else json.loads(record.signed)


# --- badge page ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Constituent:
    """A credential embedded in a CLR record, with its own verification in words."""

    view: CredentialView
    explanation: Explanation | None  # None: it was not verified (over a limit, say)
    page: str | None  # its badge page here, when it is one of ours


def _constituents(services: Services, report: VerificationReport,
                  document: Mapping[str, Any]) -> list[_Constituent]:
    """The credentials a CLR record embeds, each with the report the verifier made of it."""
    check = report.check("credentials")
    if check is not None and check.reports:
        found = [(r.credential or {}, explain(r)) for r in check.reports]
    else:
        found = [(c if isinstance(c, Mapping) else {}, None)
                 for _, c in embedded_credentials(document)]
    return [_Constituent(credential_view(c), explanation,
                         _local_path(services, c.get("id") if isinstance(c, Mapping) else None))
            for c, explanation in found]


async def credential_page(services: Services, verifier: Verifier, credential_id: str) -> Page:
    """The badge page: the credential as issued, verified now, with sharing and downloads."""
    record = await anyio.to_thread.run_sync(credentials.public_credential, services,
                                            credential_id)
    slug = await anyio.to_thread.run_sync(data.issuer_slug, services, record.issuer_id)
    value = _stored(record)
    report = await verifier.verify_credential(value)
    document = _decoded(value, report)
    subject = document.get("credentialSubject")
    raw_achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    achievement_id = raw_achievement.get("id") if isinstance(raw_achievement, Mapping) else None
    view = credential_view(document, issuer_page=f"/issuers/{slug}" if slug else None,
                           achievement_page=_local_path(services, achievement_id))
    url = f"{services.base_url}/credentials/{record.id}"
    image, image_alt = _badge_image(
        view.achievement, raw_achievement, view.issuer.name,
        _uploaded_image(services, raw_achievement.get("image"))
        if isinstance(raw_achievement, Mapping) else None)
    explanation = explain(report)
    records = _constituents(services, report, document)
    version = None
    local_achievement = _local_path(services, achievement_id)
    if record.achievement_id and local_achievement:
        current = await anyio.to_thread.run_sync(data.achievement_version, services,
                                                 record.achievement_id)
        if current is not None and record.achievement_revision:
            version = _Version(issued=record.achievement_revision, current=current.revision)
    # h-qual: a pathway's qualification lists its constituents as they stand now.
    qualification = await anyio.to_thread.run_sync(pathway_pages.qualification_status,
                                                   services, record.id)
    withdrawn = explanation.state in (State.REVOKED, State.SUSPENDED)
    when = (await anyio.to_thread.run_sync(data.withdrawn_at, services, record.id)
            if withdrawn else None)
    stem = view.achievement.name
    downloads = [] if withdrawn else [
        _Link(f"/credentials/{record.id}.jwt", "VC-JWT (the signed token)",
              _filename(stem, "jwt"), _MEDIA["jwt"])
        if str(record.format) == "jwt" else
        _Link(f"/credentials/{record.id}.json", "JSON (the signed credential)",
              _filename(stem, "json"), _MEDIA["json"]),
        _Link(f"/credentials/{record.id}.png", "Badge image with the credential inside (PNG)",
              _filename(stem, "png"), _MEDIA["png"]),
        _Link(f"/credentials/{record.id}.svg", "Badge image with the credential inside (SVG)",
              _filename(stem, "svg"), _MEDIA["svg"]),
    ]
    title = f"{view.achievement.name} — {view.issuer.name}"
    if withdrawn:
        # A withdrawn credential must not travel on as if it were good: the preview says so,
        # search engines drop the page, and nothing on it invites sharing.
        status_word = explanation.headline.upper()
        title = f"{status_word}: {title}"
        description = (f"{view.issuer.name} has {explanation.state} this credential"
                       + (f" ({_date_text(when)})" if when else "") + ". Do not rely on it.")
    else:
        description = _short(view.achievement.description) or \
            f"{view.achievement.name}, awarded by {view.issuer.name}."
    og_image = f"{url}/preview.png"
    preview_alt = f"{title}" + (f", awarded to {view.learner}" if view.learner else "")
    chrome = _chrome(
        title=title, description=description, canonical=url,
        robots="noindex, nofollow" if withdrawn else None,
        og=[("og:type", "website"), ("og:title", title), ("og:description", description),
            ("og:url", url), ("og:image", og_image), ("og:image:type", "image/png"),
            ("og:image:width", str(PREVIEW_SIZE[0])), ("og:image:height", str(PREVIEW_SIZE[1])),
            ("og:image:alt", preview_alt), ("og:site_name", view.issuer.name)],
        twitter=[("twitter:card", "summary_large_image"), ("twitter:title", title),
                 ("twitter:description", description), ("twitter:image", og_image),
                 ("twitter:image:alt", preview_alt)])
    html = render("credential.html", **chrome, view=view, explanation=explanation,
                  checked_at=_now_text(verifier.clock()), url=url, image=image,
                  image_alt=image_alt, downloads=downloads,
                  qr=None if withdrawn else qr_data_uri(url),
                  linkedin=None if withdrawn else linkedin_url(view, url=url,
                                                               credential_id=record.id),
                  withdrawn=withdrawn, version=version, records=records,
                  endorsements=from_reports(report),
                  qualification=qualification, states=_STATE_WORDS,
                  withdrawn_on=_date_text(when) if when else None,
                  withdrawn_iso=when.isoformat() if when else None)
    return Page(html)


# --- downloads ----------------------------------------------------------------------------

def _download(services: Services, credential_id: str, kind: str) -> Download:
    record = credentials.public_credential(services, credential_id)
    jwt = str(record.format) == "jwt"
    value = _stored(record)
    document = _decoded(value, None)
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    name = achievement.get("name") if isinstance(achievement, Mapping) else None
    stem = name if isinstance(name, str) else "badge"
    if kind == "json":
        if jwt:
            raise NotFound(f"credential {credential_id} was issued as a VC-JWT: "
                           f"download /credentials/{credential_id}.jwt")
        return Download(record.signed.encode("utf-8"), _MEDIA["json"], _filename(stem, "json"))
    if kind == "jwt":
        if not jwt:
            raise NotFound(f"credential {credential_id} was issued as JSON-LD with an embedded "
                           f"proof: download /credentials/{credential_id}.json")
        return Download(record.signed.encode("ascii"), _MEDIA["jwt"], _filename(stem, "jwt"))
    issuer = document.get("issuer")
    issuer_name = issuer_view(issuer).name if issuer is not None else ""
    stored = images.own_image_bytes(services, achievement.get("image")) \
        if isinstance(achievement, Mapping) else None
    art = badge_art(achievement, issuer_name=issuer_name, stored=stored)
    if kind == "png":
        body = baked_png(art, value, achievement=achievement)
    else:
        body = baked_svg(art, value, achievement=achievement,
                         issuer_name=issuer_name).encode("utf-8")
    return Download(body, _MEDIA[kind], _filename(stem, kind))


async def credential_download(services: Services, credential_id: str, kind: str) -> Download:
    """The credential as issued (``json``/``jwt``) or baked into its badge (``png``/``svg``)."""
    if kind not in DOWNLOAD_KINDS:
        raise ValueError(f"unknown download {kind!r}")
    return await anyio.to_thread.run_sync(_download, services, credential_id, kind)


# Drawn once per credential and state: a crawler asks again and again (bounded, per process).
_PREVIEWS: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_PREVIEWS_LOCK = threading.Lock()
_PREVIEWS_MAX = 128


def _preview(services: Services, credential_id: str) -> Download:
    record = credentials.public_credential(services, credential_id)
    key = (record.id, str(record.state))
    with _PREVIEWS_LOCK:
        body = _PREVIEWS.get(key)
        if body is not None:
            _PREVIEWS.move_to_end(key)
    if body is None:
        body = _preview_bytes(services, record.signed, str(record.format), key[1])
        with _PREVIEWS_LOCK:
            _PREVIEWS[key] = body
            while len(_PREVIEWS) > _PREVIEWS_MAX:
                _PREVIEWS.popitem(last=False)
    return Download(body, "image/png", f"{record.id}-preview.png")


def _preview_bytes(services: Services, signed: str, form: str, state: str) -> bytes:
    document = _decoded(signed if form == "jwt" else json.loads(signed), None)
    view = credential_view(document)
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    stored = images.own_image_bytes(services, achievement.get("image")) \
        if isinstance(achievement, Mapping) else None
    art = badge_art(achievement, issuer_name=view.issuer.name, stored=stored)
    key = achievement.get("id") if isinstance(achievement, Mapping) else None
    fallback = badge_png(colour_for(key if isinstance(key, str) else view.achievement.name))
    text = PreviewText(badge=view.achievement.name, issuer=view.issuer.name,
                       learner=view.learner,
                       withdrawn=state if state in ("revoked", "suspended") else None)
    return preview_png(text, art.png, fallback_png=fallback)


async def credential_preview(services: Services, credential_id: str) -> Download:
    """The 1200x630 link-preview image of a badge page (``og:image``)."""
    return await anyio.to_thread.run_sync(_preview, services, credential_id)


# --- issuer and achievement pages ---------------------------------------------------------

def _issuer(services: Services, slug: str) -> dict[str, Any]:
    with services.db.session_scope(read_only=True) as session:
        return issuers.profile_document(issuers.load_issuer(services, session, slug))


async def issuer_page(services: Services, slug: str, verifier: Verifier | None = None) -> Page:
    profile = await anyio.to_thread.run_sync(_issuer, services, slug)
    endorsements = [] if verifier is None else await endorsed_by(
        verifier, published_endorsements(profile), about="the issuer")
    view = issuer_view(profile, page=f"/issuers/{slug}")
    logo = _uploaded_image(services, profile.get("image"))
    if view.image is None and logo is not None:
        view = dataclasses.replace(view, image=logo)
    url = f"{services.base_url}/issuers/{slug}"
    description = _short(view.description) or f"{view.name} issues Open Badges."
    chrome = _chrome(title=view.name, description=description, canonical=url,
                     og=[("og:type", "profile"), ("og:title", view.name),
                         ("og:description", description), ("og:url", url)],
                     twitter=[("twitter:card", "summary"), ("twitter:title", view.name),
                              ("twitter:description", description)])
    documents = await anyio.to_thread.run_sync(data.current_achievements, services, slug)
    listed = []
    for document in documents:
        item = achievement_view(document, page=f"/achievements/{document['_uuid']}")
        image, image_alt = _badge_image(item, document, view.name)
        listed.append({"view": item, "image": image, "image_alt": image_alt,
                       "summary": _short(item.description, 160)})
    return Page(render("issuer.html", **chrome, view=view, achievements=listed,
                       did_document=f"/issuers/{slug}/did.json", endorsements=endorsements))


# --- a wallet offer, opened in a browser ---------------------------------------------------

async def offer_page(services: Services, ref: str) -> Page:
    """The interaction URL of an offer, opened in a browser: QR codes and buttons that take
    the credential into a wallet, and what to do with a transaction code."""
    try:
        offer = await anyio.to_thread.run_sync(interaction_details, services, ref)
    except ExchangeComplete:
        return error_page(409, "This credential has already been added to a wallet. If that "
                               "was not you, contact the issuer.",
                          heading="Already collected")
    except ExchangeGone as error:
        why = "was replaced by a newer one" if "superseded" in error.type else "has expired"
        return error_page(410, f"This offer {why}. Ask the issuer to send you a new one.",
                          heading="This offer is no longer valid")
    except ExchangeError:
        return error_page(404, "There is no offer at this link. Check that you copied all of "
                               "it, or ask the issuer to send it again.")
    what = offer.achievement_name or "a credential"
    title = f"Add {what} to your wallet"
    chrome = _chrome(title=title, description=f"{offer.issuer_name} offers you {what}.",
                     robots="noindex, nofollow")
    return Page(render("offer.html", **chrome, offer=offer, what=what,
                       expires=_now_text(offer.expires),
                       oid4vci_qr=qr_data_uri(offer.oid4vci_link),
                       lcw_qr=qr_data_uri(offer.lcw_link)))


async def achievement_page(services: Services, achievement_id: str,
                           verifier: Verifier | None = None) -> Page:
    document = await anyio.to_thread.run_sync(achievements.public_achievement, services,
                                              achievement_id)
    endorsements = [] if verifier is None else await endorsed_by(
        verifier, published_endorsements(document), about="the achievement")
    slug = await anyio.to_thread.run_sync(data.achievement_issuer_slug, services,
                                          achievement_id)
    url = f"{services.base_url}/achievements/{achievement_id}"
    view = achievement_view(document, page=f"/achievements/{achievement_id}",
                            creator_page=f"/issuers/{slug}" if slug else None)
    issuer_name = view.creator.name if view.creator else ""
    image, image_alt = _badge_image(view, document, issuer_name,
                                    _uploaded_image(services, document.get("image")))
    description = _short(view.description) or view.name
    title = f"{view.name} — {issuer_name}" if issuer_name else view.name
    chrome = _chrome(title=title, description=description, canonical=url,
                     og=[("og:type", "website"), ("og:title", title),
                         ("og:description", description), ("og:url", url)],
                     twitter=[("twitter:card", "summary"), ("twitter:title", title),
                              ("twitter:description", description)])
    current = await anyio.to_thread.run_sync(data.achievement_version, services, achievement_id)
    return Page(render("achievement.html", **chrome, view=view, image=image,
                       image_alt=image_alt, revision=current.revision if current else None,
                       endorsements=endorsements,
                       retired_on=_date_text(current.retired_at)
                       if current and current.retired_at else None))


# --- verify page --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Problem:
    heading: str
    message: str


def _verify_form(*, url: str = "", credential: str = "") -> dict[str, str]:
    return {"url": url, "credential": credential}


def _verify_render(services: Services, verifier: Verifier, *, status: int = 200,
                   report: VerificationReport | None = None, source: str | None = None,
                   problem: _Problem | None = None, form: dict[str, str] | None = None) -> Page:
    view: CredentialView | None = None
    page_link = None
    records: list[_Constituent] = []
    if report is not None and report.credential is not None:
        document = dict(report.credential)
        issuer = document.get("issuer")
        did = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        slug = slug_from_did(services, did if isinstance(did, str) else None)
        view = credential_view(document, issuer_page=f"/issuers/{slug}" if slug else None)
        page_link = _local_path(services, view.id)
        records = _constituents(services, report, document)
    chrome = _chrome(title="Verify an Open Badge",
                     description="Check that an Open Badge is genuine, not revoked and in date.",
                     canonical=f"{services.base_url}/verify")
    html = render("verify.html", **chrome, error=problem, source=source,
                  explanation=explain(report) if report is not None else None,
                  checked_at=_now_text(verifier.clock()) if report is not None else None,
                  view=view, page_link=page_link, records=records,
                  form=form or _verify_form())
    return Page(html, status)


def _presentation(value: Any) -> bool:
    types = value.get("type") if isinstance(value, Mapping) else None
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    return "VerifiablePresentation" in types


async def verify_page(services: Services, verifier: Verifier, *, url: str | None = None,
                      text: str | None = None, upload: bytes | None = None,
                      upload_name: str | None = None, submitted: bool = False) -> Page:
    """The verify form; with input (an upload, pasted text or a URL, first given wins), the
    report in plain language. Input that is not a credential, or a ``submitted`` form with
    nothing in it, gives a friendly 400 page."""
    url = (url or "").strip()
    text = (text or "").strip()
    form = _verify_form(url=url[:2048], credential=text[:100_000])
    if not upload and not text and not url:
        if not submitted:
            return _verify_render(services, verifier, form=form)
        return _verify_render(services, verifier, status=400, form=form, problem=_Problem(
            "Nothing to check",
            "Give the badge's URL, paste its credential, or choose a badge image or file to "
            "upload, then press Verify."))
    if not upload and text.startswith(("https://", "http://")) and "\n" not in text:
        url, text = text, ""
    try:
        if upload:
            source = upload_name or "the uploaded file"
            value = parse_credential_bytes(upload)
        elif text:
            source = "the pasted credential"
            value = parse_credential_bytes(text.encode("utf-8"))
        else:
            source = url
            if len(url) > 2048:
                raise FetchRefused("the URL is longer than 2,048 characters")
            source, report = await verifier.verify_url(url)
            return _verify_render(services, verifier, report=report, source=source, form=form)
        if _presentation(value):
            return _verify_render(services, verifier, status=400, form=form, problem=_Problem(
                "This is a presentation",
                "This page checks single credentials. Paste or upload one of the credentials "
                "inside it, or send the presentation to POST /presentations/verify."))
        report = await verifier.verify_credential(value)
    except NotACredential as error:
        return _verify_render(services, verifier, status=400, form=form, problem=_Problem(
            "No credential found",
            f"That is not an Open Badge credential we can read: {error.message}. Give a badge "
            "URL, the credential's JSON or VC-JWT, or a baked PNG or SVG badge image."))
    except FetchRefused as error:
        return _verify_render(services, verifier, status=400, form=form, problem=_Problem(
            "That URL cannot be checked",
            f"For safety this service only fetches public https addresses: {error.message}"))
    except Exception as error:  # the verify page answers every input with a page (logged)
        log.exception("verify page: unexpected %s", type(error).__name__)
        return _verify_render(services, verifier, status=422, form=form, problem=_Problem(
            "This could not be checked",
            "The input could not be processed. Check that it is a complete Open Badges 3.0 "
            "credential and try again."))
    return _verify_render(services, verifier, report=report, source=source, form=form)


# --- errors and static files --------------------------------------------------------------

def error_page(status: int, message: str, *, heading: str | None = None) -> Page:
    heading = heading or _HEADINGS.get(status, "That did not work")
    return Page(render("error.html", **_chrome(title=heading), heading=heading,
                       message=message), status)


@functools.cache
def static_file(name: str) -> Download | None:
    """One of the site's own static files (css, js, svg), by exact name; None if unknown."""
    if not re.fullmatch(r"[a-z0-9-]+\.(css|js|svg)", name):
        return None
    resource = resources.files("vcissuer.web").joinpath("static", name)
    if not resource.is_file():
        return None
    media = _STATIC_MEDIA[name[name.rindex("."):]]
    return Download(resource.read_bytes(), media, name)
