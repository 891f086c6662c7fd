"""Request and response bodies of the REST API: camelCase on the wire, unknown fields refused."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AnyUrl,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from vcissuer.limits import MAX_CLR_CREDENTIALS

__all__ = [
    "AchievementIn",
    "AchievementOut",
    "AchievementPatch",
    "AlignmentIn",
    "AssessmentIn",
    "AwardDecisionIn",
    "AwardIn",
    "BatchIn",
    "BatchItemOut",
    "BatchOut",
    "ClientIn",
    "ClientList",
    "ClientOut",
    "CredentialOut",
    "CredentialPage",
    "EvidenceIn",
    "IdentifierIn",
    "ImageIn",
    "IssuerIn",
    "IssuerOut",
    "IssuerPatch",
    "ONE_LINE",
    "Line",
    "MemberIn",
    "PathwayIn",
    "PathwayPatch",
    "PathwayRulesIn",
    "Prose",
    "RecipientIn",
    "ResultDescriptionIn",
    "ReasonIn",
    "RecognitionIn",
    "ResultIn",
    "RubricLevelIn",
    "VcApiIssueIn",
    "VcApiIssueOptions",
]

_EXT = re.compile(r"^ext:[a-zA-Z0-9.\-_]+$")
ACHIEVEMENT_TYPES = {
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
    "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion",
    "Certification", "CommunityService", "Competency", "Course", "CoCurricular", "Degree",
    "Diploma", "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
    "JourneymanCertificate", "LearningProgram", "License", "Membership",
    "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate", "MasterDegree",
    "MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
}
RESULT_TYPES = {
    "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore",
    "RawScore", "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore",
    "ScaledScore", "Status",
}
ResultStatus = Literal["Completed", "Enrolled", "Failed", "InProgress", "OnHold",
                       "Provisional", "Withdrew"]
# Control characters are refused in every string we store or look up, the same on SQLite and
# PostgreSQL (whose text type cannot hold NUL at all): C0 controls and DEL never appear in a
# one-line value (a name, a reference, an id); prose may hold tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse(pattern: re.Pattern[str], allowed: str) -> AfterValidator:
    def check(value: str) -> str:
        found = pattern.search(value)
        if found is not None:
            raise PydanticCustomError(
                "control_character",
                "control character U+{code} at position {position} is not allowed "
                "({allowed})",
                {"code": f"{ord(found.group()):04X}", "position": found.start(),
                 "allowed": allowed})
        return value

    return AfterValidator(check)


# Put after a Field(pattern=...) in Annotated: a pattern after a validator is left out of the
# JSON schema.
ONE_LINE = _refuse(_CONTROL, "no control characters in a one-line value")
Line = Annotated[str, ONE_LINE]
Prose = Annotated[str, _refuse(_CONTROL_IN_PROSE, "only tab, line feed and carriage return")]
Text = Annotated[Prose, Field(min_length=1, max_length=10_000)]
ShortText = Annotated[Line, Field(min_length=1, max_length=500)]
Key = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]


def _url_or_data(value: str) -> str:
    if value.startswith("data:image/"):
        return value
    AnyUrl(value)
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be an http(s) URL or a data:image/ URI")
    return value


class Body(BaseModel):
    """Base of every body: camelCase aliases, unknown fields are an error."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True,
                              extra="forbid", str_strip_whitespace=True)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class ImageIn(Body):
    """An OB 3.0 Image. A ``data:`` URI (PNG or SVG, at most 256 KiB) is checked, stored and
    published at this service's own URL; ``type`` is always "Image" (added when left out)."""

    id: Line = Field(description="http(s) URL, or a data:image/png or data:image/svg+xml URI "
                                "(stored and served from this service)")
    type: Literal["Image"] = "Image"
    caption: ShortText | None = None

    _check = field_validator("id")(classmethod(lambda cls, v: _url_or_data(v)))


class IssuerIn(Body):
    slug: Slug = Field(description="URL segment of the issuer: /issuers/<slug>")
    name: ShortText
    url: AnyUrl | None = None
    email: EmailStr | None = None
    description: Text | None = None
    image: ImageIn | None = None
    did_method: Literal["web", "key"] = Field(default="web",
                                              description="did:web (default) or did:key")
    revocation_list: StrictBool = Field(default=False,
                                  description="also publish a 1EdTech Revocation List")


class IssuerPatch(Body):
    """Fields to change; a field sent as ``null`` is removed (``"image": null`` removes the
    logo)."""

    name: ShortText | None = None
    url: AnyUrl | None = None
    email: EmailStr | None = None
    description: Text | None = None
    image: ImageIn | None = None
    revocation_list: StrictBool | None = None


class IssuerOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    slug: str
    did: str
    profile: dict[str, Any]
    verification_method: str
    revocation_list: bool


class CriteriaIn(Body):
    id: AnyUrl | None = None
    narrative: Text | None = None

    @model_validator(mode="after")
    def _one_of(self) -> CriteriaIn:
        if self.id is None and self.narrative is None:
            raise ValueError("criteria needs a narrative or an id (URL)")
        return self


class AlignmentIn(Body):
    target_name: ShortText
    target_url: AnyUrl
    target_description: Text | None = None
    target_framework: ShortText | None = None
    target_code: ShortText | None = None
    target_type: Line | None = None


class RubricLevelIn(Body):
    key: Key | None = Field(default=None, description="id fragment; default <outcome>-level-<n>")
    name: ShortText
    description: Text | None = None
    level: ShortText | None = None
    points: ShortText | None = None


class ResultDescriptionIn(Body):
    key: Key | None = Field(default=None, description="id fragment; default outcome-<n>")
    name: ShortText
    result_type: Line
    allowed_value: list[ShortText] | None = Field(default=None, description="low to high")
    required_value: ShortText | None = None
    rubric_criterion_level: list[RubricLevelIn] | None = Field(default=None,
                                                               description="low to high")
    required_level: Line | None = Field(default=None, description="key of a rubric level")
    value_min: ShortText | None = None
    value_max: ShortText | None = None
    alignment: list[AlignmentIn] | None = None

    @field_validator("result_type")
    @classmethod
    def _result_type(cls, value: str) -> str:
        if value not in RESULT_TYPES and not _EXT.match(value):
            raise ValueError(f"must be one of {sorted(RESULT_TYPES)} or ext:<Name>")
        return value

    @model_validator(mode="after")
    def _thresholds(self) -> ResultDescriptionIn:
        if (self.allowed_value and self.required_value is not None
                and self.required_value not in self.allowed_value):
            raise ValueError("requiredValue must be one of allowedValue")
        if self.required_level is not None:
            keys = [lv.key for lv in self.rubric_criterion_level or []]
            if self.required_level not in keys:
                raise ValueError("requiredLevel must be the key of one of rubricCriterionLevel")
        return self


class AchievementIn(Body):
    name: ShortText
    description: Text
    criteria: CriteriaIn
    achievement_type: Line = "MicroCredential"
    credits_available: float | None = Field(default=None, ge=0, le=1000)
    credit_scheme: AlignmentIn | None = Field(
        default=None, description="the credit framework (e.g. CATS, ECTS, SCQF), published as "
                                  "an Alignment with targetType ext:CreditScheme")
    alignment: list[AlignmentIn] | None = Field(
        default=None, description="level and subject frameworks (FHEQ/SCQF level, skills)")
    result_description: list[ResultDescriptionIn] | None = Field(
        default=None, description="the learning outcomes")
    image: ImageIn | None = None
    version: ShortText | None = None
    in_language: Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")] | None = None
    tag: list[ShortText] | None = None
    human_code: ShortText | None = None
    field_of_study: ShortText | None = None
    specialization: ShortText | None = None
    revocable: StrictBool = True
    suspendable: StrictBool = False

    @field_validator("achievement_type")
    @classmethod
    def _achievement_type(cls, value: str) -> str:
        if value not in ACHIEVEMENT_TYPES and not _EXT.match(value):
            raise ValueError("must be an OB 3.0 AchievementType (e.g. MicroCredential) "
                             "or ext:<Name>")
        return value

    @model_validator(mode="after")
    def _unique_keys(self) -> AchievementIn:
        keys = [d.key for d in self.result_description or [] if d.key]
        if len(keys) != len(set(keys)):
            raise ValueError("resultDescription keys must be unique")
        return self

    def definition(self) -> dict[str, Any]:
        """The Achievement fields as OB 3.0 names them."""
        doc = self.wire()
        for key in ("revocable", "suspendable", "creditScheme"):
            doc.pop(key, None)
        alignments = list(doc.get("alignment", []))
        if self.credit_scheme is not None:
            scheme = self.credit_scheme.wire()
            scheme.setdefault("targetType", "ext:CreditScheme")
            alignments.append(scheme)
        if alignments:
            doc["alignment"] = alignments
        return doc


class AchievementPatch(Body):
    """Fields of an achievement to change (each as in AchievementIn); ``null`` removes an
    optional field. The result is checked as a whole and published as a new revision;
    credentials already issued keep the revision they were signed with."""

    name: ShortText | None = None
    description: Text | None = None
    criteria: CriteriaIn | None = None
    achievement_type: str | None = None
    credits_available: float | None = Field(default=None, ge=0, le=1000)
    credit_scheme: AlignmentIn | None = None
    alignment: list[AlignmentIn] | None = None
    result_description: list[ResultDescriptionIn] | None = None
    image: ImageIn | None = None
    version: ShortText | None = None
    in_language: Annotated[str, Field(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")] | None = None
    tag: list[ShortText] | None = None
    human_code: ShortText | None = None
    field_of_study: ShortText | None = None
    specialization: ShortText | None = None
    revocable: bool | None = None
    suspendable: bool | None = None

    def changes(self) -> dict[str, Any]:
        """The fields sent, camelCase; None for those sent as null."""
        wire = self.model_dump(by_alias=True, mode="json", exclude_unset=True)
        return wire


class AchievementOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    id: str
    achievement: dict[str, Any]
    revocable: bool
    suspendable: bool


IDENTITY_TYPES = {
    "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
    "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId",
    "ltiUserId", "identifier",
}


class IdentifierIn(Body):
    """One more identifier of the learner, published as an OB 3.0 IdentityObject."""

    identity_type: str = Field(description="an OB 3.0 IdentifierTypeEnum value (sourcedId, "
                                           "userName, ltiUserId, ...) or ext:<Name>")
    value: ShortText
    hashed: bool = Field(default=True, description="publish a salted SHA-256 IdentityHash "
                                                   "(default) or, if false, the plaintext")

    @field_validator("identity_type")
    @classmethod
    def _identity_type(cls, value: str) -> str:
        if value not in IDENTITY_TYPES and not _EXT.match(value):
            raise ValueError("must be an OB 3.0 IdentifierTypeEnum value (e.g. sourcedId, "
                             "userName, ltiUserId) or ext:<Name>; use email, studentId and "
                             "name for those")
        return value


class RecipientIn(Body):
    """The learner: every identifier the LMS has, at least one of email, did, studentId or
    identifier.

    A ``did`` becomes ``credentialSubject.id`` (the learner can prove control of it). Every
    other identifier goes into ``credentialSubject.identifier[]`` as an IdentityObject:
    ``email`` (identityType emailAddress, lower-cased), ``studentId`` (sisSourcedId) and each
    ``identifier`` entry as a salted SHA-256 IdentityHash (a fresh random salt each, OB 3.0
    section IdentityObject), ``name`` in plaintext (it is shown on the badge)."""

    email: EmailStr | None = None
    did: Annotated[str, Field(pattern=r"^did:[a-z0-9]+:.+$", max_length=2048),
                   ONE_LINE] | None = None
    student_id: ShortText | None = Field(default=None, description="published hashed, as "
                                                                   "identityType sisSourcedId")
    identifier: list[IdentifierIn] | None = Field(default=None, max_length=20)
    name: ShortText | None = Field(default=None,
                                   description="shown on the badge (published in the credential)")

    @model_validator(mode="after")
    def _at_least_one(self) -> RecipientIn:
        if self.email is None and self.did is None and self.student_id is None \
                and not self.identifier:
            raise ValueError("give at least one of email, did, studentId, identifier "
                             "(any combination: a did becomes credentialSubject.id, the "
                             "others credentialSubject.identifier[])")
        return self


class ResultIn(Body):
    result_description: ShortText = Field(description="outcome key or full id")
    value: ShortText | None = None
    achieved_level: ShortText | None = None
    status: ResultStatus | None = None


class EvidenceIn(Body):
    id: Line | None = None
    name: ShortText | None = None
    description: Text | None = None
    narrative: Text | None = None
    genre: ShortText | None = None
    audience: ShortText | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("data:"):
            AnyUrl(value)
        return value


def require_timezone(value: datetime | None, info: ValidationInfo) -> datetime | None:
    """A field validator's check: a datetime must say its timezone."""
    if value is not None and value.tzinfo is None:
        raise PydanticCustomError(
            "timezone-required", "{field} needs a timezone, e.g. {example}",
            {"field": to_camel(info.field_name or ""),
             "example": value.replace(microsecond=0).isoformat() + "Z"})
    return value


class AssessmentIn(Body):
    achievement_id: ShortText = Field(description="achievement uuid or its full id URL")
    recipient: RecipientIn
    results: list[ResultIn] = Field(default_factory=list, max_length=200)
    credits_earned: float | None = Field(default=None, ge=0)
    activity_start_date: datetime | None = None
    activity_end_date: datetime | None = None
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=50)
    valid_until: datetime | None = None
    assessment_ref: Annotated[Line, Field(min_length=1, max_length=255)] = Field(
        description="the LMS's own reference: the same one never issues twice")
    format: Literal["ldp", "jwt"] = "ldp"

    # Field validators, not a model validator: an error names its field (body.activityEndDate).
    _timezone = field_validator("activity_start_date", "activity_end_date", "valid_until")(
        classmethod(lambda cls, value, info: require_timezone(value, info)))

    @field_validator("activity_end_date")
    @classmethod
    def _not_before_start(cls, value: datetime | None,
                          info: ValidationInfo) -> datetime | None:
        start = info.data.get("activity_start_date")  # absent when it failed its own check
        if value is not None and start is not None and start > value:
            raise PydanticCustomError(
                "date-order", "activityEndDate ({end}) is before activityStartDate ({start})",
                {"end": value.isoformat(), "start": start.isoformat()})
        return value


class BatchIn(Body):
    items: list[Any] = Field(min_length=1, max_length=1000,
                                        description="assessment records, each checked alone")


class CredentialOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    id: str
    state: str
    format: str
    assessment_ref: str | None = None
    created: datetime
    achievement_revision: int | None = Field(
        default=None, description="the achievement's revision the credential was issued under")
    credential: dict[str, Any] | None = None
    jwt: str | None = None


class BatchItemOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    index: int
    outcome: Literal["issued", "already-issued", "rejected"]
    assessment_ref: str | None = None
    credential_id: str | None = None
    problem: dict[str, Any] | None = None


class BatchOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    issued: int
    already_issued: int
    rejected: int
    items: list[BatchItemOut]


class CredentialPage(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    items: list[CredentialOut]
    total: int
    limit: int
    offset: int


class VcApiStatusMessage(Body):
    """One BSL ``statusMessage`` element: ``{"status": "0x1", "message": "..."}``."""

    status: Annotated[str, Field(pattern=r"^0x[0-9A-Fa-f]{1,2}$")]
    message: Annotated[str, Field(min_length=1, max_length=200)]


class VcApiStatusOption(Body):
    """``options.credentialStatus``: the entry the issuer adds from its own status lists.

    https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistentry — ``statusSize``
    and ``statusMessage`` only with ``statusPurpose`` ``message``.
    """

    type: Literal["BitstringStatusListEntry"]
    status_purpose: Literal["revocation", "suspension", "message"] = "revocation"
    status_size: Annotated[int, Field(ge=1, le=8)] | None = None
    status_message: Annotated[list[VcApiStatusMessage], Field(max_length=256)] | None = None
    status_reference: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class VcApiIssueOptions(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")
    issuer_slug: ShortText | None = None
    format: Literal["ldp", "jwt"] = "ldp"
    created: datetime | None = None
    cryptosuite: Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"] | None = Field(
        default=None, description="the Data Integrity cryptosuite (format ldp); default "
                                  "eddsa-rdfc-2022")
    credential_status: VcApiStatusOption | None = None

    @model_validator(mode="after")
    def _cryptosuite_needs_ldp(self) -> VcApiIssueOptions:
        if self.cryptosuite is not None and self.format != "ldp":
            raise ValueError("options.cryptosuite applies to Data Integrity proofs "
                             "(format ldp), not to VC-JWT")
        return self


class VcApiStatusEntryRef(Body):
    """Which status entry of the credential to update (VC-API UpdateCredentialStatusRequest;
    its example spells the type ``BitstringStatusList``, so that is accepted too)."""

    id: Annotated[str, Field(max_length=2000)] | None = None
    type: Literal["BitstringStatusListEntry", "BitstringStatusList"]
    status_purpose: Literal["revocation", "suspension", "message"]
    status_list_index: Annotated[str, Field(max_length=30)] | None = None
    status_list_credential: Annotated[str, Field(max_length=2000)] | None = None


class VcApiStatusUpdateIn(Body):
    """VC-API ``POST /credentials/status`` (https://w3c-ccg.github.io/vc-api/#update-status).

    ``status`` is a boolean for revocation and suspension; for a ``message`` entry it may also
    be the new value as a hex string ("0x2", this service's extension for ``statusSize`` > 1).
    """

    credential_id: Annotated[str, Field(min_length=1, max_length=1000)]
    credential_status: VcApiStatusEntryRef
    status: bool | Annotated[str, Field(pattern=r"^0x[0-9A-Fa-f]{1,2}$")]


class VcApiIssueIn(Body):
    credential: dict[str, Any]
    options: VcApiIssueOptions = Field(default_factory=VcApiIssueOptions)


class ClientIn(Body):
    name: ShortText = "api client"
    issuer: Slug | None = Field(default=None, description="slug of the issuer the key is bound "
                                                          "to; none for an admin key")
    scopes: list[Literal["manage", "issue", "revoke", "admin"]] | None = Field(
        default=None, description="default: manage, issue, revoke (an issuer's key) or admin")


class ClientOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    id: str
    name: str
    issuer: str | None
    scopes: list[str]
    created: datetime | None = None
    last_used: datetime | None = Field(default=None, description="to within a minute")
    rotated: datetime | None = None
    revoked: datetime | None = None
    api_key: str | None = Field(default=None, description="shown once, at creation or rotation")


class ClientList(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    items: list[ClientOut]


class ReasonIn(Body):
    reason: Text | None = Field(default=None, description="recorded in the audit trail")


# --- qualification pathways ----------------------------------------------------------------

Credits = Annotated[float, Field(ge=0, le=10_000)]


class MemberIn(Body):
    """A credential counts when its achievement is ``achievementId`` (this issuer's uuid or
    any full id URL), or when it aligns to ``targetCode`` in ``targetFramework`` (a unit of a
    framework, say)."""

    achievement_id: ShortText | None = None
    target_framework: ShortText | None = None
    target_code: ShortText | None = None

    @model_validator(mode="after")
    def _one_way(self) -> MemberIn:
        by_alignment = self.target_framework is not None or self.target_code is not None
        if (self.achievement_id is None) == (not by_alignment) or (
                by_alignment and (self.target_framework is None or self.target_code is None)):
            raise ValueError("name either achievementId, or targetFramework and targetCode")
        return self


class LevelIn(Body):
    framework: Literal["FHEQ", "SCQF", "CQFW", "RQF", "EQF"]
    level: Annotated[int, Field(ge=1, le=12)]


class LevelCreditsIn(LevelIn):
    credits: Credits = Field(description="at least this many credits at this level or above")


class ElectiveGroupIn(Body):
    name: ShortText
    members: list[MemberIn] = Field(min_length=1, max_length=200)
    min_credits: Credits | None = None
    min_count: Annotated[int, Field(ge=1, le=200)] | None = None

    @model_validator(mode="after")
    def _minimum(self) -> ElectiveGroupIn:
        if self.min_credits is None and self.min_count is None:
            raise ValueError("give minCredits, minCount or both")
        return self


class RecogniseIn(Body):
    """Another provider whose credentials count (recognition of prior learning): its issuer id
    (a DID or URL) and, optionally, which achievement (by id or alignment code)."""

    issuer: Annotated[Line, Field(min_length=1, max_length=2048)]
    achievement_id: ShortText | None = None
    target_framework: ShortText | None = None
    target_code: ShortText | None = None


class PathwayRulesIn(Body):
    credit_scheme: ShortText | None = Field(
        default=None, description="CATS, SCQF, CQFW or ECTS; default: the target "
                                  "achievement's creditScheme")
    total_credits: Credits | None = None
    level_credits: list[LevelCreditsIn] = Field(default_factory=list, max_length=10)
    minimum_level: LevelIn | None = Field(
        default=None, description="every counted credential at this level or above")
    required: list[MemberIn] = Field(default_factory=list, max_length=100)
    electives: list[ElectiveGroupIn] = Field(default_factory=list, max_length=20)
    accept: list[MemberIn] = Field(default_factory=list, max_length=200,
                                   description="further achievements counting to the totals")
    recency_years: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None, description="count only credentials earned within this many years")
    max_external_credits: Credits = Field(
        default=0, description="at most this many credits from other providers")
    recognise: list[RecogniseIn] = Field(default_factory=list, max_length=50)
    ordered: bool = Field(  # h-qual
        default=False, description="the required achievements are taken in the order listed: "
                                   "the award's CLR says each `precedes` the next")


class PathwayIn(Body):
    target_achievement_id: ShortText = Field(
        description="the qualification: an achievement of this issuer (uuid or id URL)")
    name: ShortText | None = Field(default=None, description="default: the target's name")
    rules: PathwayRulesIn


class PathwayPatch(Body):
    """New rules for a pathway: published as its next revision (earlier ones are kept; awards
    record the revision they were made under)."""

    name: ShortText | None = None
    rules: PathwayRulesIn


LearnerQuery = Annotated[Line, Field(min_length=1, max_length=500)]


class AwardIn(Body):
    """The learner, as the qualification credential will name them (as when issuing)."""

    recipient: RecipientIn


class AwardDecisionIn(Body):
    decision: Literal["keep", "revoke", "re-award"]
    reason: Text | None = None
    recipient: RecipientIn | None = Field(
        default=None, description="needed to re-award: the learner, as the new "
                                  "qualification credential will name them")


class RecognitionIn(Body):
    learner: LearnerQuery = Field(description="email, did:…, student:<id>, or "
                                              "<identityType>:<value>")
    credential: dict[str, Any] | Annotated[str, Field(max_length=1_000_000)] = Field(
        description="an OB 3.0 AchievementCredential of another issuer (JSON-LD or VC-JWT)")


AssociationType = Literal["exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf",
                          "isRelatedTo", "precedes", "replacedBy"]


class AssociationIn(Body):
    """CLR 2.0 Association: how the source achievement relates to the target (e.g.
    ``isChildOf``: the source is the child of the target; ``precedes``: it comes first)."""

    association_type: AssociationType
    source_id: ShortText = Field(description="achievement uuid or its full id URL")
    target_id: ShortText = Field(description="achievement uuid or its full id URL")


class ClrIn(Body):
    """A CLR 2.0 record for one learner: credentials of this issuer issued to them, embedded
    as issued, signed together as a ClrCredential."""

    learner: RecipientIn = Field(description="who the record is about: the credentials must "
                                             "have been issued to one of these identifiers")
    credential_ids: list[ShortText] = Field(min_length=1, max_length=MAX_CLR_CREDENTIALS,
                                            description="ids of this issuer's credentials")
    name: ShortText = "Comprehensive Learner Record"
    description: Text | None = None
    achievement_ids: list[ShortText] = Field(
        default_factory=list, max_length=50,
        description="further achievements of this issuer the record lists (a qualification "
                    "the credentials are part of), by uuid or full id URL")
    associations: list[AssociationIn] = Field(default_factory=list, max_length=200)
    ordered: bool = Field(default=False, description="the credentials are given in order: "
                                                     "each one's achievement precedes the next")
    reference: Annotated[Line, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="the caller's reference: the same one never issues twice")


class ProgressLinkIn(Body):
    """h-qual: a link to a learner's progress on a pathway, for the LMS to give the learner."""

    learner: LearnerQuery = Field(description="email, did:…, student:<id>, or "
                                              "<identityType>:<value>")
