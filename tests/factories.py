"""factory_boy factories. Related objects always stay inside one trust."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from organisation.models import Academy, JobRole, StaffGroup, StaffMember, Trust

TEST_PASSWORD = "correct-horse-battery-staple-42"


class TrustFactory(DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Trust {n}")
    slug = factory.Sequence(lambda n: f"trust-{n}")


class AcademyFactory(DjangoModelFactory):
    class Meta:
        model = Academy

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Academy {n}")


class JobRoleFactory(DjangoModelFactory):
    class Meta:
        model = JobRole
        django_get_or_create = ("trust", "name")

    trust = factory.SubFactory(TrustFactory)
    name = "Class teacher"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    trust = factory.SubFactory(TrustFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class StaffMemberFactory(DjangoModelFactory):
    """A member of staff with a sign-in account in the same trust."""

    class Meta:
        model = StaffMember

    academy = factory.SubFactory(AcademyFactory)
    trust = factory.SelfAttribute("academy.trust")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    staff_number = factory.Sequence(lambda n: f"S{n:05d}")
    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    user = factory.SubFactory(
        UserFactory,
        trust=factory.SelfAttribute("..trust"),
        email=factory.SelfAttribute("..email"),
        first_name=factory.SelfAttribute("..first_name"),
        last_name=factory.SelfAttribute("..last_name"),
    )
    job_role = factory.SubFactory(JobRoleFactory, trust=factory.SelfAttribute("..trust"))
    staff_group = StaffGroup.TEACHING
    has_qts = True
    pay_range = "MPR"
    pay_point = "M3"
    start_date = dt.date(2020, 9, 1)
