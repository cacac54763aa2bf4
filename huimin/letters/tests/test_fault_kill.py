"""A channel's letters survive a server killed with SIGKILL again and again while clients post and retry:
every letter is stored once, and every client ends with a query code and a password that open it (the
retry of a letter whose answer was lost gets the same derived password).

The server is a real `huimin runserver` process on a copy of the browser tests' demo database (SQLite),
killed every few hundred milliseconds and started again; clients retry each letter until it is answered."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.hashers import check_password

from huimin.conftest import DEMO_NOW, PINNED_HUIMIN, _free_port

CLIENTS = 4
LETTERS_PER_CLIENT = 15
KILLS = 4
TOKEN = "fault-secret"


def _start(env, port):
    command = [sys.executable, "-c", PINNED_HUIMIN, DEMO_NOW.isoformat(), "runserver", "--noreload"]
    server = subprocess.Popen(
        [*command, f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail("the letters server did not start")


def _post(port, external_id):
    body = {
        "site": "slj.localhost",
        "kind": "consult",
        "title": "取水许可证怎么延续？",
        "content": "请问取水许可证到期前要提交哪些材料？",
        "contact_name": "赵六",
        "contact_phone": "13700000000",
        "external_id": external_id,
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/letters",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}", "Host": "127.0.0.1"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_every_letter_is_stored_once_with_a_working_password_under_repeated_kills(live_demo, tmp_path):
    if not live_demo["database_url"].startswith("sqlite:"):
        pytest.skip("the fault test copies the demo's SQLite database; the PostgreSQL run covers the rest")
    database = tmp_path / "fault.sqlite3"
    with (
        sqlite3.connect(live_demo["database_url"].removeprefix("sqlite:///")) as source,
        sqlite3.connect(database) as copy,
    ):
        source.backup(copy)
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{database}",
        "HUIMIN_VAR_DIR": str(tmp_path),
        "HUIMIN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "HUIMIN_LETTER_TOKENS": f"app={TOKEN}",
        "LOG_LEVEL": "ERROR",
    }
    state = {"server": _start(env, port), "kills": 0}
    answers: dict[str, dict] = {}
    errors: dict[str, str] = {}
    lock = threading.Lock()
    stop = time.monotonic() + 420

    def client(n):
        for k in range(LETTERS_PER_CLIENT):
            external_id = f"FAULT-{n}-{k}"
            while time.monotonic() < stop:
                try:
                    answer = _post(port, external_id)
                except urllib.error.HTTPError as error:  # an answer, but not a receipt: say which
                    errors[external_id] = f"HTTP {error.code}: {error.read()[:300]!r}"
                    time.sleep(0.05)
                    continue
                except (OSError, http.client.HTTPException, ValueError) as error:
                    # Refused, reset, cut off mid-answer (IncompleteRead, a half JSON body): the server died.
                    errors[external_id] = repr(error)
                    time.sleep(0.05)  # the server died: send the same letter again
                    continue
                with lock:
                    answers[external_id] = answer
                break

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    while state["kills"] < KILLS and any(t.is_alive() for t in threads):
        time.sleep(0.3)
        os.kill(state["server"].pid, signal.SIGKILL)
        state["server"].wait()
        state["kills"] += 1
        state["server"] = _start(env, port)
    for thread in threads:
        thread.join(timeout=max(1, stop - time.monotonic()))
    state["server"].kill()
    state["server"].wait()

    assert state["kills"] >= 2  # the clients lived through at least two crashes while posting
    expected = {f"FAULT-{n}-{k}" for n in range(CLIENTS) for k in range(LETTERS_PER_CLIENT)}
    missing = sorted(expected - set(answers))
    assert not missing, f"no answer for {missing}; last errors: {[errors.get(m) for m in missing]}"
    with sqlite3.connect(database) as db:
        stored = dict(
            db.execute(
                "SELECT external_id, COUNT(*) FROM huimin_letters_letter WHERE external_id LIKE 'FAULT-%' "
                "GROUP BY external_id"
            ).fetchall()
        )
        hashes = dict(
            db.execute(
                "SELECT query_code, query_password FROM huimin_letters_letter "
                "WHERE external_id LIKE 'FAULT-%'"
            ).fetchall()
        )
    assert stored == dict.fromkeys(expected, 1)  # every letter stored, none twice
    for external_id, answer in answers.items():
        assert answer["query_password"], f"{external_id} ended without a password"
        assert check_password(answer["query_password"], hashes[answer["query_code"]]), external_id
