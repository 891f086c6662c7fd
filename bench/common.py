"""What the benchmark scripts share: CPU-time rates, worker CPU, free ports, learners."""

from __future__ import annotations

import copy
import os
import socket
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from vcissuer.dids import did_key_from_public
from vcissuer.keys import Ed25519KeyPair

__all__ = ["children_cpu", "free_port", "learners", "rate"]


def rate(fn: Callable[[], object], seconds: float, repeats: int) -> float:
    """Median operations per CPU-second of this process over ``repeats`` runs.

    CPU time, not wall time: the figure is per core and moves less when other processes share
    the machine (the scripts pin themselves to a single core).
    """
    fn()
    rates = []
    for _ in range(repeats):
        count, start = 0, time.process_time()
        while (elapsed := time.process_time() - start) < seconds:
            fn()
            count += 1
        rates.append(count / elapsed)
    return statistics.median(rates)


def children_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the child processes of ``pid`` (Linux; 0
    elsewhere): the workers of a server."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ticks = os.sysconf("SC_CLK_TCK")
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    except OSError:
        return 0.0
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def learners(document: dict, count: int) -> list[dict]:
    """``count`` copies of ``document`` for different learners: each its own credential id,
    subject DID and result value (what differs between the credentials of one achievement;
    the issuer Profile and the Achievement are the same, as in a real cohort)."""
    out = []
    for i in range(count):
        subject = copy.deepcopy(document["credentialSubject"])
        subject["id"] = did_key_from_public(Ed25519KeyPair.generate().public_multibase)
        for result in subject.get("result", []):
            if "value" in result:
                result["value"] = str(40 + i % 60)
        out.append({**document, "id": f"urn:uuid:{uuid.UUID(int=i)}",
                    "credentialSubject": subject})
    return out
