from django.db import models


class TopicKind(models.TextChoices):
    # "integrated" is a contract: the services assessment counts these pages (服务集成).
    TOPIC = "topic", "专题专栏"
    INTEGRATED = "integrated", "集成服务"


#: The colour roles of a palette, in the order the admin shows them.
PALETTE_ROLES = ("primary", "on_primary", "accent", "surface", "text")

#: The minimum contrast ratio for normal text (WCAG 2.x, level AA).
AA_TEXT_RATIO = 4.5
