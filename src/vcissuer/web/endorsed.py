""""Endorsed by ...": each endorsement with its own verification result, for the pages.

The badge page reads the nested reports the pipeline made for the credential's embedded
endorsements (OB 3.0 §9.2); the achievement and issuer pages verify the endorsements their
document publishes, each on its own. The state comes from the report, never assumed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vcissuer.verify import VerificationReport, Verifier
from vcissuer.web.explain import explain
from vcissuer.web.views import issuer_view, safe_link

__all__ = ["Endorsement", "endorsed_by", "from_reports", "published_endorsements"]

# What the subject of an endorsement is, by where it sits in the credential.
_WHAT = {"issuer.": "the issuer", "credentialSubject": "the achievement", "": "the credential"}


@dataclass(frozen=True, slots=True)
class Endorsement:
    endorser: str
    endorser_id: str | None
    comment: str | None
    about: str
    state: str  # the explanation's state: genuine, revoked, not valid ...
    headline: str
    css: str  # ok / bad / unknown, as the verification panel
    link: str | None  # the endorsement's own URL, when it has an http(s) one


def _about(location: str) -> str:
    for prefix, what in _WHAT.items():
        if location.startswith(prefix):
            return what
    return "the credential"


def _endorsement(document: Mapping[str, Any], report: VerificationReport,
                 about: str) -> Endorsement:
    endorser = issuer_view(document.get("issuer"))
    subject = document.get("credentialSubject")
    comment = subject.get("endorsementComment") if isinstance(subject, Mapping) else None
    explanation = explain(report)
    return Endorsement(
        endorser=endorser.name, endorser_id=endorser.id,
        comment=comment.strip()[:2000] if isinstance(comment, str) and comment.strip() else None,
        about=about, state=str(explanation.state), headline=explanation.headline,
        css=explanation.css, link=safe_link(document.get("id")))


def from_reports(report: VerificationReport) -> list[Endorsement]:
    """The endorsements the pipeline verified inside a credential, as it reported them."""
    check = report.check("endorsements")
    if check is None:
        return []
    out = []
    for nested in check.reports:
        document = nested.credential if isinstance(nested.credential, Mapping) else {}
        out.append(_endorsement(document, nested, _about(nested.location)))
    return out


def published_endorsements(document: Mapping[str, Any]) -> list[Mapping[str, Any] | str]:
    """What an achievement or a Profile publishes: ``endorsement`` objects, then the VC-JWTs
    of ``endorsementJwt``."""
    found: list[Mapping[str, Any] | str] = []
    for member, kind in (("endorsement", Mapping), ("endorsementJwt", str)):
        value = document.get(member)
        found += [item for item in (value if isinstance(value, list) else [])
                  if isinstance(item, kind)]
    return found


async def endorsed_by(verifier: Verifier, documents: Sequence[Mapping[str, Any] | str], *,
                      about: str, limit: int = 16) -> list[Endorsement]:
    """Verify each endorsement an achievement or a Profile publishes (at most ``limit``)."""
    chosen = list(documents)[:limit]
    reports = await asyncio.gather(*(verifier.verify_credential(d) for d in chosen))
    return [_endorsement(r.credential if isinstance(r.credential, Mapping)
                         else d if isinstance(d, Mapping) else {}, r, about)
            for d, r in zip(chosen, reports, strict=True)]
