"""Policy paragraphs."""

from __future__ import annotations

from policies.models import PolicyVersion
from policies.schema import flatten_settings


def policy_paragraphs(version: PolicyVersion) -> dict[str, str]:
    """Setting path → the paragraph of the trust's policy it comes from, for the settings
    that still hold the value the policy document gives (a setting the trust has changed
    since is the trust's own and quotes no paragraph)."""
    cached: dict[str, str] | None = getattr(version, "_objectives_paragraphs", None)
    if cached is not None:
        return cached
    from policies.selectors import preset_sources

    sources, preset_values = preset_sources(version.policy)
    values = flatten_settings(version.rules) if sources else {}
    found = {
        path: paragraph
        for path, paragraph in sources.items()
        if path in values and values[path] == preset_values.get(path)
    }
    # The section a setting belongs to is cited for a rule that spans it ("meetings").
    version._objectives_paragraphs = found  # type: ignore[attr-defined]
    return found
