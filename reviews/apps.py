from __future__ import annotations

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Observations, evidence and reviews"

    def ready(self) -> None:
        # What reviews add to the appraisal cycle: their due dates (observation feedback,
        # the annual review, the statement) and their section of the cycle page, shown
        # after the objectives' (INSTALLED_APPS lists objectives first).
        from cycles import extensions

        from . import deadlines, selectors

        extensions.deadline_sources.register(deadlines)
        # The home page's to-do list: who acts now on these deadlines, and where.
        from reminders.extensions import step_sources

        from . import todo

        step_sources.register(todo)
        extensions.cycle_page_sections.register(
            extensions.TemplateSection(
                "reviews/_cycle_section.html", selectors.cycle_section_context
            )
        )
        # Observations keep their own retention period (retention.observation_years).
        from retention.registry import ChildRecordType, retention_registry

        from .models import Observation

        retention_registry.register_record_type(
            ChildRecordType(
                key="observation",
                label="Observation",
                root_key="appraisal_cycle",
                model=Observation,
                retention_field="observation",
                root_column="cycle_id",
                # The stored statements that show them go with them.
                extra_files=selectors.statement_files_of_observations,
            )
        )
        # A member of staff's copy of their data (subject_access) holds their
        # observations, evidence files, reviews and statements.
        from subject_access.extensions import PersonalDataSource, personal_data_sources

        from . import personal_data

        personal_data_sources.register(
            PersonalDataSource(
                "reviews",
                "Observations, evidence, reviews and statements",
                personal_data.personal_data_parts,
            )
        )
