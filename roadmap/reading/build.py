"""From rows of cell strings to sections and items: `build(rows)`; the rules are in the package
docstring (roadmap/reading/__init__.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from roadmap.reading.draft import (
    FIELDS,
    MAX_ITEMS,
    MAX_SOURCE_ROWS,
    DraftItem,
    DraftSection,
    DraftTable,
    RoadmapReadError,
    Row,
)
from roadmap.reading.header import (
    Header,
    clean_cell,
    find_header,
    has_words,
    header_key,
)

BULLETS = ("-", "–", "—", "•", "·", "▪", "●", "*")

_SECTION_NUMBER = re.compile(r"((?:\d{1,3}\.)+\d{0,3}|\d{1,3}(?=\s)|[IVXLC]{1,6}\.)\s*(.*)", re.S)
_NUMBERING_CELL = re.compile(r"(\d{1,2})\.?")
_TOP_NUMBER = re.compile(r"(\d{1,2}|[IVXLC]{1,6})\.?")
_SUB_NUMBER = re.compile(r"(\d{1,2})\.\d")
_PAGE_NUMBER = re.compile(r"[-–—]?\s*\d{1,4}\s*[-–—]?")
_HEADER_TAIL_CELL = re.compile(r"п\s*/\s*п\.?|пп\.?|[(a-zа-яё].{0,39}", re.S)

EXPECTED_HEADERS = (
    "«№ п/п», «Содержание», «Сроки», «Ожидаемый результат (вид документа)», «Показатели эффективности», «Ответственный»"
)
NO_HEADER = (
    "Не найдена строка заголовков таблицы. Над мероприятиями должна быть строка с названиями "
    f"столбцов: {EXPECTED_HEADERS} (обязательны «Содержание» и «Сроки», остальные — по "
    "желанию). Добавьте такую строку в начало таблицы и загрузите её снова."
)
NOT_A_TABLE = (
    "Не удалось распознать таблицу дорожной карты: в ней нет строки заголовков и меньше трёх "
    "столбцов. Если вы вставляете текст, скопируйте таблицу целиком — вместе со строкой "
    "заголовков — из Word, Excel или PDF: при копировании столбцы разделяются табуляцией. "
    "Нужны как минимум столбцы «Содержание» и «Сроки»."
)
NOTHING_FILLED = (
    "Таблица пуста: в ней нет ни одной заполненной строки. Загрузите файл или вставьте текст с таблицей дорожной карты."
)
EMPTY_TABLE = (
    "Таблица пуста: под строкой заголовков нет ни одного мероприятия. Проверьте, что "
    "скопирована (или сохранена в файле) вся таблица, а не только её шапка."
)
TOO_MANY_ITEMS = (
    f"В таблице больше {MAX_ITEMS:,} мероприятий — столько за один раз не загружается. "
    "Разделите дорожную карту на части и загрузите их по очереди."
).replace(",", " ", 1)
TOO_MANY_ROWS = (
    f"В таблице больше {MAX_SOURCE_ROWS:,} строк — столько за один раз не загружается. "
    "Удалите из файла всё, кроме дорожной карты, или разделите её на части."
).replace(",", " ", 1)

NO_CONTENT_TEXT = "Нет текста мероприятия."
NO_DEADLINE = "Срок не указан."
NO_RESPONSIBLE = "Ответственный не указан."
SHARED_DEADLINE = "Срок записан в объединённой ячейке вместе с мероприятием выше — проверьте срок."
GUESSED_COLUMNS = (
    "В строке меньше ячеек, чем столбцов в заголовке: текст разнесён по столбцам по порядку, "
    "последняя ячейка — в последний столбец. Проверьте столбцы."
)


def _empty_items_message(items: list[DraftItem]) -> str:
    """Items without a text: refused, each by its row, rather than saved empty."""
    rows = ", ".join(f"{item.rows[0]}" + (f" (пункт «{item.number}»)" if item.number else "") for item in items[:10])
    more = f" и ещё {len(items) - 10}" if len(items) > 10 else ""
    what = "В строке" if len(items) == 1 else "В строках"
    return (
        f"{what} {rows}{more} нет текста мероприятия — пустой пункт не сохраняется. Впишите текст мероприятия "
        "или удалите строку и загрузите таблицу снова."
    )


def _missing_column_message(header: Header, what: str, name: str, variants: str) -> str:
    found = ", ".join(f"«{text}»" for text in header.texts.values())
    return (
        f"В таблице не найден столбец {what} (найдены столбцы: {found}). Назовите его «{name}» — "
        f"подходят также {variants} — и загрузите таблицу снова."
    )


def check_header(header: Header | None, rows: list[Row]) -> Header:
    """The header, or the refusal that says what is missing."""
    if header is None:
        widths = [_filled_width(row.cells) for row in rows]
        if not any(widths):
            raise RoadmapReadError(NOTHING_FILLED)
        raise RoadmapReadError(NO_HEADER if max(widths) >= 3 else NOT_A_TABLE)
    if "deadline" not in header.columns:
        raise RoadmapReadError(
            _missing_column_message(header, "сроков", "Сроки", "«Срок», «Срок реализации», «Сроки исполнения»")
        )
    if "content" not in header.columns:
        raise RoadmapReadError(
            _missing_column_message(
                header,
                "с содержанием мероприятий",
                "Содержание",
                "«Мероприятие», «Наименование мероприятий», «Содержание мероприятия»",
            )
        )
    return header


def _filled_width(cells: Sequence[str]) -> int:
    return max((position + 1 for position, text in enumerate(cells) if text), default=0)


def join_text(before: str, after: str) -> str:
    """Two pieces of one cell: a space between, or a line break before a «- …» / «• …» line."""
    if not before:
        return after
    if not after:
        return before
    return before + ("\n" if after.startswith(BULLETS) else " ") + after


def split_section_title(text: str) -> tuple[str, str]:
    """«1. Нормативно-правовое …» -> («1.», «Нормативно-правовое …»); no number -> («», text)."""
    match = _SECTION_NUMBER.fullmatch(text)
    if not match:
        return "", text
    return match.group(1), match.group(2).strip()


def _starts_as_continuation(text: str) -> bool:
    first = text[:1]
    return text.startswith(BULLETS) or (first.isalpha() and first.islower())


def _is_numbering_row(cells: list[str]) -> bool:
    """A row of column numbers «1 2 3 4 5 6» under the header."""
    filled = [text for text in cells if text]
    matches = [_NUMBERING_CELL.fullmatch(text) for text in filled]
    if len(filled) < 3 or not all(matches):
        return False
    return [int(match.group(1)) for match in matches] == list(range(1, len(filled) + 1))


def _is_header_tail(cells: list[str]) -> bool:
    """The rest of header cells broken onto a second line: «п/п», «(вид документа)», «исполнитель»."""
    return all(_HEADER_TAIL_CELL.fullmatch(text) for text in cells if text)


class _Builder:
    def __init__(self, header: Header, parents: frozenset[str] = frozenset()):
        self.header = header
        # Top numbers that items are numbered under («1» of «1.1.», «1.2.»): a row «1. | Нормативно-…» is a section.
        self.parents = parents
        self.sections: list[DraftSection] = []
        self.skipped: list[int] = []
        self.last_item: DraftItem | None = None  # None after a section row
        self.started = False  # a section or an item has been read
        self.rows_read = 0  # rows after the header
        self.item_count = 0
        self.shared_deadline: set[int] = set()  # id() of items whose deadline cell is merged above

    # --- rows ---------------------------------------------------------------------------

    def add(self, row: Row) -> None:
        cells = row.cells
        self.rows_read += 1
        header_tail = not self.started and self.rows_read <= 2 and _is_header_tail(cells)
        filled = [position for position, text in enumerate(cells) if text]
        if (
            not filled
            or not any(has_words(cells[position]) for position in filled)
            or header_key(cells) == self.header.key
            or _is_numbering_row(cells)
            or (len(filled) == 1 and _PAGE_NUMBER.fullmatch(cells[filled[0]]))
            or header_tail
        ):
            self.skipped.append(row.number)
            return
        if filled == [0] and not row.merged_above and self._first_cell_only(row, cells[0]):
            return
        if self._section_in_two_cells(cells, filled):
            return
        values, note = self._fit(cells)
        if values.pop("stage", ""):
            self._stage(cells[self.header.columns["stage"]])
        merged = {name for name, position in self.header.columns.items() if position in row.merged_above}
        is_continuation = (
            self.last_item is not None
            and not values["number"]
            and not values["deadline"]
            and not merged & {"number", "deadline"}
        )
        if is_continuation:
            self._continue(self.last_item, row, values, note)
        elif any(values.values()) or merged:
            self._new_item(row, values, note, "deadline" in merged)
        else:  # text only in columns the header does not name
            self.skipped.append(row.number)

    def _first_cell_only(self, row: Row, text: str) -> bool:
        """A row with text in its first cell only: a section, or the end of a broken cell."""
        section = self.sections[-1] if self.sections else None
        if _starts_as_continuation(text):
            if self.last_item is None and section is not None and section.title and not section.items:
                section.title = join_text(section.title, text)
                return True
            if self.last_item is not None:
                first_field = next((name for name, position in self.header.columns.items() if position == 0), None)
                name = first_field if first_field not in (None, "number", "deadline") else "content"
                self._continue(self.last_item, row, {name: text}, None)
                return True
        number, title = split_section_title(text)
        if number and not title and self.header.columns.get("number") == 0:
            return False  # a number alone in the number column: an item
        self.sections.append(DraftSection(number=number, title=title))
        self.last_item = None
        self.started = True
        return True

    def _section_in_two_cells(self, cells: list[str], filled: list[int]) -> bool:
        """«I. | Подготовительный этап» or «1. | Нормативно-правовое обеспечение» (items below numbered 1.1., 1.2.):
        the number in the number column, the title beside it, nothing else."""
        if self.header.columns.get("number") != 0 or filled != [0, 1] or 1 == self.header.columns.get("deadline"):
            return False
        number, title = cells[0], cells[1]
        match = _TOP_NUMBER.fullmatch(number)
        if not match or _starts_as_continuation(title):
            return False
        if match.group(1).isdigit() and match.group(1) not in self.parents:
            return False  # «1. | Разработка положения» in a list numbered 1., 2., 3.: an item without a deadline
        self.sections.append(DraftSection(number=number, title=title))
        self.last_item = None
        self.started = True
        return True

    def _fit(self, cells: list[str]) -> tuple[dict[str, str], str | None]:
        """The row's cells by field. A short row (a cell lost in copying) maps its cells in
        order and its last cell to the last column; cells beyond the header join the last one."""
        width = self.header.width
        note = None
        if len(cells) > width:
            extra = [text for text in cells[width - 1 :] if text]
            cells = cells[: width - 1] + [" ".join(extra)]
        elif 2 <= len(cells) < width:
            if width - len(cells) >= 2:
                note = GUESSED_COLUMNS
            cells = cells[:-1] + [""] * (width - len(cells)) + cells[-1:]
        values = dict.fromkeys(FIELDS, "")
        for name, position in self.header.columns.items():
            values[name] = cells[position] if position < len(cells) else ""
        for position in self.header.more_content:  # «Мероприятия | Содержание деятельности»: both kept
            if position < len(cells) and cells[position]:
                values["content"] = "\n".join(text for text in (values["content"], cells[position]) if text)
        return values, note

    def _stage(self, text: str) -> None:
        """A stage written in its own column (merged down over its items): a section of its own."""
        number, title = split_section_title(text)
        if self.sections and not self.sections[-1].items and not self.sections[-1].title:
            self.sections.pop()
        self.sections.append(DraftSection(number=number, title=title))
        self.last_item = None
        self.started = True

    # --- items --------------------------------------------------------------------------

    def _new_item(self, row: Row, values: dict[str, str], note: str | None, shared: bool) -> None:
        self.item_count += 1
        if self.item_count > MAX_ITEMS:
            raise RoadmapReadError(TOO_MANY_ITEMS)
        if not self.sections:
            self.sections.append(DraftSection(number="", title=""))
        item = DraftItem(**values, rows=[row.number])
        if note:
            item.problems.append(note)
        if shared and not item.deadline:
            self.shared_deadline.add(id(item))
        self.sections[-1].items.append(item)
        self.last_item = item
        self.started = True

    def _continue(self, item: DraftItem, row: Row, values: dict[str, str], note: str | None) -> None:
        for name, text in values.items():
            if text and name != "number":
                setattr(item, name, join_text(getattr(item, name), text))
        item.rows.append(row.number)
        if note and note not in item.problems:
            item.problems.append(note)

    def finish(self) -> DraftTable:
        if not self.item_count:
            raise RoadmapReadError(EMPTY_TABLE)
        empty = [item for section in self.sections for item in section.items if not item.content]
        if empty:
            raise RoadmapReadError(_empty_items_message(empty))
        for section in self.sections:
            for item in section.items:
                item.problems[:0] = self._problems(item)
        return DraftTable(sections=self.sections, columns=dict(self.header.texts), skipped=sorted(self.skipped))

    def _problems(self, item: DraftItem) -> list[str]:
        problems = []
        if not item.content:
            problems.append(NO_CONTENT_TEXT)
        if id(item) in self.shared_deadline:
            problems.append(SHARED_DEADLINE)
        elif not item.deadline:
            problems.append(NO_DEADLINE)
        if "responsible" in self.header.columns and not item.responsible:
            problems.append(NO_RESPONSIBLE)
        return problems


def as_rows(rows: Sequence[Row | Sequence[str]]) -> list[Row]:
    """Rows with clean cells and trailing blank rows dropped; plain lists are numbered 1, 2, …"""
    result = []
    for index, row in enumerate(rows, start=1):
        if isinstance(row, Row):
            result.append(Row(row.number, [clean_cell(text) for text in row.cells], row.merged_above))
        else:
            result.append(Row(index, [clean_cell(text) for text in row]))
    while result and not any(result[-1].cells):
        result.pop()
    return result


_TITLE = re.compile(r"^(?:дорожн\w* карт|план\w*\s*(?:\(дорожн\w* карт\w*\)\s*)?мероприяти|план\w* работы)", re.I)
_ORDER_TITLE = re.compile(r"^об утверждении\s+", re.I)
_PERIOD_IN_TITLE = re.compile(
    r"(?:на\s+)?(?:(?:\d{4})\s*[-–—/]\s*(?:\d{4})|\d{4})\s*(?:годы|годов|годах|год|учебн\w*\s+год\w*|уч\.?\s*г\.?|гг?\.?)?",
    re.I,
)


def propose_title(lines: Sequence[str]) -> tuple[str, str]:
    """The roadmap's title and period as the document writes them above its table: a line that begins
    «Дорожная карта …» or «План мероприятий …» (with the lines it continues on), else the order's own title
    «Об утверждении дорожной карты …»; the period is the years it names. («», «») when there is none."""
    texts = [" ".join(line.split()) for line in lines]
    found = None
    for pattern in (_TITLE, _ORDER_TITLE):
        found = next((i for i, text in enumerate(texts) if pattern.match(text)), None)
        if found is not None:
            break
    if found is None:
        return "", ""
    title = texts[found]
    for text in texts[found + 1 : found + 4]:  # a title broken over lines continues in lower case
        if not text or not (text[:1].islower() or text[:1].isdigit() or text.startswith(("(", "на "))):
            break
        title = f"{title} {text}"
    title = title.rstrip(" .:")
    matches = [m.group(0).strip() for m in _PERIOD_IN_TITLE.finditer(title) if re.search(r"\d{4}", m.group(0))]
    return title[:500], (matches[-1] if matches else "")


def build(rows: Sequence[Row | Sequence[str]]) -> DraftTable:
    """Sections and items of a roadmap table given as rows of cell strings."""
    rows = as_rows(rows)
    header = check_header(find_header([row.cells for row in rows]), rows)
    title, period_text = propose_title([" ".join(cell for cell in row.cells if cell) for row in rows[: header.index]])
    numbers = [row.cells[0] for row in rows[header.index + 1 :] if row.cells and header.columns.get("number") == 0]
    parents = frozenset(match.group(1) for text in numbers if (match := _SUB_NUMBER.match(text)))
    builder = _Builder(header, parents)
    builder.skipped.extend(row.number for row in rows[: header.index])
    for row in rows[header.index + 1 :]:
        builder.add(row)
    draft = builder.finish()
    draft.title, draft.period_text = title, period_text
    return draft


def table_header(rows: Sequence[Row | Sequence[str]]) -> Header | None:
    """The header of a table, if it has one (no refusal)."""
    return find_header([row.cells for row in as_rows(rows)])


def pick_table(tables: Sequence[Sequence[Row]]) -> int | None:
    """Of several tables (Word tables, Excel sheets), the one with the roadmap: the first with a
    header naming both content and deadline, else the first with any header (its refusal says
    what is missing), else the first with anything in it; None when all are empty."""
    headers = [table_header(table) for table in tables]
    complete = [index for index, header in enumerate(headers) if header and header.complete]
    partial = [index for index, header in enumerate(headers) if header]
    filled = [index for index, table in enumerate(tables) if as_rows(table)]
    return next(iter(complete + partial + filled), None)
