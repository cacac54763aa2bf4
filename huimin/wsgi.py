"""The WSGI entry point of the web processes (gunicorn: huimin/gunicorn_conf.py). Building the application
is followed by the warm-up (huimin/warmup.py), so that no request pays for loading dictionaries, converters,
rules or templates; with gunicorn's preload_app it runs once, in the master, before the workers fork.
Management commands and tests do not import this module, except `runserver`, a developer's server that
restarts on every change: it is not warmed."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings.production")
application = get_wsgi_application()

if "runserver" not in sys.argv:
    from huimin.warmup import warm_up

    warm_up(application)
