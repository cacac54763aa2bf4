"""Demo content: every site's 征集调查 column filled with surveys (问卷调查) and consultations (意见征集),
open, upcoming and ended, with anonymous answers and comments, the units' decisions on the comments and their
结果反馈 — published in time, late, or not yet, so that the feedback tracking, the 工作台 and the annual
assessment's 调查征集 row all have something to show:

- the portal (target 3) meets its count, its newest closed survey still within its month;
- 沭阳县 (a county, target 6) meets its count, but one 结果反馈 came late;
- 宿城区 (a county) held too few, and one is overdue without feedback;
- 市水利局 meets its count with every feedback in time; 市教育局 held too few, and runs a survey open to
  signed-in accounts only and one about to start.

Older activities (a year and more before `now`) give the finished assessment year something to count.
Everything goes through `huimin.surveys.services` with times derived from `now`; the answers are anonymous
(demo accounts are made later, by demo/citizens.py). A second run adds nothing: each activity is looked up
by its slug in its column first.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.models import Site

from huimin.sites.models import ColumnPage, OrgUnit, SiteIdentity
from huimin.surveys import services
from huimin.surveys.enums import Decision, SurveyKind
from huimin.surveys.models import SurveyPage
from huimin.surveys.questions import questions_of, statistics

COLUMN_SLUG = "zjdc"
BROWSER_SURVEY = ("127.0.0.1", "wzmyd")  # the questionnaire the browser test answers with the keyboard

AGE = ("您的年龄段是？", ["18岁以下", "18—35岁", "36—59岁", "60岁及以上"], [1, 4, 4, 2])


@dataclass
class Plan:
    slug: str
    kind: str
    title: str  # "{year}" becomes the year the activity opens
    opens: int  # days before `now` it opens (negative: in the future)
    days: int  # how long it runs
    feedback: int | None = None  # days after closing its 结果反馈 is published; None: not (yet)
    answers: int = 0  # anonymous answers (questionnaires) or comments (consultations)
    theme: str = ""
    summary: str = ""
    options: list[str] = field(default_factory=list)  # what may improve (questionnaires)
    articles: list[str] = field(default_factory=list)  # the draft's articles (consultations)
    sign_in: bool = False


def _q(slug, title, opens, days, feedback, answers, theme, summary, options, **extra) -> Plan:
    return Plan(
        slug,
        SurveyKind.QUESTIONNAIRE,
        title,
        opens,
        days,
        feedback,
        answers,
        theme,
        summary,
        options,
        **extra,
    )


def _c(slug, title, opens, days, feedback, answers, summary, articles) -> Plan:
    return Plan(
        slug,
        SurveyKind.CONSULTATION,
        title,
        opens,
        days,
        feedback,
        answers,
        summary=summary,
        articles=articles,
    )


PLANS: dict[str, list[Plan]] = {
    "portal": [
        _q(
            "wzmyd",
            "{year}年宿迁市政府网站用户满意度调查",
            20,
            45,
            None,
            14,
            "本网站",
            "了解您使用本网站查找信息、办理事项的体验，帮助我们改进网站。约需 3 分钟。",
            ["信息更新速度", "搜索准确性", "办事指南的完整性", "页面在手机上的显示", "留言答复速度"],
        ),
        _c(
            "yshj",
            "《宿迁市进一步优化营商环境若干措施（征求意见稿）》公开征求意见",
            10,
            30,
            None,
            3,
            "为持续优化营商环境，市政府办公室起草了若干措施，现向社会公开征求意见。",
            [
                "推行涉企事项“一件事一次办”，企业开办全程网上办理，1个工作日内办结。",
                "建立涉企政策“免申即享”清单，符合条件的企业无需申请即可享受。",
                "设立企业诉求“一站式”受理平台，诉求3个工作日内响应、15个工作日内办结。",
                "规范涉企行政检查，推行“综合查一次”，同一部门年度检查原则上不超过1次。",
            ],
        ),
        _q(
            "hcp",
            "{year}年政务服务“好差评”满意度调查",
            130,
            30,
            20,
            16,
            "政务服务大厅的服务",
            "请对您在政务服务大厅和网上办事的体验作出评价。",
            [
                "窗口等候时间",
                "办事材料的精简",
                "工作人员的服务态度",
                "网上办事的便利程度",
                "咨询电话的接通率",
            ],
        ),
        _c(
            "tcss",
            "《宿迁市城市公共停车设施管理办法（征求意见稿）》公开征求意见",
            90,
            30,
            25,
            4,
            "为规范城市公共停车设施的规划、建设和管理，现公开征求社会各界意见。",
            [
                "公共停车设施的规划应当与城市更新、老旧小区改造同步推进。",
                "新建住宅小区应当按照规定标准配建停车位，并预留充电设施安装条件。",
                "公共停车场实行差别化收费，中心城区高于外围区域，鼓励错时共享。",
                "占用城市道路设置的临时停车泊位，应当定期评估并向社会公布。",
            ],
        ),
        _q(
            "qmyd",
            "{year}年宿迁市全民阅读情况调查",
            50,
            30,
            None,
            12,
            "全民阅读服务",
            "了解市民的阅读习惯和对公共阅读服务的需求。",
            ["图书馆开放时间", "社区书屋的数量", "数字阅读资源", "阅读推广活动", "少儿阅读空间"],
        ),
        _q(
            "szzf",
            "{year}年数字政府建设需求调查",
            380,
            30,
            15,
            8,
            "数字政府服务",
            "征集市民和企业对“一网通办”“一网统管”的需求与建议。",
            ["事项网上可办率", "材料免提交", "电子证照应用", "移动端办事", "数据共享"],
        ),
        _c(
            "zwgk",
            "《宿迁市政务公开工作规范（征求意见稿）》公开征求意见",
            420,
            30,
            20,
            3,
            "为提升政务公开标准化规范化水平，现公开征求意见。",
            [
                "行政机关应当主动公开本机关的职能、机构设置、办公地址和联系方式。",
                "重大行政决策草案应当向社会公开征求意见，期限一般不少于30日。",
                "政策文件发布时应当同步发布解读材料。",
            ],
        ),
        _q(
            "ggwh",
            "{year}年公共文化服务需求调查",
            470,
            30,
            18,
            8,
            "公共文化服务",
            "了解市民对公共文化场馆、活动的需求。",
            ["场馆开放时间", "活动预约方式", "演出和展览的数量", "基层文化站点", "文化志愿服务"],
        ),
    ],
    "shuyang": [
        _q(
            "rjhj",
            "沭阳县{year}年农村人居环境整治满意度调查",
            15,
            30,
            None,
            10,
            "农村人居环境整治",
            "请对您所在村的人居环境整治情况作出评价。",
            ["生活垃圾收运", "生活污水治理", "村庄道路", "厕所改造", "河塘整治"],
        ),
        _c(
            "hmcy",
            "《沭阳县花木产业高质量发展三年行动方案（征求意见稿）》公开征求意见",
            60,
            30,
            20,
            3,
            "为推动花木产业转型升级，县政府起草了三年行动方案，现公开征求意见。",
            [
                "到方案期末，全县花木种植面积稳定在60万亩以上，线上销售额年均增长10%。",
                "建设花木产业数字化服务平台，为种植户提供行情、物流和金融服务。",
                "支持花木电商直播基地建设，对新认定的基地给予一次性奖励。",
            ],
        ),
        _q(
            "ggwh",
            "沭阳县{year}年公共文化服务需求调查",
            105,
            30,
            25,
            9,
            "公共文化服务",
            "了解群众对县、乡、村三级公共文化服务的需求。",
            ["乡镇文化站活动", "农家书屋", "送戏下乡", "文化广场设施", "非遗展示"],
        ),
        _q(
            "jtcx",
            "沭阳县{year}年城区交通出行情况调查",
            150,
            30,
            45,
            11,
            "城区交通出行",
            "了解您的出行方式和对城区交通的意见。",
            ["公交线路覆盖", "高峰期拥堵", "非机动车道", "停车难", "学校周边交通秩序"],
        ),
        _c(
            "ljzl",
            "《沭阳县农村生活垃圾分类治理办法（征求意见稿）》公开征求意见",
            190,
            30,
            20,
            3,
            "为推进农村生活垃圾分类减量，现公开征求意见。",
            [
                "农村生活垃圾按照可回收物、有害垃圾、厨余垃圾和其他垃圾分类投放。",
                "村民委员会应当将垃圾分类要求纳入村规民约。",
                "乡镇人民政府负责本辖区农村生活垃圾收运设施的建设和维护。",
            ],
        ),
        _q(
            "lrzc",
            "沭阳县{year}年老年人助餐服务需求调查",
            230,
            30,
            15,
            10,
            "老年人助餐服务",
            "了解老年人及其家属对社区助餐服务的需求。",
            ["助餐点的距离", "餐食价格", "口味和营养搭配", "送餐上门", "就餐环境"],
        ),
        _c(
            "msss",
            "沭阳县{year}年度民生实事项目建议征集",
            280,
            30,
            25,
            3,
            "请就明年县政府为民办实事项目提出建议。",
            [
                "建议重点围绕教育、医疗、养老、住房、交通等群众关心的领域。",
                "建议应当具体可行，说明项目内容、实施地点和预期效果。",
            ],
        ),
        _q(
            "xyjy",
            "沭阳县{year}年校园周边环境满意度调查",
            410,
            30,
            20,
            6,
            "校园周边环境",
            "请对中小学校园周边的交通、食品安全和治安情况作出评价。",
            ["上下学交通秩序", "周边食品摊点", "治安巡逻", "文具店商品", "网吧管理"],
        ),
        _c(
            "ylfw",
            "《沭阳县居家养老服务管理办法（征求意见稿）》公开征求意见",
            450,
            30,
            21,
            2,
            "为规范居家养老服务，现公开征求意见。",
            [
                "居家养老服务包括生活照料、助餐助浴、康复护理和精神慰藉。",
                "县民政部门负责居家养老服务的指导和监督。",
            ],
        ),
    ],
    "sucheng": [
        _c(
            "lxxq",
            "《宿城区老旧小区改造实施方案（征求意见稿）》公开征求意见",
            5,
            25,
            None,
            2,
            "为改善老旧小区居住条件，区政府起草了实施方案，现公开征求意见。",
            [
                "改造内容分为基础类、完善类和提升类，优先实施水电气路等基础类改造。",
                "改造方案应当经小区三分之二以上业主同意后实施。",
                "鼓励社会资本参与老旧小区停车、充电、养老等设施的建设和运营。",
            ],
        ),
        _q(
            "sqfw",
            "宿城区{year}年社区服务满意度调查",
            80,
            30,
            None,
            9,
            "社区服务",
            "请对您所在社区的服务作出评价。",
            ["社区办事效率", "社区活动", "物业管理", "社区卫生服务", "矛盾纠纷调解"],
        ),
        _q(
            "tyfw",
            "宿城区{year}年托育服务需求调查",
            170,
            30,
            12,
            8,
            "托育服务",
            "了解3岁以下婴幼儿家庭的托育服务需求。",
            ["托育机构数量", "收费标准", "接送时间", "保育人员专业水平", "社区托育点"],
        ),
        _q(
            "lsjy",
            "宿城区{year}年绿色出行意愿调查",
            400,
            30,
            10,
            6,
            "绿色出行",
            "了解居民选择公交、骑行等绿色出行方式的意愿。",
            ["公交准点率", "公共自行车站点", "步行道连续性", "换乘便利", "出行信息服务"],
        ),
    ],
    "slj": [
        _c(
            "hzkh",
            "《宿迁市河湖长制工作考核办法（征求意见稿）》公开征求意见",
            8,
            30,
            None,
            2,
            "为压实河湖长责任，市水利局起草了考核办法，现公开征求意见。",
            [
                "考核对象为县区级河湖长和市级河湖长联系部门。",
                "考核内容包括河湖巡查、问题整改、水质改善和公众满意度。",
                "考核结果作为领导干部综合考核评价的重要依据。",
            ],
        ),
        _q(
            "fxzs",
            "{year}年防汛避险知识普及情况调查",
            70,
            30,
            14,
            10,
            "防汛避险知识普及",
            "了解市民对防汛避险知识的掌握情况。",
            ["预警信息的及时性", "避险转移路线", "宣传资料", "应急演练", "社区防汛物资"],
        ),
        _c(
            "jysy",
            "《宿迁市节约用水管理办法（修订征求意见稿）》公开征求意见",
            140,
            30,
            29,
            3,
            "为推进节水型社会建设，现就节约用水管理办法的修订公开征求意见。",
            [
                "用水单位应当安装合格的计量设施，并建立用水台账。",
                "对超计划用水的单位实行累进加价制度。",
                "鼓励使用再生水，公园绿化、道路清扫优先使用再生水。",
            ],
        ),
        _q(
            "ntsl",
            "{year}年农田水利设施管护满意度调查",
            220,
            30,
            20,
            8,
            "农田水利设施管护",
            "请对您所在村的灌排设施管护情况作出评价。",
            ["泵站运行", "渠道清淤", "管护人员到位", "用水调度", "设施维修响应"],
        ),
        _q(
            "hhmy",
            "{year}年河湖治理公众满意度调查",
            400,
            30,
            10,
            6,
            "河湖治理",
            "请对您身边河湖的水质和岸线环境作出评价。",
            ["水质", "岸线绿化", "垃圾清理", "违建整治", "亲水设施"],
        ),
        _c(
            "sgcgl",
            "《宿迁市水工程管理和保护范围划定方案（征求意见稿）》公开征求意见",
            440,
            30,
            20,
            2,
            "现就水工程管理和保护范围划定方案公开征求意见。",
            ["堤防工程管理范围为堤身及背水坡脚以外10至30米。", "管理范围内禁止建设与防洪无关的建筑物。"],
        ),
        _q(
            "sbgl",
            "{year}年城乡供水服务满意度调查",
            520,
            30,
            16,
            6,
            "城乡供水服务",
            "请对您家中的供水水质、水压和报修服务作出评价。",
            ["水质", "水压", "停水通知", "报修响应", "水费缴纳"],
        ),
    ],
    "jyj": [
        _q(
            "khfw",
            "{year}年中小学课后服务满意度调查",
            12,
            40,
            None,
            0,
            "课后服务",
            "请家长对孩子所在学校的课后服务作出评价。本问卷须登录后填写，每个账号限填一份。",
            ["服务时间", "作业辅导", "体育活动", "兴趣课程", "收费"],
            sign_in=True,
        ),
        _q(
            "hjtg",
            "{year}年寒假托管服务需求调查",
            -10,
            20,
            None,
            0,
            "寒假托管服务",
            "了解家长对寒假托管服务的需求，以便合理安排托管学校和时间。",
            ["托管时间", "托管地点", "活动内容", "收费标准", "安全管理"],
        ),
        _c(
            "zsrx",
            "《{year}年义务教育招生入学工作意见（征求意见稿）》公开征求意见",
            180,
            30,
            20,
            3,
            "为做好义务教育招生入学工作，市教育局起草了工作意见，现公开征求意见。",
            [
                "坚持免试就近入学，公办民办学校同步招生。",
                "随迁子女入学以居住证为主要依据，简化证明材料。",
                "民办学校报名人数超过招生计划的，实行电脑随机录取。",
            ],
        ),
        _q(
            "xlfw",
            "{year}年学生心理健康服务需求调查",
            100,
            30,
            26,
            9,
            "学生心理健康服务",
            "了解家长和学生对学校心理健康服务的需求。",
            ["心理咨询室开放时间", "心理课程", "家校沟通", "专业教师配备", "危机干预"],
        ),
        _q(
            "xcaq",
            "{year}年校车安全管理满意度调查",
            400,
            30,
            20,
            6,
            "校车安全管理",
            "请对孩子乘坐校车的安全情况作出评价。",
            ["校车车况", "驾驶员", "随车照管员", "接送时间", "线路安排"],
        ),
        _c(
            "jsgl",
            "《宿迁市中小学教师交流轮岗实施办法（征求意见稿）》公开征求意见",
            430,
            30,
            15,
            2,
            "为促进义务教育均衡发展，现就教师交流轮岗实施办法公开征求意见。",
            ["同一学校任教满6年的教师原则上应当交流。", "交流教师在职称评聘、评优评先中同等条件下优先。"],
        ),
    ],
}

TEXT_SUGGESTIONS = [
    "希望能进一步简化流程，多提供网上办理的渠道。",
    "建议在周末也提供服务，方便上班族。",
    "总体比较满意，希望继续保持。",
    "希望加强宣传，很多人还不知道这项服务。",
    "建议听取更多基层群众的意见。",
    "希望信息公开得更及时一些。",
]
COMMENTS = [
    (
        "建议第{n}条明确具体的办理时限和责任单位，便于群众监督。",
        Decision.ADOPTED,
        "已在第{n}条中补充办理时限和责任单位。",
    ),
    (
        "第{n}条的表述较为原则，建议增加可操作的具体措施。",
        Decision.PARTLY,
        "已增加部分具体措施；其余内容将在配套细则中明确。",
    ),
    (
        "建议将适用范围扩大到全市所有乡镇（街道）。",
        Decision.NOT_ADOPTED,
        "本办法适用范围由上位法规定，暂不宜扩大，相关工作将另行部署。",
    ),
    (
        "建议对违反规定的行为提高处罚标准。",
        Decision.NOT_ADOPTED,
        "处罚种类和幅度应当在法律、法规规定的范围内设定，地方规范性文件不得增设。",
    ),
    ("希望文件出台后配套发布政策解读，方便群众理解。", Decision.ADOPTED, "文件印发时将同步发布图文解读。"),
]
NAMES = ["张先生", "李女士", "王先生", "", "市民", "刘女士"]


def _draft_html(plan: Plan, unit: OrgUnit) -> str:
    articles = "".join(
        f"<p>第{'一二三四五六七八九十'[i]}条　{text}</p>" for i, text in enumerate(plan.articles)
    )
    return f"<p>{plan.summary}</p>{articles}<p>本文件由{unit.name}负责解释。</p>"


def _draft_document(plan: Plan, title: str, unit: OrgUnit, collection):
    """The draft as a Word document in the site's collection (found by title on a second run)."""
    from docx import Document as WordDocument
    from wagtail.documents import get_document_model

    Document = get_document_model()
    name = title.removesuffix("公开征求意见")
    existing = Document.objects.filter(title=name, collection=collection).first()
    if existing is not None:
        return existing
    word = WordDocument()
    word.add_heading(name, level=1)
    word.add_paragraph(plan.summary)
    for i, text in enumerate(plan.articles):
        word.add_paragraph(f"第{'一二三四五六七八九十'[i]}条　{text}")
    word.add_paragraph(f"本文件由{unit.name}负责解释。")
    buffer = io.BytesIO()
    word.save(buffer)
    document = Document(title=name, collection=collection)
    document.file.save(f"zqyjg-{plan.slug}.docx", ContentFile(buffer.getvalue()), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


def _questions(plan: Plan) -> list[dict]:
    age_text, age_choices, _ = AGE
    return [
        {"type": "single_choice", "value": {"question": age_text, "required": True, "choices": age_choices}},
        {
            "type": "scale",
            "value": {
                "question": f"您对{plan.theme}的总体满意度如何？",
                "required": True,
                "scale_max": 5,
                "low_label": "很不满意",
                "high_label": "很满意",
            },
        },
        {
            "type": "multiple_choice",
            "value": {
                "question": f"您认为{plan.theme}最需要改进的方面有哪些？",
                "required": True,
                "choices": plan.options,
                "max_choices": 3,
            },
        },
        {
            "type": "single_choice",
            "value": {
                "question": "您是否遇到过需要帮助却找不到渠道的情况？",
                "required": True,
                "choices": ["是", "否"],
            },
        },
        {
            "type": "text",
            "value": {
                "question": "请简要说明您遇到的情况。",
                "required": False,
                "show_if_question": 4,
                "show_if_answer": "是",
                "max_length": 500,
                "multiline": True,
            },
        },
        {
            "type": "text",
            "value": {
                "question": "您还有哪些意见和建议？",
                "required": False,
                "max_length": 1000,
                "multiline": True,
            },
        },
    ]


def _answers(survey: SurveyPage, rng: random.Random) -> dict:
    questions = questions_of(survey)
    age, scale, improve, trouble, detail, other = questions
    answers = {
        age.key: rng.choices(list(age.choices), weights=AGE[2])[0],
        scale.key: rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 3, 6, 5])[0],
        improve.key: rng.sample(list(improve.choices), rng.randint(1, 3)),
        trouble.key: rng.choices(["是", "否"], weights=[1, 3])[0],
    }
    if answers[trouble.key] == "是" and rng.random() < 0.7:
        answers[detail.key] = rng.choice(["网上找不到办事入口。", "电话一直占线。", "不知道该找哪个部门。"])
    if rng.random() < 0.5:
        answers[other.key] = rng.choice(TEXT_SUGGESTIONS)
    return answers


def _moment(start: datetime, end: datetime, rng: random.Random) -> datetime:
    return start + timedelta(seconds=rng.randint(3600, max(int((end - start).total_seconds()) - 3600, 3601)))


def _date(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def _feedback_text(survey: SurveyPage, plan: Plan) -> str:
    if survey.is_questionnaire:
        stats = statistics(questions_of(survey), survey.responses.values_list("answers", flat=True))
        mean = stats[1].mean or "—"
        top = max(stats[2].tallies, key=lambda t: t.count).label if stats[2].answered else ""
        return (
            f"本次调查于{_date(survey.closes_at)}结束，共收到有效答卷{survey.responses.count()}份。\n\n"
            f"调查结果显示，受访群众对{plan.theme}的总体满意度平均为{mean}分（满分5分）；"
            f"认为最需要改进的方面是“{top}”。\n\n"
            f"对调查中反映的问题，{survey.unit.name}已逐条梳理，将作为下一步改进工作的重要依据，"
            "改进情况将适时向社会公布。感谢广大群众的参与和支持！"
        )
    comments = survey.comments.all()
    counted = {
        d: comments.filter(decision=d).count()
        for d in (Decision.ADOPTED, Decision.PARTLY, Decision.NOT_ADOPTED)
    }
    return (
        f"本次意见征集于{_date(survey.closes_at)}结束，共收到意见建议{comments.count()}条。\n\n"
        f"经认真研究，采纳{counted[Decision.ADOPTED]}条，部分采纳{counted[Decision.PARTLY]}条，"
        f"未采纳{counted[Decision.NOT_ADOPTED]}条，逐条采纳情况和未采纳的理由见下。\n\n"
        "感谢社会各界对本项工作的关心和支持！"
    )


def _build(column: ColumnPage, plan: Plan, unit: OrgUnit, collection, now: datetime, admin) -> int:
    if SurveyPage.objects.child_of(column).filter(slug=plan.slug).exists():
        return 0
    rng = random.Random(f"{column.url_path}{plan.slug}")  # noqa: S311 - demo text, not security
    opens = timezone.localtime(now - timedelta(days=plan.opens)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    closes = (opens + timedelta(days=plan.days)).replace(hour=17, minute=30)
    title = plan.title.format(year=opens.year)
    page = SurveyPage(
        title=title,
        slug=plan.slug,
        kind=plan.kind,
        unit=unit,
        opens_at=opens,
        closes_at=closes,
        sign_in_required=plan.sign_in,
        summary=plan.summary,
        keywords="征集调查," + ("问卷调查" if plan.kind == SurveyKind.QUESTIONNAIRE else "意见征集"),
        first_published_at=opens - timedelta(days=1),
        last_published_at=opens - timedelta(days=1),
    )
    if plan.kind == SurveyKind.QUESTIONNAIRE:
        page.intro = (
            "<p>本问卷采用不记名方式填写，所填信息仅用于统计分析。"
            "调查结束后一个月内，我们将在本栏目公布调查结果。</p>"
        )
        page.questions = _questions(plan)
    else:
        page.intro = (
            "<p>欢迎社会各界在征求意见期间提出意见建议。请在本页面下方填写意见，"
            "也可以下载征求意见稿附件阅读全文。征集结束后一个月内，我们将公布意见采纳情况。</p>"
        )
        page.draft_text = _draft_html(plan, unit)
        page.draft_document = _draft_document(plan, title, unit, collection)
    survey = services.publish_page(column, page, actor=None)
    created = 1
    end = min(closes, now)
    if plan.kind == SurveyKind.QUESTIONNAIRE:
        for _ in range(plan.answers if end > opens else 0):
            services.submit_response(survey, answers=_answers(survey, rng), now=_moment(opens, end, rng))
            created += 1
    else:
        for i in range(plan.answers if end > opens else 0):
            text, decision, reason = COMMENTS[(i + len(plan.slug)) % len(COMMENTS)]
            number = rng.randint(1, len(plan.articles))
            comment = services.submit_comment(
                survey, text=text.format(n=number), name=rng.choice(NAMES), now=_moment(opens, end, rng)
            )
            created += 1
            decided = closes + timedelta(days=2)
            if plan.feedback is not None and decided <= now:
                services.decide_comment(
                    None, comment, decision=decision, reason=reason.format(n=number), now=decided
                )
    published = closes + timedelta(days=plan.feedback or 0, hours=1)
    if plan.feedback is not None and published <= now:
        services.publish_feedback(None, survey, text=_feedback_text(survey, plan), now=published)
        created += 1
    return created


def build_survey_demo(spec: dict, now: datetime, admin) -> int:
    """Fill every demo site's 征集调查 column; returns how many records (pages, answers, comments, feedback)
    were created."""
    created = 0
    for site_spec in spec["sites"]:
        site = Site.objects.filter(hostname=site_spec["hostname"]).first()
        if site is None:
            continue
        column = ColumnPage.objects.child_of(site.root_page).filter(slug=COLUMN_SLUG).first()
        if column is None:
            continue
        unit = OrgUnit.objects.get(name=site_spec["org_unit"])
        identity = SiteIdentity.objects.filter(site=site).first()
        collection = identity.collection if identity and identity.collection_id else None
        if collection is None:
            from wagtail.models import Collection

            collection = Collection.get_first_root_node()
        for plan in PLANS.get(site_spec["key"], []):
            created += _build(column, plan, unit, collection, now, admin)
    return created
