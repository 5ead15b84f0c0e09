"""Policy documents are versioned: a document of every older schema version still loads.

``documents/v<N>-<preset>.json`` are documents exactly as the product stored them in schema
version N (version 1: before documents carried a version). They are never regenerated: a
new schema version adds files for the version it replaces.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from pydantic import ValidationError

from policies.models import PolicyVersion
from policies.presets import all_presets, load_preset
from policies.schema import (
    CURRENT_SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    AppraisalModel,
    HeadteacherAppraiser,
    PolicySettings,
    SchemaVersionError,
    field_specs,
    flatten_settings,
    parse_stored,
    upgrade_document,
    validate_settings,
)
from policies.schema.upgrades import UPGRADES, document_version
from policies.services import policy_create
from tests.factories import TrustFactory

DOCUMENTS = Path(__file__).parent / "documents"
EFFECTIVE = dt.date(2025, 9, 1)
MIGRATION = importlib.import_module("policies.migrations.0002_policy_documents_schema_version_2")


def stored(name: str) -> dict[str, Any]:
    return json.loads((DOCUMENTS / f"{name}.json").read_text(encoding="utf-8"))


def documents_of(version: int) -> list[Path]:
    return sorted(DOCUMENTS.glob(f"v{version}-*.json"))


@pytest.mark.parametrize("version", range(1, CURRENT_SCHEMA_VERSION))
def test_a_document_of_every_older_version_loads(version: int) -> None:
    paths = documents_of(version)
    assert paths, f"keep a stored document of schema version {version} in {DOCUMENTS}"
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert document_version(data) == version
        rules = parse_stored(data)
        assert rules.schema_version == CURRENT_SCHEMA_VERSION, path.name


def test_an_old_document_is_refused_without_its_upgrade() -> None:
    # The validated model still refuses unknown keys: the upgrade, not leniency, loads it.
    with pytest.raises(ValidationError) as caught:
        PolicySettings.model_validate(stored("v1-aspire-grow"))
    assert "notes_only_with_consent" in str(caught.value)


def test_version_1_documents_mean_what_they_meant() -> None:
    leger, classic, aspire = (
        parse_stored(stored(f"v1-{key}"))
        for key in ("leger-pdp", "classic-objectives", "aspire-grow")
    )
    # leger §7: the committee "includes the trust CEO" — once a text search, now typed.
    assert leger.headteacher.ceo_on_committee
    assert leger.headteacher.committee_includes == ("The trust CEO",)
    assert not classic.headteacher.ceo_on_committee
    # aspire: one consent rule for conversation notes, enforced as before.
    assert aspire.model == AppraisalModel.CONVERSATIONS
    assert aspire.conversations.notes_need_consent
    assert aspire.headteacher.appraised_by == HeadteacherAppraiser.GOVERNING_BODY_WITH_CEO
    # Everything else is untouched: the upgraded document is the old one, less the dropped
    # key, plus the version and the typed CEO setting; settings added since (with no
    # upgrade, as additions need none) read their defaults.
    old = stored("v1-classic-objectives")
    new = classic.model_dump(mode="json")
    defaults = parse_stored({}).model_dump(mode="json")
    del old["wellbeing"]["notes_only_with_consent"]
    del new[SCHEMA_VERSION_KEY], new["headteacher"]["ceo_on_committee"]
    assert _added_since(new, old, defaults) == old


def _added_since(new: Any, old: Any, defaults: Any) -> Any:
    """``new`` with the settings ``old`` lacks taken out, each checked to be its default."""
    if not isinstance(new, dict) or not isinstance(old, dict):
        return new
    if not isinstance(defaults, dict):
        defaults = {}
    kept = {}
    for key, value in new.items():
        if key in old:
            kept[key] = _added_since(value, old[key], defaults.get(key, {}))
        else:
            assert value == defaults.get(key), key
    return kept


def test_the_dropped_wellbeing_setting_never_changes_the_conversations_one() -> None:
    # The engine only ever read conversations.notes_need_consent: an old document that set
    # the two differently keeps doing what it did.
    doc = {
        "wellbeing": {"notes_only_with_consent": False},
        "conversations": {"notes_need_consent": True},
    }
    assert parse_stored(doc).conversations.notes_need_consent
    partial = {"wellbeing": {"notes_only_with_consent": False}}
    assert parse_stored(partial).conversations.notes_need_consent  # the default, as before


@pytest.mark.parametrize(
    ("members", "reads"),
    [
        (["Trust CEO", "Chair"], True),
        (["Chair of governors", "A trustee"], False),
        ([], False),
    ],
)
def test_the_ceo_search_runs_once_in_the_upgrade(members: list[str], reads: bool) -> None:
    rules = parse_stored({"headteacher": {"committee_includes": members}})
    assert rules.headteacher.ceo_on_committee is reads


def test_the_typed_ceo_setting_is_never_guessed_from_wording_in_a_current_document() -> None:
    current = {
        SCHEMA_VERSION_KEY: CURRENT_SCHEMA_VERSION,
        "headteacher": {"committee_includes": ["The trust CEO"]},
    }
    assert not parse_stored(current).headteacher.ceo_on_committee


def test_the_removed_setting_is_not_offered_or_accepted() -> None:
    assert "wellbeing.notes_only_with_consent" not in {spec.path for spec in field_specs()}
    rules, errors = validate_settings({"wellbeing": {"notes_only_with_consent": True}})
    assert rules is None
    assert errors == {"wellbeing": ["There is no setting called “notes_only_with_consent”."]}


def test_upgrade_leaves_its_input_alone_and_current_documents_as_they_are() -> None:
    data = stored("v1-leger-pdp")
    before = copy.deepcopy(data)
    upgraded = upgrade_document(data)
    assert data == before
    assert upgrade_document(upgraded) == upgraded
    assert upgraded[SCHEMA_VERSION_KEY] == CURRENT_SCHEMA_VERSION


@pytest.mark.parametrize("version", [0, -1, "2", True, None, CURRENT_SCHEMA_VERSION + 1])
def test_a_version_this_code_cannot_read_is_a_clear_error(version: Any) -> None:
    with pytest.raises(SchemaVersionError):
        upgrade_document({SCHEMA_VERSION_KEY: version})


def test_only_the_current_version_validates_directly() -> None:
    _, errors = validate_settings({SCHEMA_VERSION_KEY: 1})
    assert list(errors) == [SCHEMA_VERSION_KEY]
    assert "upgraded" in errors[SCHEMA_VERSION_KEY][0]


def test_one_upgrade_per_version() -> None:
    assert len(UPGRADES) == CURRENT_SCHEMA_VERSION - 1


def test_presets_are_written_in_the_current_version() -> None:
    for preset in all_presets():
        assert preset.settings_for()[SCHEMA_VERSION_KEY] == CURRENT_SCHEMA_VERSION
        for variant in preset.variants:
            assert preset.settings_for(variant.key)[SCHEMA_VERSION_KEY] == CURRENT_SCHEMA_VERSION
    # The version is not a setting: not in the editor's flat form.
    assert SCHEMA_VERSION_KEY not in flatten_settings(load_preset("leger-pdp").rules)


@pytest.mark.django_db
def test_every_stored_document_carries_the_current_version() -> None:
    policy = policy_create(trust=TrustFactory(), name="Ours", settings={}, effective_from=EFFECTIVE)
    version = policy.versions.get()
    assert version.settings[SCHEMA_VERSION_KEY] == CURRENT_SCHEMA_VERSION


@pytest.mark.django_db
def test_the_data_migration_upgrades_stored_versions_and_can_be_reversed() -> None:
    policy = policy_create(trust=TrustFactory(), name="Ours", settings={}, effective_from=EFFECTIVE)
    old = PolicyVersion.objects.get(policy=policy)
    # A version stored before documents were versioned (written around the services, as a
    # restored backup or a loaded fixture is).
    PolicyVersion.objects.filter(pk=old.pk).update(settings=stored("v1-leger-pdp"))

    MIGRATION.upgrade_documents(django_apps, None)
    doc = PolicyVersion.objects.get(pk=old.pk).settings
    assert doc[SCHEMA_VERSION_KEY] == 2
    assert doc["headteacher"]["ceo_on_committee"] is True
    assert "notes_only_with_consent" not in doc["wellbeing"]
    MIGRATION.upgrade_documents(django_apps, None)  # a second run changes nothing
    assert PolicyVersion.objects.get(pk=old.pk).settings == doc

    MIGRATION.downgrade_documents(django_apps, None)
    back = PolicyVersion.objects.get(pk=old.pk).settings
    assert SCHEMA_VERSION_KEY not in back and "ceo_on_committee" not in back["headteacher"]
    # ...and the version-1 code path (the wording) reads it the same way again.
    assert parse_stored(back).headteacher.ceo_on_committee


@pytest.mark.django_db
def test_an_old_document_in_the_database_loads_through_rules() -> None:
    policy = policy_create(trust=TrustFactory(), name="Ours", settings={}, effective_from=EFFECTIVE)
    PolicyVersion.objects.filter(policy=policy).update(settings=stored("v1-leger-pdp"))
    version = PolicyVersion.objects.get(policy=policy)
    assert version.rules.headteacher.ceo_on_committee
    assert version.rules.model == AppraisalModel.PDP


# ----- Version 3: governors are never readers of a named record -------------------------

MIGRATION_3 = importlib.import_module("policies.migrations.0003_policy_documents_schema_version_3")


def test_version_2_leger_loses_the_governing_body_reader_and_keeps_the_rest() -> None:
    data = stored("v2-leger-pdp")
    assert "governing_body" in data["confidentiality"]["readers"]
    readers = [r.value for r in parse_stored(data).confidentiality.readers]
    assert readers == ["reviewee", "reviewer", "headteacher", "appraisal_delegate", "trust_staff"]


def test_a_reader_list_of_only_the_governing_body_gets_the_default_readers() -> None:
    data = {SCHEMA_VERSION_KEY: 2, "confidentiality": {"readers": ["governing_body"]}}
    assert parse_stored(data).confidentiality.readers == PolicySettings().confidentiality.readers


def test_the_governing_body_is_not_offered_as_a_reader() -> None:
    (spec,) = [s for s in field_specs() if s.path == "confidentiality.readers"]
    assert "governing_body" not in dict(spec.choices)
    rules, errors = validate_settings({"confidentiality": {"readers": ["governing_body"]}})
    assert rules is None and "confidentiality.readers" in errors


@pytest.mark.django_db
def test_the_version_3_migration_upgrades_stored_versions_and_can_be_reversed() -> None:
    policy = policy_create(trust=TrustFactory(), name="Ours", settings={}, effective_from=EFFECTIVE)
    old = PolicyVersion.objects.get(policy=policy)
    PolicyVersion.objects.filter(pk=old.pk).update(settings=stored("v2-leger-pdp"))

    MIGRATION_3.upgrade_documents(django_apps, None)
    doc = PolicyVersion.objects.get(pk=old.pk).settings
    assert doc[SCHEMA_VERSION_KEY] == 3
    assert "governing_body" not in doc["confidentiality"]["readers"]
    MIGRATION_3.upgrade_documents(django_apps, None)
    assert PolicyVersion.objects.get(pk=old.pk).settings == doc

    MIGRATION_3.downgrade_documents(django_apps, None)
    assert PolicyVersion.objects.get(pk=old.pk).settings[SCHEMA_VERSION_KEY] == 2
