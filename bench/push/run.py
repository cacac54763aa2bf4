"""Benchmark of precise push: one policy published to 100,000 subscribers, matched and its deliveries queued.

    .venv/bin/python bench/push/run.py [--db sqlite|postgres|both] [--subscribers 100000] [--noise 100000]

For each database it makes a fresh one (SQLite in a temporary directory; PostgreSQL in a database
`huimin_bench_push` on the server DATABASE_URL names, or else in a throwaway cluster it creates and drops),
runs `huimin migrate`, and in a child process:

1. builds a minimal site group: the city office, one site with its identity, home page and policy library,
   and one policy published there (before any subscription exists, so publishing it does no push work);
2. bulk-inserts `--subscribers` accounts (every one with a verified mobile number, half with a verified
   e-mail address) and for each one subscription that matches the policy, of every kind in turn: tags with
   `any`, tags with `all`, tags restricted to policies, the library's column, a library filter, the issuing
   unit and a search query; frequencies immediate / daily / weekly in 6:3:1; channels inbox, + e-mail for
   half, + SMS for a fifth. Then `--noise` subscriptions of other accounts that do not match (other tags,
   units, queries). The criteria rows are those the real criteria builders give
   (`huimin.subscriptions.criteria`), copied per subscription;
3. times `services.publish` of the policy (what the publish task runs: facts, candidates by (key, value),
   the any/all check, the deliveries bulk-inserted) — the target is under 30 s; then a second call (a retried
   task: nothing new), `services.reach` (the editor's count, no writes), and one `send_due` run (the mail and
   SMS that leave within one minute's limit, HUIMIN_PUSH_PER_MINUTE, to the locmem mail backend).

Results go to bench/push/results.json and are printed as a Markdown table.
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
TARGET_SECONDS = 30.0
PG_DATABASE = "huimin_bench_push"
PACKAGES = ("django", "wagtail", "psycopg")
BATCH = 5000
UNUSABLE = "!"  # an unusable password hash: the bench's accounts never sign in


# --------------------------------------------------------------------------------------------- parent


def _bench_engine(engine: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"huimin-bench-push-{engine}-"))
    (tmp / "static").mkdir()
    try:
        database = common.fresh_database(engine, tmp, keep=args.keep, pg_port=args.pg_port, name=PG_DATABASE)
        with database as url:
            env = {
                **common.child_env(url, tmp),
                # The bench times the work of the publish task itself; the sending it queues is timed apart.
                "HUIMIN_TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "HUIMIN_SMS_BACKEND": "huimin.core.notify.LocmemSms",
            }
            common.log(f"[{engine}] huimin migrate")
            common.run([sys.executable, "-m", "huimin", "migrate", "--noinput", "-v0"], env=env, cwd=tmp)
            out = tmp / "result.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                "--engine",
                engine,
                "--subscribers",
                str(args.subscribers),
                "--noise",
                str(args.noise),
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
        "| database | subscribers (+ not matching) | criteria rows | publish: match + queue "
        "| deliveries queued | again (retried task) | reach (editor) | one send run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        send = r["send"]
        lines.append(
            f"| {r['database']} | {r['subscribers']:,} (+{r['noise']:,}) | {r['criteria_rows']:,} | "
            f"**{r['publish_seconds']} s** (facts {r['facts_seconds']} s, match {r['match_seconds']} s) | "
            f"{r['deliveries']:,} | {r['again_seconds']} s | {r['reach_seconds']} s | "
            f"{send['messages']} messages in {send['seconds']} s |"
        )
    return "\n".join(lines)


def parent(args) -> int:
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {
        "target": f"one policy to {args.subscribers:,} subscribers matched and queued in under "
        f"{TARGET_SECONDS:.0f} s",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(PACKAGES),
        "engines": {},
    }
    results["engines"] = common.earlier_engines(
        args.output,
        engines,
        lambda earlier: earlier["subscribers"] == args.subscribers and earlier["noise"] == args.noise,
    )
    common.run_engines(results, engines, lambda engine: _bench_engine(engine, args), args.output)
    common.print_machine(results)
    print(markdown(results))
    print(f"\nwritten to {args.output}")
    return 0


# --------------------------------------------------------------------------------------------- worker


def _site_group():
    """The city office, one site with identity, home page and library, and one policy published there."""
    from django.utils import timezone
    from wagtail.models import Page, Site

    from huimin.core.pages import add_and_publish
    from huimin.policies.models import Industry, PolicyLibraryPage, PolicyPage, PolicyTopic, ServiceObject
    from huimin.sites.models import HomePage, OrgUnit, SiteIdentity

    office = OrgUnit.objects.create(name="宿迁市人民政府办公室", kind="city_office")
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="宿迁市人民政府", slug="bench-home", keywords="宿迁"))
    site = Site.objects.create(hostname="127.0.0.1", port=8000, root_page=home, is_default_site=True)
    SiteIdentity.objects.create(
        site=site,
        site_name="宿迁市人民政府",
        site_code="3213000001",
        domain="www.suqian.gov.cn",
        org_unit=office,
        sponsor="宿迁市人民政府办公室",
        phone="0527-84368000",
        address="宿迁市洪泽湖路",
        email="web@suqian.gov.cn",
        icp_number="苏ICP备05007164号",
        police_record_number="苏公网安备32130202000001号",
        conac_url="https://bszs.conac.cn/sitename?method=show&id=1",
    )
    library = add_and_publish(
        home, PolicyLibraryPage(title="政策文件库", slug="zcwjk", description="政策文件", keywords="政策")
    )
    topic = PolicyTopic.objects.get(name="民政、扶贫、救灾")
    policy = PolicyPage(
        title="宿迁市关于加强老年人和残疾人助餐服务的实施意见",
        slug="bench-policy",
        index_number="000000001/2026-00001",
        doc_number="宿政办发〔2026〕1号",
        doc_kind="意见",
        issuer=office,
        topic=topic,
        keywords="养老,助餐",
        summary="为老年人和残疾人提供就近助餐服务。",
        body="<p>" + "各县区要建设社区助餐点，为老年人和残疾人提供就近便利的助餐服务。" * 40 + "</p>",
        pub_date=timezone.now(),
    )
    policy.service_objects.set(ServiceObject.objects.filter(name__in=["个人", "老年人", "残疾人"]))
    policy.industries.set(Industry.objects.filter(name="居民服务业"))
    add_and_publish(library, policy)  # before any subscription exists: publishing it does no push work
    return office, library, PolicyPage.objects.get(pk=policy.pk), topic


def _templates(office, library, topic):
    """Specs that match the policy (one per kind of subscription) and specs that do not."""
    from huimin.subscriptions import criteria

    matching = [
        criteria.from_tags({"group": (["老年人", "学生"], "any")}),
        criteria.from_tags({"group": (["老年人", "残疾人"], "all"), "topic": ([topic.name], "any")}),
        criteria.from_tags({"service_object": (["个人", "企业"], "any")}, ["policy"]),
        criteria.from_column(library.pk),
        criteria.from_library(library.pk, {"topic": str(topic.pk), "doc_kind": "意见"}),
        criteria.from_unit(office.pk),
        criteria.from_search("助餐 服务"),
    ]
    other = [
        criteria.from_tags({"group": (["退役军人"], "any")}),
        criteria.from_tags({"group": (["老年人", "学生"], "all")}),
        criteria.from_tags({"industry": (["制造业", "建筑业"], "any")}),
        criteria.from_library(library.pk, {"doc_kind": "通知"}),
        criteria.from_search("秸秆 禁烧"),
    ]
    return matching, other


def _populate(count: int, noise: int, matching, other, started: float) -> int:
    """Accounts and subscriptions, bulk-inserted; returns the number of criteria rows."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from huimin.accounts.models import Account
    from huimin.subscriptions.models import Criterion, Subscription

    User = get_user_model()
    now = timezone.now()
    frequencies = ["immediate"] * 6 + ["daily"] * 3 + ["weekly"]
    total = count + noise
    rows = 0
    for start in range(0, total, BATCH):
        end = min(start + BATCH, total)
        users = User.objects.bulk_create(
            [User(username=f"bench-{n}", password=UNUSABLE, is_active=True) for n in range(start, end)]
        )
        accounts = Account.objects.bulk_create(
            [
                Account(
                    user=user,
                    mobile=f"139{n:08d}",
                    mobile_verified_at=now,
                    email=f"reader{n}@example.com" if n % 2 == 0 else "",
                    email_verified_at=now if n % 2 == 0 else None,
                    terms_version="2026-1",
                    terms_accepted_at=now,
                    created_at=now,
                )
                for n, user in zip(range(start, end), users, strict=True)
            ]
        )
        specs = [
            matching[n % len(matching)] if n < count else other[n % len(other)] for n in range(start, end)
        ]
        subscriptions = Subscription.objects.bulk_create(
            [
                Subscription(
                    account=account,
                    kind=spec.kind,
                    title=spec.title,
                    criteria=spec.criteria,
                    page=spec.page,
                    unit=spec.unit,
                    query=spec.query,
                    params=spec.params,
                    frequency=frequencies[n % len(frequencies)],
                    by_inbox=True,
                    by_email=n % 2 == 0,
                    by_sms=n % 5 == 0,
                    signature=spec.signature,
                    created_at=now,
                    updated_at=now,
                )
                for n, account, spec in zip(range(start, end), accounts, specs, strict=True)
            ]
        )
        criteria_rows = [
            Criterion(subscription=subscription, key=key, value=value, mode=mode)
            for subscription, spec in zip(subscriptions, specs, strict=True)
            for key, value, mode in spec.rows
        ]
        Criterion.objects.bulk_create(criteria_rows, batch_size=BATCH)
        rows += len(criteria_rows)
        if end % 20_000 == 0 or end == total:
            common.log(f"  subscriptions: {end:,}/{total:,} ({time.perf_counter() - started:.0f} s)")
    return rows


def _database_label(connection) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    version = connection.pg_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def worker(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from huimin.subscriptions import matching as matcher
    from huimin.subscriptions import services
    from huimin.subscriptions.models import Delivery
    from huimin.subscriptions.services.publications import paused_gc

    label = args.engine
    started = time.perf_counter()
    with transaction.atomic():
        office, library, policy, topic = _site_group()
    specs, other = _templates(office, library, topic)
    common.log(f"[{label}] generating {args.subscribers:,} + {args.noise:,} subscriptions")
    with transaction.atomic():
        rows = _populate(args.subscribers, args.noise, specs, other, started)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a live database has
    generated = time.perf_counter() - started
    common.log(f"[{label}] generated in {generated:.0f} s; publishing")

    page = policy
    page.get_full_url()  # the URL configuration loaded, as in a worker process that has run a task before
    t0 = time.perf_counter()
    facts = matcher.facts_of(page.get_latest_revision_as_object())
    t1 = time.perf_counter()
    with paused_gc():
        found = matcher.match(facts)
    t2 = time.perf_counter()

    now = timezone.now()
    t3 = time.perf_counter()
    with transaction.atomic():
        outcome = services.publish(page.pk, page.live_revision_id, now=now)
    publish_seconds = time.perf_counter() - t3
    deliveries = Delivery.objects.filter(publication=outcome.publication).count()
    common.log(
        f"[{label}] publish: {outcome.status}, {outcome.matched:,} accounts, {deliveries:,} deliveries"
    )

    t4 = time.perf_counter()
    again = services.publish(page.pk, page.live_revision_id, now=now)
    again_seconds = time.perf_counter() - t4

    t5 = time.perf_counter()
    reach = services.reach(page)
    reach_seconds = time.perf_counter() - t5

    t6 = time.perf_counter()
    sent = services.send_due(now)
    send_seconds = time.perf_counter() - t6

    result = {
        "database": _database_label(connection),
        "subscribers": args.subscribers,
        "noise": args.noise,
        "criteria_rows": rows,
        "generate_seconds": round(generated, 1),
        "facts_seconds": round(t1 - t0, 2),
        "match_seconds": round(t2 - t1, 2),
        "matched_subscriptions": len(found),
        "publish_seconds": round(publish_seconds, 2),
        "publish_status": outcome.status,
        "accounts": outcome.matched,
        "deliveries": deliveries,
        "again_status": again.status,
        "again_seconds": round(again_seconds, 3),
        "reach_seconds": round(reach_seconds, 2),
        "reach_accounts": reach.accounts,
        "send": {
            "per_minute": settings.HUIMIN_PUSH_PER_MINUTE,
            "messages": sent.messages,
            "seconds": round(send_seconds, 2),
            "held": sent.held,
        },
        "target_met": publish_seconds < TARGET_SECONDS,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--noise", type=int, default=100_000, help="subscriptions that do not match")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--pg-port", type=int, default=5497)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and database")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(REPO))
        return worker(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
