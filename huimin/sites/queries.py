"""Reads of the site structure used by the public pages and by the checks."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Page, Site

from huimin.articles.models import ArticlePage
from huimin.core.api import HOSTNAME

from .models import ColumnPage, HomePage, Membership

HOME_ITEMS_PER_COLUMN = 6


def site_home(page: Page) -> HomePage | None:
    """The home page of the site a page belongs to (home pages sit right under the tree root)."""
    return HomePage.objects.filter(path=page.path[: Page.steplen * 2]).first()


def menu_columns(parent: Page) -> QuerySet[Page]:
    """The pages shown in a site's menu: columns, libraries and any other page set to show in menus."""
    return Page.objects.child_of(parent).live().public().in_menu().specific()


def column_articles(column: ColumnPage) -> QuerySet[ArticlePage]:
    return ArticlePage.objects.child_of(column).live().public().order_by("-pub_date", "-pk")


def home_column_blocks(home: HomePage) -> list[tuple[Page, list[Page]]]:
    """The top-level columns of a site with their newest articles, for the home page."""
    blocks = []
    for column in menu_columns(home):
        items = list(column.latest_items(HOME_ITEMS_PER_COLUMN)) if hasattr(column, "latest_items") else []
        if items:
            blocks.append((column, items))
    return blocks


def newest_item_date(column: ColumnPage):
    """Publication time of the newest live item in a column, or None for a blank column."""
    return (
        ArticlePage.objects.descendant_of(column)
        .live()
        .order_by("-pub_date")
        .values_list("pub_date", flat=True)
        .first()
    )


def site_for_hostname(value: str) -> Site | None:
    """The group's site with this hostname (any case, spaces around ignored), or None for anything else."""
    hostname = (value or "").strip().lower()
    return Site.objects.filter(hostname=hostname).first() if HOSTNAME.match(hostname) else None


def site_chrome(request) -> dict:
    """What the base template needs on a page that is not a Wagtail page (tools, forms): the request's
    site, its home page and the menu columns."""
    site = Site.find_for_request(request)
    return {"site": site, **(page_chrome(site.root_page) if site else {"home": None, "columns": []})}


def page_chrome(page: Page) -> dict:
    """What the base template needs around a page of the tree: its site's home page and the menu columns."""
    home = site_home(page)
    return {"home": home, "columns": menu_columns(home) if home else []}


def second_factor_required(user) -> bool:
    """Whether a person must sign in to the admin with a second factor (the predicate named by
    HUIMIN_SECOND_FACTOR_REQUIRED, decision 0012): a superuser, and anyone holding a group-wide role (a
    membership with no site: the platform administrator and the other 三员 roles). A role on one site leaves
    it to the person."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, site__isnull=True).exists()
