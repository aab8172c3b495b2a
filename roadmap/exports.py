"""A roadmap with its execution status, as XLSX and PDF, through the export contract (jobs/exports.py); and the
document register's matrix (`document-register`).

The layout is the approved document's — №, content, deadlines as written, expected result,
effectiveness indicator (when the roadmap has any), responsible — plus a column «Исполнение»:
each occurrence's status and date, or for a «каждая ОО» item how many organisations have done
their part. A section is a row of its own, its number and title in the first two columns.
common/files/writers.py writes the rows; the same rows go to both formats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import cached_property

from django.db.models import Count, Q

from common.files.tables import Column, Layout
from common.text import name_part
from jobs.exports import TableExporter, register
from registry.access import scope_for
from registry.models import Organisation
from roadmap import register as document_register
from roadmap.access import get_register, get_roadmap
from roadmap.models import Occurrence, Status


@register
class RoadmapExporter(TableExporter):
    """Rows of one roadmap in the approved document's order, with the execution column."""

    identifier = "roadmap"
    verbose_name = "Дорожная карта с исполнением"

    def __init__(self, user, params: dict, *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        # A roadmap the user reads (404 otherwise): the link names it, the job runs as the user.
        self.roadmap = get_roadmap(user, params["pk"])

    @cached_property
    def items(self) -> list:
        return list(self.roadmap.items.select_related("section").order_by("position", "pk"))

    @cached_property
    def sections(self) -> list:
        return list(self.roadmap.sections.order_by("position", "pk"))

    @cached_property
    def with_indicator(self) -> bool:
        return any(item.indicator for item in self.items)

    @cached_property
    def form(self) -> Layout:  # type: ignore[override]
        columns = [
            Column("number", "№ п/п", 6),
            Column("content", "Содержание (мероприятие)", 44),
            Column("deadline", "Сроки", 16),
            Column("result", "Ожидаемый результат (вид документа)", 24),
        ]
        if self.with_indicator:
            columns.append(Column("indicator", "Показатели эффективности", 22))
        columns += [Column("responsible", "Ответственный исполнитель", 20), Column("status", "Исполнение", 26)]
        return Layout("Дорожная карта", tuple(columns))

    def count(self) -> int:
        return len(self.items) + len([s for s in self.sections if s.number or s.title])

    def title_lines(self) -> list[str]:
        roadmap = self.roadmap
        lines = [roadmap.title, f"{roadmap.owner_name} · период: {roadmap.period_text}"]
        if roadmap.order_number:
            order = f"Утверждена приказом № {roadmap.order_number}"
            lines.append(order + (f" от {roadmap.order_date:%d.%m.%Y}" if roadmap.order_date else ""))
        lines.append(f"Исполнение на {self.today:%d.%m.%Y}")
        return lines

    def title(self, file_format: str) -> str:
        return f"Дорожная карта «{self.roadmap.title}» ({file_format.upper()})"

    def filename(self, file_format: str) -> str:
        title = name_part(self.roadmap.title)
        return f"Дорожная карта — {title} — {self.today:%d.%m.%Y}.{file_format}"

    def rows(self) -> Iterator[list]:
        statuses = self._statuses()
        by_section = defaultdict(list)
        for item in self.items:
            by_section[item.section_id].append(item)
        width = len(self.form.columns)
        for section in self.sections:
            if section.number or section.title:
                yield [section.number, section.title, *[""] * (width - 2)]
            for item in by_section[section.pk]:
                row = [item.number, item.content, item.deadline_text, item.result]
                if self.with_indicator:
                    row.append(item.indicator)
                row += [item.responsible, "\n".join(statuses.get(item.pk, [])) or "—"]
                yield row

    def _statuses(self) -> dict[int, list[str]]:
        lines: dict[int, list[str]] = defaultdict(list)
        own = Occurrence.objects.filter(item__roadmap=self.roadmap, organisation__isnull=True)
        for occurrence in own.order_by("due", "key"):
            lines[occurrence.item_id].append(self._status_line(occurrence))
        parts = (
            Occurrence.objects.filter(item__roadmap=self.roadmap, organisation__isnull=False)
            .values("item_id", "key", "label", "due")
            .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=Status.DONE)))
            .order_by("item_id", "due", "key")
        )
        for part in parts:
            prefix = f"{part['label']}: " if part["label"] else ""
            overdue = part["due"] is not None and part["due"] < self.today and part["done"] < part["total"]
            lines[part["item_id"]].append(
                f"{prefix}выполнили {part['done']} из {part['total']} ОО" + (" — просрочено" if overdue else "")
            )
        return lines

    def _status_line(self, occurrence: Occurrence) -> str:
        prefix = f"{occurrence.label}: " if occurrence.label else ""
        text = occurrence.get_status_display()
        if occurrence.status == Status.DONE and occurrence.done_on:
            text += f" {occurrence.done_on:%d.%m.%Y}"
        elif occurrence.status == Status.POSTPONED and occurrence.due:
            text += f" на {occurrence.due:%d.%m.%Y}"
        if occurrence.is_overdue(self.today):
            text += " — просрочено"
        if occurrence.has_evidence:
            text += " (есть документ)"
        return prefix + text


@register
class DocumentRegisterExporter(TableExporter):
    """The document register's matrix: a row per organisation, a column per required document, each cell the
    organisation's state of it on the day (roadmap/register.py), and the row's counts."""

    identifier = "document-register"
    verbose_name = "Реестр документов"

    def __init__(self, user, params: dict, *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        self.register = get_register(user, params["pk"])
        organisations = scope_for(user).organisations(
            Organisation.objects.filter(department_id=self.register.department_id)
        )
        self.matrix = document_register.build_matrix(self.register, organisations, self.today)

    @cached_property
    def form(self) -> Layout:  # type: ignore[override]
        columns = [Column("organisation", "Организация", 30)]
        for index, column in enumerate(self.matrix.columns):
            due = f" (до {column.due:%d.%m.%Y})" if column.due else ""
            columns.append(Column(f"document{index}", f"{column.item.content}{due}", 18))
        columns += [
            Column("done", "Выполнено", 10),
            Column("overdue", "Просрочено", 10),
            Column("missing", "Не сдано", 10),
        ]
        return Layout("Реестр документов", tuple(columns))

    def count(self) -> int:
        return len(self.matrix.rows)

    def title_lines(self) -> list[str]:
        return [self.register.title, self.register.department.name, f"Состояние на {self.today:%d.%m.%Y}"]

    def title(self, file_format: str) -> str:
        return f"{self.register.title} ({file_format.upper()})"

    def filename(self, file_format: str) -> str:
        return f"{name_part(self.register.title)} — {self.today:%d.%m.%Y}.{file_format}"

    def rows(self) -> Iterator[list]:
        for row in self.matrix.rows:
            cells = []
            for cell in row.cells:
                if cell is None:
                    cells.append("—")
                    continue
                text = cell.state.label
                if cell.occurrence.done_on and cell.occurrence.status == Status.DONE:
                    text += f" {cell.occurrence.done_on:%d.%m.%Y}"
                cells.append(text)
            yield [row.organisation.short_name, *cells, row.counts.done, row.counts.overdue, row.counts.missing]
