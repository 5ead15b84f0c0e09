"""Moderation that asks for a change: the reviewer is told (an email and their to-do list),
the completed review is reopened with a reason, changed and completed again, and the
history keeps each step. The sample reads as words, not a seed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from organisation.principal import principal_for
from reminders.todo import todo_for
from reviews.deadlines import MODERATION_CHANGE, deadlines_for_cycles
from reviews.models import AnnualReview
from reviews.selectors import change_asked_by_moderation, reopenings
from reviews.services import (
    ReviewError,
    moderation_draw,
    moderation_record,
    review_reopen,
)
from tests.form_tokens import with_token

from .test_moderation_and_deadlines import complete_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(s, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """s.cycle's review completed, sampled and found to need a change."""
    complete_review(s, s.cycle)
    sample = moderation_draw(
        actor=s.headteacher.user, academy=s.academy, year=2025, kind="statements", size=1
    )
    item = sample.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_record(
            actor=s.headteacher.user, item=item, outcome="needs_change", note="Evidence thin."
        )
    item.refresh_from_db()
    return item


def _review(s) -> AnnualReview:  # type: ignore[no-untyped-def]
    return AnnualReview.objects.get(cycle=s.cycle)


def test_the_reviewer_is_emailed_and_has_a_to_do_until_completed_again(s, asked) -> None:  # type: ignore[no-untyped-def]
    assert [m.to for m in mail.outbox] == [[s.reviewer.user.email]]
    assert "Evidence thin." in mail.outbox[0].body
    assert s.appraisee.full_name in mail.outbox[0].subject
    found = [d for d in deadlines_for_cycles([s.cycle], {}) if d.kind == MODERATION_CHANGE]
    assert len(found) == 1 and not found[0].done and found[0].recipient == "reviewer"
    assert s.cycle.pk in change_asked_by_moderation([s.cycle.pk])


def test_reopen_change_and_complete_again_keeps_the_history(s, asked) -> None:  # type: ignore[no-untyped-def]
    review = _review(s)
    with pytest.raises(ReviewError, match="Say why"):
        review_reopen(
            actor=s.reviewer.user, review=review, expected_version=review.version, reason=" "
        )
    reopened = review_reopen(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        reason="Moderation: the evidence summary is thin.",
    )
    assert reopened.completed_at is None and reopened.reopened_by == s.reviewer.user
    # A second reopen of the same (now draft) review is refused by the workflow table.
    with pytest.raises(ReviewError):
        review_reopen(
            actor=s.headteacher.user,
            review=reopened,
            expected_version=reopened.version,
            reason="Again",
        )
    complete_review(s, s.cycle)
    review = _review(s)
    assert review.is_completed and review.reopen_reason.startswith("Moderation")
    assert [r.reopen_reason for r in reopenings(review)] == [
        "Moderation: the evidence summary is thin."
    ]
    assert review.history.filter(completed_at__isnull=False).count() >= 2
    # Answered: no longer asked, the deadline is gone, and the reviewer may not reopen.
    assert s.cycle.pk not in change_asked_by_moderation([s.cycle.pk])
    assert not [d for d in deadlines_for_cycles([s.cycle], {}) if d.kind == MODERATION_CHANGE]
    with pytest.raises(ReviewError, match="when moderation has asked"):
        review_reopen(
            actor=s.reviewer.user, review=review, expected_version=review.version, reason="x"
        )


def test_who_may_reopen(s, asked) -> None:  # type: ignore[no-untyped-def]
    review = _review(s)
    for outsider in (s.appraisee, s.colleague, s.sibling_head, s.outsider_head, s.outsider):
        with pytest.raises(ReviewError):
            review_reopen(
                actor=outsider.user, review=review, expected_version=review.version, reason="x"
            )
    # HR moderates every academy of the trust: they may.
    review_reopen(actor=s.hr.user, review=review, expected_version=review.version, reason="HR")
    assert _review(s).reopened_by == s.hr.user


def test_a_stale_reopen_changes_nothing(s, asked) -> None:  # type: ignore[no-untyped-def]
    review = _review(s)
    with pytest.raises(ReviewError, match="Someone else changed"):
        review_reopen(
            actor=s.headteacher.user, review=review, expected_version=review.version - 1, reason="x"
        )
    assert _review(s).is_completed


def test_reopen_page_to_do_and_sample_label(client, s, asked) -> None:  # type: ignore[no-untyped-def]
    url = reverse("reviews:review_reopen", args=[s.cycle.pk])
    # The reviewer's home page to-do list leads to the reopen page.
    todo = todo_for(principal_for(s.reviewer.user))
    assert len([i for i in todo.now if i.url == url]) == 1
    client.force_login(s.reviewer.user)
    cycle_page = client.get(reverse("cycles:detail", args=[s.cycle.pk])).content.decode()
    assert "Moderation asked for a change" in cycle_page and url in cycle_page
    assert "Evidence thin." in client.get(url).content.decode()
    response = client.post(url, {"version": _review(s).version, "reason": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_reason"' in page
    assert client.post(url, {"version": "nonsense", "reason": "x"}).status_code == 200
    response = client.post(url, {"version": _review(s).version, "reason": "As moderation asked"})
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:review_edit", args=[s.cycle.pk])
    assert not _review(s).is_completed
    # Not completed any more: the page sends them back.
    assert client.get(url).status_code == 302
    # The appraisee sees the cycle but may not reopen; another trust does not see it.
    client.force_login(s.appraisee.user)
    assert client.get(url).status_code in (302, 403)
    client.force_login(s.outsider.user)
    assert client.get(url).status_code == 404
    # The sample reads as words, with no raw number in the sentence.
    client.force_login(s.headteacher.user)
    detail = client.get(reverse("reviews:moderation_detail", args=[asked.sample_id]))
    text = detail.content.decode()
    assert "Sample 1 of 1 for this academy and year, drawn on" in text
    assert "sample number" not in text
    item_page = client.get(reverse("reviews:moderation_item", args=[asked.sample_id, asked.pk]))
    assert "record 1 of 1 in the sample drawn on" in item_page.content.decode()


def test_reopen_form_for_the_appraisee_is_refused(client, s, asked) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.appraisee.user)
    url = reverse("reviews:review_reopen", args=[s.cycle.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, with_token({"version": 1, "reason": "x"})).status_code == 403
    assert _review(s).is_completed
