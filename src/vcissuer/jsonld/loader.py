"""A document loader that serves only the bundled, pinned JSON-LD contexts.

Canonicalization never touches the network (docs/DESIGN.md section 1): every context comes from
``contexts/`` (shipped in the wheel as ``vcissuer/_contexts``) and is checked against the sha256
recorded in its ``INDEX.json`` when first loaded. An unknown URL is a
:class:`~vcissuer.errors.DocumentLoaderError` naming it. https://www.w3.org/TR/vc-data-integrity/#validating-contexts
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from vcissuer.errors import DocumentLoaderError

__all__ = ["DocumentLoader", "StaticDocumentLoader", "bundled_loader", "contexts_dir"]


class DocumentLoader(Protocol):
    """The pyld document loader signature: URL -> RemoteDocument dict."""

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]: ...


def contexts_dir() -> Path:
    """The folder of bundled contexts: inside the installed wheel, else the source checkout."""
    packaged = resources.files("vcissuer") / "_contexts"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "contexts"


class StaticDocumentLoader:
    """Serves JSON-LD documents from memory by exact URL; never fetches."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self._documents = dict(documents)

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def with_documents(self, documents: Mapping[str, Any]) -> StaticDocumentLoader:
        """A new loader serving these documents as well (e.g. a test-only context)."""
        return StaticDocumentLoader({**self._documents, **documents})

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        try:
            document = self._documents[url]
        except KeyError:
            raise DocumentLoaderError(
                f"JSON-LD context {url!r} is not one of the bundled contexts; "
                "vcissuer never loads contexts from the network",
                url=url,
            ) from None
        # pyld may rewrite relative @context URLs in place: hand out a copy.
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(document),
            "tag": "static",
        }


def _load_index(folder: Path) -> dict[str, Any]:
    index = json.loads((folder / "INDEX.json").read_text(encoding="utf-8"))
    documents: dict[str, Any] = {}
    entries = {**index["contexts"], **index.get("aliases", {})}
    by_file = {entry["file"]: entry.get("sha256") for entry in index["contexts"].values()}
    for url, entry in entries.items():
        raw = (folder / entry["file"]).read_bytes()
        expected = entry.get("sha256") or by_file.get(entry["file"])
        digest = hashlib.sha256(raw).hexdigest()
        if expected is not None and digest != expected:
            raise DocumentLoaderError(
                f"bundled context {url!r} does not match its pinned sha256", url=url
            )
        documents[url] = json.loads(raw)
    return documents


@cache
def bundled_loader() -> StaticDocumentLoader:
    """The loader over ``contexts/``: every published context vcissuer knows, sha256-checked."""
    return StaticDocumentLoader(_load_index(contexts_dir()))
