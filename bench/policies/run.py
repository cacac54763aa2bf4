"""Benchmark of the policy library page: filtered lists with facet counts over many policies.

    .venv/bin/python bench/policies/run.py [--db sqlite|postgres|both] [--policies 100000] [--repeat 10]

For each engine it builds a fresh database (SQLite in a temporary directory; PostgreSQL in a database
`huimin_bench` on the server DATABASE_URL names, or else in a throwaway cluster it creates and drops),
runs `huimin migrate` and `huimin loaddemo`, inserts the bench policies (generate.py), checks them, then
requests the portal's aggregating library /zcwjk/ in-process through django.test.Client with a fixed list
of filter combinations. Results go to bench/policies/results.json and are printed as a Markdown table.

The measuring half runs in a child process of its own per engine (`--worker`), since Django is configured
once per process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common
from report import TARGET_MS, markdown, markdown_breakdown, markdown_detail

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "results.json"
HOST = "127.0.0.1:8000"
LIBRARY_URL = "/zcwjk/"
PG_VERSION, PG_CLUSTER = common.PG_VERSION, common.PG_CLUSTER


# --------------------------------------------------------------------------------------------- parent


_log, _free_port, _run = common.log, common.free_port, common.run


def _bench_engine(engine: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-{engine}-"))
    (tmp / "static").mkdir()
    database = common.fresh_database(engine, tmp, keep=args.keep, pg_port=args.pg_port)
    try:
        with database as url:
            env = common.child_env(url, tmp)
            huimin = [sys.executable, "-m", "huimin"]
            timings = {}
            for name, command in (
                ("migrate", ["migrate", "--noinput", "-v0"]),
                ("loaddemo", ["loaddemo", "--port", "8000", "--json"]),
            ):
                _log(f"[{engine}] huimin {' '.join(command)}")
                started = time.perf_counter()
                # Run from the temporary directory: from the checkout, `python -m` would put it first on
                # sys.path and a PYTHONPATH pointing at another copy of the code would not take effect.
                _run([*huimin, *command], env=env, cwd=tmp, capture_output=True)
                timings[name] = round(time.perf_counter() - started, 1)
            out = tmp / "result.json"
            _run(_worker_command(engine, out, args), env=env, cwd=REPO)
            result = json.loads(out.read_text(encoding="utf-8"))
            result["setup_seconds"] = timings
            return result
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            _log(f"kept {tmp}")


def _machine() -> dict:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {**common.machine(("django", "wagtail", "psycopg")), "commit": commit}


def _existing_engine(args) -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("--existing measures the database DATABASE_URL names: set it")
    engine = "sqlite" if url.startswith("sqlite") else "postgres"
    out = Path(tempfile.mkdtemp(prefix="huimin-bench-")) / "result.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "HUIMIN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "WARNING",
    }
    _run([*_worker_command(engine, out, args), "--existing"], env=env, cwd=REPO)
    result = json.loads(out.read_text(encoding="utf-8"))
    shutil.rmtree(out.parent, ignore_errors=True)
    return result


def _worker_command(engine: str, out: Path, args) -> list[str]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--engine",
        engine,
        "--policies",
        str(args.policies),
        "--repeat",
        str(args.repeat),
        "--seed",
        str(args.seed),
        "--out",
        str(out),
        "--wait-idle",
        str(args.wait_idle),
        "--conn-max-age",
        str(args.conn_max_age),
        "--cold-repeat",
        str(args.cold_repeat),
    ]
    if args.profile:
        command.append("--profile")
    return command


def parent(args) -> int:
    if args.existing:
        result = _existing_engine(args)
        engines = [result["engine"]]
    else:
        engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {
        "target": f"filtered library page with facet counts, p95 < {TARGET_MS:.0f} ms",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "policies_generated": args.policies,
        "repeat": args.repeat,
        "engines": {},
    }
    if args.output.exists() and len(engines) == 1:
        # A one-engine run keeps the other engine's figures from an earlier run.
        with contextlib.suppress(ValueError, KeyError):
            previous = json.loads(args.output.read_text(encoding="utf-8"))
            results["engines"] = {
                k: v
                for k, v in previous["engines"].items()
                if k not in engines and v["policies_generated"] == args.policies
            }
    for engine in engines:
        results["engines"][engine] = result if args.existing else _bench_engine(engine, args)
        results["engines"] = {
            k: results["engines"][k] for k in ("sqlite", "postgres") if k in results["engines"]
        }
        args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    m = results["machine"]
    print(
        f"\n{results['date']} · {m['nproc']} cores ({m['cpu']}), {m['memory']} · Python {m['python']} · "
        f"SQLite {m['sqlite']}"
        + "".join(f" · {r['database']}" for r in results["engines"].values() if r["engine"] == "postgres")
        + "\n"
    )
    print(markdown(results))
    print()
    print(markdown_detail(results))
    print()
    print(markdown_breakdown(results))
    print(f"\nwritten to {args.output}")
    return 0


# --------------------------------------------------------------------------------------------- worker


def _summary(samples: list[float], queries: list[int], cpu: list[float]) -> dict:
    return {
        "requests": len(samples),
        "p50": round(common.percentile(samples, 0.5), 2),
        "p95": round(common.percentile(samples, 0.95), 2),
        "max": round(max(samples), 2),
        "mean": round(sum(samples) / len(samples), 2),
        "cpu_p50": round(common.percentile(cpu, 0.5), 2),
        "cpu_p95": round(common.percentile(cpu, 0.95), 2),
        "queries_min": min(queries),
        "queries_max": max(queries),
    }


def _cold_summary(samples: list[float]) -> dict:
    if not samples:
        return {"requests": 0}
    return {
        "requests": len(samples),
        "p50": round(common.percentile(samples, 0.5), 2),
        "p95": round(common.percentile(samples, 0.95), 2),
        "max": round(max(samples), 2),
    }


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def _wait_for_quiet(limit: float, engine: str, threshold: float = 1.0) -> None:
    """Give other work on the machine up to `limit` seconds to finish before timing."""
    deadline = time.monotonic() + limit
    while os.getloadavg()[0] > threshold and time.monotonic() < deadline:
        _log(f"[{engine}] load average {os.getloadavg()[0]:.2f}; waiting for the machine to calm down")
        time.sleep(15)


def combinations() -> list[tuple[str, dict[str, str]]]:
    """The filter combinations requested, resolved against the demo's vocabularies and units."""
    from huimin.policies.models import Industry, PolicyTopic, ServiceObject
    from huimin.sites.models import OrgUnit

    unit = {u.name: str(u.pk) for u in OrgUnit.objects.all()}
    topic = [str(pk) for pk in PolicyTopic.objects.values_list("pk", flat=True)]
    industry = [str(pk) for pk in Industry.objects.values_list("pk", flat=True)]
    service = [str(pk) for pk in ServiceObject.objects.values_list("pk", flat=True)]
    office, county, education = unit["宿迁市人民政府办公室"], unit["沭阳县"], unit["宿迁市教育局"]
    return [
        ("issuer", {"issuer": office}),
        ("topic", {"topic": topic[0]}),
        ("industry", {"industry": industry[0]}),
        ("service object", {"service_object": service[0]}),
        ("year", {"year": "2024"}),
        ("doc kind", {"doc_kind": "通知"}),
        ("validity", {"validity": "repealed"}),
        ("issuer + topic", {"issuer": county, "topic": topic[1]}),
        ("topic + year", {"topic": topic[0], "year": "2023"}),
        ("topic + year (rare)", {"topic": topic[5], "year": "2012"}),
        ("issuer + validity", {"issuer": office, "validity": "valid"}),
        ("issuer + validity (rare)", {"issuer": education, "validity": "expired"}),
        ("industry + service object", {"industry": industry[0], "service_object": service[0]}),
        ("industry + service object (2)", {"industry": industry[3], "service_object": service[2]}),
        ("doc kind + year, by title", {"doc_kind": "办法", "year": "2022", "sort": "title"}),
        ("doc kind + year, by title (2)", {"doc_kind": "通知", "year": "2020", "sort": "title"}),
        ("year, oldest first", {"year": "2025", "sort": "date"}),
        ("topic + industry + year", {"topic": topic[2], "industry": industry[0], "year": "2024"}),
        (
            "issuer + doc kind + validity + year",
            {"issuer": office, "doc_kind": "通知", "validity": "valid", "year": "2021"},
        ),
        ("validity, page 2", {"validity": "valid", "page": "2"}),
        ("validity, page 50", {"validity": "valid", "page": "50"}),
        ("doc kind, page 50", {"doc_kind": "通知", "page": "50"}),
        (
            "service object + validity, page 2",
            {"service_object": service[1], "validity": "valid", "page": "2"},
        ),
        ("topic, by title, page 2", {"topic": topic[1], "sort": "title", "page": "2"}),
    ]


TOTAL_RE = re.compile(r"共 (\d+) 件")
FACET_RE = re.compile(r'^SELECT "\w+"\."\w+" AS "(\w+)", COUNT\(')


def _query_label(sql: str) -> str:
    if "GROUP BY" in sql:
        match = FACET_RE.search(sql)
        return f"facet {match.group(1)}" if match else "grouped"
    if re.match(r"SELECT COUNT\(\*\)", sql):
        return "result count"
    if 'FROM "huimin_policies_policypage"' in sql and "LIMIT" in sql:
        return "result page"
    if "wagtailcore_pageviewrestriction" in sql:
        return "view restrictions"
    if "huimin_policies_policyrelation" in sql:
        return "successors"
    return "other"


class _Recorder:
    """Every statement of a request: its text, parameters and time (ms)."""

    def __init__(self):
        self.calls: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append((sql, params, (time.perf_counter() - started) * 1000))


def _timed(connection, sql: str, params, recorded_ms: float) -> float:
    """A statement's time with all its rows fetched (ms), by running it again on its own.

    SQLite returns from `execute` at the first row, so the time around `execute` misses most of the work
    of a streaming plan; fetching everything counts it all, on both engines.
    """
    if not sql.lstrip().upper().startswith("SELECT"):
        return recorded_ms
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def _explain(connection, sql: str, params) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{row[1]:>3} {row[2]:>3} {row[3]}" for row in rows)
    return "\n".join(row[0] for row in rows)


def worker(args) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    sys.path.insert(0, str(HERE))
    from generate import generate

    from huimin.policies import facet_index
    from huimin.policies.models import PolicyPage
    from huimin.policies.services import invalidate_library_index

    engine = args.engine
    # Connections live across requests as in production (settings/production.py, CONN_MAX_AGE=60); the
    # dev settings' default of 0 would open a new connection, and a cold PostgreSQL backend, per request.
    connection.settings_dict["CONN_MAX_AGE"] = args.conn_max_age
    if args.existing:
        generated = {
            "inserted": 0,
            "live_policies_before": PolicyPage.objects.live().count(),
            "seconds": None,
        }
    else:
        _log(f"[{engine}] inserting {args.policies:,} policies")
        generated = generate(args.policies, seed=args.seed, log=lambda m: _log(f"[{engine}] {m}"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if not args.existing:
                # What autovacuum does after a bulk load, done now so the planner sees the real table sizes
                # and index-only scans find the visibility map set.
                started = time.perf_counter()
                cursor.execute("VACUUM ANALYZE")
                generated["analyze_seconds"] = round(time.perf_counter() - started, 2)
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
            settings = {}
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit"):
                cursor.execute(f"SHOW {name}")
                settings[name] = cursor.fetchone()[0]
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            database = f"SQLite {connection.Database.sqlite_version}"
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            settings = {"analyzed": bool(cursor.fetchone()[0])}
        settings["conn_max_age"] = args.conn_max_age

    # Check: every inserted policy is live, and the aggregating library lists them all.
    live = PolicyPage.objects.live().count()
    expected = generated["inserted"] + generated["live_policies_before"]
    if live != expected:
        raise SystemExit(f"{live} live policies, expected {expected}")
    client = Client(HTTP_HOST=HOST)
    response = client.get(LIBRARY_URL)
    html = response.content.decode()
    if response.status_code != 200 or f"共 {expected} 件" not in html:
        found = TOTAL_RE.search(html)
        raise SystemExit(
            f"{LIBRARY_URL} answered {response.status_code} with {found.group(0) if found else 'no total'}, "
            f"expected 共 {expected} 件"
        )
    _log(f"[{engine}] checked: {live:,} live policies, {LIBRARY_URL} lists 共 {expected} 件")

    combos = [(label, params, False) for label, params in combinations()]
    combos.append(("unfiltered, first page", {}, True))
    urls = [LIBRARY_URL + (f"?{urlencode(params)}" if params else "") for _, params, _ in combos]

    # Warm-up: templates, URL resolution, the facet index, the database's pages.
    for _ in range(2):
        for url in urls:
            assert client.get(url).status_code == 200, url

    # Queries per request, the time each takes, and the total each combination finds.
    recorder = _Recorder()
    details = []
    for (label, params, unfiltered), url in zip(combos, urls, strict=True):
        recorder.calls.clear()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        found = TOTAL_RE.search(response.content.decode())
        details.append(
            {
                "label": label,
                "query": urlencode(params),
                "unfiltered": unfiltered,
                "total": int(found.group(1)) if found else 0,
                "queries": len(captured),
                "instrumented_ms": round(elapsed, 2),
                "statements": [
                    (_query_label(sql), round(_timed(connection, sql, params_, ms), 2), sql, params_)
                    for sql, params_, ms in recorder.calls
                ],
            }
        )

    # The timed rounds: every combination once per round, `repeat` rounds, no instrumentation. The CPU time
    # of this process is kept beside the wall time: on a shared machine it shows what contention added
    # (for SQLite it is nearly all the work; for PostgreSQL the server's share is not in it).
    _wait_for_quiet(args.wait_idle, engine)
    samples: dict[str, list[float]] = {url: [] for url in urls}
    cpu: dict[str, list[float]] = {url: [] for url in urls}
    _log(f"[{engine}] timing {len(urls)} requests × {args.repeat}")
    machine_before, load_before = _cpu_jiffies(), os.getloadavg()
    rounds_started = time.perf_counter()
    for _ in range(args.repeat):
        for url in urls:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples[url].append((time.perf_counter() - started) * 1000)
            cpu[url].append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, url
    rounds_seconds = time.perf_counter() - rounds_started
    machine_after, load_after = _cpu_jiffies(), os.getloadavg()
    busy = machine_after[0] - machine_before[0]
    total = machine_after[1] - machine_before[1]
    contention = {
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "machine_busy_share": round(busy / total, 3) if total else None,
        "timed_seconds": round(rounds_seconds, 1),
    }

    # Requests right after a change: the policies' index token renewed before each one (what publishing
    # a policy does), so each of these requests first rebuilds this process's facet index.
    cold: dict[str, list[float]] = {url: [] for url in urls}
    rebuilds: list[float] = []
    for _ in range(args.cold_repeat):
        for url in urls:
            invalidate_library_index()
            started = time.perf_counter()
            response = client.get(url)
            cold[url].append((time.perf_counter() - started) * 1000)
            rebuilds.append(facet_index.current().built_ms)
            assert response.status_code == 200, url

    filtered_samples, filtered_queries, unfiltered_samples, unfiltered_queries = [], [], [], []
    filtered_cpu, unfiltered_cpu, filtered_cold, unfiltered_cold = [], [], [], []
    combo_rows = []
    for detail, url in zip(details, urls, strict=True):
        times = samples[url]
        (unfiltered_samples if detail["unfiltered"] else filtered_samples).extend(times)
        (unfiltered_cpu if detail["unfiltered"] else filtered_cpu).extend(cpu[url])
        (unfiltered_cold if detail["unfiltered"] else filtered_cold).extend(cold[url])
        (unfiltered_queries if detail["unfiltered"] else filtered_queries).append(detail["queries"])
        combo_rows.append(
            {
                "label": detail["label"],
                "query": detail["query"],
                "total": detail["total"],
                "queries": detail["queries"],
                "p50": round(common.percentile(times, 0.5), 2),
                "p95": round(common.percentile(times, 0.95), 2),
                "max": round(max(times), 2),
                "cpu_p50": round(common.percentile(cpu[url], 0.5), 2),
            }
        )

    # Where the time goes: mean ms per request by kind of statement, and plans of the heaviest ones.
    breakdown, explains = {}, []
    for group, unfiltered in (("filtered", False), ("unfiltered", True)):
        chosen = [d for d in details if d["unfiltered"] == unfiltered]
        by_query: dict[str, float] = {}
        for d in chosen:
            for label, ms, _, _ in d["statements"]:
                by_query[label] = by_query.get(label, 0.0) + ms / len(chosen)
        breakdown[group] = {
            "request_ms": sum(d["instrumented_ms"] for d in chosen) / len(chosen),
            "sql_ms": sum(ms for d in chosen for _, ms, _, _ in d["statements"]) / len(chosen),
            "queries": sum(len(d["statements"]) for d in chosen) / len(chosen),
            "by_query": {
                k: round(v, 2) for k, v in sorted(by_query.items(), key=lambda kv: -kv[1]) if v >= 0.5
            },
        }
    slowest = max((d for d in details if not d["unfiltered"]), key=lambda d: d["instrumented_ms"])
    for d in (details[-1], slowest, details[1]):
        for label, ms, sql, params in sorted(d["statements"], key=lambda s: -s[1])[:3]:
            explains.append(
                {
                    "request": f"{d['label']} ({d['query'] or 'no filter'})",
                    "statement": label,
                    "ms": ms,
                    "sql": sql,
                    "plan": _explain(connection, sql, params),
                }
            )

    profile = None
    if args.profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for url in urls:
            client.get(url)
        profiler.disable()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(40)
        profile = buffer.getvalue()

    result = {
        "engine": engine,
        "database": database,
        "database_settings": settings,
        "policies_generated": args.policies,
        "policies_live": live,
        "generation": generated,
        "filtered": _summary(filtered_samples, filtered_queries, filtered_cpu),
        "unfiltered": _summary(unfiltered_samples, unfiltered_queries, unfiltered_cpu),
        "cold": {
            "filtered": _cold_summary(filtered_cold),
            "unfiltered": _cold_summary(unfiltered_cold),
        },
        "index_build_ms": _cold_summary(rebuilds) if rebuilds else None,
        "contention": contention,
        "meets_target": common.percentile(filtered_samples, 0.95) < TARGET_MS,
        "meets_target_cold": common.percentile(filtered_cold, 0.95) < TARGET_MS if filtered_cold else None,
        "combos": combo_rows,
        "breakdown": breakdown,
        "explain": explains,
    }
    if profile:
        result["profile"] = profile
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--policies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per filter combination")
    parser.add_argument("--seed", type=int, default=20261102)
    parser.add_argument(
        "--cold-repeat",
        type=int,
        default=2,
        help="rounds of requests each made right after a change (the facet index rebuilt first)",
    )
    parser.add_argument("--pg-port", type=int, default=54331, help="first port tried for a throwaway cluster")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the databases and temporary directories")
    parser.add_argument("--profile", action="store_true", help="add a cProfile of one round to the results")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=300,
        help="seconds to wait at most for a load average below 1 before timing (0: do not wait)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="CONN_MAX_AGE of the measured requests (default 60 as in production; 0: reconnect per request)",
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the database DATABASE_URL names as it is (bench data already inserted, e.g. by an "
        "earlier run with --keep); no setup, no generation",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return worker(args) if args.worker else parent(args)


if __name__ == "__main__":
    sys.exit(main())
