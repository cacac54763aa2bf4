"""Builds the demo site group: org units, five sites, their columns, articles, the seed documents and users.
The users whose role requires a second factor (the platform administrator) get a TOTP device with the demo's
published secret (`second_factor_secret` in data/sitegroup.json), so anyone can sign in with an
authenticator app; `huimin check --deploy` refuses that secret anywhere (checks.py).

Safe to run again: everything is looked up by a natural key first, so a second run creates nothing new.
Time is an argument: article dates are laid out backwards from `now`.
"""

from __future__ import annotations

import json
import random
from base64 import b32decode
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, Site

from huimin.articles.models import ArticlePage
from huimin.articles.services import publish_article
from huimin.core import otp
from huimin.demo.guides import build_service_demo
from huimin.demo.handling_stats import build_handling_statistics_demo
from huimin.demo.interviews import build_interview_demo
from huimin.demo.letters import build_letter_demo
from huimin.demo.opendata import build_opendata_demo
from huimin.demo.opendata_charts import build_chart_demo
from huimin.demo.policies import POLICIES_PER_SITE, build_policy_demo
from huimin.demo.topics import build_topic_demo
from huimin.search import services as search_services
from huimin.search import tasks as search_tasks
from huimin.sites import services as site_services
from huimin.sites.enums import SITE_ROLES, Role
from huimin.sites.models import ColumnPage, ColumnType, OrgUnit

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_DIR = DATA_DIR / "seeds"
SHANGHAI = ZoneInfo("Asia/Shanghai")
USER_SUFFIX = {
    Role.EDITOR: "editor",
    Role.UNIT_LEADER: "leader",
    Role.MESSAGE_HANDLER: "handler",
    Role.SITE_ADMIN: "siteadmin",
}
# How far back each kind of column reaches, and how fresh its newest item is (days).
SPANS = {
    "news": (330, 1),
    "通知公告": (150, 5),
    "政策文件": (700, 12),
    "政策解读": (600, 15),
    "数据发布": (120, 20),
}
SINGLE_ITEM_AGE_DAYS = 200
STALE_NEWEST_AGE_DAYS = {"工作动态": 30, "通知公告": 220}


@dataclass
class Credential:
    username: str
    role: str
    site: str


@dataclass
class DemoResult:
    password: str
    second_factor_secret: str = ""
    second_factor_users: list[str] = field(default_factory=list)
    sites: list[tuple[str, str]] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    articles_created: int = 0
    policy_pages_created: int = 0
    letters_created: int = 0
    service_pages_created: int = 0
    topic_pages_created: int = 0
    interview_pages_created: int = 0
    opendata_pages_created: int = 0


def load_spec() -> dict:
    return json.loads((DATA_DIR / "sitegroup.json").read_text(encoding="utf-8"))


def planned_article_count(spec: dict) -> int:
    per_site = sum(c["items"] for c in spec["columns"] if isinstance(c["items"], int))
    policy_pages = len(spec["sites"]) * (POLICIES_PER_SITE + POLICIES_PER_SITE // 2)
    return sum(per_site + s["news_items"] for s in spec["sites"]) + len(SEEDS) + policy_pages


def build_demo(
    *, port: int = 8000, now: datetime | None = None, advance: Callable[[int], None] = lambda n: None
) -> DemoResult:
    now = now or timezone.now()
    with search_tasks.suspended():  # the search index is built once, at the end, not page by page
        result = _build_demo(port=port, now=now, advance=advance)
    search_services.reindex(now=now)  # a full search index for `make run`
    return result


def _build_demo(*, port: int, now: datetime, advance: Callable[[int], None]) -> DemoResult:
    spec = load_spec()
    result = DemoResult(password=spec["password"], second_factor_secret=spec["second_factor_secret"])
    units = _ensure_org_units(spec["org_units"])
    _retire_initial_site()

    admin_spec = spec["platform_admin"]
    admin = _ensure_user(admin_spec["username"], admin_spec["name"], spec["password"])
    site_services.assign_role(admin, role=Role.PLATFORM_ADMIN, org_unit=units[admin_spec["org_unit"]])
    result.credentials.append(Credential(admin.username, Role.PLATFORM_ADMIN.label, "全部站点"))
    for officer in spec["security_officers"]:  # 三员: the other two, each a person of their own (0013)
        role = Role(officer["role"])
        user = _ensure_user(officer["username"], officer["name"], spec["password"])
        site_services.assign_role(user, role=role, org_unit=units[officer["org_unit"]], actor=admin)
        result.credentials.append(Credential(user.username, role.label, "全部站点"))

    for site_spec in spec["sites"]:
        site = _ensure_site(site_spec, units, port, admin)
        result.sites.append((site_spec["identity"]["site_name"], site.root_url + "/"))
        home = site.root_page
        rng = random.Random(site_spec["key"])  # noqa: S311 - demo text, not security
        for column_spec in spec["columns"]:
            column = _ensure_column(home, column_spec, units[site_spec["org_unit"]], admin)
            count = site_spec["news_items"] if column_spec["items"] == "news" else column_spec["items"]
            stale = column_spec["type"] in site_spec["stale"]
            created = _ensure_articles(column, column_spec, site_spec, spec, count, stale, now, rng, admin)
            result.articles_created += created
            advance(count)
        for role in SITE_ROLES:
            username = f"{site_spec['key']}-{USER_SUFFIX[role]}"
            user = _ensure_user(username, role.label, spec["password"])
            site_services.assign_role(
                user, role=role, org_unit=units[site_spec["org_unit"]], site=site, actor=admin
            )
            result.credentials.append(Credential(username, role.label, site_spec["identity"]["site_name"]))

    portal_policies = ColumnPage.objects.child_of(
        Site.objects.get(hostname=spec["sites"][0]["hostname"]).root_page
    ).get(slug="zcwj")
    result.articles_created += _ensure_seed_articles(portal_policies, admin)
    advance(len(SEEDS))
    result.policy_pages_created = build_policy_demo(spec, now, admin)
    advance(len(spec["sites"]) * (POLICIES_PER_SITE + POLICIES_PER_SITE // 2))
    result.letters_created = build_letter_demo(now)
    result.service_pages_created = build_service_demo(spec, now, admin)
    result.service_pages_created += build_handling_statistics_demo(spec, now, admin)
    result.topic_pages_created = build_topic_demo(spec, now, admin)
    result.interview_pages_created = build_interview_demo(spec, now, admin)
    result.opendata_pages_created = build_opendata_demo(spec, now, admin)
    result.topic_pages_created += build_chart_demo(spec, now, admin)
    result.second_factor_users = _ensure_second_factor(result.credentials, result.second_factor_secret)
    return result


def demo_second_factor_key() -> bytes:
    """The demo's published TOTP secret (base32 in data/sitegroup.json) as the key bytes."""
    return b32decode(load_spec()["second_factor_secret"])


def _ensure_second_factor(credentials: list[Credential], secret: str) -> list[str]:
    """A TOTP device with the demo's secret for every demo user whose role requires a second factor."""
    users = get_user_model().objects.filter(username__in=[c.username for c in credentials]).order_by("pk")
    named = []
    for user in users:
        if otp.is_required(user):
            otp.provision_totp(user, secret=b32decode(secret), name="演示身份验证器")
            named.append(user.username)
    return named


def _ensure_org_units(entries: list[dict]) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for order, entry in enumerate(entries):
        unit, _ = OrgUnit.objects.get_or_create(
            name=entry["name"],
            defaults={
                "short_name": entry["short_name"],
                "kind": entry["kind"],
                "sort_order": order,
                "parent": units.get(entry["parent"]) if entry["parent"] else None,
            },
        )
        units[unit.name] = unit
    return units


def _retire_initial_site() -> None:
    """Remove the placeholder page a fresh Wagtail database starts with (migration 0003 removed its site)."""
    for page in Page.objects.filter(
        depth=2,
        content_type__app_label="wagtailcore",
        content_type__model="page",
        sites_rooted_here__isnull=True,
    ):
        page.delete()
    Site.objects.filter(is_default_site=True).update(is_default_site=False)


def _ensure_user(username: str, name: str, password: str):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.set_password(password)
        user.save()
    return user


def _ensure_site(site_spec: dict, units: dict[str, OrgUnit], port: int, admin) -> Site:
    site = Site.objects.filter(hostname=site_spec["hostname"]).first()
    if site is None:
        identity = site_services.IdentityData(**site_spec["identity"])
        site = site_services.create_site(
            hostname=site_spec["hostname"],
            port=port,
            org_unit=units[site_spec["org_unit"]],
            identity=identity,
            home_title=identity.site_name,
            home_keywords=site_spec["keywords"],
            home_intro=site_spec["intro"],
            actor=admin,
        )
    elif site.port != port:
        site.port = port
        site.save(update_fields=["port"])
    return site


def _ensure_column(home: Page, column_spec: dict, unit: OrgUnit, admin) -> ColumnPage:
    column = ColumnPage.objects.child_of(home).filter(slug=column_spec["slug"]).first()
    if column is None:
        column = site_services.add_column(
            home,
            title=column_spec["title"],
            slug=column_spec["slug"],
            column_type=ColumnType.objects.get(name=column_spec["type"]),
            description=column_spec["description"],
            keywords=column_spec["keywords"],
            responsible_unit=unit,
            responsible_person="张明（演示）",
            responsible_phone="0527-84300000",
            actor=admin,
        )
    return column


def _ensure_articles(column, column_spec, site_spec, spec, count, stale, now, rng, admin) -> int:
    if count == 0:
        return 0
    existing = set(ArticlePage.objects.child_of(column).values_list("slug", flat=True))
    kind = "news" if column_spec["items"] == "news" else column_spec["type"]
    templates = spec["titles"][kind]
    topics = list(spec["topics"])
    rng.shuffle(topics)
    span, newest = SPANS.get(kind, (SINGLE_ITEM_AGE_DAYS, SINGLE_ITEM_AGE_DAYS))
    if stale:
        newest = STALE_NEWEST_AGE_DAYS.get(column_spec["type"], newest)
        span = max(span, newest + 60)
    created = 0
    with transaction.atomic():
        for index in range(count):
            slug = f"demo-{column_spec['slug']}-{index + 1}"
            topic = topics[index % len(topics)]
            title = templates[index % len(templates)].format(place=site_spec["place"], topic=topic)
            age = newest + (span - newest) * index / max(count - 1, 1)
            pub_date = (
                (now - timedelta(days=age))
                .astimezone(SHANGHAI)
                .replace(
                    hour=rng.randint(8, 17),
                    minute=rng.choice([0, 10, 20, 30, 40, 50]),
                    second=0,
                    microsecond=0,
                )
            )
            if slug in existing:
                continue
            paragraphs = [
                "".join(rng.sample(spec["sentences"], 2)).format(place=site_spec["place"], topic=topic)
                for _ in range(3)
            ]
            publish_article(
                column,
                title=title,
                slug=slug,
                pub_date=pub_date,
                body="".join(f"<p>{escape(p)}</p>" for p in paragraphs),
                source=site_spec["identity"]["sponsor"],
                keywords=f"{topic},{site_spec['place']}",
                summary=paragraphs[0][:120],
                is_demo=True,
                actor=admin,
            )
            created += 1
    return created


@dataclass(frozen=True)
class SeedDocument:
    filename: str
    slug: str
    title: str
    pub_date: datetime
    keywords: str
    first_body_line: int
    stop_marker: str | None = None


SEEDS = (
    SeedDocument(
        "2022-suqian-website-work-points.txt",
        "seed-2022-website-work-points",
        "市政府办公室关于印发2022年宿迁市政府网站工作要点的通知",
        datetime(2022, 3, 4, 9, 0, tzinfo=SHANGHAI),
        "政府网站,工作要点,2022",
        7,
    ),
    SeedDocument(
        "2023-website-work-points-scraped.txt",
        "seed-2023-website-work-points",
        "2023年政府网站工作要点",
        datetime(2023, 3, 1, 9, 0, tzinfo=SHANGHAI),
        "政府网站,工作要点,2023",
        2,
        stop_marker="- 配套讲稿",
    ),
)


def seed_text(seed: SeedDocument) -> list[str]:
    """The body lines of a seed document as shipped (header table and sharing-site footer left out)."""
    lines = (SEED_DIR / seed.filename).read_text(encoding="utf-8").splitlines()[seed.first_body_line :]
    if seed.stop_marker:
        lines = lines[
            : next((i for i, line in enumerate(lines) if line.startswith(seed.stop_marker)), len(lines))
        ]
    return [line.strip() for line in lines if line.strip()]


def _ensure_seed_articles(column: ColumnPage, admin) -> int:
    created = 0
    for seed in SEEDS:
        if ArticlePage.objects.child_of(column).filter(slug=seed.slug).exists():
            continue
        publish_article(
            column,
            title=seed.title,
            slug=seed.slug,
            pub_date=seed.pub_date,
            body="".join(f"<p>{escape(line)}</p>" for line in seed_text(seed)),
            source="宿迁市人民政府办公室",
            keywords=seed.keywords,
            actor=admin,
        )
        created += 1
    return created
