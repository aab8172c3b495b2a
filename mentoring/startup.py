"""What a long-lived process (a gunicorn worker, the bench) does once it has loaded the application.

`settle()` loads what the first requests would otherwise load lazily (the Russian morphology
dictionary of common/russian.py), then moves every object alive at that moment out of the garbage
collector's sight (`gc.freeze()`). CPython's oldest-generation collection walks all tracked objects:
with the application and its libraries loaded, ≈ 140 000 objects and 35–50 ms on our servers, paid by
whichever request happens to trigger it (one in fifteen on the data-quality page after a change:
its p95). Frozen objects are never collected — they live as long as the process anyway — so the
collections walk only what requests create. See the gc module's documentation on `freeze()`.
"""

from __future__ import annotations

import gc


def settle() -> None:
    from common.russian import warm_up

    warm_up()
    gc.collect()
    gc.freeze()
