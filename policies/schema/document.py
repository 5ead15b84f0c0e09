"""The whole policy document: every section, in the order they are shown."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from .base import FieldError, _Frozen
from .choices import AppraisalModel, PayProgression
from .sections.confidentiality import ConfidentialitySettings
from .sections.conversations import ConversationsSettings
from .sections.cycle import CycleSettings
from .sections.headteacher import HeadteacherSettings
from .sections.meetings import MeetingsSettings
from .sections.objectives import ObjectivesSettings
from .sections.observations import ObservationSettings
from .sections.pay import PaySettings
from .sections.pdp import PdpSettings
from .sections.reminders import ReminderSettings
from .sections.retention import RetentionSettings
from .sections.review import ReviewSettings
from .sections.scope import ScopeSettings
from .sections.support import SupportSettings
from .sections.wellbeing import WellbeingSettings
from .upgrades import CURRENT_SCHEMA_VERSION, SCHEMA_VERSION_KEY


class PolicySettings(_Frozen):
    """Everything a policy version fixes. Sections are shown in this order.

    ``schema_version`` is not a setting: it says which shape of this document a stored
    version was written in. Only the current version validates; a stored document of an
    older one goes through ``upgrades.upgrade_document`` first (``stored.parse_stored``)."""

    # What the product does with each top-level setting (sections carry their own).
    EFFECTS: ClassVar[dict[str, str]] = {
        "model": "Decides the whole year's shape: which pages a cycle has (objectives, "
        "conversations or a development plan), which deadlines it carries and what the "
        "review and statement ask for.",
    }

    schema_version: int = Field(CURRENT_SCHEMA_VERSION, title="Schema version")
    model: AppraisalModel = Field(
        AppraisalModel.OBJECTIVES,
        title="How appraisal works",
        description="Objectives each year, developmental conversations, or a personal "
        "development plan.",
    )
    scope: ScopeSettings = Field(default_factory=ScopeSettings)
    cycle: CycleSettings = Field(default_factory=CycleSettings)
    objectives: ObjectivesSettings = Field(default_factory=ObjectivesSettings)
    conversations: ConversationsSettings = Field(default_factory=ConversationsSettings)
    pdp: PdpSettings = Field(default_factory=PdpSettings)
    meetings: MeetingsSettings = Field(default_factory=MeetingsSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    observations: ObservationSettings = Field(default_factory=ObservationSettings)
    wellbeing: WellbeingSettings = Field(default_factory=WellbeingSettings)
    pay: PaySettings = Field(default_factory=PaySettings)
    support: SupportSettings = Field(default_factory=SupportSettings)
    confidentiality: ConfidentialitySettings = Field(default_factory=ConfidentialitySettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    headteacher: HeadteacherSettings = Field(default_factory=HeadteacherSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)

    @field_validator("schema_version")
    @classmethod
    def _current_version(cls, value: int) -> int:
        if value != CURRENT_SCHEMA_VERSION:
            raise ValueError(
                f"This document is written in schema version {value}; it must be upgraded to "
                f"version {CURRENT_SCHEMA_VERSION} before it is read."
            )
        return value

    @model_validator(mode="after")
    def _model_needs(self) -> PolicySettings:
        if self.model == AppraisalModel.OBJECTIVES and self.objectives.maximum_count < 1:
            raise FieldError(
                "An objectives-based policy needs at least one objective.",
                field="objectives.maximum_count",
            )
        if self.model == AppraisalModel.CONVERSATIONS and self.conversations.per_year < 1:
            raise FieldError(
                "A conversations-based policy needs at least one conversation.",
                field="conversations.per_year",
            )
        if (
            self.pay.performance_related_pay
            and self.pay.teacher_progression == PayProgression.NOT_LINKED
        ):
            raise FieldError(
                "Pay cannot be both performance-related and not linked to appraisal.",
                field="pay.performance_related_pay",
            )
        return self

    def pay_recommendation_required_fields(self) -> tuple[str, ...]:
        """Which parts of a pay recommendation must be filled in under this policy.

        Without performance-related pay a written recommendation is still made, but it need
        not cite appraisal evidence; with it, the evidence and the objectives' outcome are
        required too."""
        fields = ["recommendation", "reason"]
        if self.pay.performance_related_pay:
            fields += ["appraisal_evidence", "objectives_outcome"]
        return tuple(fields)


# Keys of the document that are about the document, not settings a policy makes: the editor,
# the flat form and the plain-words description leave them out.
DOCUMENT_KEYS: tuple[str, ...] = (SCHEMA_VERSION_KEY,)

SECTION_NAMES: tuple[str, ...] = tuple(
    name
    for name, info in PolicySettings.model_fields.items()
    if isinstance(info.annotation, type) and issubclass(info.annotation, _Frozen)
)


def default_settings() -> PolicySettings:
    return PolicySettings()
