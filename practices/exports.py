"""The mentor's portfolio as files, through the export contract (jobs/exports.py):

- `mentor-portfolio` — «Портфолио наставника» in XLSX (a sheet each: the summary, the pairs with their mentees,
  the growth, the events and training, the practices — native numbers and dates, each table with a filter) and
  in PDF with the same content;
- `mentor-nomination` — the nomination sheet of «Наставник года» in DOCX to complete and sign: the registry fills
  what it knows (name, position, school, experience as mentor, training hours, awards, practices, the mentees'
  growth) and leaves an empty line for the rest. It names no mentee: it leaves the department.

Both read what the user reads of the person's card (practices/portfolio.py): 404 outside the reach and for a
person who never was a mentor. Each download is in the personal-data access log (the minors it names).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, BinaryIO

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook

from common.files.writers import DATE_FORMAT, Progress, Sheet
from common.pdf import FONT_FAMILY, font_css, render_html
from common.russian import counted
from common.text import name_part
from jobs.exports import Exporter, register
from practices.portfolio import Portfolio, get_portfolio
from registry import privacy
from registry.models import PairMentee, Person

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PORTFOLIO_TITLE = "Портфолио наставника"
NOMINATION_TITLE = "Номинационный лист участника конкурса «Наставник года»"
BLANK = "_" * 40
CHANGE_FORMAT = '+0.00;"−"0.00;0.00'
NO_GROWTH = "Анкет «до» и «по завершении» программы ещё нет ни у одного участника пар."


def short_name(person: Person) -> str:
    """«Иванова А.П.»."""
    initials = "".join(f"{part[0]}." for part in (person.first_name, person.patronymic) if part)
    return f"{person.last_name} {initials}".strip()


def experience(portfolio: Portfolio) -> str:
    if portfolio.since is None:
        return ""
    pairs = counted(len(portfolio.pairs), "пара", "пары", "пар")
    text = f"наставник с {portfolio.since:%d.%m.%Y}"
    if portfolio.years:
        text += f" ({counted(portfolio.years, 'год', 'года', 'лет')})"
    return f"{text}; {pairs}, из них завершено {len(portfolio.completed)}"


def signed(value) -> str:
    if value is None:
        return "—"
    return f"{value:+.2f}".replace("-", "−")


def event_dates(row) -> str:
    event = row.event
    if event.start_date == event.end_date:
        return f"{event.end_date:%d.%m.%Y}"
    return f"{event.start_date:%d.%m.%Y}–{event.end_date:%d.%m.%Y}"


def award_text(row) -> str:
    result, event = row.get_result_display(), row.event
    return f"{result[:1].upper()}{result[1:]}: {event.title} ({event.get_level_display()}, {event.end_date:%Y})"


class PortfolioExporter(Exporter):
    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        self.portfolio = get_portfolio(user, int(params["pk"]), today=self.today)  # 404 outside the reach
        self.person = self.portfolio.person

    def count(self) -> int:
        return 1

    def shown(self) -> list[Person]:
        return self.portfolio.shown_people()

    def record(self, request: HttpRequest, file_format: str, rows: int) -> None:
        privacy.record_shown(request, self.shown(), what=self.verbose_name)
        privacy.record_export(request, what=self.verbose_name, rows=1, organisations=[self.person.organisation])

    def summary(self) -> list[tuple[str, Any]]:
        portfolio, person = self.portfolio, self.person
        return [
            ("Наставник", person.full_name),
            ("Должность", person.position or ""),
            ("Образовательная организация", person.organisation.short_name),
            ("Наставник с", portfolio.since),
            ("Полных лет наставничества", portfolio.years),
            ("Пар (групп) всего", len(portfolio.pairs)),
            ("Из них завершено", len(portfolio.completed)),
            ("Наставляемых", portfolio.mentees),
            ("Прошли программу", portfolio.passed),
            ("Часы обучения", portfolio.hours),
            ("Мероприятий", len(portfolio.events)),
            ("Наград (лауреат, призёр, победитель)", len(portfolio.awards)),
            ("Практик в банке", len(portfolio.practices)),
        ]


@register
class MentorPortfolioExporter(PortfolioExporter):
    identifier = "mentor-portfolio"
    verbose_name = PORTFOLIO_TITLE
    formats = ("xlsx", "pdf")

    def filename(self, file_format: str) -> str:
        return f"{PORTFOLIO_TITLE} {name_part(short_name(self.person))}.{file_format}"

    def lines(self) -> list[str]:
        person = self.person
        lines = [person.full_name]
        if person.position:
            lines.append(person.position)
        return [*lines, person.organisation.short_name, f"Сформировано {self.today:%d.%m.%Y}"]

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        out.write(render_html(self.html()) if file_format == "pdf" else self.xlsx())
        return 1

    def html(self) -> str:
        return render_to_string(
            "practices/portfolio_pdf.html",
            {
                "title": PORTFOLIO_TITLE,
                "lines": self.lines(),
                "portfolio": self.portfolio,
                "experience": experience(self.portfolio),
                "no_growth": NO_GROWTH,
                "font_css": mark_safe(font_css()),
                "font_family": FONT_FAMILY,
            },
        )

    def xlsx(self) -> bytes:
        portfolio = self.portfolio
        workbook = Workbook()
        workbook.remove(workbook.active)

        sheet = Sheet(workbook, "Сводка", [40, 50])
        sheet.line(PORTFOLIO_TITLE, bold=True, size=14)
        for line in self.lines():
            sheet.line(line)
        sheet.row += 1
        header = sheet.row
        sheet.line("Показатель", "Значение", header=True)
        for label, value in self.summary():
            sheet.put(1, label, border=True)
            sheet.put(2, value, border=True, number_format=DATE_FORMAT if isinstance(value, date) else None)
            sheet.row += 1
        sheet.table(header, 2)

        sheet = Sheet(workbook, "Пары", [24, 24, 20, 12, 12, 12, 14, 30, 22, 40, 40])
        header = sheet.row
        sheet.line(
            "Образовательная организация",
            "Форма наставничества",
            "Ролевая модель",
            "Вступила в программу",
            "Плановое завершение",
            "Завершена",
            "Состояние",
            "Наставляемый",
            "Отметка о прохождении",
            "Результаты пары",
            "Результаты наставляемого",
            header=True,
        )
        for pair_line in portfolio.pairs:
            pair = pair_line.pair
            mentees: list[PairMentee | None] = [*pair_line.mentees] or [None]
            for participation in mentees:
                values = [
                    pair.organisation.short_name,
                    pair.format.name,
                    pair.role_model.name if pair.role_model else "",
                ]
                for column, value in enumerate(values, start=1):
                    sheet.put(column, value, border=True)
                for column, value in enumerate((pair.entry_date, pair.planned_end_date, pair.end_date), start=4):
                    sheet.put(column, value, number_format=DATE_FORMAT, border=True)
                sheet.put(7, pair_line.status.label, border=True)
                if participation is not None:
                    sheet.put(8, participation.mentee.full_name, border=True)
                    sheet.put(9, participation.get_completion_mark_display(), border=True)
                    sheet.put(11, participation.results, border=True, wrap=True)
                sheet.put(10, pair.results, border=True, wrap=True)
                sheet.row += 1
        sheet.table(header, 11)

        sheet = Sheet(workbook, "Рост", [16, 32, 16, 12, 12, 14, 12])
        header = sheet.row
        sheet.line(
            "Роль",
            "Группа роста",
            "Участников с обеими анкетами",
            "Средний балл до",
            "Средний балл после",
            "Изменение, баллов",
            "Улучшили",
            header=True,
        )
        for growth in portfolio.growth:
            sheet.line(growth.role_label, growth.group_label, growth.participants, border=True)
            sheet.row -= 1
            sheet.put(4, growth.before, number_format="0.00", border=True)
            sheet.put(5, growth.after, number_format="0.00", border=True)
            sheet.put(6, growth.change, number_format=CHANGE_FORMAT, border=True)
            sheet.put(7, growth.improved, border=True)
            sheet.row += 1
        sheet.table(header, 7)
        if not portfolio.growth:
            sheet.line(NO_GROWTH)

        sheet = Sheet(workbook, "Мероприятия", [40, 24, 16, 12, 12, 14, 14, 12])
        header = sheet.row
        sheet.line(
            "Мероприятие",
            "Вид",
            "Уровень",
            "Начало",
            "Окончание",
            "Участие",
            "Результат",
            "Часы обучения",
            header=True,
        )
        for row in portfolio.events:
            event = row.event
            sheet.put(1, event.title, border=True, wrap=True)
            sheet.put(2, event.kind.name, border=True)
            sheet.put(3, event.get_level_display(), border=True)
            sheet.put(4, event.start_date, number_format=DATE_FORMAT, border=True)
            sheet.put(5, event.end_date, number_format=DATE_FORMAT, border=True)
            sheet.put(6, "лично" if row.person_id else "с парой", border=True)
            sheet.put(7, row.get_result_display(), border=True)
            sheet.put(8, row.training_hours if event.kind.is_training else None, border=True)
            sheet.row += 1
        sheet.table(header, 8)

        sheet = Sheet(workbook, "Практики", [40, 24, 24, 16, 12])
        header = sheet.row
        sheet.line(
            "Практика", "Образовательная организация", "Форма наставничества", "Состояние", "Опубликована", header=True
        )
        for practice in portfolio.practices:
            sheet.put(1, practice.title, border=True, wrap=True)
            sheet.put(2, practice.organisation.short_name, border=True)
            sheet.put(3, practice.format.name if practice.format else "", border=True)
            sheet.put(4, practice.get_state_display(), border=True)
            published = practice.published_at.date() if practice.published_at else None
            sheet.put(5, published, number_format=DATE_FORMAT, border=True)
            sheet.row += 1
        sheet.table(header, 5)

        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


@register
class MentorNominationExporter(PortfolioExporter):
    identifier = "mentor-nomination"
    verbose_name = "Номинационный лист «Наставник года»"
    formats = ("docx",)

    @staticmethod
    def content_type(file_format: str) -> str:
        return DOCX_TYPE

    def shown(self) -> list[Person]:
        return [self.person]  # the sheet names no mentee

    def filename(self, file_format: str) -> str:
        return f"Наставник года — номинационный лист {name_part(short_name(self.person))}.{file_format}"

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) of the sheet; an empty value is a line to fill in by hand."""
        portfolio, person = self.portfolio, self.person
        organisation = person.organisation
        department = organisation.department
        growth = "; ".join(
            f"{line.group_label}: {signed(line.change)} балла, улучшили {line.improved} из {line.participants}"
            for line in portfolio.mentee_growth
        )
        trainings = "; ".join(
            f"{row.event.title} ({row.event.end_date:%Y}, {row.training_hours or 0} ч)" for row in portfolio.trainings
        )
        return [
            ("Фамилия, имя, отчество", person.full_name),
            ("Должность", person.position),
            ("Образовательная организация", organisation.full_name or organisation.short_name),
            ("Муниципальное образование", department.municipality or department.name),
            ("Педагогический стаж", ""),
            ("Опыт наставничества", experience(portfolio)),
            (
                "Наставляемые",
                f"{portfolio.mentees}, из них прошли программу {portfolio.passed}" if portfolio.mentees else "",
            ),
            ("Формы наставничества", ", ".join(sorted({line.pair.format.name for line in portfolio.pairs}))),
            ("Повышение квалификации, часов", str(portfolio.hours) if portfolio.hours else ""),
            ("Курсы и семинары", trainings),
            ("Награды и достижения в конкурсах", "; ".join(award_text(row) for row in portfolio.awards)),
            ("Практики наставничества в банке лучших практик", "; ".join(p.title for p in portfolio.practices)),
            ("Рост наставляемых (анкеты «до» и «по завершении»)", growth),
            ("Основные компетенции", person.competencies),
            ("Важные достижения", person.achievements),
            ("Контактный телефон, e-mail", ""),
        ]

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        document = Document()
        section = document.sections[0]
        section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
        style = document.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(12)
        title = document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.add_run(NOMINATION_TITLE).bold = True
        document.add_paragraph(
            f"Сведения из реестра наставничества на {self.today:%d.%m.%Y}"
        ).alignment = WD_ALIGN_PARAGRAPH.CENTER
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in self.fields():
            cells = table.add_row().cells
            cells[0].text = label
            cells[1].text = value or BLANK
        document.add_paragraph()
        document.add_paragraph("Руководитель образовательной организации " + "_" * 20 + " / " + "_" * 20)
        document.add_paragraph("«___» ____________ 20___ г.        М. П.")
        document.save(out)
        return 1
