from django.apps import AppConfig


class CyclesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cycles"
    verbose_name = "Appraisal cycles"
