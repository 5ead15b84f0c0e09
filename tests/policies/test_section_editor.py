"""The policy by section: a page listing the sections with what differs from the preset and
"Change" links, one edit page per section, cross-field errors linked to their field, and a
comparison of two versions that shows only what changed."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from organisation.models import Academy, Role, Trust
from organisation.services import role_grant
from policies.forms import PolicySettingsForm, field_name
from policies.models import Policy, PolicyVersion
from policies.schema import (
    changed_paths,
    default_settings,
    field_specs,
    flatten_settings,
    iter_paths,
    merge_settings,
    section_title,
    validate_settings,
)
from policies.services import policy_create, policy_create_from_preset, policy_version_create
from tests.factories import TrustFactory, UserFactory

SECTIONS = sorted({spec.section for spec in field_specs()})


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _latest(policy: Policy) -> PolicyVersion:
    return policy.versions.order_by("-number").first()  # type: ignore[return-value]


def _section_data(version: PolicyVersion, section: str, **changes: Any) -> dict[str, Any]:
    """What a section's edit page posts back unchanged, with ``changes`` (by flat path)."""
    form = PolicySettingsForm(settings=version.rules, section=section)
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


def _edit_url(policy: Policy, slug: str) -> str:
    return reverse("policies:section_edit", args=[policy.pk, slug])


@pytest.fixture
def classic(trust: Trust) -> Policy:
    return policy_create_from_preset(
        trust=trust, preset_key="classic-objectives", effective_from=dt.date(2025, 9, 1)
    )


@pytest.fixture
def headteacher(trust: Trust, academy: Academy) -> User:
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.HEADTEACHER, trust=trust, academy=academy)
    return user


# ----- Who may ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_readers_see_sections_without_change_links_and_may_not_edit(
    classic: Policy, hr_user: User, headteacher: User
) -> None:
    for user in (hr_user, headteacher):
        client = _client(user)
        page = client.get(reverse("policies:detail", args=[classic.pk])).content.decode()
        assert "Pay and progression" in unescape(page) or section_title("pay") in unescape(page)
        assert _edit_url(classic, "pay") not in page
        assert client.get(_edit_url(classic, "pay")).status_code == 403
        data = _section_data(_latest(classic), "pay")
        assert client.post(_edit_url(classic, "pay"), data).status_code == 403
    assert classic.versions.count() == 1


@pytest.mark.django_db
def test_outsiders_and_other_trusts_do_not_find_the_section_pages(
    classic: Policy, trust: Trust
) -> None:
    staff = UserFactory(trust=trust)
    other = TrustFactory(name="Birch Trust", slug="birch")
    other_admin = UserFactory(trust=other)
    role_grant(user=other_admin, role=Role.TRUST_ADMIN, trust=other)
    for user in (staff, other_admin):
        client = _client(user)
        assert client.get(_edit_url(classic, "pay")).status_code == 404
        assert client.post(_edit_url(classic, "pay"), {}).status_code == 404
    anonymous = Client().get(_edit_url(classic, "pay"))
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert classic.versions.count() == 1


@pytest.mark.django_db
def test_an_unknown_section_is_not_found(classic: Policy, admin_user: User) -> None:
    client = _client(admin_user)
    for slug in ("nonsense", "schema_version", "__init__"):
        assert client.get(_edit_url(classic, slug)).status_code == 404


# ----- The list of sections ------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_page_lists_every_section_with_a_change_link(
    classic: Policy, admin_user: User
) -> None:
    client = _client(admin_user)
    page = unescape(client.get(reverse("policies:detail", args=[classic.pk])).content.decode())
    for section in SECTIONS:
        assert section_title(section) in page
        assert _edit_url(classic, section or "model") in page
    # The page is a summary, not every setting: no setting's explanation is on it.
    assert "What it changes:" not in page
    assert "As the preset" in page


@pytest.mark.django_db
def test_each_section_says_what_differs_from_the_preset(classic: Policy, admin_user: User) -> None:
    v1 = _latest(classic)
    settings = merge_settings(v1.rules.model_dump(mode="json"), {"retention": {"default_years": 9}})
    policy_version_create(
        policy=classic,
        settings=settings,
        effective_from=dt.date(2026, 9, 1),
        change_note="Longer",
        actor=None,
    )
    page = unescape(
        _client(admin_user).get(reverse("policies:detail", args=[classic.pk])).content.decode()
    )
    row = re.search(
        re.escape(section_title("retention")) + r".*?govuk-summary-list__value\">(.*?)</dd>",
        page,
        re.S,
    )
    assert row is not None
    assert "Changed from the preset" in row.group(1)
    assert ": 9" in row.group(1)


@pytest.mark.django_db
def test_a_policy_from_no_preset_is_summarised_against_the_trust_defaults(
    trust: Trust, admin_user: User
) -> None:
    settings = merge_settings(
        default_settings().model_dump(mode="json"), {"retention": {"default_years": 9}}
    )
    policy = policy_create(
        trust=trust, name="Our own", settings=settings, effective_from=dt.date(2025, 9, 1)
    )
    page = unescape(
        _client(admin_user).get(reverse("policies:detail", args=[policy.pk])).content.decode()
    )
    label = next(s.label for s in field_specs() if s.path == "retention.default_years")
    assert f"Set by the trust: {label}: 9" in page
    assert "Trust defaults" in page
    assert "preset" not in page.split("Settings of version 1")[1]


@pytest.mark.django_db
def test_a_section_can_be_read_in_full(classic: Policy, hr_user: User) -> None:
    url = reverse("policies:detail", args=[classic.pk]) + "?section=observations"
    page = unescape(_client(hr_user).get(url).content.decode())
    assert "from §5.2.4" in page  # classic §5.2.4: feedback within 2 and 5 working days
    assert "What it changes:" in page
    assert section_title("retention") not in page
    # Nonsense in the address shows the list of sections, never an error.
    for value in ("nonsense", "", "<script>"):
        response = _client(hr_user).get(
            reverse("policies:detail", args=[classic.pk]), {"section": value}
        )
        assert response.status_code == 200


# ----- Editing one section -------------------------------------------------------------------


@pytest.mark.django_db
def test_section_page_has_only_that_sections_settings(classic: Policy, admin_user: User) -> None:
    page = _client(admin_user).get(_edit_url(classic, "retention")).content.decode()
    assert 'name="retention__default_years"' in page
    assert 'name="objectives__maximum_count"' not in page
    assert 'name="model"' not in page
    model_page = _client(admin_user).get(_edit_url(classic, "model")).content.decode()
    assert 'name="model"' in model_page
    assert 'name="retention__default_years"' not in model_page


@pytest.mark.django_db
def test_saving_a_section_makes_a_new_version_changing_only_that_setting(
    classic: Policy, admin_user: User
) -> None:
    v1 = _latest(classic)
    data = _section_data(v1, "retention", **{"retention.default_years": "8"})
    response = _client(admin_user).post(_edit_url(classic, "retention"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    v2 = classic.versions.get(number=2)
    assert v2.created_by == admin_user
    assert v2.change_note == "Reviewed by the board"
    assert changed_paths(v1.rules, v2.rules) == ["retention.default_years"]


@pytest.mark.django_db
def test_bad_input_on_a_section_page_is_linked_and_saves_nothing(
    classic: Policy, admin_user: User
) -> None:
    client = _client(admin_user)
    v1 = _latest(classic)
    for value, message in (("999", "Enter a number no more than"), ("six", "whole number")):
        data = _section_data(v1, "retention", **{"retention.default_years": value})
        response = client.post(_edit_url(classic, "retention"), data)
        assert response.status_code == 400
        page = unescape(response.content.decode())
        assert "There is a problem: nothing was saved" in page
        assert 'href="#id_retention__default_years"' in page
        assert message in page
    data = _section_data(v1, "retention")
    data["effective_from"] = "2025-09-01"  # the first version's day
    response = client.post(_edit_url(classic, "retention"), data)
    assert response.status_code == 400
    assert 'href="#id_effective_from"' in response.content.decode()
    garbage = {name: "\x00<script>" for name in _section_data(v1, "support")}
    assert client.post(_edit_url(classic, "support"), garbage).status_code == 400
    assert client.post(_edit_url(classic, "pay"), {}).status_code == 400
    assert classic.versions.count() == 1


# ----- Cross-field errors ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cross_field_error_is_shown_by_its_field_and_linked(
    classic: Policy, admin_user: User
) -> None:
    data = _section_data(
        _latest(classic),
        "objectives",
        **{"objectives.minimum_count": "4", "objectives.normal_count": "3"},
    )
    response = _client(admin_user).post(_edit_url(classic, "objectives"), data)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert 'href="#id_objectives__minimum_count"' in page
    error = re.search(r'id="id_objectives__minimum_count-error"[^>]*>(.*?)</p>', page, re.S)
    assert error is not None and "fewest ≤ usual ≤ most" in error.group(1)
    assert classic.versions.count() == 1


@pytest.mark.django_db
def test_pay_rule_error_links_to_the_pay_setting_it_concerns(
    classic: Policy, admin_user: User
) -> None:
    data = _section_data(
        _latest(classic),
        "pay",
        **{"pay.performance_related_pay": "on", "pay.teacher_progression": "not_linked"},
    )
    response = _client(admin_user).post(_edit_url(classic, "pay"), data)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Pay cannot be both performance-related and not linked" in page
    assert 'href="#id_pay__performance_related_pay"' in page


@pytest.mark.django_db
def test_an_error_about_another_section_links_to_that_sections_page(
    trust: Trust, admin_user: User
) -> None:
    settings = merge_settings(
        default_settings().model_dump(mode="json"),
        {
            "model": "conversations",
            "objectives": {"minimum_count": 0, "normal_count": 0, "maximum_count": 0},
        },
    )
    policy = policy_create(
        trust=trust, name="No objectives", settings=settings, effective_from=dt.date(2025, 9, 1)
    )
    data = _section_data(_latest(policy), "", model="objectives")
    response = _client(admin_user).post(_edit_url(policy, "model"), data)
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "An objectives-based policy needs at least one objective." in page
    assert f'href="{_edit_url(policy, "objectives")}#id_objectives__maximum_count"' in page
    assert policy.versions.count() == 1


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        ({"objectives": {"minimum_count": 3, "normal_count": 2}}, "objectives.minimum_count"),
        ({"objectives": {"normal_count": 9, "maximum_count": 4}}, "objectives.normal_count"),
        (
            {"objectives": {"leader_minimum_count": 4, "leader_normal_count": 3}},
            "objectives.leader_minimum_count",
        ),
        (
            {"pay": {"performance_related_pay": True, "teacher_progression": "not_linked"}},
            "pay.performance_related_pay",
        ),
        ({"pay": {"performance_related_pay": True, "decision_due": None}}, "pay.decision_due"),
        (
            {
                "confidentiality": {
                    "small_number_threshold": 8,
                    "sensitive_small_number_threshold": 6,
                }
            },
            "confidentiality.sensitive_small_number_threshold",
        ),
        (
            {
                "model": "objectives",
                "objectives": {"minimum_count": 0, "normal_count": 0, "maximum_count": 0},
            },
            "objectives.maximum_count",
        ),
        (
            {"model": "conversations", "conversations": {"per_year": 0, "conversations": []}},
            "conversations.per_year",
        ),
    ],
)
def test_every_cross_field_rule_names_a_setting(patch: dict[str, Any], path: str) -> None:
    _, errors = validate_settings(merge_settings(default_settings().model_dump(mode="json"), patch))
    assert path in errors, errors
    assert set(errors) <= set(iter_paths())


# ----- Comparing versions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_comparison_shows_only_what_changed(classic: Policy, hr_user: User) -> None:
    v1 = _latest(classic)
    settings = merge_settings(
        v1.rules.model_dump(mode="json"),
        {
            "retention": {"default_years": 9},
            "objectives": {"maximum_count": v1.rules.objectives.maximum_count + 1},
        },
    )
    policy_version_create(
        policy=classic,
        settings=settings,
        effective_from=dt.date(2026, 9, 1),
        change_note="Board review",
        actor=None,
    )
    before = flatten_settings(v1.rules)
    url = reverse("policies:version", args=[classic.pk, 2])
    page = unescape(_client(hr_user).get(url, {"compare": "previous"}).content.decode())
    assert "What changed from version 1 to version 2" in page
    assert section_title("retention") in page and section_title("objectives") in page
    headings = re.findall(r'<h3 class="govuk-heading-s[^"]*">(.*?)</h3>', page)
    assert headings == [section_title("objectives"), section_title("retention")]
    specs = {s.path: s for s in field_specs()}
    assert specs["retention.default_years"].label in page
    assert f"<del>{before['retention.default_years']}</del>" in page
    assert "<ins>9</ins>" in page
    assert specs["cycle.starts_on"].label not in page
    assert page.count("govuk-summary-list__row") == 2
    # The same by number, and either way round.
    by_number = unescape(_client(hr_user).get(url, {"compare": "1"}).content.decode())
    assert "<ins>9</ins>" in by_number
    back = reverse("policies:version", args=[classic.pk, 1])
    reverse_page = unescape(_client(hr_user).get(back, {"compare": "2"}).content.decode())
    assert "What changed from version 1 to version 2" in reverse_page
    assert "<ins>9</ins>" in reverse_page
    # Every other version of the list offers a comparison with the one shown.
    assert 'href="?compare=1"' in unescape(_client(hr_user).get(url).content.decode())


@pytest.mark.django_db
def test_comparison_of_identical_versions_says_nothing_changed(
    classic: Policy, hr_user: User
) -> None:
    v1 = _latest(classic)
    policy_version_create(
        policy=classic,
        settings=v1.rules.model_dump(mode="json"),
        effective_from=dt.date(2026, 9, 1),
        change_note="Re-dated",
        actor=None,
    )
    url = reverse("policies:version", args=[classic.pk, 2])
    page = _client(hr_user).get(url, {"compare": "previous"}).content.decode()
    assert "No settings changed." in page
    for nonsense in ("2", "999", "abc", "-1", "", "²", "9" * 30):
        response = _client(hr_user).get(url, {"compare": nonsense})
        assert response.status_code == 200
        assert "What changed from" not in response.content.decode()


# ----- Several sections for the same start day: one draft version ---------------------------


@pytest.mark.django_db
def test_sections_saved_for_the_same_future_day_update_one_draft(
    classic: Policy, admin_user: User
) -> None:
    client = _client(admin_user)
    data = _section_data(_latest(classic), "retention", **{"retention.default_years": "8"})
    data.update(effective_from="2027-09-01", change_note="Retention")
    assert client.post(_edit_url(classic, "retention"), data).status_code == 302
    draft = _latest(classic)
    data = _section_data(draft, "objectives", **{"objectives.maximum_count": "5"})
    data.update(effective_from="2027-09-01", change_note="Objectives")
    response = client.post(_edit_url(classic, "objectives"), data, follow=True)
    assert "Version 2 updated (not yet in force)" in response.content.decode()
    assert classic.versions.count() == 2
    draft = PolicyVersion.objects.get(pk=draft.pk)
    assert set(changed_paths(classic.versions.get(number=1).rules, draft.rules)) == {
        "retention.default_years",
        "objectives.maximum_count",
    }
    assert draft.change_note == "Retention; Objectives"
    assert draft.history.count() == 2
    page = client.get(reverse("policies:detail", args=[classic.pk])).content.decode()
    assert "Draft: not yet in force" in page


@pytest.mark.django_db
def test_a_version_in_force_or_pinned_is_never_updated(
    classic: Policy, admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(admin_user)
    v1 = _latest(classic)
    data = _section_data(v1, "retention", **{"retention.default_years": "8"})
    data["effective_from"] = "2026-01-05"  # past, and in force since
    assert client.post(_edit_url(classic, "retention"), data).status_code == 302
    data = _section_data(v1, "retention", **{"retention.default_years": "9"})
    data["effective_from"] = "2026-01-05"
    response = client.post(_edit_url(classic, "retention"), data)
    assert response.status_code == 400
    assert "choose another date" in response.content.decode()
    # A future version that a record (a cycle opened early) pins is no draft either.
    data["effective_from"] = "2027-09-01"
    assert client.post(_edit_url(classic, "retention"), data).status_code == 302
    monkeypatch.setattr(
        "policies.services.latest_pinned_effective_from", lambda policy: dt.date(2027, 9, 1)
    )
    data = _section_data(_latest(classic), "retention", **{"retention.default_years": "10"})
    data["effective_from"] = "2027-09-01"
    response = client.post(_edit_url(classic, "retention"), data)
    assert response.status_code == 400
    assert _latest(classic).rules.retention.default_years == 9
    assert classic.versions.count() == 3
