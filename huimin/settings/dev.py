from .base import *  # noqa: F403
from .base import env

# Django's debug pages (the yellow traceback, the English "Page not found" listing the URL patterns) only
# when asked for with DEBUG=1: by default the development server answers like production, with the branded
# Chinese 404, 403, 500 and "site not found" pages. `make serve` passes --insecure so that runserver still
# serves the static files with DEBUG off.
DEBUG = env.bool("DEBUG", False)
# Uploaded media are served by Django in development whatever DEBUG says (nginx does it in production).
HUIMIN_SERVE_MEDIA = env.bool("HUIMIN_SERVE_MEDIA", True)
# Mail is printed to the console unless another backend is named (the browser tests use the file backend, with
# EMAIL_FILE_PATH, to read what the server sent).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", "") or None
