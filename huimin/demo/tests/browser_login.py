"""Signing in to the admin in Chromium, the second step included (decision 0012).

The demo server's clock is pinned to the demo's date (conftest.live_demo), not the machine's, so a code is
computed for the time the server gives in its Date header. A TOTP code is good once: a second sign-in of
the same person within its 30 seconds uses the next one (accepted 30 s early); a third would be refused,
so tests that only need a signed-in admin pass `reuse=True` and get the session of an earlier sign-in.
A code refused all the same (another sign-in used it) is followed by the next step's, waiting for it if
need be.
"""

from __future__ import annotations

import re
import time
from base64 import b32decode
from email.utils import parsedate_to_datetime

from django_otp.oath import TOTP

SECOND_STEP = re.compile(r"/admin/two-factor/verify/")
DASHBOARD = re.compile(r"/admin/$")
STEP_SECONDS = 30
_last_step: dict[tuple[str, str], int] = {}  # (server, username): the time step of the last code used
_sessions: dict[tuple[str, str], list] = {}  # (server, username): the cookies of a signed-in session


def server_time(page, base_url: str) -> float:
    response = page.request.get(base_url + "/admin/login/", max_redirects=0)
    return parsedate_to_datetime(response.headers["date"]).timestamp()


def totp_code(secret: str, at: float) -> str:
    """The six digits an authenticator app shows for a base32 `secret` (spaces allowed) at time `at`."""
    totp = TOTP(b32decode(secret.replace(" ", "").upper()), step=STEP_SECONDS)
    totp.time = at
    return f"{totp.token():06d}"


def next_code(page, base_url: str, username: str, secret: str) -> str:
    """A code the server will take for this person now: the current step's, or the next step's when the
    current one was used already."""
    current = int(server_time(page, base_url) // STEP_SECONDS)
    step = max(current, _last_step.get((base_url, username), -1) + 1)
    if step > current + 1:
        raise AssertionError(
            f"a third code for {username} within 30 s would be refused: sign in with reuse=True"
        )
    _last_step[(base_url, username)] = step
    return totp_code(secret, step * STEP_SECONDS)


def enter_password(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()


def enter_code(page, code: str) -> None:
    page.fill("#id_code", code)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(DASHBOARD)


def sign_in(
    page, base_url: str, username: str, password: str, *, secret: str = "", reuse: bool = False
) -> None:
    """The password, then (for a person with a device) the second step with a code from `secret`, landing on
    the dashboard. With `reuse`, an earlier sign-in's session of the same person is taken if still good."""
    key = (base_url, username)
    if reuse and key in _sessions:
        page.context.add_cookies(_sessions[key])
        page.goto(base_url + "/admin/")
        if DASHBOARD.search(page.url):
            return
        page.context.clear_cookies()
    enter_password(page, base_url, username, password)
    page.wait_for_url(re.compile(r"/admin/($|two-factor/verify/)"))
    if SECOND_STEP.search(page.url):
        assert secret, f"{username} has a second factor: pass the secret"
        for _attempt in range(3):
            # A code refused (used by a sign-in this process did not see) leaves the second step on screen:
            # the next step's code is taken then, and after that the one after, once its time has come.
            try:
                code = next_code(page, base_url, username, secret)
            except AssertionError:
                time.sleep(STEP_SECONDS - server_time(page, base_url) % STEP_SECONDS + 0.5)
                code = next_code(page, base_url, username, secret)
            page.fill("#id_code", code)
            with page.expect_navigation():
                page.locator("form.login-form button[type=submit]").click()
            if DASHBOARD.search(page.url):
                break
        page.wait_for_url(DASHBOARD)
    _sessions[key] = page.context.cookies()
