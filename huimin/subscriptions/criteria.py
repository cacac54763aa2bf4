"""What a subscription asks for, checked and normalised into criteria rows (key, value, any/all).

Each kind of subscription becomes rows over the keys of `huimin.accounts.content_tags` (and a few more that
matching computes, see `matching.py`):

- tags: per tag key, the values chosen with `any` (at least one) or `all` (every one), and optionally the
  kinds of content (`kind`, any);
- column: `column` = the page's id (a column, a library, a guide list, a data catalogue or a whole site's
  home page: content anywhere below it);
- library filter: `kind` = policy and every filter of the library's own query (`unit` for 发布机构, `topic`,
  `industry`, `service_object` by name, `year`, `doc_kind`, `validity`) with `all`; below the library unless
  it gathers the whole group;
- topic: `topic_page` = the topic page's id (content its lists gather);
- unit: `unit` = the unit's id;
- search: `search` = the query's words, normalised, separated by spaces (content whose text has them all).

The builders raise `ValidationError` with a Chinese message (keyed by the form field it concerns) for
anything wrong, so a form shows it where it belongs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from wagtail.models import Page

from huimin.accounts import tags as vocabulary

from .enums import PUSHED_KINDS, Mode, SubscriptionKind
from .rules import rules

MAX_QUERY_CHARS = 50
MAX_SEARCH_TERMS = 8
TAG_KEYS = ("service_object", "industry", "region", "size", "group", "topic")
LIBRARY_FILTERS = ("issuer", "topic", "industry", "service_object", "year", "doc_kind", "validity")
# Pages whose content a column subscription follows (anything below them).
COLUMN_TYPES = (
    "huimin_sites.HomePage",
    "huimin_sites.ColumnPage",
    "huimin_policies.PolicyLibraryPage",
    "huimin_guides.GuideIndexPage",
    "huimin_opendata.DataCatalogPage",
)
EXTRA_LABELS = {
    "kind": "信息类型",
    "column": "栏目",
    "unit": "单位",
    "site": "网站",
    "year": "年份",
    "doc_kind": "文种",
    "validity": "时效",
    "topic_page": "专题",
    "search": "关键词",
}


def key_labels() -> dict[str, str]:
    return {**vocabulary.labels(), **EXTRA_LABELS}


@dataclass
class Spec:
    """A subscription's criteria before it is saved."""

    kind: str
    title: str
    rows: list[tuple[str, str, str]]
    criteria: dict = field(default_factory=dict)
    page: Page | None = None
    unit: object | None = None
    query: str = ""
    params: dict = field(default_factory=dict)

    @property
    def signature(self) -> str:
        """The same criteria give the same signature: an account cannot hold one subscription twice."""
        payload = json.dumps([self.kind, sorted(set(self.rows))], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def _clean_text(value, limit: int) -> str:
    text = str(value or "").replace("\x00", "").strip()
    return text[:limit]


# ---- tags ----


def from_tags(chosen: dict[str, tuple[list[str], str]], kinds: list[str] = ()) -> Spec:
    """`chosen`: tag key -> (values, "any" | "all"); `kinds`: content kinds (any), may be empty."""
    labels = vocabulary.labels()
    rows, criteria, parts = [], {}, []
    limit = rules().max_values_per_key
    for key in TAG_KEYS:
        values, mode = chosen.get(key, ([], Mode.ANY))
        values = list(dict.fromkeys(_clean_text(v, 100) for v in values if _clean_text(v, 100)))
        if not values:
            continue
        if mode not in Mode.values:
            raise ValidationError({f"{key}_mode": "请选择“满足其一”或“全部满足”。"})
        if len(values) > limit:
            raise ValidationError({key: f"每类标签最多选择 {limit} 项。"})
        wrong = [value for value in values if not vocabulary.is_valid(key, value)]
        if wrong:
            raise ValidationError(
                {key: f"“{'、'.join(wrong)[:60]}”不是{labels[key]}中的标签，请从列表中选择。"}
            )
        rows += [(key, value, mode) for value in values]
        criteria[key] = {mode: values}
        joiner = "或" if mode == Mode.ANY or len(values) == 1 else "且"
        parts.append(f"{labels[key]}：{joiner.join(values)}")
    kinds = list(dict.fromkeys(kinds))
    wrong_kinds = [kind for kind in kinds if kind not in PUSHED_KINDS]
    if wrong_kinds:
        raise ValidationError({"kinds": "请从列表中选择信息类型。"})
    if not rows:
        raise ValidationError("请至少选择一个标签。")
    if kinds:
        rows += [("kind", kind, Mode.ANY) for kind in kinds]
        criteria["kind"] = {Mode.ANY: kinds}
        parts.append("信息类型：" + "或".join(PUSHED_KINDS[kind] for kind in kinds))
    return Spec(SubscriptionKind.TAGS, "；".join(parts)[:300], rows, criteria=criteria)


# ---- a column, a topic, a unit ----


def _live_public(page_id) -> Page | None:
    text = str(page_id or "").strip()
    if not text.isdigit() or len(text) > 12:
        return None
    return Page.objects.live().public().filter(pk=int(text)).specific().first()


def _type_name(page: Page) -> str:
    meta = type(page)._meta
    return f"{meta.app_label}.{meta.object_name}"


# A section that gathers the whole group's items of one kind (aggregate_group) follows that kind anywhere.
AGGREGATE_KINDS = {
    "huimin_policies.PolicyLibraryPage": "policy",
    "huimin_guides.GuideIndexPage": "guide",
    "huimin_opendata.DataCatalogPage": "dataset",
}


def is_pushed_column(page: Page) -> bool:
    """Whether anything pushed can appear below a column (a column of news only never pushes)."""
    from huimin.accounts.content_tags import notice_column_types
    from huimin.sites.models import ColumnPage

    name = _type_name(page)
    if name not in COLUMN_TYPES:
        return False
    if name != "huimin_sites.ColumnPage":
        return True
    if page.column_type.name in notice_column_types():
        return True
    below = Page.objects.descendant_of(page).live()
    pushed_models = [model for model in _pushed_models() if model is not None]
    if below.type(*pushed_models).exists():
        return True
    return ColumnPage.objects.descendant_of(page).filter(column_type__name__in=notice_column_types()).exists()


def _pushed_models():
    from huimin.guides.models import ServiceGuidePage
    from huimin.opendata.models import DatasetPage
    from huimin.policies.models import InterpretationPage, PolicyPage

    return (PolicyPage, InterpretationPage, ServiceGuidePage, DatasetPage)


def from_column(page_id) -> Spec:
    page = _live_public(page_id)
    if page is None or _type_name(page) not in COLUMN_TYPES:
        raise ValidationError({"page": "要订阅的栏目不存在或未公开。"})
    name = _type_name(page)
    if name in AGGREGATE_KINDS and getattr(page, "aggregate_group", False):
        kind = AGGREGATE_KINDS[name]
        return Spec(
            SubscriptionKind.COLUMN,
            f"{page.title}（全市{PUSHED_KINDS[kind]}）",
            [("kind", kind, Mode.ALL)],
            page=page,
        )
    what = "网站" if name == "huimin_sites.HomePage" else "栏目"
    return Spec(
        SubscriptionKind.COLUMN, f"{what}：{page.title}", [("column", str(page.pk), Mode.ANY)], page=page
    )


def from_topic(page_id) -> Spec:
    page = _live_public(page_id)
    if page is None or _type_name(page) != "huimin_topics.TopicPage":
        raise ValidationError({"page": "要订阅的专题不存在或未公开。"})
    return Spec(
        SubscriptionKind.TOPIC, f"专题：{page.title}", [("topic_page", str(page.pk), Mode.ANY)], page=page
    )


def from_unit(unit) -> Spec:
    from huimin.sites.models import OrgUnit

    if not isinstance(unit, OrgUnit):
        text = str(unit or "").strip()
        unit = OrgUnit.objects.filter(pk=int(text)).first() if text.isdigit() and len(text) < 12 else None
    if unit is None:
        raise ValidationError({"unit": "请从列表中选择单位。"})
    return Spec(SubscriptionKind.UNIT, f"单位：{unit.name}", [("unit", str(unit.pk), Mode.ANY)], unit=unit)


# ---- a library filter ----


def from_library(page_id, params) -> Spec:
    """A policy library and its own query parameters (as its list page and feed take them)."""
    from huimin.policies.enums import DocKind, Validity
    from huimin.policies.models import Industry, PolicyTopic, ServiceObject
    from huimin.sites.models import OrgUnit

    library = _live_public(page_id)
    if library is None or _type_name(library) != "huimin_policies.PolicyLibraryPage":
        raise ValidationError({"page": "要订阅的政策文件库不存在或未公开。"})
    values = {name: _clean_text(params.get(name, ""), 20) for name in LIBRARY_FILTERS}
    values = {name: value for name, value in values.items() if value}
    rows = [("kind", "policy", Mode.ALL)]
    parts = []
    lookups = {
        "issuer": (OrgUnit, "unit", "发布机构"),
        "topic": (PolicyTopic, "topic", "主题分类"),
        "industry": (Industry, "industry", "行业"),
        "service_object": (ServiceObject, "service_object", "服务对象"),
    }
    for name, (model, key, label) in lookups.items():
        if name not in values:
            continue
        item = model.objects.filter(pk=int(values[name])).first() if values[name].isdigit() else None
        if item is None:
            raise ValidationError({name: f"筛选条件“{label}”无效，请回到文件库重新筛选。"})
        rows.append((key, str(item.pk) if key == "unit" else item.name, Mode.ALL))
        parts.append(f"{label} {item.name}")
    if "year" in values:
        if not (values["year"].isdigit() and len(values["year"]) == 4):
            raise ValidationError({"year": "筛选条件“年份”无效，请回到文件库重新筛选。"})
        rows.append(("year", values["year"], Mode.ALL))
        parts.append(f"{values['year']}年")
    if "doc_kind" in values:
        if values["doc_kind"] not in DocKind.values:
            raise ValidationError({"doc_kind": "筛选条件“文种”无效，请回到文件库重新筛选。"})
        rows.append(("doc_kind", values["doc_kind"], Mode.ALL))
        parts.append(f"文种 {values['doc_kind']}")
    if "validity" in values:
        if values["validity"] not in Validity.values:
            raise ValidationError({"validity": "筛选条件“时效”无效，请回到文件库重新筛选。"})
        rows.append(("validity", values["validity"], Mode.ALL))
        parts.append(f"时效 {Validity(values['validity']).label}")
    if not library.aggregate_group:
        rows.append(("column", str(library.pk), Mode.ALL))
    title = f"{library.title}" + (f"（{'，'.join(parts)}）" if parts else "（全部文件）")
    return Spec(SubscriptionKind.LIBRARY, title[:300], rows, page=library, params=values)


# ---- a search query ----


def search_terms(query: str) -> list[str]:
    """The words of a query as matching compares them: normalised (simplified, half-width, lower case)."""
    from huimin.search.analysis import analyze_query

    analysis = analyze_query(query)
    return [term.text for term in analysis.terms][:MAX_SEARCH_TERMS]


def from_search(query) -> Spec:
    text = str(query or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"q": "请填写要订阅的关键词。"})
    if len(text) > MAX_QUERY_CHARS:
        raise ValidationError({"q": f"关键词过长：最多 {MAX_QUERY_CHARS} 个字。"})
    terms = search_terms(text)
    if not terms:
        raise ValidationError({"q": "关键词中没有可以查找的词，请换一个关键词。"})
    return Spec(
        SubscriptionKind.SEARCH, f"关键词：{text}", [("search", " ".join(terms), Mode.ANY)], query=text
    )
