"""The documents made from the registry: what each one says about the school and its people (the context),
the DOCX rendered by docxtpl from the department's own template or the built-in one, and the PDF made from
that same DOCX (its paragraphs and tables as HTML, through WeasyPrint with the bundled font) — so both carry
the same text whichever template was used.

Templates run in Jinja's sandbox: a department's file can fill in fields, never reach Python.
"""

from __future__ import annotations

import gc
import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils.html import escape
from django.utils.safestring import mark_safe
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from common.pdf import FONT_FAMILY, font_css, render_html
from common.pdf.page import _advances, static_root
from common.russian import date_in_words, decline_person
from paperwork import builtin
from paperwork.models import DocumentKind, DocumentTemplate
from registry.models import Membership, MentoringPair, Organisation, PairMentee, Person
from registry.scope import Role

BLANK = "____________________"
ORDER_DATE_BLANK = "«____» ______________ 20____ г."
ORDER_NUMBER_BLANK = "________"

# The fields a template may use, with what they hold (shown on the templates page).
COMMON_FIELDS = {
    "organisation_full_name": "полное наименование образовательной организации",
    "organisation_short_name": "краткое наименование организации",
    "department_name": "орган управления образованием",
    "municipality": "муниципальное образование",
    "region": "субъект Российской Федерации",
}
FIELDS: dict[str, dict[str, str]] = {
    DocumentKind.ORDER: {
        **COMMON_FIELDS,
        "order_date": "дата приказа (бланк «____» ______ 20__ г. для заполнения)",
        "order_number": "номер приказа (бланк для заполнения)",
        "curator_fio": "ФИО куратора программы наставничества (именительный падеж)",
        "curator_fio_genitive": "ФИО куратора в родительном падеже (кого?)",
        "curator_fio_dative": "ФИО куратора в дательном падеже (кому?)",
        "curator_fio_accusative": "ФИО куратора в винительном падеже (кого? назначить)",
        "curator_fio_instrumental": "ФИО куратора в творительном падеже (кем?)",
        "pairs": "список пар для строк таблицы: {%tr for pair in pairs %} … {%tr endfor %}; у каждой пары "
        "pair.number, pair.mentor (ФИО, должность), pair.mentees (ФИО, класс/должность), pair.format, "
        "pair.role_model, pair.period (с … по …)",
        "pairs_count": "число пар в приказе",
        "today": "дата составления словами («01 сентября 2026 г.»)",
    },
}
_PERSON_FIELDS = {
    **COMMON_FIELDS,
    "person_fio": "ФИО участника (именительный падеж)",
    "person_fio_genitive": "ФИО участника в родительном падеже («законным представителем несовершеннолетнего …»)",
    "person_fio_dative": "ФИО участника в дательном падеже",
    "person_birth_year_text": "год рождения («2012 года рождения»)",
    "person_class_or_position": "класс (группа) или должность",
    "is_minor": "несовершеннолетний: {% if is_minor %} … {% endif %}",
    "formats_text": "формы наставничества, в которых участвует («, форма …»)",
    "today": "дата составления словами («01 сентября 2026 г.»)",
}
for _kind in (DocumentKind.CONSENT_DATA, DocumentKind.CONSENT_MENTEE, DocumentKind.CONSENT_MENTOR):
    FIELDS[_kind] = _PERSON_FIELDS

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


# --- The contexts -------------------------------------------------------------------------------------


def _organisation_fields(organisation: Organisation) -> dict[str, str]:
    department = organisation.department
    return {
        "organisation_full_name": organisation.full_name,
        "organisation_short_name": organisation.short_name,
        "department_name": department.name,
        "municipality": department.municipality,
        "region": department.region,
    }


def curator_of(organisation: Organisation):
    """The organisation's curator (the first appointed, when there are several), or None."""
    membership = (
        Membership.objects.filter(role=Role.CURATOR, organisation=organisation)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else None


def _with_detail(name: str, detail: str) -> str:
    return f"{name}, {detail}" if detail else name


def _detail(person: Person) -> str:
    """«7 Б класс» for a pupil whose class is written bare; else the position, the class or group as written."""
    detail = person.class_or_group
    if detail and person.is_student and detail[:1].isdigit() and "класс" not in detail.lower():
        return f"{detail} класс"
    return person.position or detail or ""


def period_text(pair: MentoringPair) -> str:
    start = date_in_words(pair.entry_date)
    end = date_in_words(pair.end_date or pair.planned_end_date)
    return f"с {start} по {end}" if end else f"с {start}"


def order_pairs(pairs) -> list[MentoringPair]:
    """The pairs with what the order shows, mentor by mentor."""
    return list(
        pairs.select_related("mentor", "format", "role_model", "organisation__department")
        .prefetch_related(
            Prefetch(
                "participations", queryset=PairMentee.objects.select_related("mentee").order_by("mentee__last_name")
            )
        )
        .order_by("mentor__last_name", "mentor__first_name", "entry_date", "pk")
    )


def order_context(organisation: Organisation, pairs: list[MentoringPair], *, today: date) -> dict:
    curator = curator_of(organisation)
    rows = []
    for number, pair in enumerate(pairs, start=1):
        mentees = [_with_detail(p.mentee.full_name, _detail(p.mentee)) for p in pair.participations.all()]
        rows.append(
            {
                "number": number,
                "mentor": _with_detail(pair.mentor.full_name, _detail(pair.mentor)),
                "mentees": "; ".join(mentees),
                "format": pair.format.name,
                "role_model": pair.role_model.name if pair.role_model else "",
                "period": period_text(pair),
            }
        )
    return {
        **_organisation_fields(organisation),
        "order_date": ORDER_DATE_BLANK,
        "order_number": ORDER_NUMBER_BLANK,
        "curator_fio": curator.full_name if curator else BLANK,
        "curator_fio_genitive": decline_person(curator, "gent") if curator else BLANK,
        "curator_fio_dative": decline_person(curator, "datv") if curator else BLANK,
        "curator_fio_accusative": decline_person(curator, "accs") if curator else BLANK,
        "curator_fio_instrumental": decline_person(curator, "ablt") if curator else BLANK,
        "pairs": rows,
        "pairs_count": len(rows),
        "today": date_in_words(today),
    }


def person_context(person: Person, *, today: date) -> dict:
    formats = sorted(
        {p.format.name for p in person.mentor_pairs.active().select_related("format")}
        | {p.format.name for p in PairMentee.objects.filter(mentee=person, active=True).select_related("format")}
    )
    formats_text = (", форма наставничества «" + "», «".join(formats) + "»") if formats else ""
    return {
        **_organisation_fields(person.organisation),
        "person_fio": person.full_name,
        "person_fio_genitive": decline_person(person, "gent"),
        "person_fio_dative": decline_person(person, "datv"),
        "person_birth_year_text": f"{person.birth_year} года рождения" if person.birth_year else "____ года рождения",
        "person_class_or_position": person.class_or_group or person.position or "",
        "is_minor": person.is_minor(today.year),
        "formats_text": formats_text,
        "today": date_in_words(today),
    }


# --- Rendering ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    docx: bytes
    own_template: bool


def own_template(department_id: int, kind: str) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(department_id=department_id, kind=kind, active=True).first()


def render_docx(kind: str, context: dict, *, department_id: int) -> Rendered:
    """The DOCX of `kind` from the department's own template, else the built-in one."""
    own = own_template(department_id, kind)
    if own is not None:
        with own.file.open("rb") as stored:
            source = stored.read()
    else:
        source = builtin.template_bytes(kind, bool(context.get("is_minor")))
    template = DocxTemplate(io.BytesIO(source))
    template.render(context, jinja_env=environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return Rendered(out.getvalue(), own is not None)


# --- The PDF from the DOCX -----------------------------------------------------------------------------

# The page and its table, in pt: A4 portrait less the side margins of _CSS, the table's text and a cell's padding
# and border (for the columns' widths, `_column_widths`).
_MM = 72 / 25.4
_TABLE_WIDTH_PT = (210 - 25 - 15) * _MM
_TABLE_FONT_PT = 9
_CELL_EXTRA_PT = 2 * 1.5 * _MM + 0.6

_CSS = f"""
@page {{ size: A4 portrait; margin: 18mm 15mm 18mm 25mm; }}
html {{ font-family: "{FONT_FAMILY}"; font-size: 10.5pt; line-height: 1.35; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0 0 1.5mm 0; white-space: pre-wrap; tab-size: 4; }}
p.center {{ text-align: center; }}
p.right {{ text-align: right; }}
p.justify {{ text-align: justify; }}
p.empty {{ min-height: 1em; }}
b {{ font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; margin: 2mm 0 3mm 0; font-size: {_TABLE_FONT_PT}pt; }}
table.fixed {{ table-layout: fixed; }}
td {{ border: 0.6pt solid #000; padding: 1mm 1.5mm; vertical-align: top; }}
tr:first-child td {{ font-weight: bold; text-align: center; }}
"""

_ALIGN_CLASS = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
}


def _paragraph_html(paragraph: Paragraph) -> str:
    runs = [run for run in paragraph.runs if run.text]
    text: str = escape(paragraph.text)
    if runs:
        text = "".join(f"<b>{escape(run.text)}</b>" if run.bold else escape(run.text) for run in runs)
    classes = [_ALIGN_CLASS.get(paragraph.alignment, "") if paragraph.alignment is not None else ""]
    if not paragraph.text.strip():
        classes.append("empty")
    return f'<p class="{" ".join(c for c in classes if c)}">{text}</p>'


def _text_width(text: str, advances: dict[int, float]) -> float:
    return sum(advances.get(ord(char), 0.6) for char in text) * _TABLE_FONT_PT


def _column_widths(rows: list[list[list[str]]]) -> list[float] | None:
    """The columns' widths in % of the table, worked out as a browser's automatic table layout does (each
    column between its longest word and its longest line, the room left shared in proportion), from the
    bundled font's advance widths; None when the rows do not all have the same number of cells.

    WeasyPrint then lays the table out with these widths (`table-layout: fixed`) instead of measuring every
    cell of every row itself: for an order of 200 pairs that measuring was a fifth of the PDF's time.
    The first row (the headers) is bold.
    """
    count = len(rows[0]) if rows else 0
    if not count or any(len(row) != count for row in rows):
        return None
    static = static_root()
    fonts = static / "fonts" / "dejavu"
    regular = _advances(str(fonts / "DejaVuSans.ttf"))
    bold_file = fonts / "DejaVuSans-Bold.ttf"
    bold = _advances(str(bold_file)) if bold_file.is_file() else regular
    least, most = [0.0] * count, [0.0] * count
    for index, row in enumerate(rows):
        advances = bold if index == 0 else regular
        for column, lines in enumerate(row):
            for line in lines:
                most[column] = max(most[column], _text_width(line, advances))
                for word in line.split():
                    least[column] = max(least[column], _text_width(word, advances))
    least = [width + _CELL_EXTRA_PT for width in least]
    most = [width + _CELL_EXTRA_PT for width in most]
    room, low, high = _TABLE_WIDTH_PT, sum(least), sum(most)
    if high <= room:  # every line fits: the spare room in proportion to the lines
        widths = [width * room / high for width in most]
    elif low >= room:  # not even the words: the words (the table is as wide as the page anyway)
        widths = least
    else:
        share = (room - low) / (high - low)
        widths = [small + (large - small) * share for small, large in zip(least, most, strict=True)]
    total = sum(widths)
    return [100 * width / total for width in widths]


def _table_html(table: Table) -> str:
    rows = [[[p.text for p in cell.paragraphs] for cell in row.cells] for row in table.rows]
    lines = ["".join(f"<td>{'<br>'.join(escape(text) for text in cell)}</td>" for cell in row) for row in rows]
    body = "".join(f"<tr>{cells}</tr>" for cells in lines)
    widths = _column_widths(rows)
    if widths is None:
        return f"<table>{body}</table>"
    columns = "".join(f'<col style="width:{width:.3f}%">' for width in widths)
    return f'<table class="fixed"><colgroup>{columns}</colgroup>{body}</table>'


def docx_text(docx: bytes) -> list[str]:
    """The document's paragraphs and table rows as text, in order (for the PDF and for tests)."""
    return _blocks(docx, html=False)


def _blocks(docx: bytes, *, html: bool) -> list[str]:
    document = Document(io.BytesIO(docx))
    out = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            out.append(_paragraph_html(paragraph) if html else paragraph.text)
        elif tag == "tbl":
            table = Table(element, document)
            if html:
                out.append(_table_html(table))
            else:
                out += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return out


def docx_to_html(docx: bytes, title: str) -> str:
    body = "\n".join(_blocks(docx, html=True))
    style = mark_safe(f"<style>{font_css()}{_CSS}</style>")
    return (
        f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{escape(title)}</title>{style}</head>'
        f"<body>{body}</body></html>"
    )


_quiet_lock = threading.Lock()
_quiet_renders = 0  # renders running now with the automatic collection paused
_quiet_paused = False  # whether they paused it (it was on when the first began)


@contextmanager
def _without_automatic_gc():
    """The automatic garbage collection paused while WeasyPrint lays the document out, and on again after.

    A render builds its boxes and styles, which all live until it ends: the collector walks them over and over
    for nothing (up to ≈10 % of an order's PDF, in a process whose own objects are not frozen by
    `mentoring.startup.settle`). The pause is the process's (`gc` has no other), so it is counted: the last
    of the renders running at once restores it, and only if the first found it on. A second or so without
    automatic collection costs the other threads nothing but memory.
    """
    global _quiet_renders, _quiet_paused
    with _quiet_lock:
        if _quiet_renders == 0:
            _quiet_paused = gc.isenabled()
            gc.disable()
        _quiet_renders += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_renders -= 1
            if _quiet_renders == 0 and _quiet_paused:
                gc.enable()


def pdf_from_docx(docx: bytes, title: str) -> bytes:
    """The PDF of the DOCX: its paragraphs and tables as HTML (each table with its columns' widths worked out
    here), through WeasyPrint with the bundled font. An order of 200 pairs: ≈1.5 s (docs/performance.md)."""
    markup = docx_to_html(docx, title)
    with _without_automatic_gc():
        return render_html(markup)
