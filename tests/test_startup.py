"""mentoring.startup.settle(): what a gunicorn worker does once the application is loaded."""

import gc

from common import russian
from mentoring.startup import settle


def test_settle_loads_the_dictionary_and_freezes_what_is_alive():
    gc.unfreeze()
    russian._morph.cache_clear()
    try:
        settle()
        assert russian._morph.cache_info().currsize == 1, "the dictionary is loaded before the first request"
        assert gc.get_freeze_count() > 10_000, "the loaded application is out of the collector's walks"
    finally:
        gc.unfreeze()


def test_the_gunicorn_workers_settle_after_loading(monkeypatch):
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"))
    called = []
    monkeypatch.setattr("mentoring.startup.settle", lambda: called.append(True))
    config["post_worker_init"](worker=None)
    assert called == [True]
