from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", True)
HUIMIN_SERVE_MEDIA = env.bool("HUIMIN_SERVE_MEDIA", DEBUG)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
