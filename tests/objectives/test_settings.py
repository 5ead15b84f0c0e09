"""Each setting of "Developmental conversations", "Meetings" and "Wellbeing" (and the
appraisal model), changed alone.

Every test starts from one policy (the default, or a preset as the trust adopted it),
changes one setting and shows what the product then does differently: the pure rules
first, then the pages and services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cycles.models import AppraisalCycle
from objectives import services
from objectives.deadlines import (
    conversation_due_on,
    deadlines_for_cycles,
    meeting_deadlines,
    october_half_term_due,
)
from objectives.models import Conversation, Meeting, MeetingKind
from objectives.rules import (
    StaffCategory,
    check_meeting,
    conversation_notes_and_pay,
    meeting_kinds,
    meeting_other_matters,
    wellbeing_notes_use,
)
from objectives.selectors import focus_wording
from objectives.services import ObjectivesError
from policies.models import Policy, PolicyVersion
from policies.presets import load_preset
from policies.schema import AppraisalModel, PolicySettings, merge_settings
from tests.form_tokens import with_token

from .support import School, make_cycle, user

D = dt.date
START, END = D(2026, 9, 1), D(2027, 8, 31)
_names = itertools.count(1)


def policy(base: dict[str, Any] | None = None, **sections: Any) -> PolicySettings:
    """The default policy (or ``base``) with the given settings changed, nothing else."""
    document = base if base is not None else PolicySettings().model_dump(mode="json")
    return PolicySettings.model_validate(merge_settings(document, sections))


def aspire(**sections: Any) -> dict[str, Any]:
    """aspire-grow as the trust adopted it, with the given settings changed."""
    return merge_settings(load_preset("aspire-grow").settings_for(), sections)


def version_of(school: School, settings: dict[str, Any]) -> PolicyVersion:
    PolicySettings.model_validate(settings)  # a test's own mistake fails here, not later
    policy_row = Policy.objects.create(trust=school.trust, name=f"Policy {next(_names)}")
    return PolicyVersion.objects.create(
        policy=policy_row, number=1, effective_from=D(2020, 1, 1), settings=settings
    )


def cycle_under(school: School, settings: dict[str, Any], **kw: Any) -> AppraisalCycle:
    kw.setdefault("reviewer", school.reviewer)
    appraisee = kw.pop("appraisee", school.teacher)
    return make_cycle(appraisee, version_of(school, settings), **kw)


def client_for(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def deadline_kinds(rules: PolicySettings, meetings: list[Meeting] | None = None) -> list[str]:
    found = meeting_deadlines(
        rules, cycle_id=1, starts_on=START, ends_on=END, calendar=None, meetings=meetings or []
    )
    return [d.kind for d in found]


# ----- The appraisal model -----------------------------------------------------------------


@pytest.mark.policy_setting("model")
def test_the_model_decides_the_years_meetings_and_deadlines() -> None:
    objectives = policy(model=AppraisalModel.OBJECTIVES.value)
    conversations = policy(model=AppraisalModel.CONVERSATIONS.value)
    # Conversations replace the annual review meeting and the mid-point check-in (aspire §8.1).
    assert MeetingKind.ANNUAL_REVIEW in meeting_kinds(objectives)
    assert MeetingKind.ANNUAL_REVIEW not in meeting_kinds(conversations)
    assert "midpoint_check_in" in deadline_kinds(objectives)
    assert "midpoint_check_in" not in deadline_kinds(conversations)


# ----- Meetings ----------------------------------------------------------------------------


@pytest.mark.policy_setting("meetings.interim_meeting_every_months")
def test_interim_meetings_are_due_every_so_many_months() -> None:
    assert "interim_meeting" not in deadline_kinds(
        policy(meetings={"interim_meeting_every_months": None})
    )
    six = meeting_deadlines(
        policy(meetings={"interim_meeting_every_months": 6}),
        cycle_id=1,
        starts_on=START,
        ends_on=END,
        calendar=None,
        meetings=[],
    )
    assert [d.due_on for d in six if d.kind == "interim_meeting"] == [D(2027, 3, 1)]
    assert MeetingKind.INTERIM in meeting_kinds(
        policy(meetings={"interim_meeting_every_months": 6})
    )


@pytest.mark.policy_setting("meetings.termly_review_meetings")
def test_termly_review_meetings_are_due_each_term() -> None:
    termly = deadline_kinds(policy(meetings={"termly_review_meetings": True}))
    assert termly.count("termly_review") == 3
    assert "termly_review" not in deadline_kinds(policy(meetings={"termly_review_meetings": False}))


@pytest.mark.policy_setting("meetings.midpoint_check_in")
def test_the_midpoint_check_in_is_due_half_way_only_when_the_policy_has_one() -> None:
    with_check_in = policy(meetings={"midpoint_check_in": True})
    without = policy(meetings={"midpoint_check_in": False})
    (due,) = [
        d
        for d in meeting_deadlines(
            with_check_in, cycle_id=1, starts_on=START, ends_on=END, calendar=None, meetings=[]
        )
        if d.kind == "midpoint_check_in"
    ]
    assert due.due_on == D(2027, 3, 2)
    assert "midpoint_check_in" not in deadline_kinds(without)
    assert MeetingKind.MIDPOINT not in meeting_kinds(without)


@pytest.mark.policy_setting("cycle.formal_mid_year_review")
def test_no_formal_mid_year_review_means_no_midpoint_check_in() -> None:
    """langley §7 X: "there will be no formal mid-year reviews"."""
    formal = policy(cycle={"formal_mid_year_review": True})
    informal = policy(cycle={"formal_mid_year_review": False})
    assert "midpoint_check_in" in deadline_kinds(formal)
    assert "midpoint_check_in" not in deadline_kinds(informal)
    assert MeetingKind.MIDPOINT in meeting_kinds(formal)
    assert MeetingKind.MIDPOINT not in meeting_kinds(informal)
    refused = check_meeting(
        informal, kind=MeetingKind.MIDPOINT, scheduled_for=D(2027, 3, 1), notice_given_on=None,
        planned_minutes=None,
    )  # fmt: skip
    assert [b.rule for b in refused] == ["Not a meeting this policy has"]


@pytest.mark.policy_setting("cycle.formal_mid_year_review")
def test_the_pages_offer_a_mid_point_check_in_only_with_a_formal_mid_year_review(
    school: School,
) -> None:
    base = load_preset("leger-pdp").settings_for()  # leger §4: a mid-point check-in
    reviewer = client_for(school.reviewer)
    for formal in (True, False):
        cycle = cycle_under(
            school, merge_settings(base, {"cycle": {"formal_mid_year_review": formal}})
        )
        planning = reviewer.get(reverse("objectives:meeting_add", args=[cycle.pk]))
        assert ("Mid-point check-in" in planning.content.decode()) is formal
        record = reviewer.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
        assert ("Hold the mid-point check-in" in record) is formal
        assert ("There is no formal mid-year review." in record) is not formal
        if not formal:
            # Posting it anyway is a form error, not a meeting (nor a server error).
            response = reviewer.post(
                reverse("objectives:meeting_add", args=[cycle.pk]),
                with_token({"kind": "midpoint", "scheduled_for": "2027-02-01"}),
            )
            assert response.status_code == 200
            assert not Meeting.objects.filter(cycle=cycle).exists()
        cycle.delete()


@pytest.mark.policy_setting("meetings.annual_review_notice_days")
def test_the_annual_review_meeting_needs_the_policys_notice() -> None:
    def breaches(days: int) -> list[str]:
        return [
            b.setting
            for b in check_meeting(
                policy(meetings={"annual_review_notice_days": days}),
                kind=MeetingKind.ANNUAL_REVIEW,
                scheduled_for=D(2027, 7, 10),
                notice_given_on=D(2027, 7, 1),
                planned_minutes=None,
            )
        ]

    assert breaches(0) == []
    assert breaches(14) == ["meetings.annual_review_notice_days"]


@pytest.mark.policy_setting("meetings.annual_review_minutes")
def test_the_annual_review_meeting_needs_the_policys_time() -> None:
    def breaches(minutes: int) -> list[str]:
        return [
            b.setting
            for b in check_meeting(
                policy(meetings={"annual_review_minutes": minutes}),
                kind=MeetingKind.ANNUAL_REVIEW,
                scheduled_for=D(2027, 7, 10),
                notice_given_on=None,
                planned_minutes=30,
            )
        ]

    assert breaches(0) == []
    assert breaches(60) == ["meetings.annual_review_minutes"]


@pytest.mark.policy_setting("meetings.record_completed_within_days")
def test_the_annual_review_record_is_due_the_policys_days_after_the_meeting() -> None:
    held = Meeting(
        kind=MeetingKind.ANNUAL_REVIEW, scheduled_for=D(2027, 7, 1), held_on=D(2027, 7, 1)
    )

    def record_due(days: int) -> list[dt.date]:
        return [
            d.due_on
            for d in meeting_deadlines(
                policy(meetings={"record_completed_within_days": days}),
                cycle_id=1,
                starts_on=START,
                ends_on=END,
                calendar=None,
                meetings=[held],
            )
            if d.kind == "annual_review_record"
        ]

    assert record_due(14) == [D(2027, 7, 15)]
    assert record_due(7) == [D(2027, 7, 8)]
    assert record_due(0) == []


@pytest.mark.policy_setting("meetings.meetings_may_cover_other_matters")
def test_the_meeting_page_says_whether_other_matters_belong_in_it(school: School) -> None:
    """classic §5.7.6: staff and reviewers are encouraged to use the meetings for other
    matters about their employment."""
    may = policy(meetings={"meetings_may_cover_other_matters": True})
    may_not = policy(meetings={"meetings_may_cover_other_matters": False})
    assert "may also be used to discuss other matters" in meeting_other_matters(may)
    assert "Keep the meeting to appraisal" in meeting_other_matters(may_not)

    base = load_preset("classic-objectives").settings_for()
    for allowed, wording in ((True, "may also be used"), (False, "Keep the meeting to appraisal")):
        cycle = cycle_under(
            school,
            merge_settings(base, {"meetings": {"meetings_may_cover_other_matters": allowed}}),
        )
        page = client_for(school.reviewer).get(reverse("objectives:meeting_add", args=[cycle.pk]))
        assert page.status_code == 200
        assert wording in page.content.decode(), allowed
        cycle.delete()


# ----- Conversations: pure rules --------------------------------------------------------------


@pytest.mark.policy_setting("conversations.october_half_term_fallback")
def test_before_october_half_term_without_term_dates_means_the_fallback_day() -> None:
    assert october_half_term_due(
        policy(conversations={"october_half_term_fallback": {"month": 10, "day": 20}}), None, START
    ) == D(2026, 10, 20)
    assert october_half_term_due(
        policy(conversations={"october_half_term_fallback": {"month": 10, "day": 16}}), None, START
    ) == D(2026, 10, 16)


@pytest.mark.parametrize(
    ("setting", "category"),
    [
        ("focus_wording_teachers", StaffCategory.TEACHER),
        ("focus_wording_leaders", StaffCategory.LEADER),
        ("focus_wording_support", StaffCategory.SUPPORT),
    ],
)
@pytest.mark.policy_setting(
    "conversations.focus_wording_teachers",
    "conversations.focus_wording_leaders",
    "conversations.focus_wording_support",
)
def test_the_focus_is_worded_for_each_role_from_its_own_setting(
    setting: str, category: StaffCategory
) -> None:
    assert focus_wording(policy(conversations={setting: ""}), category) == ""
    worded = policy(conversations={setting: "Questioning in every lesson."})
    assert focus_wording(worded, category) == "Questioning in every lesson."
    others = (StaffCategory.TEACHER, StaffCategory.LEADER, StaffCategory.SUPPORT)
    assert [focus_wording(worded, c) for c in others if c != category] == ["", ""]


@pytest.mark.policy_setting("conversations.informs_pay")
def test_the_conversation_says_whether_its_record_is_used_for_pay(school: School) -> None:
    assert "not used in pay decisions" in conversation_notes_and_pay(
        policy(conversations={"informs_pay": False})
    )
    assert "may be used in pay decisions" in conversation_notes_and_pay(
        policy(conversations={"informs_pay": True})
    )
    # On the pages: the conversation (and the consent the reviewer confirms) and the record.
    for informs, says, consent in (
        (False, "is not used in pay decisions", "agreed to these notes being recorded</label>"),
        (True, "may be used in pay decisions", "recorded and used for pay</label>"),
    ):
        cycle = cycle_under(school, aspire(conversations={"informs_pay": informs}))
        reviewer = client_for(school.reviewer)
        page = reviewer.get(reverse("objectives:conversation", args=[cycle.pk, "autumn"]))
        body = " ".join(page.content.decode().split())
        assert says in body and consent in body, informs
        record = reviewer.get(reverse("objectives:cycle", args=[cycle.pk])).content.decode()
        assert says in record, informs
        cycle.delete()


# ----- Conversations: how many, and when -------------------------------------------------------


def conversation_deadlines(cycle: AppraisalCycle) -> list[tuple[str, str, dt.date]]:
    cycle = AppraisalCycle.objects.select_related("policy_version").get(pk=cycle.pk)
    return [
        (d.kind, d.label, d.due_on)
        for d in deadlines_for_cycles([cycle])
        if d.kind.startswith("conversation_")
    ]


@pytest.mark.policy_setting("conversations.per_year")
def test_with_none_listed_a_cycle_holds_the_policys_number_of_conversations(
    school: School,
) -> None:
    twice = cycle_under(school, aspire(conversations={"per_year": 2, "conversations": []}))
    three = cycle_under(
        school,
        aspire(conversations={"per_year": 3, "conversations": []}),
        appraisee=school.ups_teacher,
    )
    assert [label for _, label, _ in conversation_deadlines(twice)] == [
        "Hold the conversation 1 of 2",
        "Hold the conversation 2 of 2",
    ]
    assert conversation_deadlines(three) == [
        ("conversation_conversation_1", "Hold the conversation 1 of 3", D(2026, 12, 31)),
        ("conversation_conversation_2", "Hold the conversation 2 of 3", D(2027, 4, 30)),
        ("conversation_conversation_3", "Hold the conversation 3 of 3", D(2027, 7, 31)),
    ]
    # Each has its own page.
    reviewer = client_for(school.reviewer)
    url = reverse("objectives:conversation", args=[three.pk, "conversation_3"])
    assert reviewer.get(url).status_code == 200
    missing = reverse("objectives:conversation", args=[twice.pk, "conversation_3"])
    assert reviewer.get(missing).status_code == 404
    # A list that disagrees with the number is refused when the policy is edited.
    with pytest.raises(ValueError, match="3 conversations a year, but 2 are listed"):
        PolicySettings.model_validate(aspire(conversations={"per_year": 3}))


@pytest.mark.policy_setting("conversations.conversations")
def test_the_listed_conversations_are_the_ones_the_cycle_holds(school: School) -> None:
    listed = [
        {"key": "first", "name": "Settling-in conversation", "term": "autumn",
         "staff_due": "fixed_date", "staff_due_on": {"month": 11, "day": 15}},
        {"key": "second", "name": "Summer conversation", "term": "summer"},
    ]  # fmt: skip
    default = cycle_under(school, aspire())
    changed = cycle_under(
        school, aspire(conversations={"conversations": listed}), appraisee=school.ups_teacher
    )
    assert [k for k, _, _ in conversation_deadlines(default)] == [
        "conversation_autumn",
        "conversation_spring_summer",
    ]
    assert conversation_deadlines(changed) == [
        ("conversation_first", "Hold the settling-in conversation", D(2026, 11, 15)),
        ("conversation_second", "Hold the summer conversation", D(2027, 7, 31)),
    ]
    page = client_for(school.reviewer).get(reverse("objectives:cycle", args=[changed.pk]))
    assert "Settling-in conversation" in page.content.decode()


def test_a_conversation_due_before_october_half_term_uses_the_fallback_in_the_rule() -> None:
    rules = policy(
        model="conversations",
        conversations={"october_half_term_fallback": {"month": 10, "day": 16}},
    )
    autumn = rules.conversations.conversations[0]
    due = conversation_due_on(
        rules, autumn, calendar=None, starts_on=START, ends_on=END, is_headteacher=False
    )
    assert due == D(2026, 10, 16)


# ----- Conversations: what the pages show ---------------------------------------------------


def conversation_page(school: School, cycle: AppraisalCycle, who: Any = None) -> str:
    client = client_for(who or school.reviewer)
    response = client.get(reverse("objectives:conversation", args=[cycle.pk, "autumn"]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.policy_setting("conversations.areas")
def test_the_conversation_page_lists_the_policys_areas(school: School) -> None:
    listed = cycle_under(school, aspire(conversations={"areas": ["Workload", "Subject craft"]}))
    none = cycle_under(school, aspire(conversations={"areas": []}), appraisee=school.ups_teacher)
    page = conversation_page(school, listed)
    assert "<li>Workload</li>" in page and "<li>Subject craft</li>" in page
    assert "The conversation explores" not in conversation_page(school, none)


@pytest.mark.policy_setting("conversations.professional_focus")
def test_the_professional_focus_is_shown_where_the_policy_sets_one(school: School) -> None:
    focus = "Retrieval practice in every subject."
    with_focus = cycle_under(school, aspire(conversations={"professional_focus": focus}))
    without = cycle_under(
        school, aspire(conversations={"professional_focus": ""}), appraisee=school.ups_teacher
    )
    reviewer = client_for(school.reviewer)
    for cycle, shown in ((with_focus, True), (without, False)):
        record = reviewer.get(reverse("objectives:cycle", args=[cycle.pk])).content.decode()
        assert ("The trust's professional focus" in record) is shown
        assert ("The trust's professional focus" in conversation_page(school, cycle)) is shown
    assert escape(focus) in conversation_page(school, with_focus)


@pytest.mark.policy_setting("conversations.growth_areas_and_cpd_recorded")
def test_growth_areas_and_cpd_only_where_the_policy_records_them(school: School) -> None:
    recorded = cycle_under(school, aspire(conversations={"growth_areas_and_cpd_recorded": True}))
    not_recorded = cycle_under(
        school,
        aspire(conversations={"growth_areas_and_cpd_recorded": False}),
        appraisee=school.ups_teacher,
    )
    assert "Areas for professional growth" in conversation_page(school, recorded)
    assert "Areas for professional growth" not in conversation_page(school, not_recorded)
    services.conversation_contribute(
        actor=user(school.teacher),
        cycle=recorded,
        key="autumn",
        expected_version=0,
        growth_areas="Questioning",
        cpd_activities="",
    )
    with pytest.raises(ObjectivesError, match="does not record growth areas"):
        services.conversation_contribute(
            actor=user(school.ups_teacher),
            cycle=not_recorded,
            key="autumn",
            expected_version=0,
            growth_areas="Questioning",
            cpd_activities="",
        )


@pytest.mark.policy_setting("conversations.notes_need_consent")
def test_agreed_notes_without_consent_are_refused_only_where_consent_is_needed(
    school: School,
) -> None:
    needs = cycle_under(school, aspire(conversations={"notes_need_consent": True}))
    free = cycle_under(
        school, aspire(conversations={"notes_need_consent": False}), appraisee=school.ups_teacher
    )
    form = {"version": 0, "held_on": "2026-10-15", "agreed_notes": "Focus on phonics."}
    reviewer = client_for(school.reviewer)
    refused = reviewer.post(
        reverse("objectives:conversation", args=[needs.pk, "autumn"]), with_token(form)
    )
    assert refused.status_code == 200
    assert "kept only with the member of staff&#x27;s consent" in refused.content.decode()
    assert not Conversation.objects.filter(cycle=needs).exists()
    saved = reviewer.post(
        reverse("objectives:conversation", args=[free.pk, "autumn"]), with_token(form)
    )
    assert saved.status_code == 302
    assert Conversation.objects.get(cycle=free).agreed_notes == "Focus on phonics."


# ----- Wellbeing -----------------------------------------------------------------------------


@pytest.mark.policy_setting("wellbeing.discussed_at_review")
def test_the_wellbeing_notes_are_linked_only_where_wellbeing_is_discussed(school: School) -> None:
    discussed = cycle_under(school, aspire(wellbeing={"discussed_at_review": True}))
    not_discussed = cycle_under(
        school, aspire(wellbeing={"discussed_at_review": False}), appraisee=school.ups_teacher
    )
    link = reverse("objectives:wellbeing", args=[discussed.pk])
    assert link in conversation_page(school, discussed)
    record = client_for(school.teacher).get(reverse("objectives:cycle", args=[discussed.pk]))
    assert link in record.content.decode()
    other_link = reverse("objectives:wellbeing", args=[not_discussed.pk])
    assert other_link not in conversation_page(school, not_discussed)
    record = client_for(school.ups_teacher).get(
        reverse("objectives:cycle", args=[not_discussed.pk])
    )
    assert other_link not in record.content.decode()


@pytest.mark.policy_setting("wellbeing.never_used_for_performance")
def test_wellbeing_notes_inform_the_appraisal_only_where_the_policy_allows(
    school: School,
) -> None:
    assert "never used for appraisal, pay or capability" in wellbeing_notes_use(
        policy(wellbeing={"never_used_for_performance": True})
    )
    assert "may take them into account" in wellbeing_notes_use(
        policy(wellbeing={"never_used_for_performance": False})
    )
    for never_used in (True, False):
        appraisee = school.teacher if never_used else school.ups_teacher
        cycle = cycle_under(
            school,
            aspire(wellbeing={"never_used_for_performance": never_used}),
            appraisee=appraisee,
        )
        services.wellbeing_consent_give(actor=user(appraisee), cycle=cycle)
        services.wellbeing_note_add(actor=user(appraisee), cycle=cycle, text="OWN-NOTE")
        services.wellbeing_note_add(actor=user(school.reviewer), cycle=cycle, text="REV-NOTE")
        url = reverse("objectives:wellbeing", args=[cycle.pk])
        reviewer_page = client_for(school.reviewer).get(url).content.decode()
        assert "REV-NOTE" in reviewer_page
        # Only where the notes may inform the appraisal does the reviewer read the
        # member of staff's own notes (and may not delete them).
        assert ("OWN-NOTE" in reviewer_page) is not never_used
        assert reviewer_page.count(">Delete<span") == 1
        own_page = client_for(appraisee).get(url).content.decode()
        assert "OWN-NOTE" in own_page and "REV-NOTE" in own_page
        if never_used:
            assert "never used for appraisal, pay or capability decisions" in own_page
        else:
            assert "The reviewer may take them into account in the appraisal" in own_page
        # Headteacher and HR never read them, whatever the policy says.
        for person in (school.headteacher, school.hr):
            assert client_for(person).get(url).status_code == 404
