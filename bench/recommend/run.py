"""Offline measure of 为您推荐: precision@5 against planted interests, next to "most popular" in the same run.

    .venv/bin/python bench/recommend/run.py [--db sqlite|postgres|both] [--users 300] [--policies 2000]
                                            [--reads 12] [--noise 0.2] [--seed 20261102] [--keep]

For each database it makes a fresh one (SQLite in a temporary directory; PostgreSQL in a database
`huimin_bench` on the server DATABASE_URL names, or else in a throwaway cluster), runs `huimin migrate`,
`huimin loaddemo`, and in a child process:

0. publishes `--policies` policies in the portal's library through the importers' bulk path
   (`generate.py`: skewed topics, 1–3 industries, 1–2 service objects, a group of people in some titles),
   each tagged and indexed by the publishing signals as a real one is; then times a full rebuild of the
   item index (`services.reindex`, what `huimin profiles-index` runs);
1. plants interests: each generated user gets one or two tags (行业, 服务对象 or 主题) that at least 30 of
   the portal's recommendable items carry, and switches 个性化推荐 on (`services.set_consent`);
2. replays their sessions through the real recording code, oldest first, over the 60 days before `now`:
   `--reads` reads each, every read an item carrying one of the user's planted tags, except a share
   `--noise` of random items; every second user also searches once for a planted tag's name. Each read
   goes through `services.record_page_read` (what the read beacon calls) and adds to the site's view counts
   (`popularity.count_view`, flushed as the beacon's tally is);
3. asks, for every user, for 5 recommendations on the portal and scores precision@5: the share of the 5
   that carry at least one of the user's planted tags, for
   - `huimin` (profile + readers like you, as shipped),
   - `profile only` and `readers like you only` (the same, with the other share set to 0),
   - `most popular` (the site's most viewed items of the window, minus what the user read: the
     recommendation anonymous visitors get, with the same "never seen" rule),
   - `random` (the expected precision of 5 unseen items drawn at random: the base rate);
   and times each `huimin` call (p50/p95, queries per call).

Results go to bench/recommend/results.json and are printed as Markdown.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import common

PG_DATABASE = "huimin_bench_recommend"  # a database of its own on a shared server
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "results.json"
PACKAGES = ("django", "wagtail")
PLANTED_KEYS = ("industry", "service_object", "topic")
MIN_ITEMS_PER_TAG = 30
SESSION_DAYS = 60
K = 5
VARIANTS = ("huimin", "profile only", "readers like you only", "most popular", "random")


# --------------------------------------------------------------------------------------------- parent


def _bench_engine(engine: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-recommend-{engine}-"))
    (tmp / "static").mkdir()
    database = common.fresh_database(engine, tmp, keep=args.keep, pg_port=args.pg_port, name=PG_DATABASE)
    try:
        with database as url:
            env = common.child_env(url, tmp)
            huimin = [sys.executable, "-m", "huimin"]
            common.log(f"[{engine}] huimin migrate, loaddemo")
            common.run([*huimin, "migrate", "--noinput", "-v0"], env=env, cwd=tmp, capture_output=True)
            common.run([*huimin, "loaddemo", "--json"], env=env, cwd=tmp, capture_output=True)
            out = tmp / "result.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "--engine",
                engine,
                "--users",
                str(args.users),
                "--reads",
                str(args.reads),
                "--noise",
                str(args.noise),
                "--seed",
                str(args.seed),
                "--policies",
                str(args.policies),
                "--out",
                str(out),
            ]
            common.run(command, env=env, cwd=REPO)
            return json.loads(out.read_text(encoding="utf-8"))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            common.log(f"kept {tmp}")


def markdown(results: dict) -> str:
    lines = [
        "| database | items (portal) | users × reads | variant | precision@5 | users with ≥ 1 hit |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        for name in VARIANTS:
            v = r["variants"][name]
            lines.append(
                f"| {r['database']} | {r['items']:,} | {r['users']} × {r['reads']} | {name} | "
                f"{v['precision']:.3f} | {v['hit_rate']:.2f} |"
            )
    lines += [
        "",
        "| database | recommendation p50 / p95 / max | queries per call | replay (reads a second) "
        "| item index rebuild |",
        "|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        t = r["timing"]
        lines.append(
            f"| {r['database']} | {t['p50']} / {t['p95']} / {t['max']} ms | {r['queries_per_call']} | "
            f"{r['replay_reads_per_second']} | {r['indexed']:,} items in {r['index_seconds']} s |"
        )
    return "\n".join(lines)


def parent(args) -> int:
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {
        "measure": "precision@5 of 为您推荐 against planted interests, next to most popular and random",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(PACKAGES),
        "users": args.users,
        "reads": args.reads,
        "noise": args.noise,
        "policies": args.policies,
        "seed": args.seed,
        "engines": {},
    }

    def same(earlier):
        return (
            earlier.get("users") == args.users
            and earlier.get("reads") == args.reads
            and earlier.get("policies") == args.policies
        )

    results["engines"] = common.earlier_engines(args.output, engines, same)
    common.run_engines(results, engines, lambda engine: _bench_engine(engine, args), args.output)
    common.print_machine(results)
    print(markdown(results))
    print(f"\nwritten to {args.output}")
    return 0


# --------------------------------------------------------------------------------------------- worker


def worker(args) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from generate import generate
    from generate import portal as portal_site

    from huimin.accounts.models import Account
    from huimin.profiles import popularity, recommender, services
    from huimin.profiles.models import Item, ItemTag

    rng = random.Random(args.seed)  # noqa: S311 - bench data, not security
    now = timezone.localtime(timezone.now())
    generate_seconds = 0.0
    if args.policies:
        common.log(f"[{args.engine}] publishing {args.policies:,} policies")
        started = time.perf_counter()
        generate(args.policies, seed=args.seed, now=now, log=common.log)
        generate_seconds = time.perf_counter() - started
    common.log(f"[{args.engine}] rebuilding the item index")
    started = time.perf_counter()
    reindexed = services.reindex(now=now)
    index_seconds = time.perf_counter() - started
    portal = portal_site()
    items = {
        item.pk: {tuple(tag) for tag in item.tags}
        for item in Item.objects.filter(site=portal, recommendable=True).only("pk", "tags")
    }
    counts = (
        ItemTag.objects.filter(site=portal, recommendable=True, key__in=PLANTED_KEYS)
        .values_list("key", "value")
        .annotate(n=Count("item"))
    )
    plantable = sorted((key, value) for key, value, n in counts if n >= MIN_ITEMS_PER_TAG)
    if len(plantable) < 4:
        raise SystemExit(f"too few tags with {MIN_ITEMS_PER_TAG} items on the portal: add --policies")
    common.log(
        f"[{args.engine}] {len(items):,} recommendable items on the portal, {len(plantable)} plantable tags"
    )

    # 1. users with planted interests, consent on
    users = get_user_model().objects
    planted: dict[int, set[tuple[str, str]]] = {}
    accounts = []
    start = now - timedelta(days=SESSION_DAYS)
    for number in range(args.users):
        user = users.create_user(username=f"bench-reader-{number}", password=None)
        account = Account.objects.create(
            user=user,
            display_name=f"读者{number}",
            mobile=f"186{number:08d}",
            terms_version="bench",
            terms_accepted_at=start,
            created_at=start,
        )
        services.set_consent(account, True, actor=user, now=start)
        planted[account.pk] = set(rng.sample(plantable, rng.choice((1, 2))))
        accounts.append(account)

    # 2. sessions, replayed in time order through the recording code
    by_tag: dict[tuple[str, str], list[int]] = {}
    for pk, tags in items.items():
        for tag in tags:
            by_tag.setdefault(tag, []).append(pk)
    all_items = sorted(items)
    events = []
    for account in accounts:
        interests = sorted(planted[account.pk])
        for _ in range(args.reads):
            if rng.random() < args.noise:
                item_id = rng.choice(all_items)
            else:
                item_id = rng.choice(by_tag[rng.choice(interests)])
            events.append(
                (start + timedelta(seconds=rng.uniform(0, SESSION_DAYS * 86400 - 3600)), account, item_id)
            )
        if account.pk % 2 == 0:
            when = start + timedelta(seconds=rng.uniform(0, SESSION_DAYS * 86400 - 3600))
            events.append((when, account, "search:" + rng.choice(interests)[1]))
    events.sort(key=lambda event: (event[0], event[1].pk))
    seen: dict[int, set[int]] = {account.pk: set() for account in accounts}
    started = time.perf_counter()
    reads = 0
    for when, account, what in events:
        if isinstance(what, str):
            services.record_search(account, what.removeprefix("search:"), site_id=portal.pk, now=when)
            continue
        services.record_page_read(account, what, now=when)
        popularity.count_view(what, portal.pk, f"account-{account.pk}", now=when)
        seen[account.pk].add(what)
        reads += 1
    popularity.flush()
    replay_seconds = time.perf_counter() - started
    common.log(f"[{args.engine}] replayed {reads:,} reads in {replay_seconds:.1f} s")

    # 3. precision@5
    def precision(recommended: list[int], account_id: int) -> int:
        return sum(1 for pk in recommended[:K] if items.get(pk, set()) & planted[account_id])

    scores = {name: [] for name in VARIANTS}
    chance_of_a_hit = []
    samples, queries = [], []
    recommender.forget_pools()
    for account in accounts:
        recommender.site_pool(portal.pk, now=now)  # cached, as it is for all but the first page in 5 min
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            recommended = [r.item_id for r in recommender.personal(account, portal.pk, now=now, count=K)]
            samples.append((time.perf_counter() - began) * 1000)
        queries.append(len(captured.captured_queries))
        scores["huimin"].append(precision(recommended, account.pk))
        popular = [
            r.item_id for r in recommender.popular(portal.pk, now=now, exclude=seen[account.pk], count=K)
        ]
        scores["most popular"].append(precision(popular, account.pk))
        unseen = [pk for pk in all_items if pk not in seen[account.pk]]
        base = sum(1 for pk in unseen if items[pk] & planted[account.pk]) / len(unseen)
        scores["random"].append(base * K)  # expected hits among K unseen items drawn at random
        chance_of_a_hit.append(1 - (1 - base) ** K)
    for name, shares in (("profile only", (1.0, 0.0)), ("readers like you only", (0.0, 1.0))):
        for account in accounts:
            recommended = [
                r.item_id for r in recommender.personal(account, portal.pk, now=now, count=K, shares=shares)
            ]
            scores[name].append(precision(recommended, account.pk))

    variants = {
        name: {
            "precision": round(sum(values) / (K * len(values)), 4),
            "hit_rate": round(sum(1 for v in values if v > 0) / len(values), 4),
        }
        for name, values in scores.items()
    }
    variants["random"]["hit_rate"] = round(sum(chance_of_a_hit) / len(chance_of_a_hit), 4)
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
        "items": len(items),
        "plantable_tags": len(plantable),
        "users": args.users,
        "reads": args.reads,
        "noise": args.noise,
        "policies": args.policies,
        "variants": variants,
        "timing": common.summary(samples, "calls"),
        "queries_per_call": max(queries),
        "replay_reads_per_second": round(reads / replay_seconds, 1),
        "publish_seconds": round(generate_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "indexed": reindexed.indexed,
    }
    common.log(f"[{args.engine}] {json.dumps(variants, ensure_ascii=False)}")
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--reads", type=int, default=12, help="reads per user")
    parser.add_argument("--noise", type=float, default=0.2, help="share of reads of random items")
    parser.add_argument("--policies", type=int, default=2000, help="generated policies added to the demo")
    parser.add_argument("--seed", type=int, default=20261102)
    parser.add_argument("--pg-port", type=int, default=54341)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
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
