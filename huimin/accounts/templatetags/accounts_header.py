"""The header's account links: who is signed in (a name with its middle hidden), and where 登录 and 注册
bring the visitor back to."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..access import current_account
from ..enums import AccountKind

register = template.Library()
AUTH_PAGES = ("login", "register", "reset", "logout")


def shown_name(account) -> str:
    """王小明 → 王**; an account with no name (or a company) shows its login masked."""
    name = (account.display_name or "").strip()
    if name and account.kind == AccountKind.PERSON:
        return name[0] + "*" * min(len(name) - 1, 3) if len(name) > 1 else name
    return account.masked_login()


@register.simple_tag(takes_context=True)
def header_account(context) -> dict:
    """{"account", "name", "next"}: the signed-in citizen's account (None for anyone else) and the page to
    come back to (on the sign-in pages themselves, the page they would go back to)."""
    request = context.get("request")
    if request is None:
        return {"account": None, "name": "", "next": "/"}
    account = current_account(request)
    here = request.get_full_path()
    if any(request.path == reverse(f"accounts:{name}") for name in AUTH_PAGES):
        candidate = request.GET.get("next", "")
        here = candidate if candidate.startswith("/") and not candidate.startswith("//") else "/"
    return {"account": account, "name": shown_name(account) if account else "", "next": here}
