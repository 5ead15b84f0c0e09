from django.apps import AppConfig


class PayProgressionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pay_progression"
    verbose_name = "Pay progression"

    def ready(self) -> None:
        from cycles import extensions
        from policies.extensions import register_pin_source
        from retention.registry import retention_registry
        from retention.roots import CYCLE_ROOT

        from . import deadlines, selectors
        from .retention import PAY_RECOMMENDATION_ROOT

        # A new policy version may not start before one a pay recommendation pins.
        register_pin_source(selectors.latest_version_start_pinned_by_recommendations)
        # A decided recommendation is destroyed whole after its policy's pay years; a
        # legal hold keeps it. (The appraisal record stays the first kind the legal hold
        # form offers: registering it again does nothing.)
        retention_registry.register_root(CYCLE_ROOT)
        retention_registry.register_root(PAY_RECOMMENDATION_ROOT)
        # Drafts, approvals and statements due remind the recommender, the headteacher and
        # HR by the pinned policy's pay decision date.
        extensions.deadline_sources.register(deadlines)
        # The headteacher's own is drafted by their review committee, who see it on their
        # "My deadlines" and are reminded.
        from reminders.extensions import deadline_cycle_sources

        extensions.recipient_roles.register(deadlines.review_committee_role)
        deadline_cycle_sources.register(deadlines)
        # classic §5.7.7: the headteacher's cycle page shows its review committee the
        # headteacher's pay recommendation, to draft and refer to the pay committee.
        extensions.cycle_page_sections.register(
            extensions.TemplateSection(
                "pay_progression/_cycle_section.html", selectors.cycle_section_context
            )
        )
        # A member of staff's copy of their data (subject_access) holds their
        # pay history, shared pay recommendations and pay statements.
        from subject_access.extensions import PersonalDataSource, personal_data_sources

        from . import personal_data

        personal_data_sources.register(
            PersonalDataSource(
                "pay_progression",
                "Pay history, recommendations and statements",
                personal_data.personal_data_parts,
            )
        )
