from django.db import models


class AccountKind(models.TextChoices):
    PERSON = "person", "自然人"
    LEGAL = "legal", "法人"


class CodeChannel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class CodePurpose(models.TextChoices):
    REGISTER = "register", "注册"
    LOGIN = "login", "登录"
    RESET = "reset", "找回密码"
    CHANGE = "change", "更换手机或邮箱"


class TagSource(models.TextChoices):
    CHOSEN = "chosen", "本人选择"
    REGISTRATION = "registration", "注册信息"
