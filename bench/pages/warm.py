"""The first request of a new gunicorn worker against a warm one, with and without the warm-up.

    .venv/bin/python bench/pages/warm.py [--db sqlite|postgres] [--workers 2] [--rounds 3] [--warm 50]
                                         [--paths / /search/?q=政策解读] [--keep] [--prepared DIR]

Makes one fresh database with the demo (as bench/pages/render.py: migrate, loaddemo, collectstatic; SQLite
in a temporary directory, or PostgreSQL `huimin_bench_pages` on the server DATABASE_URL names), then for each
way of starting the web processes, each path and each round starts gunicorn on a free loopback port with
production settings (page cache off) and `--workers` sync workers, waits until every worker has loaded the
application (a `post_worker_init` hook writes a line), and then:

1. sends one request per worker at the same moment (each lands on a different idle worker: the access log's
   pid says which), the first request of each worker, timed by the client;
2. sends `--warm` more requests one after another: their median is the warm time.

The ways of starting:
- `plain`: `gunicorn 'django.core.wsgi:get_wsgi_application()'`, no preload, no warm-up (before);
- `preload`: huimin/gunicorn_conf.py (preload_app) with the same application, without the warm-up;
- `warm-up`: huimin/gunicorn_conf.py with huimin.wsgi:application, as docs/operations.md runs it (the
  master warms up; each worker renders the home pages once before it signals it is ready).

Then the same first request against warm ones measured inside the worker, in CPU time as well as wall time
(a busy machine stretches the wall time of every request, the CPU time much less): a process loads the
application as each way does (`plain` loads it only after the fork, as gunicorn's worker does), forks a
worker per round, and the worker times its own requests through the WSGI application (no network).

`--prepared DIR` uses a database kept by render.py (`--keep`, or its `prepare`), without loading the demo
again.

Results go to bench/pages/warm_results.json and are printed as Markdown. Run under the benchmark lock.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common
from render import PG_DATABASE, prepare, prepared

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "warm_results.json"
PACKAGES = ("django", "wagtail", "gunicorn")
HOST = "127.0.0.1:8000"
READY = "huimin-bench worker ready"
WAYS = {
    "plain": {"config": None, "app": "django.core.wsgi:get_wsgi_application()"},
    "preload": {"config": "huimin.gunicorn_conf", "app": "django.core.wsgi:get_wsgi_application()"},
    "warm-up": {"config": "huimin.gunicorn_conf", "app": "huimin.wsgi:application"},
}
PID = re.compile(r"^pid=<?(\d+)>? .*\"GET (\S+) ")


def _config(tmp: Path, way: str, workers: int, port: int) -> Path:
    """A gunicorn configuration for one way of starting: the shipped one or none, plus the bench's hook."""
    base = WAYS[way]["config"]
    lines = [f"from {base} import *  # noqa: F403"] if base else ["preload_app = False"]
    lines += [
        f"workers = {workers}",
        f"bind = '127.0.0.1:{port}'",
        "control_socket_disable = True",
        "accesslog = '-'",
        "errorlog = '-'",
        "access_log_format = 'pid=%(p)s %(s)s \"%(r)s\" %(M)sms'",
        "_shipped = globals().get('post_worker_init')",
        "def post_worker_init(worker):",
        f"    if _shipped and {way == 'warm-up'}:",
        "        _shipped(worker)",
        f"    print('{READY}', flush=True)",
    ]
    path = tmp / f"gunicorn_{way.replace('-', '_')}.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _get(url: str) -> float:
    request = urllib.request.Request(url, headers={"Host": HOST})  # noqa: S310 - loopback only
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
        response.read()
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
    return (time.perf_counter() - began) * 1000


def _round(env: dict, tmp: Path, way: str, path: str, workers: int, warm: int) -> dict:
    port = common.free_port(18400)
    config = _config(tmp, way, workers, port)
    out = tmp / f"{way}.out"
    started = time.perf_counter()
    with out.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed argument list
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(config), WAYS[way]["app"]],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 300
            while out.read_text().count(READY) < workers:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn ({way}) did not start:\n{out.read_text()[-3000:]}")
                time.sleep(0.05)
            ready_seconds = time.perf_counter() - started
            time.sleep(0.5)
            url = f"http://127.0.0.1:{port}{path}"
            firsts: list[float] = []
            threads = [threading.Thread(target=lambda: firsts.append(_get(url))) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            warm_samples = [_get(url) for _ in range(warm)]
        finally:
            server.terminate()
            server.wait(timeout=60)
    text = out.read_text()
    served_by = [int(m.group(1)) for m in map(PID.match, text.splitlines()) if m]
    warmed = re.search(r"warm-up done in (\d+) ms", text)
    return {
        "first_ms": sorted(round(v, 1) for v in firsts),
        "distinct_workers_first": len(set(served_by[:workers])),
        "warm_p50": round(statistics.median(warm_samples), 1),
        "ready_s": round(ready_seconds, 2),
        "warm_up_ms": int(warmed.group(1)) if warmed else None,
    }


# --------------------------------------------------------------------------- inside the worker (CPU time)


def _wsgi_get(application, path: str) -> tuple[float, float]:
    """One GET through the WSGI application: (wall ms, CPU ms of this process)."""
    import io

    target, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": urllib.parse.unquote(target),
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": HOST,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status: list[str] = []
    began, began_cpu = time.perf_counter(), time.process_time()
    response = application(environ, lambda answer, headers, exc_info=None: status.append(answer))
    for _ in response:
        pass
    response.close()
    if not status[0].startswith("200"):
        raise SystemExit(f"{path} answered {status[0]}")
    return (time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000


def in_process(args) -> int:
    """The `--in-process` child: load the application as `args.way` does, fork a worker per round, and
    print a JSON list with, for each round, the worker's first request and its next `args.warm`."""
    import gc

    application = None  # `plain`: nothing loaded before the fork
    if args.way == "warm-up":
        from huimin.wsgi import application  # the warm-up, as gunicorn's master runs it
    elif args.way == "preload":
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
    if application is not None:
        from django.db import connections

        connections.close_all()
        gc.freeze()  # as huimin/gunicorn_conf.py's when_ready
    rows = []
    for _ in range(args.rounds):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(reader)
            app = application
            if app is None:
                from django.core.wsgi import get_wsgi_application

                app = get_wsgi_application()
            if args.way == "warm-up":
                from huimin.warmup import warm_worker

                warm_worker(app)  # huimin/gunicorn_conf.py's post_worker_init
            time.sleep(0.2)
            first = _wsgi_get(app, args.path)
            warm = [_wsgi_get(app, args.path) for _ in range(args.warm)]
            os.write(writer, json.dumps({"first": first, "warm": warm}).encode())
            os._exit(0)
        os.close(writer)
        with os.fdopen(reader, "rb") as pipe:
            found = json.loads(pipe.read() or b"{}")
        os.waitpid(pid, 0)
        rows.append(found)
    print(json.dumps(rows))
    return 0


def _in_process_rows(env: dict[str, str], args) -> list[dict]:
    rows = []
    for way in args.ways:
        for path in args.paths:
            command = [sys.executable, str(Path(__file__).resolve()), "--in-process", "--way", way]
            command += ["--path", path, "--rounds", str(args.rounds), "--warm", str(args.warm)]
            child = {**env, "LOG_LEVEL": "WARNING"}
            found = json.loads(
                common.run(command, env=child, cwd=REPO, capture_output=True, text=True).stdout
            )
            first_wall = statistics.median(r["first"][0] for r in found)
            first_cpu = statistics.median(r["first"][1] for r in found)
            warm_wall = statistics.median(statistics.median(w[0] for w in r["warm"]) for r in found)
            warm_cpu = statistics.median(statistics.median(w[1] for w in r["warm"]) for r in found)
            row = {
                "way": way,
                "path": path,
                "first_wall_ms": round(first_wall, 1),
                "first_cpu_ms": round(first_cpu, 1),
                "warm_wall_ms": round(warm_wall, 1),
                "warm_cpu_ms": round(warm_cpu, 1),
                "ratio_wall": round(first_wall / warm_wall, 1),
                "ratio_cpu": round(first_cpu / warm_cpu, 1),
            }
            common.log(f"[in process] {row}")
            rows.append(row)
    return rows


def markdown(results: dict) -> str:
    lines = [
        "| way | path | first request of a worker: median / max (ms) | warm p50 (ms) | first ÷ warm "
        "| workers ready after (s) | warm-up (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        lines.append(
            f"| {row['way']} | `{row['path']}` | {row['first_median']} / {row['first_max']} | "
            f"{row['warm_p50']} | {row['ratio']} | {row['ready_s']} | {row['warm_up_ms'] or '—'} |"
        )
    lines += [
        "",
        "| way | path | first request wall / CPU (ms) | warm wall / CPU (ms) | first ÷ warm, wall / CPU |",
        "|---|---|---|---|---|",
    ]
    for row in results.get("in_process", []):
        lines.append(
            f"| {row['way']} | `{row['path']}` | {row['first_wall_ms']} / {row['first_cpu_ms']} | "
            f"{row['warm_wall_ms']} / {row['warm_cpu_ms']} | {row['ratio_wall']} / {row['ratio_cpu']} |"
        )
    return "\n".join(lines)


def _measure(env: dict[str, str], tmp: Path, args) -> tuple[list[dict], list[dict]]:
    common.wait_for_quiet(120, "warm")
    in_process_rows = _in_process_rows(env, args)
    rows = []
    for way in args.ways:
        for path in args.paths:
            rounds = []
            for number in range(args.rounds):
                result = _round(env, tmp, way, path, args.workers, args.warm)
                common.log(f"[{way}] {path} round {number + 1}: {result}")
                rounds.append(result)
            firsts = [v for r in rounds for v in r["first_ms"]]
            warm_p50 = statistics.median(r["warm_p50"] for r in rounds)
            rows.append(
                {
                    "way": way,
                    "path": path,
                    "rounds": rounds,
                    "first_median": round(statistics.median(firsts), 1),
                    "first_max": round(max(firsts), 1),
                    "warm_p50": round(warm_p50, 1),
                    "ratio": round(statistics.median(firsts) / warm_p50, 1),
                    "ready_s": round(statistics.median(r["ready_s"] for r in rounds), 2),
                    "warm_up_ms": rounds[0]["warm_up_ms"],
                }
            )
    return rows, in_process_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=50, help="warm requests after the first ones")
    parser.add_argument(
        "--paths", nargs="+", default=["/", "/search/?q=%E6%94%BF%E7%AD%96%E8%A7%A3%E8%AF%BB"]
    )
    parser.add_argument("--ways", nargs="+", choices=list(WAYS), default=list(WAYS))
    parser.add_argument("--pg-port", type=int, default=54343)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--prepared", metavar="DIR", help="a database render.py prepared and kept")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--way", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        return in_process(args)

    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-warm-{args.db}-"))
    (tmp / "static").mkdir()
    rows, in_process_rows = [], []
    try:
        if args.prepared:
            env = prepared(args.prepared)
            env["LOG_LEVEL"] = "INFO"  # the warm-up's line
            args.db = "postgres" if env["DATABASE_URL"].startswith("postgres") else "sqlite"
            rows, in_process_rows = _measure(env, tmp, args)
        else:
            database = common.fresh_database(
                args.db, tmp, keep=args.keep, pg_port=args.pg_port, name=PG_DATABASE
            )
            with database as url:
                env = prepare(url, tmp)
                env["LOG_LEVEL"] = "INFO"
                rows, in_process_rows = _measure(env, tmp, args)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    results = {
        "measure": "first request of a new gunicorn worker against a warm one (production settings)",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(PACKAGES),
        "db": args.db,
        "workers": args.workers,
        "rounds": args.rounds,
        "warm_requests": args.warm,
        "load_average_end": round(os.getloadavg()[0], 2),
        "rows": rows,
        "in_process": in_process_rows,
    }
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    common.print_machine(results)
    print(markdown(results))
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
