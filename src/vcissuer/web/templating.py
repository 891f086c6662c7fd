"""Jinja2 templates with autoescaping everywhere (HTML and SVG): user text is always text."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

__all__ = ["render"]


@functools.cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("vcissuer.web", "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=StrictUndefined,
        auto_reload=False,
    )
    return environment


def render(template: str, /, **context: Any) -> str:
    return _environment().get_template(template).render(**context)
