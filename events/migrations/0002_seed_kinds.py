"""The common kinds of events (department empty: every municipality sees them); `is_training` marks those whose
participation counts as a mentor's training."""

from django.db import migrations

KINDS = [
    ("Конкурс", False),
    ("Фестиваль", False),
    ("Конференция", False),
    ("Семинар", True),
    ("Курсы повышения квалификации", True),
    ("Совет наставников", False),
    ("Школа молодого педагога", True),
    ("Итоговое мероприятие программы", False),
    ("Другое", False),
]


def seed(apps, schema_editor):
    EventKind = apps.get_model("events", "EventKind")
    for position, (name, is_training) in enumerate(KINDS, start=1):
        EventKind.objects.get_or_create(
            department=None, name=name, defaults={"is_training": is_training, "position": position * 10}
        )


def unseed(apps, schema_editor):
    EventKind = apps.get_model("events", "EventKind")
    EventKind.objects.filter(department=None, name__in=[name for name, _ in KINDS], events__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
