"""What the tests of sign-up, sign-in and the group login share: the clock they pin, the demo's hosts, the
codes the notifiers sent, and a browser that keeps one cookie jar per host (Django's test client keeps one
for all, which would hide the very thing the group login does).

    browser = Browser()
    response = browser.get(f"http://{OTHER}/accounts/")          # follows redirects across hosts
    code = last_code("13912345678")                               # from the SMS or mail outbox
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client

from huimin.accounts.tests.factories import PASSWORD
from huimin.core.notify import sms_outbox
from huimin.workdays.working_time import SHANGHAI

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)  # a Monday after the demo's DEMO_NOW
HUB = "127.0.0.1:8000"  # the portal: the default site, so the login hub
OTHER = "shuyang.localhost:8000"
THIRD = "sucheng.localhost:8000"
NEW_PASSWORD = "Suqian-Huimin-2026!"
XSS = "<script>alert('x')</script>"
SQL = "' OR 1=1; DROP TABLE huimin_accounts_account; --"
CODE = re.compile(r"验证码是 (\d{6})")

_numbers = itertools.count(1)


def new_mobile() -> str:
    return f"1370000{next(_numbers):04d}"


def new_email() -> str:
    return f"citizen{next(_numbers)}@example.org"


def messages_to(address: str) -> list[str]:
    """The texts of every SMS and e-mail sent to `address`, oldest first."""
    texts = [text for number, text in sms_outbox if number == address]
    texts += [f"{m.subject}\n{m.body}" for m in mail.outbox if address in m.to]
    return texts


def last_code(address: str) -> str:
    for text in reversed(messages_to(address)):
        found = CODE.search(text)
        if found:
            return found.group(1)
    raise AssertionError(f"no code was sent to {address}")


def clear_outboxes() -> None:
    sms_outbox.clear()
    mail.outbox.clear()


def registration(address: str, code: str, **changes) -> dict:
    """The second screen of sign-up as a person posts it."""
    return {
        "step": "register",
        "code": code,
        "display_name": "王小明",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "agree": "on",
        **changes,
    }


def step_token(response) -> str:
    found = re.search(rb'name="token" value="([^"]+)"', response.content)
    assert found, "no step token on the page"
    return found.group(1).decode()


class Browser:
    """A test client per host (each with its own cookies), following redirects from one host to another."""

    def __init__(self):
        self.clients: dict[str, Client] = {}

    def client(self, host: str) -> Client:
        if host not in self.clients:
            self.clients[host] = Client(HTTP_HOST=host)
        return self.clients[host]

    def session_key(self, host: str) -> str | None:
        cookie = self.client(host).cookies.get("sessionid")
        return cookie.value if cookie and cookie.value else None

    def _split(self, url: str, host: str) -> tuple[str, str]:
        parts = urlsplit(url)
        if parts.netloc:
            host = parts.netloc
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return host, path

    def get(self, url: str, *, follow: bool = True, limit: int = 20):
        """GET `url` (absolute, or a path on the hub) and follow every redirect; the final response has
        `.chain`, the (host, path) of every request made, and `.host`."""
        host, path = self._split(url, HUB)
        return self._follow(host, self.client(host).get(path), [(host, path)], follow, limit)

    def post(self, url: str, data: dict, *, follow: bool = True, limit: int = 20):
        host, path = self._split(url, HUB)
        return self._follow(host, self.client(host).post(path, data), [(host, path)], follow, limit)

    def _follow(self, host, response, chain, follow, limit):
        while follow and response.status_code in (301, 302, 303) and len(chain) < limit:
            host, path = self._split(response["Location"], host)
            chain.append((host, path))
            response = self.client(host).get(path)
        response.chain, response.host = chain, host
        return response

    def continue_from(self, response, **kwargs):
        """Follow the continue page's link (what its refresh does in a browser)."""
        found = re.search(rb'http-equiv="refresh" content="0;url=([^"]+)"', response.content)
        assert found, "not a continue page"
        url = found.group(1).decode().replace("&amp;", "&")
        return self.get(url, **kwargs)

    def sign_in(self, host: str, login: str, password: str = PASSWORD, next_path: str = ""):
        """Sign in with a password on `host` and go on as a browser would (through the continue page)."""
        self.get(f"http://{host}/accounts/login/")
        data = {"step": "password", "login": login, "password": password, "next": next_path}
        response = self.post(f"http://{host}/accounts/login/", data)
        if b'http-equiv="refresh"' in response.content:
            response = self.continue_from(response)
        return response
