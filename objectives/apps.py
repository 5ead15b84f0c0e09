from __future__ import annotations

from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "objectives"
    verbose_name = "Objectives"

    def ready(self) -> None:
        # What objectives add to the appraisal cycle: their due dates (agreeing
        # objectives, conversations, meetings) and their section of the cycle page.
        from cycles import extensions

        from . import deadlines, selectors

        extensions.deadline_sources.register(deadlines)
        # The home page's to-do list: who acts now on these deadlines, and where.
        from reminders.extensions import step_sources

        from . import todo

        step_sources.register(todo)
        extensions.cycle_page_sections.register(
            extensions.TemplateSection(
                "objectives/_cycle_section.html", selectors.cycle_section_context
            )
        )
        # A member of staff's copy of their data (subject_access) holds their
        # objectives, plans, conversations, their wellbeing notes and meetings.
        from subject_access.extensions import PersonalDataSource, personal_data_sources

        from . import personal_data

        personal_data_sources.register(
            PersonalDataSource(
                "objectives",
                "Objectives, conversations, wellbeing notes and meetings",
                personal_data.personal_data_parts,
            )
        )
