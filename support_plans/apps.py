from django.apps import AppConfig


class SupportPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "support_plans"
    verbose_name = "Support plans"

    def ready(self) -> None:
        from cycles import extensions
        from policies.extensions import register_pin_source
        from retention.registry import retention_registry
        from retention.roots import CYCLE_ROOT

        from . import deadlines, selectors
        from .retention import CONCERN_ROOT, SUPPORT_PLAN_ROOT, TERMLY_REVIEW_ROOT

        # A new policy version may not start before one that support plans run under.
        register_pin_source(selectors.latest_version_start_pinned_by_plans)
        # Opening a year leaves out people in the capability procedure.
        extensions.capability_sources.register(selectors.capability_source)
        # Pay progression reads who was told of concerns and given support.
        extensions.support_record_sources.register(selectors.support_records)
        # The cycle page shows the person's support plans and offers to record a concern.
        extensions.cycle_page_sections.register(
            extensions.TemplateSection(
                "support_plans/_cycle_section.html", selectors.cycle_section_context
            )
        )
        # A closed plan is destroyed whole after its policy's support plan (or capability)
        # years; a legal hold keeps it.
        # The appraisal record stays the first kind the legal hold form offers (retention,
        # which registers it, starts after this app): registering it again does nothing.
        retention_registry.register_root(CYCLE_ROOT)
        retention_registry.register_root(SUPPORT_PLAN_ROOT)
        retention_registry.register_root(CONCERN_ROOT)
        # The HR director's termly meetings with headteachers: the same years, from the
        # end of their term.
        retention_registry.register_root(TERMLY_REVIEW_ROOT)
        # Meetings, notice, letters, stage and sustain ends remind the plan's manager, the
        # headteacher and HR; a suspended cycle does not stop them.
        extensions.deadline_sources.register(deadlines)
        extensions.recipient_roles.register(deadlines.plan_manager_role)
        # The home page's to-do list: who acts now on these deadlines, and where.
        from reminders.extensions import step_sources

        from . import todo

        step_sources.register(todo)
        # The governors' and trustees' reports count plans by stage (sensitive figures).
        from reports.sections import register_section

        from .report_section import SECTION

        register_section(SECTION)
        # A member of staff's copy of their data (subject_access) holds their
        # concerns, support plans and their letters.
        from subject_access.extensions import PersonalDataSource, personal_data_sources

        from . import personal_data

        personal_data_sources.register(
            PersonalDataSource(
                "support_plans",
                "Concerns, support plans and letters",
                personal_data.personal_data_parts,
            )
        )
