"""The `Job` model moves from the exchange app to this one: the table stays, only Django's state moves
(exchange 0003 forgets it). 0002 then renames the table and its constraints after this app."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("exchange", "0002_job_heartbeat"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("export", "Выгрузка"),
                                    ("import_check", "Проверка файла"),
                                    ("import_save", "Загрузка в реестр"),
                                ],
                                max_length=20,
                                verbose_name="вид",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "В очереди"),
                                    ("running", "Выполняется"),
                                    ("done", "Готово"),
                                    ("failed", "Не удалось"),
                                ],
                                default="queued",
                                max_length=20,
                                verbose_name="состояние",
                            ),
                        ),
                        ("title", models.CharField(max_length=500, verbose_name="что делается")),
                        ("params", models.JSONField(default=dict, verbose_name="параметры")),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="сделано")),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="всего")),
                        ("file", models.FileField(blank=True, upload_to="exchange/%Y/%m/", verbose_name="файл")),
                        (
                            "filename",
                            models.CharField(blank=True, max_length=255, verbose_name="имя файла для скачивания"),
                        ),
                        ("report", models.JSONField(blank=True, default=dict, verbose_name="отчёт")),
                        ("message", models.TextField(blank=True, verbose_name="сообщение")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="создано")),
                        (
                            "heartbeat_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="последний признак работы"),
                        ),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="завершено")),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="jobs",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="кто запустил",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "задание",
                        "verbose_name_plural": "задания",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "exchange_job",
                        "indexes": [models.Index(fields=["owner", "-created_at"], name="exchange_job_owner_recent")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("kind__in", ["export", "import_check", "import_save"])),
                                name="exchange_job_kind_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("status__in", ["queued", "running", "done", "failed"])),
                                name="exchange_job_status_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("done__lte", models.F("total"))),
                                name="exchange_job_done_within_total",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
