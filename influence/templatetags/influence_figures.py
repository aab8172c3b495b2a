"""The figures of influence as Russian readers write them: «+0,50», «−1,25», «50 %», «нет данных»."""

from __future__ import annotations

from decimal import Decimal

from django import template

from common.charts import MINUS, NO_DATA, format_number

register = template.Library()


@register.filter
def score(value: Decimal | None) -> str:
    """A score or an average, two decimals: «6,50»."""
    return NO_DATA if value is None else f"{value:.2f}".replace(".", ",").replace("-", MINUS)


@register.filter
def signed(value: Decimal | None) -> str:
    """A change, signed, two decimals: «+0,50», «−0,50», «0,00»."""
    if value is None:
        return NO_DATA
    text = f"{abs(value):.2f}".replace(".", ",")
    if value > 0:
        return "+" + text
    return MINUS + text if value < 0 else text


@register.filter
def share(value: Decimal | None) -> str:
    """A share in per cent, at most one decimal: «50 %», «33,3 %»."""
    return format_number(value, "%")
