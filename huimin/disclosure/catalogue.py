"""The 政府信息公开目录 (法定主动公开内容) of a site: its entries, drawn from the pages already published.

Which pages: live, public `ArticlePage`s and `PolicyPage`s in the site's tree; on the portal (the site whose
`SiteIdentity.org_unit` is the root of the unit tree) in every site's tree.

Category: the page's own `disclosure_category`; else, for an article, the category of its nearest ancestor
column's type (`huimin.sites.catalogue.for_column_type`), for a policy `zcwj` (政策文件). A page with
neither is not listed.

Unit: a policy's `issuer`; an article's nearest ancestor `ColumnPage.responsible_unit` (or, for an article
outside any column, the `org_unit` of the site it is in).

索引号: a policy's `index_number`; an article stores none, so it gets a derived, stable one,
`"{site_code}/{pub_year}-{pk:05d}"` (the `SiteIdentity.site_code` of the site it is in, the year of its
publication date in Asia/Shanghai, its page id). `article_index_number` is the one place that rule lives.

A catalogue is read in a fixed number of queries whatever the number of pages: sites and identities, units,
columns (bulk, by path), articles, policies, the view restrictions; never one query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from huimin.articles.models import ArticlePage
from huimin.policies.models import PolicyPage
from huimin.sites import catalogue as categories
from huimin.sites.models import ColumnPage, OrgUnit, SiteIdentity

POLICY_CATEGORY = "zcwj"


@dataclass(frozen=True)
class Entry:
    page_id: int
    title: str
    url: str
    index_number: str
    pub_date: datetime
    unit_id: int | None
    unit_name: str
    category: str
    category_name: str
    site_id: int
    kind: str  # "article" or "policy"


@dataclass
class UnitCounts:
    unit: OrgUnit
    counts: list[tuple[categories.Category, int]] = field(default_factory=list)  # data-file order, > 0 only

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)


@dataclass
class Catalogue:
    site: Site
    is_portal: bool
    units: list[OrgUnit]  # the site's units (the portal: all), tree order
    entries: list[Entry]  # newest first
    all_units: dict[int, OrgUnit] = field(default_factory=dict)


def article_index_number(site_code: str, pub_date: datetime, page_id: int) -> str:
    """The derived 索引号 of an article (articles store none): site code, publication year, page id."""
    return f"{site_code}/{timezone.localtime(pub_date).year}-{page_id:05d}"


def _unit_tree(units: list[OrgUnit]) -> dict[int | None, list[OrgUnit]]:
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in sorted(units, key=lambda u: (u.sort_order, u.name)):
        children.setdefault(unit.parent_id, []).append(unit)
    return children


def _descendants(root: OrgUnit, children: dict[int | None, list[OrgUnit]]) -> list[OrgUnit]:
    found, stack = [], [root]
    while stack:
        unit = stack.pop(0)
        found.append(unit)
        stack[0:0] = children.get(unit.pk, [])
    return found


def site_units(site: Site, *, all_units: list[OrgUnit] | None = None) -> list[OrgUnit]:
    """The units of a site: its `SiteIdentity.org_unit` and that unit's descendants, in tree order (the
    portal's unit is the root, so it has every unit). Two queries."""
    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    if identity is None or identity.org_unit is None:
        return []
    all_units = all_units if all_units is not None else list(OrgUnit.objects.all())
    by_pk = {unit.pk: unit for unit in all_units}
    return _descendants(by_pk.get(identity.org_unit_id, identity.org_unit), _unit_tree(all_units))


def site_unit(site: Site) -> OrgUnit | None:
    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    return identity.org_unit if identity else None


def is_portal(identity: SiteIdentity | None) -> bool:
    """The portal is the site whose unit is the root of the unit tree: its catalogue gathers the group."""
    return identity is not None and identity.org_unit is not None and identity.org_unit.parent_id is None


def _nearest(path: str, by_path: dict[str, tuple]) -> tuple | None:
    step = Page.steplen
    for end in range(len(path) - step, 0, -step):
        found = by_path.get(path[:end])
        if found is not None:
            return found
    return None


def _url(url_path: str, roots: list[tuple[str, int, str]], site: Site) -> tuple[str, int] | None:
    """(address, site id) of a page from its url_path: relative on the current site, absolute on another."""
    for root_path, site_id, root_url in roots:
        if url_path.startswith(root_path):
            rest = "/" + url_path[len(root_path) :]
            return (rest if site_id == site.pk else root_url + rest), site_id
    return None


def _restricted() -> list[str]:
    """The paths of pages with a view restriction (private pages and everything below them)."""
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def build(site: Site) -> Catalogue:
    """Every entry of the site's catalogue (the portal: of the group), newest first."""
    identities = list(SiteIdentity.objects.select_related("site", "site__root_page", "org_unit"))
    identity = next((i for i in identities if i.site_id == site.pk), None)
    portal = is_portal(identity)
    all_units = list(OrgUnit.objects.all())
    units = site_units(site, all_units=all_units) if identity else []
    by_unit = {unit.pk: unit for unit in all_units}
    sites = [i.site for i in identities] if portal else [site]
    codes = {i.site_id: i.site_code for i in identities}
    site_unit_of = {i.site_id: i.org_unit_id for i in identities}
    roots = []
    for each in Site.objects.select_related("root_page").order_by("-is_default_site", "pk"):
        root_url = each.root_url
        roots.append((each.root_page.url_path, each.pk, root_url))
    roots.sort(key=lambda row: -len(row[0]))  # the most specific root first
    tree_roots = [s.root_page.path for s in sites]
    if not tree_roots:
        return Catalogue(site, portal, units, [], by_unit)
    within = Q()
    for path in tree_roots:
        within |= Q(path__startswith=path)
    hidden = _restricted()

    def visible(path: str) -> bool:
        return not any(path.startswith(h) for h in hidden)

    columns = {
        path: (type_name, unit_id)
        for path, type_name, unit_id in ColumnPage.objects.filter(within).values_list(
            "path", "column_type__name", "responsible_unit_id"
        )
    }
    entries: list[Entry] = []
    articles = (
        ArticlePage.objects.live()
        .filter(within)
        .values_list("pk", "title", "path", "url_path", "pub_date", "disclosure_category")
    )
    for pk, title, path, url_path, pub_date, own in articles:
        if not visible(path):
            continue
        column = _nearest(path, columns)
        code = own or (categories.for_column_type(column[0]) if column else "")
        located = _url(url_path, roots, site)
        if not code or located is None:
            continue
        url, site_id = located
        unit_id = column[1] if column else site_unit_of.get(site_id)
        entries.append(
            Entry(
                pk, title, url,
                article_index_number(codes.get(site_id, ""), pub_date, pk),
                pub_date, unit_id, _unit_name(by_unit, unit_id), code, categories.name_of(code), site_id,
                "article",
            )
        )  # fmt: skip
    policies = (
        PolicyPage.objects.live()
        .filter(within)
        .values_list("pk", "title", "path", "url_path", "pub_date", "disclosure_category", "index_number",
                     "issuer_id")
    )  # fmt: skip
    for pk, title, path, url_path, pub_date, own, index_number, issuer_id in policies:
        located = _url(url_path, roots, site)
        if not visible(path) or located is None:
            continue
        code = own or POLICY_CATEGORY
        url, site_id = located
        entries.append(
            Entry(
                pk, title, url, index_number, pub_date, issuer_id, _unit_name(by_unit, issuer_id), code,
                categories.name_of(code), site_id, "policy",
            )
        )  # fmt: skip
    entries.sort(key=lambda e: (e.pub_date, e.page_id), reverse=True)
    return Catalogue(site, portal, units, entries, by_unit)


def _unit_name(by_unit: dict[int, OrgUnit], unit_id: int | None) -> str:
    unit = by_unit.get(unit_id) if unit_id else None
    return unit.name if unit else ""


def unit_counts(catalogue: Catalogue) -> list[UnitCounts]:
    """Per unit (the site's units first in tree order, then any other unit that has entries), the number of
    entries in each category, categories in the data file's order; units without entries are left out."""
    tally: dict[int, dict[str, int]] = {}
    for entry in catalogue.entries:
        if entry.unit_id:
            per = tally.setdefault(entry.unit_id, {})
            per[entry.category] = per.get(entry.category, 0) + 1
    known = [unit for unit in catalogue.units if unit.pk in tally]
    extra_ids = set(tally) - {unit.pk for unit in known}
    extra = sorted(
        (catalogue.all_units[pk] for pk in extra_ids if pk in catalogue.all_units),
        key=lambda u: (u.sort_order, u.name),
    )
    result = []
    for unit in [*known, *extra]:
        per = tally[unit.pk]
        counts = [(c, per[c.code]) for c in categories.categories() if per.get(c.code)]
        result.append(UnitCounts(unit, counts))
    return result


def filtered(catalogue: Catalogue, *, unit_id: int | None = None, category: str = "") -> list[Entry]:
    return [
        e
        for e in catalogue.entries
        if (unit_id is None or e.unit_id == unit_id) and (not category or e.category == category)
    ]


def own_pages(catalogue: Catalogue, category: str) -> list[Entry]:
    """The entries of one category in the site's own tree (the 公开指南 and 公开制度 of the site's home)."""
    return [e for e in catalogue.entries if e.category == category and e.site_id == catalogue.site.pk]
