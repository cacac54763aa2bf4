"""The public search page `/search/` (every site of the group, inside the site's own chrome) and the
suggestions endpoint `/search/suggest/?q=` (JSON for the search box's combobox)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from huimin.core import throttle
from huimin.profiles import recording
from huimin.sites import queries as site_queries

from . import qa, queries, services
from .enums import DocumentKind

PAGE_SIZE = 10
MAX_PAGE = 1000
SCOPE_CHOICES = [("site", "本站"), ("group", "全市网站群")]
SORT_CHOICES = [("relevance", "相关度"), ("date", "时间")]
FACET_LABELS = [("type", "类型"), ("site", "网站"), ("unit", "单位"), ("topic", "主题"), ("year", "年份")]


def _now():
    return timezone.now()


def _int(value, *, low: int = 1, high: int = 2**31 - 1) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def parse(params) -> dict:
    """The page's parameters, with anything malformed dropped rather than refused."""
    scope = params.get("scope", "site")
    sort = params.get("sort", "relevance")
    kind = params.get("type", "")
    return {
        "q": (params.get("q") or "")[:1000],
        "scope": scope if scope in dict(SCOPE_CHOICES) else "site",
        "sort": sort if sort in dict(SORT_CHOICES) else "relevance",
        "type": kind if kind in DocumentKind.values else "",
        "site": _int(params.get("site")),
        "unit": _int(params.get("unit")),
        "topic": (params.get("topic") or "")[:100],
        "year": _int(params.get("year"), low=1900, high=2200),
        "page": _int(params.get("page"), high=MAX_PAGE) or 1,
    }


def _query_string(filters: dict, **changes) -> str:
    values = {**filters, **changes}
    pairs = [(name, values[name]) for name in ("q", "scope", "type", "site", "unit", "topic", "year", "sort")]
    return urlencode([(name, value) for name, value in pairs if value not in (None, "")])


@require_GET
def search_page(request):
    chrome = site_queries.site_chrome(request)
    site = chrome["site"]
    now = _now()
    filters = parse(request.GET)

    def run(page):
        return queries.search(
            filters["q"],
            site=site,
            scope=filters["scope"],
            kind=filters["type"] or None,
            unit=filters["unit"],
            topic=filters["topic"] or None,
            year=filters["year"],
            site_filter=filters["site"] if filters["scope"] == "group" else None,
            sort=filters["sort"],
            page=page,
            page_size=PAGE_SIZE,
            now=now,
        )

    results = run(filters["page"])
    # Sorting by date reaches the first `date_sort_max` matches only; a page past the last shows the last.
    pageable = (
        min(results.total, queries.ranking()["date_sort_max"]) if filters["sort"] == "date" else results.total
    )
    last_page = max(1, -(-pageable // PAGE_SIZE))
    if pageable and filters["page"] > last_page:
        filters["page"] = last_page
        results = run(last_page)
    if not results.empty_query and filters["page"] == 1:
        services.log_search(
            filters["q"],
            site=site,
            results_count=results.total,
            kind=filters["type"],
            scope=filters["scope"],
            visitor=services.visitor_key(throttle.client_ip(request)),
            now=now,
        )
        recording.search(request, filters["q"], site=site, now=now)  # a consenting citizen's 用户画像
    facets = {name: results.facets.get(name, []) for name, _label in FACET_LABELS}
    if filters["scope"] != "group":
        facets["site"] = []
    facet_groups = [
        (
            name,
            label,
            [
                (option, _query_string(filters, **{name: "" if option.selected else option.value}))
                for option in facets[name]
            ],
        )
        for name, label in FACET_LABELS
        if facets[name]
    ]
    paginator = Paginator(range(pageable), PAGE_SIZE)
    page_obj = paginator.get_page(filters["page"]) if pageable else None
    context = {
        **chrome,
        "filters": filters,
        "results": results,
        "answer": qa.card_answer(filters["q"], site=site, now=now, ranked=results.ranked)
        if filters["page"] == 1
        else None,
        "scope_choices": SCOPE_CHOICES,
        "sort_choices": SORT_CHOICES,
        "kind_choices": DocumentKind.choices,
        "facet_groups": facet_groups,
        "facet_selects": [(name, label, facets[name]) for name, label in FACET_LABELS if facets[name]],
        "page_obj": page_obj,
        "page_query": (_query_string(filters) + "&") if filters["q"] else "",
        "hot": queries.hot_searches(site=site, now=now) if site else [],
        "did_you_mean_query": _query_string(filters, q=results.did_you_mean, page=None),
        "letter_url": reverse("letter_write") + "?" + urlencode({"title": results.query[:50]}),
        "first_number": (filters["page"] - 1) * PAGE_SIZE + 1,
    }
    return TemplateResponse(request, "search/search_page.html", context)


@require_GET
def suggest_view(request):
    """`{"q": …, "suggestions": [text, …]}`: completions of a partly typed query."""
    chrome = site_queries.site_chrome(request)
    q = (request.GET.get("q") or "")[:100]
    return JsonResponse(
        {"q": q, "suggestions": queries.suggest(q, site=chrome["site"])},
        json_dumps_params={"ensure_ascii": False},
    )
