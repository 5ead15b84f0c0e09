from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from organisation.access_log import register_access_recorder

        from . import (
            receivers,  # noqa: F401
            services,
        )

        # Every app's pages note reads and refused look-ups through organisation.access_log.
        register_access_recorder(services)
