"""Uncached render of the portal's home page, a column page and a policy page, in one warm process.

    .venv/bin/python bench/pages/render.py [--db sqlite|postgres|both] [--requests 200] [--keep]
                                           [--prepared ENGINE=DIR ...]

For each database it makes a fresh one (SQLite in a temporary directory; PostgreSQL in a database
`huimin_bench_pages` on the server DATABASE_URL names, or else in a throwaway cluster), runs `huimin migrate`,
`huimin loaddemo` and `huimin collectstatic` (the production settings' manifest), then in a child process
under the production settings, with the page cache off (HUIMIN_PAGE_CACHE=0) and the portal's host checked
as a public host (HUIMIN_ADMIN_HOSTS names another), sends through Django's test client (the whole
middleware stack, no network) for each page and display mode (standard, elder, text by the `huimin_mode`
cookie), as an anonymous reader:

1. a first request (this process builds the portal's chrome, `huimin/sites/chrome.py`), then 5 more;
2. `--requests` timed requests: p50 / p95 / max in milliseconds of wall time, and the p50 of the process's
   CPU time per request (which other work on a shared machine inflates less; with SQLite it is nearly all
   of a request's time, with PostgreSQL the server's own work is not in it), and the database queries of
   one request;
3. for the home page, 20 requests each right after the chrome's token was renewed (what every process
   pays once after an edit): p50 / max.

`--keep` keeps each database and its directory; `--prepared sqlite=DIR postgres=DIR` measures again on
databases kept that way (or made by `prepare`, which writes DIR/env.json), without loading the demo again:
the demo's loading takes minutes on a busy machine.

Results go to bench/pages/render_results.json and are printed as Markdown. Run under the benchmark lock
(`flock /tmp/huimin-bench.lock …`); other work on the machine still shows in the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

PG_DATABASE = "huimin_bench_pages"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "render_results.json"
PACKAGES = ("django", "wagtail", "gunicorn")
PORTAL = "127.0.0.1:8000"
MODES = ("standard", "elder", "text")


def production_env(env: dict[str, str]) -> dict[str, str]:
    """The production settings over a benchmark's environment: the page cache off, the portal's host
    checked like any public host."""
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8000",
        "ALLOWED_HOSTS": "*",
        "HTTPS": "0",
        "HUIMIN_PAGE_CACHE": "0",
        "HUIMIN_ADMIN_HOSTS": "admin.localhost",
    }


def prepare(url: str, tmp: Path) -> dict[str, str]:
    """migrate, loaddemo and collectstatic into `tmp`; the environment of the production processes."""
    env = common.child_env(url, tmp)
    huimin = [sys.executable, "-m", "huimin"]
    common.log("huimin migrate, loaddemo, collectstatic")
    common.run([*huimin, "migrate", "--noinput", "-v0"], env=env, cwd=tmp, capture_output=True)
    common.run([*huimin, "loaddemo", "--json"], env=env, cwd=tmp, capture_output=True)
    production = production_env(env)
    common.run([*huimin, "collectstatic", "--noinput", "-v0"], env=production, cwd=tmp, capture_output=True)
    (tmp / "env.json").write_text(json.dumps(production), encoding="utf-8")  # for --prepared
    return production


def prepared(directory: str) -> dict[str, str]:
    """The environment `prepare` wrote into `directory`, over this process's own (a fresh SECRET_KEY)."""
    env = json.loads((Path(directory) / "env.json").read_text(encoding="utf-8"))
    keep = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "HUIMIN_", "WAGTAILADMIN_", "ALLOWED_HOSTS", "HTTPS")
    return production_env({**os.environ, **{k: v for k, v in env.items() if k.startswith(keep)}})


# --------------------------------------------------------------------------------------------- parent


def _measure(engine: str, env: dict[str, str], args, tmp: Path) -> dict:
    common.wait_for_quiet(120, engine)
    out = tmp / "result.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--engine", engine]
    command += ["--requests", str(args.requests), "--out", str(out)]
    common.run(command, env=env, cwd=REPO)
    return json.loads(out.read_text(encoding="utf-8"))


def _bench_engine(engine: str, args) -> dict:
    given = dict(pair.split("=", 1) for pair in args.prepared or [])
    if engine in given:
        common.log(f"[{engine}] the database prepared in {given[engine]}")
        return _measure(engine, prepared(given[engine]), args, Path(tempfile.mkdtemp()))
    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-pages-{engine}-"))
    (tmp / "static").mkdir()
    database = common.fresh_database(engine, tmp, keep=args.keep, pg_port=args.pg_port, name=PG_DATABASE)
    try:
        with database as url:
            return _measure(engine, prepare(url, tmp), args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            common.log(f"kept {tmp}")


def markdown(results: dict) -> str:
    lines = [
        "| database | page | mode | queries | wall p50 / p95 / max (ms) | CPU p50 (ms) | first (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        for row in r["pages"]:
            t = row["timing"]
            lines.append(
                f"| {r['database']} | {row['page']} | {row['mode']} | {row['queries']} | "
                f"{t['p50']} / {t['p95']} / {t['max']} | {row.get('cpu_p50', '—')} | {row['first_ms']} |"
            )
    loads = ", ".join(f"{r['database']} {r['load_average']}" for r in results["engines"].values())
    lines += ["", f"Load average (1 min) at the start and end of each run: {loads}."]
    lines += ["", "| database | home page right after an edit: p50 / max (ms) | queries |", "|---|---|---|"]
    for r in results["engines"].values():
        a = r["after_edit"]
        lines.append(f"| {r['database']} | {a['p50']} / {a['max']} | {a['queries']} |")
    return "\n".join(lines)


def parent(args) -> int:
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {
        "measure": "uncached render of the portal's home, a column and a policy page, in-process, warm",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(PACKAGES),
        "requests": args.requests,
        "engines": {},
    }
    results["engines"] = common.earlier_engines(
        args.output, engines, lambda earlier: results["requests"] == args.requests
    )
    common.run_engines(results, engines, lambda engine: _bench_engine(engine, args), args.output)
    common.print_machine(results)
    print(markdown(results))
    print(f"\nwritten to {args.output}")
    return 0


# --------------------------------------------------------------------------------------------- worker


def _database_name(connection) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            return cursor.fetchone()[0].split(" on ")[0].split(" (")[0]
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def worker(args) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huimin.policies.models import PolicyPage

    policy = (
        PolicyPage.objects.live().filter(url_path__startswith="/127-0-0-1/zcwjk/").order_by("path").first()
    )
    pages = {"home": "/", "column": "/gzdt/", "policy": policy.url_path.removeprefix("/127-0-0-1")}

    def client(mode: str) -> Client:
        made = Client(HTTP_HOST=PORTAL)
        if mode != "standard":
            made.cookies["huimin_mode"] = mode
        return made

    cpu: list[float] = []

    def get(made: Client, path: str) -> float:
        began, began_cpu = time.perf_counter(), time.process_time()
        response = made.get(path)
        elapsed = (time.perf_counter() - began) * 1000
        cpu.append((time.process_time() - began_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return elapsed

    load_before = round(os.getloadavg()[0], 2)

    rows = []
    for page, path in pages.items():
        for mode in MODES:
            made = client(mode)
            first = get(made, path)
            for _ in range(5):
                get(made, path)
            with CaptureQueriesContext(connection) as captured:
                get(made, path)
            queries = len(captured.captured_queries)
            cpu.clear()
            samples = [get(made, path) for _ in range(args.requests)]
            rows.append(
                {
                    "page": page,
                    "path": path,
                    "mode": mode,
                    "queries": queries,
                    "first_ms": round(first, 1),
                    "timing": common.summary(samples),
                    "cpu_p50": round(common.percentile(cpu, 0.5), 1),
                }
            )
            common.log(f"[{args.engine}] {page} {mode}: {queries} queries, {rows[-1]['timing']}")

    after_edit, edit_queries = [], 0
    try:
        from huimin.sites import chrome
    except ImportError:  # a tree without the kept chrome (the figures before it)
        chrome = None
    if chrome is not None:
        made = client("standard")
        for _ in range(20):
            chrome.invalidate()  # what any edit does: every process builds its chrome again on next use
            with CaptureQueriesContext(connection) as captured:
                after_edit.append(get(made, "/"))
            edit_queries = max(edit_queries, len(captured.captured_queries))
    result = {
        "engine": args.engine,
        "database": _database_name(connection),
        "load_average": [load_before, round(os.getloadavg()[0], 2)],
        "pages": rows,
        "after_edit": {
            **(common.summary(after_edit) if after_edit else {"p50": None, "max": None}),
            "queries": edit_queries,
        },
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page and mode")
    parser.add_argument("--pg-port", type=int, default=54342)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--prepared", nargs="+", metavar="ENGINE=DIR", help="databases prepared before")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
