from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from accounts.mfa import register_mfa_rule

        from .mfa import user_has_role_requiring_mfa

        # HR, trust administrators, the CEO, headteachers and delegated leads see many
        # people's records: they must use two-step verification.
        register_mfa_rule(user_has_role_requiring_mfa)
