"""A new account's owner is emailed a single-use, expiring link to choose a password; HR
can send it again until they sign in. Nobody else can, and nobody outside the trust sees it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import tasks
from accounts.models import Invitation
from appraisal_site.celery import app as celery_app
from organisation.models import StaffGroup
from organisation.services import account_ensure_for_staff, staff_create, staff_import_csv
from submissions.guard import FIELD_NAME, issue_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-for-ann-42"


@pytest.fixture
def eager():  # type: ignore[no-untyped-def]
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _new_staff(world, captured, **extra):  # type: ignore[no-untyped-def]
    with captured(execute=True):
        return staff_create(
            trust=world.trust,
            job_title="Class teacher",
            actor=world.user("hr"),
            academy=world.academy,
            staff_number=extra.pop("staff_number", "NEW1"),
            first_name="Ann",
            last_name="O'Neill",
            email=extra.pop("email", "ann.oneill@example.org"),
            staff_group=StaffGroup.TEACHING,
            start_date=dt.date(2024, 9, 1),
            **extra,
        )


def _link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


def _choose_password(client: Client, link: str):  # type: ignore[no-untyped-def]
    page = client.get(link, follow=True)
    url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return page, client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_a_new_account_gets_one_invitation_email(world, eager, django_capture_on_commit_callbacks):
    staff = _new_staff(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann.oneill@example.org"]
    assert world.trust.name in message.subject
    assert "Dear Ann," in message.body
    assert "&#x27;" not in message.body
    assert "works once" in message.body

    # The task delivered again, and the account "ensured" again, send nothing more.
    invitation = Invitation.objects.get(user=staff.user)
    assert invitation.sent_at is not None
    tasks.send_invitation(invitation.pk)
    with django_capture_on_commit_callbacks(execute=True):
        account_ensure_for_staff(staff=staff)
    assert len(mail.outbox) == 1
    assert Invitation.objects.filter(user=staff.user).count() == 1


def test_the_link_chooses_the_password_once(world, eager, django_capture_on_commit_callbacks):
    staff = _new_staff(world, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    client = Client()
    page, done = _choose_password(client, link)
    assert "Choose your password" in page.text
    assert staff.email in page.text
    assert done.status_code == 302
    staff.user.refresh_from_db()
    assert staff.user.check_password(NEW_PASSWORD)

    again = Client().get(link, follow=True)
    assert "This link has expired" in again.text
    staff.user.refresh_from_db()
    assert staff.user.check_password(NEW_PASSWORD)  # the second visit changed nothing


def test_an_expired_link_is_refused(world, eager, django_capture_on_commit_callbacks, settings):
    staff = _new_staff(world, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    later = timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, minutes=5)
    with time_machine.travel(later):
        page, _refused = _choose_password(Client(), link)
    assert "This link has expired" in page.text
    staff.user.refresh_from_db()
    assert not staff.user.has_usable_password()


def test_an_import_invites_each_new_account(world, eager, django_capture_on_commit_callbacks):
    csv = (
        "First name,Last name,Email,Staff number,Academy,Job title,Staff group,QTS,Pay range,"
        "Pay point,Contract type,Contract end date,Start date,Line manager staff number\r\n"
        f"Imogen,Import,imogen@example.org,IMP1,{world.academy.name},Class teacher,teaching,"
        "yes,MPR,M3,permanent,,01/09/2020,\r\n"
        f"Ivor,Import,ivor@example.org,IMP2,{world.academy.name},Class teacher,teaching,"
        "yes,MPR,M3,permanent,,01/09/2020,\r\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_import_csv(trust=world.trust, data=csv, actor=world.user("hr"))
    assert sorted(m.to[0] for m in mail.outbox) == ["imogen@example.org", "ivor@example.org"]


def _resend(client: Client, staff) -> object:  # type: ignore[no-untyped-def]
    return client.post(
        reverse("organisation:staff_invitation", args=[staff.pk]), {FIELD_NAME: issue_token()}
    )


def test_hr_resends_from_the_staff_record(world, eager, django_capture_on_commit_callbacks):
    staff = _new_staff(world, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.user("hr"))
    record = client.get(reverse("organisation:staff_detail", args=[staff.pk]))
    assert "Resend invitation" in record.text
    assert f'name="{FIELD_NAME}"' in record.text

    with django_capture_on_commit_callbacks(execute=True):
        response = _resend(client, staff)
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [staff.email]
    page = client.get(response["Location"])
    assert "A new invitation has been sent to Ann" in page.text

    # The newer link works like the first.
    _, done = _choose_password(Client(), _link(mail.outbox[1]))
    assert done.status_code == 302


def test_no_resend_once_they_have_signed_in(world, eager, django_capture_on_commit_callbacks):
    staff = _new_staff(world, django_capture_on_commit_callbacks)
    Client().force_login(staff.user)  # signing in records last_login
    client = Client()
    client.force_login(world.user("hr"))
    record = client.get(reverse("organisation:staff_detail", args=[staff.pk]))
    assert "Resend invitation" not in record.text
    assert _resend(client, staff).status_code == 403
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("trust_admin", 403),  # sees the record; only HR sends sign-in links
        ("headteacher", 403),
        ("line_manager", 404),  # not their line report: cannot see the record
        ("b_hr", 404),  # another trust's HR
    ],
)
def test_only_hr_of_the_trust_may_resend(
    world, eager, django_capture_on_commit_callbacks, persona, status
):
    staff = _new_staff(world, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.user(persona))
    if status == 403:
        record = client.get(reverse("organisation:staff_detail", args=[staff.pk]))
        assert record.status_code == 200
        assert "Resend invitation" not in record.text
    assert client.get(reverse("organisation:staff_invitation", args=[staff.pk])).status_code == (
        status
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _resend(client, staff).status_code == status
    assert len(mail.outbox) == 1
    assert Invitation.objects.filter(user=staff.user).count() == 1


def test_hr_cannot_resend_their_own(world):
    client = Client()
    client.force_login(world.user("hr"))
    assert _resend(client, world.staff["hr"]).status_code == 403


def test_another_trusts_address_is_never_invited_and_never_shown(
    world, eager, django_capture_on_commit_callbacks
):
    other_staff_email = world.user("b_staff").email
    staff = _new_staff(
        world, django_capture_on_commit_callbacks, email=other_staff_email, staff_number="X1"
    )
    assert staff.user is None
    assert mail.outbox == []
    # HR is offered the resend as for any new account, and told the same.
    client = Client()
    client.force_login(world.user("hr"))
    record = client.get(reverse("organisation:staff_detail", args=[staff.pk]))
    assert "Resend invitation" in record.text
    with django_capture_on_commit_callbacks(execute=True):
        response = _resend(client, staff)
    assert response.status_code == 302
    assert "A new invitation has been sent to Ann" in client.get(response["Location"]).text
    assert mail.outbox == []
    staff.refresh_from_db()
    assert staff.user is None
