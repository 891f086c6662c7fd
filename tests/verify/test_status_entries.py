"""Credentials with several status entries (BSL §A.3 Example 6, §A.4 Example 7) and the
2-bit lifecycle entry, through the whole verifier over signed, fetched lists.

https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm runs once per entry;
a credential is acceptable only when every entry is.
"""

from __future__ import annotations

from typing import Any

from tests.verify.issuing import Issuer, clock, did_web_issuer, status_entry
from vcissuer.dids import StaticResolver
from vcissuer.status import Bitstring, BitstringStatusListEntry
from vcissuer.status.lifecycle import LIFECYCLE_MESSAGES
from vcissuer.verify import verify_credential
from vcissuer.verify.documents import Retrieved

LIST_3 = "https://issuer.example/credentials/status/3"
LIST_4 = "https://issuer.example/credentials/status/4"
LIST_5 = "https://issuer.example/credentials/status/5"


def _verify(issuer: Issuer, credential: dict[str, Any], lists: dict[str, Any]):
    return verify_credential(credential, resolver=StaticResolver({issuer.did: issuer.document()}),
                             retrieved=Retrieved.of(lists), clock=clock)


def test_two_lists_revocation_and_suspension() -> None:
    """§A.3: one revocation and one suspension entry, each in its own list."""
    issuer = did_web_issuer(None)
    entries = [status_entry(LIST_3, 94567, "revocation"),
               status_entry(LIST_4, 23452, "suspension")]
    credential = issuer.credential(status=entries)
    clear = {LIST_3: issuer.status_list(LIST_3),
             LIST_4: issuer.status_list(LIST_4, purpose="suspension")}
    report = _verify(issuer, credential, clear)
    assert report.check("status").outcome.value == "passed"
    assert [s.purpose for s in report.statuses] == ["revocation", "suspension"]
    suspended = {**clear, LIST_4: issuer.status_list(LIST_4, purpose="suspension",
                                                     set_bits=(23452,))}
    report = _verify(issuer, credential, suspended)
    assert report.suspended and not report.revoked
    assert report.check("status").outcome.value == "failed"
    revoked = {**suspended, LIST_3: issuer.status_list(LIST_3, set_bits=(94567,))}
    report = _verify(issuer, credential, revoked)
    assert report.revoked and report.check("status").outcome.value == "failed"


def test_one_list_with_two_purposes() -> None:
    """§A.4: both entries point at one list whose statusPurpose names both purposes."""
    issuer = did_web_issuer(None)
    credential = issuer.credential(status=[status_entry(LIST_5, 94567, "revocation"),
                                           status_entry(LIST_5, 12345, "suspension")])
    listed = issuer.status_list(LIST_5, set_bits=(94567,))
    subject = dict(listed["credentialSubject"], statusPurpose=["revocation", "suspension"])
    unsigned = {k: v for k, v in listed.items() if k != "proof"}
    unsigned["credentialSubject"] = subject
    report = _verify(issuer, credential, {LIST_5: issuer.sign(unsigned)})
    assert report.revoked and not report.suspended


def test_the_lifecycle_entry_over_a_signed_list() -> None:
    """vcissuer.status.lifecycle: one 2-bit suspension entry; 1 suspended, 2 revoked."""
    issuer = did_web_issuer(None)
    entry = BitstringStatusListEntry.create(LIST_3, index=77, purpose="suspension",
                                            status_size=2,
                                            status_messages=LIFECYCLE_MESSAGES).to_json()
    credential = issuer.credential(status=entry)
    for value, revoked, suspended in ((0, False, False), (1, False, True), (2, True, False)):
        bits = Bitstring(2 * 131_072)
        bits.set_status(77, value, status_size=2)
        listed = issuer.status_list(LIST_3, purpose="suspension", size=8)
        unsigned = {k: v for k, v in listed.items() if k != "proof"}
        unsigned["credentialSubject"] = dict(listed["credentialSubject"],
                                             encodedList=bits.encode())
        report = _verify(issuer, credential, {LIST_3: issuer.sign(unsigned)})
        assert (report.revoked, report.suspended) == (revoked, suspended), value
        assert report.statuses[0].message == LIFECYCLE_MESSAGES[value].message
