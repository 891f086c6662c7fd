"""Which Accept headers get a page: browsers' do, programs' do not (and ties go to JSON)."""

from __future__ import annotations

import pytest

from vcissuer.web import prefers_html

BROWSERS = [
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # Firefox
    "text/html, */*",
    "TEXT/HTML",
    "application/xhtml+xml",
    "text/html;q=0.9, application/json;q=0.5",
]
PROGRAMS = [
    None, "", "*/*", "application/json", "application/ld+json", "application/vc+ld+json",
    "application/json, text/html",  # a tie: the default (JSON) wins
    "text/html;q=0, */*",
    "text/html;q=0.5, application/json",
    "text/*", "text/plain", "image/png", "text/html;q=bogus",
    ",,,;;;", "text/html;level=1;q=0.0001, application/vc+jwt",
]


@pytest.mark.parametrize("accept", BROWSERS)
def test_browsers(accept: str) -> None:
    assert prefers_html(accept) is True


@pytest.mark.parametrize("accept", PROGRAMS)
def test_programs(accept: str | None) -> None:
    assert prefers_html(accept) is False
