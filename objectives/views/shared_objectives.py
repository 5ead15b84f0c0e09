"""Shared objective pages: list, add, assign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.models import Academy
from submissions.guard import submit_once

from .. import forms, permissions, selectors, services
from ..models import ImprovementPriority
from ._common import _add_errors, _principal

# ----- Shared objectives ---------------------------------------------------------------------


@login_required
def shared_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_open_shared(principal):
        raise Http404("No such page.")
    shared = list(
        permissions.visible_shared_objectives(principal)
        .select_related("academy", "priority")
        .order_by("-created_at")
    )
    return render(
        request,
        "objectives/shared_list.html",
        {
            "shared_objectives": shared,
            "may_open_priorities": permissions.may_open_priorities(principal),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def shared_add(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    academies = list(permissions.shared_objective_academies(principal))
    if not academies:
        raise Http404("No such page.")
    from calendars.working_days import academic_year_of

    this_year = academic_year_of(timezone.localdate())
    trust_wide = permissions.can_create_shared(principal, None)
    priorities_qs = (
        ImprovementPriority.objects.filter(
            trust_id=principal.trust_id or 0, academic_year__gte=this_year - 1
        )
        .filter(Q(academy__isnull=True) | Q(academy_id__in=[a.pk for a in academies]))
        .select_related("academy")
        .order_by("academy_id", "-academic_year", "code")
    )
    priority_list = list(priorities_qs)
    form = forms.SharedObjectiveForm(
        request.POST or None, academies=academies, trust_wide=trust_wide, priorities=priority_list
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        academy: Academy | None = None
        if data["academy"] != forms.TRUST_WIDE:
            academy = next(a for a in academies if str(a.pk) == data["academy"])
        priority = next((p for p in priority_list if str(p.pk) == data["priority"]), None)
        try:
            shared = services.shared_objective_create(
                actor=request.user,  # type: ignore[arg-type]
                academy=academy,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                priority=priority,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Shared objective created. Now choose who has it.")
            return redirect(reverse("objectives:shared_detail", args=[shared.pk]))
    return render(request, "objectives/shared_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def shared_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    shared = permissions.get_shared_objective_for_user(principal, pk, request=request)
    rows = selectors.assignable_cycles(principal, shared)
    choices = [
        (
            row.cycle.pk,
            f"{row.cycle.appraisee.full_name} ({row.cycle.starts_on:%Y} to {row.cycle.ends_on:%Y})",
        )
        for row in rows
        if row.reason is None
    ]
    form = forms.AssignForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["cycles"]}
        cycles = [row.cycle for row in rows if row.cycle.pk in chosen]
        try:
            created = services.shared_objective_assign(
                actor=request.user,  # type: ignore[arg-type]
                shared=shared,
                cycles=cycles,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Given to {len(created)} member{'' if len(created) == 1 else 's'} of staff. "
                "Each now adds their own success criteria, actions and evidence.",
            )
            return redirect(reverse("objectives:shared_detail", args=[shared.pk]))
    return render(
        request,
        "objectives/shared_detail.html",
        {
            "shared": shared,
            "form": form,
            "unavailable": [row for row in rows if row.reason is not None],
            "assignments": selectors.shared_objective_assignments(shared, principal),
        },
    )
