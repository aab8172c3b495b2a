"""manage.py bench: pages × personas timed through Django's test client, exports and indicators.

The benchmark itself lives in bench/pages.py, beside loadtest/ and outside the installed packages
(docs/performance.md)."""

from bench.pages import Command

__all__ = ["Command"]
