"""Pages are self-contained and fit the Content-Security-Policy: no third-party resource, no
inline script, style or event handler; only the site's own static files are served."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from tests.web.conftest import BROWSER

WEB = resources.files("vcissuer.web")
TEMPLATES = sorted((p.name, p.read_text()) for p in WEB.joinpath("templates").iterdir())
STATIC = sorted((p.name, p.read_text()) for p in WEB.joinpath("static").iterdir())
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.mark.parametrize(("name", "text"), TEMPLATES + STATIC,
                         ids=[n for n, _ in TEMPLATES + STATIC])
def test_nothing_from_elsewhere(name: str, text: str) -> None:
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls <= NAMESPACES, urls
    assert "@import" not in text and "url(" not in text


@pytest.mark.parametrize(("name", "text"), TEMPLATES, ids=[n for n, _ in TEMPLATES])
def test_no_inline_script_style_or_handlers(name: str, text: str) -> None:
    scripts = re.findall(r"<script[^>]*>", text)
    assert all('src="/static/' in tag for tag in scripts)
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
    assert "|safe" not in text.replace(" ", "")  # nothing bypasses autoescaping


def test_static_files_are_served_with_types(client) -> None:
    for name, media in (("site.css", "text/css; charset=utf-8"),
                        ("site.js", "text/javascript; charset=utf-8"),
                        ("favicon.svg", "image/svg+xml")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"] == media
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("name", ["nope.css", "..%2Fpages.py", "pages.py", "SITE.CSS",
                                  "site.css.map", "%2e%2e%2f__init__.py"])
def test_only_known_static_files(client, name: str) -> None:
    response = client.get(f"/static/{name}", headers=BROWSER)
    assert response.status_code == 404
