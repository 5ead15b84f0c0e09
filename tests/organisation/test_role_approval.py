"""Nobody gives themself a role; roles that open appraisal records (and administration) wait
for HR or a second administrator; only HR changes the sign-in of HR (issue 8, defect 5)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from organisation.models import Role, RoleAssignment, RoleRequest, RoleRequestStatus, StaffGroup
from organisation.principal import principal_for
from organisation.services import (
    OrganisationError,
    role_grant,
    role_request,
    role_request_decide,
    staff_update,
)
from tests.factories import StaffMemberFactory
from tests.form_tokens import with_token

from .test_imports import person, to_csv
from .test_views import signed_in, staff_form, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(trust, central):  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=central, staff_group=StaffGroup.SUPPORT, staff_number="ADM2")
    role_grant(user=staff.user, role=Role.TRUST_ADMIN, trust=trust)
    return staff.user


@pytest.fixture
def colleague(academy):  # type: ignore[no-untyped-def]
    return StaffMemberFactory(academy=academy, staff_number="C1", email="colleague@example.org")


def _grant(client, person: str, role: str, **extra: object):  # type: ignore[no-untyped-def]
    return client.post(url("role_grant"), with_token({"person": person, "role": role, **extra}))


# ----- Nobody grants themself a role ------------------------------------------------------


@pytest.mark.parametrize("how", ["email", "staff_number"])
def test_an_administrator_cannot_make_themself_hr(client, admin, how) -> None:  # type: ignore[no-untyped-def]
    """The probe: /roles/grant/ with their own address and role hr."""
    signed_in(client, admin)
    me = admin.email if how == "email" else admin.staff_member.staff_number
    response = _grant(client, me, Role.HR)
    assert response.status_code == 200
    assert "You cannot give yourself a role" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=admin, role=Role.HR).exists()
    assert not RoleRequest.objects.filter(user=admin).exists()
    assert not principal_for(User.objects.get(pk=admin.pk)).is_hr


def test_the_services_refuse_a_grant_or_request_to_oneself(trust, admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OrganisationError, match="Nobody can give themself a role"):
        role_grant(user=admin, role=Role.HR, trust=trust, granted_by=admin)
    with pytest.raises(OrganisationError, match="Nobody can give themself a role"):
        role_request(user=admin, role=Role.HR, trust=trust, requested_by=admin)


# ----- Roles that open records wait for a second person -------------------------------


def test_hr_granted_by_an_administrator_waits_for_approval(
    client, admin, second_admin, colleague
) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    response = _grant(client, colleague.email, Role.HR, reason="New HR officer")
    assert response.status_code == 302
    waiting = RoleRequest.objects.get(user=colleague.user, role=Role.HR)
    assert waiting.status == RoleRequestStatus.PENDING
    assert not RoleAssignment.objects.filter(user=colleague.user).exists()
    assert not principal_for(User.objects.get(pk=colleague.user_id)).is_hr

    # The one who asked cannot approve it: not on the page, not by posting.
    decide = url("role_request", waiting.pk)
    assert "Approve the role" not in client.get(decide).content.decode()
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    with pytest.raises(OrganisationError, match="not by the person who asked"):
        role_request_decide(request=waiting, decided_by=admin, approve=True)
    assert not RoleAssignment.objects.filter(user=colleague.user).exists()

    # A second administrator finds it from their home page and approves it.
    client.force_login(second_admin)
    home = client.get(reverse("home")).content.decode()
    assert "Roles waiting for your approval (1)" in home
    assert url("role_request", waiting.pk) in client.get(url("role_requests")).content.decode()
    response = client.post(decide, {"decision": "approve"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (RoleRequestStatus.APPROVED, second_admin)
    assert waiting.assignment is not None and waiting.assignment.granted_by == admin
    assert principal_for(User.objects.get(pk=colleague.user_id)).is_hr


def test_hr_approves_and_declines(client, admin, hr, colleague, academy) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    _grant(client, colleague.email, Role.HEADTEACHER, academy=academy.pk)
    _grant(client, colleague.email, Role.EXECUTIVE)
    head, ceo = (
        RoleRequest.objects.get(user=colleague.user, role=Role.HEADTEACHER),
        RoleRequest.objects.get(user=colleague.user, role=Role.EXECUTIVE),
    )
    client.force_login(hr)
    assert client.post(url("role_request", head.pk), {"decision": "approve"}).status_code == 302
    assert client.post(url("role_request", ceo.pk), {"decision": "decline"}).status_code == 302
    roles = set(RoleAssignment.objects.filter(user=colleague.user).values_list("role", flat=True))
    assert roles == {Role.HEADTEACHER}
    ceo.refresh_from_db()
    assert ceo.status == RoleRequestStatus.DECLINED
    # Decided once: a second answer changes nothing.
    response = client.post(url("role_request", ceo.pk), {"decision": "approve"})
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=colleague.user, role=Role.EXECUTIVE).exists()


def test_a_made_up_account_cannot_be_made_an_administrator_to_approve(client, admin) -> None:  # type: ignore[no-untyped-def]
    """An administrator's second account would approve their requests: administration waits
    for approval too."""
    signed_in(client, admin)
    response = _grant(
        client, "my.other.me@example.org", Role.TRUST_ADMIN, first_name="Al", last_name="Ias"
    )
    assert response.status_code == 302
    other_me = User.objects.get(email="my.other.me@example.org")
    assert not RoleAssignment.objects.filter(user=other_me).exists()
    assert RoleRequest.objects.filter(user=other_me, status=RoleRequestStatus.PENDING).exists()


def test_the_person_a_role_is_for_cannot_approve_it(second_admin, admin, trust) -> None:  # type: ignore[no-untyped-def]
    waiting = role_request(user=second_admin, role=Role.HR, trust=trust, requested_by=admin)
    with pytest.raises(OrganisationError, match="nor by the person it is for"):
        role_request_decide(request=waiting, decided_by=second_admin, approve=True)


def test_roles_that_open_nothing_named_take_effect_at_once(client, admin, academy) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    response = _grant(
        client,
        "chair@example.org",
        Role.GOVERNOR,
        academy=academy.pk,
        first_name="Chris",
        last_name="Ng",
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user__email="chair@example.org").exists()
    assert not RoleRequest.objects.exists()


def test_hr_grants_hr_at_once(client, hr, colleague) -> None:  # type: ignore[no-untyped-def]
    role_grant(user=hr, role=Role.TRUST_ADMIN, trust=hr.trust)  # only administrators grant
    signed_in(client, hr)
    assert _grant(client, colleague.email, Role.HR).status_code == 302
    assert RoleAssignment.objects.filter(user=colleague.user, role=Role.HR).exists()


def test_a_headteacher_names_a_delegate_at_once(client, academy, colleague) -> None:  # type: ignore[no-untyped-def]
    head = StaffMemberFactory(academy=academy, staff_number="H1")
    role_grant(user=head.user, role=Role.HEADTEACHER, trust=academy.trust, academy=academy)
    signed_in(client, head.user)
    response = _grant(client, "C1", Role.APPRAISAL_DELEGATE, academy=academy.pk, until="")
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=colleague.user, role=Role.APPRAISAL_DELEGATE).exists()


def test_role_requests_are_for_hr_and_administrators_of_the_trust(
    client, admin, colleague, trust, other_trust_admin
) -> None:  # type: ignore[no-untyped-def]
    waiting = role_request(user=colleague.user, role=Role.HR, trust=trust, requested_by=admin)
    client.force_login(colleague.user)
    assert client.get(url("role_requests")).status_code == 404
    assert client.get(url("role_request", waiting.pk)).status_code == 404
    client.force_login(other_trust_admin)
    assert client.get(url("role_request", waiting.pk)).status_code == 404
    assert client.post(url("role_request", waiting.pk), {"decision": "approve"}).status_code == 404
    assert not RoleAssignment.objects.filter(user=colleague.user).exists()


# ----- Only HR changes the sign-in of HR ----------------------------------------------------


def _hr_staff(hr):  # type: ignore[no-untyped-def]
    return hr.staff_member


def test_an_administrator_cannot_move_hrs_sign_in_address(client, admin, hr) -> None:  # type: ignore[no-untyped-def]
    """The probe changed HR's email, then reset the password through it."""
    staff = _hr_staff(hr)
    signed_in(client, admin)
    response = client.post(
        url("staff_edit", staff.pk),
        staff_form(
            academy=staff.academy_id,
            staff_number=staff.staff_number,
            email="admins.inbox@example.org",
            job_title="HR officer",
        ),
    )
    assert response.status_code == 200
    assert "Only HR can change the sign-in address" in response.content.decode()
    hr.refresh_from_db()
    assert hr.email != "admins.inbox@example.org"
    with pytest.raises(OrganisationError, match="Only HR can change the sign-in address"):
        staff_update(
            staff=staff, job_title="HR officer", actor=admin, email="admins.inbox@example.org"
        )


def test_hr_moves_another_hr_sign_in_and_the_administrator_moves_a_teachers(
    admin, hr, trust, central, colleague
) -> None:  # type: ignore[no-untyped-def]
    other_hr = StaffMemberFactory(academy=central, staff_number="HR2")
    role_grant(user=other_hr.user, role=Role.HR, trust=trust)
    staff_update(staff=other_hr, job_title="HR officer", actor=hr, email="hr.two@example.org")
    assert User.objects.get(pk=other_hr.user_id).email == "hr.two@example.org"
    staff_update(staff=colleague, job_title="Teacher", actor=admin, email="c.new@example.org")
    assert User.objects.get(pk=colleague.user_id).email == "c.new@example.org"


def test_the_import_cannot_move_hrs_sign_in_for_an_administrator(client, admin, hr) -> None:  # type: ignore[no-untyped-def]
    staff = _hr_staff(hr)
    signed_in(client, admin)
    upload = SimpleUploadedFile(
        "staff.csv",
        to_csv(
            [person(staff.staff_number, Email="admins.inbox@example.org", Academy="Central team")]
        ),
        content_type="text/csv",
    )
    response = client.post(url("staff_import"), with_token({"file": upload}))
    assert "Only HR can change the sign-in address" in response.content.decode()
    hr.refresh_from_db()
    assert hr.email != "admins.inbox@example.org"


def test_an_administrator_cannot_reset_hrs_two_step_verification(
    client, admin, hr, trust, central
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(hr)  # HR has signed in, so their record shows the account's section
    TOTP.activate(hr, generate_totp_secret())
    RecoveryCodes.activate(hr)
    reset = reverse(
        "organisation:staff_account",
        kwargs={"pk": _hr_staff(hr).pk, "action": "reset-two-step"},
    )
    signed_in(client, admin)
    page = client.get(url("staff_detail", _hr_staff(hr).pk)).content.decode()
    assert "Reset two-step verification" not in page
    assert client.post(reset).status_code == 403
    assert Authenticator.objects.filter(user=hr).count() == 2

    other_hr = StaffMemberFactory(academy=central, staff_number="HR2")
    role_grant(user=other_hr.user, role=Role.HR, trust=trust)
    client.force_login(other_hr.user)
    assert client.post(reset).status_code == 302
    assert not Authenticator.objects.filter(user=hr).exists()
