"""Policy pages: who may do what, choosing and overriding policies, editing settings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from organisation.models import Role, StaffGroup
from organisation.services import role_grant
from policies.forms import field_name
from policies.models import Policy, PolicyAssignment, PolicyVersion
from policies.schema import FieldKind, field_specs, flatten_settings
from policies.services import policy_assign, policy_create_from_preset
from tests.factories import AcademyFactory, JobRoleFactory, UserFactory
from tests.form_tokens import with_token
from tests.personas import World, build_world

pytestmark = pytest.mark.django_db

VIEWERS = ("hr", "ceo", "headteacher")
OUTSIDERS = ("appraisee", "line_manager", "delegate", "governor", "colleague", "other_admin")


@pytest.fixture
def world() -> World:
    world = build_world()
    other_admin = UserFactory(trust=world.other_trust, email="admin@birch.example.org")
    role_grant(user=other_admin, role=Role.TRUST_ADMIN, trust=world.other_trust)
    world.users["other_admin"] = other_admin
    return world


@pytest.fixture
def classic(world: World) -> Policy:
    policy = policy_create_from_preset(
        trust=world.trust, preset_key="classic-objectives", effective_from=dt.date(2025, 9, 1)
    )
    policy_assign(trust=world.trust, staff_group=StaffGroup.TEACHING, policy=policy, actor=None)
    return policy


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def _urls(policy: Policy) -> dict[str, str]:
    return {
        "index": reverse("policies:index"),
        "detail": reverse("policies:detail", args=[policy.pk]),
        "version": reverse("policies:version", args=[policy.pk, 1]),
        "edit": reverse("policies:edit", args=[policy.pk]),
        "section_edit": reverse("policies:section_edit", args=[policy.pk, "pay"]),
        "choose": reverse("policies:choose", args=["teaching"]),
    }


def test_trust_admin_can_open_every_page(world: World, classic: Policy) -> None:
    client = _client(world, "trust_admin")
    for name, url in _urls(classic).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("persona", VIEWERS)
def test_hr_executive_and_headteachers_read_but_do_not_change(
    world: World, classic: Policy, persona: str
) -> None:
    client = _client(world, persona)
    urls = _urls(classic)
    for name in ("index", "detail", "version"):
        assert client.get(urls[name]).status_code == 200, name
    assert client.get(urls["edit"]).status_code == 403
    assert client.get(urls["section_edit"]).status_code == 403
    assert client.get(urls["choose"]).status_code == 403
    response = client.post(urls["edit"], {"change_note": "x", "effective_from": "2026-09-01"})
    assert response.status_code == 403
    response = client.post(
        urls["section_edit"], {"change_note": "x", "effective_from": "2026-09-01"}
    )
    assert response.status_code == 403
    assert classic.versions.count() == 1
    assignment = PolicyAssignment.objects.get(trust=world.trust)
    unassign = reverse("policies:unassign", args=[assignment.pk])
    assert client.post(unassign).status_code == 403
    assert PolicyAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_everyone_else_gets_not_found(world: World, classic: Policy, persona: str) -> None:
    client = _client(world, persona)
    urls = _urls(classic)
    for name in ("detail", "version", "edit", "section_edit"):
        assert client.get(urls[name]).status_code == 404, name
    assignment = PolicyAssignment.objects.get(trust=world.trust)
    assert client.post(reverse("policies:unassign", args=[assignment.pk])).status_code == 404
    if persona != "other_admin":
        assert client.get(urls["index"]).status_code == 404
        assert client.get(urls["choose"]).status_code == 404


def test_another_trusts_admin_sees_only_their_own_trust(world: World, classic: Policy) -> None:
    client = _client(world, "other_admin")
    page = client.get(reverse("policies:index")).content.decode()
    assert classic.name not in page
    assert world.academy.name not in page


def test_anonymous_is_sent_to_sign_in(world: World, classic: Policy) -> None:
    response = Client().get(reverse("policies:detail", args=[classic.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_nav_item_only_for_those_who_may_read(world: World, classic: Policy) -> None:
    """Policies are reached from the Administration page, offered only to those who read
    them."""
    url = reverse("policies:index")
    admin_page = reverse("organisation:administration")
    assert url in _client(world, "hr").get(admin_page).content.decode()
    assert _client(world, "appraisee").get(admin_page).status_code == 404
    assert admin_page not in _client(world, "appraisee").get("/calendars/").content.decode()


def test_index_shows_overview_and_query_count_stays_flat(
    world: World, classic: Policy, django_assert_max_num_queries: Any
) -> None:
    client = _client(world, "trust_admin")
    page = client.get(reverse("policies:index")).content.decode()
    assert "Classic objectives linked to pay" in page
    assert "Trust-wide" in page
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("policies:index"))
    for n in range(6):
        AcademyFactory(trust=world.trust, name=f"Extra academy {n}")
        policy = policy_create_from_preset(trust=world.trust, preset_key="aspire-grow")
        role = JobRoleFactory(trust=world.trust, name=f"Role {n}")
        policy_assign(
            trust=world.trust, staff_group="support", policy=policy, job_role=role, actor=None
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("policies:index"))


def test_detail_shows_values_with_their_paragraph(world: World, classic: Policy) -> None:
    url = reverse("policies:detail", args=[classic.pk])
    text = _client(world, "hr").get(url, {"section": "observations"}).content.decode()
    assert "from §5.2.4" in text  # classic §5.2.4: feedback within 2 and 5 working days
    assert "Trust default" in text
    assert "Edit settings" not in text


def test_detail_says_what_each_setting_changes(world: World, classic: Policy) -> None:
    from html import unescape

    from policies.schema import PaySettings, SupportSettings

    client = _client(world, "hr")
    url = reverse("policies:detail", args=[classic.pk])
    text = "".join(
        unescape(client.get(url, {"section": key or "model"}).content.decode())
        for key in {spec.section for spec in field_specs()}
    )
    assert text.count("What it changes:") > 50
    # A setting the product reads says what it does ...
    assert SupportSettings.EFFECTS["suspend_for_grievance"] in text
    # ... and one recorded for a feature not yet built says that changing it changes nothing.
    assert PaySettings.EFFECTS["appeal_allowed"] in text
    assert "changes nothing yet" in text


def test_admin_chooses_a_preset_for_a_staff_group(world: World) -> None:
    client = _client(world, "trust_admin")
    url = reverse("policies:choose", args=["support"])
    data = {"action": "trust_wide", "trust-choice": "preset:staploe-associate"}
    response = client.post(url, with_token(data, prefix="trust"))
    assert response.status_code == 302
    assignment = PolicyAssignment.objects.get(trust=world.trust, staff_group="support")
    assert assignment.policy.preset == "staploe-associate"
    # Choosing it again reuses the policy.
    client.post(url, with_token(data, prefix="trust"))
    assert Policy.objects.filter(trust=world.trust, preset="staploe-associate").count() == 1


def test_admin_adds_and_removes_an_academy_and_role_override(world: World) -> None:
    client = _client(world, "trust_admin")
    role = JobRoleFactory(trust=world.trust, name="Learning support")
    url = reverse("policies:choose", args=["support"])
    response = client.post(
        url,
        with_token(
            {
                "action": "override",
                "override-academy": world.academy.pk,
                "override-job_role": role.pk,
                "override-choice": "preset:staploe-associate--learning-support",
            },
            prefix="override",
        ),
    )
    assert response.status_code == 302
    override = PolicyAssignment.objects.get(trust=world.trust, academy=world.academy, job_role=role)
    assert override.policy.preset == "staploe-associate--learning-support"
    assert override.policy.versions.get().rules.cycle.starts_on.month == 6
    response = client.post(reverse("policies:unassign", args=[override.pk]))
    assert response.status_code == 302
    assert not PolicyAssignment.objects.filter(pk=override.pk).exists()


def test_override_needs_an_academy_or_role_and_refuses_foreign_ids(world: World) -> None:
    client = _client(world, "trust_admin")
    url = reverse("policies:choose", args=["support"])
    response = client.post(url, {"action": "override", "override-choice": "preset:aspire-grow"})
    assert response.status_code == 400
    assert "Choose an academy, a job role or both" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "override",
            "override-academy": world.other_academy.pk,
            "override-choice": "preset:aspire-grow",
        },
    )
    assert response.status_code == 400
    response = client.post(url, {"action": "trust_wide", "trust-choice": "policy:²"})
    assert response.status_code == 400
    foreign = policy_create_from_preset(trust=world.other_trust, preset_key="leger-pdp")
    response = client.post(url, {"action": "trust_wide", "trust-choice": f"policy:{foreign.pk}"})
    assert response.status_code == 400
    assert not PolicyAssignment.objects.filter(trust=world.trust).exists()


def test_unknown_staff_group_is_not_found(world: World) -> None:
    response = _client(world, "trust_admin").get(reverse("policies:choose", args=["cooks"]))
    assert response.status_code == 404


def _form_data(version: PolicyVersion, **changes: Any) -> dict[str, Any]:
    """What the edit form posts back unchanged, with ``changes`` (by flat path)."""
    from policies.forms import PolicySettingsForm

    form = PolicySettingsForm(settings=version.rules)
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if isinstance(initial, bool):
            if initial:
                data[name] = "on"
        elif initial is None:
            data[name] = ""
        else:
            data[name] = initial
    data["effective_from"] = "2026-09-01"
    data["change_note"] = "Reviewed by the board"
    for path, value in changes.items():
        data[field_name(path)] = value
    return data


def test_edit_saves_a_new_version(world: World, classic: Policy) -> None:
    client = _client(world, "trust_admin")
    v1 = classic.versions.get()
    data = _form_data(v1, **{"retention.default_years": "8"})
    response = client.post(reverse("policies:edit", args=[classic.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    v2 = classic.versions.get(number=2)
    assert v2.rules.retention.default_years == 8
    assert v2.created_by == world.user("trust_admin")
    assert v2.change_note == "Reviewed by the board"
    # Nothing else changed on the way through the form.
    before, after = flatten_settings(v1.rules), flatten_settings(v2.rules)
    assert {p for p in after if before[p] != after[p]} == {"retention.default_years"}
    compare = client.get(reverse("policies:version", args=[classic.pk, 2]) + "?compare=previous")
    assert compare.content.decode().count("govuk-summary-list__row") == 1


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("observations.yearly_cap_minutes", "99999", "Enter a number no more than 3000."),
        ("meetings.annual_review_notice_days", "-1", "Enter a number of at least 0."),
        ("scope.probation_months", "six", "Enter a whole number."),
        ("support.stages", "nonsense without a colon", "should be one of the details"),
        ("support.stages", "key: x\nname: X\nnormal_weeks: 99", "no more than 52"),
        ("support.stages", "", "List at least one stage of support."),
        ("objectives.minimum_count", "4", "fewest ≤ usual ≤ most"),
    ],
)
def test_bad_settings_show_the_schema_message_and_save_nothing(
    world: World, classic: Policy, path: str, value: str, message: str
) -> None:
    client = _client(world, "trust_admin")
    data = _form_data(classic.versions.get(), **{path: value})
    response = client.post(reverse("policies:edit", args=[classic.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert classic.versions.count() == 1


def test_bad_month_day_and_dates_are_refused_without_error_pages(
    world: World, classic: Policy
) -> None:
    client = _client(world, "trust_admin")
    version = classic.versions.get()
    data = _form_data(version)
    data[field_name("cycle.starts_on") + "__day"] = "31"
    data[field_name("cycle.starts_on") + "__month"] = "2"
    response = client.post(reverse("policies:edit", args=[classic.pk]), data)
    assert response.status_code == 400
    assert "February has no day 31" in response.content.decode()
    data = _form_data(version)
    data[field_name("cycle.starts_on") + "__month"] = "13"
    data["effective_from"] = "not a date"
    response = client.post(reverse("policies:edit", args=[classic.pk]), data)
    assert response.status_code == 400
    # The date the first version already uses.
    data = _form_data(version)
    data["effective_from"] = "2025-09-01"
    response = client.post(reverse("policies:edit", args=[classic.pk]), data)
    assert response.status_code == 400
    assert "choose another date" in response.content.decode()
    assert classic.versions.count() == 1


def test_garbage_in_every_field_never_breaks_the_page(world: World, classic: Policy) -> None:
    client = _client(world, "trust_admin")
    garbage = ["", "-1", "1e9", "<script>", "x" * 3000, "\x00", "31 Febtember", "ϕ", "key: a"]
    for value in garbage:
        data = _form_data(classic.versions.order_by("-number").first())
        for spec in field_specs():
            if spec.kind == FieldKind.MONTH_DAY:
                data[field_name(spec.path) + "__day"] = value
                data[field_name(spec.path) + "__month"] = value
            else:
                data[field_name(spec.path)] = value
        response = client.post(reverse("policies:edit", args=[classic.pk]), data)
        assert response.status_code in (302, 400), value
    page = client.get(reverse("policies:detail", args=[classic.pk])).content.decode()
    assert "<script>" not in page


def test_sections_unused_by_the_model_are_folded_away(world: World) -> None:
    aspire = policy_create_from_preset(trust=world.trust, preset_key="aspire-grow")
    client = _client(world, "hr")
    url = reverse("policies:detail", args=[aspire.pk])
    page = client.get(url).content.decode()
    rows = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>', page, re.S)
    unused = [row for row in rows if "Not used" in row]
    assert any(">Objectives<" in row for row in unused)
    assert not any("Developmental conversations" in row for row in unused)
    page = client.get(url, {"section": "conversations"}).content.decode()
    assert "from §6.4b" in page  # aspire §6.4b: the trust-wide professional focus


def test_removing_an_unknown_override_is_not_found(world: World) -> None:
    response = _client(world, "trust_admin").post(reverse("policies:unassign", args=[999999]))
    assert response.status_code == 404
