"""manage.py housekeeping [--days 30] [--dry-run]: remove old jobs with their files, files nothing points
to, finished task results, expired sessions and cache rows (portal/housekeeping.py)."""

from django.core.management.base import BaseCommand, CommandError

from portal import housekeeping


class Command(BaseCommand):
    help = "Удаляет устаревшие задания с их файлами, файлы без владельца, результаты очереди, истёкшие сессии."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=housekeeping.DEFAULT_DAYS,
            help="Сколько дней хранить выгрузки, загрузки и результаты очереди (по умолчанию %(default)s).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Только показать, что будет удалено.")

    def handle(self, *args, days: int, dry_run: bool, **options) -> None:
        if days < 1:
            raise CommandError("Срок хранения (--days) — целое число дней, не меньше 1.")
        report = housekeeping.run(days, dry_run=dry_run)
        self.stdout.write("Будет удалено (проверка, ничего не удалено):" if dry_run else "Удалено:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if options["verbosity"] > 1:
            for name in report.files:
                self.stdout.write(f"    {name}")
