"""Bench data for the annual assessment: a year (2026) of a 50-unit site group, on top of the demo.

Deterministic (fixed seeds). Needs a migrated database with the demo loaded (`huimin loaddemo`, clock at
2026-11-02 10:00, which seeds the 2025 and 2026 indicator tables). Each phase is timed and returned.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026
AT = datetime(YEAR + 1, 1, 15, 10, 0, tzinfo=SHANGHAI)  # the year complete, its last bulletin entered
IN_YEAR = datetime(YEAR, 11, 2, 10, 0, tzinfo=SHANGHAI)
SEED = 20261102
FIRST_ORDER = 1000  # the bench's own units sort after the demo's
# The assessed units of a 50-unit group by kind (OrgUnitKind values): the demo has 2 counties, 1 function
# area, 5 first-tier and 2 second-tier departments.
SHAPE = {"county": 5, "function_area": 5, "dept_tier1": 25, "dept_tier2": 15}
NAMES = {
    "county": ["泗阳县", "泗洪县", "宿豫区"],
    "function_area": ["湖滨新区", "洋河新区", "高新技术产业开发区", "苏宿工业园区"],
    "dept_tier1": [
        "市发展改革委",
        "市工业和信息化局",
        "市公安局",
        "市财政局",
        "市自然资源局",
        "市生态环境局",
        "市住房城乡建设局",
        "市交通运输局",
        "市农业农村局",
        "市商务局",
        "市文广旅局",
        "市卫生健康委",
        "市应急管理局",
        "市市场监管局",
        "市医保局",
        "市城管局",
        "市司法局",
        "市退役军人局",
        "市统计局",
        "市审计局",
    ],
    "dept_tier2": [
        "市地方志办",
        "市机关事务局",
        "市信访局",
        "市供销总社",
        "市气象局",
        "市邮政管理局",
        "市烟草专卖局",
        "市住房公积金中心",
        "市公共资源交易中心",
        "市红十字会",
        "市科协",
        "市残联",
        "市侨联",
    ],
}
# Shares of the articles per column slug (the demo's ten columns; 征集调查 and 信息公开年报 stay empty, as
# in the demo, where those are served by other page types).
ARTICLE_SHARE = {"gzdt": 0.46, "tzgg": 0.2, "zcwj": 0.12, "zcjd": 0.07, "sjfb": 0.1, "gkxx": 0.02,
                 "jgzn": 0.015, "xxgkzn": 0.015}  # fmt: skip
STALE_SITES = 0.2  # share of sites whose 通知公告 and 政策解读 stopped in the summer
# Letters per year by unit class (weights), and kinds with their time limits in days (roughly the working
# time of their limits: simple consultations 1 working day, 找错 3, others 5).
LETTER_WEIGHT = {"county": 6.0, "function_area": 2.0, "city_dept_1": 1.0, "city_dept_2": 0.4}
KINDS = [("consult", 0.4), ("complaint", 0.25), ("suggestion", 0.15), ("help", 0.12), ("other", 0.05),
         ("error_report", 0.03)]  # fmt: skip
LATE_SHARE = 0.04  # of answered letters, answered after their deadline
PUBLISH_SHARE = 0.55
BATCH = 5000


def generate(*, units: int, pages: int, letters: int, log: Callable[[str], None]) -> tuple[dict, dict]:
    """Write the data; returns (seconds per phase, counts)."""
    from django.contrib.auth import get_user_model

    from huimin.articles.models import ArticlePage
    from huimin.assessment import sheets
    from huimin.assessment.models import IndicatorTable, Submission
    from huimin.inspection.models import Run

    admin = get_user_model().objects.get(username="admin")
    seconds: dict[str, float] = {}

    def phase(name: str, function, *a):
        log(f"{name} ...")
        started = time.perf_counter()
        value = function(*a)
        seconds[name] = round(time.perf_counter() - started, 1)
        log(f"{name}: {seconds[name]} s")
        return value

    phase("units", _units, units)
    bench_units = [unit for unit in sheets.assessed_units() if unit.sort_order >= FIRST_ORDER]
    sites = phase("sites and columns (tree API, one page at a time)", _sites, bench_units, admin)
    made = len(sites) * 11  # home page and ten columns
    phase("articles (tree API, bulk path)", _articles, max(pages - made, 0), admin)
    letter_count = phase("letters (bulk insert)", _letters, letters)
    phase("patrol runs, 12 a site (inspection service)", _runs)
    phase("period reports (4 quarters, 12 months)", _period_reports)
    table = IndicatorTable.objects.get(year=YEAR)
    phase("信息报送, bulletins, manual findings (demo builder functions)", _assurance, table, admin)
    return seconds, {
        "units": len(sheets.assessed_units()),
        "sites": len(sites),
        "pages": made + ArticlePage.objects.filter(slug__startswith="b-").count(),
        "letters": letter_count,
        "runs": Run.objects.filter(started__year=YEAR).count(),
        "submissions": Submission.objects.count(),
    }


def _units(total: int) -> list:
    from huimin.assessment import sheets
    from huimin.sites.models import OrgUnit

    existing = sheets.assessed_units()
    parent = OrgUnit.objects.get(name="宿迁市人民政府办公室")
    have = {kind: sum(1 for u in existing if u.kind == kind) for kind in SHAPE}
    scale = total / sum(SHAPE.values())
    want = {kind: max(have[kind], round(count * scale)) for kind, count in SHAPE.items()}
    want["dept_tier1"] += total - sum(want.values())
    created = []
    order = FIRST_ORDER + OrgUnit.objects.filter(sort_order__gte=FIRST_ORDER).count()
    for kind, count in want.items():
        for n in range(count - have[kind]):
            names = NAMES[kind]
            name = names[n] if n < len(names) else f"{names[-1]}（{n + 1}）"
            created.append(
                OrgUnit.objects.create(
                    name=name, short_name=name[:20], kind=kind, parent=parent, sort_order=order
                )
            )
            order += 1
    return created


def _sites(units: list, admin) -> list:
    from wagtail.models import Site

    from huimin.demo.builder import load_spec
    from huimin.sites import services as site_services
    from huimin.sites.models import ColumnType

    spec = load_spec()
    types = {t.name: t for t in ColumnType.objects.all()}
    sites = []
    for number, unit in enumerate(units, start=1):
        hostname = f"b{number:02d}.bench.localhost"
        site = Site.objects.filter(hostname=hostname).first()
        if site is None:
            identity = site_services.IdentityData(
                site_name=f"{unit.name}网站",
                site_code=f"3213{number:06d}",
                domain=f"b{number:02d}.bench.example.cn",
                sponsor=unit.name,
                phone="0527-84300000",
                address="江苏省宿迁市（演示地址）",
                email=f"webmaster@b{number:02d}.example.cn",
                icp_number=f"苏ICP备{20260000 + number}号",
                police_record_number=f"苏公网安备{32130200000000 + number}号",
                conac_url=f"https://bszs.conac.cn/sitename?method=show&id=BENCH{number:04d}",
            )
            site = site_services.create_site(
                hostname=hostname,
                port=8000,
                org_unit=unit,
                identity=identity,
                home_title=identity.site_name,
                home_keywords=unit.name,
                actor=admin,
            )
            for column in spec["columns"]:
                site_services.add_column(
                    site.root_page,
                    title=column["title"],
                    slug=column["slug"],
                    column_type=types[column["type"]],
                    description=column["description"],
                    keywords=column["keywords"],
                    responsible_unit=unit,
                    responsible_person="张明",
                    responsible_phone="0527-84300000",
                    actor=admin,
                )
        sites.append(site)
    return sites


def _articles(total: int, admin) -> int:
    """`total` articles over the columns of every site: most dated in the year, some older."""
    from django.db import transaction
    from wagtail.models import Site

    from huimin.articles.models import ArticlePage
    from huimin.core.pages import add_and_publish_many
    from huimin.sites.models import ColumnPage

    rng = random.Random(SEED)  # noqa: S311 - bench data
    sites = list(Site.objects.order_by("pk"))
    stale = {site.pk for site in sites if rng.random() < STALE_SITES}
    per_site = total // len(sites)
    extra = total - per_site * len(sites)
    year_start = datetime(YEAR, 1, 1, tzinfo=SHANGHAI)
    made = 0
    for index, site in enumerate(sites):
        count = per_site + (1 if index < extra else 0)
        columns = {c.slug: c for c in ColumnPage.objects.child_of(site.root_page)}
        shares = {slug: share for slug, share in ARTICLE_SHARE.items() if slug in columns}
        norm = sum(shares.values())
        planned = {slug: int(count * share / norm) for slug, share in shares.items()}
        planned["gzdt" if "gzdt" in planned else next(iter(planned))] += count - sum(planned.values())
        for slug, n in planned.items():
            column = columns[slug]
            taken = ArticlePage.objects.child_of(column).filter(slug__startswith="b-").count()
            span_end = (
                datetime(YEAR, 7, 20, tzinfo=SHANGHAI)
                if site.pk in stale
                and slug
                in (
                    "tzgg",
                    "zcjd",
                )
                else datetime(YEAR, 12, 31, 18, tzinfo=SHANGHAI)
            )
            span = (span_end - year_start).total_seconds() + 120 * 86400  # some from the year before
            batch = []
            for i in range(taken, n):
                pub_date = span_end - timedelta(seconds=rng.uniform(0, span))
                pub_date = pub_date.replace(microsecond=0)
                batch.append(
                    ArticlePage(
                        title=f"{site.site_name}{column.title}第{i + 1}条",
                        slug=f"b-{slug}-{i + 1}",
                        body=f"<p>{column.title}：{site.site_name}发布的第{i + 1}条信息。</p>",
                        pub_date=pub_date,
                        first_published_at=pub_date,
                        last_published_at=pub_date,
                        source=site.site_name,
                    )
                )
            for start in range(0, len(batch), 500):
                with transaction.atomic():
                    add_and_publish_many(column, batch[start : start + 500], actor=None)
            made += len(batch)
    return made


def _letters(total: int) -> int:
    """`total` letters over the year: each unit's share by class, received on its site (or the portal,
    handled by it, for a unit without one)."""
    from django.db import transaction
    from wagtail.models import Site

    from huimin.assessment import sheets
    from huimin.letters.models import Letter
    from huimin.workdays.models import WorkCalendar

    rng = random.Random(SEED + 1)  # noqa: S311 - bench data
    calendar = WorkCalendar.objects.order_by("pk").first()
    portal = Site.objects.get(hostname="127.0.0.1")  # the demo's portal
    targets = []
    for unit in sheets.assessed_units():
        sites = sheets.sites_of(unit)
        targets.append((unit, sites[0] if sites else portal, LETTER_WEIGHT[sheets.unit_class(unit)]))
    weights = [w for _, _, w in targets]
    kinds, kind_weights = zip(*KINDS, strict=True)
    start = datetime(YEAR, 1, 1, tzinfo=SHANGHAI)
    seconds = 365 * 86400 - 3600
    already = Letter.objects.filter(query_code__startswith="AB").count()
    batch = []
    for i in range(already, total):
        unit, site, _ = rng.choices(targets, weights)[0]
        kind = rng.choices(kinds, kind_weights)[0]
        simple = kind == "consult" and rng.random() < 0.3
        limit_days = 1 if simple else 3 if kind == "error_report" else 7
        received = start + timedelta(seconds=rng.randrange(seconds))
        dispatched = received + timedelta(hours=rng.uniform(0.2, 20))
        accepted = dispatched + timedelta(hours=rng.uniform(0.5, 20))
        reply_due = received + timedelta(days=limit_days)
        letter = Letter(
            site_id=site.pk,
            kind=kind,
            channel="web",
            chosen_unit=unit,
            title=f"留言{i}",
            content="留言内容。",
            contact_name="压测",
            contact_phone="13800000000",
            may_publish=rng.random() < 0.8,
            is_simple=simple,
            query_code=f"AB{i:09d}",
            query_password="!",  # noqa: S106 - unusable hash: nobody logs in
            unit=unit,
            calendar=calendar,
            received_at=received,
            dispatched_at=dispatched,
            accepted_at=accepted,
            dispatch_due=received + timedelta(hours=24),
            accept_due=dispatched + timedelta(hours=24),
            reply_due=reply_due,
            warn_at=reply_due - timedelta(days=1),
            due_at=reply_due,
            serious_at=reply_due + timedelta(days=limit_days),
            reply_limit=timedelta(hours=8 * (1 if simple else 3 if kind == "error_report" else 5)),
        )
        if received > datetime(YEAR, 12, 29, tzinfo=SHANGHAI) and rng.random() < 0.5:
            letter.state = "accepted"  # still being handled at the year's end
        else:
            late = rng.random() < LATE_SHARE
            share = rng.uniform(1.05, 2.5) if late else rng.uniform(0.1, 0.95)
            letter.replied_at = received + (reply_due - received) * share
            letter.reply = "您好，您反映的问题已按规定办理，答复如下：……"
            letter.reply_unit = unit
            if letter.may_publish and rng.random() < PUBLISH_SHARE:
                letter.state = "published"
                letter.published_at = letter.replied_at + timedelta(hours=rng.uniform(1, 48))
            else:
                letter.state = "closed"
            letter.closed_at = letter.replied_at + timedelta(hours=rng.uniform(1, 72))
            if rng.random() < 0.3:
                letter.rating = rng.choices(["satisfied", "basically", "unsatisfied"], [0.8, 0.15, 0.05])[0]
        batch.append(letter)
        if len(batch) == BATCH:
            with transaction.atomic():
                Letter.objects.bulk_create(batch)
            batch = []
    with transaction.atomic():
        Letter.objects.bulk_create(batch)
    return Letter.objects.filter(query_code__startswith="AB").count()


def _runs() -> int:
    """12 monthly patrol runs per site, recorded through the inspection service with a synthetic crawl."""
    from huimin.inspection import services
    from huimin.inspection.crawler import Crawl
    from huimin.inspection.document import Finding
    from huimin.inspection.document import Site as Inspected
    from huimin.inspection.enums import Check, Severity
    from huimin.inspection.models import Run, Target

    services.sync_group_targets()
    rng = random.Random(SEED + 2)  # noqa: S311 - bench data
    made = 0
    for target in Target.objects.filter(site__isnull=False).order_by("pk"):
        for month in range(1, 13):
            started = datetime(YEAR, month, 15, 2, 0, tzinfo=SHANGHAI)
            if Run.objects.filter(target=target, started=started).exists():
                continue
            url = target.url
            deduct, veto = Severity.DEDUCT, Severity.VETO
            findings = [
                Finding(Check.BROKEN_LINK, deduct, f"{url}gzdt/", f"{url}files/{month}-{n}.pdf", "HTTP 404")
                for n in range(rng.randrange(0, 6))
            ]
            findings += [
                Finding(Check.MISSING_CONTENT_TAGS, deduct, f"{url}gzdt/b-gzdt-{n}/", "ArticleTitle", "缺少")
                for n in range(rng.randrange(0, 4))
            ]
            if rng.random() < 0.1:
                findings.append(Finding(Check.FOOTER_INCOMPLETE, deduct, url, "网站标识码", "缺少", True))
            if rng.random() < 0.01:
                findings.append(
                    Finding(Check.SENSITIVE_EXPRESSION, veto, f"{url}tzgg/", "严重错误表述", "错误")
                )
            crawl = Crawl(Inspected(url, started), pages_crawled=rng.randrange(300, 500), findings=findings)
            services.record_run(target, crawl, started)
            made += 1
    return made


def _period_reports() -> None:
    from huimin.inspection import services

    for quarter in range(1, 5):
        services.build_period_report(f"{YEAR}Q{quarter}", datetime(YEAR, quarter * 3, 28, tzinfo=SHANGHAI))
    for month in range(1, 13):
        services.build_period_report(f"{YEAR}-{month:02d}", datetime(YEAR, month, 28, tzinfo=SHANGHAI))


def _assurance(table, admin) -> None:
    """Every unit's 信息报送 with decisions, its bulletins and manual findings of the year, made by the demo
    builder's functions (`huimin/demo/assessment.py`) up to AT."""
    from huimin.assessment import sheets
    from huimin.assessment.models import QuarterBulletin
    from huimin.demo import assessment as demo

    for unit in sheets.assessed_units():
        demo._submissions(unit, table, AT, admin)
        demo._year_records(unit, table, AT, admin, complete=True)
    assert QuarterBulletin.objects.filter(year=YEAR, score__gt=Decimal(0)).exists()
