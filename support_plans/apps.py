from django.apps import AppConfig


class SupportPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "support_plans"
    verbose_name = "Support plans"
