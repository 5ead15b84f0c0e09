"""Organisation pages: who can open and change what, and that bad input saves nothing."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from organisation.models import Academy, Role, RoleAssignment, RoleRequest, StaffMember, Trust
from organisation.services import role_grant, role_request_decide
from tests.factories import StaffMemberFactory
from tests.form_tokens import with_token

from .test_imports import person, to_csv

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"organisation:{name}", args=args)


def signed_in(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


# ----- Trust administrator: every page ------------------------------------------------


def test_admin_can_open_every_page(client, admin, academy, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    teacher = team["teacher"]
    assignment = RoleAssignment.objects.get(role=Role.HEADTEACHER)
    pages = [
        reverse("home"),
        url("trust"),
        url("trust_edit"),
        url("academy_add"),
        url("academy_edit", academy.pk),
        url("line_management_index"),
        url("line_management", academy.pk),
        url("staff_list"),
        url("staff_add"),
        url("staff_detail", teacher.pk),
        url("staff_edit", teacher.pk),
        url("staff_line_manager", teacher.pk),
        url("roles"),
        url("roles") + "?show=all",
        url("role_grant"),
        url("role_revoke", assignment.pk),
        url("job_roles"),
        url("staff_import"),
        url("staff_import_example"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page


def test_home_shows_only_links_to_pages_that_exist(client, admin) -> None:  # type: ignore[no-untyped-def]
    body = signed_in(client, admin).get(reverse("home")).content.decode()
    assert url("staff_import") in body
    assert url("trust") in body


def test_admin_edits_the_trust_and_adds_an_academy(client, admin, trust, central) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    response = client.post(url("trust_edit"), {"name": "Fenland Schools Trust"})
    assert response.status_code == 302
    trust.refresh_from_db()
    assert trust.name == "Fenland Schools Trust"
    assert trust.history.first().history_user == admin

    response = client.post(url("academy_add"), with_token({"name": "Elm Infants", "urn": "139999"}))
    assert response.status_code == 302
    assert Academy.objects.get(trust=trust, name="Elm Infants").urn == "139999"

    # A second central team is refused with a message and nothing saved.
    response = client.post(
        url("academy_add"),
        with_token({"name": "Trust office", "urn": "", "is_central_team": "on"}),
    )
    assert response.status_code == 200
    assert "already has a central team" in response.content.decode()
    assert not Academy.objects.filter(name="Trust office").exists()


def staff_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Nia",
        "last_name": "Jones",
        "email": "nia.jones@example.org",
        "staff_number": "N1",
        "job_title": "Learning support assistant",
        "staff_group": "support",
        "pay_range": "SCP",
        "pay_point": "7",
        "contract_type": "permanent",
        "start_date": "2024-09-01",
    }
    data.update(overrides)
    return data


def test_admin_adds_a_member_of_staff_with_an_account(client, admin, trust, academy) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    response = client.post(url("staff_add"), with_token(staff_form(academy=academy.pk)))
    staff = StaffMember.objects.get(trust=trust, staff_number="N1")
    assert response.status_code == 302
    assert response["Location"] == url("staff_detail", staff.pk)
    assert staff.user.email == "nia.jones@example.org"
    assert staff.job_role.name == "Learning support assistant"


def test_bad_staff_input_shows_errors_and_saves_nothing(client, admin, academy, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    before = StaffMember.objects.count()
    response = client.post(
        url("staff_add"),
        staff_form(
            academy=academy.pk,
            email=team["teacher"].email.upper(),
            staff_number="t1",
            contract_end_date="2024-01-01",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "is already the email of" in body
    assert "Staff number t1 already belongs to" in body
    assert "contract end date must be after the start" in body
    assert StaffMember.objects.count() == before


def test_an_academy_of_another_trust_cannot_be_chosen(client, admin, other_trust_admin) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    foreign = Academy.objects.get(name="Birch Academy")
    response = client.post(url("staff_add"), staff_form(academy=foreign.pk))
    assert response.status_code == 200
    assert not StaffMember.objects.filter(staff_number="N1").exists()


def test_admin_edits_staff_and_the_account_follows(client, admin, team) -> None:  # type: ignore[no-untyped-def]
    teacher = team["teacher"]
    signed_in(client, admin)
    response = client.post(
        url("staff_edit", teacher.pk),
        staff_form(
            academy=teacher.academy_id,
            staff_number=teacher.staff_number,
            email="renamed@example.org",
            job_title="Head of year",
        ),
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert (teacher.first_name, teacher.job_role.name) == ("Nia", "Head of year")
    assert User.objects.get(pk=teacher.user_id).email == "renamed@example.org"


def test_changing_the_line_manager_and_refusing_a_loop(client, admin, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    head, colleague, teacher = team["head"], team["colleague"], team["teacher"]
    response = client.post(url("staff_line_manager", teacher.pk), {"manager": colleague.pk})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.line_manager == colleague

    # The head above the colleague cannot be put under them: the service's message shows.
    response = client.post(
        url("staff_line_manager", head.pk), {"manager_staff_number": colleague.staff_number}
    )
    assert response.status_code == 200
    assert "would make a loop" in response.content.decode()
    head.refresh_from_db()
    assert head.line_manager is None

    response = client.post(url("staff_line_manager", head.pk), {"manager_staff_number": "ZZZ"})
    assert "No one in the trust has staff number ZZZ" in response.content.decode()


def test_line_management_page_lists_managers_and_reports(client, admin, academy, team) -> None:  # type: ignore[no-untyped-def]
    body = signed_in(client, admin).get(url("line_management", academy.pk)).content.decode()
    head, deputy = team["head"], team["deputy"]
    assert f'id="manager-{head.pk}"' in body
    assert f'id="manager-{deputy.pk}"' in body
    assert "No line manager recorded" in body


# ----- Roles ---------------------------------------------------------------------------


def test_admin_grants_a_role_to_staff_without_an_account(client, admin, hr, trust, academy) -> None:  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=academy, user=None, staff_number="D9")
    signed_in(client, admin)
    response = client.post(
        url("role_grant"),
        with_token(
            {"person": "d9", "role": Role.HEADTEACHER, "academy": academy.pk, "reason": "New head"}
        ),
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    # A headteacher reads the academy's appraisals: the role waits for a second person.
    waiting = RoleRequest.objects.get(user=staff.user, role=Role.HEADTEACHER)
    assert not RoleAssignment.objects.filter(user=staff.user).exists()
    role_request_decide(request=waiting, decided_by=hr, approve=True)
    assignment = RoleAssignment.objects.get(user=staff.user, role=Role.HEADTEACHER)
    assert assignment.granted_by == admin and assignment.academy == academy


def test_admin_makes_an_account_for_a_governor(client, admin, trust, academy) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    data = {"person": "chair@example.org", "role": Role.GOVERNOR, "academy": academy.pk}
    response = client.post(url("role_grant"), data)
    assert response.status_code == 200
    assert "enter their first and last name" in response.content.decode()
    response = client.post(
        url("role_grant"), with_token({**data, "first_name": "Chris", "last_name": "Ng"})
    )
    assert response.status_code == 302
    user = User.objects.get(email="chair@example.org")
    assert user.trust == trust
    assert RoleAssignment.objects.filter(user=user, role=Role.GOVERNOR).exists()


def test_role_scope_is_checked(client, admin, academy, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    response = client.post(url("role_grant"), {"person": "T3", "role": Role.HEADTEACHER})
    assert "Choose the academy for Headteacher" in response.content.decode()
    response = client.post(
        url("role_grant"), {"person": "T3", "role": Role.HR, "academy": academy.pk}
    )
    assert "is held across the trust" in response.content.decode()


def test_admin_revokes_a_role_but_not_their_own_administration(client, admin, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    head_role = RoleAssignment.objects.get(role=Role.HEADTEACHER)
    response = client.post(url("role_revoke", head_role.pk))
    assert response.status_code == 302
    head_role.refresh_from_db()
    assert head_role.revoked_at is not None and head_role.revoked_by == admin

    own = RoleAssignment.objects.get(user=admin, role=Role.TRUST_ADMIN)
    assert client.post(url("role_revoke", own.pk)).status_code == 403


# Later than any fixture (roles are granted at the real time), so the head's role is live.
@time_machine.travel(dt.datetime(2035, 1, 10, 9, tzinfo=dt.UTC), tick=False)
def test_headteacher_delegates_appraisal_in_their_academy_with_an_expiry(
    client, trust, academy, other_academy, team, sibling
) -> None:  # type: ignore[no-untyped-def]
    """classic-objectives §1.8: the deputy head in charge of appraisal may read records."""
    signed_in(client, team["head"].user)
    assert client.get(url("role_grant")).status_code == 200
    response = client.post(
        url("role_grant"),
        with_token(
            {
                "person": team["deputy"].staff_number,
                "role": Role.APPRAISAL_DELEGATE,
                "academy": academy.pk,
                "until": "2035-08-31",
            }
        ),
    )
    assert response.status_code == 302
    delegation = RoleAssignment.objects.get(role=Role.APPRAISAL_DELEGATE)
    assert delegation.user == team["deputy"].user
    assert delegation.expires_at == dt.datetime(2035, 8, 31, 23, tzinfo=dt.UTC)  # BST midnight

    # Only the delegate role, only at their own academy, only for their own staff.
    for data in (
        {"person": "T2", "role": Role.HR},
        {"person": "T2", "role": Role.APPRAISAL_DELEGATE, "academy": other_academy.pk},
        {"person": sibling.staff_number, "role": Role.APPRAISAL_DELEGATE, "academy": academy.pk},
    ):
        response = client.post(url("role_grant"), with_token(data))
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert RoleAssignment.objects.filter(role=Role.APPRAISAL_DELEGATE).count() == 1

    # They may take the delegation back, but not touch trust-level roles.
    assert client.post(url("role_revoke", delegation.pk)).status_code == 302
    admin_role = role_grant(user=team["teacher"].user, role=Role.HR, trust=trust)
    assert client.post(url("role_revoke", admin_role.pk)).status_code == 404


# ----- Import through the page ---------------------------------------------------------


def upload(data: bytes, name: str = "staff.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_a_good_file_then_see_the_summary(client, admin, trust, academy) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    data = to_csv([person("H1"), person("C1", manager="H1")])
    response = client.post(url("staff_import"), with_token({"file": upload(data)}))
    assert response.status_code == 302
    assert response["Location"] == url("staff_import_done")
    body = client.get(url("staff_import_done")).content.decode()
    assert "Staff imported" in body
    assert StaffMember.objects.filter(trust=trust, staff_number__in=["H1", "C1"]).count() == 2


def test_import_a_bad_file_shows_each_row_and_saves_nothing(client, admin, trust, academy) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    data = to_csv([person("H1"), person("C1", Academy="Nowhere"), person("X1", manager="ZZ")])
    before = StaffMember.objects.count()
    response = client.post(url("staff_import"), with_token({"file": upload(data)}))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Nothing was imported" in body
    assert "2 of 3 rows have problems" in body
    assert 'Unknown academy "Nowhere"' in body
    assert "Line manager staff number ZZ is not in the file or in the trust." in body
    assert StaffMember.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "looks like an Excel workbook"),
        (b"\x00\x01\x02\x03\xff\xfe\xfd", "not a CSV text file"),
        (b"a,b,c\r\n1,2,3\r\n", "The file has no column for"),
        (b"x" * (2 * 1024 * 1024 + 1), "it must be 2 MB or smaller"),
    ],
    ids=["xlsx", "binary", "wrong-columns", "too-big"],
)
def test_unusable_uploads_give_a_clear_message(client, admin, data, message) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    response = client.post(url("staff_import"), with_token({"file": upload(data)}))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_no_file_chosen(client, admin) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(client, admin).post(url("staff_import"), with_token())
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_example_csv_imports_cleanly(client, admin, trust) -> None:  # type: ignore[no-untyped-def]
    Academy.objects.create(trust=trust, name="Oak Primary")
    signed_in(client, admin)
    example = client.get(url("staff_import_example"))
    assert example["Content-Type"] == "text/csv"
    response = client.post(url("staff_import"), with_token({"file": upload(example.content)}))
    assert response.status_code == 302


# ----- Who may see and change what --------------------------------------------------------


def test_hr_can_view_staff_but_not_change_anything(client, hr, academy, team) -> None:  # type: ignore[no-untyped-def]
    teacher = team["teacher"]
    signed_in(client, hr)
    for page in (url("staff_list"), url("staff_detail", teacher.pk), url("trust"), url("roles")):
        assert client.get(page).status_code == 200, page
    for page in (
        url("staff_edit", teacher.pk),
        url("staff_line_manager", teacher.pk),
        url("staff_add"),
        url("staff_import"),
        url("trust_edit"),
        url("academy_edit", academy.pk),
        url("academy_add"),
    ):
        assert client.get(page).status_code == 403, page
    response = client.post(url("staff_edit", teacher.pk), staff_form(academy=academy.pk))
    assert response.status_code == 403
    teacher.refresh_from_db()
    assert teacher.first_name != "Nia"


def test_a_teacher_sees_only_themself(client, team, sibling) -> None:  # type: ignore[no-untyped-def]
    teacher = team["teacher"]
    signed_in(client, teacher.user)
    response = client.get(url("staff_list"))
    assert [s.pk for s in response.context["page"].object_list] == [teacher.pk]
    assert client.get(url("staff_detail", teacher.pk)).status_code == 200
    for other in (team["colleague"], team["head"], sibling):
        assert client.get(url("staff_detail", other.pk)).status_code == 404
        assert client.get(url("staff_edit", other.pk)).status_code == 404
    assert client.get(url("staff_edit", teacher.pk)).status_code == 403
    for page in (url("trust"), url("roles"), url("job_roles"), url("staff_import")):
        assert client.get(page).status_code == 404, page


def test_a_line_manager_sees_the_people_below_them(client, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, team["deputy"].user)
    listed = {s.pk for s in client.get(url("staff_list")).context["page"].object_list}
    assert listed == {team["deputy"].pk, team["teacher"].pk}
    assert client.get(url("staff_detail", team["colleague"].pk)).status_code == 404


def test_a_headteacher_sees_their_academy_only(client, academy, team, sibling) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, team["head"].user)
    listed = {s.pk for s in client.get(url("staff_list")).context["page"].object_list}
    assert listed == {s.pk for s in team.values()}
    assert client.get(url("staff_detail", sibling.pk)).status_code == 404
    assert client.get(url("line_management", academy.pk)).status_code == 200
    assert client.get(url("line_management", sibling.academy_id)).status_code == 404
    assert client.get(url("academy_edit", academy.pk)).status_code == 403


def test_governors_see_no_page_that_shows_a_person(client, governor, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, governor)
    assert client.get(reverse("home")).status_code == 200
    for page in (
        url("staff_list"),
        url("staff_detail", team["teacher"].pk),
        url("roles"),
        url("line_management_index"),
    ):
        assert client.get(page).status_code == 404, page


def test_another_trusts_admin_gets_404_for_this_trust(
    client, other_trust_admin, academy, team
) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, other_trust_admin)
    assignment = RoleAssignment.objects.get(role=Role.HEADTEACHER)
    teacher = team["teacher"]
    for page in (
        url("staff_detail", teacher.pk),
        url("staff_edit", teacher.pk),
        url("staff_line_manager", teacher.pk),
        url("academy_edit", academy.pk),
        url("line_management", academy.pk),
        url("role_revoke", assignment.pk),
    ):
        assert client.get(page).status_code == 404, page
    assert client.post(url("staff_edit", teacher.pk), staff_form()).status_code == 404
    # Their own lists never show this trust's people.
    listed = client.get(url("staff_list")).context["page"].object_list
    assert all(s.trust_id == other_trust_admin.trust_id for s in listed)
    assert (
        Trust.objects.get(pk=teacher.trust_id).name not in client.get(url("trust")).content.decode()
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, team) -> None:  # type: ignore[no-untyped-def]
    for page in (reverse("home"), url("staff_list"), url("staff_detail", team["teacher"].pk)):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# ----- Query counts ---------------------------------------------------------------------


def count_queries(client, page: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    return len(queries.captured_queries)


def test_staff_list_query_count_is_flat(client, admin, academy, team) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    few = count_queries(client, url("staff_list"))
    StaffMemberFactory.create_batch(40, academy=academy, line_manager=team["head"])
    many = count_queries(client, url("staff_list"))
    assert many == few


def test_roles_and_line_management_query_counts_are_flat(
    client, admin, trust, academy, team
) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)
    pages = (url("roles"), url("line_management", academy.pk), url("trust"), url("job_roles"))
    few = [count_queries(client, p) for p in pages]
    for staff in StaffMemberFactory.create_batch(15, academy=academy, line_manager=team["deputy"]):
        role_grant(user=staff.user, role=Role.GOVERNOR, trust=trust, academy=academy)
    many = [count_queries(client, p) for p in pages]
    assert many == few


def test_staff_search_and_filters(client, admin, academy, other_academy, team, sibling) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, admin)

    def listed(query: str) -> set[int]:
        return {s.pk for s in client.get(url("staff_list") + query).context["page"].object_list}

    teacher = team["teacher"]
    assert listed(f"?q={teacher.last_name}") >= {teacher.pk}
    assert listed(f"?q={teacher.staff_number}") == {teacher.pk}
    assert listed(f"?q={teacher.email}") == {teacher.pk}
    assert listed(f"?academy={other_academy.pk}") == {sibling.pk}
    assert team["head"].pk in listed("?staff_group=leadership")
    assert teacher.pk not in listed("?staff_group=leadership")
