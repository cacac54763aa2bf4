"""`{% related_content page %}`: the 相关推荐 list of a page (see `queries.related`)."""

from django import template

from huimin.search import queries

register = template.Library()


@register.inclusion_tag("search/includes/related.html")
def related_content(page):
    return {"related_items": queries.related(page) if page is not None and page.pk else []}
