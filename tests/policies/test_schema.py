"""The settings schema: defaults, ranges, cross-field rules, flattening and descriptions.
Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from policies.schema import (
    SECTION_NAMES,
    AppraisalModel,
    CycleSettings,
    FieldKind,
    MonthDay,
    ObjectivesSettings,
    PaySettings,
    PolicySettings,
    RetentionSettings,
    changed_paths,
    describe_settings,
    field_specs,
    flatten_settings,
    md,
    merge_settings,
    unflatten_settings,
    validate_settings,
)


def test_defaults_validate_and_are_frozen() -> None:
    settings = PolicySettings()
    assert settings.model == AppraisalModel.OBJECTIVES
    with pytest.raises(ValidationError):
        settings.cycle.length_months = 6  # type: ignore[misc]


def test_every_section_named_in_the_brief_exists() -> None:
    for name in (
        "scope",
        "cycle",
        "objectives",
        "conversations",
        "pdp",
        "meetings",
        "review",
        "observations",
        "wellbeing",
        "pay",
        "support",
        "confidentiality",
        "retention",
        "headteacher",
    ):
        assert name in SECTION_NAMES


def test_every_field_has_a_label_and_a_plain_description() -> None:
    for spec in field_specs():
        assert spec.label, spec.path
        assert spec.description, spec.path


def test_every_number_is_ranged() -> None:
    for spec in field_specs():
        if spec.kind == FieldKind.INT:
            assert spec.minimum is not None and spec.maximum is not None, spec.path


def test_unknown_key_is_refused() -> None:
    settings, errors = validate_settings({"cycle": {"lenght_months": 12}})
    assert settings is None
    assert errors["cycle"] == ["There is no setting called “lenght_months”."]


def test_out_of_range_gives_a_message_per_field() -> None:
    settings, errors = validate_settings(
        {"observations": {"yearly_cap_minutes": -5}, "retention": {"default_years": 99}}
    )
    assert settings is None
    assert set(errors) == {"observations.yearly_cap_minutes", "retention.default_years"}
    assert errors["observations.yearly_cap_minutes"] == ["Enter a number of at least 0."]


def test_month_day_must_exist() -> None:
    with pytest.raises(ValidationError, match="April has no day 31"):
        MonthDay(month=4, day=31)
    assert str(md(2, 29)) == "29 February"
    assert md(2, 29).in_year(2025) == dt.date(2025, 2, 28)


def test_cross_field_errors_are_reported_on_the_setting_they_concern() -> None:
    _, errors = validate_settings({"objectives": {"minimum_count": 4, "maximum_count": 3}})
    assert "objectives.minimum_count" in errors
    assert "fewest ≤ usual ≤ most" in errors["objectives.minimum_count"][0]


def test_blank_means_unset_for_optional_fields() -> None:
    settings = PolicySettings.model_validate({"objectives": {"set_by": ""}})
    assert settings.objectives.set_by is None


def test_cycle_dates_full_year_and_short_year() -> None:
    assert CycleSettings().dates_for(2025) == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    # langley §7 XI: September to July.
    sept_july = CycleSettings(ends_on=md(7, 31))
    assert sept_july.dates_for(2025) == (dt.date(2025, 9, 1), dt.date(2026, 7, 31))
    # A calendar-year cycle (staploe).
    jan = CycleSettings(starts_on=md(1, 1))
    assert jan.dates_for(2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert jan.cycle_containing(dt.date(2026, 5, 3)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    # August falls between two September-July cycles: the next one is returned.
    assert sept_july.cycle_containing(dt.date(2026, 8, 10))[0] == dt.date(2026, 9, 1)


def test_leader_counts_fall_back_to_everyone_elses() -> None:
    objectives = ObjectivesSettings(normal_count=2, minimum_count=2, maximum_count=2)
    assert objectives.counts_for(is_leader=True) == (2, 2, 2)
    objectives = ObjectivesSettings(
        normal_count=2,
        minimum_count=2,
        maximum_count=2,
        leader_normal_count=3,
        leader_maximum_count=3,
        leader_minimum_count=3,
    )
    assert objectives.counts_for(is_leader=True) == (3, 3, 3)
    assert objectives.counts_for(is_leader=False) == (2, 2, 2)


def test_performance_related_pay_makes_the_decision_date_required() -> None:
    with pytest.raises(ValidationError, match="pay decision date"):
        PaySettings(performance_related_pay=True, decision_due=None)
    assert PaySettings(performance_related_pay=False, decision_due=None).decision_due is None
    with_prp = PolicySettings.model_validate({"pay": {"performance_related_pay": True}})
    assert "appraisal_evidence" in with_prp.pay_recommendation_required_fields()
    assert "appraisal_evidence" not in PolicySettings().pay_recommendation_required_fields()


def test_retention_per_record_type_falls_back_to_default() -> None:
    retention = RetentionSettings(default_years=6, capability_years=10)
    assert retention.years_for("appraisal_record") == 6
    assert retention.years_for("capability") == 10
    with pytest.raises(KeyError):
        retention.years_for("nonsense")


def test_flatten_and_unflatten_round_trip() -> None:
    settings = PolicySettings.model_validate(
        {"cycle": {"starts_on": {"month": 1, "day": 1}}, "retention": {"default_years": 7}}
    )
    flat = flatten_settings(settings)
    assert flat["cycle.starts_on"] == {"month": 1, "day": 1}
    assert flat["retention.default_years"] == 7
    assert flat["model"] == "objectives"
    assert set(flat) == {spec.path for spec in field_specs()}
    assert PolicySettings.model_validate(unflatten_settings(flat)) == settings


def test_merge_replaces_fields_not_sections() -> None:
    base = {"cycle": {"starts_on": {"month": 1, "day": 1}, "length_months": 12}}
    merged = merge_settings(base, {"cycle": {"starts_on": {"month": 6, "day": 1}}})
    assert merged == {"cycle": {"starts_on": {"month": 6, "day": 1}, "length_months": 12}}
    assert base["cycle"]["starts_on"] == {"month": 1, "day": 1}


def test_describe_settings_in_plain_words_with_sources() -> None:
    settings = PolicySettings.model_validate(
        {"observations": {"verbal_feedback_working_days": 2}, "objectives": {"set_by": ""}}
    )
    sections = describe_settings(settings, {"observations.verbal_feedback_working_days": "§5.2.4"})
    by_path = {s.path: s for section in sections for s in section.settings}
    verbal = by_path["observations.verbal_feedback_working_days"]
    assert verbal.value == "2"
    assert verbal.source == "§5.2.4"
    assert not verbal.is_trust_default
    assert by_path["objectives.set_by"].value == "Not set"
    assert by_path["cycle.starts_on"].value == "1 September"
    assert by_path["cycle.starts_on"].is_trust_default
    assert by_path["scope.exclude_probationers"].value == "Yes"
    assert by_path["support.stages"].lines == ("Informal support; normally 4 weeks",)
    assert sections[0].title == "The appraisal model"


def test_changed_paths_lists_only_differences() -> None:
    old = PolicySettings()
    new = PolicySettings.model_validate({"retention": {"default_years": 7}})
    assert changed_paths(old, new) == ["retention.default_years"]


def test_sections_that_do_not_apply_to_the_model() -> None:
    conversations = PolicySettings.model_validate(
        {"model": "conversations", "objectives": {"minimum_count": 0, "normal_count": 0}}
    )
    applies = {s.key: s.applies for s in describe_settings(conversations)}
    assert applies["conversations"] and not applies["objectives"] and not applies["pdp"]
    assert applies["pay"] and applies["support"]
    objectives = {s.key: s.applies for s in describe_settings(PolicySettings())}
    assert objectives["objectives"] and not objectives["conversations"]
