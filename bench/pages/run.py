"""Whole pages over HTTP: Huimin uncached, from its own page cache, and through the shipped Varnish front
cache, each beside nginx serving the same HTML file, in one run.

    .venv/bin/python bench/pages/run.py [--db sqlite|postgres|both] [--requests 4000] [--concurrency 8]

For each engine: a fresh database (SQLite in a temporary directory; PostgreSQL on the server DATABASE_URL
names, or a throwaway cluster), `huimin migrate` and `huimin loaddemo`; then gunicorn with 2 workers on the
embedded default (`make run`'s settings, DEBUG=0: the page cache in files under var/cache/pages), once with
HUIMIN_PAGE_CACHE=0 (uncached) and once with it on; Varnish (Debian's varnishd) with
huimin/pagecache/data/varnish.vcl in front of the cached one; nginx (Debian's) serving each page's HTML, as
Huimin rendered it, from a file. `ab -c CONCURRENCY -n REQUESTS` measures requests per second for the portal
home, the policy library and a policy page through each. Results go to bench/pages/results.json and are
printed as Markdown. Every server runs on this machine beside ab: the figures compare, they do not size a
cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
import common  # noqa: E402

HERE = Path(__file__).resolve().parent
VCL = REPO / "huimin" / "pagecache" / "data" / "varnish.vcl"
PATHS_SCRIPT = (
    "from wagtail.models import Site\n"
    "from huimin.policies.models import PolicyLibraryPage, PolicyPage\n"
    "home = Site.objects.get(hostname='127.0.0.1').root_page\n"
    "library = PolicyLibraryPage.objects.live().descendant_of(home).first()\n"
    "policy = PolicyPage.objects.live().descendant_of(library).order_by('-pk').first()\n"
    "print('/', library.get_url_parts()[2], policy.get_url_parts()[2])\n"
)


def _wait(url: str, host: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"Host": host}), timeout=5)  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{what} did not answer at {url}")


def _process(command: list[str], *, env=None, cwd=None, log_path: Path):
    return common.background(command, env=env, cwd=cwd, log_path=log_path)


def _gunicorn(env: dict, port: int, tmp: Path, name: str):
    return _process(common.gunicorn_command(port, workers=2), env=env, cwd=REPO, log_path=tmp / f"{name}.log")


def _nginx(root: Path, port: int, tmp: Path):
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""
    )
    (tmp / "nginx-temp").mkdir(exist_ok=True)
    return _process(
        ["nginx", "-p", str(tmp / "nginx-temp"), "-c", str(conf), "-g", "daemon off;"],
        log_path=tmp / "nginx.log",
    )


def _varnish(backend_port: int, port: int, tmp: Path):
    vcl = tmp / "huimin.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8080";', f'.port = "{backend_port}";'))
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    return _process(
        [
            varnishd,
            "-F",
            "-j",
            "none",
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-n",
            str(tmp / "varnish"),
            "-s",
            "malloc,256m",
            "-T",
            "none",
        ],
        log_path=tmp / "varnish.log",
    )


def _ab(url: str, host: str, requests: int, concurrency: int) -> dict:
    output = subprocess.run(  # noqa: S603
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-H", f"Host: {host}", url],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", output).group(1))
    failed = int(re.search(r"Failed requests:\s+(\d+)", output).group(1))
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", output)
    p50 = re.search(r"\s50%\s+(\d+)", output)
    return {
        "rps": rps,
        "failed": failed,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "p50_ms": int(p50.group(1)) if p50 else None,
    }


def _fetch(url: str, host: str) -> tuple[bytes, dict]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": host}), timeout=30) as r:  # noqa: S310
        return r.read(), dict(r.headers)


def bench_engine(engine: str, args, tmp: Path) -> dict:
    with common.fresh_database(engine, tmp, keep=False, pg_port=55440, name="huimin_bench_pages_http") as url:
        port = common.free_port(18300)
        env = common.child_env(url, tmp)
        huimin = [sys.executable, "-m", "huimin"]
        common.log(f"[{engine}] migrate + loaddemo …")
        common.run([*huimin, "migrate", "--noinput", "-v0"], env=env, cwd=REPO, capture_output=True)
        common.run(
            [*huimin, "loaddemo", "--port", str(port), "--json"], env=env, cwd=REPO, capture_output=True
        )
        paths = (
            common.run(
                [*huimin, "shell", "-c", PATHS_SCRIPT], env=env, cwd=REPO, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
        names = dict(zip(("home", "library", "policy"), paths, strict=True))
        host = f"127.0.0.1:{port}"
        uncached_port, varnish_port, nginx_port = (common.free_port(p) for p in (18400, 18500, 18600))
        html_root = tmp / "html"
        tmp.chmod(0o755)  # nginx's workers run as another user
        results: dict = {"paths": names, "pages": {}}
        with ExitStack() as stack:
            cached = stack.enter_context(_gunicorn(env, port, tmp, "gunicorn-cached"))
            uncached_env = {**env, "HUIMIN_PAGE_CACHE": "0"}
            uncached = stack.enter_context(_gunicorn(uncached_env, uncached_port, tmp, "gunicorn-uncached"))
            _wait(f"http://127.0.0.1:{port}/", host, cached, "gunicorn (cached)")
            _wait(f"http://127.0.0.1:{uncached_port}/", host, uncached, "gunicorn (uncached)")
            for path in names.values():  # nginx serves each page as Huimin rendered it
                body, _headers = _fetch(f"http://127.0.0.1:{port}{path}", host)
                target = (
                    html_root / path.strip("/") / "index.html" if path != "/" else html_root / "index.html"
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
            nginx = stack.enter_context(_nginx(html_root, nginx_port, tmp))
            _wait(f"http://127.0.0.1:{nginx_port}/", host, nginx, "nginx")
            varnish = stack.enter_context(_varnish(port, varnish_port, tmp))
            _wait(f"http://127.0.0.1:{varnish_port}/", host, varnish, "varnishd")
            for name, path in names.items():
                row = {}
                for label, base, count in (
                    ("uncached", f"http://127.0.0.1:{uncached_port}", max(200, args.requests // 10)),
                    ("page_cache", f"http://127.0.0.1:{port}", args.requests),
                    ("varnish", f"http://127.0.0.1:{varnish_port}", args.requests * 5),
                    ("nginx", f"http://127.0.0.1:{nginx_port}", args.requests * 5),
                ):
                    _fetch(base + path, host)  # warm: the first request fills the caches
                    _fetch(base + path, host)
                    row[label] = _ab(base + path, host, count, args.concurrency)
                    common.log(f"[{engine}] {name:8} {label:10} {row[label]['rps']:>10,.0f} requests/s")
                hit = _fetch(f"http://127.0.0.1:{port}{path}", host)[1].get("X-Huimin-Cache")
                row["page_cache_header"] = hit
                results["pages"][name] = row
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    for binary in ("ab", "nginx"):
        if shutil.which(binary) is None and not os.path.exists(f"/usr/sbin/{binary}"):
            raise SystemExit(f"{binary} not found: apt-get install apache2-utils nginx-light varnish")
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    started = datetime.now(UTC)
    results = {
        "date": started.date().isoformat(),
        "machine": common.machine(("django", "wagtail", "gunicorn")),
        "requests": args.requests,
        "concurrency": args.concurrency,
        "engines": {},
    }
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix=f"huimin-pages-{engine}-") as tmp:
            results["engines"][engine] = bench_engine(engine, args, Path(tmp))
    (HERE / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(
        "| engine | page | uncached | page cache | Varnish | nginx (same HTML) | page cache / nginx "
        "| Varnish / nginx |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for engine, data in results["engines"].items():
        for name, row in data["pages"].items():
            nginx = row["nginx"]["rps"]
            print(
                f"| {engine} | {name} | {row['uncached']['rps']:,.0f} | {row['page_cache']['rps']:,.0f} | "
                f"{row['varnish']['rps']:,.0f} | {nginx:,.0f} | {row['page_cache']['rps'] / nginx:.0%} | "
                f"{row['varnish']['rps'] / nginx:.0%} |"
            )


if __name__ == "__main__":
    main()
