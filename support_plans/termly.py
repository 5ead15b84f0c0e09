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
from policies.selectors import most_specific, version_in_force, versions_in_force

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
    termly meeting, with its meeting if there is one: a fixed number of queries however
    many academies the trust has."""
    academies = list(
        Academy.objects.filter(permissions.termly_review_academies(principal))
        .filter(is_central_team=False)
        .order_by("name")
    )
    if not academies:
        return []
    assignments = list(
        PolicyAssignment.objects.filter(
            trust_id=academies[0].trust_id,
            staff_group=StaffGroup.TEACHING,
            job_role__isnull=True,
        )
    )
    chosen = {
        academy.pk: most_specific(
            assignments, staff_group=StaffGroup.TEACHING, academy_id=academy.pk, job_role_id=None
        )
        for academy in academies
    }
    versions = versions_in_force((a.policy_id for a in chosen.values() if a), on)
    meeting = [
        academy
        for academy in academies
        if (assignment := chosen[academy.pk]) is not None
        and (version := versions.get(assignment.policy_id)) is not None
        and version.rules.support.hr_meets_headteachers_termly
    ]
    terms: dict[int, Term] = {}
    for term in Term.objects.filter(academy__in=meeting, ends_on__gte=on).order_by("starts_on"):
        terms.setdefault(term.academy_id, term)
    reviews = {
        review.academy_id: review
        for review in TermlyReview.objects.filter(term__in=list(terms.values()))
    }
    return [
        TermlyRow(
            academy=academy,
            term=terms.get(academy.pk),
            review=reviews.get(academy.pk) if academy.pk in terms else None,
        )
        for academy in meeting
    ]
