"""Formatting for the roadmap pages: status badges and the overdue mark."""

from django import template

from roadmap.models import Status

register = template.Library()

STATUS_CLASSES = {
    Status.NOT_STARTED: "text-bg-light border",
    Status.IN_PROGRESS: "text-bg-info",
    Status.DONE: "text-bg-success",
    Status.NOT_DONE: "text-bg-danger",
    Status.POSTPONED: "text-bg-warning",
}


@register.filter
def status_class(occurrence) -> str:
    return STATUS_CLASSES.get(occurrence.status, "text-bg-light")


@register.filter
def overdue_on(occurrence, today) -> bool:
    return occurrence.is_overdue(today)


@register.filter
def schedule_text(item) -> str:
    """The parsed reading of an item's deadline, shown beside the text as written."""
    return item.get_schedule().describe()
