"""A whole classic-objectives appraisal year driven through the pages in a real browser.

A teacher, their line manager as reviewer and the headteacher: the reviewer starts the year
and agrees three objectives with the teacher (classic §1.4), records a formal observation
and its feedback (classic §5.2.4) beside an Ofsted observation that may not count (classic
§5.2.6), then writes and completes the annual review; the teacher comments, acknowledges and
downloads the written statement (classic §5.7.2), which holds what the policy lists and
nothing private. Every page visited is scanned with axe-core for WCAG 2.2 AA.

Nothing after the set-up calls a service: every step is a click or a form fill."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cycles.models import AppraisalCycle, CycleState
from organisation.models import StaffMember
from tests.browser_support import assert_accessible, fill_date, sign_in
from tests.objectives.support import build_school

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the flush after a transactional test must put back the
    # Teachers' Standards that a data migration loads.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Wednesday 7 October 2026, 10:00 in London: the observations below took place on the
# Monday and Tuesday before, and the app refuses observations and feedback in the future.
AUTUMN = dt.datetime(2026, 10, 7, 9, 0, tzinfo=dt.UTC)
YEAR_END = dt.datetime(2027, 9, 2, 9, 0, tzinfo=dt.UTC)

OBJECTIVES = (
    ("Raise Year 4 reading ages", "An objective on improving student progress"),
    ("Lead the phonics catch-up group", "Another objective for their role"),
    ("Share questioning practice with the phase team", "Another objective for their role"),
)
OVERVIEW = "Tom met two objectives in full and the third in part; reading ages rose by 14 months."
PAY_REFERENCE = "Recommended for progression to the next point on the main pay range."
WELLBEING_MARKER = "Private wellbeing: finding the commute exhausting"
OFSTED_FOCUS = "Inspection deep dive into early reading"
FORMAL_FOCUS = "Guided reading with Year 4"
STATEMENT_HEADINGS = (  # classic §5.7.2 and §5.7.4, in the policy's own words
    "Assessment of performance of their role and responsibilities against their objectives",
    "Assessment of performance against the standards/accountabilities for their role",
    "Summary of the evidence considered to support the decisions made",
    "The extent to which targets have been achieved",
    "Reference to pay progression, where relevant",
    "Objectives for the new cycle",
    "Current training and development needs and the action to address them",
    "When monitoring will take place",
)


def click(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    # exact: the home page's guide links share words with the header's ("Academy overview").
    page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]
    page.wait_for_load_state()
    assert_accessible(page)


def starts_with(text: str) -> re.Pattern[str]:
    """A link named by a person, perhaps followed by words only a screen reader hears."""
    return re.compile("^" + re.escape(text))


def sign_in_as(page: Page, member: StaffMember) -> None:
    sign_in(page, member.email)  # scans the sign-in page
    assert_accessible(page)  # and the page it lands on


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert_accessible(page)


def open_reviewee(page: Page, appraisee: StaffMember) -> None:
    click(page, "link", "My reviewees")
    click(page, "link", starts_with(appraisee.full_name))


def open_my_appraisal(page: Page) -> None:
    click(page, "link", "My appraisal")
    # "Open appraisal 2026 to 2027" this year, "Appraisal 2026 to 2027" once it is past.
    page.get_by_role("link", name=re.compile(r"appraisal 2026 to 2027$", re.I)).first.click()
    page.wait_for_load_state()
    assert_accessible(page)


def add_objective(page: Page, title: str, kind_label: str) -> None:
    click(page, "link", "Add an objective")
    page.get_by_label("Kind of objective").select_option(label=kind_label)
    page.get_by_label("Objective", exact=True).fill(title)
    for label, text in (
        ("Specific", f"{title}: what exactly is to be achieved."),
        ("Measurable", "Measured against the termly assessment data."),
        ("Achievable", "Weekly time in the timetable and the reading lead's support."),
        ("Relevant (realistic)", "Reading is the school improvement plan's first priority."),
        ("Time-bound", "By the end of the summer term."),
    ):
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("plan it supports").select_option(label="School improvement/development plan")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("heading", name=re.compile("^Appraisal 2026 to 2027"))).to_be_visible()


def record_observation(
    page: Page, *, observer: StaffMember, when: str, minutes: int, kind: str, focus: str
) -> None:
    click(page, "link", "Record an observation")
    qts = ", holds QTS" if observer.has_qts else ""
    page.get_by_label("Who observed").select_option(
        label=f"{observer.full_name} ({observer.job_title}{qts})"
    )
    fill_date(page, "When the observation started", when)
    page.get_by_label("Length in minutes").fill(str(minutes))
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Focus").fill(focus)
    if kind == "Formal observation":
        page.get_by_label("planned and discussed with the member of staff in advance").check()
    page.get_by_role("button", name="Record the observation").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("Observation recorded.")).to_be_visible()


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def test_a_classic_objectives_year_through_the_pages(browser_page: Page) -> None:
    page = browser_page
    school = build_school()
    teacher, reviewer, head = school.teacher, school.reviewer, school.headteacher
    cycle: AppraisalCycle = school.cycle("classic-objectives", state=CycleState.PLANNING)
    assert reviewer.has_qts and teacher.line_manager_id == reviewer.pk

    with time_machine.travel(AUTUMN, tick=True):
        # 1. Objectives: the reviewer proposes three, the teacher agrees, the reviewer
        # records the agreement.
        sign_in_as(page, reviewer)
        open_reviewee(page, teacher)
        click(page, "button", "Start the appraisal year")
        expect(page.get_by_text("The appraisal is now at “Active”")).to_be_visible()
        for title, kind in OBJECTIVES:
            add_objective(page, title, kind)
        click(page, "link", "Propose or agree the objectives")
        expect(page.get_by_text("These objectives meet every rule of the policy.")).to_be_visible()
        click(page, "button", f"Propose these objectives to {teacher.first_name}")
        sign_out(page)

        sign_in_as(page, teacher)
        open_my_appraisal(page)
        click(page, "link", "Say whether you agree these objectives")
        for title, _ in OBJECTIVES:
            expect(page.get_by_text(title)).to_be_visible()
        page.get_by_label("Yes, I agree them").check()
        click(page, "button", "Send your answer")
        # A private wellbeing note, which must never reach the statement.
        click(page, "link", "Back to the appraisal record")
        click(page, "link", "Wellbeing notes")
        click(page, "button", "I consent to wellbeing notes being kept")
        page.get_by_label("Note").fill(WELLBEING_MARKER)
        click(page, "button", "Save the note")
        expect(page.get_by_text(WELLBEING_MARKER)).to_be_visible()
        sign_out(page)

        sign_in_as(page, reviewer)
        open_reviewee(page, teacher)
        click(page, "link", "Propose or agree the objectives")
        click(page, "button", "Record the objectives as agreed")
        standing = page.locator(".govuk-summary-list__row").filter(has_text="Where things stand")
        expect(standing).to_contain_text("Agreed")
        agreed = page.locator(".govuk-summary-list__row").filter(has_text=re.compile("^\\s*Agreed"))
        expect(agreed).to_contain_text("7 October 2026")

        # 2. Observations: a formal one by the reviewer, who holds QTS (classic §5.2.2),
        # with feedback due in working days (classic §5.2.4); an Ofsted one that does not
        # count for appraisal (classic §5.2.6).
        click(page, "link", "Back to the appraisal record")
        objectives_row = page.locator("#objectives-section-heading + dl .govuk-summary-list__row")
        expect(objectives_row.first).to_contain_text("Agreed on 7 October 2026")
        record_observation(
            page,
            observer=reviewer,
            when="2026-10-05T09:30",
            minutes=45,
            kind="Formal observation",
            focus=FORMAL_FOCUS,
        )
        observations = page.locator("#observations table")
        formal_row = observations.get_by_role("row").filter(has_text=FORMAL_FOCUS)
        # Monday 5 October: spoken feedback by Wednesday 7, written by Monday 12.
        expect(formal_row).to_contain_text("Spoken feedback: due by 7 October 2026")
        expect(formal_row).to_contain_text("Written feedback: due by 12 October 2026")
        record_observation(
            page,
            observer=head,
            when="2026-10-06T11:00",
            minutes=30,
            kind="Ofsted inspection observation",
            focus=OFSTED_FOCUS,
        )
        ofsted_row = observations.get_by_role("row").filter(has_text=OFSTED_FOCUS)
        expect(ofsted_row).to_contain_text("Not used for appraisal")

        click(page, "link", "Record feedback on the observation of 5 Oct 2026")
        expect(page.locator("main")).to_contain_text("Due by 7 October 2026")
        fill_date(page, "Spoken feedback given on", "2026-10-06T15:00")
        fill_date(page, "Written feedback given on", "2026-10-07T09:00")
        page.get_by_label("Notes on the feedback").fill("Strong questioning; pace in plenary.")
        click(page, "button", "Save feedback")
        expect(page.get_by_text("Feedback recorded.")).to_be_visible()
        expect(formal_row).to_contain_text("Spoken feedback: given 6 October 2026")
        expect(formal_row).to_contain_text("Written feedback: given 7 October 2026")
        sign_out(page)

    # 3. The annual review, at the end of the year: after the cycle's last day, so its
    # window is open and the headteacher may close the year.
    with time_machine.travel(YEAR_END, tick=True):
        sign_in_as(page, reviewer)
        open_reviewee(page, teacher)
        click(page, "button", "Begin the annual review")
        expect(page.get_by_text("The appraisal is now at “Annual review”")).to_be_visible()
        click(page, "link", "Start the review")
        for (title, _), outcome in zip(OBJECTIVES, ("Met", "Met", "Partly met"), strict=True):
            page.get_by_label(f"Objective: {title}", exact=True).select_option(label=outcome)
            page.get_by_label(f"Comment on objective: {title}").fill(f"{title}: {outcome.lower()}.")
        standards = page.locator("select[name^='standard_']")
        assert standards.count() >= 8  # Teachers' Standards, part one at least
        for i in range(standards.count()):
            standards.nth(i).select_option(label="Met")
        page.get_by_label("Summary of the evidence considered").fill(
            "Termly reading assessments, the formal observation and book looks."
        )
        page.get_by_label("Overview").fill(OVERVIEW)
        page.get_by_label("Development needs").fill("Leading adults: coaching the phase team.")
        page.get_by_label("Training and the action").fill("The trust's middle leaders programme.")
        page.get_by_label("Pay progression").fill(PAY_REFERENCE)
        page.get_by_label("Objectives for the new cycle").fill("To be agreed in September 2027.")
        page.get_by_label("When monitoring will take place").fill("Each half term.")
        click(page, "button", "Save the draft")
        expect(page.get_by_text("Review saved.")).to_be_visible()
        click(page, "link", "Continue the review")
        expect(page.get_by_label("Overview")).to_have_value(OVERVIEW)
        click(page, "button", "Complete the review and issue the statement")
        expect(page.get_by_text("Review completed: the statement is ready.")).to_be_visible()
        sign_out(page)

        sign_in_as(page, teacher)
        open_my_appraisal(page)
        click(page, "link", "Comment on and acknowledge the review")
        page.get_by_label("Your comments on the review").fill(
            "Thank you: a fair record of the year."
        )
        click(page, "button", "Save and acknowledge the review")
        expect(page.get_by_text("Review acknowledged.")).to_be_visible()

        # 4. The written statement, as the teacher downloads it.
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the written statement (PDF)").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        text = pdf_text(Path(download.path()))
        for title, _ in OBJECTIVES:
            assert title in text
        for expected in (OVERVIEW, PAY_REFERENCE, FORMAL_FOCUS, *STATEMENT_HEADINGS):
            assert re.sub(r"\s+", " ", expected) in text, expected
        assert "Thank you: a fair record of the year." in text
        assert f"Acknowledged by {teacher.full_name}" in text
        assert "Draft" not in text
        assert "commute" not in text and "wellbeing" not in text.lower()
        assert OFSTED_FOCUS not in text and "Ofsted" not in text
        sign_out(page)

        # The headteacher closes the year from the academy overview.
        sign_in_as(page, head)
        click(page, "link", "Academy overview")
        click(page, "link", starts_with(teacher.full_name))
        expect(page.locator("#review")).to_contain_text("Acknowledged")
        click(page, "button", "Close the appraisal year")
        expect(page.get_by_text("The appraisal is now at “Closed”")).to_be_visible()
        expect(
            page.get_by_role("link", name="Download the written statement (PDF)")
        ).to_be_visible()
        cycle.refresh_from_db()
        assert cycle.state == CycleState.CLOSED
