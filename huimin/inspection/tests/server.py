"""A real HTTP server on loopback serving a small site with planted faults, for the crawler's tests."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Route:
    def __init__(
        self, body: bytes | str = b"", status: int = 200, headers: dict | None = None, delay: float = 0
    ):
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.status, self.delay = status, delay
        self.headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}


class SiteServer:
    """Serves `routes` (path -> Route); anything else is 404. Counts requests per path."""

    def __init__(self, routes: dict[str, Route]):
        self.routes, self.hits = routes, {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, with_body: bool):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                route = server.routes.get(self.path) or Route("<h1>404</h1>", 404)
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if with_body:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(route.body)

            def do_GET(self):
                self._answer(True)

            def do_HEAD(self):
                self._answer(False)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def gzip_bomb(megabytes: int) -> bytes:
    return gzip.compress(b"<p>" + b"A" * (megabytes * 1024 * 1024), compresslevel=9)
