from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
