"""Policy pages: the trust's policies and who follows which, choosing a policy for a staff
group (with academy and job-role overrides), a policy's settings and versions, and editing
settings into a new version.

Trust administrators manage; HR, the executive and headteachers read; nobody else sees
that the pages exist (404).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from organisation.models import StaffGroup, Trust
from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import permissions, selectors, services
from .forms import (
    OverrideForm,
    PolicySettingsForm,
    TrustWidePolicyForm,
    policy_choices,
    section_from_slug,
    section_slug,
    staff_group_label,
)
from .models import Policy, PolicyVersion
from .presets import all_presets, split_policy_key
from .schema import default_settings, section_title
from .services import PolicyError


def _principal(request: HttpRequest, action: str = permissions.VIEW) -> tuple[Principal, Trust]:
    """The principal and their trust: 404 unless they may read policies; 403 if they may
    read but ``action`` is "manage" and they may not."""
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not permissions.may_view_policies(principal):
        raise Http404("No such page.")
    trust = Trust.objects.get(pk=principal.trust_id or 0)
    if not permissions.can(principal, action, trust):
        raise PermissionDenied("Only the trust's administrator can change policies.")
    return principal, trust


def _policy(request: HttpRequest, policy_id: int, action: str) -> tuple[Principal, Policy]:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    policy = permissions.policy_for(principal, policy_id, request=request)
    if not permissions.can(principal, action, policy):
        raise PermissionDenied("Only the trust's administrator can change policies.")
    return principal, policy


def _whole_number(value: str) -> bool:
    """Plain digits only: ``str.isdigit`` also accepts "²", which ``int`` refuses."""
    return re.fullmatch(r"[0-9]{1,9}", value) is not None


def _staff_group(value: str) -> str:
    if value not in StaffGroup.values:
        raise Http404("No such staff group.")
    return value


@login_required
def index(request: HttpRequest) -> HttpResponse:
    principal, trust = _principal(request)
    today = timezone.localdate()
    return render(
        request,
        "policies/index.html",
        {
            "policies": selectors.trust_policies(trust),
            "overview": selectors.assignment_overview(trust, today),
            "staff_groups": StaffGroup.choices,
            "today": today,
            "can_manage": permissions.can(principal, permissions.MANAGE, trust),
        },
    )


def _resolve_choice(trust: Trust, choice: str, actor: Any) -> Policy:
    """ "policy:<id>" → that policy of the trust; "preset:<key>[--variant]" → the policy
    made from the preset (created now if needed)."""
    kind, _, value = choice.partition(":")
    if kind == "policy" and _whole_number(value):
        policy = Policy.objects.filter(trust=trust, pk=int(value)).first()
        if policy is not None:
            return policy
    elif kind == "preset":
        preset_key, variant = split_policy_key(value)
        return services.policy_create_from_preset(
            trust=trust, preset_key=preset_key, variant=variant, actor=actor
        )
    raise PolicyError("Choose one of the policies listed.")


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def choose(request: HttpRequest, staff_group: str) -> HttpResponse:
    _, trust = _principal(request, permissions.MANAGE)
    group = _staff_group(staff_group)
    label = staff_group_label(group)
    policies = list(Policy.objects.filter(trust=trust).order_by("name"))
    presets = all_presets()
    trust_choices = policy_choices(policies, presets, include_variants=False)
    override_choices = policy_choices(policies, presets, include_variants=True)
    assignments = selectors.group_assignments(trust, group)
    current = next((a for a in assignments if a.academy_id is None and a.job_role_id is None), None)
    overrides = [a for a in assignments if a is not current]

    action = request.POST.get("action") if request.method == "POST" else None
    trust_form = TrustWidePolicyForm(
        request.POST if action == "trust_wide" else None,
        choices=trust_choices,
        label=f"Policy for {label.lower()} staff across the trust",
        initial={"choice": f"policy:{current.policy_id}"} if current else None,
        prefix="trust",
    )
    override_form = OverrideForm(
        request.POST if action == "override" else None,
        trust_id=trust.pk,
        choices=override_choices,
        prefix="override",
    )
    form = trust_form if action == "trust_wide" else override_form if action == "override" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                policy = _resolve_choice(trust, data["choice"], request.user)
                services.policy_assign(
                    trust=trust,
                    staff_group=group,
                    policy=policy,
                    academy=data.get("academy"),
                    job_role=data.get("job_role"),
                    actor=request.user,  # type: ignore[arg-type]
                )
        except PolicyError as exc:
            form.add_error("choice", str(exc))
        else:
            messages.success(request, f"{label} staff now follow {policy.name} there.")
            return redirect("policies:choose", staff_group=group)
    return render(
        request,
        "policies/choose.html",
        {
            "group": group,
            "group_label": label,
            "current": current,
            "overrides": overrides,
            "trust_form": trust_form,
            "override_form": override_form,
            "presets": selectors.preset_choices(trust),
        },
        status=400 if form is not None else 200,
    )


@login_required
@require_POST
def unassign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    assignment = permissions.assignment_for(principal, assignment_id, request=request)
    if not permissions.can(principal, permissions.MANAGE, assignment):
        raise PermissionDenied("Only the trust's administrator can change policies.")
    group = assignment.staff_group
    try:
        services.policy_unassign(assignment=assignment, actor=request.user)  # type: ignore[arg-type]
    except PolicyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Override removed: those staff follow the next policy up.")
    return redirect("policies:choose", staff_group=group)


def _compared_with(
    request: HttpRequest, version: PolicyVersion | None, versions: list[PolicyVersion]
) -> PolicyVersion | None:
    """The version named by ``?compare=`` ("previous" or a version number of this policy);
    None for anything else (an unknown number is ignored, never an error)."""
    wanted = request.GET.get("compare", "")
    if version is None:
        return None
    if wanted == "previous":
        return selectors.previous_version(version)
    if _whole_number(wanted):
        return next((v for v in versions if v.number == int(wanted) and v != version), None)
    return None


def _version_page(
    request: HttpRequest, principal: Principal, policy: Policy, version: PolicyVersion | None
) -> HttpResponse:
    versions = selectors.policy_versions(policy)
    previous = selectors.previous_version(version) if version else None
    in_force = selectors.version_in_force(policy=policy, on=timezone.localdate())
    compared = _compared_with(request, version, versions)
    earlier, later = compared, version
    if (
        compared is not None
        and version is not None
        and compared.effective_from > version.effective_from
    ):
        earlier, later = version, compared
    today = timezone.localdate()
    drafts = {v.pk for v in versions if v.effective_from > today and services.is_draft(v)}
    latest = selectors.latest_version(policy)
    # ?section=<slug>: that section's settings in full; otherwise the list of sections.
    shown_section = section_from_slug(request.GET.get("section", "")) if version else None
    sections = []
    if version is not None and compared is None and shown_section is not None:
        sections = [s for s in selectors.describe_version(version) if s.key == shown_section]
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "version": version,
            "versions": versions,
            "previous": previous,
            "in_force": in_force,
            "compared": compared,
            # Changes always read from the earlier version to the later one.
            "changes_from": earlier,
            "changes_to": later,
            "changes": selectors.version_changes(earlier, later) if earlier and later else [],
            "summaries": selectors.section_summaries(version) if version else [],
            "sections": sections,
            "shown_section": shown_section,
            "is_latest": version is not None and version == latest,
            "drafts": drafts,
            "can_manage": permissions.can(principal, permissions.MANAGE, policy),
        },
    )


@login_required
def detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    principal, policy = _policy(request, policy_id, permissions.VIEW)
    return _version_page(request, principal, policy, selectors.latest_version(policy))


@login_required
def version_detail(request: HttpRequest, policy_id: int, number: int) -> HttpResponse:
    principal, policy = _policy(request, policy_id, permissions.VIEW)
    version = PolicyVersion.objects.filter(policy=policy, number=number).first()
    if version is None:
        raise Http404("No such version.")
    return _version_page(request, principal, policy, version)


def _settings_page(request: HttpRequest, policy: Policy, section: str | None) -> HttpResponse:
    """Edit every setting (``section`` None) or one section's; saving makes a new version
    from the latest one, through the same service and the same schema checks either way."""
    latest = selectors.latest_version(policy)
    base = latest.rules if latest is not None else default_settings()
    form = PolicySettingsForm(request.POST or None, settings=base, section=section)
    if request.method == "POST" and form.is_valid():
        effective_from = form.cleaned_data["effective_from"]
        had_that_day = policy.versions.filter(effective_from=effective_from).exists()
        try:
            version = services.policy_version_create(
                policy=policy,
                settings=form.settings_data(),
                effective_from=effective_from,
                change_note=form.cleaned_data["change_note"],
                actor=request.user,  # type: ignore[arg-type]
                update_draft=True,
            )
        except PolicyError as exc:
            form.add_settings_errors(exc.field_errors)
            if not exc.field_errors:
                form.add_error(None, str(exc))
        else:
            done = "updated (not yet in force)" if had_that_day else "saved"
            messages.success(
                request,
                f"Version {version.number} {done}: in force from "
                f"{version.effective_from:%-d %B %Y}.",
            )
            return redirect(reverse("policies:detail", args=[policy.pk]))

    def section_url(key: str) -> str:
        return reverse("policies:section_edit", args=[policy.pk, section_slug(key)])

    return render(
        request,
        "policies/edit.html",
        {
            "policy": policy,
            "latest": latest,
            "form": form,
            "error_summary": form.error_summary(section_url) if form.errors else [],
            "sections": form.bound_sections(base),
            "section_title": section_title(section) if section is not None else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    _, policy = _policy(request, policy_id, permissions.MANAGE)
    return _settings_page(request, policy, None)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def section_edit(request: HttpRequest, policy_id: int, section: str) -> HttpResponse:
    _, policy = _policy(request, policy_id, permissions.MANAGE)
    key = section_from_slug(section)
    if key is None:
        raise Http404("No such section.")
    return _settings_page(request, policy, key)
