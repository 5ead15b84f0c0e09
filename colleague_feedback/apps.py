from django.apps import AppConfig


class ColleagueFeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "colleague_feedback"
    verbose_name = "Colleague feedback"

    def ready(self) -> None:
        from cycles import extensions
        from retention.registry import retention_registry
        from retention.roots import CYCLE_ROOT

        from . import deadlines, selectors
        from .retention import FEEDBACK_RECORD_TYPE

        # The cycle page offers the reviewer to ask colleagues, and shows the member of
        # staff what waits for their agreement.
        extensions.cycle_page_sections.register(
            extensions.TemplateSection(
                "colleague_feedback/_cycle_section.html", selectors.cycle_section_context
            )
        )
        # Each colleague asked is reminded to answer by the closing day.
        extensions.deadline_sources.register(deadlines)
        extensions.recipient_roles.register(deadlines.feedback_colleague_role)
        # ...and sees each request on their own "My deadlines" with its closing day.
        from reminders.extensions import deadline_cycle_sources

        deadline_cycle_sources.register(deadlines)
        # Kept and destroyed with the appraisal record it belongs to.
        retention_registry.register_root(CYCLE_ROOT)
        retention_registry.register_record_type(FEEDBACK_RECORD_TYPE)
        # A member of staff's copy of their data (subject_access) holds their
        # colleague feedback about them, without who wrote which.
        from subject_access.extensions import PersonalDataSource, personal_data_sources

        from . import personal_data

        personal_data_sources.register(
            PersonalDataSource(
                "colleague_feedback", "Colleague feedback", personal_data.personal_data_parts
            )
        )
