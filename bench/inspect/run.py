"""Benchmark of the inspection crawler: `huimin inspect` against LinkChecker on a generated site.

    .venv/bin/python bench/inspect/run.py [--pages 5000] [--concurrency 32]
                                          [--tools ceiling,huimin,linkchecker] [--server auto|nginx|aiohttp]
                                          [--workers N] [--wait-idle 120]

In one run:

1. the site: sitegen.py writes a government portal of at least `--pages` HTML pages (fixed seed) with
   52 planted broken targets (404 pages, images and attachments; 500s) into a temporary directory;
2. the server: server.py serves it on a free loopback port with nginx (installed from Debian when missing
   and running as root) or else aiohttp; every response carries `LinkChecker: on`;
3. the crawlers, one after the other, each as a process of its own, all at the same `--concurrency` and
   none with a per-host delay, each after the machine's load average has fallen under 1.5 (waiting up to
   `--wait-idle` seconds; the load before each run is recorded):
   - ceiling.py, a bare asyncio + aiohttp breadth-first fetch-and-regex loop (the reference ceiling);
   - `huimin inspect URL --max-pages N --concurrency C --rate 0 --format json --out report.json`, N being
     every URL the site's <a> links reach (pages, attachments, broken targets) plus 100, with its default
     page-check workers (one per core) unless `--workers` is given; its bytecode (the project's, the
     standard library's and the dependencies' a crawl imports) is compiled before the timed run, into the
     temporary directory, by compileall and one small untimed crawl served by a server of its own, as an
     installed package has it, whatever PYTHONDONTWRITEBYTECODE says;
   - LinkChecker 10.6.0 from its own venv (bench/inspect/.venv-linkchecker, made on first use) with a
     linkcheckerrc: `threads` = C, `maxrequestspersecond` = 1,000,000, unlimited recursion, internal
     links only, CSV output of every URL;
   each timed (wall clock, start-up included), its CPU time (its own and its children's), its peak memory
   as the largest RSS sum of its process tree sampled every 50 ms (and the kernel's ru_maxrss) and as the
   largest PSS sum sampled every 0.5 s (forked workers share their pages with the crawler: RSS counts
   them once per process, PSS once);
4. the verdict: pages checked, the broken targets found against the planted ones (missed, false), and the
   requests each crawler made as nginx's access log counts them (URLs a second: those requests over the
   wall time). Printed as a Markdown table with the speed ratios Huimin / LinkChecker and Huimin /
   ceiling, saved to bench/inspect/last_results.json.

Exits 1 when Huimin misses a planted broken link, 2 when it misses none but reports working URLs as
broken, 3 when `huimin inspect` is not available or writes no report.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # bench/common.py
import server as web_server  # bench/inspect/server.py
import sitegen  # bench/inspect/sitegen.py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "last_results.json"
LINKCHECKER_VERSION = "10.6.0"
LINKCHECKER_VENV = HERE / ".venv-linkchecker"
HUIMIN = REPO / ".venv" / "bin" / "huimin"
TOOLS = ("ceiling", "huimin", "linkchecker")
LINKCHECKERRC = """\
[checking]
threads={threads}
maxrequestspersecond=1000000
recursionlevel=-1
timeout=30
robotstxt=1

[filtering]
checkextern=0

[output]
log=none
status=0
verbose=1
warnings=0
fileoutput=csv

[csv]
filename={csv}
"""


@dataclass
class Run:
    """One crawler's run."""

    tool: str
    command: list[str]
    exit_code: int | None = None
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the larger of the two below
    sampled_rss_mb: float = 0.0  # the process tree, sampled every 50 ms
    cpu_seconds: float = 0.0  # user + system CPU of the tool's processes (steady under others' load)
    server_cpu_seconds: float = 0.0  # CPU the server's processes used during the run
    load_before: float = 0.0  # the machine's 1-minute load average just before (others' work shows here)
    machine_cpu_seconds: float = 0.0  # CPU the whole machine used during the run (/proc/stat)
    others_cpu_seconds: float = 0.0  # of which neither the tool's nor the server's: other work on the machine
    maxrss_mb: float = 0.0  # the kernel's ru_maxrss (the largest single process of the tree, exact)
    peak_pss_mb: float = 0.0  # the process tree's proportional set size, sampled every 0.5 s
    pages: int = 0
    urls: int | None = None  # URLs the tool reports having checked, when it says
    requests: dict = field(default_factory=dict)  # from the server's access log
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    error: str = ""
    finding_counts: dict | None = None  # huimin: findings per check
    false_evidence: dict | None = None  # huimin: the evidence given for the false broken targets
    reported_seconds: float | None = None  # the crawl's own time as the tool reports it, when it does

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def urls_per_second(self) -> float:
        total = self.requests.get("total", 0)
        return total / self.seconds if self.seconds and total else 0.0


# ---------------------------------------------------------------------------------------- measuring


def _descendants(root: int) -> list[int]:
    """A process and all its descendants (from the parent ids in /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def _cpu_seconds(root: int) -> float:
    """User and system CPU time of a process and its descendants so far."""
    ticks = 0
    for pid in _descendants(root):
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def _rss_kb(pids: list[int]) -> int:
    """Resident memory of these processes, in KiB (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def _machine_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (every core: user, system, interrupts, steal)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _pss_kb(pids: list[int]) -> int:
    """Proportional set size of these processes, in KiB: pages shared by n processes count 1/n in each."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def measure(run: Run, *, timeout: float, env: dict | None = None, log: Path) -> Run:
    """Run `run.command` in a session of its own; wall time, peak tree RSS and PSS, exit code. Output to
    `log`."""
    run.load_before = round(os.getloadavg()[0], 2)
    common.log(f"[{run.tool}] {' '.join(run.command)} (load average {run.load_before})")
    with log.open("wb") as out:
        machine_began = _machine_cpu_seconds()
        began = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 - fixed argument lists of the benchmark
            run.command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True
        )
        peak, peak_pss, done = 0, 0, threading.Event()

        def sample() -> None:
            # RSS every 50 ms, PSS (dearer to read) every 0.5 s; the list of descendants (a scan of /proc)
            # refreshed every 0.5 s
            nonlocal peak, peak_pss
            tree, rounds = [process.pid], 0
            while not done.is_set():
                if rounds % 10 == 0:
                    tree = _descendants(process.pid)
                    peak_pss = max(peak_pss, _pss_kb(tree))
                rounds += 1
                peak = max(peak, _rss_kb(tree))
                done.wait(0.05)

        def expire() -> None:
            common.log(f"[{run.tool}] still running after {timeout:.0f} s: stopped")
            run.error = f"timed out after {timeout:.0f} s"
            os.killpg(process.pid, signal.SIGKILL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        run.seconds = time.monotonic() - began
        run.machine_cpu_seconds = round(_machine_cpu_seconds() - machine_began, 1)
        done.set()
        sampler.join()
        process.returncode = run.exit_code = os.waitstatus_to_exitcode(status)
    run.sampled_rss_mb = round(peak / 1024, 1)
    run.peak_pss_mb = round(peak_pss / 1024, 1)
    run.maxrss_mb = round(usage.ru_maxrss / 1024, 1)
    run.cpu_seconds = round(usage.ru_utime + usage.ru_stime, 1)
    run.peak_rss_mb = max(run.sampled_rss_mb, run.maxrss_mb)
    common.log(f"[{run.tool}] exit {run.exit_code} after {run.seconds:.1f} s, peak RSS {run.peak_rss_mb} MB")
    return run


# --------------------------------------------------------------------------------------------- tools


def ensure_linkchecker() -> Path:
    """LinkChecker in a venv of its own (created on first use)."""
    binary = LINKCHECKER_VENV / "bin" / "linkchecker"
    if binary.exists():
        shown = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
        if f"LinkChecker {LINKCHECKER_VERSION}" in shown:
            return binary
    common.log(f"installing LinkChecker {LINKCHECKER_VERSION} into {LINKCHECKER_VENV}")
    python = shutil.which("python3") or sys.executable
    if not (LINKCHECKER_VENV / "bin" / "python").exists():
        common.run([python, "-m", "venv", str(LINKCHECKER_VENV)])
    common.run(
        [
            str(LINKCHECKER_VENV / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"linkchecker=={LINKCHECKER_VERSION}",
        ]
    )
    return binary


def huimin_available() -> bool:
    if not HUIMIN.exists():
        return False
    shown = subprocess.run(  # noqa: S603 - our own command
        [str(HUIMIN), "inspect", "--help"], capture_output=True, text=True, check=False, cwd=REPO
    )
    return shown.returncode == 0 and "--max-pages" in shown.stdout


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _verdict(run: Run, found: set[str], planted: set[str]) -> None:
    run.found = sorted(found)
    run.missed = sorted(planted - found)
    run.false = sorted(found - planted)


def run_ceiling(url: str, args, tmp: Path, planted: set[str]) -> Run:
    out = tmp / "ceiling.json"
    command = [sys.executable, str(HERE / "ceiling.py"), url, "--concurrency", str(args.concurrency)]
    run = Run("ceiling", [*command, "--out", str(out)])
    measure(run, timeout=args.timeout, log=tmp / "ceiling.log")
    if run.exit_code == 0 and out.exists():
        result = json.loads(out.read_text(encoding="utf-8"))
        run.pages, run.urls, run.reported_seconds = result["pages"], result["urls"], result["seconds"]
        _verdict(run, {_path(u) for u in result["broken"]}, planted)
    else:
        run.error = run.error or f"exit {run.exit_code}"
    return run


def huimin_env(tmp: Path) -> dict:
    """Huimin's environment: warnings only in its log, and its bytecode compiled into `tmp`
    (PYTHONPYCACHEPREFIX) before it is timed, as an installed package has it (a machine may set
    PYTHONDONTWRITEBYTECODE, which would make every run compile the project's ~400 modules again). With a
    prefix, Python reads the bytecode of every module there, the standard library's and the dependencies'
    too: `warm_up` fills it with those a crawl imports."""
    env = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    common.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(REPO / "huimin")], env=env)
    return env


def warm_up(site: Path, env: dict, tmp: Path) -> None:
    """One small untimed `huimin inspect` of the site served by a server of its own (so that nginx's log
    counts none of its requests), which compiles the bytecode of every module a crawl imports: the timed
    run starts as an installed Huimin does, its bytecode there."""
    import functools
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        options = ["--max-pages", "30", "--rate", "0", "--format", "json", "--out", str(tmp / "warm-up.json")]
        began = time.monotonic()
        subprocess.run(  # noqa: S603 - our own command
            [str(HUIMIN), "inspect", url, *options], env=env, cwd=REPO, capture_output=True, check=False
        )
        httpd.shutdown()
    common.log(f"[huimin] warm-up crawl (bytecode compiled) in {time.monotonic() - began:.1f} s")


def run_huimin(url: str, args, tmp: Path, planted: set[str], max_pages: int) -> Run:
    report = tmp / "report.json"
    options = {
        "--max-pages": max_pages,
        "--concurrency": args.concurrency,
        "--rate": 0,
        "--format": "json",
        "--out": report,
    }
    if args.workers is not None:
        options["--workers"] = args.workers
    command = [str(HUIMIN), "inspect", url, *(str(part) for option in options.items() for part in option)]
    run = Run("huimin", command)
    env = args.huimin_env
    measure(run, timeout=args.timeout, env=env, log=tmp / "huimin.log")
    if not report.exists():
        run.error = run.error or f"exit {run.exit_code}, no report: see the log"
        common.log((tmp / "huimin.log").read_text(errors="replace")[-3000:])
        return run
    if run.exit_code:
        run.error = run.error or f"exit {run.exit_code}"
    data = json.loads(report.read_text(encoding="utf-8"))
    run.pages = int(data.get("pages_crawled", 0))
    broken = {_path(f["target"]) for f in data.get("findings", []) if f.get("check") == "broken_link"}
    _verdict(run, broken, planted)
    run.finding_counts = dict(Counter(f.get("check") for f in data.get("findings", [])))
    evidence = {
        _path(f["target"]): f.get("evidence", "") for f in data["findings"] if f.get("check") == "broken_link"
    }
    run.false_evidence = dict(Counter(evidence[target] for target in run.false))
    said = re.search(r"用时 ([\d.]+) 秒", (tmp / "huimin.log").read_text(errors="replace"))
    run.reported_seconds = float(said.group(1)) if said else None
    return run


def run_linkchecker(url: str, args, tmp: Path, planted: set[str], html_pages: set[str]) -> Run:
    binary = ensure_linkchecker()
    work = tmp / "linkchecker"
    work.mkdir()
    work.chmod(0o777)  # run as root, LinkChecker drops to nobody before it writes its output
    output = work / "out.csv"
    rc = work / "linkcheckerrc"
    rc.write_text(LINKCHECKERRC.format(threads=args.concurrency, csv=output), encoding="utf-8")
    rc.chmod(0o644)
    run = Run("linkchecker", [str(binary), "-f", str(rc), url])
    measure(run, timeout=args.timeout, log=tmp / "linkchecker.log")
    if not output.exists():
        run.error = run.error or f"exit {run.exit_code}, no output: see the log"
        return run
    lines = (line for line in output.open(encoding="utf-8") if not line.startswith("#"))
    rows = [row for row in csv.DictReader(lines, delimiter=";") if row.get("url")]
    run.urls = len({row["url"] for row in rows})
    run.pages = len({_path(row["url"]) for row in rows if row["valid"] == "True"} & html_pages)
    _verdict(run, {_path(row["url"]) for row in rows if row["valid"] != "True"}, planted)
    return run


def count_requests(access_log: Path | None, runs: list[Run]) -> None:
    """Requests per crawler from nginx's log (status, method, user agent), told apart by user agent."""
    if access_log is None or not access_log.exists():
        return
    counts: dict[str, Counter] = {run.tool: Counter() for run in runs}
    for line in access_log.open(encoding="utf-8", errors="replace"):
        status, method, agent = [*line.rstrip("\n").split("\t"), "", ""][:3]
        if "HuiminInspector" in agent or "huimin" in agent.lower():
            tool = "huimin"
        elif "LinkChecker" in agent:
            tool = "linkchecker"
        elif "aiohttp" in agent:
            tool = "ceiling"
        else:
            continue
        if tool in counts:
            counts[tool]["total"] += 1
            counts[tool][method] += 1
            counts[tool][f"{status[:1]}xx"] += 1
    for run in runs:
        run.requests = dict(sorted(counts[run.tool].items()))


# --------------------------------------------------------------------------------------------- report


def machine() -> dict:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        kb = int(re.search(r"MemTotal:\s+(\d+)", info.read()).group(1))
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def table(runs: list[Run], planted: int) -> str:
    lines = [
        "| tool | pages | seconds | pages/s | URLs/s | broken found / planted | missed | false "
        "| peak RSS MB | peak PSS MB | requests | CPU s | server CPU s | others' CPU s | load before |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        if run.error and not run.pages:
            lines.append(f"| {run.tool} |{' — |' * 13} {run.error} |")
            continue
        found = len(run.found) - len(run.false)
        lines.append(
            f"| {run.tool} | {run.pages:,} | {run.seconds:.1f} | {run.pages_per_second:,.0f} | "
            f"{run.urls_per_second:,.0f} | {found} / {planted} | {len(run.missed)} | {len(run.false)} | "
            f"{run.peak_rss_mb:.0f} | {run.peak_pss_mb:.0f} | {run.requests.get('total', '—')} | "
            f"{run.cpu_seconds:.1f} | {run.server_cpu_seconds:.1f} | {run.others_cpu_seconds:.1f} | "
            f"{run.load_before:.2f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="HTML pages of the site (at least)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--tools", default=",".join(TOOLS), help="which to run, comma-separated")
    parser.add_argument("--server", choices=("auto", "nginx", "aiohttp"), default="auto")
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one crawler may take")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--workers", type=int, help="`huimin inspect --workers` (default: the command's own, one per core)"
    )
    parser.add_argument(
        "--wait-idle", type=float, default=120, help="seconds to wait for a load under 1.5 before each"
    )
    args = parser.parse_args()
    tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the server on TERM too

    huimin_ready = "huimin" not in tools or huimin_available()
    if not huimin_ready:
        common.log("`huimin inspect` is not available: its side is skipped")
    if "linkchecker" in tools:
        ensure_linkchecker()

    tmp = Path(tempfile.mkdtemp(prefix="huimin-bench-inspect-"))
    tmp.chmod(0o755)  # nginx's workers (nobody) read the site from here
    try:
        began = time.monotonic()
        args.huimin_env = huimin_env(tmp) if "huimin" in tools and huimin_ready else None
        manifest = sitegen.generate(tmp / "site", args.pages, args.seed)
        planted = set(manifest.broken)
        html_pages = set(manifest.pages)
        max_pages = manifest.followed_links + 100  # pages, attachments and broken <a> targets all count
        common.log(
            f"site: {len(manifest.pages):,} pages ({manifest.bytes_html / 1e6:.1f} MB of HTML), "
            f"{len(manifest.files):,} other files, {len(planted)} planted broken targets "
            f"({len(manifest.error_targets)} answering 500), in {time.monotonic() - began:.1f} s"
        )
        runs: list[Run] = []
        with web_server.serve(
            tmp / "site", common.free_port(args.port), args.server, workdir=tmp / "server"
        ) as served:
            common.log(f"server: {served.kind} {served.version} at {served.url}")
            if args.huimin_env is not None:
                warm_up(tmp / "site", args.huimin_env, tmp)
            for tool in tools:
                common.wait_for_quiet(args.wait_idle, tool)
                server_cpu = _cpu_seconds(served.pid)
                if tool == "ceiling":
                    runs.append(run_ceiling(served.url, args, tmp, planted))
                elif tool == "huimin":
                    if huimin_ready:
                        runs.append(run_huimin(served.url, args, tmp, planted, max_pages))
                    else:
                        runs.append(Run("huimin", [], error="`huimin inspect` not available: pending"))
                else:
                    runs.append(run_linkchecker(served.url, args, tmp, planted, html_pages))
                run = runs[-1]
                run.server_cpu_seconds = round(_cpu_seconds(served.pid) - server_cpu, 2)
                others = run.machine_cpu_seconds - run.cpu_seconds - run.server_cpu_seconds
                run.others_cpu_seconds = round(max(0.0, others), 1)
        count_requests(served.access_log, runs)
    finally:
        if args.keep:
            common.log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    by_tool = {run.tool: run for run in runs}
    ratios = {}
    for name, other in (("huimin_over_linkchecker", "linkchecker"), ("huimin_over_ceiling", "ceiling")):
        if "huimin" in by_tool and other in by_tool:
            mine, theirs = by_tool["huimin"].pages_per_second, by_tool[other].pages_per_second
            ratios[name] = round(mine / theirs, 2) if mine and theirs else None
            mine, theirs = by_tool["huimin"].urls_per_second, by_tool[other].urls_per_second
            ratios[f"{name}_urls"] = round(mine / theirs, 2) if mine and theirs else None
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "arguments": {
            "pages": args.pages,
            "concurrency": args.concurrency,
            "seed": args.seed,
            "workers": args.workers,
        },
        "server": {"kind": served.kind, "version": served.version},
        "site": {**manifest.as_json(), "huimin_max_pages": max_pages},
        "runs": [
            {
                **asdict(run),
                "pages_per_second": round(run.pages_per_second, 1),
                "urls_per_second": round(run.urls_per_second, 1),
            }
            for run in runs
        ],
        "ratios": ratios,
    }
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    print(
        f"\n{len(manifest.pages):,} pages, {len(planted)} planted broken targets, concurrency "
        f"{args.concurrency}, {served.kind} {served.version}; machine: {results['machine']}\n"
    )
    print(table(runs, len(planted)))
    if ratios.get("huimin_over_linkchecker"):
        urls = ratios.get("huimin_over_linkchecker_urls")
        pages = ratios["huimin_over_linkchecker"]
        print(f"\nspeed Huimin / LinkChecker: {pages:.2f}× pages/s, {urls}× URLs/s")
    if ratios.get("huimin_over_ceiling"):
        urls = ratios.get("huimin_over_ceiling_urls")
        print(f"speed Huimin / ceiling: {ratios['huimin_over_ceiling']:.2f}× pages/s, {urls}× URLs/s")
    for run in runs:
        for label, items in (("missed", run.missed), ("false", run.false)):
            if items:
                print(f"{run.tool} {label}: {', '.join(items[:10])}{' …' if len(items) > 10 else ''}")
        if run.false_evidence:
            print(f"{run.tool} false, by evidence: {run.false_evidence}")
    print(f"\nresults: {RESULTS.relative_to(REPO)}")

    huimin = by_tool.get("huimin")
    if huimin is None:
        return 0
    if huimin.error or not huimin.pages:
        return 3
    if huimin.missed:
        return 1
    return 2 if huimin.false else 0


if __name__ == "__main__":
    sys.exit(main())
