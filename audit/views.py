"""The access log and security events, for HR of the trust only (everyone else: 404)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from organisation.principal import Principal, principal_for

from .forms import AuditFilterForm
from .permissions import can_view_audit
from .selectors import access_log_for_trust, security_events_for_trust

PAGE_SIZE = 50


def _hr_principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not can_view_audit(principal):
        raise Http404
    return principal


def _render_page(
    request: HttpRequest, *, template: str, rows: Any, form: AuditFilterForm, tab: str
) -> HttpResponse:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "tab": tab,
            "filter_query": urlencode(filters),
        },
    )


def _filters(form: AuditFilterForm) -> dict[str, Any]:
    if not form.is_valid():
        return {}
    return {
        "person": form.cleaned_data.get("person") or "",
        "date_from": form.cleaned_data.get("date_from"),
        "date_to": form.cleaned_data.get("date_to"),
    }


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    principal = _hr_principal(request)
    form = AuditFilterForm(request.GET or None)
    rows: QuerySet[Any] = access_log_for_trust(
        trust_id=principal.trust_id,  # type: ignore[arg-type]
        **_filters(form),
    )
    return _render_page(
        request, template="audit/access_log.html", rows=rows, form=form, tab="access"
    )


@login_required
def security_events(request: HttpRequest) -> HttpResponse:
    principal = _hr_principal(request)
    form = AuditFilterForm(request.GET or None)
    rows: QuerySet[Any] = security_events_for_trust(
        trust_id=principal.trust_id,  # type: ignore[arg-type]
        **_filters(form),
    )
    return _render_page(
        request, template="audit/security_events.html", rows=rows, form=form, tab="security"
    )
