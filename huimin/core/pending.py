"""A public form's *pending submission*: a valid form is not submitted at once but kept for a review step
(请核对) with two buttons, 返回修改 and 确认提交 (WCAG 3.3.4/3.3.6).

It lives on the server, bound to the browser's session: the form's values in the session, its files in a
private storage under `pending/` (named "<created>-<token>-<random><ext>"). It lasts `max_age` seconds from
the first review. The review page names it by a random token; a confirm whose token is not this session's
pending submission (another browser, or one that expired) is refused. There is no scheduled job: `sweep`
runs at every review and confirm, so the files of a submission left unconfirmed go at the next one by anyone.

Used by the letters' form and the application for government information; each keeps its own session key
and storage.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.utils import timezone

PREFIX = "pending"


def now_seconds() -> int:
    return int(timezone.now().timestamp())


@dataclass(frozen=True)
class Upload:
    """A checked upload to keep: the file, its kind key, the suffix to store it under, its shown name."""

    file: object
    kind: str
    suffix: str
    name: str


@dataclass(frozen=True)
class PendingSubmissions:
    session_key: str
    storage: Callable[[], Storage]
    max_age: int = 60 * 60  # seconds

    def sweep(self, now: int) -> None:
        """Delete every browser's pending files older than `max_age`."""
        storage = self.storage()
        try:
            _, names = storage.listdir(PREFIX)
        except OSError:
            return
        for name in names:
            created = name.partition("-")[0]
            if created.isdigit() and now - int(created) > self.max_age:
                storage.delete(f"{PREFIX}/{name}")

    def discard(self, request, pending: dict) -> None:
        """Forget the session's pending submission and delete its files."""
        for file in pending.get("files", []):
            self.storage().delete(file["path"])
        if request.session.get(self.session_key, {}).get("token") == pending.get("token"):
            del request.session[self.session_key]

    def get(self, request, token: str, now: int) -> tuple[dict | None, str]:
        """The session's pending submission named by `token` and "", or what is wrong: "missing" (None: not
        this session's, or gone) or "expired" (its values without files, for the form; the files deleted)."""
        pending = request.session.get(self.session_key)
        if not token or not pending or not secrets.compare_digest(pending.get("token", ""), token):
            return None, "missing"
        if now - pending["created"] > self.max_age:
            self.discard(request, pending)
            return {**pending, "files": []}, "expired"
        return pending, ""

    def keep(
        self,
        request,
        *,
        previous: dict | None,
        values: dict,
        uploads: list[Upload],
        removed: set[int] | frozenset[int] = frozenset(),
        now: int,
    ) -> dict:
        """Store a valid form as the session's pending submission (replacing any other): its values, the
        files kept from `previous` except the `removed` indexes, and the new `uploads` saved under
        `pending/`."""
        storage = self.storage()
        if previous is None:
            if request.session.get(self.session_key):
                self.discard(request, request.session[self.session_key])
            token, created, revision, files = secrets.token_hex(16), now, 1, []
        else:
            token, created = previous["token"], previous["created"]
            revision = previous.get("revision", 1) + 1
            for index in removed:
                if index < len(previous["files"]):
                    storage.delete(previous["files"][index]["path"])
            files = [f for i, f in enumerate(previous["files"]) if i not in removed]
        for upload in uploads:
            upload.file.seek(0)
            name = f"{PREFIX}/{created}-{token}-{secrets.token_hex(4)}{upload.suffix}"
            path = storage.save(name, upload.file)
            files.append({"path": path, "name": upload.name, "size": upload.file.size, "kind": upload.kind})
        pending = {"token": token, "revision": revision, "created": created, "data": values, "files": files}
        request.session[self.session_key] = pending
        return pending
