"""A participant's questionnaire on paper: the PDF the curator prints with the participant's name, hands out,
and later types in (influence_mentor_response / influence_mentee_response). The same access as the entry:
the pair written by the user's organisation."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from common.pdf import FONT_FAMILY, font_css, render_html
from common.text import name_part
from influence import services
from influence.models import SCALE_MAX, SCALE_MIN, Purpose, QuestionnaireTemplate, Role
from influence.views import _participant
from registry import privacy
from registry.models import MentoringPair, PairMentee, Person

SCALE = list(range(SCALE_MIN, SCALE_MAX + 1))
WHOSE = {Role.MENTOR: "наставника", Role.MENTEE: "наставляемого"}

# In Python, not in the template: the page's CSS goes with the bundled font's @font-face rules (file URIs that
# only WeasyPrint reads), and templates carry no <style> (tests/test_security_headers.py).
_CSS = f"""
@page {{
  size: A4 portrait;
  margin: 15mm 15mm 16mm 20mm;
  @bottom-right {{
    content: "Стр. " counter(page) " из " counter(pages);
    font-family: "{FONT_FAMILY}"; font-size: 8pt; color: #444;
  }}
  @top-right {{
    content: string(participant);
    font-family: "{FONT_FAMILY}"; font-size: 8pt; color: #444;
  }}
}}
@page :first {{ @top-right {{ content: none; }} }}
.participant {{ string-set: participant content(); }}
html {{ font-family: "{FONT_FAMILY}"; font-size: 10.5pt; line-height: 1.3; color: #000; }}
body {{ margin: 0; }}
.head {{ margin-bottom: 5mm; }}
.head .organisation {{ text-align: center; font-size: 9.5pt; margin: 0 0 3mm 0; }}
h1 {{ font-size: 13.5pt; text-align: center; margin: 0 0 1mm 0; line-height: 1.25; }}
.version {{ text-align: center; font-size: 9pt; color: #333; margin: 0 0 4mm 0; }}
.fields p {{ margin: 0 0 2.2mm 0; }}
.fill {{ display: inline-block; border-bottom: 0.6pt solid #000; min-width: 60mm; }}
.fill.short {{ min-width: 35mm; }}
.fill.tiny {{ min-width: 9mm; }}
.caption {{ font-size: 7.5pt; color: #333; }}
.note {{ font-size: 9pt; margin: 0 0 4mm 0; padding: 2mm 3mm; border: 0.5pt solid #777; }}
ol.questions {{ margin: 0; padding: 0; list-style: none; }}
li.question {{ margin: 0 0 4.5mm 0; break-inside: avoid; }}
.text {{ margin: 0 0 1.8mm 0; }}
.number {{ font-weight: bold; }}
.required {{ font-weight: bold; }}
table.scale {{ border-collapse: collapse; margin-left: 6mm; }}
table.scale td {{
  width: 9mm; height: 7mm; border: 0.7pt solid #000; text-align: center; vertical-align: middle; font-size: 10pt;
}}
.scale-ends {{ margin: 0.8mm 0 0 6mm; font-size: 7.5pt; color: #333; }}
ul.options {{ list-style: none; margin: 0 0 0 6mm; padding: 0; }}
ul.options li {{ margin: 0 0 1.5mm 0; }}
.box {{
  display: inline-block; width: 3.4mm; height: 3.4mm; border: 0.7pt solid #000; margin-right: 2mm;
  vertical-align: -0.5mm;
}}
.blank {{ margin: 0 0 0 6mm; height: 7mm; border-bottom: 0.6pt solid #000; }}
.blank.wide {{ height: 7mm; }}
.blank.short {{ width: 45mm; }}
.signature {{ margin-top: 8mm; break-inside: avoid; }}
.signature p {{ margin: 0 0 5mm 0; }}
"""


@require_GET
def mentor_print(request: HttpRequest, pk: int, purpose: str) -> HttpResponseBase:
    return _print(request, *_participant(request, pk), purpose)


@require_GET
def mentee_print(request: HttpRequest, pk: int, purpose: str, participation: int) -> HttpResponseBase:
    return _print(request, *_participant(request, pk, participation), purpose)


def _print(
    request: HttpRequest, pair: MentoringPair, participation: PairMentee | None, purpose: str
) -> HttpResponseBase:
    """The questionnaire the participant answers at this stage (services.template_for), as a PDF to print."""
    if purpose not in Purpose.values:
        raise Http404("Такой анкеты нет.")
    role = Role.MENTOR if participation is None else Role.MENTEE
    person = pair.mentor if participation is None else participation.mentee
    template = services.template_for(pair, purpose, role)
    if template is None:
        return render(
            request,
            "influence/print/no_questionnaire.html",
            {"pair": pair, "purpose_label": Purpose(purpose).label, "whose": WHOSE[role]},
            status=404,
        )
    privacy.record_shown(request, [person], what="анкета для печати")
    pdf = render_html(questionnaire_html(pair, person, role, template))
    # Inline: the browser opens it to print; saved, it keeps the questionnaire's and the participant's names.
    return FileResponse(
        io.BytesIO(pdf), as_attachment=False, filename=filename(template, person), content_type="application/pdf"
    )


def questionnaire_html(pair: MentoringPair, person: Person, role: str, template: QuestionnaireTemplate) -> str:
    """The HTML the PDF is rendered from (every text from the database escaped by the template)."""
    return render_to_string(
        "influence/print/questionnaire.html",
        {
            "style": mark_safe(f"<style>{font_css()}{_CSS}</style>"),  # our constants and the static fonts' paths
            "template": template,
            "questions": services.questions_of(template),
            "scale": SCALE,
            "scale_min": SCALE_MIN,
            "scale_max": SCALE_MAX,
            "organisation": pair.organisation.full_name or pair.organisation.short_name,
            "format": pair.format,
            "person": person,
            "role_label": Role(role).label,
            "minor": person.is_minor(),
        },
    )


def filename(template: QuestionnaireTemplate, person: Person) -> str:
    """«Анкета наставляемого до начала программы — Ученикова Анна Петровна.pdf»."""
    return f"{name_part(template.title)} — {name_part(person.full_name)}.pdf"
