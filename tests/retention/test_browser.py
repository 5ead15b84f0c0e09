"""The HR retention pages in a real browser: accessible (axe-core, WCAG 2.2 AA), and a
hold set and lifted through the forms, with errors shown next to the field."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from organisation.models import Role
from organisation.services import role_grant
from retention.models import LegalHold, PurgeLedgerEntry
from tests.browser_support import assert_accessible, go, sign_in
from tests.factories import UserFactory
from tests.reminders.factories import make_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_hr_sets_and_lifts_a_hold(browser_page: Page) -> None:
    world = make_world()
    hr = UserFactory(trust=world.trust)
    role_grant(
        user=hr, role=Role.HR, trust=world.trust, starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    PurgeLedgerEntry.objects.create(
        trust=world.trust,
        record_type="appraisal_record",
        record_id=4242,
        appraisee_staff_id=world.appraisee.pk,
        record_starts_on=dt.date(2016, 9, 1),
        record_ends_on=dt.date(2017, 8, 31),
        retention_years=7,
        counted_from="end_of_cycle",
        expired_on=dt.date(2024, 8, 31),
        as_of=dt.date(2024, 9, 1),
        content_sha256="b" * 64,
        rows_deleted={"cycles.appraisalcycle": 1},
    )
    page = browser_page
    sign_in(page, hr.email)
    page.get_by_role("link", name="Administration", exact=True).click()
    page.get_by_role("link", name="Retention", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="Appraisal record 4242").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Set a legal hold").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Staff number").fill("NO-SUCH-NUMBER")
    page.get_by_label("Why the record must be kept").fill("Employment tribunal claim")
    page.get_by_role("button", name="Set the hold").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    assert not LegalHold.objects.exists()

    page.get_by_label("Staff number").fill(world.appraisee.staff_number)
    page.get_by_role("button", name="Set the hold").click()
    page.wait_for_load_state()
    assert page.get_by_text("The legal hold is in place").is_visible()
    hold = LegalHold.objects.get()

    go(page, f"/retention/holds/{hold.pk}/lift/")
    assert_accessible(page)
    page.get_by_label("Why the hold can end").fill("Claim withdrawn")
    page.get_by_role("button", name="Lift the hold").click()
    page.wait_for_load_state()
    assert page.get_by_text("The legal hold is lifted").is_visible()
    assert_accessible(page)
    hold.refresh_from_db()
    assert hold.lifted_at is not None
