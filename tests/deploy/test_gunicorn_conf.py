"""The production gunicorn settings (readiness/gunicorn_conf.py)."""

import gc

from readiness import gunicorn_conf


def test_a_worker_freezes_what_it_loaded_so_full_collections_skip_it():
    before = gc.get_freeze_count()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
