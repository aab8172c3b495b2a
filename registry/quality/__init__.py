"""Data quality («Качество данных»): what is missing or wrong before the data goes to the region —
the checks themselves (`checks.py`) and what the pages read of them, kept while the data stands
(`pages.py`)."""

from registry.quality.checks import (
    CHECKS,
    CHECKS_BY_SLUG,
    Check,
    DuplicateGroup,
    duplicate_groups,
    expand_duplicates,
    minors_without_consent,
    overloaded_mentors,
    overloaded_mentors_of,
    pairs_past_due,
    pairs_without_order,
    present_mentors_by_load,
    present_minors,
    present_pairs_by_lateness,
    present_pairs_by_organisation,
)
from registry.quality.pages import (
    DUPLICATE_TOPICS,
    PARTS_VERSION,
    PER_ORGANISATION,
    PER_ORGANISATION_TOPICS,
    PREVIEW_ROWS,
    SECTION_TOPICS,
    counts,
    overview,
    section_page,
)

__all__ = [
    "CHECKS",
    "CHECKS_BY_SLUG",
    "Check",
    "DUPLICATE_TOPICS",
    "DuplicateGroup",
    "PARTS_VERSION",
    "PER_ORGANISATION",
    "PER_ORGANISATION_TOPICS",
    "PREVIEW_ROWS",
    "SECTION_TOPICS",
    "counts",
    "duplicate_groups",
    "expand_duplicates",
    "minors_without_consent",
    "overloaded_mentors",
    "overloaded_mentors_of",
    "overview",
    "pairs_past_due",
    "pairs_without_order",
    "present_mentors_by_load",
    "present_minors",
    "present_pairs_by_lateness",
    "present_pairs_by_organisation",
    "section_page",
]
