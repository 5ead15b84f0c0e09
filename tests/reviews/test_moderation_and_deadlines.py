"""Moderation samples (classic §5.8.1, langley §5), deadlines (classic §2.1, §5.7.2) and the
cycle page section."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from organisation.principal import principal_for
from reviews import rules as review_rules
from reviews.deadlines import deadlines_for_cycles
from reviews.models import ModerationItem, ModerationSample, ObservationKind, Outcome
from reviews.selectors import cycle_section_context, moderation_population
from reviews.services import (
    Assessment,
    ObservationInput,
    ReviewError,
    ReviewInput,
    moderation_draw,
    moderation_record,
    observation_record,
    review_save,
    review_start,
)
from tests.factories import StaffMemberFactory
from tests.form_tokens import with_token

from .factories import make_cycle, preset_version


def complete_review(s, cycle) -> None:  # type: ignore[no-untyped-def]
    review = review_start(actor=s.reviewer.user, cycle=cycle)
    review_save(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        data=ReviewInput(evidence_summary="E", overview="O", pay_reference="P"),
        objectives={},
        standards={a.pk: Assessment(Outcome.MET) for a in review.standard_assessments.all()},
        complete=True,
    )


@pytest.fixture
def reviewed(s):  # type: ignore[no-untyped-def]
    """Eight completed reviews at the academy for 2025/26."""
    cycles = [s.cycle]
    for _ in range(7):
        member = StaffMemberFactory(academy=s.academy, job_role=s.appraisee.job_role)
        cycles.append(make_cycle(appraisee=member, reviewer=s.reviewer, version=s.classic))
    for cycle in cycles:
        complete_review(s, cycle)
    return cycles


def test_sample_stored_and_reproducible(s, reviewed) -> None:  # type: ignore[no-untyped-def]
    """classic §5.8.1: the headteacher moderates a sample of statements; the sample is
    stored and can be drawn again from its seed."""
    sample = moderation_draw(
        actor=s.headteacher.user, academy=s.academy, year=2025, kind="statements", size=3
    )
    stored = list(sample.items.order_by("position").values_list("cycle_id", flat=True))
    assert len(stored) == 3 and sample.population_size == 8
    population = moderation_population(academy=s.academy, year=2025, kind="statements")
    assert review_rules.draw_sample(population, 3, sample.seed) == stored
    again = moderation_draw(
        actor=s.headteacher.user,
        academy=s.academy,
        year=2025,
        kind="statements",
        size=3,
        seed=sample.seed,
    )
    assert list(again.items.order_by("position").values_list("cycle_id", flat=True)) == stored


def test_only_completed_reviews_are_sampled(s) -> None:  # type: ignore[no-untyped-def]
    review_start(actor=s.reviewer.user, cycle=s.cycle)
    with pytest.raises(ReviewError, match="no review has been completed"):
        moderation_draw(
            actor=s.headteacher.user, academy=s.academy, year=2025, kind="statements", size=3
        )


def test_who_may_moderate(s, reviewed) -> None:  # type: ignore[no-untyped-def]
    """The headteacher for their own academy; HR for every academy; nobody else."""
    moderation_draw(actor=s.hr.user, academy=s.academy, year=2025, kind="statements", size=2)
    for actor in (s.sibling_head, s.reviewer, s.appraisee, s.outsider_head):
        with pytest.raises(ReviewError):
            moderation_draw(
                actor=actor.user, academy=s.academy, year=2025, kind="statements", size=2
            )


def test_record_outcome(s, reviewed) -> None:  # type: ignore[no-untyped-def]
    sample = moderation_draw(
        actor=s.headteacher.user, academy=s.academy, year=2025, kind="statements", size=2
    )
    item = sample.items.first()
    with pytest.raises(ReviewError, match="what needs to change"):
        moderation_record(actor=s.headteacher.user, item=item, outcome="needs_change", note="")
    moderation_record(
        actor=s.headteacher.user, item=item, outcome="needs_change", note="Evidence thin."
    )
    item.refresh_from_db()
    assert item.outcome == "needs_change" and item.recorded_by == s.headteacher.user


def test_moderation_pages(client, s, reviewed) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.headteacher.user)
    index = reverse("reviews:moderation_index")
    assert client.get(index).status_code == 200
    response = client.post(
        index,
        with_token({"academy": s.academy.pk, "year": "2025", "kind": "statements", "size": "3"}),
    )
    assert response.status_code == 302
    sample = ModerationSample.objects.get()
    detail = reverse("reviews:moderation_detail", args=[sample.pk])
    assert client.get(detail).status_code == 200
    item = sample.items.first()
    item_url = reverse("reviews:moderation_item", args=[sample.pk, item.pk])
    response = client.post(item_url, with_token({"outcome": "consistent", "note": ""}))
    assert response.status_code == 302
    assert ModerationItem.objects.get(pk=item.pk).outcome == "consistent"
    # Everyone else: not found.
    for outsider in (s.sibling_head, s.reviewer, s.outsider_head, s.outsider):
        client.force_login(outsider.user)
        assert client.get(detail).status_code == 404
        assert client.get(item_url).status_code == 404
    client.force_login(s.appraisee.user)
    assert client.get(index).status_code == 404
    # HR sees every academy's samples.
    client.force_login(s.hr.user)
    assert client.get(detail).status_code == 200


def test_moderation_bad_input(client, s) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.headteacher.user)
    response = client.post(
        reverse("reviews:moderation_index"),
        {"academy": s.sibling.pk, "year": "1999", "kind": "x", "size": "0"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not ModerationSample.objects.exists()


# ----- Deadlines --------------------------------------------------------------------------


def _by_kind(deadlines):  # type: ignore[no-untyped-def]
    return {d.kind: d for d in deadlines}


def test_classic_review_and_statement_deadlines(s) -> None:  # type: ignore[no-untyped-def]
    """classic §2.1: staff review by 16 September; §5.7.2: statement by 31 October."""
    found = _by_kind(deadlines_for_cycles([s.cycle], {}))
    assert found["annual_review"].due_on == dt.date(2026, 9, 16)
    assert found["statement"].due_on == dt.date(2026, 10, 31)
    assert not found["annual_review"].done


def test_classic_headteacher_and_support_deadlines(s) -> None:  # type: ignore[no-untyped-def]
    """classic §2.1: the headteacher by 31 December; support staff in October."""
    head_cycle = make_cycle(
        appraisee=s.headteacher, reviewer=None, version=s.classic, is_headteacher_cycle=True
    )
    support = StaffMemberFactory(academy=s.academy, staff_group="support", has_qts=False)
    support_cycle = make_cycle(appraisee=support, reviewer=s.reviewer, version=s.classic)
    found = deadlines_for_cycles([head_cycle, support_cycle], {})
    head = _by_kind(d for d in found if d.cycle_id == head_cycle.pk)
    assert head["annual_review"].due_on == dt.date(2026, 12, 31)
    assert head["statement"].due_on == dt.date(2026, 12, 31)
    sup = _by_kind(d for d in found if d.cycle_id == support_cycle.pk)
    assert sup["annual_review"].due_on == dt.date(2026, 10, 31)


def test_staploe_review_in_january(s) -> None:  # type: ignore[no-untyped-def]
    """staploe (Performance Management Review Meeting): the annual review in January."""
    staploe = preset_version(s.trust, "staploe-associate")
    cycle = make_cycle(
        appraisee=s.colleague,
        reviewer=s.reviewer,
        version=staploe,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    found = _by_kind(deadlines_for_cycles([cycle], {}))
    assert found["annual_review"].due_on == dt.date(2026, 1, 31)
    assert "statement" not in found


@time_machine.travel(dt.datetime(2025, 10, 20, 12, tzinfo=dt.UTC), tick=False)
def test_feedback_deadlines_and_done(s) -> None:  # type: ignore[no-untyped-def]
    """classic §5.2.4: spoken and written feedback deadlines, done once given."""
    observation_record(
        actor=s.reviewer.user,
        cycle=s.cycle,
        data=ObservationInput(
            s.reviewer,
            timezone.make_aware(dt.datetime(2025, 10, 9, 10)),
            30,
            ObservationKind.FORMAL,
            "",
            True,
        ),
    )
    # The review is completed in its window, at the end of the year.
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC), tick=False):
        complete_review(s, s.cycle)
    found = _by_kind(deadlines_for_cycles([s.cycle], {}))
    assert found["observation_verbal_feedback"].due_on == dt.date(2025, 10, 13)
    assert found["observation_written_feedback"].due_on == dt.date(2025, 10, 16)
    assert not found["observation_verbal_feedback"].done
    assert found["annual_review"].done and found["statement"].done


# ----- The cycle page section -------------------------------------------------------------


@time_machine.travel(dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC), tick=False)
def test_section_context_queries_stay_flat(s, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from reviews.services import evidence_add_note

    principal = principal_for(s.reviewer.user)

    def add(n: int) -> None:
        for i in range(n):
            observation_record(
                actor=s.reviewer.user,
                cycle=s.cycle,
                data=ObservationInput(
                    s.reviewer,
                    timezone.make_aware(dt.datetime(2025, 10, 1 + i, 10)),
                    20,
                    ObservationKind.DROP_IN,
                ),
            )
            evidence_add_note(actor=s.appraisee.user, cycle=s.cycle, title=f"N{i}", note="x")

    add(1)
    review_start(actor=s.reviewer.user, cycle=s.cycle)
    with django_assert_max_num_queries(15) as few:
        context = cycle_section_context(s.cycle, principal)
        list(context["reviews_section"]["review"].standard_assessments.all())
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        context = cycle_section_context(s.cycle, principal)
        list(context["reviews_section"]["review"].standard_assessments.all())
    assert len(context["reviews_section"]["observations"]) == 7
    assert len(context["reviews_section"]["evidence"]) == 7


def test_section_renders(s) -> None:  # type: ignore[no-untyped-def]
    from django.template.loader import render_to_string

    principal = principal_for(s.appraisee.user)
    html = render_to_string(
        "reviews/_cycle_section.html",
        {"cycle": s.cycle, "principal": principal, **cycle_section_context(s.cycle, principal)},
    )
    assert "Observations" in html and "Evidence" in html and "Annual review" in html
    assert "Upload a file" in html  # the appraisee adds evidence
    assert "Record an observation" not in html


@time_machine.travel(dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC), tick=False)
def test_cycle_page_includes_the_section(client, s) -> None:  # type: ignore[no-untyped-def]
    from django.urls import NoReverseMatch

    try:
        url = reverse("cycles:detail", args=[s.cycle.pk])
    except NoReverseMatch:  # pragma: no cover - the cycle pages are not installed
        pytest.skip("The cycle page is not installed.")
    observation_record(
        actor=s.reviewer.user,
        cycle=s.cycle,
        data=ObservationInput(
            s.reviewer,
            timezone.make_aware(dt.datetime(2025, 10, 9, 10)),
            30,
            ObservationKind.OFSTED_INSPECTION,
            "Inspection focus",
        ),
    )
    client.force_login(s.reviewer.user)
    html = client.get(url).content.decode()
    assert 'id="observations-heading"' in html
    assert "Not used for appraisal" in html
    assert "Record an observation" in html
    # Nothing is owed on an observation the policy does not use (classic §5.2.6).
    observations = html[html.index('id="observations"') : html.index('id="evidence"')]
    assert "overdue" not in observations.lower()
    assert "Feedback: no date set" in observations
