"""Interop tests: the Digital Bazaar reference libraries (JavaScript, under Node) check what we
issue, and we check what they issue.

Node comes from the OS (Debian's ``nodejs``/``npm``); the libraries are pinned in
``tests/interop/js/package-lock.json`` and installed by ``scripts/interop-deps`` (``npm ci``).
Without them these tests skip, saying why; with ``VCISSUER_REQUIRE_INTEROP=1`` (set by .ci/run)
they fail instead. Nothing is fetched at test time: the harness's document loader serves only
our bundled contexts, did:key documents and what the test passes in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
JS = Path(__file__).parent / "js"
CONTEXTS = ROOT / "contexts"
NODE = os.environ.get("VCISSUER_NODE", "node")
_TIMEOUT = 60


def skip_reason() -> str | None:
    node = shutil.which(NODE)
    if node is None:
        return f"Node ({NODE}) is not installed (run scripts/interop-deps)"
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return f"{node} --version failed: {error}"
    if int(version.lstrip("v").split(".")[0]) < 18:
        return f"Node {version} is too old for the reference libraries (18 or later)"
    if not (JS / "node_modules/@digitalbazaar/vc/package.json").is_file():
        return ("the reference libraries are not installed in tests/interop/js/node_modules "
                "(run scripts/interop-deps)")
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(str(item.fspath)).parents]
    if not ours:
        return
    reason = skip_reason()
    if reason is None:
        return
    if os.environ.get("VCISSUER_REQUIRE_INTEROP"):  # set by .ci/run: CI never skips these
        raise pytest.UsageError(f"interop tests required but {reason}")
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=reason))


def reference(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the harness (tests/interop/js/interop.mjs) once over ``batch``; its answers."""
    node = shutil.which(NODE) or NODE
    done = subprocess.run(
        [node, str(JS / "interop.mjs")], input=json.dumps({"contextsDir": str(CONTEXTS),
                                                           "batch": batch}),
        capture_output=True, text=True, timeout=_TIMEOUT, cwd=JS,
        env={"PATH": os.environ.get("PATH", ""), "NODE_OPTIONS": "--no-warnings"})
    if done.returncode != 0:
        raise AssertionError(f"the harness failed ({done.returncode}): {done.stdout} "
                             f"{done.stderr}")
    answers = json.loads(done.stdout)
    assert len(answers) == len(batch)
    return answers
