"""Each setting of the policy's review section, changed on its own, changes what the
product does: the due dates, the statement, the headteacher's copy, the overview the
member of staff sees and the moderation samples."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from organisation.principal import principal_for
from policies.schema import PolicySettings, default_settings, md
from reviews import rules as review_rules
from reviews.deadlines import review_due_day, statement_due_day
from reviews.models import AnnualReview, ModerationKind, ModerationSample, Outcome
from reviews.selectors import (
    cycle_section_context,
    moderation_population,
    unsaved_review,
    unsaved_standard_rows,
)
from reviews.services import (
    AdjustmentInput,
    Assessment,
    ReviewError,
    ReviewInput,
    headteacher_adjust,
    headteacher_copy_read,
    moderation_draw,
    moderation_record,
    review_save,
    review_start,
)
from reviews.statements import render_statement, statement_html
from tests.factories import StaffMemberFactory
from tests.form_tokens import with_token

from .factories import make_cycle, preset_version
from .test_review_and_statement import pdf_text


def review_rules_with(**changes: object) -> PolicySettings:
    """The default settings with only these review settings changed."""
    rules = default_settings()
    return rules.model_copy(update={"review": rules.review.model_copy(update=changes)})


STAFF_CYCLE: Any = SimpleNamespace(is_headteacher_cycle=False)


def classic_with(s, **review: object):  # type: ignore[no-untyped-def]
    """The classic preset pinned with only these review settings changed (``s.classic``
    is the same preset unchanged)."""
    return preset_version(s.trust, "classic-objectives", review=review)


def complete(s, cycle, **data: str) -> AnnualReview:  # type: ignore[no-untyped-def]
    review = review_start(actor=s.reviewer.user, cycle=cycle)
    values = {"evidence_summary": "E", "overview": "O", "pay_reference": "P", **data}
    return review_save(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        data=ReviewInput(**values),
        objectives={a.pk: Assessment(Outcome.MET) for a in review.objective_assessments.all()},
        standards={a.pk: Assessment(Outcome.MET) for a in review.standard_assessments.all()},
        complete=True,
    )


def cycle_under(s, version, member=None):  # type: ignore[no-untyped-def]
    member = member or StaffMemberFactory(academy=s.academy, job_role=s.appraisee.job_role)
    return make_cycle(appraisee=member, reviewer=s.reviewer, version=version)


# ----- Due dates (pure) ---------------------------------------------------------------


@pytest.mark.policy_setting("review.staff_review_due")
def test_staff_review_due_day_follows_the_setting() -> None:
    assert review_due_day(
        review_rules_with(staff_review_due=md(9, 16)), STAFF_CYCLE, "teaching"
    ) == md(9, 16)
    assert review_due_day(
        review_rules_with(staff_review_due=md(10, 31)), STAFF_CYCLE, "teaching"
    ) == md(10, 31)
    assert review_due_day(review_rules_with(staff_review_due=None), STAFF_CYCLE, "teaching") is None


@pytest.mark.policy_setting("review.support_staff_review_due")
def test_support_staff_review_due_day_follows_the_setting() -> None:
    own = review_rules_with(staff_review_due=md(9, 16), support_staff_review_due=md(10, 15))
    same = review_rules_with(staff_review_due=md(9, 16), support_staff_review_due=None)
    assert review_due_day(own, STAFF_CYCLE, "support") == md(10, 15)
    assert review_due_day(same, STAFF_CYCLE, "support") == md(9, 16)
    # Teachers keep the staff date either way.
    assert review_due_day(own, STAFF_CYCLE, "teaching") == md(9, 16)


@pytest.mark.policy_setting("review.statement_due")
def test_statement_due_day_follows_the_setting() -> None:
    assert statement_due_day(review_rules_with(statement_due=md(10, 31)), STAFF_CYCLE) == md(10, 31)
    assert statement_due_day(review_rules_with(statement_due=md(11, 30)), STAFF_CYCLE) == md(11, 30)
    assert statement_due_day(review_rules_with(statement_due=None), STAFF_CYCLE) is None


# ----- The statement ------------------------------------------------------------------


@pytest.mark.policy_setting("review.statement_contents")
def test_statement_headings_follow_the_setting(s) -> None:  # type: ignore[no-untyped-def]
    lines = ["Assessment of performance against objectives", "Our own extra heading"]
    changed = cycle_under(s, classic_with(s, statement_contents=lines))
    plain = cycle_under(s, s.classic)
    changed_html = statement_html(changed, complete(s, changed))
    plain_html = statement_html(plain, complete(s, plain))
    assert "Our own extra heading" in changed_html
    assert "Our own extra heading" not in plain_html
    assert "Summary of the evidence considered" in plain_html
    assert "Summary of the evidence considered" not in changed_html


@pytest.mark.policy_setting("review.new_cycle_statement_contents")
def test_new_cycle_statement_follows_the_setting(s) -> None:  # type: ignore[no-untyped-def]
    none = cycle_under(s, classic_with(s, new_cycle_statement_contents=[]))
    plain = cycle_under(s, s.classic)
    assert "Statement for the new cycle" in statement_html(plain, complete(s, plain))
    assert "Statement for the new cycle" not in statement_html(none, complete(s, none))


@pytest.mark.policy_setting("review.standards_met_unless_concerns")
def test_standards_start_as_met_only_where_the_policy_says_so(s) -> None:  # type: ignore[no-untyped-def]
    def outcomes(version) -> set[str]:  # type: ignore[no-untyped-def]
        cycle = cycle_under(s, version)
        review = unsaved_review(cycle)
        return {row.outcome for row in unsaved_standard_rows(review, cycle)}

    assert outcomes(classic_with(s, standards_met_unless_concerns=True)) == {Outcome.MET}
    assert outcomes(classic_with(s, standards_met_unless_concerns=False)) == {""}


def test_a_draft_statement_shows_no_outcome_before_the_review_is_written(s) -> None:  # type: ignore[no-untyped-def]
    """Under "met unless concerns" every standard starts at met, but a draft nobody has
    saved says so for none of them; once the reviewer saves, the outcomes show."""
    cycle = cycle_under(s, classic_with(s, standards_met_unless_concerns=True))
    review = review_start(actor=s.reviewer.user, cycle=cycle)
    assert {a.outcome for a in review.standard_assessments.all()} == {Outcome.MET}
    draft = statement_html(cycle, review)
    assert "Not yet assessed" in draft
    assert "<td>Met</td>" not in draft
    saved = review_save(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        data=ReviewInput(evidence_summary="Evidence."),
        objectives={},
        standards={},
    )
    assert "<td>Met</td>" in statement_html(cycle, saved)


# ----- The overview shared with the member of staff -----------------------------------------


@pytest.mark.policy_setting("review.overview_shared_with_staff")
def test_overview_is_withheld_from_the_member_of_staff_only_where_the_policy_says_so(s) -> None:  # type: ignore[no-untyped-def]
    assert review_rules.overview_shown_to(
        review_rules_with(overview_shared_with_staff=True), reader_is_appraisee=True
    )
    assert not review_rules.overview_shown_to(
        review_rules_with(overview_shared_with_staff=False), reader_is_appraisee=True
    )

    def seen(version, who) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
        cycle = cycle_under(s, version, member=who)
        review = complete(s, cycle, overview="OVERVIEW-WORDS")
        principal = principal_for(who.user)
        page = render_to_string(
            "reviews/_cycle_section.html",
            {"cycle": cycle, "principal": principal, **cycle_section_context(cycle, principal)},
        )
        statement = statement_html(cycle, review, for_appraisee=True)
        return "OVERVIEW-WORDS" in page, "OVERVIEW-WORDS" in statement

    first = StaffMemberFactory(academy=s.academy, job_role=s.appraisee.job_role)
    second = StaffMemberFactory(academy=s.academy, job_role=s.appraisee.job_role)
    assert seen(classic_with(s, overview_shared_with_staff=True), first) == (True, True)
    assert seen(classic_with(s, overview_shared_with_staff=False), second) == (False, False)


def test_withheld_overview_stays_on_file_for_the_reviewer(s) -> None:  # type: ignore[no-untyped-def]
    cycle = cycle_under(s, classic_with(s, overview_shared_with_staff=False))
    review = complete(s, cycle, overview="OVERVIEW-WORDS")
    principal = principal_for(s.reviewer.user)
    page = render_to_string(
        "reviews/_cycle_section.html",
        {"cycle": cycle, "principal": principal, **cycle_section_context(cycle, principal)},
    )
    assert "OVERVIEW-WORDS" in page
    assert "OVERVIEW-WORDS" in statement_html(cycle, review)


def test_appraisee_statement_download_withholds_the_overview(client, s) -> None:  # type: ignore[no-untyped-def]
    s.cycle.policy_version = classic_with(s, overview_shared_with_staff=False)
    s.cycle.save(update_fields=["policy_version"])
    complete(s, s.cycle, overview="OVERVIEW-WORDS")
    url = reverse("reviews:statement", args=[s.cycle.pk])
    client.force_login(s.appraisee.user)
    mine = pdf_text(client.get(url).content)
    assert "OVERVIEW-WORDS" not in mine and "Kept on file" in mine
    client.force_login(s.reviewer.user)
    assert "OVERVIEW-WORDS" in pdf_text(client.get(url).content)


# ----- The headteacher's copy ---------------------------------------------------------


@pytest.mark.policy_setting("review.copy_to_headteacher")
def test_completed_review_goes_to_the_headteacher_only_where_the_policy_says_so(
    client,
    s,  # type: ignore[no-untyped-def]
) -> None:
    copied = cycle_under(s, classic_with(s, copy_to_headteacher=True))
    not_copied = cycle_under(s, classic_with(s, copy_to_headteacher=False))
    assert complete(s, copied).headteacher_copy_at is not None
    assert complete(s, not_copied).headteacher_copy_at is None

    client.force_login(s.headteacher.user)
    home = client.get(reverse("home")).content.decode()
    assert "Reviews copied to you to read (1)" in home
    listing = client.get(reverse("reviews:headteacher_copies")).content.decode()
    assert escape(copied.appraisee.full_name) in listing
    assert escape(not_copied.appraisee.full_name) not in listing
    assert client.get(reverse("reviews:headteacher_copy", args=[copied.pk])).status_code == 200
    principal = principal_for(s.headteacher.user)
    section = render_to_string(
        "reviews/_cycle_section.html",
        {"cycle": copied, "principal": principal, **cycle_section_context(copied, principal)},
    )
    assert "Open the copy sent to you" in section
    assert client.get(reverse("reviews:headteacher_copy", args=[not_copied.pk])).status_code == 404

    # Reading it takes it off the list of reviews to read.
    response = client.post(reverse("reviews:headteacher_copy", args=[copied.pk]))
    assert response.status_code == 302
    assert AnnualReview.objects.get(cycle=copied).headteacher_read_by == s.headteacher.user
    assert "Reviews copied to you to read" not in client.get(reverse("home")).content.decode()


def test_only_the_academys_headteacher_reads_the_copy(client, s) -> None:  # type: ignore[no-untyped-def]
    copied = cycle_under(s, classic_with(s, copy_to_headteacher=True))
    complete(s, copied)
    url = reverse("reviews:headteacher_copy", args=[copied.pk])
    for who in (s.sibling_head, s.reviewer, s.appraisee, s.colleague, s.outsider_head, s.hr):
        client.force_login(who.user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        listing = client.get(reverse("reviews:headteacher_copies"))
        assert escape(copied.appraisee.full_name) not in listing.content.decode()
    client.force_login(s.reviewer.user)
    assert client.get(reverse("reviews:headteacher_copies")).status_code == 404
    assert AnnualReview.objects.get(cycle=copied).headteacher_read_at is None


def test_headteachers_own_review_is_not_copied_to_them(s) -> None:  # type: ignore[no-untyped-def]
    rules = review_rules_with(copy_to_headteacher=True)
    assert review_rules.copy_goes_to_headteacher(rules, is_headteacher_cycle=False)
    assert not review_rules.copy_goes_to_headteacher(rules, is_headteacher_cycle=True)


def test_statement_has_a_headteacher_sign_off_where_the_copy_goes_to_them(s) -> None:  # type: ignore[no-untyped-def]
    """staploe: the headteacher confirms the copy; the statement gives them a signature
    line, filled with their name and the day they read it."""
    copied = cycle_under(s, classic_with(s, copy_to_headteacher=True))
    review = complete(s, copied)
    signatures = pdf_text(render_statement(copied, review)).split("Signatures", 1)[1]
    assert "Headteacher Name:" in signatures
    read = headteacher_copy_read(actor=s.headteacher.user, review=review)
    signatures = pdf_text(render_statement(copied, read)).split("Signatures", 1)[1]
    assert f"Headteacher {s.headteacher.full_name}, Headteacher" in signatures
    assert signatures.count("Signed in the appraisal service") == 2


def _adjustment(**kw: Any) -> AdjustmentInput:
    base: dict[str, Any] = {
        "next_objectives": "Lead the reading programme",
        "development_needs": "Coaching from the English lead",
        "training": "",
        "reason": "Fits the school improvement plan better.",
        "discussed": True,
    }
    base.update(kw)
    return AdjustmentInput(**base)


@pytest.mark.policy_setting("review.headteacher_may_adjust_objectives")
def test_headteacher_adjusts_objectives_only_where_the_policy_says_so(client, s) -> None:  # type: ignore[no-untyped-def]
    may = cycle_under(
        s, classic_with(s, copy_to_headteacher=True, headteacher_may_adjust_objectives=True)
    )
    may_not = cycle_under(
        s, classic_with(s, copy_to_headteacher=True, headteacher_may_adjust_objectives=False)
    )
    for cycle in (may, may_not):
        complete(s, cycle, next_objectives="Old objectives")

    client.force_login(s.headteacher.user)
    offered = client.get(reverse("reviews:headteacher_copy", args=[may.pk])).content.decode()
    not_offered = client.get(
        reverse("reviews:headteacher_copy", args=[may_not.pk])
    ).content.decode()
    assert "Adjust objectives or support" in offered
    assert "Adjust objectives or support" not in not_offered
    assert client.get(reverse("reviews:headteacher_adjust", args=[may_not.pk])).status_code == 404
    review = AnnualReview.objects.get(cycle=may_not)
    review.cycle = may_not
    with pytest.raises(ReviewError, match="does not let the headteacher"):
        headteacher_adjust(
            actor=s.headteacher.user,
            review=review,
            expected_version=review.version,
            data=_adjustment(),
        )

    url = reverse("reviews:headteacher_adjust", args=[may.pk])
    assert "Old objectives" in client.get(url).content.decode()
    version = AnnualReview.objects.get(cycle=may).version
    response = client.post(
        url,
        {
            "version": version,
            "next_objectives": "Lead the reading programme",
            "development_needs": "",
            "training": "",
            "reason": "Fits the improvement plan better.",
            "discussed": "on",
        },
    )
    assert response.status_code == 302
    adjusted = AnnualReview.objects.get(cycle=may)
    assert adjusted.next_objectives == "Lead the reading programme"
    assert adjusted.headteacher_adjusted_by == s.headteacher.user
    assert adjusted.headteacher_read_at is not None
    # The reviewer sees the change and why on the record.
    principal = principal_for(s.reviewer.user)
    page = render_to_string(
        "reviews/_cycle_section.html",
        {"cycle": may, "principal": principal, **cycle_section_context(may, principal)},
    )
    assert "The headteacher adjusted the objectives or support" in page
    assert "Fits the improvement plan better." in page


def test_adjustment_needs_the_discussion_and_a_reason(client, s) -> None:  # type: ignore[no-untyped-def]
    cycle = cycle_under(
        s, classic_with(s, copy_to_headteacher=True, headteacher_may_adjust_objectives=True)
    )
    complete(s, cycle, next_objectives="Old objectives")
    client.force_login(s.headteacher.user)
    url = reverse("reviews:headteacher_adjust", args=[cycle.pk])
    response = client.post(url, {"version": "x", "next_objectives": "New", "reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Discuss the change with the reviewer" in html
    assert "Say what you changed and why." in html
    assert AnnualReview.objects.get(cycle=cycle).next_objectives == "Old objectives"
    # Someone else is refused whatever they send.
    client.force_login(s.reviewer.user)
    assert client.post(url, {"version": "1"}).status_code == 404


# ----- Moderation ---------------------------------------------------------------------


@pytest.mark.policy_setting("review.moderation_sample")
def test_statements_are_sampled_only_where_the_policy_moderates_them(client, s) -> None:  # type: ignore[no-untyped-def]
    assert ModerationKind.STATEMENTS in review_rules.moderated_kinds(
        review_rules_with(moderation_sample=True)
    )
    assert ModerationKind.STATEMENTS not in review_rules.moderated_kinds(
        review_rules_with(moderation_sample=False)
    )
    moderated = [cycle_under(s, classic_with(s, moderation_sample=True)) for _ in range(2)]
    unmoderated = [cycle_under(s, classic_with(s, moderation_sample=False)) for _ in range(2)]
    for cycle in (*moderated, *unmoderated):
        complete(s, cycle)
    population = moderation_population(academy=s.academy, year=2025, kind="statements")
    assert sorted(population) == sorted(c.pk for c in moderated)
    sample = moderation_draw(
        actor=s.headteacher.user, academy=s.academy, year=2025, kind="statements", size=10
    )
    assert set(sample.items.values_list("cycle_id", flat=True)) == {c.pk for c in moderated}


def test_statements_the_headteacher_wrote_are_not_sampled(s) -> None:  # type: ignore[no-untyped-def]
    """classic §5.8.1: moderation is of statements where the reviewer role was delegated."""
    delegated = cycle_under(s, s.classic)
    complete(s, delegated)
    by_head = make_cycle(
        appraisee=StaffMemberFactory(academy=s.academy, job_role=s.appraisee.job_role),
        reviewer=s.headteacher,
        version=s.classic,
    )
    review = review_start(actor=s.headteacher.user, cycle=by_head)
    review_save(
        actor=s.headteacher.user,
        review=review,
        expected_version=review.version,
        data=ReviewInput(evidence_summary="E", overview="O", pay_reference="P"),
        objectives={},
        standards={a.pk: Assessment(Outcome.MET) for a in review.standard_assessments.all()},
        complete=True,
    )
    population = moderation_population(academy=s.academy, year=2025, kind="statements")
    assert delegated.pk in population and by_head.pk not in population


def test_a_policy_without_moderation_refuses_next_to_the_choice(client, s) -> None:  # type: ignore[no-untyped-def]
    s.cycle.policy_version = classic_with(s, moderation_sample=False)
    s.cycle.save(update_fields=["policy_version"])
    complete(s, s.cycle)
    client.force_login(s.headteacher.user)
    response = client.post(
        reverse("reviews:moderation_index"),
        with_token({"academy": s.academy.pk, "year": "2025", "kind": "statements", "size": "3"}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "does not moderate a sample of statements" in html
    error = html[html.index('id="id_kind-error"') :]
    assert "does not moderate a sample of statements" in error[:400]
    assert not ModerationSample.objects.exists()


@pytest.mark.policy_setting("review.alignment_sample_check")
def test_alignment_is_checked_only_where_the_policy_says_so(client, s) -> None:  # type: ignore[no-untyped-def]
    assert ModerationKind.OBJECTIVES in review_rules.moderated_kinds(
        review_rules_with(alignment_sample_check=True)
    )
    assert ModerationKind.OBJECTIVES not in review_rules.moderated_kinds(
        review_rules_with(alignment_sample_check=False)
    )
    checked = cycle_under(s, classic_with(s, alignment_sample_check=True))
    unchecked = cycle_under(s, classic_with(s, alignment_sample_check=False))
    for cycle in (checked, unchecked):
        complete(s, cycle)
    sample = moderation_draw(
        actor=s.headteacher.user, academy=s.academy, year=2025, kind="statements", size=10
    )
    items = {item.cycle_id: item for item in sample.items.all()}
    question = "Are the objectives aligned with the trust and academy improvement plans?"
    client.force_login(s.headteacher.user)

    def form(cycle) -> str:  # type: ignore[no-untyped-def]
        url = reverse("reviews:moderation_item", args=[sample.pk, items[cycle.pk].pk])
        return client.get(url).content.decode()

    assert question in form(checked)
    assert question not in form(unchecked)
    with pytest.raises(ReviewError, match="aligned with the improvement plans"):
        moderation_record(
            actor=s.headteacher.user, item=items[checked.pk], outcome="consistent", note=""
        )
    moderation_record(
        actor=s.headteacher.user,
        item=items[checked.pk],
        outcome="consistent",
        note="",
        objectives_aligned="partly",
    )
    moderation_record(
        actor=s.headteacher.user, item=items[unchecked.pk], outcome="consistent", note=""
    )
    items[checked.pk].refresh_from_db()
    assert items[checked.pk].objectives_aligned == "partly"
    detail = client.get(reverse("reviews:moderation_detail", args=[sample.pk])).content.decode()
    assert "Objectives: partly aligned" in detail


def test_alignment_question_on_the_page_refuses_no_answer(client, s) -> None:  # type: ignore[no-untyped-def]
    s.cycle.policy_version = classic_with(s, alignment_sample_check=True)
    s.cycle.save(update_fields=["policy_version"])
    complete(s, s.cycle)
    sample = moderation_draw(
        actor=s.headteacher.user, academy=s.academy, year=2025, kind="statements", size=1
    )
    item = sample.items.get()
    client.force_login(s.headteacher.user)
    url = reverse("reviews:moderation_item", args=[sample.pk, item.pk])
    response = client.post(url, {"outcome": "consistent", "note": ""})
    assert response.status_code == 200
    assert "Say whether the objectives are aligned" in response.content.decode()
    item.refresh_from_db()
    assert item.outcome == "pending"
