"""The common reference lists, as the methodology (Р-145) and the regulation for teachers name them."""

from django.db import migrations

FORMATS = [
    # (name, participants, role models)
    ("ученик – ученик", "students", ["успевающий – неуспевающий", "лидер – пассивный", "равный – равному"]),
    (
        "учитель – учитель",
        "staff",
        [
            "опытный педагог – молодой специалист",
            "лидер педагогического сообщества – педагог, испытывающий профессиональные затруднения в сфере "
            "коммуникации",
            "педагог-новатор – консервативный педагог",
            "опытный предметник – неопытный предметник",
        ],
    ),
    ("студент – ученик", "any", []),
    ("студент – студент", "any", []),
    ("работодатель – ученик", "any", []),
    ("работодатель – студент", "any", []),
    ("руководитель образовательной организации – педагог", "staff", []),
]
KINDS = [
    "традиционное («один-на-один»)",
    "в группе",
    "виртуальное (дистанционное)",
    "краткосрочное (целеполагающее)",
    "реверсивное",
    "ситуационное",
    "скоростное",
]
MEETING_KINDS = [
    "встреча-знакомство",
    "пробная встреча",
    "встреча-планирование",
    "совместная работа",
    "итоговая встреча",
]


def seed(apps, schema_editor):
    MentoringFormat = apps.get_model("registry", "MentoringFormat")
    RoleModel = apps.get_model("registry", "RoleModel")
    MentoringKind = apps.get_model("registry", "MentoringKind")
    MeetingKind = apps.get_model("registry", "MeetingKind")
    for position, (name, participants, role_models) in enumerate(FORMATS, start=1):
        mentoring_format, _ = MentoringFormat.objects.get_or_create(
            name=name, department=None, defaults={"participants": participants, "position": position}
        )
        for rm_position, role_model in enumerate(role_models, start=1):
            RoleModel.objects.get_or_create(
                format=mentoring_format, name=role_model, defaults={"position": rm_position}
            )
    for model, names in ((MentoringKind, KINDS), (MeetingKind, MEETING_KINDS)):
        for position, name in enumerate(names, start=1):
            model.objects.get_or_create(name=name, department=None, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_people_pairs_reference")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
