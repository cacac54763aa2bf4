from django.db import models

#: The cookie that carries the reader's display mode. It holds only the mode the reader chose with a link,
#: so it needs no consent banner; the toolbar's finer choices stay in the browser's localStorage.
MODE_COOKIE = "huimin_mode"
MODE_COOKIE_AGE = 365 * 24 * 3600


class Mode(models.TextChoices):
    STANDARD = "standard", "标准版"
    ELDER = "elder", "长者模式"
    TEXT = "text", "纯文本"
