"""The national page tags (STANDARDS.md §1): which tags a page carries and their values."""

from __future__ import annotations

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
CONTENT_TAGS = ("ArticleTitle", "PubDate", "ContentSource")
CONTENT_OPTIONAL_TAGS = ("Keywords", "Author", "Description", "Image", "Url")
PUB_DATE_FORMAT = "%Y-%m-%d %H:%M"


def site_tags(identity) -> list[tuple[str, str]]:
    if identity is None:
        return [(name, "") for name in SITE_TAGS]
    return [
        ("SiteName", identity.site_name),
        ("SiteDomain", identity.domain),
        ("SiteIDCode", identity.site_code),
    ]


def tags_for_page(page, request, identity) -> list[tuple[str, str]]:
    """Every national tag of one page, in order: site tags, then column or content tags."""
    tags = site_tags(identity)
    if hasattr(page, "column_tags"):
        tags += page.column_tags(identity)
    if hasattr(page, "content_tags"):
        tags += page.content_tags(request, identity)
    return tags


class ViewColumn:
    """A list that is not a page of the tree (the published letters, for one) but is a column all the same:
    it carries the column tags, given here, like a `ColumnPage`."""

    def __init__(self, name: str, description: str, keywords: str, column_type: str):
        self.name = name
        self.description = description
        self.keywords = keywords
        self.column_type = column_type

    def column_tags(self, identity) -> list[tuple[str, str]]:
        return [
            ("ColumnName", self.name),
            ("ColumnDescription", self.description),
            ("ColumnKeywords", self.keywords),
            ("ColumnType", self.column_type),
        ]
