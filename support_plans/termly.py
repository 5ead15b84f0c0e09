"""Reads for the HR director's termly meetings with each headteacher (langley §7 VII): which
academies' policies ask for them (``support.hr_meets_headteachers_termly``), the term each
is for, and where each meeting is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from calendars.models import Term
from organisation.models import Academy, StaffGroup
from organisation.principal import Principal
from policies.models import PolicyAssignment, PolicyVersion
from policies.selectors import most_specific, version_in_force

from . import permissions
from .models import TermlyReview


def academy_policy(academy: Academy, on: dt.date) -> PolicyVersion | None:
    """The policy version in force on ``on`` for the academy's teachers: the one whose
    support settings the academy follows."""
    assignments = PolicyAssignment.objects.filter(
        trust_id=academy.trust_id, staff_group=StaffGroup.TEACHING, job_role__isnull=True
    ).select_related("policy")
    best = most_specific(
        assignments, staff_group=StaffGroup.TEACHING, academy_id=academy.pk, job_role_id=None
    )
    if best is None:
        return None
    return version_in_force(policy=best.policy, on=on)


def meets_termly(academy: Academy, on: dt.date) -> bool:
    version = academy_policy(academy, on)
    return version is not None and version.rules.support.hr_meets_headteachers_termly


def current_term(academy: Academy, on: dt.date) -> Term | None:
    """The term ``on`` falls in, or in a holiday the next term."""
    return Term.objects.filter(academy=academy, ends_on__gte=on).order_by("starts_on").first()


@dataclass(frozen=True)
class TermlyRow:
    academy: Academy
    term: Term | None
    review: TermlyReview | None


def termly_rows(principal: Principal, on: dt.date) -> list[TermlyRow]:
    """For the current term, each academy the viewer oversees whose policy asks for the
    termly meeting, with its meeting if there is one."""
    academies = Academy.objects.filter(permissions.termly_review_academies(principal)).filter(
        is_central_team=False
    )
    rows = []
    for academy in academies.order_by("name"):
        if not meets_termly(academy, on):
            continue
        term = current_term(academy, on)
        review = TermlyReview.objects.filter(academy=academy, term=term).first() if term else None
        rows.append(TermlyRow(academy=academy, term=term, review=review))
    return rows
