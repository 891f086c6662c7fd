"""What one verification may cost: every limit in one place, each with a name.

A document from anyone can ask for unbounded work: nesting that overflows recursive algorithms
(JSON Schema, JSON-LD expansion), thousands of copies of a proof, endorsements or status
entries, a presentation of hundreds of credentials. Each limit below is far above any real
credential (an Open Badge nests about 8 levels and carries one proof, a status entry or two and
a few endorsements); past one, the document is refused with the limit named before the work is
done. README "Limits" and docs/DESIGN.md list them; a :class:`Limits` other than the default
can be handed to the verifier.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from itertools import accumulate
from operator import sub
from typing import Any

from vcissuer.errors import MALFORMED_VALUE_ERROR, VcError

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_CLR_CREDENTIALS",
    "MAX_CPU_SECONDS",
    "MAX_DOCUMENT_VALUES",
    "MAX_ENDORSEMENTS",
    "MAX_NESTING_DEPTH",
    "MAX_PATHWAY_CREDENTIALS",
    "MAX_PATHWAY_SEARCH_STEPS",
    "MAX_PRESENTATION_CREDENTIALS",
    "MAX_PROOFS",
    "MAX_STATUS_ENTRIES",
    "CpuBudget",
    "LimitExceeded",
    "Limits",
    "check_document",
    "check_nesting",
    "json_text_nesting_exceeds",
    "nesting_exceeds",
]

# Arrays and objects inside one another (the outermost counts as 1).
MAX_NESTING_DEPTH = 64
# JSON values (object members and array items, at any depth) of one credential or
# presentation: what canonicalizing it costs grows with them (one canonicalization is not
# interrupted by the CPU budget). A large Open Badge has a few hundred.
MAX_DOCUMENT_VALUES = 50_000
# Proofs of one document (a proof set or chain); duplicates are refused outright.
MAX_PROOFS = 8
# Embedded endorsements of one credential (its own, its issuer's, its achievement's).
MAX_ENDORSEMENTS = 16
# credentialStatus entries of one credential.
MAX_STATUS_ENTRIES = 8
# Credentials inside one presentation.
MAX_PRESENTATION_CREDENTIALS = 32
# Credentials embedded in one CLR 2.0 record (ClrCredential), each verified on its own.
MAX_CLR_CREDENTIALS = 64
# CPU seconds (of the verifying thread) for one verification, checked between steps (each
# proof, status list, endorsement, credential of a presentation or of a record).
MAX_CPU_SECONDS = 2.0

_CONTAINERS = (dict, list)
# A JSON string once escapes are gone, or an unterminated one running to the end.
_PLAIN_STRING = re.compile(rb'"[^"]*"?')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_NOT_BRACKETS_OR_QUOTES = bytes(sorted(set(range(256)) - set(b'[]{}"')))
_OPENS_AS_TWO = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one verification runs under (the module constants by default)."""

    nesting_depth: int = MAX_NESTING_DEPTH
    document_values: int = MAX_DOCUMENT_VALUES
    proofs: int = MAX_PROOFS
    endorsements: int = MAX_ENDORSEMENTS
    status_entries: int = MAX_STATUS_ENTRIES
    presentation_credentials: int = MAX_PRESENTATION_CREDENTIALS
    clr_credentials: int = MAX_CLR_CREDENTIALS
    cpu_seconds: float = MAX_CPU_SECONDS


DEFAULT_LIMITS = Limits()


class LimitExceeded(VcError):  # noqa: N818 - named for what happened, like the spec's errors
    """A document past one of the limits; ``limit`` names it (e.g. ``"proofs per document"``)
    and ``maximum`` is its value. Nothing past the limit was processed."""

    code = MALFORMED_VALUE_ERROR

    def __init__(self, message: str, *, limit: str, maximum: float,
                 code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.limit = limit
        self.maximum = maximum


def nesting_exceeds(value: Any, limit: int = MAX_NESTING_DEPTH) -> bool:
    """True when ``value`` (parsed JSON) has arrays/objects more than ``limit`` levels deep.

    Level by level, without recursion, visiting only containers: linear in their number, and
    it stops at the first level past the limit.
    """
    level = [value] if isinstance(value, _CONTAINERS) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        for item in level:
            members = item.values() if isinstance(item, dict) else item
            below += [member for member in members if isinstance(member, _CONTAINERS)]
        level = below
    return False


def json_text_nesting_exceeds(data: bytes, limit: int = MAX_NESTING_DEPTH) -> bool:
    """:func:`nesting_exceeds` on JSON text, before it is parsed (brackets inside strings do
    not count). Linear, and at C speed but for the few stretches that come near the limit.

    Escapes go first (``\\`` pairs, then ``\"``: a quote after an odd run of backslashes is
    escaped), then everything but brackets and quotes; adjacent quotes ``""`` go next (an
    empty string, or two strings with nothing between them: nothing outside a string is
    lost), and what strings remain, those holding brackets, go by one regular expression.
    Blocks of ``limit // 2`` brackets are then summed with ``bytes.count``, and only a block
    that could cross the limit is walked. Invalid JSON may get either answer; the parser
    refuses it anyway.
    """
    if len(data) <= 2 * limit:  # each level takes an opening and a closing bracket
        return False
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    data = data.translate(None, _NOT_BRACKETS_OR_QUOTES).replace(b'""', b"")
    if b'"' in data:
        data = _PLAIN_STRING.sub(b"", data)
    brackets = data.translate(_OPENS_AS_TWO, _NOT_BRACKETS)
    step = max(1, limit // 2)
    depth = 0
    for start in range(0, len(brackets), step):
        block = brackets[start:start + step]
        opens = block.count(2)
        if depth + opens > limit:
            # depth after each bracket: the running sum of (2 or 0) minus its position.
            peak = max(map(sub, accumulate(block), range(1, len(block) + 1)))
            if depth + peak > limit:
                return True
        depth += 2 * opens - len(block)
    return False


def check_document(value: Any, limits: Limits = DEFAULT_LIMITS, *,
                   what: str = "the document") -> None:
    """:class:`LimitExceeded` when ``value`` nests deeper than ``limits.nesting_depth`` or
    holds more than ``limits.document_values`` values (one walk, level by level)."""
    level = [value] if isinstance(value, _CONTAINERS) else []
    depth = values = 0
    while level:
        depth += 1
        if depth > limits.nesting_depth:
            raise LimitExceeded(f"{what} nests arrays and objects deeper than "
                                f"{limits.nesting_depth} levels", limit="nesting depth",
                                maximum=limits.nesting_depth)
        below: list[Any] = []
        for item in level:
            members = item.values() if isinstance(item, dict) else item
            values += len(members)
            below += [member for member in members if isinstance(member, _CONTAINERS)]
        if values > limits.document_values:
            raise LimitExceeded(f"{what} holds more than {limits.document_values} values",
                                limit="values per document", maximum=limits.document_values)
        level = below


def check_nesting(value: Any, limit: int = MAX_NESTING_DEPTH, *, what: str = "the document",
                  code: str | None = None) -> None:
    """:class:`LimitExceeded` when ``value`` nests deeper than ``limit`` levels."""
    if nesting_exceeds(value, limit):
        raise LimitExceeded(f"{what} nests arrays and objects deeper than {limit} levels",
                            limit="nesting depth", maximum=limit, code=code)


class CpuBudget:
    """CPU seconds spent on one verification, from creation; :meth:`check` between steps.

    Thread time, not process time: other requests served at once do not use this one's budget.
    A verification moves between threads (the event loop, then a worker), so each thread's CPU
    is counted from the first time that thread checks (or made) the budget, and the budget is
    the sum. A step already running is not interrupted, so each step must be bounded by itself.
    """

    __slots__ = ("_spent", "_starts", "seconds")

    def __init__(self, seconds: float = MAX_CPU_SECONDS) -> None:
        self.seconds = seconds
        self._starts: dict[int, float] = {threading.get_ident(): time.thread_time()}
        self._spent: dict[int, float] = {}

    def spent(self) -> float:
        """The CPU seconds counted so far (this thread's brought up to date)."""
        ident, now = threading.get_ident(), time.thread_time()
        self._spent[ident] = now - self._starts.setdefault(ident, now)
        return sum(self._spent.values())

    def check(self, step: str) -> None:
        """:class:`LimitExceeded` if the budget is spent (``step`` is what would run next)."""
        if self.spent() > self.seconds:
            raise LimitExceeded(
                f"the verification used more than its {self.seconds:g} s of CPU; stopped "
                f"before {step}", limit="CPU per verification", maximum=self.seconds)


# Qualification pathways (vcissuer.pathways): a learner's credentials considered in one
# evaluation (the newest; the rest are set aside "over-limit"), and the steps of its search.
# A learner holding thousands of credentials then costs one bounded evaluation, not an
# exponential one. A real pathway (a dozen modules, a few groups) takes well under 1,000 steps.
MAX_PATHWAY_CREDENTIALS = 200
MAX_PATHWAY_SEARCH_STEPS = 20_000
