from django.apps import AppConfig


class CyclesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cycles"
    verbose_name = "Appraisal cycles"

    def ready(self) -> None:
        from policies.extensions import register_pin_source

        from .pins import latest_version_start_pinned_by_cycles

        # A new policy version may not start before one that cycles already run under.
        register_pin_source(latest_version_start_pinned_by_cycles)
