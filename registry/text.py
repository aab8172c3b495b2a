"""Text normalisation shared by search and duplicate checks.

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
