"""Gunicorn settings for the production image (`--config python:readiness.gunicorn_conf`).

One module, so the Dockerfile, the compose file and the tests start web the same way.
"""

# Gunicorn reads every module-level name as a setting ("config" is one): import the
# parser alone.
from readiness.config import env_int

bind = f"0.0.0.0:{env_int('READINESS_WEB_PORT', 8000, minimum=1)}"
# Sync workers: every request is short (pages are pre-aggregated, long work is a task).
workers = env_int("READINESS_WEB_WORKERS", 3, minimum=1)
# Report uploads stream to disk inside the request; give a slow link time to finish.
timeout = 120
graceful_timeout = 30
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# Time to first byte in microseconds (%D) helps when reading slow pages from the log.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'


def post_worker_init(worker):
    """Once the worker has loaded the app: move everything allocated so far (Django,
    the apps, their modules: ~140,000 objects that live as long as the worker) out of
    the cyclic garbage collector's reach. A full collection then walks only what
    requests allocate; it was most of a page's slowest times (sender table at 50,000
    senders: the slowest 2 of 30 loads went from ~215 ms to ~160 ms, bench/README.md)."""
    import gc  # here: every module-level name of this file is read as a setting

    gc.freeze()
