"""An article shows its cover picture with its alt text, and its summary only when the body does not already
open with it."""

import pytest
from bs4 import BeautifulSoup

from huimin.articles.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("summary", "body", "lead"),
    [
        ("", "<p>正文。</p>", ""),
        ("会议部署了防汛工作。", "<p>会议部署了防汛工作。</p><p>其他内容。</p>", ""),
        ("“河长制”推进有力。", "<p>&ldquo;河长制&rdquo;推进有力。</p>", ""),
        ("本文件的起草背景。", "<p>第一条 为了规范管理。</p>", "本文件的起草背景。"),
    ],
)
def test_the_lead_is_the_summary_unless_the_body_opens_with_it(summary, body, lead):
    assert ArticlePage(summary=summary, body=body).lead == lead


def test_a_cover_picture_is_shown_with_its_alt_text_but_not_in_plain_text(client, demo):
    article = (
        ArticlePage.objects.live().filter(cover_image__isnull=False).select_related("cover_image").first()
    )
    assert article is not None, "the demo gives news items a cover"
    host = article.get_site().hostname
    page = BeautifulSoup(client.get(article.url, HTTP_HOST=host).content, "html.parser")
    img = page.select_one("figure.article-cover img")
    assert img is not None and img["alt"] == (article.cover_image.description or article.title)
    assert img["src"]
    client.get("/moshi/text/", HTTP_HOST=host)
    page = BeautifulSoup(client.get(article.url, HTTP_HOST=host).content, "html.parser")
    assert page.select_one("figure.article-cover") is None
