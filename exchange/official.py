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


# Other wordings of the official headers met in the bases schools keep (compared after
# `common.files.cells.normalise_header`: case, ё, punctuation and «Ф.И.О.»/«Фамилия, имя, отчество»
# already folded). A wording of one word is only taken as the whole header; longer ones also inside a
# longer header («Дата начала (дд.мм.гггг)»).
_COMMON_SYNONYMS = {
    "entry_date": (
        "дата вхождения в программу наставничества",
        "дата вхождения",
        "дата входа в программу",
        "дата включения в программу",
        "дата начала",
        "дата начала программы",
        "дата начала наставничества",
    ),
    "end_date": (
        "дата завершения",
        "дата окончания",
        "дата окончания программы",
        "дата завершения программы наставничества",
        "дата выхода из программы",
    ),
    "format": ("форма", "формат наставничества", "форма наставничества модель", "модель наставничества"),
    "results": ("результаты", "результат", "результат программы", "результаты наставничества"),
}
SYNONYMS: dict[Kind, dict[str, tuple[str, ...]]] = {
    Kind.MENTEES: {
        **_COMMON_SYNONYMS,
        "mentee": (
            "фио наставляемого полностью",
            "фио наставляемых",
            "фио обучающегося",
            "фио ученика",
            "фио студента",
            "фио педагога наставляемого",
            "наставляемый",
            "наставляемые",
        ),
        "mentee_birth_year": ("год рождения", "год рождения обучающегося", "г р", "год рожд"),
        "request": ("основной запрос", "запрос наставляемого", "запрос", "запрос на наставничество"),
        "mentor": ("фио наставника полностью", "наставник", "фио наставников"),
        "mentor_workplace": (
            "место работы/учебы наставника",
            "место работы учебы наставника",
            "место работы наставника должность",
        ),
        "feedback": ("ссылка на кейс/отзыв", "ссылка на отзыв", "ссылка на кейс", "отзыв наставляемого", "отзыв"),
        "completion_mark": ("отметка о прохождении", "отметка о завершении программы", "отметка"),
    },
    Kind.MENTORS: {
        **_COMMON_SYNONYMS,
        "mentor": ("фио наставника полностью", "наставник", "фио"),
        "mentor_workplace": (
            "место работы наставника",
            "место работы/учебы",
            "место работы учебы",
            "место работы должность",
            "место работы/учебы наставника",
        ),
        "competencies": ("компетенции наставника", "компетенции", "основные компетенции"),
        "achievements": ("достижения наставника", "достижения", "важные достижения наставника"),
        "interests": ("интересы", "хобби", "интересы хобби"),
        "desired_age": ("желаемый возраст", "желаемый возраст наставляемого", "возраст наставляемых"),
        "time_available": ("ресурс времени", "ресурс времени на программу", "время на программу наставничества"),
        "mentees": (
            "фио наставляемого",
            "фио наставляемых",
            "фио наставляемого наставляемых",
            "наставляемые",
            "наставляемый",
            "наставляемый наставляемые",
        ),
        "mentee_workplace": (
            "место работы/учебы наставляемого",
            "место учебы наставляемого",
            "место работы учебы наставляемого",
        ),
        "feedback": ("ссылка на кейс/отзыв", "ссылка на отзыв", "ссылка на кейс", "отзыв наставника", "отзыв"),
    },
}
# The person column a name split over «Фамилия | Имя | Отчество» belongs to, by the words after it
# («Фамилия наставника») or, with none, the form's own subject.
NAME_PARTS = ("фамилия", "имя", "отчество")
PERSON_COLUMNS: dict[Kind, dict[str, str]] = {
    Kind.MENTEES: {"": "mentee", "наставляемого": "mentee", "обучающегося": "mentee", "наставника": "mentor"},
    Kind.MENTORS: {"": "mentor", "наставника": "mentor", "наставляемого": "mentees", "наставляемых": "mentees"},
}
