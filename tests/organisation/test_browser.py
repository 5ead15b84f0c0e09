"""The organisation pages in a real browser: no WCAG 2.2 AA violations (axe-core), and the
import works end to end without JavaScript tricks."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from organisation.models import Role, RoleAssignment, StaffMember
from organisation.services import role_request
from tests.browser_support import assert_accessible, go, sign_in

from .test_imports import person, to_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_admin_pages_are_accessible_and_import_works(
    browser_page: Page, admin, academy, team, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    sign_in(page, admin.email)
    teacher = team["teacher"]
    head_role = RoleAssignment.objects.get(role=Role.HEADTEACHER)
    waiting = role_request(
        user=team["deputy"].user, role=Role.HR, trust=academy.trust, requested_by=admin
    )
    for path in (
        reverse("home"),
        reverse("organisation:trust"),
        reverse("organisation:academy_edit", args=[academy.pk]),
        reverse("organisation:staff_list"),
        reverse("organisation:staff_detail", args=[teacher.pk]),
        reverse("organisation:staff_edit", args=[teacher.pk]),
        reverse("organisation:staff_line_manager", args=[teacher.pk]),
        reverse("organisation:line_management", args=[academy.pk]),
        reverse("organisation:roles"),
        reverse("organisation:role_grant"),
        reverse("organisation:role_revoke", args=[head_role.pk]),
        reverse("organisation:role_requests"),
        reverse("organisation:role_request", args=[waiting.pk]),
        reverse("organisation:job_roles"),
        reverse("organisation:staff_import"),
    ):
        go(page, path)
        assert_accessible(page)

    # A bad file: the row-by-row report, accessible, and nothing written.
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv([person("N1", Academy="Nowhere"), person("N2", QTS="maybe")]))
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Nothing was imported").is_visible()
    assert_accessible(page)
    assert not StaffMember.objects.filter(staff_number__in=["N1", "N2"]).exists()

    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([person("N1"), person("N2", manager="N1")]))
    page.get_by_label("Upload a CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Staff imported").is_visible()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "done.png"), full_page=True)
    assert StaffMember.objects.get(staff_number="N2").line_manager.staff_number == "N1"
