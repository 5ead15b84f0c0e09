"""Deadlines the objectives app sets, for each policy, from the pinned version and the
academy's calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from calendars.models import Term
from calendars.selectors import calendars_for
from cycles.deadlines import Deadline, all_deadlines
from cycles.models import AppraisalCycle, CycleState
from objectives import deadlines as objectives_deadlines
from objectives.deadlines import deadlines_for_cycles
from objectives.models import Conversation, Meeting, ObjectivePlan, PlanState
from organisation.models import Academy

from .support import School, make_cycle, preset_version

pytestmark = pytest.mark.django_db

D = dt.date


def due(cycle: AppraisalCycle, with_calendar: bool = True) -> dict[str, list[Deadline]]:
    cycle = AppraisalCycle.objects.select_related("policy_version").get(pk=cycle.pk)
    calendars = (
        calendars_for([cycle.academy_id], cycle.starts_on, cycle.ends_on) if with_calendar else {}
    )
    found: dict[str, list[Deadline]] = {}
    for deadline in deadlines_for_cycles([cycle], calendars):
        found.setdefault(deadline.kind, []).append(deadline)
    return found


def enter_terms(academy: Academy, *terms: tuple[str, dt.date, dt.date]) -> None:
    for name, starts_on, ends_on in terms:
        Term.objects.create(academy=academy, name=name, starts_on=starts_on, ends_on=ends_on)


TERMS_2026_27 = (
    ("Autumn 1", D(2026, 9, 2), D(2026, 10, 23)),
    ("Autumn 2", D(2026, 11, 2), D(2026, 12, 18)),
    ("Spring 1", D(2027, 1, 5), D(2027, 2, 12)),
    ("Spring 2", D(2027, 2, 22), D(2027, 3, 26)),
    ("Summer 1", D(2027, 4, 12), D(2027, 5, 28)),
    ("Summer 2", D(2027, 6, 7), D(2027, 7, 21)),
)


def meeting(cycle: AppraisalCycle, kind: str, held_on: dt.date, **kw: object) -> Meeting:
    return Meeting.objects.create(
        trust_id=cycle.trust_id,
        cycle=cycle,
        kind=kind,
        scheduled_for=held_on,
        held_on=held_on,
        **kw,  # type: ignore[arg-type]
    )


# ----- classic-objectives ----------------------------------------------------------------


def test_classic_4_2_objectives_agreed_by_31_october(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    (agreed,) = due(cycle)["objectives_agreed"]
    assert agreed.due_on == D(2026, 10, 31)
    assert agreed.recipient == "reviewer" and not agreed.done
    ObjectivePlan.objects.create(trust=school.trust, cycle=cycle, state=PlanState.AGREED)
    assert due(cycle)["objectives_agreed"][0].done


def test_classic_5_7_1_interim_meetings_at_least_every_six_months(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    (first,) = due(cycle)["interim_meeting"]
    assert first.due_on == D(2027, 3, 1) and not first.done
    meeting(cycle, "interim", D(2027, 2, 15))
    first, second = due(cycle)["interim_meeting"]
    assert first.due_on == D(2027, 3, 1) and first.done
    # The clock restarts at the meeting: the next is due six months after it.
    assert second.due_on == D(2027, 8, 15) and not second.done


def test_classic_has_no_separate_midpoint_check_in(school: School) -> None:
    assert "midpoint_check_in" not in due(school.cycle("classic-objectives"))


# ----- staploe-associate -------------------------------------------------------------------


def staploe_cycle(school: School, **kw: object) -> AppraisalCycle:
    return school.cycle(
        "staploe-associate",
        appraisee=school.support,
        starts_on=D(2027, 1, 1),
        ends_on=D(2027, 12, 31),
        **kw,  # type: ignore[arg-type]
    )


def test_staploe_objectives_set_at_the_january_review_meeting(school: School) -> None:
    (agreed,) = due(staploe_cycle(school))["objectives_agreed"]
    assert agreed.due_on == D(2027, 1, 31)


def test_staploe_learning_support_runs_june_to_may(school: School) -> None:
    version = preset_version(school.trust, "staploe-associate", "learning-support")
    cycle = make_cycle(
        school.support,
        version,
        reviewer=school.reviewer,
        starts_on=D(2027, 6, 1),
        ends_on=D(2028, 5, 31),
    )
    assert due(cycle)["objectives_agreed"][0].due_on == D(2027, 6, 30)


def test_staploe_termly_reviews_default_to_the_usual_term_ends(school: School) -> None:
    cycle = staploe_cycle(school)
    termly = due(cycle)["termly_review"]
    assert [d.due_on for d in termly] == [D(2027, 4, 30), D(2027, 7, 31), D(2027, 12, 31)]
    meeting(cycle, "termly", D(2027, 3, 10))
    assert [d.done for d in due(cycle)["termly_review"]] == [True, False, False]


def test_staploe_termly_reviews_follow_the_academy_calendar(school: School) -> None:
    enter_terms(
        school.academy,
        *TERMS_2026_27,
        ("Autumn 1", D(2027, 9, 1), D(2027, 10, 22)),
        ("Autumn 2", D(2027, 11, 1), D(2027, 12, 17)),
    )
    cycle = school.cycle(
        "staploe-associate",
        appraisee=school.support,
        starts_on=D(2027, 1, 1),
        ends_on=D(2027, 12, 31),
    )
    termly = due(cycle)["termly_review"]
    assert [d.due_on for d in termly] == [D(2027, 3, 26), D(2027, 7, 21), D(2027, 12, 17)]


def test_staploe_review_record_completed_within_two_weeks(school: School) -> None:
    cycle = staploe_cycle(school)
    held = meeting(cycle, "annual_review", D(2027, 1, 19))
    (record,) = due(cycle)["annual_review_record"]
    assert record.due_on == D(2027, 2, 2) and not record.done
    held.record_completed_on = D(2027, 1, 25)
    held.save()
    assert due(cycle)["annual_review_record"][0].done


# ----- aspire-grow ------------------------------------------------------------------------


def test_aspire_6_3_autumn_conversation_before_october_half_term(school: School) -> None:
    enter_terms(school.academy, *TERMS_2026_27)
    found = due(school.cycle("aspire-grow"))
    (autumn,) = found["conversation_autumn"]
    assert autumn.due_on == D(2026, 10, 23)  # the last day of term before half-term
    assert autumn.label == "Hold the autumn conversation"
    (mid_year,) = found["conversation_spring_summer"]
    assert mid_year.due_on == D(2027, 7, 21)  # by the end of the summer term
    assert "objectives_agreed" not in found


def test_aspire_6_3_without_term_dates_the_configured_date_applies(school: School) -> None:
    found = due(school.cycle("aspire-grow"), with_calendar=False)
    assert found["conversation_autumn"][0].due_on == D(2026, 10, 20)
    assert found["conversation_spring_summer"][0].due_on == D(2027, 7, 31)


def test_aspire_6_3_headteachers_by_31_december(school: School) -> None:
    enter_terms(school.academy, *TERMS_2026_27)
    cycle = school.cycle(
        "aspire-grow", appraisee=school.headteacher, reviewer=None, is_headteacher_cycle=True
    )
    assert due(cycle)["conversation_autumn"][0].due_on == D(2026, 12, 31)


def test_aspire_a_held_conversation_is_done(school: School) -> None:
    cycle = school.cycle("aspire-grow")
    Conversation.objects.create(
        trust=school.trust, cycle=cycle, key="autumn", held_on=D(2026, 10, 14)
    )
    found = due(cycle)
    assert found["conversation_autumn"][0].done
    assert not found["conversation_spring_summer"][0].done


# ----- leger-pdp and langley-interim -------------------------------------------------------


def test_leger_4_midpoint_check_in(school: School) -> None:
    cycle = school.cycle("leger-pdp")
    found = due(cycle)
    (midpoint,) = found["midpoint_check_in"]
    assert midpoint.due_on == D(2027, 3, 2)
    # The policy sets no date for the plan: the trust default (31 October) applies.
    assert found["development_plan_agreed"][0].due_on == D(2026, 10, 31)
    meeting(cycle, "midpoint", D(2027, 2, 26))
    assert due(cycle)["midpoint_check_in"][0].done


def test_langley_7_X_no_formal_mid_year_review(school: School) -> None:
    found = due(school.cycle("langley-interim", ends_on=D(2027, 7, 31)))
    assert set(found) == {"objectives_agreed"}


# ----- Many cycles --------------------------------------------------------------------------


def test_deadlines_for_many_cycles_take_a_fixed_number_of_queries(
    school: School, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    people = [school.teacher, school.ups_teacher, school.leader, school.support, school.colleague]
    keys = ["classic-objectives", "aspire-grow", "leger-pdp", "staploe-associate"]
    for index, person in enumerate(people):
        for year in (2025, 2026):
            key = keys[(index + year) % len(keys)]
            cycle = school.cycle(
                key,
                appraisee=person,
                starts_on=D(year, 9, 1),
                ends_on=D(year + 1, 8, 31),
            )
            meeting(cycle, "other", D(year, 11, 1))
    few = list(AppraisalCycle.objects.select_related("policy_version")[:4])
    many = list(AppraisalCycle.objects.select_related("policy_version"))
    assert len(many) == 10
    with django_assert_num_queries(4):
        deadlines_for_cycles(few, {})
    with django_assert_num_queries(4):
        assert deadlines_for_cycles(many, {})


def test_all_deadlines_includes_this_apps(school: School) -> None:
    cycle = school.cycle("classic-objectives")
    kinds = {d.kind for d in all_deadlines(AppraisalCycle.objects.filter(pk=cycle.pk))}
    assert {"objectives_agreed", "interim_meeting"} <= kinds


def test_a_suspended_cycle_stops_this_apps_deadlines(school: School) -> None:
    """Capability or grievance pauses the year: objectives, conversations and meetings
    are not due while the cycle is suspended, and are due again once it resumes."""
    assert objectives_deadlines.STOPPED_BY_SUSPENSION is True
    cycle = school.cycle("classic-objectives")
    cycle.state, cycle.suspended_from = CycleState.SUSPENDED, CycleState.ACTIVE
    cycle.save(update_fields=["state", "suspended_from"])
    assert all_deadlines(AppraisalCycle.objects.filter(pk=cycle.pk)) == []
    cycle.state, cycle.suspended_from = CycleState.ACTIVE, ""
    cycle.save(update_fields=["state", "suspended_from"])
    kinds = {d.kind for d in all_deadlines(AppraisalCycle.objects.filter(pk=cycle.pk))}
    assert "objectives_agreed" in kinds
