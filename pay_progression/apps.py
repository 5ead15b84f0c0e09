from django.apps import AppConfig


class PayProgressionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pay_progression"
    verbose_name = "Pay progression"
