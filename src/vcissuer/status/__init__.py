"""Credential status: W3C Bitstring Status List v1.0 and the 1EdTech Revocation List.

Pure functions over documents already fetched; no I/O. A revoked credential is a result
(:class:`StatusResult`), a status that cannot be determined is a :class:`StatusError`.
"""

from vcissuer.status.bitstring import DEFAULT_MAXIMUM_BYTES, MINIMUM_BITS, Bitstring
from vcissuer.status.entries import (
    BITSTRING_STATUS_LIST_ENTRY,
    MESSAGE,
    REFRESH,
    REVOCATION,
    SUSPENSION,
    BitstringStatusListEntry,
    StatusMessage,
    bitstring_status_entries,
    credential_statuses,
)
from vcissuer.status.errors import (
    CREDENTIAL_REVOKED,
    CREDENTIAL_SUSPENDED,
    STATUS_ERROR_NUMBERS,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
    MalformedStatusError,
    StatusError,
    StatusListLengthError,
    StatusRangeError,
    StatusRetrievalError,
)
from vcissuer.status.list_credential import (
    BITSTRING_STATUS_LIST,
    BITSTRING_STATUS_LIST_CREDENTIAL,
    DEFAULT_LIST_VALIDITY,
    StatusList,
    Verified,
    check_status,
    create_status_list_credential,
)
from vcissuer.status.result import StatusResult
from vcissuer.status.revocation_list import (
    REVOCATION_LIST_TYPE,
    REVOKED_CREDENTIALS,
    RevokedCredential,
    check_revocation_list,
    create_revocation_list,
    revocation_list_entry,
    revocation_list_urls,
)

__all__ = [
    # bitstring
    "DEFAULT_MAXIMUM_BYTES",
    "MINIMUM_BITS",
    "Bitstring",
    # entries
    "BITSTRING_STATUS_LIST_ENTRY",
    "MESSAGE",
    "REFRESH",
    "REVOCATION",
    "SUSPENSION",
    "BitstringStatusListEntry",
    "StatusMessage",
    "bitstring_status_entries",
    "credential_statuses",
    # status list credential
    "BITSTRING_STATUS_LIST",
    "BITSTRING_STATUS_LIST_CREDENTIAL",
    "DEFAULT_LIST_VALIDITY",
    "StatusList",
    "Verified",
    "check_status",
    "create_status_list_credential",
    # 1EdTech Revocation List
    "REVOCATION_LIST_TYPE",
    "REVOKED_CREDENTIALS",
    "RevokedCredential",
    "check_revocation_list",
    "create_revocation_list",
    "revocation_list_entry",
    "revocation_list_urls",
    # results and errors
    "StatusResult",
    "CREDENTIAL_REVOKED",
    "CREDENTIAL_SUSPENDED",
    "STATUS_ERROR_NUMBERS",
    "STATUS_LIST_LENGTH_ERROR",
    "STATUS_RETRIEVAL_ERROR",
    "STATUS_VERIFICATION_ERROR",
    "MalformedStatusError",
    "StatusError",
    "StatusListLengthError",
    "StatusRangeError",
    "StatusRetrievalError",
]
