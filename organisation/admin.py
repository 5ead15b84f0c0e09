"""Platform administration of the organisation tables (the service's own operators only).

Trusts run their organisation through the pages, which check access and write through the
services. Here, line management and role grants are read-only: changing them outside
``services`` would leave the closure table or the guardian permission rows behind.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import Academy, JobRole, RoleAssignment, StaffMember, Trust


@admin.register(Trust)
class TrustAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Academy)
class AcademyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "trust", "urn", "is_central_team"]
    list_filter = ["trust", "is_central_team"]
    search_fields = ["name", "urn"]
    list_select_related = ["trust"]


@admin.register(JobRole)
class JobRoleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "trust"]
    list_filter = ["trust"]
    search_fields = ["name"]
    list_select_related = ["trust"]


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "staff_number", "trust", "academy", "job_role", "staff_group"]
    list_filter = ["trust", "staff_group"]
    search_fields = ["first_name", "last_name", "staff_number", "email"]
    list_select_related = ["trust", "academy", "job_role"]
    raw_id_fields = ["academy", "job_role", "user"]
    readonly_fields = ["trust", "line_manager"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New staff need an account and a closure row: add them on the staff pages.
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "trust", "academy", "starts_at", "expires_at", "revoked_at"]
    list_filter = ["role", "trust"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user", "trust", "academy"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
