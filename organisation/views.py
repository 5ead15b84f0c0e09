"""Organisation pages: home, trust and academies, staff, line management, roles, import.

Views are thin: they find the principal, fetch through ``permissions`` (404 for what the
user may not see, 403 for what they may see but not change), and call a service.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import AccountError, user_reset_mfa
from submissions.guard import submit_once

from . import access_log, permissions, selectors, services
from .forms import (
    AcademyForm,
    InvitationResendForm,
    LineManagerForm,
    RoleDecisionForm,
    RoleGrantForm,
    StaffFilterForm,
    StaffImportForm,
    StaffMemberForm,
    TrustForm,
)
from .imports import COLUMNS, EXAMPLE_CSV
from .models import Academy, RoleAssignment, RoleRequest, Trust
from .permissions import Action
from .principal import Principal, principal_for
from .services import OrganisationError

STAFF_PAGE_SIZE = 50
ROLES_PAGE_SIZE = 100
IMPORT_SUMMARY_KEY = "organisation_import_summary"


def _principal(request: HttpRequest) -> Principal:
    """The signed-in principal; someone with no trust (or a governor) sees no person here."""
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated or principal.is_governor_only:
        raise Http404("Not found.")
    return principal


def _require(
    request: HttpRequest, principal: Principal, action: Action, obj: Any, *, visible: bool
) -> None:
    """404 if the user may not see ``obj`` at all (a refused record noted in the security
    log), 403 if they see it but may not act."""
    if permissions.can(principal, action, obj):
        return
    if visible:
        raise PermissionDenied
    if isinstance(obj, Model) and obj.pk is not None:
        raise access_log.refused(request, type(obj), obj.pk, "Not found.")
    raise Http404("Not found.")


def _posted(request: HttpRequest) -> Any:
    """Form data on POST (even an empty one, so missing fields are reported), else None."""
    return request.POST if request.method == "POST" else None


def _trust(principal: Principal) -> Trust:
    assert principal.trust_id is not None  # _principal() has checked
    return Trust.objects.get(pk=principal.trust_id)


def _actor(request: HttpRequest) -> Any:
    return request.user


# ----- Home ---------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    whole_trust = permissions.sees_whole_trust(principal)
    context = {
        "staff": principal.staff if principal.is_authenticated else None,
        "sees_whole_trust": whole_trust,
        "is_admin": permissions.can(principal, Action.EDIT_TRUST),
        "lead_academies": (
            list(permissions.visible_academies(principal))
            if permissions.lead_academy_ids(principal) and not whole_trust
            else []
        ),
        "can_view_roles": permissions.can(principal, Action.VIEW_ROLES),
        "role_requests_for_me": (
            selectors.role_requests_for_me_count(principal)
            if permissions.can(principal, Action.VIEW_ROLE_REQUESTS)
            else 0
        ),
        "can_grant_roles": bool(permissions.grantable_roles(principal)),
        "is_line_manager": permissions.is_line_manager(principal),
        "governor_only": principal.is_governor_only,
    }
    return render(request, "home.html", context)


# ----- Trust and academies ------------------------------------------------------------


@login_required
def administration(request: HttpRequest) -> HttpResponse:
    """The pages a trust is set up with and looks after a few times a year, one link each
    (shown by each page's own access rule), kept out of the navigation bar."""
    principal = _principal(request)
    _require(request, principal, Action.VIEW_ADMINISTRATION, None, visible=False)
    return render(request, "organisation/administration.html")


@login_required
def trust_detail(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _trust(principal)
    _require(request, principal, Action.VIEW_TRUST, trust, visible=False)
    return render(
        request,
        "organisation/trust_detail.html",
        {
            "trust": trust,
            "academies": selectors.academies_with_counts(trust_id=trust.pk),
            "can_edit": permissions.can(principal, Action.EDIT_TRUST, trust),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def trust_edit(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _trust(principal)
    _require(
        request,
        principal,
        Action.EDIT_TRUST,
        trust,
        visible=permissions.can(principal, Action.VIEW_TRUST, trust),
    )
    form = TrustForm(_posted(request), instance=trust)
    if request.method == "POST" and form.is_valid():
        try:
            services.trust_update(
                trust=trust, name=form.cleaned_data["name"], actor=_actor(request)
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The trust's name has been saved.")
            return redirect("organisation:trust")
    return render(request, "organisation/trust_form.html", {"form": form, "trust": trust})


def _academy_for_edit(principal: Principal, pk: int, *, request: HttpRequest) -> Academy:
    academy = Academy.objects.filter(trust_id=_trust(principal).pk, pk=pk).first()
    if academy is None:
        raise access_log.refused(request, Academy, pk, "No such academy.")
    _require(
        request,
        principal,
        Action.EDIT_ACADEMY,
        academy,
        visible=permissions.can(principal, Action.VIEW_ACADEMY, academy),
    )
    return academy


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def academy_add(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _trust(principal)
    _require(
        request,
        principal,
        Action.ADD_ACADEMY,
        trust,
        visible=permissions.can(principal, Action.VIEW_TRUST, trust),
    )
    form = AcademyForm(_posted(request), trust=trust)
    if request.method == "POST" and form.is_valid():
        try:
            academy = services.academy_create(
                trust=trust, actor=_actor(request), **form.cleaned_data
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{academy.name} has been added.")
            return redirect("organisation:trust")
    return render(request, "organisation/academy_form.html", {"form": form, "academy": None})


@login_required
@require_http_methods(["GET", "POST"])
def academy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    academy = _academy_for_edit(principal, pk, request=request)
    form = AcademyForm(_posted(request), instance=academy, trust=academy.trust)
    if request.method == "POST" and form.is_valid():
        try:
            services.academy_update(academy=academy, actor=_actor(request), **form.cleaned_data)
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The academy has been saved.")
            return redirect("organisation:trust")
    return render(request, "organisation/academy_form.html", {"form": form, "academy": academy})


# ----- Staff ---------------------------------------------------------------------------


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


# ----- Line management ----------------------------------------------------------------


@login_required
def line_management_index(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_LINE_MANAGEMENT, None, visible=False)
    academies = list(permissions.visible_academies(principal))
    if len(academies) == 1:
        return redirect("organisation:line_management", pk=academies[0].pk)
    return render(request, "organisation/line_management_index.html", {"academies": academies})


@login_required
def line_management(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    academy = permissions.get_academy_for_user(principal, pk, request=request)
    groups, unmanaged = selectors.line_management_for_academy(academy)
    return render(
        request,
        "organisation/line_management.html",
        {
            "academy": academy,
            "groups": groups,
            "unmanaged": unmanaged,
            "can_edit": permissions.can(principal, Action.EDIT_LINE_MANAGEMENT, academy),
        },
    )


# ----- Roles ---------------------------------------------------------------------------


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_ROLES, None, visible=False)
    show_all = request.GET.get("show") == "all"
    assignments = selectors.role_assignment_list(principal, current_only=not show_all)
    page = Paginator(assignments, ROLES_PAGE_SIZE).get_page(request.GET.get("page"))
    revocable = {
        a.pk
        for a in page.object_list
        if a.revoked_at is None and permissions.can(principal, Action.REVOKE_ROLE, a)
    }
    return render(
        request,
        "organisation/role_list.html",
        {
            "page": page,
            "show_all": show_all,
            "now": timezone.now(),
            "revocable": revocable,
            "can_grant": bool(permissions.grantable_roles(principal)),
            "can_see_requests": permissions.can(principal, Action.VIEW_ROLE_REQUESTS),
            "waiting_count": selectors.role_requests_waiting(principal).count(),
        },
    )


def _end_of_day(day: dt.date) -> dt.datetime:
    """A role whose last day is ``day`` ends at the following midnight, trust time."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def role_grant(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.grantable_roles(principal):
        _require(
            request,
            principal,
            Action.GRANT_ROLE,
            None,
            visible=permissions.can(principal, Action.VIEW_ROLES),
        )
    form = RoleGrantForm(_posted(request), principal=principal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        trust = _trust(principal)
        proposed = RoleAssignment(trust=trust, role=data["role"], academy=data["academy"])
        if not permissions.can(principal, Action.GRANT_ROLE, proposed):
            raise PermissionDenied
        expires_at = _end_of_day(data["until"]) if data["until"] else None
        try:
            # One transaction: a refused grant leaves no account made for it behind.
            with transaction.atomic():
                if data["staff"] is not None:
                    user = services.account_ensure_for_staff(
                        staff=data["staff"], actor=_actor(request)
                    )
                else:
                    user = data["user"] or services.account_create(
                        trust=trust,
                        email=data["person"],
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        actor=_actor(request),
                    )
                given = services.role_grant_or_request(
                    user=user,
                    role=data["role"],
                    trust=trust,
                    academy=data["academy"],
                    by=_actor(request),
                    reason=data["reason"],
                    expires_at=expires_at,
                )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            if isinstance(given, RoleRequest):
                messages.success(
                    request,
                    f"{given.user} will be {given.get_role_display()} once HR or another "
                    "trust administrator approves it. It is listed under “Roles waiting for "
                    "approval”.",
                )
            else:
                messages.success(request, f"{given.user} is now {given.get_role_display()}.")
            return redirect("organisation:roles")
    return render(request, "organisation/role_grant.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    assignment = permissions.get_role_assignment_for_user(principal, pk, request=request)
    _require(request, principal, Action.REVOKE_ROLE, assignment, visible=True)
    if request.method == "POST":
        services.role_revoke(assignment=assignment, revoked_by=_actor(request))
        messages.success(
            request, f"{assignment.user} is no longer {assignment.get_role_display()}."
        )
        return redirect("organisation:roles")
    return render(request, "organisation/role_revoke.html", {"assignment": assignment})


# ----- Roles waiting for approval ---------------------------------------------------------


@login_required
def role_requests(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_ROLE_REQUESTS, None, visible=False)
    waiting = list(selectors.role_requests_waiting(principal))
    return render(
        request,
        "organisation/role_requests.html",
        {
            "waiting": waiting,
            "decidable": {
                r.pk for r in waiting if permissions.can(principal, Action.DECIDE_ROLE_REQUEST, r)
            },
            "decided": selectors.role_requests_decided(principal),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    role_request = permissions.get_role_request_for_user(principal, pk, request=request)
    may_decide = permissions.can(principal, Action.DECIDE_ROLE_REQUEST, role_request)
    form = RoleDecisionForm(_posted(request))
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied(
                "A role is approved by HR or another trust administrator: not by the person "
                "who asked for it, nor by the person it is for."
            )
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                decided = services.role_request_decide(
                    request=role_request, decided_by=_actor(request), approve=approve
                )
            except OrganisationError as exc:
                form.add_error(None, str(exc))
            else:
                what = "is now" if approve else "will not be"
                messages.success(request, f"{decided.user} {what} {decided.get_role_display()}.")
                return redirect("organisation:role_requests")
    return render(
        request,
        "organisation/role_request.html",
        {"role_request": role_request, "may_decide": may_decide, "form": form},
    )


# ----- Job roles ------------------------------------------------------------------------


@login_required
def job_role_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _require(request, principal, Action.VIEW_JOB_ROLES, None, visible=False)
    return render(
        request,
        "organisation/job_role_list.html",
        {"job_roles": selectors.job_roles_with_counts(trust_id=principal.trust_id or 0)},
    )


# ----- Staff import -----------------------------------------------------------------------


def _import_allowed(request: HttpRequest, principal: Principal) -> Trust:
    trust = _trust(principal)
    _require(
        request,
        principal,
        Action.IMPORT_STAFF,
        trust,
        visible=permissions.can(principal, Action.VIEW_TRUST, trust),
    )
    return trust


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def staff_import(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    trust = _import_allowed(request, principal)
    form = StaffImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.staff_import_csv(
            trust=trust, data=form.cleaned_data["file"].read(), actor=_actor(request)
        )
        if result.imported:
            request.session[IMPORT_SUMMARY_KEY] = {
                "rows": result.row_count,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "accounts_created": result.accounts_created,
                "job_roles_created": result.job_roles_created,
                "ignored_columns": result.ignored_columns,
            }
            return redirect("organisation:staff_import_done")
    return render(
        request,
        "organisation/staff_import.html",
        {
            "form": form,
            "result": result,
            "columns": [(label, spellings) for label, spellings in COLUMNS.values()],
        },
    )


@login_required
def staff_import_done(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _import_allowed(request, principal)
    summary = request.session.get(IMPORT_SUMMARY_KEY)
    if summary is None:
        return redirect("organisation:staff_import")
    return render(request, "organisation/staff_import_done.html", {"summary": summary})


@login_required
def staff_import_example(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    _import_allowed(request, principal)
    response = HttpResponse(EXAMPLE_CSV.encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="staff-import-example.csv"'
    return response


def _has_authenticator(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exists()
