"""Demo content: the topic lists (专题专栏) of the portal and 沭阳县, the three integrated service themes
(开办企业, 养老服务, 入学入园) built from the designer's components, one ordinary topic, and two templates.

Everything goes through the topic services and every body through the blocks' own validation; everything is
looked up first, so a second run adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wagtail.models import Site

from huimin.topics import services
from huimin.topics.blocks import TopicStreamBlock
from huimin.topics.enums import TopicKind
from huimin.topics.models import TopicIndexPage, TopicPage, TopicPalette, TopicTemplate

INDEX_SLUG = "ztzl"
NEWS_COLUMN_SLUG = "gzdt"


def _rich(html: str) -> dict:
    return {"type": "rich_text", "value": html}


def _theme_specs() -> list[dict]:
    """The three themes of the portal: what each gathers, by keyword, topic, theme and hand-picked links."""
    return [
        {
            "slug": "kbqy",
            "title": "开办企业",
            "palette": "政务蓝",
            "days_ago": 3,
            "summary": "企业开办一件事：从名称申报、设立登记到公章刻制、发票申领、社保登记，"
            "相关政策、办事指南和网上办理入口一站汇集。",
            "keywords": "开办企业,企业开办,营商环境,设立登记",
            "banner": "企业开办“一件事”，材料一次交、全程网上办",
            "intro": "<p>在宿迁开办企业，可通过江苏政务服务网“企业开办全链通”平台一次提交设立登记、公章刻制、"
            "发票申领、社保和公积金登记等事项，一般1个工作日内办结。本专题汇集相关的政策文件、政策解读、"
            "办事指南、常见问题和工作动态。</p>",
            "policy_keyword": "优化营商环境",
            "guide_theme": "开办企业",
            "links": [
                ("江苏政务服务网", "https://www.jszwfw.gov.cn/", "企业开办全链通、事项网上办理"),
                ("国家企业信用信息公示系统", "https://www.gsxt.gov.cn/", "企业信用信息查询与年报"),
                ("电子营业执照", "https://zzapp.gsxt.gov.cn/", "电子营业执照下载与使用"),
            ],
            "faqs": [
                (
                    "开办企业需要多长时间？",
                    "材料齐全、符合法定形式的，设立登记、公章刻制、发票申领等一般在1个工作日内办结。",
                ),
                (
                    "可以不到现场办理吗？",
                    "可以。通过江苏政务服务网全程网上办理，营业执照和印章可邮寄送达，也可到政务服务中心领取。",
                ),
                ("开办企业要交费吗？", "设立登记不收费；首套公章由政府购买服务免费刻制。"),
            ],
            "contact": (
                "宿迁市政务服务中心企业开办专区",
                "0527-84360000",
                "宿迁市政务服务中心一楼",
                "工作日 9:00-12:00，13:30-17:00",
            ),
            "chart": True,
        },
        {
            "slug": "ylfw",
            "title": "养老服务",
            "palette": "活力橙",
            "days_ago": 6,
            "summary": "居家养老、机构养老、高龄津贴和养老服务补贴：政策、指南、服务机构和常见问题汇集一处。",
            "keywords": "养老服务,居家养老,高龄津贴,养老机构",
            "banner": "老有所养、老有所依：养老服务一站查、一站办",
            "intro": "<p>本专题汇集宿迁市养老服务的政策文件与解读、高龄津贴和养老服务补贴等办事指南、"
            "养老机构查询入口以及常见问题，方便老年人和家属查找办理。</p>",
            "policy_keyword": "养老服务",
            "guide_theme": "养老服务",
            "links": [
                ("江苏政务服务网", "https://www.jszwfw.gov.cn/", "高龄津贴、养老服务补贴网上申请"),
                ("全国养老服务信息系统", "https://ylfw.mca.gov.cn/", "养老机构查询"),
                ("国家社会保险公共服务平台", "https://si.12333.gov.cn/", "养老保险查询与待遇资格认证"),
            ],
            "faqs": [
                (
                    "高龄津贴怎么申请？",
                    "年满80周岁的本市户籍老人，可由本人或家属到户籍所在地村（社区）申请，也可网上申请。",
                ),
                ("养老服务补贴发给谁？", "主要面向经济困难的高龄、失能老年人，具体条件见相关办事指南。"),
                ("怎样查询附近的养老机构？", "可在全国养老服务信息系统按地区查询，或拨打民政部门咨询电话。"),
            ],
            "contact": (
                "宿迁市民政局养老服务科",
                "0527-84360001",
                "宿迁市民政局",
                "工作日 9:00-12:00，13:30-17:00",
            ),
            "two_columns": True,
        },
        {
            "slug": "rxry",
            "title": "入学入园",
            "palette": "中国红",
            "days_ago": 9,
            "summary": "幼儿园、小学和初中招生入学：招生政策、报名指南、学区查询和常见问题。",
            "keywords": "入学入园,义务教育,招生入学,幼儿园",
            "banner": "入学入园一件事：政策早知道、报名网上办",
            "intro": "<p>每年春季发布义务教育和学前教育招生政策。本专题汇集招生入学政策与解读、报名办事指南、"
            "网上报名入口、常见问题和招生动态，帮助家长提前准备。</p>",
            "policy_keyword": "义务教育招生入学",
            "guide_theme": "入学入园",
            "links": [
                ("宿迁市义务教育招生报名平台", "https://jyj.suqian.gov.cn/", "网上报名与录取查询"),
                ("江苏政务服务网", "https://www.jszwfw.gov.cn/", "入学相关证明网上办理"),
                ("江苏省教育厅", "https://jyt.jiangsu.gov.cn/", "全省招生政策"),
            ],
            "faqs": [
                (
                    "报名需要准备哪些材料？",
                    "一般包括户口簿、房产证明或居住证等，以当年招生政策和办事指南为准。",
                ),
                ("随迁子女怎样入学？", "符合条件的随迁子女可按居住证所在学区申请入学，具体见当年招生政策。"),
                ("什么时候公布录取结果？", "录取结果在报名平台公布，时间以当年招生工作安排为准。"),
            ],
            "contact": (
                "宿迁市教育局招生咨询",
                "0527-84300016",
                "宿迁市教育局",
                "工作日 9:00-12:00，13:30-17:00",
            ),
        },
    ]


def _components(spec: dict, news_column, policy_topic_ids: dict[str, int]) -> list[dict]:
    """The components of one theme, in the order the page shows them (stored stream form)."""
    links = [{"title": t, "url": u, "description": d} for t, u, d in spec["links"]]
    faqs = [{"question": q, "answer": f"<p>{a}</p>"} for q, a in spec["faqs"]]
    name, phone, address, hours = spec["contact"]
    components = [
        {"type": "banner", "value": {"heading": spec["banner"], "text": spec["summary"]}},
        _rich("<h2>专题简介</h2>" + spec["intro"]),
        {
            "type": "policy_list",
            "value": {
                "heading": "相关政策",
                "keyword": spec["policy_keyword"],
                "topic": str(policy_topic_ids.get(spec["policy_keyword"]) or ""),
                "count": 6,
            },
        },
        {
            "type": "interpretation_list",
            "value": {
                "heading": "政策解读",
                "keyword": spec["policy_keyword"],
                "pages": _interpretations(spec["policy_keyword"]),
                "count": 4,
            },
        },
        {"type": "guide_list", "value": {"heading": "办事指南", "theme": spec["guide_theme"], "count": 8}},
        {"type": "links_grid", "value": {"heading": "网上办理", "links": links}},
        {"type": "faq_list", "value": {"heading": "常见问题", "items": faqs}},
        {
            "type": "news_list",
            "value": {"heading": "工作动态", "column": news_column.pk if news_column else None, "count": 5},
        },
        {
            "type": "contact_card",
            "value": {
                "heading": "咨询电话",
                "name": name,
                "phone": phone,
                "address": address,
                "hours": hours,
            },
        },
    ]
    if spec.get("chart"):
        components.insert(
            5,
            {
                "type": "chart",
                "value": {
                    "title": "企业开办平均用时",
                    "kind": "bar",
                    "unit": "小时",
                    "series_names": "",
                    "rows": [
                        {"label": "2020年", "values": "24"},
                        {"label": "2021年", "values": "8"},
                        {"label": "2022年", "values": "4"},
                    ],
                    "summary": "企业开办平均用时由2020年的24小时缩短到2022年的4小时。",
                },
            },
        )
    if spec.get("two_columns"):
        # The contact card and the FAQ side by side.
        contact = components.pop()
        faq = next(c for c in components if c["type"] == "faq_list")
        components.remove(faq)
        components.append({"type": "two_columns", "value": {"left": [faq], "right": [contact]}})
    return components


def _interpretations(keyword: str) -> list[int]:
    """Interpretations of the theme's policies, picked by hand; the newest ones when none match."""
    from django.db.models import Q

    from huimin.policies.models import InterpretationPage

    live = InterpretationPage.objects.live().public().order_by("-pub_date", "-pk")
    matching = live.filter(Q(title__icontains=keyword) | Q(policies__title__icontains=keyword)).distinct()
    return list((matching[:2] or live[:2]).values_list("pk", flat=True)) if live.exists() else []


def _checked(components: list[dict]) -> list[dict]:
    """The components as the designer would store them, after the blocks' own validation."""
    block = TopicStreamBlock()
    value = block.clean(block.to_python(components))
    return block.get_prep_value(value)


def build_topic_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo topic pages and the three themes; returns how many pages were created."""
    from huimin.sites.models import ColumnPage

    created = 0
    palettes = {palette.name: palette for palette in TopicPalette.objects.all()}
    portal_spec, shuyang_spec = spec["sites"][0], next(s for s in spec["sites"] if s["key"] == "shuyang")
    portal = Site.objects.get(hostname=portal_spec["hostname"])
    portal_index, made = _ensure_index(
        portal, "汇集重点民生服务主题的政策、指南、办事入口和常见问题。", admin
    )
    created += made
    news = ColumnPage.objects.child_of(portal.root_page).filter(slug=NEWS_COLUMN_SLUG).first()
    topic_ids = _policy_topic_ids()
    for theme in _theme_specs():
        if TopicPage.objects.child_of(portal_index).filter(slug=theme["slug"]).exists():
            continue
        page = TopicPage(
            title=theme["title"],
            slug=theme["slug"],
            kind=TopicKind.INTEGRATED,
            summary=theme["summary"],
            keywords=theme["keywords"],
            pub_date=now - timedelta(days=theme["days_ago"]),
            palette=palettes[theme["palette"]],
            body=_checked(_components(theme, news, topic_ids)),
        )
        services.publish_new_topic(portal_index, page, actor=admin)
        created += 1

    shuyang = Site.objects.get(hostname=shuyang_spec["hostname"])
    shuyang_index, made = _ensure_index(shuyang, "沭阳县专题专栏：重点工作和民生热点专题。", admin)
    created += made
    if not TopicPage.objects.child_of(shuyang_index).filter(slug="xczx").exists():
        page = TopicPage(
            title="乡村振兴在沭阳",
            slug="xczx",
            kind=TopicKind.TOPIC,
            summary="沭阳县推进乡村振兴的政策举措、工作进展和典型经验。",
            keywords="乡村振兴,花木产业,沭阳",
            pub_date=now - timedelta(days=12),
            palette=palettes["生态绿"],
            body=_checked(_ordinary_topic_components(shuyang)),
        )
        services.publish_new_topic(shuyang_index, page, actor=admin)
        created += 1

    _ensure_templates(portal_index, palettes, now, admin)
    return created


def _ordinary_topic_components(site: Site) -> list[dict]:
    from huimin.sites.models import ColumnPage

    news = ColumnPage.objects.child_of(site.root_page).filter(slug=NEWS_COLUMN_SLUG).first()
    return [
        {
            "type": "banner",
            "value": {"heading": "产业兴旺、生态宜居、乡风文明", "text": "沭阳县乡村振兴专题"},
        },
        _rich(
            "<h2>专题简介</h2><p>沭阳县以花木产业为特色，推进农村人居环境整治和农村集体经济发展。"
            "本专题集中发布乡村振兴相关的政策、动态和典型经验。</p>"
        ),
        {"type": "policy_list", "value": {"heading": "相关政策", "keyword": "乡村振兴", "count": 5}},
        {
            "type": "news_list",
            "value": {"heading": "工作动态", "column": news.pk if news else None, "count": 5},
        },
    ]


def _policy_topic_ids() -> dict[str, int]:
    from huimin.policies.models import PolicyTopic

    return dict(PolicyTopic.objects.values_list("name", "pk"))


def _ensure_index(site: Site, description: str, admin) -> tuple[TopicIndexPage, bool]:
    index = TopicIndexPage.objects.child_of(site.root_page).filter(slug=INDEX_SLUG).first()
    if index:
        return index, False
    index = TopicIndexPage(
        title="专题专栏",
        slug=INDEX_SLUG,
        description=description,
        keywords="专题专栏,集成服务",
        show_in_menus=True,
    )
    return services.publish_index(site.root_page, index, actor=admin), True


def _ensure_templates(portal_index: TopicIndexPage, palettes: dict, now: datetime, admin) -> None:
    if not TopicTemplate.objects.filter(name="集成服务专题模板").exists():
        source = TopicPage.objects.child_of(portal_index).get(slug="kbqy")
        services.save_as_template(
            source,
            name="集成服务专题模板",
            description="集成服务主题：横幅、简介、政策、解读、办事指南、网上办理、常见问题、动态和咨询电话。",
            actor=admin,
            now=now,
        )
    if not TopicTemplate.objects.filter(name="在线访谈专题模板").exists():
        body = [
            {"type": "banner", "value": {"heading": "在线访谈：（访谈主题）", "text": "访谈时间、嘉宾介绍"}},
            _rich(
                "<h2>访谈嘉宾</h2><p>（嘉宾姓名、单位、职务）</p>"
                "<h2>访谈时间</h2><p>（年月日 时:分）</p>"
                "<h2>文字实录</h2><p>访谈开始后在此发布文字实录。</p>"
            ),
            {
                "type": "faq_list",
                "value": {
                    "heading": "网友提问",
                    "items": [{"question": "（访谈前征集的网友问题）", "answer": "<p>（嘉宾答复）</p>"}],
                },
            },
        ]
        services.create_template(
            name="在线访谈专题模板",
            description="在线访谈：访谈嘉宾、时间、文字实录和事先征集的网友问题。",
            kind=TopicKind.TOPIC,
            palette=palettes["沉稳灰"],
            body=_checked(body),
            actor=admin,
            now=now,
        )
