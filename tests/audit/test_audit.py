"""The access log, security events and the HR-only audit pages."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from audit.models import (
    AccessAction,
    AccessLogEntry,
    AppendOnlyError,
    SecurityEvent,
    SecurityEventKind,
)
from audit.services import record_access, record_denied
from organisation.models import Role
from tests.accounts.support import staff_with_role, user_with_role
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_as(user, path="/records/1/"):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path, REMOTE_ADDR="203.0.113.9")
    request.user = user
    return request


def test_record_access_writes_one_row_for_the_records_trust():
    hr = user_with_role(Role.HR)
    record = StaffMemberFactory(academy__trust=hr.trust)
    entry = record_access(request=request_as(hr), obj=record, action="view", label="Staff record")
    assert entry is not None
    assert entry.trust_id == hr.trust_id
    assert entry.user == hr
    assert entry.action == AccessAction.VIEW
    assert entry.object_type == "organisation.staffmember"
    assert entry.object_id == str(record.pk)
    assert entry.ip == "203.0.113.9"


def test_record_access_rejects_unknown_actions():
    hr = user_with_role(Role.HR)
    with pytest.raises(ValueError):
        record_access(request=request_as(hr), obj=hr.trust, action="peek")


def test_access_log_is_append_only():
    hr = user_with_role(Role.HR)
    entry = record_access(request=request_as(hr), obj=hr.trust, action="export")
    assert entry is not None
    entry.label = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(label="x")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()


def test_record_denied_writes_an_event_and_a_log_line(caplog):
    teacher = user_with_role(None)
    with caplog.at_level(logging.WARNING, logger="appraisal.security"):
        event = record_denied(request=request_as(teacher), kind="not_found", path="/cycles/42/")
    assert event.trust_id == teacher.trust_id
    assert event.user == teacher
    assert event.kind == SecurityEventKind.NOT_FOUND
    assert any("access refused kind=not_found" in r.getMessage() for r in caplog.records)


# ----- The audit pages -----------------------------------------------------------------


def test_audit_pages_are_404_for_everyone_but_hr(client):
    headteacher = staff_with_role(Role.HEADTEACHER)
    others = [
        user_with_role(None),
        user_with_role(Role.TRUST_ADMIN),
        user_with_role(Role.EXECUTIVE),
        user_with_role(Role.TRUSTEE),
        staff_with_role(Role.GOVERNOR, academy=headteacher.academy).user,
        headteacher.user,
    ]
    for user in others:
        client.force_login(user)
        for name in ("audit:index", "audit:security_events"):
            assert client.get(reverse(name)).status_code == 404, (user, name)


def test_audit_page_needs_sign_in(client):
    response = client.get(reverse("audit:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_hr_sees_only_their_own_trusts_entries(client):
    hr = user_with_role(Role.HR)
    other_hr = user_with_role(Role.HR)
    mine = StaffMemberFactory(academy__trust=hr.trust, first_name="Mine")
    theirs = StaffMemberFactory(academy__trust=other_hr.trust, first_name="Theirs")
    record_access(request=request_as(hr), obj=mine, action="view", label="Record of Mine")
    record_access(request=request_as(other_hr), obj=theirs, action="view", label="Record of Theirs")
    record_denied(request=request_as(hr), kind="not_found", path="/mine-denied/")
    record_denied(request=request_as(other_hr), kind="forbidden", path="/theirs-denied/")

    client.force_login(hr)
    html = client.get(reverse("audit:index")).content.decode()
    assert "Record of Mine" in html
    assert "Record of Theirs" not in html
    events = client.get(reverse("audit:security_events")).content.decode()
    assert "/mine-denied/" in events
    assert "/theirs-denied/" not in events


def test_filter_by_person_and_date(client):
    hr = user_with_role(Role.HR)
    colleague = UserFactory(trust=hr.trust, first_name="Grace", last_name="Hopper")
    with time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)):
        record_access(request=request_as(colleague), obj=hr.trust, action="view", label="Early")
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)):
        record_access(request=request_as(colleague), obj=hr.trust, action="view", label="Later")
        record_access(request=request_as(hr), obj=hr.trust, action="view", label="By HR")

    client.force_login(hr)
    by_person = client.get(reverse("audit:index"), {"person": "hopper"}).content.decode()
    assert "Early" in by_person and "Later" in by_person
    assert "By HR" not in by_person
    by_date = client.get(
        reverse("audit:index"), {"date_from": "2026-09-15", "date_to": "2026-10-01"}
    ).content.decode()
    assert "Later" in by_date and "By HR" in by_date
    assert "Early" not in by_date


def test_bad_dates_show_a_message_not_an_error(client):
    hr = user_with_role(Role.HR)
    client.force_login(hr)
    response = client.get(
        reverse("audit:index"), {"date_from": "2026-10-02", "date_to": "2026-10-01"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    response = client.get(reverse("audit:index"), {"date_from": "not a date"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_audit_list_is_paginated(client):
    hr = user_with_role(Role.HR)
    for n in range(55):
        record_access(request=request_as(hr), obj=hr.trust, action="view", label=f"Row {n}")
    client.force_login(hr)
    first = client.get(reverse("audit:index"))
    assert first.context["page"].paginator.num_pages == 2
    assert 'rel="next"' in first.content.decode()
    second = client.get(reverse("audit:index"), {"page": 2})
    assert len(second.context["rows"]) == 5


def test_audit_query_count_is_flat(client, django_assert_max_num_queries):
    hr = user_with_role(Role.HR)
    client.force_login(hr)

    def add_rows(count: int) -> None:
        for _ in range(count):
            someone = UserFactory(trust=hr.trust)
            record_access(request=request_as(someone), obj=hr.trust, action="view")
            record_denied(request=request_as(someone), kind="forbidden", path="/x/")

    add_rows(2)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("audit:index"))
    add_rows(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("audit:index"))
    with django_assert_max_num_queries(20) as few_events:
        client.get(reverse("audit:security_events"))
    add_rows(5)
    with django_assert_max_num_queries(len(few_events.captured_queries)):
        client.get(reverse("audit:security_events"))


def test_nav_shows_audit_to_hr_only(client):
    hr = user_with_role(Role.HR)
    client.force_login(hr)
    assert reverse("audit:index") in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role(Role.TRUST_ADMIN))
    assert reverse("audit:index") not in client.get(reverse("home")).content.decode()


def test_lockout_of_unknown_address_has_no_trust():
    from audit.services import record_lockout

    event = record_lockout(request=None, username="nobody@example.org")
    assert event.trust_id is None
    assert event.user is None
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKED_OUT).count() == 1


def test_record_denied_if_exists_only_for_real_records():
    from audit.services import record_denied_if_exists
    from organisation.models import StaffMember

    teacher = user_with_role(None)
    hidden = StaffMemberFactory()  # another trust's record
    request = request_as(teacher, path=f"/staff/{hidden.pk}/")
    event = record_denied_if_exists(request=request, model=StaffMember, pk=hidden.pk)
    assert event is not None
    assert event.path == f"/staff/{hidden.pk}/"
    assert event.trust_id == teacher.trust_id
    assert record_denied_if_exists(request=request, model=StaffMember, pk=10**9) is None
    assert record_denied_if_exists(request=request, model=StaffMember, pk="abc") is None
    assert SecurityEvent.objects.count() == 1
