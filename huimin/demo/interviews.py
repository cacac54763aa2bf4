"""Demo content: the 在线访谈 lists of the portal and 市教育局 (each in its site's menu), a finished interview
on each site with its transcript and answered questions, and an upcoming one collecting questions. Dates are
relative to `now`; everything is looked up first, so a second run adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from wagtail.models import Site

from huimin.interviews import services
from huimin.interviews.enums import QuestionStatus, SpeakerRole
from huimin.interviews.models import InterviewGuest, InterviewIndexPage, InterviewPage
from huimin.sites.models import OrgUnit

INDEX_SLUG = "zxft"
PAST_SLUG = "2026-ywjy-zsrx"
UPCOMING_SLUG = "2026-xqjy-pwhj"
UNIT = "宿迁市教育局"
PORTAL_SLUG = "2026-yshj-zcjd"
PORTAL_UNIT = "宿迁市行政审批局"

HOST, GUEST, NETIZEN = SpeakerRole.HOST, SpeakerRole.GUEST, SpeakerRole.NETIZEN

PAST_QUESTIONS = [
    ("家长李女士", "13800000001", "孩子户籍在宿城区，但我们在经开区买了房，应该在哪个学校报名？"),
    ("", "", "随迁子女入学需要准备哪些材料？居住证办理不满一年可以吗？"),
    ("王先生", "", "民办学校报名人数超过招生计划时怎么录取？"),
    ("网友", "", "学区划分什么时候公布？"),
]
# (role, speaker, text, index of the answered question or None)
PAST_LINES = [
    (
        HOST,
        "主持人",
        "各位网友大家好！欢迎收看本期在线访谈，今天我们邀请到市教育局的负责同志，解读2026年义务教育招生入学政策。",
        None,
    ),
    (GUEST, "张明", "各位网友好！今年我市义务教育招生继续坚持免试就近入学，公办民办学校同步招生。", None),
    (HOST, "主持人", "今年的招生政策和去年相比有哪些变化？", None),
    (
        GUEST,
        "张明",
        "主要有三点：一是全面推行网上报名，二是进一步细化学区划分，三是优化随迁子女入学材料。",
        None,
    ),
    (NETIZEN, "家长李女士", "孩子户籍在宿城区，但我们在经开区买了房，应该在哪个学校报名？", 0),
    (
        GUEST,
        "张明",
        "按照“房户一致”优先的原则，户籍与房产不一致的，原则上以房产所在地学区报名，具体以各区招生细则为准。",
        0,
    ),
    (NETIZEN, "匿名", "随迁子女入学需要准备哪些材料？居住证办理不满一年可以吗？", 1),
    (
        GUEST,
        "陈华",
        "需提供居住证、务工或经商证明、户口簿等材料。居住证办理时间的具体要求，请以所在县区公布的细则为准。",
        1,
    ),
    (NETIZEN, "王先生", "民办学校报名人数超过招生计划时怎么录取？", 2),
    (GUEST, "张明", "民办学校报名人数超过招生计划的，实行电脑随机录取，全程公开，接受社会监督。", 2),
    (HOST, "主持人", "感谢两位嘉宾的解读，也感谢各位网友的参与。本期访谈到此结束。", None),
]
UPCOMING_QUESTIONS = [
    ("赵女士", "13900000002", "课后服务的收费标准是多少？", QuestionStatus.SELECTED),
    ("", "", "寒暑假托管服务会继续开展吗？", QuestionStatus.PENDING),
    ("孙先生", "", "课后服务时间能否延长到下午六点？", QuestionStatus.PENDING),
    ("", "13700000003", "农村学校也有课后服务吗？", QuestionStatus.PENDING),
]


def _ensure_index(site: Site, description: str, admin) -> tuple[InterviewIndexPage, int]:
    index = InterviewIndexPage.objects.child_of(site.root_page).filter(slug=INDEX_SLUG).first()
    if index is not None:
        return index, 0
    index = InterviewIndexPage(
        title="在线访谈",
        slug=INDEX_SLUG,
        description=description,
        keywords="在线访谈,政策解读,网民互动",
        show_in_menus=True,
    )
    return services.publish_page(site.root_page, index, actor=admin), 1


def _guests(page: InterviewPage) -> None:
    page.guests = [
        InterviewGuest(name="张明", post="副局长", unit="宿迁市教育局"),
        InterviewGuest(name="陈华", post="基础教育处处长", unit="宿迁市教育局"),
    ]


def build_interview_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo online interviews; returns how many pages were created."""
    created = 0
    portal = Site.objects.get(hostname=spec["sites"][0]["hostname"])
    portal_index, made = _ensure_index(
        portal, "市政府及各部门负责同志与网民在线交流，解读政策、回应关切。", admin
    )
    created += made
    created += _ensure_portal_interview(portal_index, now, admin)
    jyj_spec = next(s for s in spec["sites"] if s["key"] == "jyj")
    jyj = Site.objects.get(hostname=jyj_spec["hostname"])
    index, made = _ensure_index(jyj, "市教育局负责同志在线解读教育政策，回答网民关心的问题。", admin)
    created += made
    unit = OrgUnit.objects.get(name=UNIT)

    if not InterviewPage.objects.child_of(index).filter(slug=PAST_SLUG).exists():
        start = (now - timedelta(days=20)).replace(hour=9, minute=30, second=0, microsecond=0)
        past = InterviewPage(
            title="2026年义务教育招生入学政策解读在线访谈",
            slug=PAST_SLUG,
            host_unit=unit,
            start_at=start,
            end_at=start + timedelta(hours=1, minutes=30),
            summary="市教育局负责同志解读2026年义务教育招生入学政策，回答网民关心的学区划分、随迁子女入学等问题。",
            keywords="义务教育,招生入学,学区,随迁子女",
            intro="<p>本期访谈围绕2026年义务教育招生入学政策，介绍招生时间安排、报名方式和录取规则。</p>",
        )
        _guests(past)
        services.publish_page(index, past, actor=admin)
        created += 1
        questions = [
            services.submit_question(past, name=n, phone=p, text=t, now=start - timedelta(days=4 - i))
            for i, (n, p, t) in enumerate(PAST_QUESTIONS)
        ]
        for i, question in enumerate(questions):
            status = QuestionStatus.DECLINED if i == 3 else QuestionStatus.SELECTED
            services.moderate_question(admin, question, status, now=start - timedelta(hours=2))
        for i, (role, speaker, text, answered) in enumerate(PAST_LINES):
            services.post_line(
                admin,
                past,
                role=role,
                speaker=speaker,
                text=text,
                question=questions[answered] if answered is not None else None,
                now=start + timedelta(minutes=5 * i),
            )

    if not InterviewPage.objects.child_of(index).filter(slug=UPCOMING_SLUG).exists():
        start = (now + timedelta(days=10)).replace(hour=9, minute=30, second=0, microsecond=0)
        upcoming = InterviewPage(
            title="中小学课后服务工作在线访谈",
            slug=UPCOMING_SLUG,
            host_unit=unit,
            start_at=start,
            end_at=start + timedelta(hours=1, minutes=30),
            questions_close_at=start - timedelta(days=1),
            summary="市教育局负责同志将介绍中小学课后服务工作，现面向网民征集问题。",
            keywords="课后服务,义务教育,减负",
            intro="<p>欢迎网民围绕课后服务的时间、内容、收费等提出问题，选用的问题将在访谈中回答。</p>",
        )
        _guests(upcoming)
        services.publish_page(index, upcoming, actor=admin)
        created += 1
        for i, (name, phone, text, status) in enumerate(UPCOMING_QUESTIONS):
            question = services.submit_question(
                upcoming,
                name=name,
                phone=phone,
                text=text,
                now=now - timedelta(hours=len(UPCOMING_QUESTIONS) - i),
            )
            if status != QuestionStatus.PENDING:
                services.moderate_question(admin, question, status, now=now)
    return created


PORTAL_QUESTIONS = [
    ("个体户张先生", "", "开个小餐馆，营业执照和食品经营许可证能一起办吗？"),
    ("", "", "企业变更地址需要跑几次？"),
]
PORTAL_LINES = [
    (
        HOST,
        "主持人",
        "各位网友大家好！本期访谈邀请市行政审批局负责同志，介绍我市优化营商环境的新举措。",
        None,
    ),
    (
        GUEST,
        "李强",
        "今年我们重点推进企业开办“一件事”，设立登记、公章刻制、发票申领和社保登记一次提交，一般1个工作日内办结。",
        None,
    ),
    (NETIZEN, "个体户张先生", "开个小餐馆，营业执照和食品经营许可证能一起办吗？", 0),
    (
        GUEST,
        "李强",
        "可以。在政务服务中心综合窗口或江苏政务服务网选择“开餐馆一件事”，一张表单同时申请，材料只交一次。",
        0,
    ),
    (NETIZEN, "匿名", "企业变更地址需要跑几次？", 1),
    (GUEST, "王芳", "材料齐全的，网上申请、审核通过后营业执照可以邮寄到家，一次都不用跑。", 1),
    (HOST, "主持人", "感谢两位嘉宾，也感谢网友们的参与。本期访谈到此结束。", None),
]


def _ensure_portal_interview(index: InterviewIndexPage, now: datetime, admin) -> int:
    """A finished interview on the portal: 优化营商环境, with two answered questions."""
    if InterviewPage.objects.child_of(index).filter(slug=PORTAL_SLUG).exists():
        return 0
    start = (now - timedelta(days=45)).replace(hour=15, minute=0, second=0, microsecond=0)
    page = InterviewPage(
        title="优化营商环境“一件事”改革在线访谈",
        slug=PORTAL_SLUG,
        host_unit=OrgUnit.objects.get(name=PORTAL_UNIT),
        start_at=start,
        end_at=start + timedelta(hours=1),
        summary="市行政审批局负责同志介绍企业开办、开餐馆等“一件事”改革，回答网民关于证照办理的问题。",
        keywords="优化营商环境,一件事,企业开办",
        intro="<p>本期访谈介绍我市企业开办“一件事”等改革举措，以及企业群众办事怎样少跑腿。</p>",
    )
    page.guests = [
        InterviewGuest(name="李强", post="副局长", unit=PORTAL_UNIT),
        InterviewGuest(name="王芳", post="政务服务科科长", unit=PORTAL_UNIT),
    ]
    services.publish_page(index, page, actor=admin)
    questions = [
        services.submit_question(page, name=n, phone=p, text=t, now=start - timedelta(days=3 - i))
        for i, (n, p, t) in enumerate(PORTAL_QUESTIONS)
    ]
    for question in questions:
        services.moderate_question(admin, question, QuestionStatus.SELECTED, now=start - timedelta(hours=2))
    for i, (role, speaker, text, answered) in enumerate(PORTAL_LINES):
        services.post_line(
            admin,
            page,
            role=role,
            speaker=speaker,
            text=text,
            question=questions[answered] if answered is not None else None,
            now=start + timedelta(minutes=6 * i),
        )
    return 1
