from django.apps import AppConfig


class ProbationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "probation"
    verbose_name = "Probation"

    def ready(self) -> None:
        from cycles import extensions
        from retention.registry import retention_registry
        from retention.roots import CYCLE_ROOT

        from . import deadlines, selectors
        from .retention import PROBATION_ROOT

        # Opening a year leaves out people whose probation is still running, by their
        # probation record's own dates (the policy's ``scope.exclude_probationers``).
        extensions.probation_sources.register(selectors.probation_source)
        # A probationer who also has an appraisal cycle sees their review meetings and
        # end date among the cycle's deadlines.
        extensions.deadline_sources.register(deadlines)
        extensions.recipient_roles.register(deadlines.line_manager_role)
        # A decided probation is destroyed whole after its policy's probation years.
        retention_registry.register_root(CYCLE_ROOT)
        retention_registry.register_root(PROBATION_ROOT)
        # A member of staff's copy of their data (subject_access) holds their
        # probation records and review meetings.
        from subject_access.extensions import PersonalDataSource, personal_data_sources

        from . import personal_data

        personal_data_sources.register(
            PersonalDataSource("probation", "Probation", personal_data.personal_data_parts)
        )
