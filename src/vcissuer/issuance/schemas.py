"""Request and response bodies of the REST API: camelCase on the wire, unknown fields refused."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AnyUrl,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "AchievementIn",
    "AchievementOut",
    "AlignmentIn",
    "AssessmentIn",
    "BatchIn",
    "BatchItemOut",
    "BatchOut",
    "ClientOut",
    "CredentialOut",
    "CredentialPage",
    "EvidenceIn",
    "ImageIn",
    "IssuerIn",
    "IssuerOut",
    "IssuerPatch",
    "RecipientIn",
    "ResultDescriptionIn",
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
Text = Annotated[str, Field(min_length=1, max_length=10_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=500)]
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
    # OB 3.0 Image: "type" is required ("Image"); given for the caller when left out.
    id: str = Field(description="http(s) URL or data:image/... URI of a PNG or SVG")
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
    revocation_list: bool = Field(default=False,
                                  description="also publish a 1EdTech Revocation List")


class IssuerPatch(Body):
    name: ShortText | None = None
    url: AnyUrl | None = None
    email: EmailStr | None = None
    description: Text | None = None
    image: ImageIn | None = None
    revocation_list: bool | None = None


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
    target_type: str | None = None


class RubricLevelIn(Body):
    key: Key | None = Field(default=None, description="id fragment; default <outcome>-level-<n>")
    name: ShortText
    description: Text | None = None
    level: ShortText | None = None
    points: ShortText | None = None


class ResultDescriptionIn(Body):
    key: Key | None = Field(default=None, description="id fragment; default outcome-<n>")
    name: ShortText
    result_type: str
    allowed_value: list[ShortText] | None = Field(default=None, description="low to high")
    required_value: ShortText | None = None
    rubric_criterion_level: list[RubricLevelIn] | None = Field(default=None,
                                                               description="low to high")
    required_level: str | None = Field(default=None, description="key of a rubric level")
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
    achievement_type: str = "MicroCredential"
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
    revocable: bool = True
    suspendable: bool = False

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


class AchievementOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    id: str
    achievement: dict[str, Any]
    revocable: bool
    suspendable: bool


class RecipientIn(Body):
    email: EmailStr | None = None
    did: Annotated[str, Field(pattern=r"^did:[a-z0-9]+:.+$", max_length=2048)] | None = None
    student_id: ShortText | None = None
    name: ShortText | None = Field(default=None,
                                   description="shown on the badge (published in the credential)")

    @model_validator(mode="after")
    def _exactly_one(self) -> RecipientIn:
        given = [x for x in (self.email, self.did, self.student_id) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of email, did, studentId")
        return self


class ResultIn(Body):
    result_description: ShortText = Field(description="outcome key or full id")
    value: ShortText | None = None
    achieved_level: ShortText | None = None
    status: ResultStatus | None = None


class EvidenceIn(Body):
    id: str | None = None
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


class AssessmentIn(Body):
    achievement_id: ShortText = Field(description="achievement uuid or its full id URL")
    recipient: RecipientIn
    results: list[ResultIn] = Field(default_factory=list, max_length=200)
    credits_earned: float | None = Field(default=None, ge=0)
    activity_start_date: datetime | None = None
    activity_end_date: datetime | None = None
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=50)
    valid_until: datetime | None = None
    assessment_ref: Annotated[str, Field(min_length=1, max_length=255)] = Field(
        description="the LMS's own reference: the same one never issues twice")
    format: Literal["ldp", "jwt"] = "ldp"

    @model_validator(mode="after")
    def _dates(self) -> AssessmentIn:
        for field in ("activity_start_date", "activity_end_date", "valid_until"):
            value = getattr(self, field)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{to_camel(field)} needs a timezone (e.g. ...Z)")
        if (self.activity_start_date and self.activity_end_date
                and self.activity_start_date > self.activity_end_date):
            raise ValueError("activityStartDate is after activityEndDate")
        return self


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


class ClientOut(Body):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    id: str
    name: str
    issuer: str | None
    scopes: list[str]
    api_key: str | None = Field(default=None, description="shown once, at creation")
