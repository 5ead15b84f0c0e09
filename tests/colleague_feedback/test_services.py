"""Asking colleagues, the reviewee's agreement, answering and the summary, through the
services, against the policy paragraphs they come from."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from colleague_feedback import permissions, selectors, services
from colleague_feedback.models import (
    FeedbackAnswer,
    FeedbackRequest,
    RequestStatus,
    RoundStatus,
)
from organisation.principal import principal_for
from tests.colleague_feedback.support import ask, colleagues, cycle_under
from tests.objectives.support import School, user

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 2, 9, 0)  # a Monday in term


def _answer_all(school: School, round_id: int, how_many: int) -> None:
    """Answers until ``how_many`` of the round's requests are answered."""
    rows = FeedbackRequest.objects.filter(round_id=round_id).order_by("pk")[:how_many]
    for request in [r for r in rows if r.status == RequestStatus.WAITING]:
        colleague = request.colleague
        services.feedback_answer(
            actor=user(colleague), request=request, text=f"Works well with {colleague.first_name}."
        )


def _page(school: School, round_id: int) -> selectors.RoundPage:
    principal = principal_for(user(school.reviewer))
    found, access = permissions.get_round_for_user(principal, round_id, request=None)
    return selectors.round_page(found, access)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("review.colleague_feedback")
def test_classic_5_5_5_lets_the_reviewer_ask_colleagues_and_a_policy_without_it_does_not(
    school: School,
) -> None:
    """classic §5.5.5: "feedback from colleagues, including peers" may be evidence."""
    round_ = ask(school, cycle_under(school, "classic-objectives"))
    assert round_.status == RoundStatus.OPEN
    assert set(round_.requests.values_list("colleague_id", flat=True)) == {
        c.pk for c in colleagues(school)
    }
    off = cycle_under(school, "classic-objectives", {"review.colleague_feedback": False})
    with pytest.raises(services.FeedbackError, match="does not provide"):
        ask(school, off)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("confidentiality.reviewee_agrees_before_colleagues_asked")
def test_staploe_asks_the_reviewee_first_and_shows_them_who(school: School) -> None:
    """staploe "Confidentiality and Professional Relationships": the reviewer seeks the
    reviewee's agreement before seeking information from other colleagues."""
    cycle = cycle_under(school, "staploe-associate")
    round_ = ask(school, cycle)
    assert round_.status == RoundStatus.AWAITING_AGREEMENT
    asked = colleagues(school)[0]
    # Nobody has been asked yet: the colleague sees no request, and is reminded of none.
    assert not permissions.visible_requests(principal_for(user(asked))).exists()
    reviewee = principal_for(user(school.teacher))
    section = selectors.cycle_section_context(cycle, reviewee)["feedback_section"]
    assert [r.pk for r in section["rounds"]] == [round_.pk]
    found, access = permissions.get_round_for_user(reviewee, round_.pk, request=None)
    page = selectors.round_page(found, access)
    assert {p.pk for p in page.asked} == {c.pk for c in colleagues(school)}
    assert page.answers == []
    services.feedback_round_agree(actor=user(school.teacher), round=round_, agree=True)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and round_.agreed_on == TODAY.date()
    assert permissions.visible_requests(principal_for(user(asked))).exists()

    # The same policy with only that setting off: the colleagues are asked at once and the
    # reviewee is not shown who.
    FeedbackRequest.objects.all().delete()
    cycle.feedback_rounds.all().delete()
    off = cycle_under(
        school,
        "staploe-associate",
        {"confidentiality.reviewee_agrees_before_colleagues_asked": False},
    )
    round_ = ask(school, off)
    assert round_.status == RoundStatus.OPEN
    assert permissions.visible_requests(principal_for(user(asked))).exists()
    assert selectors.cycle_section_context(off, reviewee)["feedback_section"] is None
    found, access = permissions.get_round_for_user(reviewee, round_.pk, request=None)
    assert selectors.round_page(found, access).asked == []


@time_machine.travel(TODAY, tick=False)
def test_a_reviewee_who_does_not_agree_stops_the_request(school: School) -> None:
    round_ = ask(school, cycle_under(school, "staploe-associate"))
    services.feedback_round_agree(actor=user(school.teacher), round=round_, agree=False)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.REFUSED
    assert not permissions.visible_requests(principal_for(user(school.colleague))).exists()
    with pytest.raises(services.FeedbackError):
        services.feedback_round_agree(actor=user(school.teacher), round=round_, agree=True)
    # Nobody else may agree for them.
    again = ask(school, round_.cycle)
    with pytest.raises(services.FeedbackError, match="Only the member of staff"):
        services.feedback_round_agree(actor=user(school.reviewer), round=again, agree=True)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("review.colleague_feedback_min_answers")
def test_answers_are_read_only_once_the_threshold_is_in(school: School) -> None:
    """Below the threshold (3 by default) the reviewer sees only how many answered."""
    round_ = ask(school, cycle_under(school, "classic-objectives"))
    _answer_all(school, round_.pk, 2)
    page = _page(school, round_.pk)
    assert (page.answered, page.readable, page.answers) == (2, False, [])
    _answer_all(school, round_.pk, 3)
    page = _page(school, round_.pk)
    assert page.readable and len(page.answers) == 3

    # The same policy with only the threshold at 2: two answers are read.
    two = cycle_under(school, "classic-objectives", {"review.colleague_feedback_min_answers": 2})
    round_ = ask(school, two)
    _answer_all(school, round_.pk, 2)
    page = _page(school, round_.pk)
    assert page.readable and len(page.answers) == 2


@time_machine.travel(TODAY, tick=False)
def test_the_reviewer_must_ask_at_least_the_threshold_and_only_colleagues(
    school: School,
) -> None:
    cycle = cycle_under(school, "classic-objectives")
    with pytest.raises(services.FeedbackError, match="at least 3") as error:
        ask(school, cycle, colleagues(school)[:2])
    assert error.value.field == "colleagues"
    with pytest.raises(services.FeedbackError, match="only the member"):
        ask(school, cycle, [*colleagues(school), school.outsider])
    with pytest.raises(services.FeedbackError, match="Only the reviewer"):
        services.feedback_round_ask(
            actor=user(school.headteacher),
            cycle=cycle,
            colleagues=colleagues(school),
            question="?",
        )
    ask(school, cycle)
    with pytest.raises(services.FeedbackError, match="already been asked"):
        ask(school, cycle)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.policy_setting("review.colleague_feedback_working_days")
def test_requests_expire_after_the_policys_working_days(school: School) -> None:
    round_ = ask(school, cycle_under(school, "classic-objectives"))
    short = ask(
        school,
        cycle_under(school, "classic-objectives", {"review.colleague_feedback_working_days": 5}),
    )
    assert short.closes_on is not None and round_.closes_on is not None
    assert short.closes_on < round_.closes_on
    request = short.requests.first()
    assert request is not None
    with time_machine.travel(dt.datetime.combine(short.closes_on, dt.time(9)), tick=False):
        assert selectors.is_open_for_answers(request)
    with time_machine.travel(
        dt.datetime.combine(short.closes_on + dt.timedelta(days=1), dt.time(9)), tick=False
    ):
        with pytest.raises(services.FeedbackError, match="closed"):
            services.feedback_answer(actor=user(request.colleague), request=request, text="Late")
        assert selectors.effective_status(short) == RoundStatus.CLOSED
        # A closed round lets the reviewer ask again.
        again = ask(school, short.cycle)
        short.refresh_from_db()
        assert short.status == RoundStatus.CLOSED and again.status == RoundStatus.OPEN


@time_machine.travel(TODAY, tick=False)
def test_answers_name_nobody_anywhere(school: School) -> None:
    """Who wrote which is recorded nowhere: not on the answer, not in its history, not by
    the moment it was saved; the reviewer's list is shuffled."""
    round_ = ask(school, cycle_under(school, "classic-objectives"))
    _answer_all(school, round_.pk, 3)
    answer_fields = {f.name for f in FeedbackAnswer._meta.get_fields()}
    assert not answer_fields & {"colleague", "request", "author", "created_at", "answered_at"}
    history = FeedbackAnswer.history.filter(round_id=round_.pk)
    assert history.count() == 3
    assert all(h.history_user_id is None for h in history)
    midnight = {h.history_date.astimezone().time() for h in history}
    assert midnight == {dt.time(0, 0)}
    assert all(
        h.history_date.astimezone().time() == dt.time(0, 0)
        for h in FeedbackRequest.history.filter(round_id=round_.pk, status=RequestStatus.ANSWERED)
    )
    page = _page(school, round_.pk)
    ordered = list(FeedbackAnswer.objects.filter(round=round_).order_by("position", "pk"))
    assert page.answers == [a.text for a in ordered]


@time_machine.travel(TODAY, tick=False)
def test_a_colleague_answers_once_or_declines(school: School) -> None:
    round_ = ask(school, cycle_under(school, "classic-objectives"))
    first, second, _ = round_.requests.order_by("pk")
    services.feedback_answer(actor=user(first.colleague), request=first, text="Thoughtful.")
    with pytest.raises(services.FeedbackError, match="already answered"):
        services.feedback_answer(actor=user(first.colleague), request=first, text="Again")
    with pytest.raises(services.FeedbackError, match="Only the colleague asked"):
        services.feedback_answer(actor=user(school.reviewer), request=second, text="Me")
    with pytest.raises(services.FeedbackError) as empty:
        services.feedback_answer(actor=user(second.colleague), request=second, text="  ")
    assert empty.value.field == "text"
    services.feedback_decline(actor=user(second.colleague), request=second)
    second.refresh_from_db()
    assert second.status == RequestStatus.DECLINED
    assert FeedbackAnswer.objects.filter(round=round_).count() == 1
