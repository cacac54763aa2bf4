"""Policy import throughput: N seed-like documents imported into a fresh SQLite database.

    .venv/bin/python bench/policies/import_bench.py            # 500 documents
    .venv/bin/python bench/policies/import_bench.py -n 100 --profile

Each document is the 2022 work-points seed (23 KB, traditional characters, full header) with its own 索引号
and title. The database is new for every run: `huimin migrate`, `huimin loaddemo`, an aggregating policy
library made with `huimin shell -c`, then `huimin import-policies DIR --json` twice: the first run creates
every page, the second updates every page (a new revision each). Tasks run in-process (ImmediateBackend), so
the figures include the search and reference index updates. Reported: documents per second measured inside
the command (`summary.seconds`) and over the whole process (start-up included).

Target: over 50 documents a second on the 2-core development machine. Last results (500 documents, DEBUG
off, tasks queued, idle machine): create 68.1 documents/s in the command (50.8/s with start-up), update
13.9 documents/s; see bench/README.md.

Where the time goes: new documents are written 100 at a time through `create_policies` (validation per
page in Python, then bulk inserts of pages, rows, revisions, links and log entries, one index task per
batch); reading, encoding detection, OpenCC, header and cleaning take about 5 ms a document. Updates go
one by one through Wagtail's revision and publish (about 70 ms each, two validated saves); the search and
reference index updates run afterwards in the task worker (about 30-45 ms a document).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "huimin" / "demo" / "data" / "seeds" / "2022-suqian-website-work-points.txt"
SEED_INDEX = "000000001/2022-00155"
SEED_TITLE = "市政府辦公室關于印發2022年宿遷市政府網站工作要點的通知"
CREATE_LIBRARY = """
from wagtail.models import Site
from huimin.core.pages import add_and_publish
from huimin.policies.models import PolicyLibraryPage
if not PolicyLibraryPage.objects.filter(aggregate_group=True).exists():
    add_and_publish(
        Site.objects.get(hostname="127.0.0.1").root_page,
        PolicyLibraryPage(title="政策文件库", slug="zcwjk", description="全市政策文件", keywords="政策,文件",
                          aggregate_group=True),
    )
"""


def _drain(env) -> float:
    """Run the task worker until the queue is empty (the index updates the import queued); seconds."""
    started = time.perf_counter()
    done = huimin(env, "db_worker", "--batch", "--queue-name", "*")
    if done.returncode != 0:
        sys.exit(f"huimin db_worker failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def generate(directory: Path, count: int) -> None:
    seed = SEED.read_text(encoding="utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(1, count + 1):
        title = SEED_TITLE.replace("工作要點的通知", f"工作要點（第{number}批）的通知")
        text = seed.replace(SEED_INDEX, f"000000001/2022-{10000 + number}").replace(SEED_TITLE, title)
        (directory / f"policy-{number:05d}.txt").write_text(text, encoding="utf-8")


def huimin(env: dict, *args: str, capture: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command with fixed arguments
        [sys.executable, "-m", "huimin", *args], env=env, capture_output=capture, text=True, check=False
    )


def timed_import(env: dict, directory: Path, profile: Path | None = None) -> tuple[dict, float]:
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "huimin", "import-policies", str(directory), "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}):\n{done.stderr[-3000:]}\n{done.stdout[-3000:]}")
    return json.loads(done.stdout)["summary"], wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=500, help="documents to generate (default 500)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--profile", action="store_true", help="profile the first import with cProfile")
    parser.add_argument(
        "--debug", action="store_true", help="leave DEBUG on (dev default; records every query, slower)"
    )
    parser.add_argument(
        "--tasks",
        choices=("queued", "inline"),
        default="queued",
        help="queued: the shipped default (index updates go to the task worker, timed separately); "
        "inline: index updates run inside the import",
    )
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="huimin-import-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "HUIMIN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if options.tasks == "inline"
        else "django_tasks_db.DatabaseBackend",
        "HUIMIN_VAR_DIR": str(workdir),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "1" if options.debug else "0",
    }
    try:
        documents = workdir / "documents"
        generate(documents, options.count)
        print(f"{options.count} documents in {documents}; preparing the database …", file=sys.stderr)
        for step in (
            ["migrate", "--noinput", "-v0"],
            ["loaddemo", "--json"],
            ["shell", "-c", CREATE_LIBRARY],
        ):
            done = huimin(env, *step)
            if done.returncode != 0:
                sys.exit(f"huimin {step[0]} failed:\n{done.stderr[-3000:]}")
        profile = workdir / "import.prof" if options.profile else None
        if options.tasks == "queued":
            huimin(env, "db_worker", "--batch", "--queue-name", "*")  # what the demo queued
        created, created_wall = timed_import(env, documents, profile)
        worker_created = _drain(env) if options.tasks == "queued" else None
        updated, updated_wall = timed_import(env, documents)
        worker_updated = _drain(env) if options.tasks == "queued" else None
        assert created["created"] == options.count, created
        assert updated["updated"] == options.count, updated
        debug = "on" if options.debug else "off"
        print(f"documents: {options.count} (DEBUG {debug}, SQLite, tasks {options.tasks})")
        for label, summary, wall, worker in (
            ("create", created, created_wall, worker_created),
            ("update", updated, updated_wall, worker_updated),
        ):
            rate = options.count / summary["seconds"]
            print(
                f"{label}: {summary['seconds']:.1f} s in the command, {rate:.1f} documents/s; "
                f"{wall:.1f} s with start-up, {options.count / wall:.1f} documents/s"
                + (f"; the task worker then indexed them in {worker:.1f} s" if worker is not None else "")
            )
        if profile is not None:
            import pstats

            pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(40)
    finally:
        if options.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
