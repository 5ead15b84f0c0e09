"""Concerns and support plans through their services, for each of the five presets: every
stage each policy has, a refused skip, classic's permitted bypass, notice counted in working
days with a bank holiday inside it, and capability applied to the appraisal cycle."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from cycles.models import AppraisalCycle, CycleState, SuspensionReason
from policies.schema.sections.support import SupportSettings
from support_plans import rules, selectors, services
from support_plans.models import (
    CAPABILITY,
    AppraisalEffect,
    Concern,
    LetterKind,
    MeetingKind,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    SupportMeeting,
    SupportPlan,
)
from tests.objectives.support import PRESETS, School, make_cycle, user, version_with
from tests.support_plans.support import stage_has_run

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2027, 5, 26, 10, 0, tzinfo=dt.UTC)  # a Wednesday before spring bank holiday


def concern(school: School, cycle: AppraisalCycle | None = None) -> Concern:
    del cycle
    return services.concern_record(
        actor=user(school.reviewer),
        staff=school.teacher,
        about="standard",
        about_detail="Teachers' Standard 4: plan and teach well-structured lessons",
        evidence="Three observed lessons without clear structure.",
        raised_with_them_on=dt.date(2027, 5, 20),
    )


def open_plan(school: School, key: str) -> tuple[SupportPlan, AppraisalCycle]:
    cycle = school.cycle(key)
    plan = services.plan_open(actor=user(school.reviewer), concern=concern(school))
    return plan, cycle


def _capability_meeting_with_too_short_notice_refused(
    plan: SupportPlan, manager: User, support: SupportSettings
) -> SupportMeeting:
    """The capability meeting, with one working day too little notice refused: the spring
    bank holiday (31 May 2027) falls inside the notice period, so the earliest date is a
    day later than counting weekdays alone gives."""
    days = rules.notice_working_days(
        support, CAPABILITY, MeetingKind.CAPABILITY, plan.capability_stage
    )
    notice = TODAY.date()
    weekdays = [notice + dt.timedelta(days=n) for n in range(1, 30)]
    weekdays = [d for d in weekdays if d.weekday() < 5]
    too_soon = weekdays[days - 1]  # enough notice were 31 May a working day
    with pytest.raises(services.SupportPlanError) as refused:
        services.meeting_schedule(
            actor=manager,
            plan=plan,
            kind=MeetingKind.CAPABILITY,
            scheduled_for=too_soon,
            notice_given_on=notice,
        )
    assert refused.value.field == "scheduled_for"
    assert f"at least {days} working days" in str(refused.value)
    earliest = weekdays[days]
    assert f"{earliest:%-d %B %Y}" in str(refused.value)
    return services.meeting_schedule(
        actor=manager,
        plan=plan,
        kind=MeetingKind.CAPABILITY,
        scheduled_for=earliest,
        notice_given_on=notice,
    )


@pytest.mark.parametrize("key", PRESETS)
def test_each_preset_walks_every_stage_to_capability_and_back_to_appraisal(
    school: School, key: str
) -> None:
    with time_machine.travel(TODAY, tick=False):
        plan, cycle = open_plan(school, key)
        support = plan.policy_version.rules.support
        keys = rules.stage_keys(support)
        assert plan.stage == keys[0]
        manager = user(school.reviewer)
        if len(keys) > 2:  # a support stage to skip: refused without a listed reason
            with pytest.raises(services.SupportPlanError, match=rules.stage_name(support, keys[1])):
                services.plan_move(actor=manager, plan=plan, to=CAPABILITY)
        for target in keys[1:]:
            plan = services.plan_move(actor=manager, plan=stage_has_run(plan), to=target)
            assert plan.stage == target
        cycle.refresh_from_db()
        assert cycle.state == CycleState.SUSPENDED
        assert cycle.suspension_reason == SuspensionReason.CAPABILITY
        assert plan.cycle_id == cycle.pk
        assert plan.capability_started_on == TODAY.date()
        assert selectors.staff_in_live_capability(school.trust.pk, TODAY.date()) == {
            school.teacher.pk
        }
        # The capability procedure's own stages, one at a time: a skip is refused.
        steps = rules.capability_stage_keys(support)
        assert plan.capability_stage == steps[0]
        with pytest.raises(services.SupportPlanError, match="may not be skipped"):
            services.plan_move(actor=manager, plan=plan, to=steps[2])
        meeting = _capability_meeting_with_too_short_notice_refused(plan, manager, support)
        items = rules.letter_items(support, LetterKind.INVITATION, MeetingKind.CAPABILITY)
        # Where the policy gives the invitation to the headteacher (leger §11), they write it.
        writer = (
            user(school.headteacher)
            if support.capability_letter_written_by == "headteacher"
            else manager
        )
        letter = services.letter_write(
            actor=writer,
            plan=plan,
            meeting=meeting,
            kind=LetterKind.INVITATION,
            answers=[f"Answer to {item}" for item in items],
            details="At 3.30pm in the main office.",
        )
        assert [c["item"] for c in letter.contents] == list(items)
        for step in steps[1:]:
            plan = services.plan_move(actor=manager, plan=plan, to=step)
            assert plan.capability_stage == step
        with pytest.raises(services.SupportPlanError, match="last stage"):
            services.plan_move(actor=manager, plan=plan, to=steps[0])
    with time_machine.travel(TODAY + dt.timedelta(weeks=6), tick=False):
        plan = services.plan_close(actor=manager, plan=plan, outcome="Improvement sustained.")
        cycle.refresh_from_db()
        assert cycle.state == CycleState.ACTIVE
        assert plan.status == PlanStatus.CLOSED
        assert selectors.staff_in_live_capability(school.trust.pk, plan.closed_on) == set()
    kinds = list(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True))
    assert kinds[0] == PlanEventKind.OPENED
    assert kinds.count(PlanEventKind.CAPABILITY_MOVED) == len(steps) - 1
    assert PlanEventKind.LETTER_WRITTEN in kinds
    assert PlanEventKind.CAPABILITY_STARTED in kinds and kinds[-1] == PlanEventKind.CAPABILITY_ENDED


@time_machine.travel(TODAY, tick=False)
def test_leger_refuses_a_skip_with_the_policys_reason(school: School) -> None:
    plan, cycle = open_plan(school, "leger-pdp")
    with pytest.raises(services.SupportPlanError, match="Formal support plan"):
        services.plan_move(actor=user(school.reviewer), plan=plan, to=CAPABILITY)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE
    assert SupportPlan.objects.get(pk=plan.pk).stage == "informal_support"


@time_machine.travel(TODAY, tick=False)
def test_classic_bypass_needs_a_listed_reason(school: School) -> None:
    plan, _ = open_plan(school, "classic-objectives")
    reason = plan.policy_version.rules.support.skip_informal_when[0]
    with pytest.raises(services.SupportPlanError) as refused:
        services.plan_move(actor=user(school.reviewer), plan=plan, to=CAPABILITY)
    assert refused.value.field == "bypass_reason"
    plan = services.plan_move(
        actor=user(school.reviewer), plan=plan, to=CAPABILITY, bypass_reason=reason
    )
    assert plan.stage == CAPABILITY and plan.bypass_reason == reason
    assert PlanEvent.objects.filter(plan=plan, kind=PlanEventKind.BYPASSED, reason=reason).exists()


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(("key", "days"), [("leger-pdp", 5), ("aspire-grow", 10)])
def test_capability_meeting_notice_is_counted_past_the_bank_holiday(
    school: School, key: str, days: int
) -> None:
    plan, _ = open_plan(school, key)
    manager = user(school.reviewer)
    for target in rules.stage_keys(plan.policy_version.rules.support)[1:]:
        plan = services.plan_move(actor=manager, plan=stage_has_run(plan), to=target)
    notice = TODAY.date()
    too_soon = dt.date(2027, 6, 2) if days == 5 else dt.date(2027, 6, 9)
    with pytest.raises(services.SupportPlanError) as refused:
        services.meeting_schedule(
            actor=manager,
            plan=plan,
            kind=MeetingKind.CAPABILITY,
            scheduled_for=too_soon,
            notice_given_on=notice,
        )
    assert refused.value.field == "scheduled_for"
    earliest = too_soon + dt.timedelta(days=1)
    assert f"{earliest:%-d %B %Y}" in str(refused.value)
    meeting = services.meeting_schedule(
        actor=manager,
        plan=plan,
        kind=MeetingKind.CAPABILITY,
        scheduled_for=earliest,
        notice_given_on=notice,
    )
    assert meeting.stage == CAPABILITY


@time_machine.travel(TODAY, tick=False)
def test_leger_formal_plan_meeting_needs_five_working_days(school: School) -> None:
    plan, _ = open_plan(school, "leger-pdp")
    manager = user(school.reviewer)
    plan = services.plan_move(actor=manager, plan=plan, to="formal_support_plan")
    with pytest.raises(services.SupportPlanError, match="3 June 2027"):
        services.meeting_schedule(
            actor=manager,
            plan=plan,
            kind=MeetingKind.FORMAL,
            scheduled_for=dt.date(2027, 6, 2),
            notice_given_on=TODAY.date(),
        )


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.appraisal_in_capability")
def test_capability_records_whether_appraisal_is_suspended_or_no_longer_applies(
    school: School,
) -> None:
    suspended = version_with(
        school.trust, "aspire-grow", {"support.appraisal_in_capability": "suspended"}
    )
    make_cycle(school.teacher, suspended, reviewer=school.reviewer)
    plan = services.plan_open(actor=user(school.reviewer), concern=concern(school))
    plan = services.plan_move(actor=user(school.reviewer), plan=plan, to=CAPABILITY)
    assert plan.appraisal_effect == AppraisalEffect.SUSPENDED
    history = plan.cycle.history.order_by("-history_id").first()  # type: ignore[union-attr]
    assert "Appraisal suspended" in history.history_change_reason
    services.plan_close(actor=user(school.reviewer), plan=plan, outcome="Sustained.")
    AppraisalCycle.objects.all().delete()
    school.cycle("aspire-grow", starts_on=dt.date(2027, 1, 1))
    plan = services.plan_open(actor=user(school.reviewer), concern=concern(school))
    plan = services.plan_move(actor=user(school.reviewer), plan=plan, to=CAPABILITY)
    assert plan.appraisal_effect == AppraisalEffect.NO_LONGER_APPLIES
    history = plan.cycle.history.order_by("-history_id").first()  # type: ignore[union-attr]
    assert "no longer applies" in history.history_change_reason


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.concerns_reported_to_headteacher")
@pytest.mark.parametrize("told", [True, False])
def test_the_headteacher_is_told_of_a_concern_where_the_policy_says(
    school: School, told: bool
) -> None:
    version = version_with(
        school.trust,
        "classic-objectives",
        {"support.concerns_reported_to_headteacher": told},
        label=str(told),
    )
    make_cycle(school.teacher, version, reviewer=school.reviewer)
    recorded = concern(school)
    assert (recorded.headteacher_told_at is not None) is told
    assert (
        PlanEvent.objects.filter(concern=recorded, kind=PlanEventKind.HEADTEACHER_TOLD).exists()
        is told
    )


@time_machine.travel(TODAY, tick=False)
def test_the_headteacher_email_is_sent_on_commit(
    school: School,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    school.cycle("classic-objectives")
    with django_capture_on_commit_callbacks(execute=True):
        concern(school)
    assert [m.to for m in mail.outbox] == [[school.headteacher.email]]
    assert "Tom" not in mail.outbox[0].body  # no personal detail in the email


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("support.sustain_months")
def test_a_successful_plan_closes_with_the_sustain_period(school: School) -> None:
    plan, _ = open_plan(school, "classic-objectives")
    plan = services.plan_close(actor=user(school.reviewer), plan=plan, outcome="Improved.")
    assert plan.sustain_until == dt.date(2027, 11, 26)
    AppraisalCycle.objects.all().delete()
    no_period = version_with(school.trust, "classic-objectives", {"support.sustain_months": None})
    make_cycle(school.teacher, no_period, reviewer=school.reviewer, starts_on=dt.date(2027, 1, 1))
    plan = services.plan_open(actor=user(school.reviewer), concern=concern(school))
    plan = services.plan_close(actor=user(school.reviewer), plan=plan, outcome="Improved.")
    assert plan.sustain_until is None


@time_machine.travel(TODAY, tick=False)
def test_who_may_act(school: School) -> None:
    plan, _ = open_plan(school, "staploe-associate")
    for member in (school.colleague, school.teacher, school.outsider):
        with pytest.raises(services.SupportPlanError):
            services.plan_move(actor=user(member), plan=plan, to=CAPABILITY)
    with pytest.raises(services.SupportPlanError):
        services.concern_record(
            actor=user(school.colleague),
            staff=school.teacher,
            about="role",
            about_detail="x",
            evidence="y",
            raised_with_them_on=TODAY.date(),
        )
    with pytest.raises(services.SupportPlanError):
        services.comment_add(actor=user(school.reviewer), plan=plan, text="Not mine")
    comment = services.comment_add(actor=user(school.teacher), plan=plan, text="My view.")
    assert comment.plan_id == plan.pk
    with pytest.raises(services.SupportPlanError, match="already has an open"):
        services.plan_open(actor=user(school.headteacher), concern=plan.concern)  # type: ignore[arg-type]


@time_machine.travel(TODAY, tick=False)
def test_the_member_of_staff_is_told_of_each_meeting(
    school: School,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    plan, _ = open_plan(school, "leger-pdp")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_schedule(
            actor=user(school.reviewer),
            plan=plan,
            kind=MeetingKind.SUPPORT,
            scheduled_for=dt.date(2027, 6, 2),
            notice_given_on=TODAY.date(),
        )
    assert [m.to for m in mail.outbox] == [[school.teacher.email]]
    assert "2 June 2027" in mail.outbox[0].subject


def test_a_paused_plan_moves_on_only_after_it_resumes(school: School) -> None:
    # staploe, Links to other policies: a grievance or long sickness pauses the plan.
    with time_machine.travel(TODAY, tick=False):
        plan, _ = open_plan(school, "staploe-associate")
        manager = user(school.reviewer)
        plan = services.plan_pause(actor=manager, plan=plan, reason="sickness")
        with pytest.raises(services.SupportPlanError, match="paused"):
            services.plan_move(actor=manager, plan=plan, to=CAPABILITY)
        with pytest.raises(services.SupportPlanError, match="paused"):
            services.meeting_schedule(
                actor=manager,
                plan=plan,
                kind=MeetingKind.SUPPORT,
                scheduled_for=dt.date(2027, 6, 2),
                notice_given_on=TODAY.date(),
            )
        with pytest.raises(services.SupportPlanError):
            services.plan_pause(actor=user(school.teacher), plan=plan, reason="grievance")
    with time_machine.travel(TODAY + dt.timedelta(days=14), tick=False):
        plan = services.plan_resume(actor=manager, plan=plan)
        assert plan.stage_started_on == TODAY.date() + dt.timedelta(days=14)
        plan = services.plan_move(actor=manager, plan=plan, to=CAPABILITY)
    kinds = list(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True))
    assert kinds[1:3] == [PlanEventKind.PAUSED, PlanEventKind.RESUMED]


@time_machine.travel(TODAY, tick=False)
def test_leger_formal_plan_runs_at_least_four_weeks(school: School) -> None:
    plan, _ = open_plan(school, "leger-pdp")
    manager = user(school.reviewer)
    plan = services.plan_move(actor=manager, plan=plan, to="formal_support_plan")
    with pytest.raises(services.SupportPlanError, match="23 June 2027") as refused:
        services.plan_move(actor=manager, plan=plan, to="formal_review")
    assert refused.value.field == "to"
    plan = services.plan_move(actor=manager, plan=stage_has_run(plan, 4), to="formal_review")
    assert plan.stage == "formal_review"
