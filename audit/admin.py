from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AccessLogEntry, SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows are append-only: the platform admin may read them, never edit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "trust", "user", "action", "object_type", "object_id", "ip"]
    list_filter = ["action", "trust"]
    date_hierarchy = "at"


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "trust", "user", "kind", "path", "ip"]
    list_filter = ["kind", "trust"]
    date_hierarchy = "at"
