"""Text normalisation shared by search and duplicate checks, and users' text in file names.

SQLite's LIKE folds only ASCII letters, and neither database folds ё into е, so each
searchable model keeps a `search_text` column filled by `normalise()` on save, and a
query is normalised the same way before it is matched with `contains`.
"""

import re

_SPACES = re.compile(r"\s+")


def normalise(*parts: str | None) -> str:
    text = " ".join(part for part in parts if part)
    text = text.lower().replace("ё", "е")
    return _SPACES.sub(" ", text).strip()


# Not in a file name: what Windows forbids, control characters, and the bidi and zero-width marks that
# could make «отчёт‮xslx.exe» look like something else.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]')


def name_part(text: str, limit: int = 80) -> str:
    """A user's text (a school, a department, a title, a person) made fit to stand in a download's name."""
    return " ".join(_NOT_IN_FILE_NAMES.sub(" ", text).split())[:limit].rstrip(" .")
