"""Formatting of indicator figures: Russian numbers, «нет данных» for what cannot be computed."""

from django import template

from monitoring.charts import format_number

register = template.Library()


@register.filter
def figure(cell, unit: str = "") -> str:
    return format_number(cell.value, unit if unit == "%" else "")


@register.filter
def cell_for(row: dict, year: int):
    return row[year]
