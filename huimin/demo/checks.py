"""The demo's published second-factor secret must never guard a real account (decision 0012): run with
`huimin check --deploy --database default`."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def check_demo_second_factor(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .builder import demo_second_factor_key

    try:
        users = list(
            TOTPDevice.objects.filter(key=demo_second_factor_key().hex())
            .values_list("user__username", flat=True)
            .order_by("user__username")[:10]
        )
    except DatabaseError:
        return []
    if not users:
        return []
    return [
        Error(
            f"账号 {'、'.join(users)} 的两步验证使用演示数据公开的密钥，任何人都能生成其验证码。",
            hint="用 huimin otp-reset <账号> 重置这些账号的两步验证，让本人重新绑定；"
            "生产环境不要装入演示数据。",
            id="huimin.E040",
        )
    ]
