"""gunicorn's settings for Huimin's web processes (docs/operations.md, "Application processes"):

    gunicorn -c python:huimin.gunicorn_conf huimin.wsgi:application

The master loads the application once and warms it (huimin/wsgi.py → huimin/warmup.py: dictionaries,
converters, rules, templates, the site chrome) before it forks the workers, which start warm (and render
each site's home page once before their first request); a worker that gunicorn replaces later is forked
warm too. Options given on the command line (`--bind`, `--workers`)
override these.

Environment:
    HUIMIN_WEB_WORKERS  worker processes (default 2 × CPU cores + 1, gunicorn's own advice)
    HUIMIN_WEB_BIND     address to listen on (default 127.0.0.1:8000)
"""

import os


def _workers() -> int:
    value = os.environ.get("HUIMIN_WEB_WORKERS", "").strip()
    if not value:
        return 2 * (os.cpu_count() or 1) + 1
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"HUIMIN_WEB_WORKERS must be a whole number of at least 1, not {value!r}")
    return int(value)


wsgi_app = "huimin.wsgi:application"
bind = os.environ.get("HUIMIN_WEB_BIND", "").strip() or "127.0.0.1:8000"
workers = _workers()
preload_app = True
# The locked gunicorn opens a control socket under $HOME by default; several instances would share it.
control_socket_disable = True
accesslog = "-"  # requests to standard output, next to the application's log
errorlog = "-"


def post_worker_init(worker):
    """Each worker, forked warm, renders each site's home page once before it accepts a request: its own
    database connection opened and the memory it shares with the master copied now, not during a reader's
    first request (huimin/warmup.py, `warm_worker`)."""
    from huimin.warmup import warm_worker

    warm_worker(worker.wsgi)


def when_ready(server):
    """The application is loaded and warm: keep what it made out of the garbage collector's reach, so the
    workers' collections do not write to (and so copy) the memory they share with the master."""
    import gc

    gc.freeze()
