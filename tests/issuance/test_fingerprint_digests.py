"""The fast digests give exactly the stored values of before: a stored request fingerprint and
a stored recipient lookup hash must still match after the change (they are compared, never
recomputed), so both are held to the plain formulas here.

Lookup hashes: HMAC-SHA256 (RFC 2104) under the key in ``recipient-lookup.secret``, of
``kind:value``. Fingerprints: that HMAC of ``request:`` + the field's JSON
(``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vcissuer.issuance.fingerprint import _canonical, fingerprint
from vcissuer.issuance.recipients import LookupKey
from vcissuer.issuance.schemas import AssessmentIn


def _plain_hmac(key_dir: Path, kind: str, value: str) -> str:
    key = bytes.fromhex((key_dir / "recipient-lookup.secret").read_text().strip())
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _plain_canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["email", "student", "did", "request"]), value=st.text())
def test_lookup_digest_is_rfc2104_hmac_sha256(tmp_path_factory, kind: str, value: str) -> None:
    key_dir = tmp_path_factory.mktemp("keys")
    assert LookupKey(key_dir).digest(kind, value) == _plain_hmac(key_dir, kind, value)


def test_lookup_digest_with_a_key_longer_than_a_block(tmp_path: Path) -> None:
    """RFC 2104 section 2: a key longer than the hash's block (64 bytes) is hashed first."""
    (tmp_path / "recipient-lookup.secret").write_text("ab" * 100)
    assert LookupKey(tmp_path).digest("email", "a@b.c") == _plain_hmac(tmp_path, "email",
                                                                       "a@b.c")


def test_a_lookup_key_from_a_shared_secret_digests_like_its_file(tmp_path: Path) -> None:
    """The database key backend's shared secret (``LookupKey.from_secret``) gives the same
    RFC 2104 digests as the same secret in a file."""
    key = LookupKey(tmp_path)
    secret = bytes.fromhex((tmp_path / "recipient-lookup.secret").read_text().strip())
    shared = LookupKey.from_secret(secret)
    assert shared.digest("email", "a@b.c") == key.digest("email", "a@b.c") == _plain_hmac(
        tmp_path, "email", "a@b.c")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10)


@settings(max_examples=500, deadline=None)
@given(value=_json)
def test_canonical_field_text_is_json_dumps(value: object) -> None:
    assert _canonical(value) == _plain_canonical(value)


@settings(max_examples=100, deadline=None)
@given(name=st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and s.isprintable()),
       email=st.emails(), value=st.integers(0, 100),
       evidence=st.lists(st.text(max_size=20).filter(str.isprintable), max_size=2))
def test_fingerprint_is_the_plain_formula(tmp_path_factory, name: str, email: str, value: int,
                                          evidence: list[str]) -> None:
    key_dir = tmp_path_factory.mktemp("keys")
    lookup = LookupKey(key_dir)
    assessment = AssessmentIn.model_validate({
        "achievementId": "7c0e7a5e-4c1b-4d9e-9a57-0a4e1b1c2d3e",
        "recipient": {"email": email, "name": name},
        "results": [{"resultDescription": "lo1", "value": str(value)}],
        "evidence": [{"name": text} for text in evidence if text],
        "activityStartDate": "2025-01-13T10:00:00+01:00",
        "assessmentRef": "ref-1",
    })
    fresh = fingerprint(assessment, lookup=lookup, base_url="http://testserver")
    from vcissuer.issuance.fingerprint import _fields

    plain = {field: _plain_hmac(key_dir, "request", _plain_canonical(value))
             for field, value in _fields(assessment, base_url="http://testserver").items()}
    assert fresh == plain
    assert {"recipient.email", "recipient.name", "results", "activityStartDate"} <= set(fresh)
