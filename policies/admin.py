"""Read-only admin for policies: superusers may look, for support. Every change goes
through the trust's own policy pages (and so through the services that validate settings,
number versions and protect versions pinned by cycles)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import Policy, PolicyAssignment, PolicyVersion


class _ReadOnlyForSuperusers(SimpleHistoryAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(_ReadOnlyForSuperusers):
    list_display = ["name", "trust", "preset", "created_at"]
    list_filter = ["trust"]
    search_fields = ["name"]
    list_select_related = ["trust"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(_ReadOnlyForSuperusers):
    list_display = ["policy", "number", "effective_from", "created_by", "created_at"]
    list_filter = ["policy__trust"]
    list_select_related = ["policy", "created_by"]


@admin.register(PolicyAssignment)
class PolicyAssignmentAdmin(_ReadOnlyForSuperusers):
    list_display = ["trust", "staff_group", "academy", "job_role", "policy"]
    list_filter = ["trust", "staff_group"]
    list_select_related = ["trust", "academy", "job_role", "policy"]
