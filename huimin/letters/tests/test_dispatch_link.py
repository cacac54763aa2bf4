"""The link to the city's event-dispatch platform, against a real HTTP server on loopback: every new letter
is pushed, signed, exactly once, even when the platform fails for a while; its signed callbacks move the
letter along, and a repeated or forged callback changes nothing."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Site

from huimin.letters import dispatch_link, services
from huimin.letters.enums import Kind, State
from huimin.letters.models import Letter, LetterEvent, OutboxMessage
from huimin.letters.services import LetterData

pytestmark = pytest.mark.django_db
SECRET = "platform-shared-secret"
HOST = {"HTTP_HOST": "127.0.0.1:8000"}


class Platform:
    """The dispatch platform: records what arrives, checks signatures, fails on request."""

    def __init__(self):
        self.received: list[dict] = []
        self.fail_next = 0
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers["X-Huimin-Timestamp"]
                expected = (
                    "sha256="
                    + hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                )
                failing = platform.fail_next > 0
                platform.fail_next -= failing
                platform.received.append(
                    {
                        "key": self.headers["Idempotency-Key"],
                        "signed": hmac.compare_digest(expected, self.headers["X-Huimin-Signature"]),
                        "body": json.loads(body),
                        "answered": 503 if failing else 202,
                    }
                )
                self.send_response(503 if failing else 202)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accepted_keys(self) -> list[str]:
        return [r["key"] for r in self.received if r["answered"] == 202]


@pytest.fixture
def platform(demo):
    running = Platform()
    with override_settings(
        HUIMIN_DISPATCH_URL=running.url, HUIMIN_DISPATCH_SECRET=SECRET, HUIMIN_DISPATCH_TIMEOUT=2
    ):
        yield running
    running.server.shutdown()
    running.server.server_close()


def _submit(number: int, capture) -> Letter:
    data = LetterData(
        site=Site.objects.get(hostname="slj.localhost"), kind=Kind.COMPLAINT, title=f"河道问题{number}",
        content="请处理。", contact_name="张三", contact_phone="13800000000", channel="hotline",
        external_id=f"LINK-{number}",
    )  # fmt: skip
    with capture(execute=True):
        return services.submit_letter(data)[0]


def test_every_new_letter_is_pushed_signed_once(platform, django_capture_on_commit_callbacks):
    letters = [_submit(n, django_capture_on_commit_callbacks) for n in range(3)]
    assert len(platform.received) == 3 and all(r["signed"] for r in platform.received)
    assert sorted(r["body"]["id"] for r in platform.received) == sorted(x.pk for x in letters)
    assert "contact_name" not in platform.received[0]["body"]
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 0
    assert dispatch_link.deliver_due() == 0 and len(platform.received) == 3  # nothing sent twice


def test_a_failing_platform_gets_every_letter_exactly_once_when_it_recovers(
    platform, django_capture_on_commit_callbacks
):
    platform.fail_next = 5
    letters = [_submit(n, django_capture_on_commit_callbacks) for n in range(2)]
    waiting = OutboxMessage.objects.filter(letter__in=letters)
    assert all(m.delivered_at is None and m.attempts == 1 and "503" in m.last_error for m in waiting)
    later = timezone.now()
    for step in range(1, 6):  # the backoff doubles: 30 s, 60 s, 120 s ...
        later += timedelta(seconds=30 * 2**step)
        dispatch_link.deliver_due(now=later)
    assert all(m.delivered_at is not None for m in waiting.all())
    keys = platform.accepted_keys()
    assert sorted(keys) == sorted(set(keys)) and len(keys) == 2
    assert Letter.objects.filter(pk__in=[x.pk for x in letters]).count() == 2


def test_an_unreachable_platform_loses_nothing(platform, django_capture_on_commit_callbacks):
    platform.server.shutdown()
    platform.server.server_close()
    letter = _submit(9, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(letter=letter)
    assert message.delivered_at is None and "ConnectionError" in message.last_error
    assert Letter.objects.filter(pk=letter.pk).exists()


def _callback(client, letter, body: dict, *, secret=SECRET, stamp=None):
    raw = json.dumps(body).encode()
    stamp = stamp or str(int(time.time()))
    signature = "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    return client.post(
        f"/api/v1/letters/{letter.pk}/events", raw, content_type="application/json",
        HTTP_X_HUIMIN_TIMESTAMP=stamp, HTTP_X_HUIMIN_SIGNATURE=signature, **HOST,
    )  # fmt: skip


def test_the_platforms_callbacks_move_the_letter_along_once(
    client, platform, django_capture_on_commit_callbacks
):
    letter = _submit(20, django_capture_on_commit_callbacks)
    first = _callback(client, letter, {"event_id": "E-1", "event": "dispatched", "unit": "宿迁市水利局"})
    assert first.status_code == 200 and first.json()["state"] == State.DISPATCHED
    again = _callback(client, letter, {"event_id": "E-1", "event": "dispatched", "unit": "宿迁市水利局"})
    assert again.json()["duplicate"] is True
    assert LetterEvent.objects.filter(letter=letter, action="dispatch").count() == 1
    _callback(client, letter, {"event_id": "E-2", "event": "accepted"})
    done = _callback(client, letter, {"event_id": "E-3", "event": "replied", "reply": "已处理。"})
    assert done.json()["state"] == State.REPLIED
    assert LetterEvent.objects.filter(letter=letter, action="reply").get().actor_label == "市域治理平台"
    late = _callback(client, letter, {"event_id": "E-4", "event": "accepted"})
    assert late.status_code == 409


def test_forged_stale_or_wrong_callbacks_are_refused(client, platform, django_capture_on_commit_callbacks):
    letter = _submit(30, django_capture_on_commit_callbacks)
    body = {"event_id": "F-1", "event": "dispatched", "unit": "宿迁市水利局"}
    assert _callback(client, letter, body, secret="guessed").status_code == 401
    assert _callback(client, letter, body, stamp=str(int(time.time()) - 3600)).status_code == 401
    assert _callback(client, letter, {**body, "unit": "' OR 1=1 --"}).status_code == 400
    assert _callback(client, letter, {"event_id": "F-2", "event": "<script>"}).status_code == 400
    letter.refresh_from_db()
    assert letter.state == State.SUBMITTED


def test_the_outbox_shows_failures_and_an_administrator_retries_them_at_once(
    client, platform, django_capture_on_commit_callbacks, django_user_model
):
    platform.fail_next = 1
    letter = _submit(21, django_capture_on_commit_callbacks)
    admin = django_user_model.objects.create_superuser("outbox-keeper", password="not-used-here")
    client.force_login(admin)
    board = client.get("/admin/letters/?view=board", **HOST).content.decode()
    assert "1 条推送失败" in board
    page = client.get("/admin/letters/outbox/", **HOST).content.decode()
    message = OutboxMessage.objects.get(letter=letter)
    assert letter.query_code in page and "HTTP 503" in page and message.next_attempt_at > timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/letters/outbox/", {"messages": [message.pk]}, follow=True, **HOST)
    assert "已安排 1 条推送立即重试" in response.content.decode()
    message.refresh_from_db()
    assert message.delivered_at is not None and message.attempts == 2
    assert "所有推送均已送达" in client.get("/admin/letters/outbox/", **HOST).content.decode()


def test_only_platform_administrators_see_or_retry_the_outbox(client, platform, django_user_model):
    from django.contrib.auth.models import Permission

    clerk = django_user_model.objects.create_user("clerk", password="not-used-here")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert client.get("/admin/letters/outbox/", **HOST).status_code in (302, 403)
    assert client.post("/admin/letters/outbox/", {"all": "1"}, **HOST).status_code in (302, 403)
    with pytest.raises(services.PermissionDenied):
        dispatch_link.retry_now([1], actor=clerk)
