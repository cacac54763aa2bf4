"""System checks of the letters' settings."""

from django.conf import settings
from django.core.checks import Error, register

from .attachments import KINDS

CHECK_ID = "huimin.E020"


@register()
def attachment_types(app_configs, **kwargs):
    unknown = [t for t in settings.HUIMIN_LETTER_ATTACHMENT_TYPES if t not in KINDS]
    if not unknown:
        return []
    return [
        Error(
            f"HUIMIN_LETTER_ATTACHMENT_TYPES names unknown attachment types: {', '.join(unknown)}.",
            hint=f"Use some of: {', '.join(KINDS)}.",
            id=CHECK_ID,
        )
    ]
