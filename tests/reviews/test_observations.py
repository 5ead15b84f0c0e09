"""Recording observations through the service and the pages, with the policy enforced."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from reviews import selectors
from reviews.models import Observation, ObservationKind
from reviews.services import (
    ObservationInput,
    ObservationNeedsConfirmation,
    ReviewError,
    observation_record,
    observation_record_feedback,
)
from tests.factories import StaffMemberFactory
from tests.form_tokens import with_token

from .factories import make_cycle, preset_version

NOW = dt.datetime(2025, 11, 20, 16, 0, tzinfo=dt.UTC)


def when(month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, month, day, hour, 0))


@time_machine.travel(NOW, tick=False)
def test_observer_without_qts_is_refused_for_a_teacher(s) -> None:  # type: ignore[no-untyped-def]
    """classic §5.2.2: observation of teachers by holders of QTS."""
    observer = StaffMemberFactory(academy=s.academy, has_qts=False)
    with pytest.raises(ReviewError, match="qualified teacher status"):
        observation_record(
            actor=s.reviewer.user,
            cycle=s.cycle,
            data=ObservationInput(observer, when(10, 9), 45, ObservationKind.FORMAL, "", True),
        )
    assert not Observation.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_yearly_cap_refuses_beyond_three_hours(s) -> None:  # type: ignore[no-untyped-def]
    """aspire §7.2: at most 3 hours a year; the observation that would go beyond is refused."""
    aspire = preset_version(s.trust, "aspire-grow")
    cycle = make_cycle(
        appraisee=s.colleague, reviewer=s.reviewer, version=aspire, starts_on=dt.date(2025, 9, 2)
    )
    for day in (6, 7, 8):
        observation_record(
            actor=s.reviewer.user,
            cycle=cycle,
            data=ObservationInput(s.reviewer, when(10, day), 50, ObservationKind.FORMAL, "", True),
        )
    with pytest.raises(ReviewError, match="at most 3 hours"):
        observation_record(
            actor=s.reviewer.user,
            cycle=cycle,
            data=ObservationInput(s.reviewer, when(10, 9), 31, ObservationKind.FORMAL, "", True),
        )
    # Exactly up to the cap is allowed.
    observation_record(
        actor=s.reviewer.user,
        cycle=cycle,
        data=ObservationInput(s.reviewer, when(10, 9), 30, ObservationKind.FORMAL, "", True),
    )
    assert Observation.objects.filter(cycle=cycle).count() == 4


@time_machine.travel(NOW, tick=False)
def test_ofsted_observation_recorded_but_not_used(s) -> None:  # type: ignore[no-untyped-def]
    """classic §5.2.6: an Ofsted observation is kept but not used for appraisal."""
    obs = observation_record(
        actor=s.reviewer.user,
        cycle=s.cycle,
        data=ObservationInput(s.reviewer, when(10, 9), 30, ObservationKind.OFSTED_INSPECTION),
    )
    assert not obs.usable_for_appraisal
    assert "Ofsted" in obs.not_usable_reason
    assert obs.verbal_feedback_due_at is None and obs.written_feedback_due_at is None
    assert list(selectors.usable_observations(s.cycle)) == []


@time_machine.travel(NOW, tick=False)
def test_feedback_due_dates_stored_from_the_academy_calendar(s) -> None:  # type: ignore[no-untyped-def]
    """classic §5.2.4: verbal within 2 and written within 5 working days (no terms entered:
    weekdays less bank holidays)."""
    obs = observation_record(
        actor=s.reviewer.user,
        cycle=s.cycle,
        data=ObservationInput(s.reviewer, when(10, 9), 30, ObservationKind.FORMAL, "", True),
    )
    assert timezone.localtime(obs.verbal_feedback_due_at).date() == dt.date(2025, 10, 13)
    assert timezone.localtime(obs.written_feedback_due_at).date() == dt.date(2025, 10, 16)
    lines = selectors.feedback_lines(obs, timezone.now())
    assert [(line.label, line.state.value) for line in lines] == [
        ("Spoken feedback", "overdue"),
        ("Written feedback", "overdue"),
    ]
    observation_record_feedback(
        actor=s.reviewer.user,
        observation=obs,
        verbal_feedback_at=when(10, 10),
        written_feedback_at=None,
        feedback_notes="Talked it through.",
    )
    obs.refresh_from_db()
    states = [line.state.value for line in selectors.feedback_lines(obs, timezone.now())]
    assert states == ["given", "overdue"]


@time_machine.travel(NOW, tick=False)
def test_staploe_second_formal_observation_needs_confirming(s) -> None:  # type: ignore[no-untyped-def]
    """staploe (Regular Review Meetings): one formal observation a cycle, normally."""
    staploe = preset_version(s.trust, "staploe-associate")
    support = StaffMemberFactory(academy=s.academy, staff_group="support", has_qts=False)
    cycle = make_cycle(
        appraisee=support,
        reviewer=s.reviewer,
        version=staploe,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    data = ObservationInput(s.reviewer, when(10, 9), 30, ObservationKind.WORK_OBSERVATION, "", True)
    first = observation_record(actor=s.reviewer.user, cycle=cycle, data=data)
    assert first.feedback_due_at is not None
    assert first.verbal_feedback_due_at is None
    with pytest.raises(ObservationNeedsConfirmation):
        observation_record(actor=s.reviewer.user, cycle=cycle, data=data)
    observation_record(actor=s.reviewer.user, cycle=cycle, data=data, confirm_warnings=True)
    assert Observation.objects.filter(cycle=cycle).count() == 2


def test_appraisee_cannot_record_an_observation(s) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReviewError):
        observation_record(
            actor=s.appraisee.user,
            cycle=s.cycle,
            data=ObservationInput(s.reviewer, when(10, 9), 30, ObservationKind.FORMAL),
        )


# ----- Pages -------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_add_observation_page(client, s) -> None:  # type: ignore[no-untyped-def]
    url = reverse("reviews:observation_add", args=[s.cycle.pk])
    client.force_login(s.reviewer.user)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        with_token(
            {
                "observer": s.reviewer.pk,
                "observed_at": "2025-10-09T10:00",
                "duration_minutes": "40",
                "kind": "formal",
                "focus": "Questioning",
                "advance_notice_given": "on",
            }
        ),
    )
    assert response.status_code == 302
    assert Observation.objects.get().focus == "Questioning"


@time_machine.travel(NOW, tick=False)
def test_add_observation_page_shows_the_refusal(client, s) -> None:  # type: ignore[no-untyped-def]
    observer = StaffMemberFactory(academy=s.academy, has_qts=False)
    client.force_login(s.reviewer.user)
    response = client.post(
        reverse("reviews:observation_add", args=[s.cycle.pk]),
        with_token(
            {
                "observer": observer.pk,
                "observed_at": "2025-10-09T10:00",
                "duration_minutes": "40",
                "kind": "formal",
            }
        ),
    )
    assert response.status_code == 200
    assert "qualified teacher status" in response.content.decode()
    assert not Observation.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_when_it_started_is_entered_in_date_boxes_and_a_time(client, s) -> None:  # type: ignore[no-untyped-def]
    """GOV.UK's date input with a time box; the error summary links to the day box."""
    url = reverse("reviews:observation_add", args=[s.cycle.pk])
    client.force_login(s.reviewer.user)
    page = client.get(url).content.decode()
    assert 'id="id_observed_at" name="observed_at-day"' in page
    assert 'name="observed_at-time"' in page
    form = {"observer": s.reviewer.pk, "duration_minutes": "40", "kind": "formal"}
    day = {"observed_at-day": "9", "observed_at-month": "10", "observed_at-year": "2025"}
    for parts, message in (
        ({**day, "observed_at-month": ""}, "Date must include a month"),
        ({**day, "observed_at-time": "25:00"}, "Enter the time as hours and minutes"),
        ({**day, "observed_at-time": ""}, "Enter the time as hours and minutes"),
    ):
        response = client.post(url, with_token({**form, **parts}))
        body = response.content.decode()
        assert response.status_code == 200, parts
        assert message in body and 'href="#id_observed_at"' in body, parts
    response = client.post(url, with_token({**form, **day, "observed_at-time": "10:15"}))
    assert response.status_code == 302
    observed = timezone.localtime(Observation.objects.get().observed_at)
    assert (observed.date(), observed.hour, observed.minute) == (dt.date(2025, 10, 9), 10, 15)


@time_machine.travel(NOW, tick=False)
def test_bad_input_gives_errors_not_500(client, s) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.reviewer.user)
    response = client.post(
        reverse("reviews:observation_add", args=[s.cycle.pk]),
        {"observer": "nope", "observed_at": "yesterday", "duration_minutes": "-5", "kind": "x"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_observation_pages_for_outsiders(client, s) -> None:  # type: ignore[no-untyped-def]
    url = reverse("reviews:observation_add", args=[s.cycle.pk])
    client.force_login(s.appraisee.user)
    assert client.get(url).status_code == 403  # may see the record, not record observations
    for outsider in (s.colleague, s.outsider, s.outsider_head, s.sibling_head):
        client.force_login(outsider.user)
        assert client.get(url).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_feedback_page_only_for_the_cycles_observation(client, s) -> None:  # type: ignore[no-untyped-def]
    obs = observation_record(
        actor=s.reviewer.user,
        cycle=s.cycle,
        data=ObservationInput(s.reviewer, when(10, 9), 30, ObservationKind.FORMAL, "", True),
    )
    other_cycle = make_cycle(appraisee=s.colleague, reviewer=s.reviewer, version=s.classic)
    client.force_login(s.reviewer.user)
    assert (
        client.get(reverse("reviews:observation_feedback", args=[s.cycle.pk, obs.pk])).status_code
        == 200
    )
    wrong = reverse("reviews:observation_feedback", args=[other_cycle.pk, obs.pk])
    assert client.get(wrong).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_an_observation_dated_outside_the_cycle_is_refused_by_the_field(client, s) -> None:  # type: ignore[no-untyped-def]
    """The cycle runs 1 September 2025 to 31 August 2026: a year earlier is a typing slip."""
    with pytest.raises(ReviewError, match="within this appraisal year") as refused:
        observation_record(
            actor=s.reviewer.user,
            cycle=s.cycle,
            data=ObservationInput(
                s.reviewer,
                timezone.make_aware(dt.datetime(2024, 10, 9, 10, 0)),
                45,
                ObservationKind.FORMAL,
                "",
                True,
            ),
        )
    assert refused.value.field == "observed_at"
    client.force_login(s.reviewer.user)
    response = client.post(
        reverse("reviews:observation_add", args=[s.cycle.pk]),
        with_token(
            {
                "observer": s.reviewer.pk,
                "observed_at": "2024-10-09T10:00",
                "duration_minutes": "40",
                "kind": "formal",
                "advance_notice_given": "on",
            }
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 September 2025 to 31 August 2026" in body
    assert 'href="#id_observed_at"' in body
    assert not Observation.objects.exists()
