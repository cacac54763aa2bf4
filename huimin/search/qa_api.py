"""Q&A in the public API: `POST /api/v1/qa {"question": "…", "site": "hostname"}` → the answer taken from
the sources (`qa.answer`), its confidence and sources, or `answer: null` with the closest items. Without
`site` the question is answered for the whole group (its knowledge entries that are not for one site).
Requests are rate limited per client address and hour (`HUIMIN_OPENDATA_API_PER_IP_HOUR`, its own bucket);
beyond the limit 429."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from huimin.core import throttle
from huimin.core.api import NOT_BLANK, SITE_OR_EMPTY_PATTERN, SITE_RE, ErrorOut

from . import qa

router = Router(tags=["智能问答"])

HOUR = timedelta(hours=1)
IP_BUCKET = "qa-api-ip"
MAX_INPUT_CHARS = 2000
UNKNOWN_SITE = "没有这个站点：site 须为网站群中某个站点的主机名，如 127.0.0.1。"
EMPTY_QUESTION = "请提供问题 question。"


class QuestionIn(Schema):
    question: str = Field(
        ...,
        max_length=MAX_INPUT_CHARS,
        description="问题（不能只有空白），超过 200 字的部分不参与回答",
        json_schema_extra={"minLength": 1, "pattern": NOT_BLANK},
    )
    site: str = Field(
        "",
        max_length=255,
        description="站点主机名；不填为全市网站群；不是网站群站点的主机名时返回 400",
        json_schema_extra={"pattern": SITE_OR_EMPTY_PATTERN},
    )


class SourceOut(Schema):
    title: str = Field(description="来源标题")
    url: str = Field(description="来源地址")
    excerpt: str = Field(description="来源中含有答案的原文（已转为简体）")


class AnswerOut(Schema):
    answer: str | None = Field(description="答案：来源原文或知识库答案；没有确切答案时为 null")
    confidence: float = Field(description="置信度 0–1")
    sources: list[SourceOut] = Field(description="答案的来源")
    closest: list[SourceOut] = Field(description="没有确切答案时，最接近的内容")


@router.post(
    "",
    response={200: AnswerOut, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 429: ErrorOut},
    summary="智能问答",
    description="回答关于政策、办事和互动的问题。答案只取自已发布的来源原文或答问知识库，并注明来源；"
    "没有把握时 answer 为 null，并给出最接近的内容。请求须为 application/json（UTF-8），否则返回 415；"
    "问题为空或只有空白、site 不是网站群中站点的主机名时返回 400。",
)
def ask(request: HttpRequest, body: QuestionIn):
    now = timezone.now()
    limit = settings.HUIMIN_OPENDATA_API_PER_IP_HOUR
    if not throttle.hit(IP_BUCKET, throttle.client_ip(request), limit=limit, window=HOUR, now=now):
        raise HttpError(429, f"请求过于频繁：每个地址每小时最多提问 {limit} 次，请稍后再试。")
    from huimin.sites.queries import site_for_hostname  # sites.queries imports the API module

    site = None
    if body.site:
        site = site_for_hostname(body.site) if SITE_RE.fullmatch(body.site) else None
        if site is None:
            raise HttpError(400, UNKNOWN_SITE)
    if not body.question.strip():
        raise HttpError(400, EMPTY_QUESTION)
    result = qa.answer(body.question, site=site, now=now)
    return {
        "answer": result.text,
        "confidence": result.confidence,
        "sources": result.sources,
        "closest": result.closest,
    }
