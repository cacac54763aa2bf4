"""A fast static web server on loopback for the inspection crawler benchmark.

    .venv/bin/python bench/inspect/server.py ROOT [--port 18300] [--kind nginx|aiohttp]

`serve(root, port)` is a context manager yielding a `Server` (its base URL, kind and access log). It
prefers nginx (Debian's, /usr/sbin/nginx; installed with apt-get when missing and running as root) in a
configuration of its own in a temporary directory: one worker, sendfile, long keep-alive, no gzip, a
buffered access log with the user agent (so requests can be counted per tool). The fallback is an
aiohttp static-file server in a child process (`--child`), access log off.

Both send a `LinkChecker: on` header on every response (LinkChecker lifts its per-host rate limit only
for servers sending a header of that name), answer every path under /dynamic/ with 500, and serve no
robots.txt (404, which every crawler reads as "everything allowed").
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common  # bench/common.py

NGINX = "/usr/sbin/nginx"
ERROR_PREFIX = "/dynamic/"

NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; multi_accept on; }}
http {{
    types {{
        text/html html htm; text/css css; application/javascript js; image/jpeg jpg jpeg;
        image/png png; application/pdf pdf; text/plain txt;
    }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 1000000;
    open_file_cache max=20000 inactive=120s;
    server_tokens off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    log_format bench '$status\\t$request_method\\t$http_user_agent';
    access_log {tmp}/access.log bench buffer=256k flush=2s;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        add_header LinkChecker on always;
        location ^~ {error_prefix} {{ return 500; }}
    }}
}}
"""


@dataclass
class Server:
    kind: str
    url: str  # http://127.0.0.1:PORT/
    access_log: Path | None = None  # nginx only: status, method, user agent per request
    version: str = ""
    pid: int = 0  # the server's (master) process


def _nginx_available() -> bool:
    if os.path.exists(NGINX):
        return True
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    common.log("installing nginx-light with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "nginx-light"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            common.log(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
            return False
    return os.path.exists(NGINX)


def _wait_ready(url: str, process: subprocess.Popen, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our loopback server
                if answer.headers.get("LinkChecker"):
                    return
                raise RuntimeError("the server sends no LinkChecker header")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer at {url}")


def _check(url: str) -> None:
    """The contract: 500 under /dynamic/, 404 for robots.txt, the header on errors too."""
    for path, status in ((f"{ERROR_PREFIX}x.jsp", 500), ("/robots.txt", 404)):
        try:
            urllib.request.urlopen(url + path.lstrip("/"), timeout=5)  # noqa: S310 - our loopback server
        except urllib.error.HTTPError as exc:
            if exc.code != status or not exc.headers.get("LinkChecker"):
                raise RuntimeError(f"{path}: {exc.code}, expected {status} with the header") from exc
            continue
        raise RuntimeError(f"{path}: expected {status}")


@contextlib.contextmanager
def _nginx(root: Path, port: int, workdir: Path | None):
    """nginx with its configuration, logs and pid file in `workdir` (or a temporary directory, removed
    afterwards)."""
    tmp = workdir or Path(tempfile.mkdtemp(prefix="huimin-bench-nginx-"))
    tmp.mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:  # the workers run as nobody; the site must be readable by them
        group = "nogroup"
        with contextlib.suppress(KeyError):
            grp.getgrnam(group)
            user = f"user nobody {group};\n"
        user = user or "user nobody;\n"
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(user=user, tmp=tmp, port=port, root=root, error_prefix=ERROR_PREFIX),
        encoding="utf-8",
    )
    version = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=False).stderr.strip()  # noqa: S603
    process = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf)], stderr=subprocess.PIPE)  # noqa: S603
    server = Server("nginx", f"http://127.0.0.1:{port}/", tmp / "access.log", version.split(":")[-1].strip())
    server.pid = process.pid
    try:
        _wait_ready(server.url, process)
        _check(server.url)
        yield server
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: flushes the access log
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.returncode not in (0, -signal.SIGQUIT):
            common.log((process.stderr.read() if process.stderr else b"").decode(errors="replace")[-2000:])
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _aiohttp(root: Path, port: int):
    import aiohttp

    command = [sys.executable, __file__, str(root), "--port", str(port), "--child"]
    process = subprocess.Popen(command)  # noqa: S603 - this file with fixed arguments
    server = Server("aiohttp", f"http://127.0.0.1:{port}/", None, f"aiohttp/{aiohttp.__version__}")
    server.pid = process.pid
    try:
        _wait_ready(server.url, process)
        _check(server.url)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve(root: Path, port: int, kind: str = "auto", workdir: Path | None = None):
    """Serve `root` on 127.0.0.1:`port` with nginx (auto: when it can be had) or aiohttp. nginx keeps its
    files (and the access log) in `workdir` when given, else in a temporary directory removed at the end."""
    if kind == "nginx" or (kind == "auto" and _nginx_available()):
        with _nginx(root, port, workdir) as server:
            yield server
    else:
        if kind == "auto":
            common.log("nginx is not available: serving with aiohttp instead")
        with _aiohttp(root, port) as server:
            yield server


def _run_aiohttp_child(root: Path, port: int) -> None:
    from aiohttp import web

    async def error(request: web.Request) -> web.Response:
        return web.Response(status=500, text="500 Internal Server Error")

    async def index(request: web.Request) -> web.StreamResponse:
        """A directory's index.html (add_static does not serve it)."""
        path = (root / request.match_info["path"] / "index.html").resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    async def header(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["LinkChecker"] = "on"
        if response.content_type == "text/html" and not response.charset:
            response.charset = "utf-8"

    app = web.Application()
    app.on_response_prepare.append(header)
    app.router.add_route("*", ERROR_PREFIX + "{tail:.*}", error)
    app.router.add_get(r"/{path:(?:.*/)?}", index)
    app.router.add_static("/", root, follow_symlinks=False)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, handle_signals=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--kind", choices=("auto", "nginx", "aiohttp"), default="auto")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    root = args.root.resolve()
    if args.child:
        _run_aiohttp_child(root, args.port)
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the server on TERM as on Ctrl-C
    with serve(root, common.free_port(args.port), args.kind) as server:
        common.log(f"{server.kind} {server.version} serving {root} at {server.url}; Ctrl-C stops it")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
