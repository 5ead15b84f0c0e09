from django.apps import AppConfig


class SupportPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "support_plans"
    verbose_name = "Support plans"

    def ready(self) -> None:
        from cycles import extensions
        from policies.extensions import register_pin_source

        from . import selectors

        # A new policy version may not start before one that support plans run under.
        register_pin_source(selectors.latest_version_start_pinned_by_plans)
        # Opening a year leaves out people in the capability procedure.
        extensions.capability_sources.register(selectors.capability_source)
        # The cycle page shows the person's support plans and offers to record a concern.
        extensions.cycle_page_sections.register(
            extensions.TemplateSection(
                "support_plans/_cycle_section.html", selectors.cycle_section_context
            )
        )
