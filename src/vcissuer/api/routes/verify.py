"""Verification (public, rate-limited): VC-API verify endpoints and verify-by-URL.

200 with the report when verified; 422 with the same report when not (failed, or could not be
checked); 400 problem+json for input that is not a credential at all or a URL that is refused.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from vcissuer.api.admission import anonymous_limiter
from vcissuer.api.jsonbody import JsonBodyRoute
from vcissuer.api.problems import BadRequest, UnprocessableContent
from vcissuer.net import FetchPolicy, FetchRefused
from vcissuer.proofs.jose import EnvelopeError, envelope_kind, open_envelope
from vcissuer.verify import PresentationReport, VerificationReport, Verifier
from vcissuer.web import page_verifier

__all__ = ["VerifyCredentialIn", "VerifyPresentationIn", "VerifyUrlIn", "router"]

_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_REPORT = {"description": "the report: `verified`, `verdict`, every check with its outcome",
           "content": {"application/json": {"schema": {"type": "object"}}}}
# 4xx bodies are documented as problem+json by api/openapi.py; these add the meaning.
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _REPORT,
    400: {"description": "not a credential at all, or a URL that is not fetched"},
    422: {**_REPORT, "description": "not verified: the same report (or, for a request that "
                                    "does not match the schema, problem+json)"},
    403: {"description": "a request from a credential verifier's fetcher (its User-Agent): "
                         "fetching a verification endpoint is never a step of verifying"},
    429: {"description": "too many requests from this address (Retry-After)"},
    503: {"description": "the worker's share for anonymous verification is full: retry after "
                         "Retry-After seconds"},
}


def _default_verifier(app: FastAPI) -> Verifier:
    """This service's verifier: the policy set on ``app.state.verify_policy``, or the default
    one, which trusts only the service's own origin beyond the public internet. Our own
    documents are read from the database and no other URL of our origin is fetched
    (:class:`vcissuer.web.LocalFetcher`); its CPU-bound work runs in the anonymous share of
    the worker's threads (:mod:`vcissuer.api.admission`)."""
    policy = getattr(app.state, "verify_policy", None)
    if policy is None:
        policy = FetchPolicy.for_service(app.state.services.base_url)
    return page_verifier(app.state.services, policy=policy, gate=anonymous_limiter(app))


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    created = getattr(app.state, "verifier", None) is None
    if created:
        app.state.verifier = _default_verifier(app)
    try:
        yield
    finally:
        if created:
            await app.state.verifier.aclose()
            del app.state.verifier


router = APIRouter(tags=["verification"], lifespan=_lifespan, route_class=JsonBodyRoute)


async def get_verifier(request: Request) -> Verifier:
    verifier = getattr(request.app.state, "verifier", None)
    if verifier is None:  # served without its lifespan (a bare ASGI call)
        verifier = request.app.state.verifier = _default_verifier(request.app)
    return verifier


VerifierDep = Annotated[Verifier, Depends(get_verifier)]


class VerifyOptions(BaseModel):
    """VC-API verification options; ``challenge`` and ``domain`` apply to presentations."""

    model_config = ConfigDict(extra="allow")
    challenge: Annotated[str | None, Field(max_length=1000)] = None
    domain: Annotated[str | None, Field(max_length=1000)] = None


class VerifyCredentialIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    verifiable_credential: Annotated[
        dict[str, Any] | str,
        Field(alias="verifiableCredential",
              description="a JSON-LD credential, a VC-JWT compact string, or an "
                          "EnvelopedVerifiableCredential (data:application/vc+jwt,...)")]
    options: VerifyOptions | None = None

    def credential(self) -> dict[str, Any] | str:
        value = self.verifiable_credential
        if envelope_kind(value) == "credential":
            return _opened(value, "body.verifiableCredential")
        if isinstance(value, str) and not _COMPACT_JWS.match(value.strip()):
            raise BadRequest("verifiableCredential is a string but not a VC-JWT (a compact JWS)",
                             errors=[{"field": "body.verifiableCredential", "rule": "vc-jwt",
                                      "message": "not a compact JWS"}])
        return value


class VerifyPresentationIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    verifiable_presentation: Annotated[
        dict[str, Any],
        Field(alias="verifiablePresentation",
              description="a JSON-LD presentation, or an EnvelopedVerifiablePresentation "
                          "(data:application/vp+jwt,...)")]
    options: VerifyOptions | None = None

    def presentation(self) -> dict[str, Any] | str:
        """The presentation (the ``vp+jwt`` of an enveloped one), once every enveloped
        credential in it is known to open."""
        value = self.verifiable_presentation
        if envelope_kind(value) == "presentation":
            return _opened(value, "body.verifiablePresentation", "presentation")
        credentials = value.get("verifiableCredential")
        items = credentials if isinstance(credentials, list) else [credentials]
        where = "body.verifiablePresentation.verifiableCredential"
        for index, item in enumerate(items):
            if envelope_kind(item) == "credential":
                _opened(item, f"{where}[{index}]" if isinstance(credentials, list) else where)
        return value


def _opened(value: dict[str, Any], field: str,
            kind: Literal["credential", "presentation"] = "credential") -> str:
    """The token inside an enveloped credential (or presentation); 422 naming the member that
    is wrong. VCDM 2.0 section 4.13, RFC 2397 data: URLs."""
    try:
        return open_envelope(value, kind)
    except EnvelopeError as error:
        raise UnprocessableContent(
            f"the enveloped {kind} cannot be opened: {error.message}",
            errors=[{"field": f"{field}.{error.member}", "rule": f"enveloped-{kind}",
                     "message": error.message}]) from None


class VerifyUrlIn(BaseModel):
    url: Annotated[str, Field(min_length=1, max_length=2048)]


def _respond(report: VerificationReport | PresentationReport, **extra: Any) -> JSONResponse:
    return JSONResponse({**report.to_json(), **extra},
                        status_code=200 if report.verified else 422)


async def _by_url(verifier: Verifier, url: str) -> JSONResponse:
    try:
        source, report = await verifier.verify_url(url)
    except FetchRefused as error:
        raise BadRequest(f"the URL is not fetched: {error.message}",
                         errors=[{"field": "url", "rule": "fetch-policy",
                                  "message": error.message}]) from None
    return _respond(report, url=source)


@router.post("/credentials/verify", summary="VC-API: verify a credential (JSON-LD or VC-JWT)",
             responses=_RESPONSES)
async def verify_credential(body: VerifyCredentialIn, verifier: VerifierDep) -> JSONResponse:
    return _respond(await verifier.verify_credential(body.credential()))


@router.post("/presentations/verify",
             summary="VC-API: verify a presentation and every credential in it",
             responses=_RESPONSES)
async def verify_presentation(body: VerifyPresentationIn, verifier: VerifierDep) -> JSONResponse:
    options = body.options or VerifyOptions()
    return _respond(await verifier.verify_presentation(
        body.presentation(), challenge=options.challenge, domain=options.domain))


@router.get("/verify", summary="Verify the credential at a URL (JSON, VC-JWT or baked image)",
            responses=_RESPONSES)
async def verify_url(url: Annotated[str, Query(min_length=1, max_length=2048)],
                     verifier: VerifierDep) -> JSONResponse:
    return await _by_url(verifier, url)


@router.post("/verify/url", summary="Verify the credential at a URL (JSON, VC-JWT or baked image)",
             responses=_RESPONSES)
async def verify_url_post(body: VerifyUrlIn, verifier: VerifierDep) -> JSONResponse:
    return await _by_url(verifier, body.url)
