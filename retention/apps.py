from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "retention"
    verbose_name = "Retention and purges"

    def ready(self) -> None:
        # The appraisal cycle is the first root the purge destroys (cycles may not import
        # retention, so it is registered here); the apps above register the record types
        # they keep under it.
        from .registry import retention_registry
        from .roots import CYCLE_ROOT

        retention_registry.register_root(CYCLE_ROOT)
