"""Reading national tags and footer items out of rendered HTML, by parsing (not by matching text)."""

from bs4 import BeautifulSoup


def soup(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def meta_tags(document: BeautifulSoup) -> dict[str, str]:
    return {tag["name"]: tag.get("content", "") for tag in document.find_all("meta", attrs={"name": True})}
