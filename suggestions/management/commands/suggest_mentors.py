"""`python manage.py suggest_mentors --mentee ID [--format ID] [--limit 5] [--format-output json]`: the ranked
candidates for a mentee with their scores and reasons — what «Подобрать наставника» shows."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from registry.models import MentoringFormat, Person
from suggestions import services


class Command(BaseCommand):
    help = "Лучшие наставники для наставляемого: оценка и причины."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mentee", type=int, required=True, help="номер участника (наставляемого)")
        parser.add_argument("--limit", type=int, default=services.DEFAULT_LIMIT, help="сколько кандидатов (5)")
        parser.add_argument(
            "--format", dest="output", choices=["text", "json"], default="text", help="вывод: text или json"
        )
        parser.add_argument(
            "--mentoring-format", type=int, help="номер формы наставничества (по умолчанию первая подходящая)"
        )

    def handle(self, *args, mentee: int, limit: int, output: str, mentoring_format: int | None, **options) -> None:
        person = Person.objects.select_related("organisation__department").filter(pk=mentee).first()
        if person is None:
            raise CommandError(f"Участника № {mentee} нет.")
        formats = MentoringFormat.objects.for_department(person.organisation.department_id).active()
        if mentoring_format is not None:
            chosen = formats.filter(pk=mentoring_format).first()
            if chosen is None:
                raise CommandError(f"Формы наставничества № {mentoring_format} в этом муниципалитете нет.")
        else:
            chosen = services.default_format(person, formats)
            if chosen is None:
                raise CommandError(f"Ни одна форма наставничества не подходит участнику {person.full_name}.")
        result = services.suggest(person, chosen, limit=limit)
        if output == "json":
            found = [
                {
                    "mentor": s.mentor_id,
                    "name": s.full_name,
                    "organisation": s.organisation,
                    "score": s.score,
                    "reasons": s.reasons,
                }
                for s in result.found
            ]
            data = {"mentee": person.pk, "format": str(chosen), "refusal": result.refusal, "candidates": found}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{person.full_name} — форма «{chosen}»")
        if result.refusal:
            self.stdout.write(result.refusal)
        for place, s in enumerate(result.found, start=1):
            self.stdout.write(f"{place}. {s.full_name} ({s.organisation}) — {s.score}")
            for reason in s.reasons:
                self.stdout.write(f"   · {reason}")
        if not result.found and not result.refusal:
            self.stdout.write("Подходящих наставников нет.")
