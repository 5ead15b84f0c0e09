"""Staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import AccountError, user_reset_mfa
from submissions.guard import submit_once

from .. import access_log, permissions, selectors, services
from ..forms import (
    InvitationResendForm,
    LineManagerForm,
    StaffFilterForm,
    StaffMemberForm,
)
from ..permissions import Action
from ..services import OrganisationError
from ._common import STAFF_PAGE_SIZE, _actor, _posted, _principal, _require, _trust
from .staff_import import _has_authenticator


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    academies = list(permissions.visible_academies(principal))
    form = StaffFilterForm(request.GET or None, academies=academies)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "search": form.cleaned_data["q"],
            "academy_id": form.cleaned_data["academy"],
            "staff_group": form.cleaned_data["staff_group"],
            "include_leavers": form.cleaned_data["leavers"],
        }
    staff = selectors.staff_list(principal, **filters)
    page = Paginator(staff, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/staff_list.html",
        {
            "form": form,
            "page": page,
            "academies": academies,
            "can_add": permissions.can(principal, Action.ADD_STAFF),
            "can_import": permissions.can(principal, Action.IMPORT_STAFF),
        },
    )


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    staff = permissions.get_staff_for_user(principal, pk, request=request)
    # Pay, contract and line management are personal data: reading them is logged.
    access_log.record_access(
        request=request, obj=staff, action="view", label=f"Staff record: {staff}"
    )
    reports = list(selectors.direct_reports(staff))
    visible_ids = set(
        permissions.visible_staff(principal)
        .filter(pk__in=[r.pk for r in reports] + [staff.line_manager_id or 0])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "organisation/staff_detail.html",
        {
            "staff": staff,
            "reports": reports,
            "visible_ids": visible_ids,
            "roles": selectors.roles_of_user(trust_id=staff.trust_id, user_id=staff.user_id),
            "can_edit": permissions.can(principal, Action.EDIT_STAFF, staff),
            "can_edit_line_manager": permissions.can(principal, Action.EDIT_LINE_MANAGEMENT, staff),
            "can_manage_account": staff.user is not None
            and permissions.can(principal, Action.MANAGE_ACCOUNT, staff),
            "has_two_step": staff.user is not None and _has_authenticator(staff.user),
            "can_resend_invitation": permissions.can(principal, Action.RESEND_INVITATION, staff),
            "is_self": principal.staff is not None and principal.staff.pk == staff.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def staff_add(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _trust(principal)
    _require(
        request,
        principal,
        Action.ADD_STAFF,
        trust,
        visible=permissions.can(principal, Action.VIEW_TRUST, trust),
    )
    form = StaffMemberForm(_posted(request), trust=trust)
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_create(
                trust=trust,
                job_title=form.cleaned_data["job_title"],
                actor=_actor(request),
                **form.staff_fields(),
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{staff.full_name} has been added.")
            return redirect("organisation:staff_detail", pk=staff.pk)
    return render(request, "organisation/staff_form.html", {"form": form, "staff": None})


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    staff = permissions.get_staff_for_user(principal, pk, request=request)
    _require(request, principal, Action.EDIT_STAFF, staff, visible=True)
    form = StaffMemberForm(_posted(request), instance=staff, trust=staff.trust)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(
                staff=staff,
                job_title=form.cleaned_data["job_title"],
                actor=_actor(request),
                **form.staff_fields(),
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The staff record has been saved.")
            return redirect("organisation:staff_detail", pk=staff.pk)
    # The form changed ``staff`` in memory while validating: show the saved name.
    original = permissions.get_staff_for_user(principal, pk, request=request)
    return render(request, "organisation/staff_form.html", {"form": form, "staff": original})


@login_required
@require_POST
def staff_account(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Reset a member of staff's two-step verification (a lost or replaced phone)."""
    principal = _principal(request)
    staff = permissions.get_staff_for_user(principal, pk, request=request)
    if action != "reset-two-step":
        raise Http404("No such action.")
    if staff.user is None or not permissions.can(principal, Action.MANAGE_ACCOUNT, staff):
        raise PermissionDenied("You cannot change this account.")
    try:
        user_reset_mfa(user=staff.user, actor=_actor(request))
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{staff.full_name}'s two-step verification has been reset: they will set up "
            "an authenticator app again when they next sign in.",
        )
    return redirect("organisation:staff_detail", pk=staff.pk)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def staff_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a new member of staff's invitation email again (HR only, until they sign in)."""
    principal = _principal(request)
    staff = permissions.get_staff_for_user(principal, pk, request=request)
    _require(request, principal, Action.RESEND_INVITATION, staff, visible=True)
    form = InvitationResendForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_invitation_resend(staff=staff, actor=_actor(request))
        except (AccountError, OrganisationError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"A new invitation has been sent to {staff.full_name} at {staff.email}."
            )
        return redirect("organisation:staff_detail", pk=staff.pk)
    return render(request, "organisation/staff_invitation.html", {"form": form, "staff": staff})


@login_required
@require_http_methods(["GET", "POST"])
def staff_line_manager(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    staff = permissions.get_staff_for_user(principal, pk, request=request)
    _require(request, principal, Action.EDIT_LINE_MANAGEMENT, staff, visible=True)
    form = LineManagerForm(
        _posted(request),
        staff=staff,
        candidates=selectors.line_manager_candidates(staff),
        initial={"manager": staff.line_manager_id},
    )
    if request.method == "POST" and form.is_valid():
        manager = form.cleaned_data["manager"]
        try:
            services.staff_set_line_manager(staff=staff, manager=manager, actor=_actor(request))
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            if manager is None:
                messages.success(request, f"{staff.full_name} now has no line manager.")
            else:
                messages.success(
                    request, f"{manager.full_name} now line-manages {staff.full_name}."
                )
            return redirect("organisation:staff_detail", pk=staff.pk)
    return render(request, "organisation/line_manager_form.html", {"form": form, "staff": staff})
