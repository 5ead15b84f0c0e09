"""Create a trust's policies from the built-in presets (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from organisation.models import Academy, JobRole, Trust
from policies.models import Policy, PolicyAssignment
from policies.presets import PRESET_KEYS, load_preset
from policies.services import PolicyError, policy_assign, policy_create_from_preset


class Command(BaseCommand):
    help = (
        "Create the trust's policies from presets. Running it again changes nothing. "
        "With --assign, each preset becomes the trust-wide policy of its staff groups where "
        "none is assigned yet, and variants naming an academy and job role are assigned there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trust", required=True, help="The trust's slug.")
        parser.add_argument(
            "--preset",
            action="append",
            choices=PRESET_KEYS,
            help="A preset to load (repeat for several). Default: all five.",
        )
        parser.add_argument(
            "--effective-from",
            type=dt.date.fromisoformat,
            help="First version's effective date (YYYY-MM-DD). Default: the start of the "
            "cycle running today under the preset.",
        )
        parser.add_argument(
            "--assign", action="store_true", help="Also assign the policies (see above)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            trust = Trust.objects.get(slug=options["trust"])
        except Trust.DoesNotExist:
            raise CommandError(f"No trust with slug {options['trust']!r}.") from None
        for key in options["preset"] or PRESET_KEYS:
            existed = Policy.objects.filter(trust=trust, preset=key).exists()
            try:
                with transaction.atomic():
                    policy = policy_create_from_preset(
                        trust=trust, preset_key=key, effective_from=options["effective_from"]
                    )
                    if options["assign"]:
                        self._assign(trust, key, policy)
            except PolicyError as exc:
                raise CommandError(f"{key}: {exc}") from exc
            verb = "Already loaded" if existed else "Created"
            self.stdout.write(f"{verb}: {policy.name}")

    def _assign(self, trust: Trust, key: str, policy: Policy) -> None:
        preset = load_preset(key)
        for group in preset.staff_groups:
            self._assign_trust_wide(trust, group, policy)
        for variant in preset.variants:
            variant_policy = Policy.objects.get(trust=trust, preset=preset.policy_key(variant.key))
            if not (variant.academy or variant.job_role):
                for group in variant.staff_groups:
                    self._assign_trust_wide(trust, group, variant_policy)
                continue
            academy = Academy.objects.filter(trust=trust, name=variant.academy).first()
            job_role = JobRole.objects.filter(trust=trust, name=variant.job_role).first()
            if (variant.academy and academy is None) or (variant.job_role and job_role is None):
                self.stdout.write(
                    f"  Not assigned: {variant_policy.name} (no academy "
                    f"{variant.academy!r} with job role {variant.job_role!r} in this trust)"
                )
                continue
            for group in variant.staff_groups:
                policy_assign(
                    trust=trust,
                    staff_group=group,
                    policy=variant_policy,
                    academy=academy,
                    job_role=job_role,
                    actor=None,
                )
                self.stdout.write(f"  Assigned {variant_policy.name} to {group} staff there")

    def _assign_trust_wide(self, trust: Trust, group: str, policy: Policy) -> None:
        taken = PolicyAssignment.objects.filter(
            trust=trust, staff_group=group, academy=None, job_role=None
        ).exists()
        if not taken:
            policy_assign(trust=trust, staff_group=group, policy=policy, actor=None)
            self.stdout.write(f"  Assigned {policy.name} trust-wide to {group} staff")
