"""The project's GOV.UK date input field: day, month and year, or a single YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from appraisal_site.forms import GovukDateField


class DateForm(forms.Form):
    on = GovukDateField(label="Date of the meeting")
    maybe = GovukDateField(label="Date it was held", required=False)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"on-day": "3", "on-month": "9", "on-year": "2026"}, dt.date(2026, 9, 3)),
        ({"on-day": " 03 ", "on-month": "09", "on-year": "2026"}, dt.date(2026, 9, 3)),
        ({"on": "2026-09-03"}, dt.date(2026, 9, 3)),
    ],
)
def test_a_date_is_read_from_its_boxes_or_a_single_value(data, expected) -> None:  # type: ignore[no-untyped-def]
    form = DateForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"on": expected, "maybe": None}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the date"),
        ({"on-day": "3", "on-year": "2026"}, "Date must include a month"),
        ({"on-year": "2026"}, "Date must include a day and month"),
        ({"on-day": "3", "on-month": "9", "on-year": "26"}, "Year must include 4 numbers"),
        ({"on-day": "30", "on-month": "2", "on-year": "2026"}, "Date must be a real date"),
        ({"on-day": "٣", "on-month": "9", "on-year": "2026"}, "Date must be a real date"),
        ({"on-day": "1" * 40, "on-month": "9", "on-year": "2026"}, "Date must be a real date"),
        ({"on": "3/9/2026"}, "Date must be a real date"),
    ],
)
def test_gov_uk_messages_for_a_date_that_cannot_be_read(data, message) -> None:  # type: ignore[no-untyped-def]
    form = DateForm(data)
    assert not form.is_valid()
    assert form.errors["on"] == [message]


def test_the_boxes_show_what_was_typed_and_the_day_box_has_the_fields_id() -> None:
    html = str(DateForm({"on-day": "31", "on-month": "2", "on-year": "2026"})["on"])
    assert 'id="id_on" name="on-day"' in html and 'value="31"' in html
    assert 'id="id_on-month"' in html and 'id="id_on-year"' in html
    assert "govuk-input--error" in html
    unbound = str(DateForm(initial={"on": dt.date(2026, 9, 3)})["on"])
    assert 'value="3"' in unbound and 'value="2026"' in unbound
