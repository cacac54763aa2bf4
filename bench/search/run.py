"""Benchmark of search: 100,000 generated documents, index build time, query latency and recall@10, against
Wagtail's built-in database search backend on the same corpus in the same run.

    .venv/bin/python bench/search/run.py [--db sqlite|postgres|both] [--documents 100000] [--repeat 10]
                                         [--peer-repeat 1] [--peer-limit 20] [--no-peer]
                                         [--rum all,title,none]

For each database it makes a fresh one (SQLite in a temporary directory; PostgreSQL in a database
`huimin_bench` on the server DATABASE_URL names, or else in a throwaway cluster it creates and drops), runs
`huimin migrate`, and in a child process:

1. generates the corpus (`generate.py`: sentences of the seed documents and the demo's titles, topics and
   sentences; deterministic) and judges which documents are relevant to each query of the fixed set;
2. builds Huimin's index: analysis (jieba, OpenCC, pypinyin) and the document rows with their full-text
   entries, 500 at a time through the reindex path (`services._write_batch`), timed;
3. builds Wagtail's index of the same rows with its database backend (`WagtailEngine.write`, that is
   `backend.add_bulk` over `IndexedSearchDocument`: FTS5 on SQLite, tsvector on PostgreSQL), timed;
4. runs two queries to warm up, then every query `--repeat` times (`--peer-repeat` on Wagtail's backend,
   whose queries take seconds to minutes: each is stopped after `--peer-limit` seconds, counted as taking
   that long and finding nothing, so its figures are lower bounds), timing each of:
   - `huimin`: the query analysed with the vocabulary, then the top 10 and the total count from the
     database engine (`vocabulary.analyze` + `queries.match`);
   - `huimin, results page`: everything the results page and the API compute (`queries.search`: top
     candidates re-ranked by freshness and validity, facet counts, snippets with highlights, best bets);
   - `huimin, results page (view)`: the whole page through the real view (`/search/?q=…&scope=group` with
     Django's test client, the page cache off: the Q&A card, hot searches, the query log and the template
     too), with the number of database queries per page;
   - `wagtail`: Wagtail's database backend as a Wagtail site uses it, the query as typed
     (`backend.search(q, IndexedSearchDocument)`, top 10 and count);
   - `wagtail + huimin analysis`: the same backend queried with Huimin's analysis (`WagtailEngine.match`:
     normalised text, synonyms and pinyin keys);
   and recall@10 of each: of the relevant documents (up to 10), the share in the first ten results.
5. on PostgreSQL, with `--rum all,title,none`, the Huimin variants again without the RUM index of the whole
   vector (`title`: the first tier still ranked inside its RUM index) and without either (`none`: the
   fallback where the extension is not available), each dropped in turn.

Results go to bench/search/results.json and are printed as Markdown tables.
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
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "results.json"
TARGET_MS = 50.0
PAGE_TARGET_MS = 100.0
BATCH = 500
PG_SETTINGS = {"shared_buffers": "2GB"}
PG_DATABASE = "huimin_bench_search"  # a database of its own on a shared server
PACKAGES = ("django", "wagtail", "modelsearch", "jieba", "opencc-python-reimplemented", "pypinyin")
VARIANTS = (
    "huimin",
    "huimin, results page",
    "huimin, results page (view)",
    "wagtail",
    "wagtail + huimin analysis",
)
OURS = VARIANTS[:3]
RUM_CONFIGURATIONS = ("all", "title", "none")  # which RUM indexes are kept: both, the title vector's, none


# --------------------------------------------------------------------------------------------- parent


def _bench_engine(engine: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-search-{engine}-"))
    (tmp / "static").mkdir()
    database = common.fresh_database(
        engine, tmp, keep=args.keep, pg_port=args.pg_port, pg_settings=PG_SETTINGS, name=PG_DATABASE
    )
    try:
        with database as url:
            # The uncached path: the page cache (on in the dev settings) would answer a repeated page itself.
            env = {**common.child_env(url, tmp), "HUIMIN_PAGE_CACHE": "0"}
            if engine == "postgres":
                _create_rum(url)
            common.log(f"[{engine}] huimin migrate")
            common.run(
                [sys.executable, "-m", "huimin", "migrate", "--noinput", "-v0"],
                env=env,
                cwd=tmp,
                capture_output=True,
            )
            out = tmp / "result.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "--engine",
                engine,
                "--documents",
                str(args.documents),
                "--repeat",
                str(args.repeat),
                "--peer-repeat",
                str(args.peer_repeat),
                "--peer-limit",
                str(args.peer_limit),
                "--out",
                str(out),
                "--wait-idle",
                str(args.wait_idle),
                "--rum",
                args.rum,
            ]
            if args.no_peer:
                command.append("--no-peer")
            common.run(command, env=env, cwd=REPO)
            return json.loads(out.read_text(encoding="utf-8"))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            common.log(f"kept {tmp}")


def _create_rum(url: str) -> None:
    """The administrator's step of docs/operations.md where the bench's role is not a superuser (its
    throwaway cluster): the RUM extension created as `postgres`, so that `huimin migrate` makes the RUM
    indexes. On a server whose role may create it, the migration does it itself."""
    parts = urlsplit(url)
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return
    command = ["runuser", "-u", "postgres", "--", "psql", "-q", "-p", str(parts.port or 5432)]
    command += ["-d", parts.path.lstrip("/"), "-c", "CREATE EXTENSION IF NOT EXISTS rum"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd="/")  # noqa: S603
    if done.returncode:
        common.log(f"[postgres] CREATE EXTENSION rum as postgres failed: {done.stderr.strip()}")


def markdown(results: dict) -> str:
    lines = [
        "| database | documents | build: huimin / wagtail | variant | p50 / p95 / max | recall@10 |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        peer_build = r["build_seconds"]["wagtail"]
        build = f"{r['build_seconds']['huimin']} s / " + ("—" if peer_build is None else f"{peer_build} s")
        for name in VARIANTS:
            if name not in r["variants"]:
                continue
            v = r["variants"][name]
            bound = "≥ " if v.get("stopped") else ""  # stopped queries count as the limit: a lower bound
            stops = f" ({v['stopped']} stopped at the limit)" if v.get("stopped") else ""
            statements = f", {v['db_queries']} queries a page" if "db_queries" in v else ""
            figures = f"{v['p50']} / {bound}{v['p95']} / {bound}{v['max']} ms{stops}{statements}"
            lines.append(
                f"| {r['database']} | {r['documents']:,} | {build} | {name} | {figures} | {v['recall']:.2f} |"
            )
        for configuration, variants in r.get("rum", {}).items():
            for name, v in variants.items():
                lines.append(
                    f"| {r['database']} | {r['documents']:,} | RUM indexes: {configuration} | {name} | "
                    f"{v['p50']} / {v['p95']} / {v['max']} ms | {v['recall']:.2f} |"
                )
    return "\n".join(lines)


def markdown_detail(results: dict) -> str:
    lines = []
    for r in results["engines"].values():
        lines.append(f"\n{r['database']}: recall@10 and p95 (ms) per query\n")
        names = [name for name in VARIANTS if name in r["variants"]]
        lines.append("| query | why | relevant | " + " | ".join(names) + " |")
        lines.append("|---|---|---|" + "---|" * len(names))
        for text, detail in r["per_query"].items():
            cells = []
            for name in names:
                bound = "≥ " if detail[name].get("stopped") else ""
                cells.append(f"{detail[name]['recall']:.1f}, {bound}{detail[name]['p95']}")
            lines.append(f"| {text} | {detail['why']} | {detail['relevant']:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parent(args) -> int:
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {
        "target": (
            f"p95 < {TARGET_MS:.0f} ms on SQLite and PostgreSQL, the whole results page under "
            f"{PAGE_TARGET_MS:.0f} ms on PostgreSQL; faster than Wagtail's database backend and better recall"
        ),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(PACKAGES),
        "documents": args.documents,
        "repeat": args.repeat,
        "engines": {},
    }
    results["engines"] = common.earlier_engines(
        args.output, engines, lambda earlier: earlier["documents"] == args.documents
    )
    common.run_engines(results, engines, lambda engine: _bench_engine(engine, args), args.output)
    common.print_machine(results)
    print(markdown(results))
    print(markdown_detail(results))
    print(f"\nwritten to {args.output}")
    return 0


# --------------------------------------------------------------------------------------------- worker


def _progress(label: str, done: int, total: int, started: float) -> None:
    if done == total or done % 10_000 == 0:
        common.log(f"  {label}: {done:,}/{total:,} ({time.perf_counter() - started:.0f} s)")


def worker(args) -> int:
    import django

    django.setup()
    from django.db import connection
    from generate import QUERIES, documents, relevant
    from wagtail.search.backends import get_search_backend

    from huimin.search import backends, queries, services, vocabulary
    from huimin.search.models import IndexedSearchDocument, SearchDocument

    label = args.engine
    common.log(f"[{label}] generating {args.documents:,} documents")
    docs = documents(args.documents)
    truth = relevant(docs)
    for text, keys in truth.items():
        if not keys:
            raise SystemExit(f"no document is relevant to {text!r}: the query set and the corpus disagree")

    now = datetime.now(UTC)
    vocabulary.refresh(force=True)
    ours = backends.engine()
    common.log(f"[{label}] building huimin's index ({ours.vendor})")
    started = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        services._write_batch(docs[start : start + BATCH], now, ours)
        _progress("huimin", min(start + BATCH, len(docs)), len(docs), started)
    huimin_seconds = time.perf_counter() - started

    backend = get_search_backend()
    peer = backends.WagtailEngine(backend)
    wagtail_seconds = None  # --no-peer: Wagtail's index is not built
    if not args.no_peer:
        common.log(f"[{label}] building wagtail's index ({type(backend).__name__})")
        ids = list(SearchDocument.objects.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            peer.write([SearchDocument(pk=pk) for pk in chunk])
            _progress("wagtail", min(start + BATCH, len(ids)), len(ids), started)
        wagtail_seconds = time.perf_counter() - started

    keys = dict(SearchDocument.objects.values_list("pk", "key"))

    def run_huimin(text):
        _total, rows = queries.match(vocabulary.analyze(text), limit=10)
        return [pk for pk, _score in rows]

    def run_page(text):
        results = queries.search(text, site=None, scope="group", now=now)
        return [int(item.document.pk) for item in results.results][:10]

    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # The web processes keep their connection between requests (production's CONN_MAX_AGE, with health
    # checks); the dev settings would open one for every request.
    connection.close()
    connection.settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    client = Client()
    statements: list[int] = []
    linked = re.compile(r'href="http://127\.0\.0\.1:8000/bench/(\d+)/"')
    pk_of = {key: pk for pk, key in keys.items()}

    def run_view(text):
        connection.queries_log.clear()  # a bounded deque: a full one would capture nothing
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/", {"q": text, "scope": "group"}, HTTP_HOST="localhost")
        if response.status_code != 200:
            raise SystemExit(f"/search/?q={text} answered {response.status_code}")
        statements.append(len(captured.captured_queries))
        found = linked.findall(response.content.decode())
        return [pk_of[f"bench:{number}"] for number in dict.fromkeys(found)][:10]

    def run_wagtail(text):
        results = backend.search(text, IndexedSearchDocument)
        results.count()
        return [doc.pk for doc in results[:10]]

    def run_wagtail_analysed(text):
        _total, rows = peer.match(vocabulary.analyze(text), limit=10)
        return [pk for pk, _score in rows]

    def limited(run):
        """A Wagtail query stopped after `--peer-limit` seconds (a broad query takes minutes on 100,000
        documents): (ids, False), or ([], True) when stopped."""
        from django.db import DatabaseError

        def go(text):
            stop = None  # SQLite: interrupt the connection; PostgreSQL: the server's statement_timeout
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET statement_timeout = %s", [int(args.peer_limit * 1000)])
            else:
                stop = threading.Timer(args.peer_limit, connection.connection.interrupt)
                stop.start()
            try:
                return run(text), False
            except DatabaseError:
                return [], True
            finally:
                if stop is not None:
                    stop.cancel()
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET statement_timeout = 0")

        return go

    def unlimited(run):
        return lambda text: (run(text), False)

    runners = {
        "huimin": unlimited(run_huimin),
        "huimin, results page": unlimited(run_page),
        "huimin, results page (view)": unlimited(run_view),
        "wagtail": limited(run_wagtail),
        "wagtail + huimin analysis": limited(run_wagtail_analysed),
    }
    if args.no_peer:
        runners = {name: run for name, run in runners.items() if name in OURS}
    postgres = connection.vendor == "postgresql"
    configurations = [c for c in args.rum.split(",") if c] if postgres else ["all"]
    if postgres:
        vacuum(connection)
    common.wait_for_quiet(args.wait_idle, label)
    load = os.getloadavg()[0]
    per_query = {text: {"why": why, "relevant": len(truth[text])} for text, _truth, why in QUERIES}

    def measure(name, run, per_query) -> dict:
        common.log(f"[{label}] querying: {name}")
        samples, recalls, stopped = [], [], 0
        statements.clear()
        for text in ("一网通办", "shilaohua"):  # warm up: the vocabulary, the pinyin table, the connection
            run(text)
        statements.clear()
        repeat = args.repeat if name.startswith("huimin") else args.peer_repeat
        for text, _truth, _why in QUERIES:
            times, found, halted = [], [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                found, was_stopped = run(text)
                times.append((time.perf_counter() - started) * 1000)
                halted += was_stopped
            wanted = truth[text]
            recall = len({keys[pk] for pk in found[:10]} & wanted) / min(10, len(wanted))
            per_query[text][name] = {
                **common.summary(times, "queries"),
                "recall": round(recall, 2),
                "stopped": halted,
            }
            samples.extend(times)
            recalls.append(recall)
            stopped += halted
        result = {
            **common.summary(samples, "queries"),
            "recall": round(sum(recalls) / len(recalls), 3),
            "stopped": stopped,
        }
        if statements:
            result["db_queries"] = f"{min(statements)}–{max(statements)}"
        common.log(f"[{label}] {name}: {result}")
        return result

    variants, rum = {}, {}
    for number, configuration in enumerate(configurations):
        if postgres:
            keep_rum(connection, configuration)
        if number == 0:
            for name, run in runners.items():
                variants[name] = measure(name, run, per_query)
            rum_found = sorted(backends.PostgresEngine.rum_columns()) if postgres else []
            continue
        common.log(f"[{label}] RUM indexes: {configuration}")
        extra = {text: {} for text in per_query}
        rum[configuration] = {name: measure(name, runners[name], extra) for name in OURS}
        for text, found in extra.items():
            per_query[text][f"RUM {configuration}"] = {name: found[name]["p95"] for name in found}

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    result = {
        "engine": args.engine,
        "database": database,
        "documents": len(docs),
        "build_seconds": {
            "huimin": round(huimin_seconds, 1),
            "wagtail": None if wagtail_seconds is None else round(wagtail_seconds, 1),
        },
        "load_average_at_start": round(load, 2),
        "rum_columns": rum_found,
        "variants": variants,
        "rum": rum,
        "per_query": per_query,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def vacuum(connection) -> None:
    """VACUUM ANALYZE the search tables after the build, as autovacuum would in time: planner statistics
    and a visibility map, so that the first queries are not timed against a table just written."""
    with connection.cursor() as cursor:
        for table in ("huimin_search_searchdocument", "huimin_search_vector", "huimin_search_title"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def keep_rum(connection, configuration: str) -> None:
    """Drop the RUM indexes a configuration does without (`title` keeps the title vector's), and make the
    engine look again."""
    from huimin.search import backends

    if configuration not in RUM_CONFIGURATIONS:
        raise SystemExit(f"--rum: {configuration!r} is not one of {', '.join(RUM_CONFIGURATIONS)}")
    kept = {"all": set(backends.RUM_INDEXES), "title": {"title_vector"}, "none": set()}[configuration]
    with connection.cursor() as cursor:
        for column, name in backends.RUM_INDEXES.items():
            if column not in kept:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
    backends._rum_state["checked"] = float("-inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query (Huimin)")
    parser.add_argument(
        "--peer-repeat",
        type=int,
        default=1,
        help="timed runs of each query on Wagtail's backend (seconds each)",
    )
    parser.add_argument(
        "--peer-limit",
        type=float,
        default=20.0,
        help="seconds after which a query on Wagtail's backend is stopped (counted as that long, no results)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--pg-port", type=int, default=5498)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and database")
    parser.add_argument("--wait-idle", type=float, default=300, help="seconds to wait for a quiet machine")
    parser.add_argument("--no-peer", action="store_true", help="do not build nor query Wagtail's backend")
    parser.add_argument(
        "--rum",
        default="all",
        help="PostgreSQL: RUM configurations measured in turn, from all,title,none (default all)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 1 or args.peer_repeat < 1:
        parser.error("--repeat and --peer-repeat must be at least 1")
    sys.path.insert(0, str(HERE))
    if args.worker:
        sys.path.insert(0, str(REPO))
        return worker(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
