"""Policy pages: the trust's policies and who follows which, choosing a policy for a staff
group (with academy and job-role overrides), a policy's settings and versions, and editing
settings into a new version.

Trust administrators manage; HR, the executive and headteachers read; nobody else sees
that the pages exist (404).
"""

from __future__ import annotations

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
    staff_group_label,
)
from .models import Policy, PolicyVersion
from .presets import all_presets, split_policy_key
from .schema import default_settings
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
    if kind == "policy" and value.isdigit():
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


def _version_page(
    request: HttpRequest, principal: Principal, policy: Policy, version: PolicyVersion | None
) -> HttpResponse:
    versions = selectors.policy_versions(policy)
    previous = selectors.previous_version(version) if version else None
    in_force = selectors.version_in_force(policy=policy, on=timezone.localdate())
    compare = request.GET.get("compare") == "previous" and previous is not None
    sections = selectors.describe_version(version, previous if compare else None) if version else []
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "version": version,
            "versions": versions,
            "previous": previous,
            "in_force": in_force,
            "compare": compare,
            "changed_count": sum(s.changed for sec in sections for s in sec.settings),
            "sections": sections,
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


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    _, policy = _policy(request, policy_id, permissions.MANAGE)
    latest = selectors.latest_version(policy)
    base = latest.rules if latest is not None else default_settings()
    form = PolicySettingsForm(request.POST or None, settings=base)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.policy_version_create(
                policy=policy,
                settings=form.settings_data(),
                effective_from=form.cleaned_data["effective_from"],
                change_note=form.cleaned_data["change_note"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except PolicyError as exc:
            form.add_settings_errors(exc.field_errors)
            if not exc.field_errors:
                form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Version {version.number} saved: in force from "
                f"{version.effective_from:%-d %B %Y}.",
            )
            return redirect(reverse("policies:detail", args=[policy.pk]))
    return render(
        request,
        "policies/edit.html",
        {
            "policy": policy,
            "latest": latest,
            "form": form,
            "sections": form.bound_sections(base),
        },
        status=400 if request.method == "POST" else 200,
    )
