"""Demo netizen messages: letters on the department sites in every state, made through the services with
times relative to the demo's `now`, so the board shows new, late and answered letters."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from wagtail.models import Site

from huimin.letters import services
from huimin.letters.enums import Kind
from huimin.letters.models import Letter, RoutingRule
from huimin.letters.services import LetterData
from huimin.sites.models import OrgUnit

MARK = "DEMO-"
# (rule name, keywords, unit) — the demo's routing rules (分办规则)
RULES = [
    ("水务事项", "河道,取水,排涝,防汛,灌溉,水费,河堤", "宿迁市水利局"),
    ("教育事项", "学校,入学,转学,课后,图书馆", "宿迁市教育局"),
]
# (number, site key, kind, title, hours before now it arrived, the steps it went through)
LETTERS = [
    (1, "slj", Kind.CONSULT, "河道取水许可需要哪些材料", 0.5, []),
    (2, "jyj", Kind.SUGGESTION, "建议延长学校图书馆开放时间", 30, []),
    (3, "slj", Kind.COMPLAINT, "小区门口河道漂浮垃圾无人清理", 50, ["dispatch"]),
    (4, "jyj", Kind.CONSULT, "小学入学需要准备哪些证件", 26, ["dispatch", "accept"]),
    (5, "slj", Kind.HELP, "暴雨后村道积水请求排涝", 100, ["dispatch", "accept"]),
    (6, "slj", Kind.COMPLAINT, "河堤施工噪音扰民", 200, ["dispatch", "accept"]),
    (7, "jyj", Kind.COMPLAINT, "学校周边交通拥堵", 70, ["dispatch", "return"]),
    (8, "slj", Kind.CONSULT, "农田灌溉用水如何申请", 60, ["dispatch", "accept", "request_info"]),
    (9, "jyj", Kind.SUGGESTION, "建议增加课后服务内容", 90, ["dispatch", "accept", "reply"]),
    (
        10,
        "slj",
        Kind.CONSULT,
        "防汛物资储备点在哪里",
        150,
        ["dispatch", "accept", "reply", "publish", "satisfied"],
    ),
    (11, "jyj", Kind.HELP, "孩子转学手续办理求助", 160, ["dispatch", "accept", "reply", "close"]),
    (
        12,
        "slj",
        Kind.COMPLAINT,
        "水费账单金额异常",
        170,
        ["dispatch", "accept", "reply", "publish", "unsatisfied"],
    ),
    (13, "jyj", Kind.OTHER, "测试测试", 40, ["invalid"]),
    (14, "slj", Kind.COMPLAINT, "小区门口河道漂浮垃圾（重复提交）", 49, ["duplicate"]),
]

# What each letter says (number -> content), and the reply of those that get one.
CONTENT = {
    1: "我家在古黄河边承包了鱼塘，想从河道取水，请问办理取水许可需要准备哪些材料？到哪里办理？附位置示意图。",
    2: "孩子放学后想去学校图书馆看书，但图书馆下午四点半就关门了，建议延长到六点，方便学生课后阅读。",
    3: "小区南门外的河道里漂浮着塑料袋和泡沫箱，已经一个多星期没人清理，天热后有异味，请尽快安排清理。",
    4: "孩子明年上小学一年级，户口在外地，我们在市区租房居住，请问报名需要准备哪些证件？",
    5: "前天暴雨后，村东头的村道积水半米深，电动车和行人无法通行，请求尽快安排排涝。",
    6: "河堤加固工地晚上十点以后还在施工，机器声音很大，影响周边居民休息，请协调调整施工时间。",
    7: "学校上下学时校门口车辆乱停，经常堵到主干道上，建议增加交通疏导人员或划定临时停车区。",
    8: "今年想种水稻，农田灌溉用水需要向哪个部门申请？水费怎么收取？",
    9: "建议课后服务增加体育和艺术类活动，不要只安排写作业，让孩子有时间锻炼身体。",
    10: "汛期快到了，想了解我们镇的防汛物资储备点在哪里，村里需要时怎么申领？",
    11: "孩子因家庭搬迁需要从宿城区转学到经开区，转学手续应该怎么办理？需要两边学校都同意吗？",
    12: "这个月的水费账单比平时多了三倍，家里没有漏水，请帮忙核查水表读数是否有误。",
    13: "测试测试",
    14: "小区南门外河道漂浮垃圾一直没人清理，请尽快处理。",
}
REPLIES = {
    9: "您好，感谢您的建议。我局已要求各学校丰富课后服务内容，每周安排不少于两次体育或艺术类活动，"
    "具体安排由学校向家长公布。",
    10: "您好，各镇均设有防汛物资储备点，一般设在镇水利站。村里需要时，由村委会向镇防汛办提出申请，"
    "经批准后即可领取编织袋、救生衣等物资。",
    11: "您好，义务教育阶段转学可在学籍系统中网上办理：先向转入学校提出申请，转入学校同意后，"
    "由转出学校确认即可，无需家长往返奔波。",
    12: "您好，经供水公司上门核查，您家水表读数有误，已按实际用水量重新核算，多收的水费将在下期账单中抵扣。",
}


def build_letter_demo(now: datetime) -> int:
    """Create the demo letters once; returns how many were created."""
    if Letter.objects.filter(external_id__startswith=MARK).exists():
        return 0
    user = get_user_model().objects.get
    dispatcher = user(username="admin")
    units = {"slj": OrgUnit.objects.get(name="宿迁市水利局"), "jyj": OrgUnit.objects.get(name="宿迁市教育局")}
    for priority, (name, keywords, unit) in enumerate(RULES, start=1):
        RoutingRule.objects.get_or_create(
            name=name,
            defaults={"keywords": keywords, "unit": OrgUnit.objects.get(name=unit), "priority": priority},
        )
    for number, key, kind, title, hours_ago, steps in LETTERS:
        site = Site.objects.get(hostname=f"{key}.localhost")
        handler, leader = user(username=f"{key}-handler"), user(username=f"{key}-leader")
        at = now - timedelta(hours=hours_ago)
        letter, _ = services.submit_letter(
            LetterData(
                site=site,
                kind=kind,
                title=title,
                content=CONTENT.get(number, title),
                contact_name="演示用户",
                contact_phone=f"1380000{number:04d}",
                may_publish=number != 11,
                chosen_unit=units[key],
                channel="web",
                external_id=f"{MARK}{number}",
                attachments=[_sketch()] if number == 1 else [],
            ),
            now=at,
        )
        tick = at
        for step in steps:
            tick = min(tick + timedelta(minutes=30), now)
            _take(step, letter, units[key], dispatcher, handler, leader, tick)
    return len(LETTERS)


def _take(step, letter, unit, dispatcher, handler, leader, at) -> None:
    if step == "dispatch":
        services.dispatch(letter, unit, actor=dispatcher, now=at)
    elif step == "accept":
        services.accept(letter, actor=handler, now=at)
    elif step == "return":
        services.return_letter(letter, "不属于本单位职责。", actor=handler, now=at)
    elif step == "request_info":
        services.request_info(letter, "请补充地块位置。", actor=handler, now=at)
    elif step == "reply":
        answer = REPLIES.get(int(letter.external_id.removeprefix(MARK)), "您好，已按规定办理。")
        services.reply(letter, answer, actor=handler, now=at)
    elif step in ("publish", "close"):
        services.approve(letter, actor=leader, publish=step == "publish", now=at)
    elif step in ("satisfied", "unsatisfied"):
        services.rate(letter, step, "问题没有解决" if step == "unsatisfied" else "", now=at)
    elif step in ("invalid", "duplicate"):
        reason = "与 3 号留言重复。" if step == "duplicate" else "内容无实际诉求。"
        services.set_aside(letter, step == "duplicate", reason, actor=dispatcher, now=at)


def _sketch() -> SimpleUploadedFile:
    """A small picture sent with the first demo letter, to show attachments."""
    image = Image.new("RGB", (320, 200), "#e8f1fb")
    ImageDraw.Draw(image).rectangle((40, 60, 280, 140), outline="#1f5fa8", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("取水位置示意图.png", out.getvalue(), content_type="image/png")
