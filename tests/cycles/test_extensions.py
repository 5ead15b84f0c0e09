"""The cycle's extension points: what apps above cycles register, and that cycles uses it."""

from __future__ import annotations

import ast
import datetime as dt
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings

from cycles import extensions
from cycles.deadlines import Deadline, Subject, all_deadlines
from cycles.extensions import ExtensionError, TemplateSection, recipient_roles
from cycles.models import AppraisalCycle
from cycles.rules import ExclusionReason
from cycles.services import cycles_open
from organisation.models import StaffMember
from policies.models import PolicyVersion

from .factories import CycleFactory, D


class FakeDeadlines:
    """A deadline source an app above cycles might register."""

    STOPPED_BY_SUSPENSION = True

    def deadlines_for_cycles(
        self, cycles: Sequence[AppraisalCycle], calendars: Mapping[int, Any]
    ) -> list[Deadline]:
        return [
            Deadline(
                cycle_id=c.pk,
                kind="fake_due",
                label="Something the fake app sets",
                due_on=D(2026, 10, 9),
                recipient="appraisee",
            )
            for c in cycles
        ]


class FakeCapability:
    """A capability source saying that one named person is in the procedure."""

    def __init__(self, staff_id: int) -> None:
        self.staff_id = staff_id
        self.asked: list[set[int]] = []

    def staff_in_capability(self, staff: Any) -> list[int]:
        self.asked.append(set(staff.values_list("id", flat=True)))
        return [self.staff_id]


# ----- The registries refuse the wrong shape ----------------------------------------------


class NoMethod:
    pass


class WrongArity:
    STOPPED_BY_SUSPENSION = True

    def deadlines_for_cycles(self, cycles: object) -> list[Deadline]:
        return []


class NotCallable:
    STOPPED_BY_SUSPENSION = True
    deadlines_for_cycles = "objectives.deadlines"


class NoSuspensionFlag:
    def deadlines_for_cycles(self, cycles: object, calendars: object) -> list[Deadline]:
        return []


class FlagNotABool(NoSuspensionFlag):
    STOPPED_BY_SUSPENSION = "yes"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (NoMethod(), "is not a deadline source"),
        (WrongArity(), "must take 2 positional arguments"),
        (NotCallable(), "must be callable"),
        ("objectives.deadlines", "is not a deadline source"),
        (NoSuspensionFlag(), "needs deadlines_for_cycles, STOPPED_BY_SUSPENSION"),
        (FlagNotABool(), "STOPPED_BY_SUSPENSION must be True or False"),
    ],
)
def test_a_deadline_source_of_the_wrong_shape_is_refused(item: object, message: str) -> None:
    registry: extensions.Registry[Any] = extensions.Registry(
        "deadline source",
        extensions.DeadlineSource,
        methods={"deadlines_for_cycles": 2},
        attributes={"STOPPED_BY_SUSPENSION": bool},
    )
    with pytest.raises(ExtensionError, match=message):
        registry.register(item)
    assert len(registry) == 0


def test_the_shared_registries_refuse_the_wrong_shape_and_keep_what_they_had() -> None:
    before = list(extensions.deadline_sources)
    with pytest.raises(ExtensionError):
        extensions.deadline_sources.register(NoMethod())  # type: ignore[arg-type]
    with pytest.raises(ExtensionError):
        extensions.capability_sources.register(FakeDeadlines())  # type: ignore[arg-type]
    assert list(extensions.deadline_sources) == before


class NoTemplate:
    template_name = ""

    def context(self, cycle: object, principal: object) -> dict[str, Any]:
        return {}


def test_a_page_section_needs_a_template_and_a_filler_taking_cycle_and_principal() -> None:
    with pytest.raises(ExtensionError, match="template_name must be a non-empty str"):
        extensions.cycle_page_sections.register(NoTemplate())
    with pytest.raises(ExtensionError, match="must take 2 positional arguments"):
        TemplateSection("objectives/_cycle_section.html", lambda cycle: {})  # type: ignore[arg-type,misc]
    assert NoTemplate() not in extensions.cycle_page_sections


def test_registering_twice_adds_once() -> None:
    registry: extensions.Registry[Any] = extensions.Registry(
        "deadline source", extensions.DeadlineSource, methods={"deadlines_for_cycles": 2}
    )
    fake = FakeDeadlines()
    registry.register(fake)
    registry.register(fake)
    assert list(registry) == [fake]
    registry.unregister(fake)
    assert list(registry) == []


# ----- What the installed apps register ---------------------------------------------------


def test_objectives_and_reviews_register_their_deadlines_and_page_sections() -> None:
    from objectives import deadlines as objectives_deadlines
    from reviews import deadlines as reviews_deadlines

    sources = list(extensions.deadline_sources)
    assert objectives_deadlines in sources and reviews_deadlines in sources
    templates = [s.template_name for s in extensions.cycle_page_sections]
    # The cycle page lists objectives before observations and the review.
    assert templates[:2] == ["objectives/_cycle_section.html", "reviews/_cycle_section.html"]


# ----- Cycles use what is registered ------------------------------------------------------


@pytest.fixture
def fake_deadlines() -> Iterator[FakeDeadlines]:
    fake = FakeDeadlines()
    extensions.deadline_sources.register(fake)
    yield fake
    extensions.deadline_sources.unregister(fake)


@pytest.mark.django_db
def test_a_registered_deadline_source_is_asked_for_every_open_cycle(
    classic: PolicyVersion, team: list[StaffMember], fake_deadlines: FakeDeadlines
) -> None:
    cycle = CycleFactory(appraisee=team[0], policy_version=classic)
    with time_machine.travel(dt.date(2026, 9, 20), tick=False):
        found = all_deadlines(AppraisalCycle.objects.filter(pk=cycle.pk))
    fake = [d for d in found if d.kind == "fake_due"]
    assert [(d.cycle_id, d.due_on, d.recipient) for d in fake] == [
        (cycle.pk, D(2026, 10, 9), "appraisee")
    ]
    # The installed apps' sources are still asked alongside it.
    assert {d.kind for d in found} - {"fake_due", "cycle_started", "cycle_review_started"}


@pytest.mark.django_db
def test_without_the_source_its_deadlines_are_gone(
    classic: PolicyVersion, team: list[StaffMember]
) -> None:
    cycle = CycleFactory(appraisee=team[0], policy_version=classic)
    assert "fake_due" not in {d.kind for d in all_deadlines([cycle])}


@pytest.fixture
def capability_for(team: list[StaffMember]) -> Iterator[FakeCapability]:
    fake = FakeCapability(team[1].pk)
    extensions.capability_sources.register(fake)
    yield fake
    extensions.capability_sources.unregister(fake)


@pytest.mark.django_db
def test_a_registered_capability_source_leaves_its_staff_out_of_the_new_year(
    classic: PolicyVersion,
    manager: StaffMember,
    team: list[StaffMember],
    capability_for: FakeCapability,
) -> None:
    with time_machine.travel(D(2026, 8, 20), tick=False):
        result = cycles_open(trust=manager.trust, year=2026, actor=None)
    assert {p.name: p.reason for p in result.excluded} == {
        team[1].full_name: ExclusionReason.CAPABILITY
    }
    assert not AppraisalCycle.objects.filter(appraisee=team[1]).exists()
    assert AppraisalCycle.objects.filter(appraisee=team[0]).exists()
    # It was asked about the people being opened for, not the whole database.
    assert team[1].pk in capability_for.asked[0]


# ----- Nothing is looked up by name -------------------------------------------------------

ROOT = Path(settings.BASE_DIR)
LOOKUPS = {"import_module", "import_string", "__import__"}


def _project_apps() -> list[Path]:
    return [
        ROOT / name
        for name in settings.INSTALLED_APPS
        if "." not in name and (ROOT / name / "apps.py").exists()
    ]


def test_no_app_looks_up_project_code_by_module_name() -> None:
    """An importlib probe for a module that does not exist does nothing, silently: apps
    register with the app below them instead (``cycles.extensions``)."""
    apps = _project_apps()
    assert {p.name for p in apps} >= {"cycles", "objectives", "reviews", "reminders"}
    found: list[str] = []
    for app in apps:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Import) and any(a.name == "importlib" for a in node.names):
                    found.append(f"{where} imports importlib")
                elif isinstance(node, ast.ImportFrom) and any(
                    a.name in LOOKUPS for a in node.names
                ):
                    found.append(f"{where} imports {node.module}.{node.names[0].name}")
                elif isinstance(node, ast.Attribute) and node.attr in LOOKUPS:
                    found.append(f"{where} calls {node.attr}")
                elif isinstance(node, ast.Name) and node.id in LOOKUPS:
                    found.append(f"{where} calls {node.id}")
    assert found == []


# ----- The layer contract covers every app ------------------------------------------------


def test_every_app_is_in_the_import_layer_contract() -> None:
    """An app missing from ``[tool.importlinter]`` would escape ``make lint``'s layer check."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - set(config["root_packages"]) == set()
    (contract,) = config["contracts"]
    in_layers = {
        name.strip("() ").split(".")[0]
        for layer in contract["layers"]
        for name in layer.replace("|", ":").split(":")
    }
    assert apps - in_layers == set()


# ----- Subjects and recipient roles -------------------------------------------------------


def test_a_deadline_is_about_its_cycle_unless_it_names_another_subject() -> None:
    on_cycle = Deadline(cycle_id=5, kind="k", label="L", due_on=D(2026, 10, 9), recipient="x")
    assert on_cycle.subject == Subject("appraisal_cycle", 5) == Subject.of_cycle(5)
    plan = Deadline(
        cycle_id=None,
        kind="k",
        label="L",
        due_on=D(2026, 10, 9),
        recipient="x",
        subject=Subject("support_plan", 7),
    )
    assert plan.subject == Subject("support_plan", 7) and plan.cycle_id is None
    with pytest.raises(ValueError, match="names neither a subject nor a cycle"):
        Deadline(cycle_id=None, kind="k", label="L", due_on=D(2026, 10, 9), recipient="x")


class OtherReviewer:
    role = "reviewer"
    label = "Someone else"

    def users_for(self, deadlines: object, cycles: object, on: object) -> dict[Any, Any]:
        return {}


def test_the_cycles_roles_are_registered_and_a_role_has_one_resolver() -> None:
    assert {"reviewer", "appraisee", "headteacher"} <= {r.role for r in recipient_roles}
    assert recipient_roles.label("appraisee") == "Member of staff"
    assert recipient_roles.label("pay_committee_clerk") == "Pay committee clerk"
    with pytest.raises(ExtensionError, match="'reviewer' is already resolved"):
        recipient_roles.register(OtherReviewer())
    assert OtherReviewer not in {type(r) for r in recipient_roles}


def test_the_cycle_page_says_each_role_in_words() -> None:
    from cycles.selectors import DeadlineRow

    def row(role: str) -> DeadlineRow:
        deadline = Deadline(cycle_id=1, kind="k", label="L", due_on=D(2026, 10, 9), recipient=role)
        return DeadlineRow(deadline=deadline, status="due")

    assert row("appraisee").recipient_label == "Member of staff"
    assert row("hr").recipient_label == "HR"
    assert row("plan_manager").recipient_label == "Plan manager"
