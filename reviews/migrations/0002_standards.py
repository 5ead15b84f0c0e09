"""Reference data: the Teachers' Standards and the Headteachers' Standards (2020).

Titles follow the Department for Education's published standards. The Teachers'
Standards preamble is shown for reference and not assessed; Part Two (personal and
professional conduct) is assessed as one standard. The Headteachers' Standards have an
ethics and professional conduct section and ten standards in three domains.
"""

from __future__ import annotations

from django.db import migrations

TEACHERS = [
    (
        "Preamble",
        "P",
        "Preamble",
        "Teachers make the education of their pupils their first concern, and are "
        "accountable for achieving the highest possible standards in work and conduct. "
        "Teachers act with honesty and integrity; have strong subject knowledge, keep their "
        "knowledge and skills as teachers up to date and are self-critical; forge positive "
        "professional relationships; and work with parents in the best interests of their "
        "pupils.",
        False,
    ),
    (
        "Part One: Teaching",
        "TS1",
        "Set high expectations which inspire, motivate and challenge pupils",
        "",
        True,
    ),
    ("Part One: Teaching", "TS2", "Promote good progress and outcomes by pupils", "", True),
    ("Part One: Teaching", "TS3", "Demonstrate good subject and curriculum knowledge", "", True),
    ("Part One: Teaching", "TS4", "Plan and teach well structured lessons", "", True),
    (
        "Part One: Teaching",
        "TS5",
        "Adapt teaching to respond to the strengths and needs of all pupils",
        "",
        True,
    ),
    ("Part One: Teaching", "TS6", "Make accurate and productive use of assessment", "", True),
    (
        "Part One: Teaching",
        "TS7",
        "Manage behaviour effectively to ensure a good and safe learning environment",
        "",
        True,
    ),
    ("Part One: Teaching", "TS8", "Fulfil wider professional responsibilities", "", True),
    (
        "Part Two: Personal and professional conduct",
        "TS-P2",
        "Personal and professional conduct",
        "A teacher is expected to demonstrate consistently high standards of personal and "
        "professional conduct: upholding public trust in the profession, having proper and "
        "professional regard for the ethos, policies and practices of the school, and "
        "understanding and acting within the statutory frameworks that set out their "
        "professional duties.",
        True,
    ),
]

HEADTEACHERS = [
    (
        "Section 1: Ethics and professional conduct",
        "HS-E",
        "Ethics and professional conduct",
        "Upholding the seven principles of public life (selflessness, integrity, "
        "objectivity, accountability, openness, honesty and leadership) and behaving "
        "ethically as a role model in an influential position.",
        True,
    ),
    ("Culture and ethos", "HS1", "School culture", "", True),
    ("Curriculum and teaching", "HS2", "Teaching", "", True),
    ("Curriculum and teaching", "HS3", "Curriculum and assessment", "", True),
    ("Culture and ethos", "HS4", "Behaviour", "", True),
    (
        "Curriculum and teaching",
        "HS5",
        "Additional and special educational needs and disabilities",
        "",
        True,
    ),
    ("Culture and ethos", "HS6", "Professional development", "", True),
    ("Organisational effectiveness", "HS7", "Organisational management", "", True),
    ("Organisational effectiveness", "HS8", "School improvement", "", True),
    ("Organisational effectiveness", "HS9", "Working in partnership", "", True),
    ("Organisational effectiveness", "HS10", "Governance and accountability", "", True),
]


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    Standard = apps.get_model("reviews", "Standard")
    for framework, rows in (("teachers", TEACHERS), ("headteachers", HEADTEACHERS)):
        for position, (part, code, title, description, assessed) in enumerate(rows, start=1):
            Standard.objects.update_or_create(
                framework=framework,
                code=code,
                defaults={
                    "part": part,
                    "title": title,
                    "description": description,
                    "position": position,
                    "assessed": assessed,
                },
            )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("reviews", "Standard").objects.filter(
        framework__in=["teachers", "headteachers"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
