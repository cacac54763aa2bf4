"""Benchmark of the annual assessment: the whole group's score sheets for a year of data.

    .venv/bin/python bench/assessment/run.py [--db sqlite|postgres|both] [--letters 100000] [--pages 20000]
                                             [--units 50] [--keep]

For each database it makes a fresh one (SQLite in a temporary directory; PostgreSQL in a database
`huimin_bench` on the server DATABASE_URL names, or else in a throwaway cluster it creates and drops), runs
`huimin migrate` and `huimin loaddemo` (its clock pinned at the demo's 2026-11-02 10:00: the demo holds the
2025 and 2026 indicator tables and ten assessed units), and in a child process:

1. generates a year (2026) of data for `--units` assessed units (the demo's ten plus new ones: five counties,
   five function areas, 25 first-tier and 15 second-tier departments in all), each setup phase timed:
   - a site per new unit (`sites.services.create_site`) with the demo's ten columns
     (`sites.services.add_column`, Wagtail's tree API one page at a time);
   - articles spread over the columns of every site, so that sites + columns + articles make `--pages`
     pages, written through `core.pages.add_and_publish_many` (the tree API's bulk path: paths laid out,
     revisions and log entries written per batch), some columns left stale;
   - `--letters` letters over the year (bulk-created: kinds, simple consultations, 找错, deadlines, replies on
     time and late, published, rated, a few still open) received on the units' sites or handled by units
     without one;
   - 12 monthly patrol runs per site (`inspection.services.record_run` with a synthetic crawl report: broken
     links, missing tags, an incomplete footer, now and then a veto finding) and the year's quarterly and
     monthly reports (`build_period_report`);
   - 信息报送 with the portal office's decisions, quarterly bulletin scores and manual findings for every unit
     (the demo builder's own functions: `huimin/demo/assessment.py`);
2. times `assessment.sheets.compute_year(2026, now)` for every unit at 2027-01-15 10:00 (the year complete),
   three times (the first in the process, then warm), and once at 2026-11-02 10:00 (in the year);
3. times each automatic row's calculator (seconds and queries per source, summed over the units) and
   profiles one whole computation with cProfile (the top 15 functions by cumulative and by own time).

Results go to bench/assessment/results.json and are printed as Markdown. Target (issue 22): under 60 s for
the 50 units.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "results.json"
TARGET_SECONDS = 60.0
PACKAGES = ("django", "wagtail")
PG_SETTINGS = {"shared_buffers": "2GB"}
DEMO_NOW = "2026-11-02T10:00:00+08:00"
# Runs the `huimin` command with its clock starting at argv[1] and ticking on (as huimin/conftest.py does).
PINNED_HUIMIN = (
    "import sys, datetime, time_machine\n"
    "time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start()\n"
    "from huimin.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


# --------------------------------------------------------------------------------------------- parent


def _bench_engine(engine: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-assessment-{engine}-"))
    (tmp / "static").mkdir()
    database = common.fresh_database(
        engine, tmp, keep=args.keep, pg_port=args.pg_port, pg_settings=PG_SETTINGS
    )
    try:
        with database as url:
            env = common.child_env(url, tmp)
            started = time.perf_counter()
            common.log(f"[{engine}] huimin migrate")
            common.run([sys.executable, "-m", "huimin", "migrate", "--noinput", "-v0"], env=env, cwd=tmp)
            common.log(f"[{engine}] huimin loaddemo (clock at {DEMO_NOW})")
            common.run(
                [sys.executable, "-c", PINNED_HUIMIN, DEMO_NOW, "loaddemo", "--json"],
                env=env,
                cwd=tmp,
                capture_output=True,
            )
            demo_seconds = time.perf_counter() - started
            out = tmp / "result.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "--engine",
                engine,
                "--letters",
                str(args.letters),
                "--pages",
                str(args.pages),
                "--units",
                str(args.units),
                "--out",
                str(out),
                "--wait-idle",
                str(args.wait_idle),
            ]
            common.run(command, env=env, cwd=REPO)
            result = json.loads(out.read_text(encoding="utf-8"))
            result["setup_seconds"]["migrate and demo"] = round(demo_seconds, 1)
            return result
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            common.log(f"kept {tmp}")


def markdown(results: dict) -> str:
    lines = [
        "| database | units | letters | pages | patrol runs | submissions | compute_year: first / warm "
        "(after the year) | in the year | queries |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        d = r["data"]
        t = r["timings"]
        lines.append(
            f"| {r['database']} | {d['units']} | {d['letters']:,} | {d['pages']:,} | {d['runs']:,} | "
            f"{d['submissions']:,} | **{t['first']} s** / {t['warm']} s | {t['in_year']} s | "
            f"{t['queries']:,} |"
        )
    for r in results["engines"].values():
        lines.append(f"\n{r['database']}: setup (seconds)\n")
        lines.append("| phase | seconds |")
        lines.append("|---|---|")
        for phase, seconds in r["setup_seconds"].items():
            lines.append(f"| {phase} | {seconds} |")
        lines.append(f"\n{r['database']}: automatic rows, summed over the units (one warm computation)\n")
        lines.append("| source | seconds | queries |")
        lines.append("|---|---|---|")
        for source, item in r["calculators"].items():
            lines.append(f"| {source} | {item['seconds']} | {item['queries']:,} |")
        lines.append(f"\n{r['database']}: cProfile, top 15 by cumulative time\n")
        lines.append("```")
        lines.extend(r["profile_cumulative"])
        lines.append("```")
        lines.append(f"\n{r['database']}: cProfile, top 15 by own time\n")
        lines.append("```")
        lines.extend(r["profile_own"])
        lines.append("```")
    return "\n".join(lines)


def parent(args) -> int:
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {
        "target": f"compute_year for {args.units} units under {TARGET_SECONDS:.0f} s",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(PACKAGES),
        "letters": args.letters,
        "pages": args.pages,
        "units": args.units,
        "engines": {},
    }
    results["engines"] = common.earlier_engines(
        args.output,
        engines,
        lambda earlier: earlier["data"]["letters"] == args.letters and earlier["data"]["units"] == args.units,
    )
    common.run_engines(results, engines, lambda engine: _bench_engine(engine, args), args.output)
    common.print_machine(results)
    print(markdown(results))
    print(f"\nwritten to {args.output}")
    return 0


# --------------------------------------------------------------------------------------------- worker


def worker(args) -> int:
    import django

    django.setup()
    from django.db import connection

    sys.path.insert(0, str(HERE))
    from generate import AT, IN_YEAR, YEAR, generate

    from huimin.assessment import indicators, sheets

    label = args.engine
    setup, data = generate(
        units=args.units, pages=args.pages, letters=args.letters, log=lambda m: common.log(f"[{label}] {m}")
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
        else:
            cursor.execute("ANALYZE")
            database = f"SQLite {connection.Database.sqlite_version}"
    common.wait_for_quiet(args.wait_idle, label)

    def timed(now) -> tuple[float, dict, int]:
        calls = []

        def count(execute, sql, params, many, context):
            calls.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            document = sheets.compute_year(YEAR, now)
            seconds = time.perf_counter() - started
        return seconds, document, len(calls)

    common.log(f"[{label}] compute_year({YEAR}, {AT:%Y-%m-%d %H:%M}) for {data['units']} units")
    first, document, queries = timed(AT)
    _check(document, data["units"])
    warm = min(timed(AT)[0] for _ in range(2))
    in_year, in_year_document, _ = timed(IN_YEAR)
    _check(in_year_document, data["units"])
    common.log(
        f"[{label}] first {first:.1f} s, warm {warm:.1f} s, in the year {in_year:.1f} s; {queries} queries"
    )

    # Each automatic row's calculator timed and its queries counted, summed over the units.
    per_source: dict[str, dict] = {}
    calculators = indicators.load()
    originals = dict(calculators)

    def wrap(source, function):
        def measured(ctx, row):
            calls = []

            def count(execute, sql, params, many, context):
                calls.append(1)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                started = time.perf_counter()
                try:
                    return function(ctx, row)
                finally:
                    item = per_source.setdefault(source, {"seconds": 0.0, "queries": 0})
                    item["seconds"] += time.perf_counter() - started
                    item["queries"] += len(calls)

        return measured

    for source, function in originals.items():
        calculators[source] = wrap(source, function)
    try:
        sheets.compute_year(YEAR, AT)
    finally:
        calculators.update(originals)
    ranked = dict(sorted(per_source.items(), key=lambda kv: -kv[1]["seconds"]))
    calculators_result = {
        k: {"seconds": round(v["seconds"], 2), "queries": v["queries"]} for k, v in ranked.items()
    }

    cumulative, own = _profile(lambda: sheets.compute_year(YEAR, AT))
    totals = sorted(s["total"] for s in document["units"])
    result = {
        "database": database,
        "data": data,
        "setup_seconds": setup,
        "timings": {
            "first": round(first, 1),
            "warm": round(warm, 1),
            "in_year": round(in_year, 1),
            "queries": queries,
            "target_met": first < TARGET_SECONDS,
        },
        "totals": {"min": totals[0], "median": totals[len(totals) // 2], "max": totals[-1]},
        "calculators": calculators_result,
        "profile_cumulative": cumulative,
        "profile_own": own,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _check(document: dict, units: int) -> None:
    if len(document["units"]) != units:
        raise SystemExit(f"{len(document['units'])} sheets computed, expected {units}")
    for sheet in document["units"]:
        if not 0 <= sheet["total"] <= 100:
            raise SystemExit(f"{sheet['unit']}: total {sheet['total']} outside 0..100")


def _profile(call) -> tuple[list[str], list[str]]:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    tables = []
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(key).print_stats(15)
        text = out.getvalue()
        lines = text[text.index("ncalls") :].rstrip().splitlines()
        tables.append([line.replace(str(REPO) + "/", "").rstrip() for line in lines])
    return tables[0], tables[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--units", type=int, default=50, help="assessed units in all (the demo has 10)")
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=20_000, help="new pages: sites, columns and articles")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and database")
    parser.add_argument("--wait-idle", type=float, default=120, help="seconds to wait for a quiet machine")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.units < 10:
        parser.error("--units must be at least 10 (the demo's assessed units)")
    if args.worker:
        sys.path.insert(0, str(REPO))
        return worker(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
