"""The contingent file's layout: its columns (with the header texts a file may use instead), limits,
and the report of an upload."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.files.cells import Problem, normalise_header
from monitoring.models import COUNT_FIELDS
from registry.models import EducationDepartment, Organisation

MAX_ROWS = 5000
MAX_NUMBER = 10_000_000  # more pupils than any municipality has: a typo
MAX_PROBLEMS = 500
HEADER_SCAN_ROWS = 30
HEADER_SCAN_COLUMNS = 40


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 16

    def matches(self, text: str) -> bool:
        return text in {normalise_header(name) for name in (self.header, *self.aliases)}


CODE = Column("code", "Код ОО", ("код", "код организации", "код образовательной организации"), 12)
NAME = Column(
    "name",
    "Образовательная организация",
    (
        "организация",
        "наименование",
        "наименование ОО",
        "наименование организации",
        "наименование образовательной организации",
        "краткое наименование",
        "полное наименование",
        "ОО",
    ),
    44,
)
NUMBERS = (
    Column("students_total", "Обучающихся всего", ("всего обучающихся", "обучающиеся всего")),
    Column(
        "students_10_18",
        "Обучающихся в возрасте от 10 до 18 лет",
        ("обучающихся 10–18 лет", "обучающиеся в возрасте от 10 до 18 лет", "обучающихся от 10 до 18 лет"),
    ),
    Column("teachers", "Учителей всего", ("всего учителей", "учителя всего", "учителей")),
    Column(
        "young_specialists",
        "Учителей – молодых специалистов",
        ("учителя – молодые специалисты", "молодых специалистов", "молодые специалисты"),
    ),
    Column(
        "young_teachers",
        "Педагогов до 35 лет в первые три года работы",
        ("педагоги до 35 лет в первые три года работы", "педагогов до 35 лет, первые три года работы"),
        20,
    ),
)
COLUMNS = (CODE, NAME, *NUMBERS)
HEADERS = {column.key: column.header for column in COLUMNS}
assert tuple(column.key for column in NUMBERS) == COUNT_FIELDS

TOTAL_ROWS = ("итого", "всего", "итого по муниципалитету", "итого по муниципальному образованию")


@dataclass
class ContingentRow:
    number: int  # Excel row
    organisation: Organisation
    values: dict[str, int | None]


@dataclass
class ContingentReport:
    department: EducationDepartment
    year: int
    filename: str
    rows_read: int = 0  # rows with an organisation or a number
    skipped: int = 0  # organisations listed without any number (not reported)
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    saved: bool = False
    rows: list[ContingentRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # column key -> Excel letter

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def problem(self, row: int | None, column: str | None, key: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, HEADERS.get(key) if key else None, message))

    def as_text(self) -> str:
        out = [
            f"Контингент за {self.year} год из файла «{self.filename}» — {self.department.name}",
            f"Прочитано строк: {self.rows_read}; организаций с числами: {len(self.rows)}; "
            f"без чисел (пропущено): {self.skipped}.",
        ]
        if self.saved:
            out.append(f"Итог: сохранено — новых записей {self.created}, обновлено {self.updated}.")
        elif self.ok:
            out.append("Итог: ошибок нет, файл можно загрузить (при проверке ничего не сохранено).")
        else:
            out.append(
                f"Итог: ничего не сохранено — ошибок: {self.problem_count}. Исправьте файл и загрузите его снова."
            )
        if self.problems:
            out += ["", "Ошибки:", *(problem.as_text() for problem in self.problems)]
        return "\n".join(out)
