from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subject_access"
    verbose_name = "Copies of personal data"

    def ready(self) -> None:
        from retention.expiry import expiring_files

        from . import services

        # The apps above register what they hold about a person (``extensions``); the
        # records of the layers below are read by ``selectors`` itself.
        # An archive's file goes with the nightly file clean-up once its link has expired.
        expiring_files.register(services.EXPIRING_ARCHIVES)
        # HR's to-do list holds each request still to answer, by its one-month deadline.
        from reminders.extensions import todo_item_sources

        from .todo import TODO_ITEMS

        todo_item_sources.register(TODO_ITEMS)
