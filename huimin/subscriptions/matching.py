"""Which subscriptions a published item matches, and whether a publication is new in substance.

Matching follows GOV.UK's email-alert model: a subscription is a set of criteria, each key with `any`
(at least one of its values) and/or `all` (every one of its values); it matches when every key it names is
satisfied by the item's facts (`facts_of`: the tags of `huimin.accounts.content_tags`, plus the policy's year,
文种 and validity, the topic pages whose lists gather the item, and the subscribed search queries whose words
its text holds).

It is fast for many subscriptions because it never reads them all: criteria rows are indexed by
(key, value); the candidates are the subscriptions with at least one row among the item's facts (one query),
and only their rows are read and checked (a second query, joined on the first as a subquery).
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q, Subquery
from django.utils import timezone
from django.utils.html import strip_tags

from huimin.accounts.content_tags import content_tags

from .enums import FREQUENCY_ORDER, Mode
from .models import Criterion, Subscription

TEXT_LIMIT = 60_000
VERDICT_BATCH = 500  # subscriptions whose rows one query reads (a safe number of parameters)
TEXT_FIELDS = ("summary", "body", "text_alternative", "description", "conditions", "keywords")


# ---- the facts of an item ----


def plain_text(page, *, title: bool = True) -> str:
    """The item's own words (with its title, unless told not), tags stripped, as one normalised string."""
    from huimin.search.analysis import normalize

    parts = [page.title or ""] if title else []
    for name in TEXT_FIELDS:
        value = getattr(page, name, "")
        if isinstance(value, str) and value:
            parts.append(html.unescape(strip_tags(value)))
    return normalize(" ".join(parts))[:TEXT_LIMIT]


def facts_of(page) -> dict[str, set[str]]:
    """Everything a criterion may ask of `page` (a page or a revision's object)."""
    facts = content_tags(page)
    if type(page).__name__ == "PolicyPage":
        if page.pub_date:
            facts["year"] = {str(timezone.localtime(page.pub_date).year)}
        facts["doc_kind"] = {page.doc_kind} if page.doc_kind else set()
        facts["validity"] = {page.validity} if page.validity else set()
    facts["topic_page"] = _topic_pages_gathering(page)
    facts["search"] = _queries_found_in(plain_text(page))
    return {key: values for key, values in facts.items() if values}


def _queries_found_in(text: str) -> set[str]:
    """The subscribed search queries (their normalised words) whose every word is in `text`."""
    queries = Criterion.objects.filter(key="search").values_list("value", flat=True).distinct()
    return {query for query in queries if all(word in text for word in query.split())}


def _topic_pages_gathering(page) -> set[str]:
    """Ids of the subscribed topic pages whose list components would show `page`."""
    from huimin.topics.models import TopicPage

    ids = Criterion.objects.filter(key="topic_page").values_list("value", flat=True).distinct()
    wanted = [int(value) for value in ids if value.isdigit()]
    if not wanted:
        return set()
    found = set()
    item = _ItemFacts.of(page)
    for topic in TopicPage.objects.live().public().filter(pk__in=wanted):
        if any(rule_matches(rule, item) for rule in topic_rules(topic.body.raw_data)):
            found.add(str(topic.pk))
    return found


def topic_rules(raw_blocks) -> list[dict]:
    """The list components of a topic body (raw stream data, layout columns opened), as rules."""
    rules = []
    for block in raw_blocks or []:
        kind, value = block.get("type"), block.get("value") or {}
        if kind in ("two_columns", "three_columns"):
            for column in value.values():
                rules += topic_rules(column if isinstance(column, list) else [])
        elif kind in ("policy_list", "interpretation_list", "guide_list", "news_list"):
            rules.append({"type": kind, **value})
    return rules


@dataclass
class _ItemFacts:
    """What the topic lists filter on, read from a page or a revision's object."""

    model: str
    pk: int | None
    parent_path: str = ""
    topic_ids: set[str] = field(default_factory=set)
    unit_ids: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    service_object_ids: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, page) -> _ItemFacts:
        model = type(page).__name__
        item = cls(model, page.pk, parent_path=(page.path or "")[:-4])
        if model == "PolicyPage":
            item.topic_ids = {str(page.topic_id)} if page.topic_id else set()
            item.unit_ids = {str(page.issuer_id)} if page.issuer_id else set()
            item.texts = [page.title, page.keywords, page.summary]
        elif model == "InterpretationPage":
            policies = list(page.policies.all())
            item.topic_ids = {str(p.topic_id) for p in policies if p.topic_id}
            item.texts = [page.title, page.summary] + [t for p in policies for t in (p.title, p.keywords)]
        elif model == "ServiceGuidePage":
            item.unit_ids = {str(page.unit_id)} if page.unit_id else set()
            item.themes = {theme.name for theme in page.themes.all()}
            item.service_object_ids = {str(item.pk) for item in page.service_objects.all()}
        return item


def rule_matches(rule: dict, item: _ItemFacts) -> bool:
    """Whether a topic list component (as `topic_rules` gives it) would list the item."""
    kind = rule["type"]
    expected = {
        "policy_list": "PolicyPage",
        "interpretation_list": "InterpretationPage",
        "guide_list": "ServiceGuidePage",
        "news_list": "ArticlePage",
    }[kind]
    if item.model != expected:
        return False
    if kind == "news_list":
        from wagtail.models import Page

        column = rule.get("column")
        return bool(column) and Page.objects.filter(pk=column, path=item.parent_path).exists()
    picked = {int(pk) for pk in rule.get("pages") or [] if isinstance(pk, int)}
    if item.pk in picked:
        return True
    keyword = str(rule.get("keyword") or "").strip()
    conditions = []
    if kind in ("policy_list", "interpretation_list") and rule.get("topic"):
        conditions.append(str(rule["topic"]) in item.topic_ids)
    if kind in ("policy_list", "guide_list") and rule.get("unit"):
        conditions.append(str(rule["unit"]) in item.unit_ids)
    if kind in ("policy_list", "interpretation_list") and keyword:
        conditions.append(any(keyword in (text or "") for text in item.texts))
    if kind == "guide_list" and rule.get("theme"):
        conditions.append(rule["theme"] in item.themes)
    if kind == "guide_list" and rule.get("service_object"):
        conditions.append(str(rule["service_object"]) in item.service_object_ids)
    return bool(conditions) and all(conditions)


# ---- substance: what makes a later publication worth pushing again ----


def substance(page) -> dict:
    """The parts of an item whose change is news: title, 文号, validity (with its dates) and text."""
    validity = ""
    if hasattr(page, "validity"):
        validity = f"{page.validity}|{page.invalid_date or ''}"
    return {
        "title": (page.title or "").strip(),
        "doc_number": (getattr(page, "doc_number", "") or "").strip(),
        "validity": validity,
        "text": plain_text(page, title=False),
    }


def fingerprint(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


CHANGE_LABELS = {"title": "标题", "doc_number": "文号", "validity": "时效", "text": "正文"}


def changes(old: dict, new: dict, ratio: float) -> list[str]:
    """The substantive changes from `old` to `new` (their labels); empty when nothing changed in substance.
    The text counts only when it changed by more than `ratio` of itself."""
    found = [key for key in ("title", "doc_number", "validity") if old.get(key) != new.get(key)]
    before, after = old.get("text", ""), new.get("text", "")
    if before != after:
        matcher = difflib.SequenceMatcher(None, before, after)
        # The quick ratios are upper bounds of the ratio: the costly one only when they cannot decide.
        if (
            matcher.real_quick_ratio() < 1 - ratio
            or matcher.quick_ratio() < 1 - ratio
            or matcher.ratio() < 1 - ratio
        ):
            found.append("text")
    return [CHANGE_LABELS[key] for key in found]


# ---- matching ----


@dataclass
class Match:
    subscription_id: int
    account_id: int
    title: str
    kind: str
    frequency: str
    channels: list[str]
    matched: dict[str, list[str]]
    reachable: set[str] = field(default_factory=set)
    signature: str = ""


def _candidates(facts: dict[str, set[str]]):
    condition = Q()
    for key, values in facts.items():
        condition |= Q(key=key, value__in=sorted(values))
    if not condition:
        return Criterion.objects.none().values("subscription_id")
    return Criterion.objects.filter(condition).values("subscription_id")


def match(facts: dict[str, set[str]]) -> list[Match]:
    """The subscriptions whose every criterion holds for an item with these facts.

    The criteria of a subscription are checked once per distinct set of criteria (its `signature`), not
    once per subscription: many people subscribe to the same thing."""
    candidates = _candidates(facts)
    reachable = {
        "mail_ok": ExpressionWrapper(
            Q(account__email_verified_at__isnull=False) & ~Q(account__email=""), output_field=BooleanField()
        ),
        "sms_ok": ExpressionWrapper(
            Q(account__mobile_verified_at__isnull=False) & ~Q(account__mobile=""), output_field=BooleanField()
        ),
    }
    subscriptions = list(
        Subscription.objects.filter(pk__in=Subquery(candidates))
        .annotate(**reachable)
        .values_list(
            "pk",
            "account_id",
            "title",
            "kind",
            "frequency",
            "by_inbox",
            "by_email",
            "by_sms",
            "signature",
            "mail_ok",
            "sms_ok",
        )
        .iterator(chunk_size=10_000)
    )
    verdicts = _verdicts({row[0]: row[8] for row in subscriptions}, facts)
    found = []
    for (
        pk,
        account_id,
        title,
        kind,
        frequency,
        inbox,
        email,
        sms,
        signature,
        mail_ok,
        sms_ok,
    ) in subscriptions:
        matched = verdicts.get(signature)
        if matched is None:
            continue
        channels = [name for name, wanted in (("inbox", inbox), ("email", email), ("sms", sms)) if wanted]
        can = {"inbox"} | ({"email"} if mail_ok else set()) | ({"sms"} if sms_ok else set())
        found.append(Match(pk, account_id, title, kind, frequency, channels, matched, can, signature))
    return found


def _verdicts(signatures: dict[int, str], facts) -> dict[str, dict[str, list[str]] | None]:
    """For each distinct signature among the subscriptions (id -> signature), the values that satisfied its
    criteria, or None; the rows are read for one subscription of each signature."""
    representative = {}
    for pk, signature in signatures.items():
        representative.setdefault(signature, pk)
    verdicts: dict[str, dict[str, list[str]] | None] = {}
    ids = list(representative.values())
    for start in range(0, len(ids), VERDICT_BATCH):
        rows = defaultdict(list)
        for subscription_id, key, value, mode in Criterion.objects.filter(
            subscription_id__in=ids[start : start + VERDICT_BATCH]
        ).values_list("subscription_id", "key", "value", "mode"):
            rows[subscription_id].append((key, value, mode))
        for pk in ids[start : start + VERDICT_BATCH]:
            verdicts[signatures[pk]] = _satisfied(rows.get(pk, []), facts) if rows.get(pk) else None
    return verdicts


def _satisfied(
    criteria: list[tuple[str, str, str]], facts: dict[str, set[str]]
) -> dict[str, list[str]] | None:
    """The values that made the criteria hold, by key; None when they do not hold."""
    anys, alls = defaultdict(set), defaultdict(set)
    for key, value, mode in criteria:
        (alls if mode == Mode.ALL else anys)[key].add(value)
    matched = {}
    for key in anys.keys() | alls.keys():
        have = facts.get(key, set())
        if alls[key] - have:
            return None
        hit = (anys[key] & have) | alls[key]
        if anys[key] and not anys[key] & have:
            return None
        matched[key] = sorted(hit)
    return matched


def fastest(frequencies) -> str:
    return min(frequencies, key=FREQUENCY_ORDER.index)
