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
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, Site

from huimin.articles.models import ArticleAttachment, ArticlePage
from huimin.articles.services import publish_article
from huimin.core import otp
from huimin.core.pages import add_and_publish
from huimin.demo.assessment import build_assessment_demo
from huimin.demo.citizens import build_citizen_demo
from huimin.demo.disclosure import ARTICLES_PER_SITE as DISCLOSURE_ARTICLES_PER_SITE
from huimin.demo.disclosure import build_disclosure_demo
from huimin.demo.guides import build_service_demo
from huimin.demo.handling_stats import build_handling_statistics_demo
from huimin.demo.homes import build_home_demo
from huimin.demo.interviews import build_interview_demo
from huimin.demo.letters import build_letter_demo
from huimin.demo.opendata import build_opendata_demo
from huimin.demo.opendata_charts import build_chart_demo
from huimin.demo.operations import build_operations_demo
from huimin.demo.pictures import infographics, picture
from huimin.demo.policies import POLICIES_PER_SITE, build_policy_demo
from huimin.demo.surveys import build_survey_demo
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
# How far back each kind of column reaches, and how fresh its newest item is (days): about two years of news.
SPANS = {
    "news": (700, 1),
    "通知公告": (540, 5),
    "政策文件": (700, 12),
    "政策解读": (600, 15),
    "数据发布": (400, 20),
}
# News items with a cover picture (题图): the newest few, which the home carousel shows, and every third.
NEWEST_WITH_COVER = 6
# Openings of news items per title template whose subject is a meeting or a training: a meeting-room picture.
MEETING_TEMPLATES = {0, 3, 5}
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
    disclosure_applications_created: int = 0
    service_pages_created: int = 0
    topic_pages_created: int = 0
    interview_pages_created: int = 0
    opendata_pages_created: int = 0
    assessment_records_created: int = 0
    operations_records_created: int = 0
    survey_pages_created: int = 0
    citizen_records_created: int = 0


def load_spec() -> dict:
    return json.loads((DATA_DIR / "sitegroup.json").read_text(encoding="utf-8"))


def planned_article_count(spec: dict) -> int:
    per_site = sum(c["items"] for c in spec["columns"] if isinstance(c["items"], int))
    policy_pages = len(spec["sites"]) * (POLICIES_PER_SITE + POLICIES_PER_SITE // 2)
    disclosure = len(spec["sites"]) * DISCLOSURE_ARTICLES_PER_SITE
    return sum(per_site + s["news_items"] for s in spec["sites"]) + len(SEEDS) + policy_pages + disclosure


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
    result.disclosure_applications_created = build_disclosure_demo(spec, now, admin)
    advance(len(spec["sites"]) * DISCLOSURE_ARTICLES_PER_SITE)
    result.service_pages_created = build_service_demo(spec, now, admin)
    result.service_pages_created += build_handling_statistics_demo(spec, now, admin)
    result.topic_pages_created = build_topic_demo(spec, now, admin)
    result.interview_pages_created = build_interview_demo(spec, now, admin)
    result.opendata_pages_created = build_opendata_demo(spec, now, admin)
    result.topic_pages_created += build_chart_demo(spec, now, admin)
    result.survey_pages_created = build_survey_demo(spec, now, admin)
    build_home_demo(spec, now, admin)  # after the topics, interviews and open data its blocks point to
    _published_by(now)
    result.assessment_records_created = build_assessment_demo(spec, now, admin)
    result.operations_records_created = build_operations_demo(spec, now, admin)
    result.citizen_records_created = build_citizen_demo(spec, now, admin)
    result.credentials.append(Credential("vendor", "外包服务商", "派发给本账号的工单"))
    result.second_factor_users = _ensure_second_factor(result.credentials, result.second_factor_secret)
    return result


def _published_by(now: datetime) -> None:
    """The demo is the group as it stands at `now`: a page the build published later by the wall clock
    (the build takes minutes, and tests build at a fixed `now` on any day) counts as published at `now`, so
    what is judged "as of now" (the annual assessment) sees the whole demo."""
    Page.objects.filter(first_published_at__gt=now).update(first_published_at=now)
    Page.objects.filter(last_published_at__gt=now).update(last_published_at=now)


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


@cache
def _password_hash(password: str) -> str:
    """The demo password hashed once per process: every demo account has the same published password, and
    hashing it anew for each (a quarter of a second with the production hasher) only slows the build."""
    from django.contrib.auth.hashers import make_password

    return make_password(password)


def _ensure_user(username: str, name: str, password: str):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.password = _password_hash(password)
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
            responsible_person="张明",
            responsible_phone="0527-84300000",
            actor=admin,
        )
    return column


def _ensure_articles(column, column_spec, site_spec, spec, count, stale, now, rng, admin) -> int:
    """The items of one column: titles from the kind's templates and the site's own topics, bodies written
    from the topic's sentences (data/sitegroup.json), dated backwards from `now` over the kind's span."""
    if count == 0:
        return 0
    existing = set(ArticlePage.objects.child_of(column).values_list("slug", flat=True))
    kind = "news" if column_spec["items"] == "news" else column_spec["type"]
    span, newest = SPANS.get(kind, (SINGLE_ITEM_AGE_DAYS, SINGLE_ITEM_AGE_DAYS))
    if stale:
        newest = STALE_NEWEST_AGE_DAYS.get(column_spec["type"], newest)
        span = max(span, newest + 60)
    created = 0
    with transaction.atomic():
        for index in range(count):
            slug = f"demo-{column_spec['slug']}-{index + 1}"
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
            item = _compose(kind, index, site_spec, spec, pub_date, rng)
            cover = item.pop("cover", None)
            _publish(
                column,
                slug=slug,
                pub_date=pub_date,
                source=site_spec["identity"]["sponsor"],
                cover=picture(cover) if cover else None,  # shared by the sites: the root collection
                actor=admin,
                **item,
            )
            created += 1
    return created


def _publish(column, *, cover=None, attachments=(), actor=None, **fields) -> ArticlePage:
    """`publish_article`, or for an item with a cover picture or attachments the same page built here and
    published through `add_and_publish` (publish_article takes neither)."""
    if cover is None and not attachments:
        return publish_article(column, actor=actor, **fields)
    article = ArticlePage(
        **fields,
        cover_image=cover,
        first_published_at=fields["pub_date"],
        last_published_at=fields["pub_date"],
    )
    article.attachments = [ArticleAttachment(document=d, title=t) for d, t in attachments]
    return add_and_publish(column, article, actor=actor, denied="您没有在此栏目直接发布的权限，请提交审核。")


def _fill(text: str, site_spec: dict, topic: str = "", **more) -> str:
    return text.format(place=site_spec["place"], area=site_spec["area"], topic=topic, **more)


def _topic_pick(site_spec: dict, index: int, templates: int, kind: str = "") -> tuple[str, int]:
    """The topic and the title template of item `index`: every topic in turn, each with a different template
    on its next turn, so titles do not repeat. A site may give one kind of column its own list of topics
    (`topics_by_kind`: the portal's policy documents include the city-wide 适老化改造 and 河湖长制)."""
    topics = site_spec.get("topics_by_kind", {}).get(kind) or site_spec["topics"]
    return topics[index % len(topics)], (index % len(topics) + index // len(topics)) % templates


def _sentences(spec, site_spec, topic, rng, n) -> list[str]:
    return [_fill(s, site_spec, topic) for s in rng.sample(spec["topics"][topic]["sentences"], n)]


def _html(paragraphs) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _cn_date(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"


def _compose(kind, index, site_spec, spec, pub_date, rng) -> dict:
    """Title, body, summary, keywords (and a cover picture for some news) of one item."""
    titles = spec["titles"][kind]
    topic, template = _topic_pick(site_spec, index, len(titles), kind)
    title = _fill(titles[template], site_spec, topic, period="")
    keywords = f"{topic.strip('“”')},{site_spec['place']}"
    sponsor = site_spec["identity"]["sponsor"]
    item: dict = {"title": title, "keywords": keywords}
    if kind == "news":
        opening, closing = (_fill(t, site_spec, topic) for t in spec["news_frames"][template])
        facts = _sentences(spec, site_spec, topic, rng, 3)
        paragraphs = [opening, "".join(facts[:2]), facts[2] + closing]
        item.update(body=_html(paragraphs), summary=opening)
        if index < NEWEST_WITH_COVER or index % 3 == 0:
            covers = spec["topics"][topic]["covers"]
            item["cover"] = "cover-meeting.jpg" if template in MEETING_TEMPLATES else f"cover-{covers[0]}.jpg"
            if template not in MEETING_TEMPLATES and len(covers) > 1 and index % 2:
                item["cover"] = f"cover-{covers[1]}.jpg"
    elif kind == "通知公告":
        facts = _sentences(spec, site_spec, topic, rng, 3)
        if template == 0:
            paragraphs = [
                "各有关单位：",
                f"为做好{topic}工作，现将有关事项通知如下：",
                *(f"{n}、{fact}" for n, fact in zip("一二三", facts, strict=True)),
                "特此通知。",
            ]
        elif template == 1:
            paragraphs = [
                f"为推进{topic}工作，{site_spec['place']}定于近期开展专项检查，现将有关事项公告如下：",
                f"一、检查内容：{facts[0]}",
                "二、检查方式：采取查阅资料、实地查看和随机抽查相结合的方式进行。",
                f"三、工作要求：{facts[1]}",
                f"欢迎社会各界监督，发现问题可拨打{site_spec['identity']['phone']}反映。",
            ]
        else:
            start = pub_date + timedelta(days=1)
            paragraphs = [
                f"根据{topic}工作有关规定，现将有关事项予以公示。{facts[0]}",
                f"公示期为5个工作日（{_cn_date(start)}至{_cn_date(start + timedelta(days=6))}）。"
                "公示期间如有异议，"
                f"请以书面形式向{sponsor}反映，反映情况应实事求是，并提供联系方式。",
                f"联系电话：{site_spec['identity']['phone']}。",
            ]
        paragraphs += [sponsor, _cn_date(pub_date)]
        item.update(body=_html(paragraphs), summary=paragraphs[1] if template == 0 else paragraphs[0])
    elif kind == "政策文件":
        doc = ("意见", "方案", "办法")[template]
        facts = _sentences(spec, site_spec, topic, rng, 4)
        body = (
            _html([f"为进一步做好{topic}工作，结合本地实际，制定本{doc}。"])
            + "<h2>一、总体要求</h2>"
            + _html([facts[0]])
            + "<h2>二、主要任务</h2>"
            + _html(facts[1:])
            + "<h2>三、保障措施</h2>"
            + _html(
                [
                    "各责任单位要明确分管负责同志和具体经办人员，建立工作台账，确保各项任务落实到位。",
                    f"本{doc}自印发之日起施行。",
                ]
            )
        )
        item.update(body=body, summary=f"为进一步做好{topic}工作，{sponsor}制定本{doc}。{facts[0]}")
    elif kind == "政策解读":
        if index % 2:
            return _compose_infographic(index // 2, site_spec, pub_date)
        facts = _sentences(spec, site_spec, topic, rng, 3)
        policy_title = title.split("》")[0].lstrip("《")
        body = (
            "<h2>一、起草背景</h2>"
            + _html([f"为进一步做好{topic}工作，{sponsor}研究制定了《{policy_title}》。"])
            + "<h2>二、主要内容</h2>"
            + _html(facts)
            + "<h2>三、解读机关及联系方式</h2>"
            + _html([f"解读机关：{sponsor}。联系电话：{site_spec['identity']['phone']}。"])
        )
        item.update(body=body, summary=f"《{policy_title}》的起草背景和主要内容。{facts[0]}")
    elif kind == "数据发布":
        quarter_end = _previous_quarter(pub_date)
        period = f"{quarter_end[0]}年第{quarter_end[1]}季度"
        item["title"] = _fill(titles[template], site_spec, topic, period=period)
        scale = 0.25 * quarter_end[1]
        rows = "".join(
            f"<li>{escape(label)}：{escape(_figure(value, unit, scale, *stock))}{escape(unit)}</li>"
            for label, value, unit, *stock in spec["topics"][topic]["data"]
        )
        opening = f"截至{period}末，{site_spec['place']}{topic}工作主要数据如下。"
        body = (
            _html([opening])
            + f"<h2>{escape(period)}主要数据</h2>"
            + f"<ul>{rows}</ul>"
            + _html([f"数据来源：{sponsor}。新增、完成类指标为本年累计数，其他为期末数。"])
        )
        item.update(body=body, summary=opening)
    elif kind == "概况信息":
        item.update(body=_html(site_spec["profile"]), summary=site_spec["profile"][0])
    elif kind == "机构职能":
        body = (
            "<h2>主要职责</h2><ol>"
            + "".join(f"<li>{escape(d)}</li>" for d in site_spec["duties"])
            + "</ol><h2>"
            + ("工作部门" if site_spec["key"] in ("portal", "shuyang", "sucheng") else "内设机构")
            + "</h2>"
            + _html([site_spec["departments"]])
        )
        item.update(body=body, summary=site_spec["duties"][0])
    elif kind == "信息公开指南":
        phone = site_spec["identity"]["phone"]
        body = "".join(
            f"<{tag}>{escape(_fill(text, site_spec, unit=sponsor, phone=phone))}</{tag}>"
            for tag, text in spec["open_government_guide"]
        )
        item.update(
            body=body,
            summary="主动公开的范围和查找方式，依申请公开的提交方式、办理时限和救济途径。",
            keywords=f"信息公开指南,依申请公开,{site_spec['place']}",
        )
    return item


def _previous_quarter(moment: datetime) -> tuple[int, int]:
    local = moment.astimezone(SHANGHAI)
    quarter = (local.month - 1) // 3
    return (local.year, quarter) if quarter else (local.year - 1, 4)


def _figure(value, unit: str, scale: float, stock: str = "") -> str:
    """A year's running total as it stands at a quarter's end; a rate or a stock ("存量") as it is."""
    if unit == "%" or stock:
        return str(value)
    return f"{max(1, round(value * scale)):,}".replace(",", "")


def _compose_infographic(number: int, site_spec: dict, pub_date: datetime) -> dict:
    """A 一图读懂 item: the site's infographic picture, then the same words as text (for screen readers,
    plain-text mode and search)."""
    name = site_spec["infographics"][number % len(site_spec["infographics"])]
    info = infographics()[name]
    image = picture(name)
    figures = "".join(f"<li>{escape(f['value'])}：{escape(f['label'])}</li>" for f in info["figures"])
    sections = "".join(
        f"<h3>{escape(s['heading'])}</h3><ul>"
        + "".join(f"<li>{escape(i)}</li>" for i in s["items"])
        + "</ul>"
        for s in info["sections"]
    )
    body = (
        _html([f"{info['subtitle']}：用一张图读懂主要内容。"])
        + f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="{escape(image.description)}"/>'
        + "<h2>图解文字版</h2>"
        + f"<ul>{figures}</ul>"
        + sections
        + _html([info["source"]])
    )
    return {
        "title": info["title"],
        "body": body,
        "summary": f"图解{info['topic'].strip('“”')}：{info['subtitle']}。",
        "keywords": f"一图读懂,{info['topic'].strip('“”')},{site_spec['place']}",
    }


@dataclass(frozen=True)
class SeedDocument:
    filename: str
    slug: str
    title: str
    pub_date: datetime
    keywords: str
    first_body_line: int
    stop_marker: str | None = None
    traditional: bool = False  # kept in traditional characters: shown simplified, the original attached


SEEDS = (
    SeedDocument(
        "2022-suqian-website-work-points.txt",
        "seed-2022-website-work-points",
        "市政府办公室关于印发2022年宿迁市政府网站工作要点的通知",
        datetime(2022, 3, 4, 9, 0, tzinfo=SHANGHAI),
        "政府网站,工作要点,2022",
        7,
        traditional=True,
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
    """The seed documents as articles. A document kept in traditional characters (the 2022 one) is shown as a
    simplified reading text (OpenCC), with the original file attached."""
    created = 0
    for seed in SEEDS:
        if ArticlePage.objects.child_of(column).filter(slug=seed.slug).exists():
            continue
        reading, attachments = seed_text(seed), []
        if seed.traditional:
            reading = ["本页为简体阅读文本，原文（繁体）见附件。", *(simplified(line) for line in reading)]
            document = seed_original(seed)
            attachments.append((document, document.title))
        _publish(
            column,
            title=seed.title,
            slug=seed.slug,
            pub_date=seed.pub_date,
            body="".join(f"<p>{escape(line)}</p>" for line in reading),
            source="宿迁市人民政府办公室",
            keywords=seed.keywords,
            attachments=attachments,
            actor=admin,
        )
        created += 1
    return created


def simplified(text: str) -> str:
    """`text` in simplified characters (OpenCC t2s, the conversion the search analysis uses too)."""
    return _t2s().convert(text)


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def seed_original(seed: SeedDocument):
    """The seed's original file as a Wagtail document (created once, found by its title afterwards)."""
    from django.core.files import File
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    title = f"{seed.title}（原文）"
    existing = Document.objects.filter(title=title).order_by("pk").first()
    if existing is not None:
        return existing
    with (SEED_DIR / seed.filename).open("rb") as handle:
        return Document.objects.create(
            title=title, collection=Collection.get_first_root_node(), file=File(handle, name=seed.filename)
        )
