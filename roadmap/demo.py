"""The demo roadmaps: the district's approved roadmap (a real published table) for the 2026–2027
academic year with some execution marked, and its copy as school № 1's own roadmap; and the department's
document register of that year, with documents some schools have given (files and links).

Each is added only while the department has none, so running the demo again changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from registry.models import EducationDepartment, Organisation, User
from roadmap import register, services
from roadmap.deadlines import parse_period
from roadmap.models import EvidenceKind, Occurrence, Roadmap, Status
from roadmap.reading import read_roadmap

SOURCE = settings.BASE_DIR / "fixtures" / "roadmaps" / "district-2022-2024.tsv"
TITLE = "Дорожная карта внедрения целевой модели наставничества в Кедровском округе"


@transaction.atomic
def fill(department: EducationDepartment, organisations: dict[str, Organisation], methodist: User | None) -> bool:
    added = _fill_register(department, organisations, methodist)
    if Roadmap.objects.plans().filter(department=department).exists():
        return added
    period = parse_period("2026–2027 учебный год")
    draft = read_roadmap(text=SOURCE.read_text(encoding="utf-8"))
    roadmap = services.save_draft(
        draft,
        owner=services.Owner(department),
        title=TITLE,
        period=period,
        user=methodist,
        order_number="412-о",
        order_date=date(2026, 8, 28),
    )
    # September: the working group approved by two schools out of five, with their orders.
    first = roadmap.items.get(number="1.1.")
    for code, day in (("sosh1", date(2026, 9, 10)), ("gimn2", date(2026, 9, 25))):
        Occurrence.objects.filter(item=first, organisation=organisations[code]).update(
            status=Status.DONE,
            done_on=day,
            comment="Приказ ОО о рабочей группе",
            evidence_url=f"https://{code}.example.invalid/nastavnichestvo/prikaz",
            updated_by=methodist,
        )
    Occurrence.objects.filter(item=first, organisation=organisations["sosh3"]).update(
        status=Status.IN_PROGRESS,
        comment="Проект приказа на согласовании",
        updated_by=methodist,
    )
    # October monitoring of the municipality: done, with its analytic report.
    Occurrence.objects.filter(item__roadmap=roadmap, item__number="4.1.", key__endswith="-10").update(
        status=Status.DONE,
        done_on=date(2026, 10, 30),
        comment="Аналитическая справка по итогам мониторинга",
        updated_by=methodist,
    )
    services.copy_roadmap(
        roadmap,
        owner=services.Owner(department, organisations["sosh1"]),
        period=period,
        user=methodist,
        title="Дорожная карта внедрения целевой модели наставничества в МБОУ СОШ № 1",
    )
    return True


# --- the document register of 2026–2027 -------------------------------------------------------------------------

# (document, what a school gives, due, the schools that gave it)
DOCUMENTS = [
    (
        "Приказ о создании рабочей группы по внедрению целевой модели наставничества",
        EvidenceKind.FILE,
        date(2026, 9, 15),
        ("sosh1", "gimn2", "sosh3"),
    ),
    ("Приказ о назначении куратора наставничества в ОО", EvidenceKind.FILE, date(2026, 9, 15), ("sosh1", "gimn2")),
    ("Положение о программе наставничества ОО", EvidenceKind.FILE, date(2026, 10, 1), ("sosh1",)),
    ("Дорожная карта внедрения целевой модели наставничества в ОО", EvidenceKind.FILE, date(2026, 10, 1), ()),
    ("Раздел «Наставничество» на официальном сайте ОО", EvidenceKind.LINK, date(2026, 11, 1), ("sosh1", "gimn2")),
    ("Приказ о закреплении наставнических пар (групп)", EvidenceKind.ANY, date(2027, 1, 20), ()),
]


def _fill_register(
    department: EducationDepartment, organisations: dict[str, Organisation], methodist: User | None
) -> bool:
    if Roadmap.objects.registers().filter(department=department).exists():
        return False
    found = register.open_register(department, parse_period("2026–2027 учебный год"), user=methodist)
    for content, kind, due, given_by in DOCUMENTS:
        item = register.new_requirement(found)
        item.content, item.evidence_kind = content, kind
        register.save_requirement(item, due)
        for code in given_by:
            part = Occurrence.objects.get(item=item, organisation=organisations[code])
            part.status, part.done_on, part.updated_by = Status.DONE, due.replace(day=min(due.day, 10)), None
            if kind == EvidenceKind.LINK:
                part.evidence_url = f"https://{code}.example.invalid/nastavnichestvo"
            else:
                part.evidence_original_name = f"{content[:60]}.pdf"
                part.evidence_file.save(
                    f"{code}-{item.pk}.pdf", ContentFile(_pdf(f"Demo scan: {code}, document {item.pk}")), save=False
                )
            part.save()
    return True


def _pdf(text: str) -> bytes:
    """A one-page PDF that any viewer opens (the demo's scans); `text` in Latin letters (the base font has no
    Cyrillic)."""
    stream = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
