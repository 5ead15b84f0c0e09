"""The cycle pages: who sees what, what they may do, and flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessLogEntry, SecurityEvent
from cycles.models import AppraisalCycle, CycleAccessGrant, CycleOpening, CycleState
from cycles.services import cycle_grant_access
from organisation.models import StaffMember
from organisation.services import rebuild_line_management
from policies.models import PolicyVersion
from tests.factories import StaffMemberFactory, UserFactory
from tests.form_tokens import with_token
from tests.personas import World

from .factories import CycleFactory, preset_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world: World) -> World:
    return world


def client_for(w: World, persona: str) -> Client:
    client = Client()
    client.force_login(w.user(persona))
    return client


def status(w: World, persona: str, url: str) -> int:
    return client_for(w, persona).get(url).status_code


def detail_url(cycle: AppraisalCycle) -> str:
    return reverse("cycles:detail", args=[cycle.pk])


def staploe_version(w: World) -> PolicyVersion:
    """A version whose policy lets the reviewer's line managers read the record."""
    return preset_version(w.trust, "staploe-associate", assign=False)


# ----- The cycle page: who sees it -------------------------------------------------------

SEES_APPRAISEES_CYCLE = {
    "appraisee": 200,
    "line_manager": 200,  # the reviewer
    "headteacher": 200,
    "delegate": 200,
    "hr": 200,
    "senior_leader": 404,  # the reviewer's manager: not under the default policy
    "colleague": 404,
    "trust_admin": 404,  # organisation and policy only, no appraisal records
    "ceo": 404,
    "sibling_head": 404,  # another academy's headteacher
    "sibling_staff": 404,
    "governor": 404,
    "adviser": 404,  # their grant is on the headteacher's cycle only
    "b_hr": 404,  # another trust
    "b_headteacher": 404,
}


@pytest.mark.parametrize(("persona", "expected"), SEES_APPRAISEES_CYCLE.items())
def test_who_sees_a_cycle(w: World, persona: str, expected: int) -> None:
    assert status(w, persona, detail_url(w.cycles["appraisee"])) == expected


def test_the_page_shows_the_header_sections_and_logs_the_access(w: World) -> None:
    cycle = w.cycles["appraisee"]
    response = client_for(w, "line_manager").get(detail_url(cycle))
    page = response.content.decode()
    assert escape(w.staff["appraisee"].full_name) in page
    assert escape(w.staff["line_manager"].full_name) in page
    assert "1 September 2026 to 31 August 2027" in page
    assert "Alder policy, version 1" in page
    assert 'id="objectives-section-heading"' in page
    assert 'id="observations-heading"' in page
    entry = AccessLogEntry.objects.get(object_id=str(cycle.pk))
    assert (entry.user, entry.action) == (w.user("line_manager"), "view")


def test_anonymous_visitors_are_sent_to_sign_in(w: World) -> None:
    response = Client().get(detail_url(w.cycles["appraisee"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_missing_cycle_is_a_404(w: World) -> None:
    assert status(w, "hr", reverse("cycles:detail", args=[999999])) == 404
    assert not SecurityEvent.objects.exists()


def test_looking_for_someone_elses_cycle_is_noted_for_hr(w: World) -> None:
    url = detail_url(w.cycles["appraisee"])
    assert status(w, "colleague", url) == 404
    event = SecurityEvent.objects.get()
    assert (event.user, event.path) == (w.user("colleague"), url)


def test_reviewers_manager_reads_under_staploe_not_classic(w: World) -> None:
    """staploe, Confidentiality: the reviewer's line manager(s) may read the reviewee's
    documentation; classic §1.8 lists no such reader."""
    cycle = w.cycles["appraisee"]
    classic = preset_version(w.trust, "classic-objectives", assign=False)
    AppraisalCycle.objects.filter(pk=cycle.pk).update(policy_version=classic)
    assert status(w, "senior_leader", detail_url(cycle)) == 404
    AppraisalCycle.objects.filter(pk=cycle.pk).update(policy_version=staploe_version(w))
    assert status(w, "senior_leader", detail_url(cycle)) == 200


def test_headteachers_own_cycle(w: World) -> None:
    """classic §3: the governors' committee, not the academy, reviews the headteacher."""
    url = detail_url(w.cycles["headteacher"])
    assert status(w, "headteacher", url) == 200  # their own
    assert status(w, "delegate", url) == 404
    assert status(w, "hr", url) == 200


def test_external_adviser_until_the_grant_expires(w: World) -> None:
    url = detail_url(w.cycles["headteacher"])
    assert status(w, "adviser", url) == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=61)):
        assert status(w, "adviser", url) == 404


# ----- Stage changes ---------------------------------------------------------------------


def test_reviewer_begins_the_review_from_the_page(w: World) -> None:
    cycle = w.cycles["appraisee"]
    # The classic policy's review window opens 12 weeks before the cycle's 31 August end.
    with time_machine.travel(dt.datetime(2027, 7, 1, 12, tzinfo=dt.UTC), tick=False):
        page = client_for(w, "line_manager").get(detail_url(cycle)).content.decode()
        assert "Begin the annual review" in page
        assert "Begin the annual review early" not in page
        assert "Suspend appraisal" not in page  # only whoever manages suspends
        response = client_for(w, "line_manager").post(
            reverse("cycles:transition", args=[cycle.pk]), {"to": "review"}, follow=True
        )
    assert "The appraisal is now at “Annual review”" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.REVIEW


def test_beginning_the_review_early_asks_why_next_to_the_field(w: World) -> None:
    """Months before the window opens the button asks for the reason; without one the
    error is shown by the field and nothing moves; with one it is kept and shown."""
    cycle = w.cycles["appraisee"]
    url = reverse("cycles:transition", args=[cycle.pk])
    with time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        page = client_for(w, "line_manager").get(detail_url(cycle)).content.decode()
        assert "Begin the annual review early" in page
        assert "opens on 9 June 2027" in page
        refused = client_for(w, "line_manager").post(url, {"to": "review", "note": " "})
        assert refused.status_code == 400
        body = refused.content.decode()
        assert 'href="#early-reason"' in body
        assert 'id="early-reason-error"' in body
        assert "can begin from 9 June 2027" in body
        cycle.refresh_from_db()
        assert cycle.state == CycleState.ACTIVE
        moved = client_for(w, "line_manager").post(
            url, {"to": "review", "note": "Leaves the trust on 31 December"}, follow=True
        )
    assert "The appraisal is now at “Annual review”" in moved.content.decode()
    assert "Annual review begun early" in moved.content.decode()
    cycle.refresh_from_db()
    assert (cycle.state, cycle.review_begun_early_reason) == (
        CycleState.REVIEW,
        "Leaves the trust on 31 December",
    )
    latest = cycle.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_change_reason == (
        "Begin the annual review early: Leaves the trust on 31 December"
    )


def test_refused_move_shows_why(w: World) -> None:
    cycle = w.cycles["appraisee"]
    response = client_for(w, "headteacher").post(
        reverse("cycles:transition", args=[cycle.pk]), {"to": "closed"}, follow=True
    )
    assert "“Active” cannot move to “Closed”" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE


def test_headteacher_suspends_with_a_reason(w: World) -> None:
    cycle = w.cycles["appraisee"]
    page = client_for(w, "headteacher").get(detail_url(cycle)).content.decode()
    assert "The capability procedure applies" in page
    client_for(w, "headteacher").post(
        reverse("cycles:transition", args=[cycle.pk]),
        {"to": "suspended", "reason": "capability", "note": "Formal stage began"},
    )
    cycle.refresh_from_db()
    assert (cycle.state, cycle.suspended_from) == (CycleState.SUSPENDED, CycleState.ACTIVE)
    page = client_for(w, "headteacher").get(detail_url(cycle)).content.decode()
    assert "Resume appraisal" in page


@pytest.mark.parametrize(("persona", "expected"), [("appraisee", 403), ("colleague", 404)])
def test_others_cannot_move_the_cycle(w: World, persona: str, expected: int) -> None:
    cycle = w.cycles["appraisee"]
    response = client_for(w, persona).post(
        reverse("cycles:transition", args=[cycle.pk]), {"to": "review"}
    )
    assert response.status_code == expected
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE


def test_garbage_stage_does_not_500(w: World) -> None:
    cycle = w.cycles["appraisee"]
    response = client_for(w, "hr").post(
        reverse("cycles:transition", args=[cycle.pk]), {"to": "x" * 50}, follow=True
    )
    assert response.status_code == 200


def test_change_reviewer_page(w: World) -> None:
    cycle = w.cycles["appraisee"]
    url = reverse("cycles:change_reviewer", args=[cycle.pk])
    assert status(w, "line_manager", url) == 403
    client = client_for(w, "headteacher")
    response = client.post(url, {"reviewer": "", "reason": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    new = w.staff["senior_leader"]
    response = client.post(url, {"reviewer": new.pk, "reason": "Reorganised teams"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.reviewer == new


# ----- Exceptional access ----------------------------------------------------------------


def test_hr_grants_and_revokes_access(w: World) -> None:
    cycle = w.cycles["headteacher"]
    adviser = UserFactory(trust=w.trust, email="second.adviser@alder.example.org")
    url = reverse("cycles:access", args=[cycle.pk])
    client = client_for(w, "hr")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        with_token(
            {
                "email": adviser.email,
                "permission": "view_cycle_as_adviser",
                "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                "reason": "External adviser for the headteacher's review",
            }
        ),
    )
    assert response.status_code == 302
    viewer = Client()
    viewer.force_login(adviser)
    assert viewer.get(detail_url(cycle)).status_code == 200
    grant = CycleAccessGrant.objects.get(cycle=cycle, user=adviser)
    client.post(reverse("cycles:revoke_access", args=[cycle.pk, grant.pk]))
    assert viewer.get(detail_url(cycle)).status_code == 404


def test_grant_form_errors_save_nothing(w: World) -> None:
    cycle = w.cycles["appraisee"]
    response = client_for(w, "headteacher").post(
        reverse("cycles:access", args=[cycle.pk]),
        {
            "email": w.user("b_hr").email,  # another trust's account
            "permission": "view_cycle_as_adviser",
            "expires_on": "2001-01-01",
            "reason": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is no account with that email in this trust." in page
    assert "The access must end after today." in page
    assert not CycleAccessGrant.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("hr", 200), ("headteacher", 403), ("delegate", 404), ("line_manager", 404)],
)
def test_access_to_the_headteachers_cycle_is_granted_by_hr(
    w: World, persona: str, expected: int
) -> None:
    """Not the headteacher for their own cycle: HR (or the executive where they read it)."""
    assert status(w, persona, reverse("cycles:access", args=[w.cycles["headteacher"].pk])) == (
        expected
    )


def test_access_page_for_appraisees_cycle(w: World) -> None:
    url = reverse("cycles:access", args=[w.cycles["appraisee"].pk])
    assert status(w, "line_manager", url) == 403
    assert status(w, "appraisee", url) == 403
    assert status(w, "delegate", url) == 403
    assert status(w, "colleague", url) == 404


def test_review_committee_member_added_by_hr(w: World) -> None:
    cycle = w.cycles["headteacher"]
    cycle_grant_access(
        cycle=cycle,
        user=w.user("governor"),
        permission="review_headteacher_cycle",
        expires_at=timezone.now() + dt.timedelta(days=90),
        reason="Headteacher performance review committee",
        granted_by=w.user("hr"),
    )
    page = client_for(w, "governor").get(detail_url(cycle))
    assert page.status_code == 200
    assert "Begin the annual review" in page.content.decode()


# ----- My appraisal and My reviewees -----------------------------------------------------


def test_my_appraisal_lists_only_my_own(w: World) -> None:
    page = client_for(w, "appraisee").get(reverse("cycles:mine")).content.decode()
    assert detail_url(w.cycles["appraisee"]) in page
    assert detail_url(w.cycles["colleague"]) not in page


def test_my_reviewees(w: World) -> None:
    page = client_for(w, "senior_leader").get(reverse("cycles:reviewees")).content.decode()
    assert detail_url(w.cycles["colleague"]) in page
    assert detail_url(w.cycles["line_manager"]) in page
    assert detail_url(w.cycles["appraisee"]) not in page  # classic-like default policy


def test_my_reviewees_includes_the_chain_under_staploe(w: World) -> None:
    cycle = w.cycles["appraisee"]
    AppraisalCycle.objects.filter(pk=cycle.pk).update(policy_version=staploe_version(w))
    page = client_for(w, "senior_leader").get(reverse("cycles:reviewees")).content.decode()
    assert "Reviewed by people you line-manage" in page
    assert detail_url(cycle) in page


def test_headteacher_reviewees_do_not_list_the_whole_academy(w: World) -> None:
    page = client_for(w, "headteacher").get(reverse("cycles:reviewees")).content.decode()
    assert detail_url(w.cycles["appraisee"]) not in page


def _team(w: World, n: int) -> None:
    manager = w.staff["line_manager"]
    for _ in range(n):
        member = StaffMemberFactory(academy=w.academy, line_manager=manager, user=None)
        CycleFactory(appraisee=member, policy_version=w.policy_version, reviewer=manager)


def test_reviewees_query_count_is_flat(w: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for(w, "line_manager")
    url = reverse("cycles:reviewees")
    _team(w, 2)
    client.get(url)  # warm caches shared by every page
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    _team(w, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("cycles/") >= 18


# ----- Academy overview ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("headteacher", 200),
        ("delegate", 200),
        ("hr", 200),
        ("trust_admin", 404),
        ("sibling_head", 404),
        ("line_manager", 404),
        ("b_hr", 404),
    ],
)
def test_who_sees_the_academy_overview(w: World, persona: str, expected: int) -> None:
    assert status(w, persona, reverse("cycles:academy", args=[w.academy.pk])) == expected


def test_academy_overview_counts_and_overdue(w: World) -> None:
    with time_machine.travel(dt.datetime(2027, 9, 10, 9, tzinfo=dt.UTC)):
        response = client_for(w, "headteacher").get(reverse("cycles:academy", args=[w.academy.pk]))
    page = response.content.decode()
    assert escape(w.staff["appraisee"].full_name) in page
    assert escape(w.staff["sibling_staff"].full_name) not in page
    assert "Begin the annual review" in page  # overdue: the year ended on 31 August
    counts = {v: c for v, _, c in response.context["overview"].counts}
    assert counts["active"] == 3  # appraisee, colleague, line manager (not the head's own)


def test_academy_overview_query_count_is_flat(w: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for(w, "headteacher")
    url = reverse("cycles:academy", args=[w.academy.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    _team(w, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.policy_setting("confidentiality.readers")
@pytest.mark.parametrize("hr_reads", [False, True])
def test_hr_lists_every_cycle_it_runs_in_flat_queries_whether_it_reads_or_not(
    w: World, hr_reads: bool, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """HR administers every cycle: the overview lists them under a policy whose readers
    leave trust staff out, in as many queries for 3 cycles as for 23; the cycle page then
    shows the stage without the content, and the content's pages answer 404."""
    version = w.policy_version
    readers = ["reviewer", "reviewee", "headteacher"] + (["trust_staff"] if hr_reads else [])
    version.settings = {"confidentiality": {"readers": readers}}
    version.save()
    client = client_for(w, "hr")
    url = reverse("cycles:academy", args=[w.academy.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        first = client.get(url)
    assert escape(w.staff["appraisee"].full_name) in first.content.decode()
    _team(w, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)

    cycle = w.cycles["appraisee"]
    page = client.get(detail_url(cycle))
    assert page.status_code == 200
    text = page.content.decode()
    assert ('id="not-a-reader"' in text) is not hr_reads
    assert ('id="objectives-section-heading"' in text) is hr_reads
    objectives = client.get(reverse("objectives:cycle", args=[cycle.pk]))
    assert objectives.status_code == (200 if hr_reads else 404)


def test_academy_index_redirects_a_headteacher_to_their_academy(w: World) -> None:
    response = client_for(w, "headteacher").get(reverse("cycles:academies"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:academy", args=[w.academy.pk])
    assert status(w, "appraisee", reverse("cycles:academies")) == 404


# ----- Opening cycles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hr", 200),
        ("headteacher", 200),
        ("delegate", 200),
        ("appraisee", 404),
        ("trust_admin", 404),
    ],
)
def test_who_may_open_cycles(w: World, persona: str, expected: int) -> None:
    assert status(w, persona, reverse("cycles:open")) == expected


def _assign_classic(w: World) -> None:
    preset_version(w.trust, "classic-objectives")


def test_headteacher_opens_their_academy(w: World) -> None:
    _assign_classic(w)
    StaffMember.objects.filter(pk=w.staff["appraisee"].pk).update(is_ect=True)
    client = client_for(w, "headteacher")
    form_page = client.get(reverse("cycles:open")).content.decode()
    assert "The whole trust" not in form_page
    assert w.sibling_academy.name not in form_page
    # 2027 to 2028 starts more than a term from now: the first try asks to confirm.
    with time_machine.travel(dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC), tick=False):
        client = client_for(w, "headteacher")  # signed in on the day
        warned = client.post(
            reverse("cycles:open"), with_token({"where": str(w.academy.pk), "year": "2027"})
        )
        assert warned.status_code == 200
        warning = warned.content.decode()
        assert 'href="#id_confirm_early"' in warning
        assert "2027 to 2028 starts on 1 September 2027: confirm" in warning
        assert 'name="confirm_early"' in warning and 'type="checkbox"' in warning
        assert not CycleOpening.objects.exists()
        response = client.post(
            reverse("cycles:open"),
            with_token({"where": str(w.academy.pk), "year": "2027", "confirm_early": "on"}),
            follow=True,
        )
    page = response.content.decode()
    assert "cycles opened" in page
    assert "Early career teacher in induction" in page
    opening = CycleOpening.objects.get()
    assert opening.academy == w.academy
    assert opening.confirmed_early
    assert AppraisalCycle.objects.filter(starts_on=dt.date(2027, 9, 1)).count() == (
        opening.created_count
    )


def test_headteacher_cannot_open_the_whole_trust(w: World) -> None:
    response = client_for(w, "headteacher").post(
        reverse("cycles:open"), {"where": "trust", "year": "2027"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not CycleOpening.objects.exists()


def test_hr_opens_the_whole_trust_in_the_background(
    w: World,
    eager_tasks,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    _assign_classic(w)
    rebuild_line_management(trust=w.trust)
    client = client_for(w, "hr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cycles:open"),
            with_token({"where": "trust", "year": "2027", "confirm_early": "on"}),
        )
    opening = CycleOpening.objects.get()
    assert response["Location"] == reverse("cycles:opening", args=[opening.pk])
    page = client.get(response["Location"]).content.decode()
    assert f"{opening.created_count} cycles opened" in page
    assert opening.created_count >= 10
    assert status(w, "headteacher", response["Location"]) == 404  # a trust-wide opening
    assert status(w, "b_hr", response["Location"]) == 404


def test_opening_form_rejects_nonsense(w: World) -> None:
    response = client_for(w, "hr").post(reverse("cycles:open"), {"where": "999", "year": "1066"})
    assert response.status_code == 200
    assert not CycleOpening.objects.exists()


def test_the_policy_page_says_a_reader_left_out_does_not_read(w: World) -> None:
    """The page that lists the policy's settings says what the list of readers changes."""
    version = w.policy_version
    page = client_for(w, "trust_admin").get(
        reverse("policies:version", args=[version.policy_id, version.number]),
        {"section": "confidentiality"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "a role left out of the list" in text
    assert "without reading their content" in text
