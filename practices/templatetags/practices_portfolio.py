"""`{% mentor_portfolio person %}` on the person's card (registry/person_detail.html): for one who is or was a
mentor, the portfolio's figures within the user's reach and its downloads — «Портфолио наставника» (XLSX, PDF)
and the nomination sheet of «Наставник года» (DOCX). The registry names no feature app: its template loads this
library; nothing is shown for a person who never was a mentor."""

from __future__ import annotations

from django import template

from practices.portfolio import gather, is_mentor

register = template.Library()


@register.inclusion_tag("practices/includes/portfolio.html", takes_context=True)
def mentor_portfolio(context, person) -> dict:
    if person.erased_at is not None or not is_mentor(person):
        return {"portfolio": None}
    return {"portfolio": gather(context["request"].user, person), "person": person}
