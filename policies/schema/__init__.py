"""What a trust's appraisal policy says, as one typed, validated settings document.

Every number or choice a policy makes (how many objectives, notice in working days,
retention years, who may read a record...) is a field here with a range, a plain-English
description for a trust administrator, and a default: the sensible trust default used
when a policy is silent. The five real policies the product runs are presets of this one
schema (``policies/presets/*.toml``), not five code paths.

Pure package: no database, no Django imports. Other apps read a version's rules with
``policy_version.rules`` (a ``PolicySettings``) and never hard-code a number a policy sets.

Where things are, so a rule is found by its name:

- ``base``: building blocks (bounded text, ``MonthDay``, ``Choice``, the frozen model);
- ``choices``: every choice between fixed options (``Reader``, ``PayProgression``...);
- ``sections/<section>.py``: one module per section of the document (``sections/pay.py``
  holds ``PaySettings``);
- ``document``: ``PolicySettings``, the whole document, and ``SECTION_NAMES``;
- ``upgrades``: the document's schema version and the chain that upgrades an old one;
- ``stored``: reading a stored version (upgrade, validate, parse once per version id);
- ``validation``: validating a document, errors as plain messages per field;
- ``editor``: the flat ``"section.field"`` form and each field's metadata;
- ``describe``: the plain-words description the policy pages show.

Everything is re-exported here: import from ``policies.schema``, not from the modules.
"""

from __future__ import annotations

from .base import (
    MAX_LIST_ITEMS,
    Choice,
    LongText,
    MonthDay,
    ShortText,
    StageKey,
    md,
)
from .choices import (
    AdviserUse,
    AppraisalInCapability,
    AppraisalModel,
    CapabilityLetterWriter,
    ConversationTerm,
    Decider,
    DueAnchor,
    HeadteacherAppraiser,
    ObjectiveKind,
    ObservationType,
    PartYearStart,
    PayCommitteeSees,
    PayProgression,
    Reader,
    RetentionFrom,
    WithholdReason,
)
from .describe import DescribedSetting, Section, describe_settings, format_value
from .document import DOCUMENT_KEYS, SECTION_NAMES, PolicySettings, default_settings
from .editor import (
    FieldKind,
    FieldSpec,
    _spec_for,  # the metadata reader the editor's record fields reuse (policies.forms)
    changed_paths,
    field_specs,
    flatten_settings,
    iter_paths,
    merge_settings,
    partial_flatten,
    section_applies,
    section_title,
    unflatten_settings,
    unknown_paths,
)
from .sections.confidentiality import ConfidentialitySettings
from .sections.conversations import Conversation, ConversationsSettings
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
from .sections.support import SupportSettings, SupportStage
from .sections.wellbeing import WellbeingSettings
from .stored import parse_stored
from .upgrades import (
    CURRENT_SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    SchemaVersionError,
    upgrade_document,
)
from .validation import errors_by_path, validate_settings

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "DOCUMENT_KEYS",
    "MAX_LIST_ITEMS",
    "SCHEMA_VERSION_KEY",
    "SECTION_NAMES",
    "AdviserUse",
    "AppraisalInCapability",
    "AppraisalModel",
    "CapabilityLetterWriter",
    "Choice",
    "ConfidentialitySettings",
    "Conversation",
    "ConversationTerm",
    "ConversationsSettings",
    "CycleSettings",
    "Decider",
    "DescribedSetting",
    "DueAnchor",
    "FieldKind",
    "FieldSpec",
    "HeadteacherAppraiser",
    "HeadteacherSettings",
    "LongText",
    "MeetingsSettings",
    "MonthDay",
    "ObjectiveKind",
    "ObjectivesSettings",
    "ObservationSettings",
    "ObservationType",
    "PartYearStart",
    "PayCommitteeSees",
    "PayProgression",
    "PaySettings",
    "PdpSettings",
    "PolicySettings",
    "Reader",
    "ReminderSettings",
    "RetentionFrom",
    "RetentionSettings",
    "ReviewSettings",
    "SchemaVersionError",
    "ScopeSettings",
    "Section",
    "ShortText",
    "StageKey",
    "SupportSettings",
    "SupportStage",
    "WellbeingSettings",
    "WithholdReason",
    "_spec_for",
    "changed_paths",
    "default_settings",
    "describe_settings",
    "errors_by_path",
    "field_specs",
    "flatten_settings",
    "format_value",
    "iter_paths",
    "md",
    "merge_settings",
    "parse_stored",
    "partial_flatten",
    "section_applies",
    "section_title",
    "unflatten_settings",
    "unknown_paths",
    "upgrade_document",
    "validate_settings",
]
