"""The two official forms: «База наставников» and «База наставляемых», their columns in order.

The single source of the layouts (docs: ../shared/domain.md, "The two official forms"): the
exporters write these headers in this order, the importer looks for them in an uploaded sheet.
Each column has a stable `key` (used in code and in import reports) and its official header.
Labelled by content: one published order swaps the two titles against their columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from common.files.tables import Column


class Kind(StrEnum):
    MENTORS = "mentors"
    MENTEES = "mentees"


@dataclass(frozen=True)
class OfficialForm:
    kind: Kind
    title: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


MENTEES = OfficialForm(
    Kind.MENTEES,
    "База наставляемых",
    (
        Column("number", "№ п/п", 7),
        Column("mentee", "ФИО наставляемого", 24),
        Column("mentee_birth_year", "Год рождения наставляемого", 10),
        Column("request", "Основной запрос наставляемого", 28),
        Column("entry_date", "Дата вхождения в программу", 12, is_date=True),
        Column("mentor", "ФИО наставника", 24),
        Column("format", "Форма наставничества", 18),
        Column("mentor_workplace", "Место работы наставника", 22),
        Column("end_date", "Дата завершения программы", 12, is_date=True),
        Column("results", "Результаты программы", 28),
        Column("feedback", "Ссылка на кейс/отзыв наставляемого", 22),
        Column("completion_mark", "Отметка о прохождении программы", 16),
    ),
)

MENTORS = OfficialForm(
    Kind.MENTORS,
    "База наставников",
    (
        Column("number", "№ п/п", 7),
        Column("mentor", "ФИО наставника", 24),
        Column("mentor_workplace", "Место работы", 22),
        Column("competencies", "Основные компетенции наставника", 26),
        Column("achievements", "Важные для программы достижения наставника", 26),
        Column("interests", "Интересы наставника", 20),
        Column("desired_age", "Желаемый возраст наставляемых", 14),
        Column("time_available", "Ресурс времени на программу наставничества", 16),
        Column("entry_date", "Дата вхождения в программу", 12, is_date=True),
        Column("mentees", "ФИО наставляемого (наставляемых)", 28),
        Column("format", "Форма наставничества", 18),
        Column("mentee_workplace", "Место работы наставляемого", 22),
        Column("end_date", "Дата завершения программы", 12, is_date=True),
        Column("results", "Результаты программы", 28),
        Column("feedback", "Ссылка на кейс/отзыв наставника", 22),
    ),
)

FORMS = {form.kind: form for form in (MENTORS, MENTEES)}
