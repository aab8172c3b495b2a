"""`manage.py generate_data`: the synthetic region for load tests (see registry/synthetic)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from registry import freshness
from registry.models import Consent, Meeting, MentoringPair, MentoringProgram, Organisation, PairMentee, Person
from registry.synthetic.generator import Generator, delete_generated


class Command(BaseCommand):
    help = (
        "Создаёт синтетический, но правдоподобный регион для нагрузочных проверок: муниципалитеты "
        "«gen-<seed>-<n>», организации, участников, согласия, программы, пары и группы, встречи. "
        "Повторный запуск с тем же --seed сначала удаляет муниципалитеты «gen-<seed>-*» со всеми данными "
        "и создаёт их заново (те же ФИО и количества). Записи вставляются пачками (bulk_create): журнал "
        "изменений (auditlog) при этом не ведётся — данные синтетические."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--departments", type=int, default=1, help="Муниципалитетов (по умолчанию 1).")
        parser.add_argument(
            "--organisations", type=int, default=20, help="Организаций в каждом муниципалитете (по умолчанию 20)."
        )
        parser.add_argument("--people", type=int, default=1000, help="Участников всего (по умолчанию 1000).")
        parser.add_argument(
            "--pairs", type=int, default=None, help="Пар и групп всего (по умолчанию половина числа участников)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Зерно случайных чисел и часть кодов (1).")
        parser.add_argument("--years", type=int, default=3, help="За сколько учебных лет пары (3).")
        parser.add_argument(
            "--meetings", type=int, default=3, help="Не больше стольких встреч у пары (3; 0 — без встреч)."
        )
        parser.add_argument(
            "--delete", action="store_true", help="Только удалить муниципалитеты «gen-<seed>-*» со всеми данными."
        )

    def handle(self, *args, **options) -> None:
        seed = options["seed"]
        if not 0 <= seed < 10**9:
            raise CommandError("--seed: число от 0 до 999999999 (оно входит в код муниципалитета).")
        started = time.monotonic()
        if options["delete"]:
            with transaction.atomic():
                removed = self._delete(seed)
                freshness.touch_all()
            self.stdout.write(self.style.SUCCESS(f"Удалено муниципалитетов «gen-{seed}-*»: {removed}."))
            return
        people = options["people"]
        pairs = people // 2 if options["pairs"] is None else options["pairs"]
        for name, value, minimum in (
            ("departments", options["departments"], 1),
            ("organisations", options["organisations"], 1),
            ("people", people, 0),
            ("pairs", pairs, 0),
            ("years", options["years"], 1),
            ("meetings", options["meetings"], 0),
        ):
            if value < minimum:
                raise CommandError(f"--{name}: не меньше {minimum}.")
        generator = Generator(self, options)
        with transaction.atomic():
            removed = self._delete(seed)
            if removed:
                self.stdout.write(f"Удалены прежние данные «gen-{seed}-*»: муниципалитетов {removed}.")
            try:
                generator.run(options["departments"], options["organisations"], people, pairs)
            except IntegrityError as error:
                raise CommandError(f"База отклонила данные: {error}") from error
            freshness.touch_all()  # bulk_create sends no signals
        if connection.vendor == "postgresql":  # fresh planner statistics for the new volume
            with connection.cursor() as cursor:
                for model in (Person, Consent, MentoringPair, PairMentee, Meeting, MentoringProgram, Organisation):
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        c = generator.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Готово за {time.monotonic() - started:.1f} с: муниципалитетов {c['departments']}, "
                f"организаций {c['organisations']}, участников {c['people']}, согласий {c['consents']}, "
                f"программ {c['programs']}, пар и групп {c['pairs']} (групп {c['groups']}, завершено "
                f"{c['completed']}), участий наставляемых {c['participations']}, встреч {c['meetings']}"
                + "".join(f", {label} {count}" for label, count in generator.made)
                + "."
            )
        )

    def _delete(self, seed: int) -> int:
        try:
            return delete_generated(seed)
        except (ProtectedError, IntegrityError) as error:
            raise CommandError(
                f"Не удалось удалить прежние данные «gen-{seed}-*»: на них ссылаются другие записи ({error})."
            ) from error
