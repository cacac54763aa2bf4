"""Demo 政府信息公开 on every site: the 公开制度 article, catalogue items in the categories no column type
gives (规划计划, 财政预决算, 人事信息, 行政执法, 政府采购), applications in every state, and a published 2025
annual report.

Every application is made and moved on only through `huimin.disclosure.services`, each step at a fixed
moment: this year's are laid out in working days back from the build's `now` (so one is near its time limit
and one is late whenever the demo is built), last year's on fixed dates in 2025 (one received in December and
answered in January), so the 2025 report has figures. The words are in data/sitegroup.json (`disclosure`
and each site's `disclosure`). A site that already has applications gets none again.

Query codes are the same in every build (a seeded generator stands in for the services' randomness while the
demo is built) and every demo application's query password is the published `disclosure.query_password`, so
anyone can try the follow page with a code from the admin list.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from wagtail.models import Site

from huimin.articles.models import ArticlePage
from huimin.core.pages import add_and_publish
from huimin.disclosure import report, services
from huimin.disclosure.enums import ApplicantType, Delivery, IdType
from huimin.disclosure.identity import CREDIT_ALPHABET, CREDIT_WEIGHTS, ID_CHECK, ID_WEIGHTS
from huimin.disclosure.models import Application
from huimin.sites.models import ColumnPage, OrgUnit
from huimin.workdays.queries import default_calendar, schedule_for
from huimin.workdays.working_time import SHANGHAI, Schedule

RULES_SLUG = "xxgk-gkzd"
# The catalogue items of each site, in the 通知公告 column: (category, slug, days before `now` published).
CATALOGUE = [
    ("ghjh", "xxgk-ghjh", 300),
    ("xzzf", "xxgk-xzzf", 270),
    ("czyjs", "xxgk-czyjs", 215),
    ("rsxx", "xxgk-rsxx", 120),
    ("zfcg", "xxgk-zfcg", 60),
]
RULES_AGE_DAYS = 400
ARTICLES_PER_SITE = 1 + len(CATALOGUE)  # the 制度 article and the catalogue items (for the progress bar)
REPORT_YEAR = 2025
REPORT_MADE_AT = datetime(2026, 1, 20, 10, 0, tzinfo=SHANGHAI)
REPORT_PUBLISHED_AT = datetime(2026, 1, 25, 10, 0, tzinfo=SHANGHAI)
# Region codes 99xxxx exist nowhere: demo identity numbers are valid in form and checksum, plainly made up.
FAKE_REGION = "990100"


# --- the applications' timelines ---------------------------------------------------------------------
# Each slot is one application on every site: when it arrived and the steps after it. A step is
# (action, when): `when` is a working day counted back from the build's today ("-n"), or a fixed day in
# 2025/2026, with a time of day. Kept in this order on purpose: an application is built in one go.

SLOTS = {
    # 待登记: sent on the Saturday before `now`, received on the next working day.
    "saturday": {"sent": ("saturday", "15:20"), "steps": []},
    "processing": {"sent": (4, "09:40"), "steps": [("register", (3, "10:15"))]},
    # 临期: 3 working days left; 超期: 3 working days late.
    "warning": {"sent": (17, "10:05"), "steps": [("register", (16, "09:30"))]},
    "overdue": {"sent": (23, "14:35"), "steps": [("register", (20, "16:10"))]},
    "extended": {
        "sent": (19, "09:20"),
        "steps": [("register", (18, "10:40")), ("extend", (2, "15:30"))],
    },
    "correction": {"sent": (5, "11:10"), "steps": [("ask_correction", (3, "09:50"))]},
    "corrected": {
        "sent": (16, "08:50"),
        "steps": [("ask_correction", (14, "10:20")), ("submit_correction", (9, "20:30"))],
    },
    "review": {
        "sent": (12, "14:15"),
        "steps": [("register", (11, "09:10")), ("draft", (1, "15:00"))],
    },
    "answered_a": {
        "sent": (30, "10:30"),
        "steps": [("register", (29, "09:00")), ("draft", (15, "16:00")), ("sign_off", (14, "10:30"))],
    },
    "answered_b": {
        "sent": (26, "15:45"),
        "steps": [("register", (25, "09:20")), ("draft", (9, "11:00")), ("sign_off", (8, "15:20"))],
    },
    "answered_c": {
        "sent": (45, "09:05"),
        "steps": [("register", (44, "10:00")), ("draft", (28, "14:40")), ("sign_off", (27, "09:30"))],
    },
    # 视为放弃: asked to correct within 10 working days, nothing came; the sweep the next working day.
    "abandoned": {
        "sent": (40, "16:20"),
        "steps": [("ask_correction", (38, "10:00"), 10), ("abandon", (27, "09:00"))],
    },
    "withdrawn": {
        "sent": (10, "10:50"),
        "steps": [("register", (9, "09:40")), ("withdraw", (6, "20:15"))],
    },
    # 2025: answered in the year, given up in the year, and received in December, answered in January.
    "y2025_a": {
        "sent": (date(2025, 3, 12), "09:40"),
        "steps": [
            ("register", (date(2025, 3, 13), "10:00")),
            ("draft", (date(2025, 3, 31), "15:30")),
            ("sign_off", (date(2025, 4, 1), "10:10")),
        ],
    },
    "y2025_b": {
        "sent": (date(2025, 7, 8), "14:20"),
        "steps": [
            ("register", (date(2025, 7, 9), "09:15")),
            ("draft", (date(2025, 7, 28), "16:00")),
            ("sign_off", (date(2025, 7, 29), "11:00")),
        ],
    },
    "y2025_c": {
        "sent": (date(2025, 10, 20), "21:05"),
        "steps": [
            ("ask_correction", (date(2025, 10, 22), "10:30"), 10),
            ("abandon", (date(2025, 11, 6), "09:00")),
        ],
    },
    "y2025_d": {
        "sent": (date(2025, 12, 22), "14:30"),
        "steps": [
            ("register", (date(2025, 12, 23), "09:30")),
            ("draft", (date(2026, 1, 12), "15:00")),
            ("sign_off", (date(2026, 1, 13), "10:00")),
        ],
    },
}
DELIVERIES = (Delivery.ONLINE, Delivery.EMAIL, Delivery.PAPER)


def build_disclosure_demo(spec: dict, now: datetime, admin) -> int:
    """The demo's 政府信息公开 on every site; returns how many applications were created."""
    texts = spec["disclosure"]
    plan = schedule_for(default_calendar())
    created = 0
    for number, site_spec in enumerate(spec["sites"]):
        site = Site.objects.get(hostname=site_spec["hostname"])
        _ensure_rules_article(site, site_spec, texts, now, admin)
        _ensure_catalogue_items(site, site_spec, spec, now, admin)
        if not Application.objects.filter(site=site).exists():
            created += _make_applications(site, site_spec, texts, plan, now, number)
    for site_spec in spec["sites"]:  # after every site's applications: the portal's report reads them all
        _ensure_report(Site.objects.get(hostname=site_spec["hostname"]), site_spec, texts, admin)
    return created


# --- pages -------------------------------------------------------------------------------------------


def _column(site: Site, slug: str) -> ColumnPage:
    return ColumnPage.objects.child_of(site.root_page).get(slug=slug)


def _publish(column: ColumnPage, *, slug: str, category: str, pub_date: datetime, admin, **fields) -> None:
    """An article with its 公开目录 category, published as the builder publishes its articles."""
    if ArticlePage.objects.child_of(column).filter(slug=slug).exists():
        return
    article = ArticlePage(
        slug=slug,
        pub_date=pub_date,
        disclosure_category=category,
        first_published_at=pub_date,
        last_published_at=pub_date,
        **fields,
    )
    add_and_publish(column, article, actor=admin, denied="您没有在此栏目直接发布的权限，请提交审核。")


def _day_at(now: datetime, days_back: int, hour: int) -> datetime:
    return (
        (now - timedelta(days=days_back))
        .astimezone(SHANGHAI)
        .replace(hour=hour, minute=0, second=0, microsecond=0)
    )


def _values(site_spec: dict) -> dict:
    return {
        "unit": site_spec["identity"]["sponsor"],
        "place": site_spec["place"],
        "phone": site_spec["identity"]["phone"],
        "office": site_spec["disclosure"]["office"],
    }


def _ensure_rules_article(site: Site, site_spec: dict, texts: dict, now: datetime, admin) -> None:
    values = _values(site_spec)
    body = "".join(f"<{tag}>{escape(text.format(**values))}</{tag}>" for tag, text in texts["rules"])
    _publish(
        _column(site, "xxgkzn"),
        slug=RULES_SLUG,
        category="gkzd",
        pub_date=_day_at(now, RULES_AGE_DAYS, 9),
        admin=admin,
        title=f"{values['unit']}政府信息公开制度",
        body=body,
        summary=texts["rules_summary"],
        source=values["unit"],
        keywords=f"政府信息公开,公开制度,{site_spec['place']}",
    )


def _paragraphs(items) -> str:
    return "".join(f"<p>{escape(item)}</p>" for item in items)


def _ensure_catalogue_items(site: Site, site_spec: dict, spec: dict, now: datetime, admin) -> None:
    """Five items in the 通知公告 column that name their own category, so the site's 公开目录 has more
    than the column types give."""
    from huimin.demo.builder import STALE_NEWEST_AGE_DAYS

    own = site_spec["disclosure"]
    templates = spec["disclosure"]["catalogue"]
    column = _column(site, "tzgg")
    # A site whose 通知公告 column is meant to look stale (sitegroup.json "stale") keeps it so.
    stale = (
        STALE_NEWEST_AGE_DAYS[column.column_type.name] + 10
        if column.column_type.name in site_spec["stale"]
        else 0
    )
    for category, slug, age in CATALOGUE:
        age = stale + age // 10 if stale else age
        pub_date = _day_at(now, age, 10)
        values = {**_values(site_spec), "year": pub_date.year}
        template = templates[category]
        if category == "ghjh":
            items = [f"{n}、{item}" for n, item in zip("一二三", own["plan"], strict=True)]
            body = _paragraphs(
                [template["opening"].format(**values), *items, template["closing"].format(**values)]
            )
        elif category == "rsxx":
            rows = "".join(
                f"<li>{escape(f'岗位：{post}；姓名：{name}；学历：{education}')}</li>"
                for post, name, education in own["hires"]
            )
            body = (
                _paragraphs([template["opening"].format(**values)])
                + f"<ul>{rows}</ul>"
                + _paragraphs([template["closing"].format(**values)])
            )
        else:
            values.update(
                {"czyjs": own["budget"], "xzzf": own["enforcement"], "zfcg": own["procurement"]}[category]
            )
            body = _paragraphs(text.format(**values) for text in template["paragraphs"])
        title = template["title"].format(**values)
        _publish(
            column,
            slug=slug,
            category=category,
            pub_date=pub_date,
            admin=admin,
            title=title,
            body=body,
            summary=title,
            source=values["unit"],
            keywords=f"政府信息公开,{site_spec['place']}",
        )


def _ensure_report(site: Site, site_spec: dict, texts: dict, admin) -> None:
    """The site's 2025 report: made by `report.make_report`, its hand-written parts filled, published."""
    if report.existing_report(site, REPORT_YEAR, None) is not None:
        return
    page = report.make_report(site, REPORT_YEAR, actor=admin, now=REPORT_MADE_AT)
    own = site_spec["disclosure"]["report"]
    values = {**_values(site_spec), "year": REPORT_YEAR, "highlight": own["highlight"]}
    words = texts["report"]
    page = page.get_latest_revision_as_object()
    page.overview = _paragraphs(text.format(**values) for text in words["overview"])
    page.problems = words["problems"].format(**values)
    page.other_matters = words["other_matters"].format(**values)
    for name, value in own["figures"].items():
        setattr(page, name, value)
    page.pub_date = page.first_published_at = REPORT_PUBLISHED_AT
    revision = page.save_revision(user=admin)
    revision.publish(user=admin)


# --- applications ------------------------------------------------------------------------------------


def _working_day_back(plan: Schedule, day: date, count: int) -> date:
    """The working day `count` working days before `day`."""
    while count > 0:
        day -= timedelta(days=1)
        count -= plan.is_working_day(day)
    return day


def _moment(plan: Schedule, now: datetime, when) -> datetime:
    day, clock = when
    today = now.astimezone(SHANGHAI).date()
    if day == "saturday":
        day = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
    elif isinstance(day, int):
        day = _working_day_back(plan, today, day)
    return datetime.combine(day, time.fromisoformat(clock), SHANGHAI)


def _id_card(number: int) -> str:
    born = date(1958 + (number * 7) % 45, 1 + number % 12, 1 + (number * 11) % 28)
    head = f"{FAKE_REGION}{born:%Y%m%d}{number % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(head, ID_WEIGHTS, strict=True))
    return head + ID_CHECK[total % 11]


REGISTRATION = {  # 登记管理部门 and 机构类别 of a credit code, by the kind of organisation
    "business": "91",
    "research": "12",
    "public_interest": "52",
    "legal_service": "31",
    "other": "54",
}


def _credit_code(kind: str, number: int) -> str:
    head = f"{REGISTRATION[kind]}{FAKE_REGION}MA{number:07d}"
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(head, CREDIT_WEIGHTS, strict=True))
    return head + CREDIT_ALPHABET[(31 - total % 31) % 31]


def _applicant(texts: dict, entry: dict, number: int, picks: dict) -> dict:
    """Who applies: a citizen by default, or an organisation of the entry's kind, each with valid numbers."""
    common = {
        "phone": f"1390527{number:04d}",
        "email": f"sq{number:04d}@example.com",
        "address": f"江苏省宿迁市宿城区洪泽湖路{number + 1}号",
        "postcode": "223800",
    }
    kind = entry.get("org")
    if kind:
        pool = texts["organisations"][kind]
        name, contact = pool[picks.setdefault(kind, 0) % len(pool)]
        picks[kind] += 1
        return {
            **common,
            "applicant_type": ApplicantType.ORGANISATION,
            "org_kind": kind,
            "name": name,
            "contact_person": contact,
            "id_type": IdType.CREDIT_CODE,
            "id_number": _credit_code(kind, number),
        }
    citizens = texts["citizens"]
    return {
        **common,
        "applicant_type": ApplicantType.CITIZEN,
        "name": citizens[number % len(citizens)],
        "id_type": IdType.ID_CARD,
        "id_number": _id_card(number),
    }


def _released(title: str, lines: list[str]) -> SimpleUploadedFile:
    """A small PDF standing for the records released, made in memory (reportlab, the CJK font every PDF
    reader carries)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    width, height = A4
    pdf.setFont("STSong-Light", 18)
    pdf.drawCentredString(width / 2, height - 90, title[:30])
    pdf.setFont("STSong-Light", 11)
    y = height - 140
    for line in lines:
        for start in range(0, len(line), 38):
            pdf.drawString(60, y, line[start : start + 38])
            y -= 20
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile(f"{title}.pdf", out.getvalue(), content_type="application/pdf")


def _make_applications(
    site: Site, site_spec: dict, texts: dict, plan: Schedule, now: datetime, site_number: int
) -> int:
    users = get_user_model().objects
    handler = users.get(username=f"{site_spec['key']}-handler")
    leader = users.get(username=f"{site_spec['key']}-leader")
    unit = OrgUnit.objects.get(name=site_spec["org_unit"])
    entries = site_spec["disclosure"]["applications"]
    picks: dict[str, int] = {}
    for index, (slot, timeline) in enumerate(SLOTS.items()):
        entry = entries[slot]
        number = site_number * 100 + index + 1
        application, _ = services.submit(
            services.ApplicationData(
                site=site,
                unit=unit,
                description=entry["description"],
                purpose=entry.get("purpose", ""),
                delivery=DELIVERIES[(index + site_number) % len(DELIVERIES)],
                **_applicant(texts, entry, number, picks),
            ),
            now=_moment(plan, now, timeline["sent"]),
            password=texts["query_password"],  # published, so a visitor can follow any demo application
        )
        for action, when, *more in timeline["steps"]:
            at = _moment(plan, now, when)
            _step(action, application, entry, texts, site_spec, handler, leader, at, *more)
    return len(SLOTS)


def _step(action, application, entry, texts, site_spec, handler, leader, at, *more) -> None:
    if action == "register":
        services.register(application, actor=handler, now=at)
    elif action == "ask_correction":
        request = texts["correction_request"].format(description=entry["description"].rstrip("。"))
        services.ask_correction(application, request, actor=handler, days=more[0] if more else None, now=at)
    elif action == "submit_correction":
        services.submit_correction(application, entry["clarify"], now=at)
    elif action == "extend":
        services.extend(
            application, 15, entry.get("reason") or texts["extension_reason"], actor=leader, now=at
        )
    elif action == "draft":
        answer = entry["answer"]
        released = []
        if entry.get("released"):
            values = {**_values(site_spec), "description": entry["description"]}
            lines = [line.format(**values) for line in texts["released_lines"]]
            released = [_released(entry["released"], lines)]
        services.draft_answer(
            application,
            actor=handler,
            answer=answer,
            ground=entry.get("ground", ""),
            text=entry.get("text") or texts["answer_texts"][answer],
            referral=entry.get("referral", ""),
            released=released,
            now=at,
        )
    elif action == "sign_off":
        services.sign_off(application, actor=leader, now=at)
    elif action == "withdraw":
        services.withdraw(application, texts["withdraw_reason"], now=at)
    elif action == "abandon":
        services.abandon_uncorrected(now=at)
    else:  # pragma: no cover - a typo in SLOTS
        raise ValueError(action)
    application.refresh_from_db()
