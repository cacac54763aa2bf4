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
                content=f"{title}，请相关部门答复。（演示留言）",
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
        services.reply(letter, "您好，已按规定办理。（演示答复）", actor=handler, now=at)
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
