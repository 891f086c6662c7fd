"""The bundled contexts are byte-exact copies of the published ones."""

from __future__ import annotations

import hashlib
import json

import pytest

from vcissuer.errors import DocumentLoaderError
from vcissuer.jsonld import StaticDocumentLoader, bundled_loader, contexts_dir

INDEX = json.loads((contexts_dir() / "INDEX.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("url", sorted(INDEX["contexts"]))
def test_every_context_matches_its_sha256(url: str) -> None:
    entry = INDEX["contexts"][url]
    raw = (contexts_dir() / entry["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    assert len(raw) == entry["bytes"]


@pytest.mark.parametrize("name", sorted(INDEX.get("variants", {})))
def test_every_variant_matches_its_sha256(name: str) -> None:
    raw = (contexts_dir() / name).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == INDEX["variants"][name]["sha256"]


def test_published_digests_of_the_specs() -> None:
    # VCDM 2.0 App. B.1 and VCDM 1.1 print these digests.
    contexts = INDEX["contexts"]
    assert contexts["https://www.w3.org/ns/credentials/v2"]["sha256"].startswith("59955ced")
    assert contexts["https://www.w3.org/2018/credentials/v1"]["sha256"].startswith("ab4ddd9a")


def test_loader_serves_every_indexed_url_and_alias() -> None:
    loader = bundled_loader()
    for url in [*INDEX["contexts"], *INDEX.get("aliases", {})]:
        remote = loader(url)
        assert remote["documentUrl"] == url
        assert "@context" in remote["document"]


def test_loader_hands_out_copies() -> None:
    loader = bundled_loader()
    first = loader("https://www.w3.org/ns/credentials/v2")["document"]
    first["@context"]["tampered"] = "x"
    assert "tampered" not in loader("https://www.w3.org/ns/credentials/v2")["document"]["@context"]


def test_unknown_context_is_an_error_naming_the_url() -> None:
    with pytest.raises(DocumentLoaderError) as caught:
        bundled_loader()("https://evil.example/context.jsonld")
    assert caught.value.url == "https://evil.example/context.jsonld"
    assert "https://evil.example/context.jsonld" in str(caught.value)


def test_a_tampered_context_is_refused(tmp_path) -> None:
    from vcissuer.jsonld.loader import _load_index

    for entry in INDEX["contexts"].values():
        (tmp_path / entry["file"]).write_bytes((contexts_dir() / entry["file"]).read_bytes())
    (tmp_path / "INDEX.json").write_text(json.dumps(INDEX))
    victim = INDEX["contexts"]["https://www.w3.org/ns/credentials/v2"]["file"]
    (tmp_path / victim).write_bytes((tmp_path / victim).read_bytes().replace(b"issuer", b"isuer"))
    with pytest.raises(DocumentLoaderError, match="sha256"):
        _load_index(tmp_path)


def test_with_documents_adds_without_changing_the_original() -> None:
    extra = bundled_loader().with_documents({"https://x.example/ctx": {"@context": {}}})
    assert isinstance(extra, StaticDocumentLoader)
    assert extra("https://x.example/ctx")["document"] == {"@context": {}}
    with pytest.raises(DocumentLoaderError):
        bundled_loader()("https://x.example/ctx")
