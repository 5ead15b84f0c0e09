"""Bank holiday overrides are platform-wide: only superusers manage them, here.

Terms, INSET and closure days belong to one trust and are edited on the trust's own pages,
so they are deliberately not registered in the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import BankHolidayOverride


@admin.register(BankHolidayOverride)
class BankHolidayOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "is_holiday"]
    list_filter = ["is_holiday"]
    search_fields = ["name"]
    date_hierarchy = "date"

    # One trust's administrator (even one with Django staff status) must never change the
    # working days of every other trust: superusers only, whatever model permissions say.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)
