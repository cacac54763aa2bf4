"""Benchmark of open data: importing a 1,000,000-row resource, then filtered and sorted row queries.

    .venv/bin/python bench/opendata/run.py [--db sqlite|postgres|both] [--rows 1000000] [--repeat 20]

For each engine it makes a fresh database (SQLite in a temporary directory; PostgreSQL in a database
`huimin_bench` on the server DATABASE_URL names, or else in a throwaway cluster it creates and drops) and
runs `huimin migrate`. A child process then builds one small site with a catalog and a dataset, generates a
deterministic CSV (`generate.py`: district, town, date, category, project, amount, people, public), imports
it through `services.add_version` (timed, with the datastore's phases), and requests a fixed list of
filtered and sorted pages through the rows API `/api/v1/datasets/{id}/resources/{rid}/rows` in-process with
django.test.Client, `--repeat` times each. Results go to bench/opendata/results.json and are printed as
Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "results.json"
HOST = "127.0.0.1:8000"
TARGET_MS = 100.0
# The throwaway cluster is configured as docs/operations.md advises for production: shared_buffers about a
# quarter of the memory (PostgreSQL's default of 128 MB is smaller than the 143 MB table of 1,000,000 rows).
PG_SETTINGS = {"shared_buffers": "2GB"}

# (label, filters, sort, page): resolved by column name through the API's own parsing.
QUERIES = [
    ("newest first, no filter", [], "-日期", 1),
    ("one district, biggest amounts", ["区县:eq:沭阳县"], "-金额", 1),
    ("district + category, oldest first", ["区县:eq:宿城区", "类别:eq:最低生活保障"], "日期", 1),
    ("one month, biggest amounts", ["日期:gte:2025-01-01", "日期:lt:2025-02-01"], "-金额", 1),
    ("amount over 9,000, smallest first", ["金额:gt:9000"], "金额", 1),
    ("three people or fewer, newest first", ["人数:lte:3"], "-日期", 1),
    ("three districts, fewest people", ["区县:in:沭阳县|泗阳县|泗洪县"], "人数", 1),
    ("not public, most people", ["是否公开:eq:否"], "-人数", 1),
    ("one town, newest first", ["乡镇:eq:沭城街道"], "-日期", 1),
    ("one district, page 50", ["区县:eq:宿豫区"], "日期", 50),
    ("all but one category, biggest amounts", ["类别:ne:最低生活保障"], "-金额", 1),
    (
        "category + amount range + year",
        ["类别:eq:临时救助", "金额:gte:500", "金额:lt:800", "日期:gte:2024-01-01"],
        "-日期",
        1,
    ),
]
# A substring search cannot use an index: it scans the table. Measured and reported apart.
SCAN_QUERIES = [
    ("project contains text", ["项目:contains:第12批"], "-日期", 1),
]


# --------------------------------------------------------------------------------------------- parent


def _bench_engine(engine: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-od-{engine}-"))
    (tmp / "static").mkdir()
    database = common.fresh_database(
        engine, tmp, keep=args.keep, pg_port=args.pg_port, pg_settings=PG_SETTINGS
    )
    try:
        with database as url:
            env = common.child_env(url, tmp)
            common.log(f"[{engine}] huimin migrate")
            started = time.perf_counter()
            common.run(
                [sys.executable, "-m", "huimin", "migrate", "--noinput", "-v0"],
                env=env,
                cwd=tmp,
                capture_output=True,
            )
            migrate_seconds = round(time.perf_counter() - started, 1)
            out = tmp / "result.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "--engine",
                engine,
                "--rows",
                str(args.rows),
                "--repeat",
                str(args.repeat),
                "--csv",
                str(_csv_path(args)),
                "--out",
                str(out),
                "--wait-idle",
                str(args.wait_idle),
                "--conn-max-age",
                str(args.conn_max_age),
            ]
            common.run(command, env=env, cwd=REPO)
            result = json.loads(out.read_text(encoding="utf-8"))
            result["migrate_seconds"] = migrate_seconds
            return result
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            common.log(f"kept {tmp}")


def _csv_path(args) -> Path:
    """The generated CSV, made once per row count and kept in the system's temporary directory."""
    from generate import write_csv

    path = Path(tempfile.gettempdir()) / f"huimin-bench-opendata-{args.rows}.csv"
    if not path.exists():
        common.log(f"generating {args.rows:,} rows into {path}")
        partial = path.with_suffix(".partial")
        write_csv(partial, args.rows)
        partial.rename(path)
    return path


def markdown(results: dict) -> str:
    lines = [
        "| engine | rows | file | import | rows/s | import phases (s) | repeated p50 / p95 / max | "
        "first request p50 / p95 / max | scan p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        phases = ", ".join(f"{k} {v}" for k, v in r["import_phases"].items() if v)
        q, c, s = r["queries"], r["first_requests"], r["scan"]
        lines.append(
            f"| {r['database']} | {r['rows']:,} | {r['file_mb']} MB | {r['import_seconds']} s | "
            f"{r['rows_per_second']:,} | {phases} | {q['p50']} / {q['p95']} / {q['max']} ms | "
            f"{c['p50']} / {c['p95']} / {c['max']} ms | {s['p95']} ms |"
        )
    return "\n".join(lines)


def markdown_detail(results: dict) -> str:
    engines = list(results["engines"])
    lines = ["| query | matches | " + " | ".join(f"{e}: first, p50 / p95 (ms)" for e in engines) + " |"]
    lines.append("|---|---|" + "---|" * len(engines))
    first = results["engines"][engines[0]]
    for label, detail in first["per_query"].items():
        cells = []
        for engine in engines:
            d = results["engines"][engine]["per_query"][label]
            cells.append(f"{d['first']}, {d['p50']} / {d['p95']}")
        lines.append(f"| {label} | {detail['total']:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parent(args) -> int:
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {
        "target": f"rows API, filtered and sorted, p95 < {TARGET_MS:.0f} ms",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(("django", "wagtail", "psycopg", "openpyxl")),
        "rows": args.rows,
        "repeat": args.repeat,
        "engines": {},
    }
    results["engines"] = common.earlier_engines(
        args.output, engines, lambda earlier: earlier["rows"] == args.rows
    )
    common.run_engines(results, engines, lambda engine: _bench_engine(engine, args), args.output)
    common.print_machine(results)
    print(markdown(results))
    print()
    print(markdown_detail(results))
    print(f"\nwritten to {args.output}")
    return 0


# --------------------------------------------------------------------------------------------- worker


def _timed_phases(phases: dict):
    """Wrap the datastore's loading steps to time them inside `services.add_version`."""
    from huimin.opendata import datastore

    for name in ("create", "load", "finish", "row_changes", "drop"):
        original = getattr(datastore, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                phases[_name] = round(phases.get(_name, 0) + time.perf_counter() - started, 1)

        setattr(datastore, name, wrapper)


def worker(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from huimin.opendata import services
    from huimin.opendata.tests.factories import make_catalog, make_dataset, tiny_site

    setup_test_environment()
    # Connections live across requests as in production (settings/production.py, CONN_MAX_AGE=60).
    connection.settings_dict["CONN_MAX_AGE"] = args.conn_max_age
    settings.HUIMIN_OPENDATA_API_PER_IP_HOUR = 10**9
    settings.HUIMIN_OPENDATA_MAX_UPLOAD_MB = 1024
    settings.ALLOWED_HOSTS = ["*"]
    root = tiny_site(HOST.split(":")[0])
    dataset = make_dataset(make_catalog(root), title="城乡社会救助资金发放明细", slug="bench-assistance")
    resource = services.create_resource(dataset, title="发放明细", actor=None)
    phases: dict[str, float] = {}
    _timed_phases(phases)
    path = Path(args.csv)
    common.log(f"[{args.engine}] importing {path.stat().st_size / 2**20:.0f} MB")
    started = time.perf_counter()
    with path.open("rb") as handle:
        version = services.add_version(
            resource,
            upload=File(handle, name=path.name),
            original_name="发放明细.csv",
            actor=None,
            now=datetime.now(UTC),
        )
    import_seconds = time.perf_counter() - started
    if version.status != "loaded":
        raise SystemExit(f"import failed: {version.status_message}")
    common.log(f"[{args.engine}] imported {version.row_count:,} rows in {import_seconds:.1f} s {phases}")

    client = Client(HTTP_HOST=HOST)
    base = f"/api/v1/datasets/{dataset.pk}/resources/{resource.pk}/rows"

    def measure(queries):
        """Each query `repeat` times; the first request of each is the cold one (its count not cached)."""
        per_query, warm, cold = {}, [], []
        for label, filters, sort, page in queries:
            params = [*(("filter", f) for f in filters), ("sort", sort), ("page", page), ("page_size", 20)]
            url = base + "?" + urlencode(params)
            times, total = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
                total = response.json()["total"]
            per_query[label] = {
                **common.summary(times[1:]),
                "first": round(times[0], 1),
                "total": total,
                "url": url,
            }
            cold.append(times[0])
            warm.extend(times[1:])
        return per_query, warm, cold

    common.wait_for_quiet(args.wait_idle, args.engine)
    load = os.getloadavg()[0]
    client.get(base + "?page_size=1")  # warm the process (imports, URL resolver, first connection)
    per_query, samples, cold_samples = measure(QUERIES)
    scan_detail, scan_samples, _scan_cold = measure(SCAN_QUERIES)
    per_query.update({f"{label} (scan)": detail for label, detail in scan_detail.items()})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
            server_settings = {}
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
                cursor.execute(f"SHOW {name}")
                server_settings[name] = cursor.fetchone()[0]
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
        server_settings = {}
    result = {
        "engine": args.engine,
        "database": database,
        "rows": version.row_count,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "import_seconds": round(import_seconds, 1),
        "rows_per_second": int(version.row_count / import_seconds),
        "import_phases": phases,
        "queries": common.summary(samples),
        "first_requests": common.summary(cold_samples),
        "scan": common.summary(scan_samples),
        "load_average_at_start": round(load, 2),
        "conn_max_age": args.conn_max_age,
        "server_settings": server_settings,
        "per_query": per_query,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and database")
    parser.add_argument("--wait-idle", type=float, default=300, help="seconds to wait for a quiet machine")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="CONN_MAX_AGE of the requests (60 as in production)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 2:
        parser.error("--repeat must be at least 2: the first request of each query is reported apart")
    sys.path.insert(0, str(HERE))
    if args.worker:
        sys.path.insert(0, str(REPO))
        return worker(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
