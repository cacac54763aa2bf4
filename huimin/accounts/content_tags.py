"""The tags of a published item, in the keys of the group's vocabularies (`tags.py`).

`content_tags(page)` describes a policy, interpretation, service guide, article or dataset with the same keys
a citizen's tags use, so that subscriptions (精准推送) and recommendations (为您推荐) compare like with like:

- ``service_object``, ``industry``, ``topic``: the library's vocabularies, by name. A policy carries its own;
  an interpretation those of the policies it interprets; a guide its service objects and the topics of the
  policies it is based on (设定依据).
- ``region``: the region of the publishing site's unit: its county or function area (the unit itself or an
  ancestor), otherwise the city.
- ``size``: enterprise sizes named in the title, keywords or summary (中小企业 names two, 小微企业 two).
- ``group`` (人群): the groups named, or stood for by a synonym (`tags.synonyms("group")`), in the title,
  keywords and summary, and the service objects that are also groups (老年人, 残疾人 …).

and, to describe where it stands:

- ``kind``: policy / interpretation / guide / notice / news / dataset / topic (an article is a notice in a
  column whose type is notice-like: setting HUIMIN_PUSH_NOTICE_COLUMN_TYPES, default 通知公告);
- ``column``: ids of its ancestor pages below the tree root (its site's home page, columns, library);
- ``unit``: ids of the publishing org units (issuer, handling unit, providing unit, the interpreted policies'
  issuers, or an article's column's responsible unit);
- ``site``: the id of the site it is published on.

Every value is a string (ids too), so one (key, value) index serves every key. Works on a page as stored and
on a revision's object (`page.get_latest_revision_as_object()`), to count the reach of a draft.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Page, Site

from . import tags
from .tags import keys as vocabulary

DEFAULT_NOTICE_COLUMN_TYPES = ("通知公告",)

# Words that name enterprise sizes in a text; the vocabulary may add its own through `synonyms` of "size".
DEFAULT_SIZE_WORDS = {
    "大型企业": ("大型企业", "大企业"),
    "中型企业": ("中型企业", "中小企业", "中小微企业"),
    "小型企业": ("小型企业", "中小企业", "小微企业", "中小微企业"),
    "微型企业": ("微型企业", "小微企业", "中小微企业"),
}

TAG_KEYS = ("service_object", "industry", "region", "size", "group", "topic")
PLACE_KEYS = ("kind", "column", "unit", "site")


def notice_column_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "HUIMIN_PUSH_NOTICE_COLUMN_TYPES", DEFAULT_NOTICE_COLUMN_TYPES))


def content_tags(page: Page) -> dict[str, set[str]]:
    """The tags of a page (see the module's docstring). Keys without a value map to an empty set."""
    if type(page) is Page:
        page = page.specific
    result: dict[str, set[str]] = {key: set() for key in (*TAG_KEYS, *PLACE_KEYS)}
    describe = _DESCRIBERS.get(type(page).__name__, _describe_other)
    units = describe(page, result)
    result["unit"] = {str(unit.pk) for unit in units if unit is not None}
    text = _text(page)
    result["group"] |= _named(text, _group_words())
    result["group"] |= result["service_object"] & set(_group_values())
    result["size"] |= _named(text, _size_words())
    site, unit = _site_and_unit(page)
    if site is not None:
        result["site"] = {str(site.pk)}
    region = _region_of(unit)
    if region:
        result["region"] = {region}
    result["column"] = {str(pk) for pk in _ancestor_ids(page)}
    return result


# ---- one describer per content type: fills the vocabulary keys and `kind`, returns the units ----


def _describe_policy(page, result):
    result["kind"] = {"policy"}
    result["topic"] = {page.topic.name} if page.topic_id and page.topic else set()
    result["industry"] = {item.name for item in page.industries.all()}
    result["service_object"] = {item.name for item in page.service_objects.all()}
    return [page.issuer] if page.issuer_id else []


def _describe_interpretation(page, result):
    result["kind"] = {"interpretation"}
    units = []
    for policy in page.policies.all():
        result["topic"] |= {policy.topic.name} if policy.topic_id else set()
        result["industry"] |= {item.name for item in policy.industries.all()}
        result["service_object"] |= {item.name for item in policy.service_objects.all()}
        units.append(policy.issuer)
    return units


def _describe_guide(page, result):
    result["kind"] = {"guide"}
    result["service_object"] = {item.name for item in page.service_objects.all()}
    for basis in page.bases.all():
        policy = basis.policy if basis.policy_id else None
        if policy is not None and policy.topic_id:
            result["topic"].add(policy.topic.name)
    return [page.unit] if page.unit_id else []


def _describe_article(page, result):
    column = _parent_column(page)
    notice = column is not None and column.column_type.name in notice_column_types()
    result["kind"] = {"notice" if notice else "news"}
    return [column.responsible_unit] if column is not None else []


def _describe_dataset(page, result):
    result["kind"] = {"dataset"}
    return [page.unit] if page.unit_id else []


def _describe_topic(page, result):
    result["kind"] = {"topic"}
    return []


def _describe_other(page, result):
    return []


_DESCRIBERS = {
    "PolicyPage": _describe_policy,
    "InterpretationPage": _describe_interpretation,
    "ServiceGuidePage": _describe_guide,
    "ArticlePage": _describe_article,
    "DatasetPage": _describe_dataset,
    "TopicPage": _describe_topic,
}


# ---- helpers ----


def _text(page) -> str:
    parts = [page.title or ""]
    for name in ("keywords", "summary", "description"):
        value = getattr(page, name, "")
        if isinstance(value, str):
            parts.append(value)
    return " ".join(parts)


def _named(text: str, words: dict[str, tuple[str, ...]]) -> set[str]:
    return {value for value, synonyms in words.items() if any(word and word in text for word in synonyms)}


def _group_values() -> tuple[str, ...]:
    return next((key.values for key in vocabulary() if key.key == "group"), ())


def _group_words() -> dict[str, tuple[str, ...]]:
    synonyms = tags.synonyms("group")
    return {value: (value, *synonyms.get(value, ())) for value in _group_values()}


def _size_words() -> dict[str, tuple[str, ...]]:
    values = next((key.values for key in vocabulary() if key.key == "size"), ())
    synonyms = tags.synonyms("size")
    return {value: (value, *DEFAULT_SIZE_WORDS.get(value, ()), *synonyms.get(value, ())) for value in values}


def _parent_column(page):
    from huimin.sites.models import ColumnPage

    parent_path = page.path[: -Page.steplen] if page.path else ""
    return (
        ColumnPage.objects.select_related("column_type", "responsible_unit").filter(path=parent_path).first()
    )


def _ancestor_ids(page) -> list[int]:
    if not page.path:
        return []
    step = Page.steplen
    paths = [page.path[:end] for end in range(2 * step, len(page.path), step)]
    return list(Page.objects.filter(path__in=paths).values_list("pk", flat=True))


def _site_and_unit(page):
    """The site whose root holds the page (the deepest root, when roots nest) and that site's unit."""
    from huimin.sites.models import SiteIdentity

    if not page.path:
        return None, None
    sites = [
        site for site in Site.objects.select_related("root_page") if page.path.startswith(site.root_page.path)
    ]
    if not sites:
        return None, None
    site = max(sites, key=lambda s: len(s.root_page.path))
    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    return site, identity.org_unit if identity is not None else None


def _region_of(unit) -> str:
    """A county or function area (the unit or its nearest such ancestor), else the city."""
    from huimin.sites.models import OrgUnit

    seen = set()
    while unit is not None and unit.pk not in seen:
        if unit.kind in tags.REGION_KINDS:
            return unit.name
        seen.add(unit.pk)
        unit = unit.parent
    office = OrgUnit.objects.filter(kind="city_office").values_list("name", flat=True).first()
    return tags._city_name(office) if office else ""
