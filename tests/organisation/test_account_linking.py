"""A staff record only takes an account made for it (issue 8, defect 2), and one trust never
learns whether an address has an account in another (defect 9)."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from accounts.models import User
from organisation.models import Role, RoleAssignment, StaffMember
from organisation.services import (
    AccountUnavailable,
    OrganisationError,
    account_ensure_for_staff,
    account_unavailable_message,
    role_grant_to_staff,
    staff_create,
)
from tests.factories import StaffMemberFactory, TrustFactory, UserFactory
from tests.form_tokens import with_token

from .test_views import signed_in, staff_form, url

pytestmark = pytest.mark.django_db

TAKEN = "new.deputy@example.org"


@pytest.fixture
def governor_with_the_address(governor):  # type: ignore[no-untyped-def]
    """The probe: a governor who has signed in and put a new colleague's address on their own
    account (then possible through /accounts/email/)."""
    governor.email = TAKEN
    governor.last_login = timezone.now()
    governor.save()
    return governor


def test_the_governor_does_not_get_the_new_deputys_staff_record(
    client, admin, academy, governor_with_the_address
) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    response = client.post(
        url("staff_add"), with_token(staff_form(academy=academy.pk, email=TAKEN.upper()))
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "has been used, so it cannot become this member of staff" in body
    assert not StaffMember.objects.filter(staff_number="N1").exists()
    assert not StaffMember.objects.filter(user=governor_with_the_address).exists()
    client.force_login(governor_with_the_address)
    assert client.get(url("staff_list")).status_code == 404


def test_the_service_never_links_a_used_account(trust, academy, governor_with_the_address) -> None:  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=academy, user=None, email=TAKEN)
    with pytest.raises(OrganisationError, match="has been used"):
        account_ensure_for_staff(staff=staff)
    with pytest.raises(OrganisationError, match="has been used"):
        role_grant_to_staff(staff=staff, role=Role.GOVERNOR, academy=academy)
    staff.refresh_from_db()
    assert staff.user is None
    assert (
        not RoleAssignment.objects.filter(user=governor_with_the_address, role=Role.GOVERNOR)
        .exclude(academy=academy)
        .exists()
    )


@pytest.mark.parametrize(
    "use",
    [
        lambda u: setattr(u, "last_login", timezone.now()),
        lambda u: u.set_password("a long enough password 1"),
        lambda u: setattr(u, "is_active", False),
    ],
    ids=["signed-in", "has-a-password", "closed"],
)
def test_any_sign_of_use_keeps_an_account_from_being_adopted(trust, academy, use) -> None:  # type: ignore[no-untyped-def]
    account = User.objects.create_user(email=TAKEN, trust=trust)  # no usable password
    use(account)
    account.save()
    with pytest.raises(OrganisationError, match="has been used"):
        staff_create(
            trust=trust,
            job_title="Deputy head",
            academy=academy,
            staff_number="D1",
            first_name="Dee",
            last_name="Puty",
            email=TAKEN,
            staff_group="leadership",
            start_date=timezone.localdate(),
        )
    assert not StaffMember.objects.filter(staff_number="D1").exists()


def test_an_unused_account_the_trust_made_for_the_person_is_linked(trust, academy) -> None:  # type: ignore[no-untyped-def]
    """A staff governor whose governor account was made first and never used."""
    account = User.objects.create_user(email=TAKEN, trust=trust)
    staff = StaffMemberFactory(academy=academy, user=None, email=TAKEN)
    assert account_ensure_for_staff(staff=staff) == account


def test_another_trusts_account_is_never_linked(trust, academy, other_trust_admin) -> None:  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=academy, user=None, email=other_trust_admin.email)
    with pytest.raises(AccountUnavailable) as refused:
        role_grant_to_staff(staff=staff, role=Role.HEADTEACHER, academy=academy)
    # The same words as for any address no account can be made for: nothing about where.
    assert str(refused.value) == account_unavailable_message(staff.email)
    staff.refresh_from_db()
    assert staff.user is None
    other_trust_admin.refresh_from_db()
    assert other_trust_admin.trust_id != trust.pk


# ----- Defect 9: the same answer whether or not another trust has the address ----------


def _normalised(page: str) -> str:
    """A page without what changes on every response (CSP nonce, one-time tokens)."""
    page = re.sub(r'nonce="[^"]+"', "", page)
    return re.sub(r'type="hidden" name="([^"]+)" value="[^"]+"', r"\1", page)


def _added(client, academy, *, email: str, number: str):  # type: ignore[no-untyped-def]
    response = client.post(
        url("staff_add"),
        with_token(staff_form(academy=academy.pk, email=email, staff_number=number)),
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    page = response.content.decode()
    # What differs by design: the address, the staff number and the record's id.
    page = page.replace(email, "EMAIL").replace(number, "NUMBER")
    page = re.sub(r"/staff/\d+/", "/staff/ID/", page)
    return response.status_code, messages, _normalised(page)


def test_staff_add_answers_the_same_for_another_trusts_address(
    client, admin, academy, other_trust_admin
) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    taken = _added(client, academy, email=other_trust_admin.email, number="N1")
    fresh = _added(client, academy, email="nobody.yet@example.org", number="N2")
    assert taken[0] == fresh[0] == 200
    assert taken[1] == fresh[1] == ["Nia Jones has been added."]
    assert taken[2] == fresh[2]
    # And the outcome is safe: the other trust's account is untouched and unlinked.
    assert StaffMember.objects.get(staff_number="N1").user is None
    other_trust_admin.refresh_from_db()
    assert other_trust_admin.trust_id != admin.trust_id


def _grant_answer(client, email: str, academy) -> str:  # type: ignore[no-untyped-def]
    response = client.post(
        url("role_grant"),
        with_token({"person": email, "role": Role.GOVERNOR, "academy": academy.pk}),
    )
    assert response.status_code == 200
    return _normalised(response.content.decode().replace(email, "EMAIL"))


def test_role_grant_answers_the_same_for_another_trusts_address(
    client, admin, academy, other_trust_admin
) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    taken = _grant_answer(client, other_trust_admin.email, academy)
    fresh = _grant_answer(client, "nobody.yet@example.org", academy)
    assert "No one in the trust has the email EMAIL" in taken
    assert taken == fresh
    assert not RoleAssignment.objects.filter(user=other_trust_admin, role=Role.GOVERNOR).exists()


def test_import_answers_the_same_for_another_trusts_address(
    client, admin, academy, other_trust_admin
) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_imports import person, to_csv

    signed_in(client, admin)

    def imported(email: str, number: str) -> str:
        upload = SimpleUploadedFile(
            "staff.csv",
            to_csv([person(number, Email=email, Academy=academy.name)]),
            content_type="text/csv",
        )
        response = client.post(url("staff_import"), with_token({"file": upload}), follow=True)
        assert response.status_code == 200
        return _normalised(response.content.decode())

    assert imported(other_trust_admin.email, "X1") == imported("nobody.yet@example.org", "X2")
    assert StaffMember.objects.get(staff_number="X1").user is None
    assert User.objects.filter(email=other_trust_admin.email).count() == 1


def test_a_new_address_taken_in_another_trust_is_not_named_as_such_by_the_service(
    trust,
) -> None:  # type: ignore[no-untyped-def]
    from organisation.services import account_create

    elsewhere = UserFactory(trust=TrustFactory())
    with pytest.raises(AccountUnavailable) as refused:
        account_create(trust=trust, email=elsewhere.email, first_name="A", last_name="B")
    assert str(refused.value) == account_unavailable_message(elsewhere.email)
