"""Every policy setting changes what the product does, and a test shows it.

A setting a trust can edit and nothing reads would be a lie to the trust. So each field of
the policy document is either

- named by ``@pytest.mark.policy_setting("section.field")`` on a test that changes only
  that setting and asserts the changed behaviour, or
- listed in ``AWAITING`` below, with the feature that will read it. Those features are
  being built (support plans and capability, governors' reports, the
  headteacher's own appraisal, probation and colleague feedback); each one empties its
  rows as it lands. The policy page says of every awaiting setting that it changes
  nothing yet.

The marks are found by reading the test sources (not by collecting them), so this test
gives the same answer whichever subset of the suite is run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from policies.schema import field_specs

TESTS = Path(__file__).resolve().parent.parent

SUPPORT = "support plans and capability"
REPORTS = "governors' reports"
HEADTEACHER = "the headteacher's own appraisal"
FEEDBACK = "colleague feedback"

# setting -> the feature that will read it. Nothing else may be listed here.
AWAITING: dict[str, str] = {
    "confidentiality.outside_parties_anonymised": REPORTS,
    "confidentiality.governors_may_request_sample": REPORTS,
    "confidentiality.governor_reports_without_individuals": REPORTS,
}

# The phrase the policy page uses for a setting that is recorded but not yet read.
AWAITING_PHRASE = "changes nothing yet"


def _marked_paths() -> dict[str, list[str]]:
    """``{"section.field": ["tests/x/test_y.py::test_z", ...]}`` for every
    ``policy_setting`` mark in the test sources."""
    found: dict[str, list[str]] = {}
    for source in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if not (isinstance(func, ast.Attribute) and func.attr == "policy_setting"):
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    where = f"{source.relative_to(TESTS.parent)}:{node.lineno}"
                    found.setdefault(arg.value, []).append(where)
    return found


MARKED = _marked_paths()
PATHS = [spec.path for spec in field_specs()]


def test_every_setting_is_tested_or_awaiting_a_named_feature():
    missing = [p for p in PATHS if p not in MARKED and p not in AWAITING]
    assert not missing, (
        "These settings have no test marked @pytest.mark.policy_setting(...) that shows "
        "what changing them does; enforce each (with such a test) or remove it: "
        + ", ".join(missing)
    )


def test_awaiting_lists_only_settings_nothing_reads_yet():
    both = {p: MARKED[p] for p in AWAITING if p in MARKED}
    assert not both, f"Tested now, so take them out of AWAITING: {both}"
    unknown = [p for p in AWAITING if p not in PATHS]
    assert not unknown, f"AWAITING names settings the document does not have: {unknown}"


def test_every_mark_names_a_real_setting():
    unknown = {p: where for p, where in MARKED.items() if p not in PATHS}
    assert not unknown, f"policy_setting marks naming no setting: {unknown}"


@pytest.mark.parametrize("spec", field_specs(), ids=lambda s: s.path)
def test_the_policy_page_says_what_each_setting_changes(spec):
    assert spec.effect.strip(), f"{spec.path}: add what it changes to its section's EFFECTS"
    if spec.path in AWAITING:
        assert AWAITING_PHRASE in spec.effect, (
            f"{spec.path} is read by nothing yet: its effect must say it "
            f"{AWAITING_PHRASE!r} ({AWAITING[spec.path]})"
        )
    else:
        assert AWAITING_PHRASE not in spec.effect, spec.path
