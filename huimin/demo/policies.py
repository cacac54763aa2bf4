"""Demo content of the policy library: a library on every site (the portal's gathers the group), policies
across units, topics, years, kinds and validity, and interpretations in text and chart form.

Everything goes through the policy services; everything is looked up first, so a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils.html import escape
from wagtail.images.models import Image
from wagtail.models import Site

from huimin.core.pages import add_and_publish
from huimin.demo.pictures import manifest, picture
from huimin.policies.enums import DocKind, InterpretationForm, InterpreterKind, RelationKind, Validity
from huimin.policies.models import (
    Industry,
    InterpretationGraphic,
    InterpretationPage,
    PolicyLibraryPage,
    PolicyPage,
    PolicyTopic,
    ServiceObject,
)
from huimin.policies.services import PolicyData, publish_interpretation, upsert_policy
from huimin.sites.models import OrgUnit, SiteIdentity

LIBRARY_SLUG = "zcwjk"
POLICIES_PER_SITE = 14
DOC_NUMBER_PREFIX = {
    "portal": "宿政办发",
    "shuyang": "沭政办发",
    "sucheng": "宿城政办发",
    "slj": "宿水发",
    "jyj": "宿教发",
}
KINDS = [DocKind.NOTICE, DocKind.OPINION, DocKind.MEASURES, DocKind.PLAN, DocKind.PROVISIONS, DocKind.RULES]
TITLE_BY_KIND = {
    DocKind.NOTICE: "{unit}关于做好{topic}工作的通知",
    DocKind.OPINION: "{unit}关于进一步加强{topic}工作的实施意见",
    DocKind.MEASURES: "{place}{topic}管理办法",
    DocKind.PLAN: "{place}{topic}三年行动方案",
    DocKind.PROVISIONS: "{place}{topic}若干规定",
    DocKind.RULES: "{place}{topic}实施细则",
}
# The portal's subjects (city-wide); every other site takes its own topics from data/sitegroup.json.
SUBJECTS = [
    "优化营商环境",
    "安全生产",
    "防汛抗旱",
    "乡村振兴",
    "养老服务",
    "义务教育招生入学",
    "河湖长制",
    "就业创业扶持",
    "政务公开",
    "生态环境保护",
    "城市更新",
    "数字政府建设",
    "消防安全",
    "食品安全",
]
# Subjects whose body sentences are those of another topic in data/sitegroup.json.
SENTENCES_OF = {"义务教育招生入学": "义务教育招生", "就业创业扶持": "就业创业", "消防安全": "安全生产"}
# The policy topic (主题分类) of each subject.
TOPIC_OF = {
    "农业、林业、水利": (
        *("乡村振兴", "花木产业发展", "防汛抗旱", "河湖长制"),
        *("水资源管理", "农田水利", "水土保持", "水利工程建设"),
    ),
    "科技、教育": (
        *("义务教育招生入学", "义务教育招生", "学前教育", "校园安全"),
        *("教师队伍建设", "职业教育", "“双减”"),
    ),
    "劳动、人事、监察": ("就业创业", "就业创业扶持"),
    "民政、扶贫、救灾": ("养老服务", "社区治理"),
    "城乡建设、环境保护": ("生态环境保护", "城市更新", "老旧小区改造", "农村人居环境整治"),
    "市场监管、安全生产监管": ("安全生产", "消防安全", "食品安全"),
}
INDUSTRIES_OF = {
    "农业、林业、水利": ("水利、环境和公共设施管理业", "农林牧渔业"),
    "科技、教育": ("教育", "公共管理和社会组织"),
}
SERVICE_OBJECTS_OF = {"农业、林业、水利": ("农民", "企业"), "科技、教育": ("学生", "个人")}


def build_policy_demo(spec: dict, now: datetime, admin) -> int:
    """Add the policy library content to the demo group; returns how many pages were created."""
    created = 0
    libraries = {}
    for site_spec in spec["sites"]:
        site = Site.objects.get(hostname=site_spec["hostname"])
        library, made = _ensure_library(site, aggregate=site_spec["key"] == "portal", actor=admin)
        libraries[site_spec["key"]] = library
        created += made
        created += _ensure_site_policies(library, site, site_spec, spec, now, admin)
    created += _import_seed_policies(libraries["portal"], now, admin)
    return created


def _import_seed_policies(library, now, admin) -> int:
    """The two work-points documents, imported by the real importer, each with two interpretations."""
    from huimin.demo.builder import SEED_DIR, SEEDS
    from huimin.policies.importer import PolicyImporter

    report = PolicyImporter(library, now=now, actor=admin).run([SEED_DIR / seed.filename for seed in SEEDS])
    failed = [f"{f.path}: {f.problems}" for f in report.files if f.status == "error"]
    if failed:
        raise RuntimeError(f"seed import failed: {failed}")
    seeds = [PolicyPage.objects.get(index_number=f.index_number) for f in report.files]
    return ensure_seed_interpretations(library, seeds, admin)


def _ensure_library(site: Site, *, aggregate: bool, actor) -> tuple[PolicyLibraryPage, bool]:
    library = PolicyLibraryPage.objects.child_of(site.root_page).filter(slug=LIBRARY_SLUG).first()
    if library:
        return library, False
    description = (
        "汇集全市各地各部门发布的政策文件，可按部门、主题、行业、服务对象、年份、文种和时效筛选。"
        if aggregate
        else "本单位发布的政策文件，可按主题、行业、服务对象、年份、文种和时效筛选。"
    )
    library = PolicyLibraryPage(
        title="政策文件库",
        slug=LIBRARY_SLUG,
        description=description,
        keywords="政策文件,政策解读,规范性文件",
        aggregate_group=aggregate,
        show_in_menus=True,
    )
    return add_and_publish(site.root_page, library, actor=actor), True


def _ensure_site_policies(library, site, site_spec, spec, now, admin) -> int:
    rng = random.Random(f"policies-{site_spec['key']}")  # noqa: S311 - demo text, not security
    identity = SiteIdentity.objects.select_related("org_unit").get(site=site)
    unit = identity.org_unit
    topics = {topic.name: topic for topic in PolicyTopic.objects.all()}
    industries = list(Industry.objects.all())
    objects = list(ServiceObject.objects.all())
    code_prefix = identity.site_code
    created = 0
    policies = []
    for n in range(POLICIES_PER_SITE):
        kind, subject = _kind_and_subject(site_spec, n)
        pub_date = (now - timedelta(days=40 + n * 110 + rng.randint(0, 30))).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        index_number = f"{code_prefix}/{pub_date.year}-{n + 1:05d}"
        existing = PolicyPage.objects.child_of(library).filter(slug=f"demo-policy-{n + 1}").first()
        if existing:
            policies.append(existing)
            continue
        title = TITLE_BY_KIND[kind].format(unit=unit.name, place=site_spec["place"], topic=subject)
        paragraphs = _paragraphs(rng, spec, site_spec, subject)
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        repealed = n in (9, 12)
        topic_name = next((name for name, subjects in TOPIC_OF.items() if subject in subjects), "综合政务")
        data = PolicyData(
            title=title,
            index_number=index_number,
            body=body,
            pub_date=pub_date,
            issuer=unit,
            doc_number=f"{DOC_NUMBER_PREFIX[site_spec['key']]}〔{pub_date.year}〕{n + 3}号",
            doc_kind=kind,
            topic=topics.get(topic_name) or rng.choice(list(topics.values())),
            written_date=pub_date.date(),
            keywords=f"{subject.strip('“”')},{site_spec['place']}",
            summary=f"为做好{subject}工作，{unit.name}制定本文件，明确目标任务、工作措施和责任分工。",
            validity=Validity.REPEALED if repealed else Validity.VALID,
            invalid_date=(pub_date + timedelta(days=90)).date() if repealed else None,
            industries=_pick(industries, INDUSTRIES_OF.get(topic_name), rng),
            service_objects=_pick(objects, SERVICE_OBJECTS_OF.get(topic_name), rng),
            slug=f"demo-policy-{n + 1}",
        )
        policy, _ = upsert_policy(library, data, actor=admin)
        policies.append(policy)
        created += 1
    _link_successors(policies, admin)
    for n, policy in enumerate(policies[: POLICIES_PER_SITE // 2]):
        created += _ensure_text_interpretation(library, policy, n, admin)
    return created


def _link_successors(policies, admin) -> None:
    """Each repealed demo policy is replaced by the newest policy of its site."""
    newest = policies[0]
    for policy in policies:
        if policy.validity != Validity.VALID and not policy.successor_links.exists():
            revision_object = policy.get_latest_revision_as_object()
            revision_object.successor_links.add(
                revision_object.successor_links.model(successor=newest, kind=RelationKind.REPLACES)
            )
            revision_object.save_revision(user=admin).publish(user=admin)


def _kind_and_subject(site_spec: dict, n: int) -> tuple[DocKind, str]:
    """The portal keeps its city-wide subjects; another site's n-th policy takes its topics in turn, each with
    a different kind of document on its next turn, so no two titles are the same."""
    if site_spec["key"] == "portal":
        return KINDS[n % len(KINDS)], SUBJECTS[(n + len(site_spec["key"])) % len(SUBJECTS)]
    topics = site_spec["topics"]
    return KINDS[(n % len(topics) + n // len(topics)) % len(KINDS)], topics[n % len(topics)]


def _pick(values: list, names: tuple | None, rng) -> list:
    chosen = [v for v in values if names and v.name in names]
    return chosen or rng.sample(values, 2)


def _paragraphs(rng, spec, site_spec, subject) -> list[str]:
    """The opening, three of the subject's own sentences (data/sitegroup.json) and the closing."""
    place, area = site_spec["place"], site_spec["area"]
    own = spec["topics"][SENTENCES_OF.get(subject, subject)]["sentences"]
    return [
        f"为深入贯彻落实上级关于{subject}的决策部署，结合本地实际，制定本文件。",
        *(s.format(place=place, area=area) for s in rng.sample(own, 3)),
        f"各责任单位要把{subject}工作摆上重要议事日程，明确责任分工，对工作推进不力的单位予以通报并督促整改。",
        "本文件自印发之日起施行，由制定机关负责解释。",
    ]


def _ensure_text_interpretation(library, policy, n, admin) -> int:
    slug = f"demo-jd-{policy.slug}"
    if InterpretationPage.objects.child_of(library).filter(slug=slug).exists():
        return 0
    interpretation = InterpretationPage(
        title=f"《{policy.title}》政策解读",
        slug=slug,
        form=InterpretationForm.TEXT,
        interpreter_kind=InterpreterKind.DRAFTING_DEPARTMENT,
        interpreter=policy.issuer.name,
        pub_date=policy.pub_date + timedelta(days=1),
        summary=f"《{policy.title}》的制定背景、主要内容和适用对象。",
        body=(
            f"<h2>一、制定背景</h2><p>{escape(policy.summary)}</p><h2>二、主要内容</h2>"
            + _main_points(policy)
            + "<h2>三、适用对象</h2>"
            f"<p>{escape('、'.join(o.name for o in policy.service_objects.all()) or '全体市民')}。</p>"
        ),
    )
    publish_interpretation(library, interpretation, [policy], actor=admin)
    return 1


def _main_points(policy) -> str:
    """The policy's own provisions (its body between the opening and the closing), as the interpretation's
    main points."""
    import re

    paragraphs = re.findall(r"<p>(.*?)</p>", policy.body)
    return (
        "".join(f"<p>{p}</p>" for p in paragraphs[1:-2]) or "<p>文件明确了工作目标、重点任务和保障措施。</p>"
    )


def ensure_seed_interpretations(library, seed_policies, admin) -> int:
    """A text and a chart-style interpretation of each seed document (the work points)."""
    created = 0
    for policy in seed_policies:
        text_slug, chart_slug = f"jd-text-{policy.pk}", f"jd-chart-{policy.pk}"
        year = policy.pub_date.year
        if not InterpretationPage.objects.filter(slug=text_slug).exists():
            publish_interpretation(
                library,
                InterpretationPage(
                    title=f"《{year}年政府网站工作要点》解读",
                    slug=text_slug,
                    form=InterpretationForm.TEXT,
                    interpreter_kind=InterpreterKind.DRAFTING_DEPARTMENT,
                    interpreter="宿迁市人民政府办公室",
                    pub_date=policy.pub_date + timedelta(days=2),
                    summary=f"{year}年政府网站工作要点围绕三大功能、三大趋势、三大支撑、三大关键部署十二项重点任务。",
                    body=(
                        "<h2>一、工作目标</h2><p>全年省、市两级政府网站抽查检查合格率100%，无“单项否决”或其他严重问题。</p>"
                        "<h2>二、十二项重点任务</h2><p>政策文件库、专题与集成服务、网民留言、适老化与无障碍、智能搜索推送问答、"
                        "数据开放、平台工具、巡查检查、安全保障、日常运维、政务服务、内容保障。</p>"
                        "<h2>三、网民留言时限</h2><p>咨询类留言1个工作日内回复，投诉类留言5个工作日内答复。</p>"
                    ),
                ),
                [policy],
                actor=admin,
            )
            created += 1
        if not InterpretationPage.objects.filter(slug=chart_slug).exists():
            chart = InterpretationPage(
                title=f"一图读懂{year}年政府网站工作要点",
                slug=chart_slug,
                form=InterpretationForm.GRAPHIC,
                interpreter_kind=InterpreterKind.DRAFTING_DEPARTMENT,
                interpreter="宿迁市大数据中心",
                pub_date=policy.pub_date + timedelta(days=3),
                summary="用一张图说明十二项重点任务的完成时限。",
                text_alternative=(
                    f"图解文字版：{year}年政府网站工作要点共十二项重点任务。按完成时限分：3月底完成1项（网民留言与"
                    "“一张网”融合）；6月底完成4项（专题与集成服务、适老化改造、数据开放、平台工具）；9月底完成2项"
                    "（政策文件库、智能推荐）；全年持续推进5项（巡查检查、安全保障、日常运维、政务服务、内容保障）。"
                ),
                is_demo=False,
            )
            chart.graphics.add(
                InterpretationGraphic(
                    image=_chart_image(library, year),
                    alt_text=manifest()[f"infographic-seed-{year}.png"]["alt"],
                )
            )
            publish_interpretation(library, chart, [policy], actor=admin)
            created += 1
    return created


def _chart_image(library, year) -> Image:
    """The shipped infographic of the year's work points (tasks by deadline: 1, 4, 2, 5), with its words in
    the interpretation's text version."""
    collection = SiteIdentity.objects.get(site=library.get_site()).collection
    return picture(f"infographic-seed-{year}.png", collection)


def city_library() -> PolicyLibraryPage | None:
    return PolicyLibraryPage.objects.filter(aggregate_group=True).first()


def office_unit() -> OrgUnit:
    return OrgUnit.objects.get(name="宿迁市人民政府办公室")
