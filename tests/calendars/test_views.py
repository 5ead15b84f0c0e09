"""Calendar pages: who sees what, edits that are refused, the date checker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from calendars.models import CalendarDay, CalendarDayKind, Term
from organisation.models import Academy
from tests.factories import AcademyFactory
from tests.form_tokens import with_token

from .factories import TermFactory

D = dt.date
pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def detail_url(academy: Academy, **query: object) -> str:
    url = reverse("calendars:detail", args=[academy.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# ----- Seeing calendars ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(academy: Academy) -> None:
    for url in [reverse("calendars:index"), detail_url(academy)]:
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


def test_index_lists_only_the_trusts_academies(
    academy_with_2026_27: Academy, teacher, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    AcademyFactory(name="Elsewhere Academy")  # another trust
    client = client_for(teacher)
    client.get(reverse("calendars:index"))  # warm the session
    # Session, account, roles and the header links, then the page itself.
    with django_assert_max_num_queries(16) as few:
        response = client.get(reverse("calendars:index"))
    assert response.status_code == 200
    assert "Oak Primary calendar" in response.text
    assert "Elsewhere Academy" not in response.text
    # Query count stays flat as the trust grows.
    AcademyFactory.create_batch(15, trust=academy_with_2026_27.trust)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("calendars:index"))
    assert response.text.count(" calendar</a>") == 16


@pytest.mark.time_machine(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
def test_calendar_page_shows_the_year(academy_with_2026_27: Academy, teacher) -> None:  # type: ignore[no-untyped-def]
    response = client_for(teacher).get(detail_url(academy_with_2026_27))
    assert response.status_code == 200
    page = response.text
    assert "Calendar for 2026 to 2027" in page
    assert "Autumn 1 2026" in page and "Summer 2 2027" in page
    assert "Good Friday" in page and "Friday 26 March 2027" in page
    assert "Polling station" in page
    assert "No term dates have been entered" not in page
    # A teacher may look but not change anything.
    assert reverse("calendars:term_add", args=[academy_with_2026_27.pk]) not in page
    assert (
        'href="/calendars/" aria-current="true">'
        '<strong class="govuk-service-navigation__active-fallback">Calendars</strong>'
    ) in page


def test_calendar_page_warns_when_a_year_has_no_terms(
    academy_with_2026_27: Academy, teacher
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(teacher).get(detail_url(academy_with_2026_27, year=2027))
    assert "Calendar for 2027 to 2028" in response.text
    assert "No term dates have been entered for 2027 to 2028" in response.text


def test_calendar_page_query_count_stays_flat(
    academy_with_2026_27: Academy, headteacher, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(headteacher)
    url = detail_url(academy_with_2026_27, year=2026)
    client.get(url)
    with django_assert_max_num_queries(20) as before:
        client.get(url)
    for week in range(10):
        CalendarDay.objects.create(
            academy=academy_with_2026_27,
            date=D(2027, 1, 11) + dt.timedelta(weeks=week),
            kind=CalendarDayKind.CLOSURE,
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert response.text.count("Closure day</strong>") == 11


@pytest.mark.parametrize("year", ["abc", "99999", "-1", ""])
def test_bad_year_falls_back_to_this_year(academy: Academy, teacher, year: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(teacher).get(detail_url(academy, year=year))
    assert response.status_code == 200


def test_another_trusts_user_gets_404(academy_with_2026_27: Academy, outsider) -> None:  # type: ignore[no-untyped-def]
    client = client_for(outsider)
    academy = academy_with_2026_27
    term = academy.terms.first()
    day = academy.calendar_days.first()
    assert term is not None and day is not None
    for url in [
        detail_url(academy),
        reverse("calendars:term_add", args=[academy.pk]),
        reverse("calendars:term_edit", args=[academy.pk, term.pk]),
        reverse("calendars:term_delete", args=[academy.pk, term.pk]),
        reverse("calendars:day_add", args=[academy.pk]),
        reverse("calendars:day_remove", args=[academy.pk, day.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert Term.objects.count() == 6


def test_teacher_can_view_but_gets_403_on_edit(academy_with_2026_27: Academy, teacher) -> None:  # type: ignore[no-untyped-def]
    client = client_for(teacher)
    academy = academy_with_2026_27
    term = academy.terms.first()
    assert term is not None
    assert client.get(detail_url(academy)).status_code == 200
    add_url = reverse("calendars:term_add", args=[academy.pk])
    assert client.get(add_url).status_code == 403
    response = client.post(
        add_url, {"name": "Extra", "starts_on": "2027-07-26", "ends_on": "2027-07-30"}
    )
    assert response.status_code == 403
    delete_url = reverse("calendars:term_delete", args=[academy.pk, term.pk])
    assert client.post(delete_url).status_code == 403
    assert Term.objects.count() == 6


def test_headteacher_of_another_academy_cannot_edit(academy: Academy, other_headteacher) -> None:  # type: ignore[no-untyped-def]
    response = client_for(other_headteacher).get(reverse("calendars:day_add", args=[academy.pk]))
    assert response.status_code == 403


# ----- Terms ---------------------------------------------------------------------------------


def test_trust_admin_adds_a_term(academy: Academy, trust_admin) -> None:  # type: ignore[no-untyped-def]
    client = client_for(trust_admin)
    url = reverse("calendars:term_add", args=[academy.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        with_token({"name": "Autumn 1 2026", "starts_on": "2026-09-03", "ends_on": "23/10/2026"}),
    )
    assert response.status_code == 302
    assert response.url == detail_url(academy, year=2026)
    term = Term.objects.get()
    assert (term.academy, term.starts_on, term.ends_on) == (
        academy,
        D(2026, 9, 3),
        D(2026, 10, 23),
    )
    assert term.history.get().history_user == trust_admin
    page = client.get(response.url).text
    assert "Autumn 1 2026 added." in page
    assert 'govuk-table__cell--numeric">37<' in page  # working days in the term


def test_headteacher_edits_and_deletes_a_term(academy: Academy, headteacher) -> None:  # type: ignore[no-untyped-def]
    term = TermFactory(academy=academy, name="Autumn 1")
    client = client_for(headteacher)
    edit_url = reverse("calendars:term_edit", args=[academy.pk, term.pk])
    assert 'value="2026-09-03"' in client.get(edit_url).text
    response = client.post(
        edit_url, {"name": "Autumn 1 2026", "starts_on": "2026-09-02", "ends_on": "2026-10-23"}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.name, term.starts_on) == ("Autumn 1 2026", D(2026, 9, 2))
    delete_url = reverse("calendars:term_delete", args=[academy.pk, term.pk])
    assert "Delete Autumn 1 2026?" in client.get(delete_url).text
    assert client.post(delete_url).status_code == 302
    assert not Term.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "Autumn 2", "starts_on": "2026-12-18", "ends_on": "2026-11-02"},
            "The last day of the term must be on or after the first.",
        ),
        (
            {"name": "Autumn 2", "starts_on": "2026-10-19", "ends_on": "2026-12-18"},
            "These dates overlap Autumn 1 2026",
        ),
        (
            {"name": "Autumn 2", "starts_on": "not a date", "ends_on": "2026-12-18"},
            "Enter a valid date.",
        ),
        (
            {"name": "Autumn 2", "starts_on": "1850-11-02", "ends_on": "2026-12-18"},
            "Enter a date between 2000 and 2099.",
        ),
        ({"name": "", "starts_on": "", "ends_on": ""}, "This field is required."),
    ],
)
def test_bad_term_shows_an_error_and_saves_nothing(
    academy: Academy, trust_admin, data: dict[str, str], message: str
) -> None:  # type: ignore[no-untyped-def]
    TermFactory(academy=academy, name="Autumn 1 2026")
    response = client_for(trust_admin).post(
        reverse("calendars:term_add", args=[academy.pk]), with_token(data)
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert Term.objects.count() == 1


def test_editing_a_term_into_an_overlap_is_refused(academy: Academy, trust_admin) -> None:  # type: ignore[no-untyped-def]
    TermFactory(academy=academy, name="Autumn 1 2026")
    autumn2 = TermFactory(
        academy=academy, name="Autumn 2 2026", starts_on=D(2026, 11, 2), ends_on=D(2026, 12, 18)
    )
    response = client_for(trust_admin).post(
        reverse("calendars:term_edit", args=[academy.pk, autumn2.pk]),
        {"name": "Autumn 2 2026", "starts_on": "2026-10-01", "ends_on": "2026-12-18"},
    )
    assert response.status_code == 200
    assert "These dates overlap Autumn 1 2026" in response.text
    autumn2.refresh_from_db()
    assert autumn2.starts_on == D(2026, 11, 2)


def test_a_term_of_another_academy_is_not_found(
    academy: Academy, other_academy: Academy, trust_admin
) -> None:  # type: ignore[no-untyped-def]
    term = TermFactory(academy=other_academy)
    url = reverse("calendars:term_edit", args=[academy.pk, term.pk])
    assert client_for(trust_admin).get(url).status_code == 404


# ----- INSET and closure days ----------------------------------------------------------------


def test_headteacher_adds_and_removes_an_inset_day(academy: Academy, headteacher) -> None:  # type: ignore[no-untyped-def]
    client = client_for(headteacher)
    url = reverse("calendars:day_add", args=[academy.pk])
    response = client.post(
        url,
        with_token({"date": "2026-10-30", "kind": "inset", "description": "Trust training day"}),
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.date, day.kind) == (D(2026, 10, 30), CalendarDayKind.INSET)
    assert "INSET day on Friday 30 October 2026 added." in client.get(response.url).text
    # The same day again, as a closure: one entry per day.
    response = client.post(url, with_token({"date": "2026-10-30", "kind": "closure"}))
    assert response.status_code == 200
    assert "already entered as an INSET day" in response.text
    assert CalendarDay.objects.count() == 1
    remove_url = reverse("calendars:day_remove", args=[academy.pk, day.pk])
    assert client.get(remove_url).status_code == 200
    assert client.post(remove_url).status_code == 302
    assert not CalendarDay.objects.exists()


def test_day_without_a_type_is_refused(academy: Academy, headteacher) -> None:  # type: ignore[no-untyped-def]
    response = client_for(headteacher).post(
        reverse("calendars:day_add", args=[academy.pk]), {"date": "2026-10-30", "kind": "x"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not CalendarDay.objects.exists()


# ----- The date checker ----------------------------------------------------------------------


def test_date_checker_gives_the_date_n_working_days_later(
    academy_with_2026_27: Academy, teacher
) -> None:  # type: ignore[no-untyped-def]
    # classic §5.2.4: written feedback 5 working days after Fri 18 Dec 2026.
    response = client_for(teacher).get(
        detail_url(academy_with_2026_27, year=2026, check_from="2026-12-18", check_days=5)
    )
    assert response.status_code == 200
    assert (
        '5 working days after Friday 18 December 2026 is <strong class="govuk-!-font-weight-bold"'
        ' id="check-answer">Friday 8 January 2027</strong>' in response.text
    )
    assert "Monday 4 January 2027" in response.text  # listed among the days counted


def test_date_checker_counts_back_and_explains_a_non_working_start(
    academy_with_2026_27: Academy, teacher
) -> None:  # type: ignore[no-untyped-def]
    # aspire §11.2: 10 working days' notice of a meeting; latest day to send the letter.
    response = client_for(teacher).get(
        detail_url(academy_with_2026_27, check_from="2027-03-29", check_days=-10)
    )
    assert "10 working days before Monday 29 March 2027 is" in response.text
    assert "Friday 12 March 2027" in response.text
    assert "is not a working day here (bank holiday (Easter Monday))" in response.text


def test_date_checker_errors_are_shown_not_raised(academy: Academy, teacher) -> None:  # type: ignore[no-untyped-def]
    response = client_for(teacher).get(
        detail_url(academy, check_from="2026-13-45", check_days="lots")
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "check-answer" not in response.text


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2027-05-01", "Saturday 1 May 2027 is a weekend day"),
        ("2027-05-03", "Monday 3 May 2027 is a bank holiday (May Day)"),
    ],
)
def test_an_inset_day_on_a_weekend_or_bank_holiday_is_refused_by_the_field(
    academy: Academy,
    headteacher,  # type: ignore[no-untyped-def]
    day: str,
    why: str,
) -> None:
    response = client_for(headteacher).post(
        reverse("calendars:day_add", args=[academy.pk]),
        with_token({"date": day, "kind": "inset", "description": "Training"}),
    )
    assert response.status_code == 200
    assert why in response.text
    assert 'href="#id_date"' in response.text  # the error summary links to the field
    assert 'id="id_date-error"' in response.text
    assert not CalendarDay.objects.exists()
