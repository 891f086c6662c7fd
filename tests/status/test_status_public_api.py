"""The public API of vcissuer.status and vcissuer.baking: every exported name exists, once."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["vcissuer.status", "vcissuer.baking"])
def test_all_names_resolve_and_are_unique(package: str) -> None:
    module = importlib.import_module(package)
    assert len(module.__all__) == len(set(module.__all__))
    for name in module.__all__:
        assert hasattr(module, name), name
