"""The import's report: counts, one line per row, and every problem with its row, column and message."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from common.files.cells import Problem
from exchange.official import FORMS, Kind
from registry.models import Organisation

MAX_PROBLEMS = 500


COUNTED = (("people", "Участники"), ("pairs", "Пары и группы"), ("participations", "Участие наставляемых"))


@dataclass
class ImportReport:
    kind: Kind
    organisation: Organisation
    filename: str
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)  # "people", "pairs", "participations"
    matched: Counter = field(default_factory=Counter)  # same keys: found in the registry, not duplicated
    filled: Counter = field(default_factory=Counter)  # same keys: found, and empty fields filled from the file
    lines: list[tuple[int, str]] = field(default_factory=list)  # (row, what happens to it)
    saved: bool = False
    problem_count: int = 0  # all problems found, also those past MAX_PROBLEMS
    # How the file was read, for the user to check: names joined from three columns, columns not read.
    notes: list[str] = field(default_factory=list)
    # A required column not recognised, in a header row that was found: what the user may map it to —
    # {"sheet", "row", "missing": [[key, official header]], "columns": [[letter, header as written]]}.
    mapping: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_text(self, *, lines: bool = False) -> str:
        form = FORMS[self.kind]
        out = [
            f"«{form.title}» из файла «{self.filename}» — {self.organisation.short_name}",
            f"Прочитано строк: {self.rows_read}.",
        ]
        for key, label in COUNTED:
            text = f"{label}: новых — {self.created[key]}, уже в реестре — {self.matched[key]}"
            if self.filled[key]:
                text += f" (из них дополнено — {self.filled[key]})"
            out.append(text + ".")
        if self.saved:
            out.append("Итог: данные сохранены в реестре.")
        elif self.ok:
            out.append("Итог: ошибок нет, файл можно загрузить (при проверке ничего не сохранено).")
        else:
            count = self.problem_count or len(self.problems)
            out.append(
                f"Итог: ничего не сохранено — {_plural(count, 'найдена', 'найдены', 'найдено')} {count} "
                f"{_plural(count, 'ошибка', 'ошибки', 'ошибок')}. Исправьте файл и загрузите его снова."
            )
        if self.notes:
            out.append("")
            out.append("Как прочитан файл:")
            out.extend(self.notes)
        if self.problems:
            out.append("")
            out.append("Ошибки:")
            out.extend(problem.as_text() for problem in self.problems)
        if lines and self.lines:
            out.append("")
            out.append("Строки файла:")
            out.extend(f"Строка {row}: {text}" for row, text in self.lines)
        return "\n".join(out)


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many
