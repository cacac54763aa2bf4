"""Demo content: service guides (办事指南) on every site, complete and clean by the guide checker.

Everything goes through the services' `ensure_index` and `upsert_guide`; guides are looked up by slug, so a
second run adds nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Site

from huimin.guides.models import ServiceGuidePage
from huimin.guides.services import ensure_index, upsert_guide
from huimin.policies.models import PolicyPage
from huimin.sites.models import OrgUnit, SiteIdentity

INDEX_SLUG = "bszn"
CENTRE = "宿迁市洪泽湖东路19号宿迁市民服务中心"
HOURS = "工作日上午 9:00—12:00，下午 13:30—17:00（法定节假日除外）"
COMPLAINT = "12345"


def _m(name, form="original", medium="paper", copies=1, required=True, form_doc=False, note=""):
    return {
        "name": name,
        "form": form,
        "medium": medium,
        "copies": copies,
        "required": required,
        "needs_form": form_doc,
        "note": note,
    }


def _steps(*pairs):
    return [{"title": title, "description": text} for title, text in pairs]


STANDARD_STEPS = _steps(
    ("申请", "申请人通过江苏政务服务网在线提交或到窗口提交申请材料。"),
    ("受理", "窗口工作人员核对材料，材料齐全、符合法定形式的当场受理。"),
    ("审查", "承办人员对申请材料进行审查，必要时进行现场核查。"),
    ("决定", "作出准予或不予办理的决定，不予办理的书面说明理由。"),
    ("送达", "通过窗口领取、邮寄或电子证照方式送达办理结果。"),
)

GUIDES = [
    {
        "site": "127.0.0.1",
        "unit": "宿迁市行政审批局",
        "slug": "qysldj",
        "title": "企业设立登记",
        "item_code": "320100-SQ-XK-0001",
        "themes": ["开办企业"],
        "service_objects": ["企业", "个体工商户"],
        "policy_hint": "优化营商环境",
        "basis": (
            "《中华人民共和国市场主体登记管理条例》",
            "第三条 市场主体应当依照本条例办理登记。未经登记，不得以市场主体名义从事经营活动。",
        ),
        "conditions": (
            "<p>申请人具有完全民事行为能力；企业名称、住所、经营范围等符合法律、行政法规的规定。</p>"
        ),
        "materials": [
            _m("公司登记（备案）申请书", form_doc=True),
            _m("公司章程", copies=1),
            _m("股东、法定代表人主体资格证明", form="copy", medium="either"),
            _m(
                "住所使用证明",
                form="copy",
                medium="either",
                note="自有房产提供产权证明，租赁房屋提供租赁协议。",
            ),
        ],
        "window": "一楼 A 区 1—8 号窗口",
        "phone": "0527-84367001",
        "legal": 15,
        "promised": 1,
        "online": "https://www.jszwfw.gov.cn/",
    },
    {
        "site": "127.0.0.1",
        "unit": "宿迁市行政审批局",
        "slug": "yzkzba",
        "title": "印章刻制备案",
        "item_code": "320100-SQ-BA-0002",
        "themes": ["开办企业"],
        "service_objects": ["企业"],
        "policy_hint": "优化营商环境",
        "basis": (
            "《印铸刻字业暂行管理规则》",
            "第四条 刻制公章须持有主管机关证明文件，并向所在地公安机关备案。",
        ),
        "conditions": "<p>已依法取得营业执照的企业及其他组织。</p>",
        "materials": [
            _m("营业执照", form="copy", medium="either"),
            _m("法定代表人身份证", form="copy"),
            _m("印章刻制备案申请表", form_doc=True),
        ],
        "window": "一楼 A 区 9 号窗口",
        "phone": "0527-84367002",
        "legal": 1,
        "promised": 0,
        "online": "https://www.jszwfw.gov.cn/",
    },
    {
        "site": "127.0.0.1",
        "unit": "宿迁市行政审批局",
        "slug": "slfp",
        "title": "申领发票",
        "item_code": "320100-SQ-QT-0003",
        "themes": ["开办企业"],
        "service_objects": ["企业", "个体工商户"],
        "policy_hint": "优化营商环境",
        "basis": (
            "《中华人民共和国发票管理办法》",
            (
                "第十五条 需要领用发票的单位和个人，应当持设立登记证件或者税务登记证件，"
                "以及经办人身份证明，向主管税务机关办理发票领用手续。"
            ),
        ),
        "conditions": "<p>已办理涉税信息确认的纳税人。</p>",
        "materials": [_m("经办人身份证件", form="original"), _m("发票领用申请表", form_doc=True)],
        "window": "一楼 B 区 税务综合窗口",
        "phone": "0527-84367003",
        "legal": 1,
        "promised": 0,
        "online": "https://etax.jiangsu.chinatax.gov.cn/",
    },
    {
        "site": "127.0.0.1",
        "unit": "宿迁市民政局",
        "slug": "yljgba",
        "title": "养老机构备案",
        "item_code": "320100-SQ-BA-0101",
        "themes": ["养老服务"],
        "service_objects": ["企业", "社会组织"],
        "policy_hint": "养老服务",
        "basis": ("《养老机构管理办法》", "第九条 设立养老机构，应当向民政部门备案。"),
        "conditions": (
            "<p>已依法办理法人登记，服务设施符合消防、卫生与健康、环境保护、食品药品、建筑等有关要求。</p>"
        ),
        "materials": [
            _m("养老机构备案书", form_doc=True),
            _m("养老机构备案承诺书", form_doc=True),
            _m("法人登记证书", form="copy", medium="either"),
        ],
        "window": "二楼 C 区 民政综合窗口",
        "phone": "0527-84367101",
        "legal": 5,
        "promised": 1,
        "online": "https://www.jszwfw.gov.cn/",
    },
    {
        "site": "127.0.0.1",
        "unit": "宿迁市民政局",
        "slug": "gljtsl",
        "title": "高龄津贴申领",
        "item_code": "320100-GG-0102",
        "themes": ["养老服务", "社会保障"],
        "service_objects": ["个人", "老年人"],
        "policy_hint": "养老服务",
        "basis": (
            "《宿迁市高龄老人尊老金发放办法》",
            "第三条 具有本市户籍、年满80周岁的老年人，按月享受高龄津贴。",
        ),
        "conditions": "<p>具有本市户籍、年满80周岁的老年人。</p>",
        "materials": [
            _m("申请人居民身份证", form="copy"),
            _m("户口簿", form="copy"),
            _m("银行卡（存折）", form="copy", note="用于按月发放津贴。"),
            _m("高龄津贴申请表", form_doc=True),
        ],
        "window": "二楼 C 区 民政综合窗口",
        "phone": "0527-84367102",
        "legal": 20,
        "promised": 10,
        "online": "",
    },
    {
        "site": "127.0.0.1",
        "unit": "宿迁市民政局",
        "slug": "jjylfwbt",
        "title": "居家养老服务补贴",
        "item_code": "320100-GG-0103",
        "themes": ["养老服务"],
        "service_objects": ["个人", "老年人"],
        "policy_hint": "养老服务",
        "basis": (
            "《江苏省养老服务条例》",
            "第二十二条 县级以上地方人民政府应当对经济困难的高龄、失能等老年人给予居家养老服务补贴。",
        ),
        "conditions": "<p>具有本市户籍，属于最低生活保障家庭、特困供养或经济困难的高龄、失能老年人。</p>",
        "materials": [
            _m("申请人居民身份证", form="copy"),
            _m("居家养老服务补贴申请表", form_doc=True),
            _m("失能等级评估结果", form="copy", medium="either", required=False, note="申请失能补贴时提供。"),
        ],
        "window": "二楼 C 区 民政综合窗口",
        "phone": "0527-84367103",
        "legal": 20,
        "promised": 15,
        "online": "",
    },
    {
        "site": "jyj.localhost",
        "unit": "宿迁市教育局",
        "slug": "ywjyrxbm",
        "title": "义务教育入学报名",
        "item_code": "320100-GG-0201",
        "themes": ["入学入园"],
        "service_objects": ["个人", "学生"],
        "policy_hint": "义务教育招生入学",
        "basis": (
            "《中华人民共和国义务教育法》",
            (
                "第十二条 适龄儿童、少年免试入学。地方各级人民政府应当保障适龄儿童、"
                "少年在户籍所在地学校就近入学。"
            ),
        ),
        "conditions": "<p>年满6周岁的适龄儿童，或小学毕业的适龄少年，户籍或居住地在学区范围内。</p>",
        "materials": [
            _m("户口簿", form="both", copies=1),
            _m("房屋产权证明或居住证", form="both"),
            _m("义务教育入学报名表", form_doc=True),
        ],
        "window": "宿迁市教育局政务服务窗口（市民服务中心三楼 D 区）",
        "phone": "0527-84367201",
        "legal": 20,
        "promised": 10,
        "online": "https://jyj.suqian.gov.cn/",
    },
    {
        "site": "jyj.localhost",
        "unit": "宿迁市教育局",
        "slug": "yeyrydj",
        "title": "幼儿园入园登记",
        "item_code": "320100-GG-0202",
        "themes": ["入学入园"],
        "service_objects": ["个人"],
        "policy_hint": "义务教育招生入学",
        "basis": ("《幼儿园管理条例》", "第十一条 幼儿园招收三周岁至六周岁的幼儿。"),
        "conditions": "<p>年满3周岁、身体健康的适龄幼儿。</p>",
        "materials": [
            _m("幼儿出生医学证明", form="copy"),
            _m("儿童预防接种证", form="original", note="查验后退还。"),
            _m("幼儿入园登记表", form_doc=True),
        ],
        "window": "宿迁市教育局政务服务窗口（市民服务中心三楼 D 区）",
        "phone": "0527-84367202",
        "legal": 20,
        "promised": 10,
        "online": "",
    },
    {
        "site": "jyj.localhost",
        "unit": "宿迁市教育局",
        "slug": "zxsq",
        "title": "转学申请",
        "item_code": "320100-GG-0203",
        "themes": ["入学入园"],
        "service_objects": ["个人", "学生"],
        "policy_hint": "义务教育招生入学",
        "basis": (
            "《中小学生学籍管理办法》",
            "第十二条 学生转学，由转入学校同意后，转出学校、转入学校分别办理学籍转接手续。",
        ),
        "conditions": "<p>因户籍迁移、家庭住址变动等原因需要转学的在籍中小学生。</p>",
        "materials": [
            _m("学生转学申请表", form_doc=True),
            _m("户籍或居住地变动证明", form="copy", medium="either"),
        ],
        "window": "宿迁市教育局政务服务窗口（市民服务中心三楼 D 区）",
        "phone": "0527-84367203",
        "legal": 10,
        "promised": 5,
        "online": "",
    },
    {
        "site": "slj.localhost",
        "unit": "宿迁市水利局",
        "slug": "qsxk",
        "title": "取水许可审批",
        "item_code": "320100-XK-0301",
        "themes": ["水利水务"],
        "service_objects": ["企业"],
        "policy_hint": "河湖长制",
        "basis": (
            "《取水许可和水资源费征收管理条例》",
            "第二条 取用水资源的单位和个人，除本条例第四条规定的情形外，都应当申请领取取水许可证。",
        ),
        "conditions": "<p>取水符合水资源规划和用水总量控制指标，已编制建设项目水资源论证报告。</p>",
        "materials": [
            _m("取水许可申请书", form_doc=True),
            _m("建设项目水资源论证报告书", medium="either", copies=2),
            _m("与第三者利害关系的相关说明", form="original", medium="paper"),
        ],
        "window": "二楼 E 区 水利审批窗口",
        "phone": "0527-84367301",
        "legal": 45,
        "promised": 20,
        "online": "https://www.jszwfw.gov.cn/",
    },
    {
        "site": "slj.localhost",
        "unit": "宿迁市水利局",
        "slug": "hdjsxm",
        "title": "河道管理范围内建设项目工程建设方案审批",
        "item_code": "320100-XK-0302",
        "themes": ["水利水务"],
        "service_objects": ["企业"],
        "policy_hint": "河湖长制",
        "basis": (
            "《中华人民共和国河道管理条例》",
            (
                "第十一条 修建开发水利、防治水害、整治河道的各类工程和跨河、穿河、穿堤、临河的桥梁、码头、"
                "道路等建筑物及设施，建设单位必须按照河道管理权限，将工程建设方案报送河道主管机关审查同意。"
            ),
        ),
        "conditions": "<p>建设项目符合防洪规划和河道整治要求，不影响河势稳定和防洪安全。</p>",
        "materials": [
            _m("河道管理范围内建设项目申请书", form_doc=True),
            _m("防洪评价报告", medium="either", copies=2),
        ],
        "window": "二楼 E 区 水利审批窗口",
        "phone": "0527-84367302",
        "legal": 20,
        "promised": 10,
        "online": "https://www.jszwfw.gov.cn/",
    },
]


def _document(title: str, text: str, collection):
    """A guide's form, in its site's collection, where the site's staff (and only they) reach it."""
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    document = Document(title=title, collection=collection)
    document.file.save(
        f"guide-form-{abs(hash(title)) % 10**8}.txt", ContentFile(text.encode("utf-8")), save=False
    )
    document.save()
    return document


def _guide_data(entry: dict, unit: OrgUnit, collection) -> dict:
    title, clause = entry["basis"]
    policy = PolicyPage.objects.live().filter(title__contains=entry["policy_hint"]).order_by("pk").first()
    bases = [{"title": title, "clause": clause}]
    if policy is not None:
        bases.append({"title": policy.title, "policy": policy})
    materials = []
    for material in entry["materials"]:
        material = dict(material)
        if material["needs_form"]:
            material["blank_form"] = _document(
                f"{material['name']}（空白表格）", f"{material['name']}\n\n申请人：\n", collection
            )
            material["sample"] = _document(
                f"{material['name']}（填写样表）", f"{material['name']}（样表）\n\n申请人：张三\n", collection
            )
        materials.append(material)
    return {
        "slug": entry["slug"],
        "title": entry["title"],
        "item_code": entry["item_code"],
        "unit": unit,
        "bases": bases,
        "conditions": entry["conditions"],
        "materials": materials,
        "address": CENTRE,
        "floor": "",
        "window": entry["window"],
        "free_of_charge": True,
        "fee": "",
        "hours": HOURS,
        "consult_phone": entry["phone"],
        "complaint_phone": COMPLAINT,
        "steps": STANDARD_STEPS,
        "legal_days": entry["legal"],
        "promised_days": entry["promised"],
        "online_url": entry["online"],
        "themes": entry["themes"],
        "service_objects": entry["service_objects"],
    }


def build_service_demo(spec: dict, now: datetime, admin) -> int:
    """Add a guide list (slug bszn) on every site and the demo guides; returns how many pages were created."""
    created = 0
    indexes = {}
    for order, site_spec in enumerate(spec["sites"]):
        site = Site.objects.get(hostname=site_spec["hostname"])
        before = site.root_page.get_children().filter(slug=INDEX_SLUG).exists()
        indexes[site.hostname] = ensure_index(
            site.root_page, title="办事指南", slug=INDEX_SLUG, aggregate_group=order == 0
        )
        created += 0 if before else 1
    for entry in GUIDES:
        index = indexes[entry["site"]]
        if ServiceGuidePage.objects.child_of(index).filter(slug=entry["slug"]).exists():
            continue
        collection = SiteIdentity.objects.get(site__hostname=entry["site"]).collection
        upsert_guide(_guide_data(entry, OrgUnit.objects.get(name=entry["unit"]), collection), index)
        created += 1
    return created
