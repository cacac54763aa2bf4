"""The demo's content reads as a real site group's: each unit publishes its own subjects, in simplified
Chinese, over two years, with pictures that carry alt text; no page calls itself a demonstration."""

import json
import re
from datetime import timedelta

import opencc
import pytest
from wagtail.images.models import Image
from wagtail.models import Page, Site

from huimin.articles.models import ArticlePage
from huimin.demo import pictures
from huimin.demo.builder import SEED_DIR, SEEDS, load_spec, seed_text
from huimin.policies.models import InterpretationPage, PolicyPage

pytestmark = pytest.mark.django_db

SITE_KEYS = ("portal", "shuyang", "sucheng", "slj", "jyj")
T2S = opencc.OpenCC("t2s")


def _site_spec(key: str) -> dict:
    return next(s for s in load_spec()["sites"] if s["key"] == key)


def _pages_of(key: str):
    root = Site.objects.get(hostname=_site_spec(key)["hostname"]).root_page
    return Page.objects.descendant_of(root, inclusive=True).live().specific()


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "raw_data"):  # a StreamField value
        return json.dumps(list(value.raw_data), ensure_ascii=False)
    return str(value)


def _words(page) -> str:
    """What a reader sees of a page's own content: title, summary, body, introduction and description."""
    fields = ("title", "summary", "body", "intro", "description", "text_alternative")
    return " ".join(_text(getattr(page, name, None)) for name in fields)


def test_no_page_calls_itself_a_demonstration(demo):
    offenders = [
        (page.url_path, page.title)
        for page in Page.objects.live().specific()
        if "演示" in _words(page) or getattr(page, "is_demo", False)
    ]
    assert offenders == []


def test_every_image_has_alt_text_and_the_shipped_ones_are_in_the_manifest(demo):
    images = list(Image.objects.all())
    assert len(images) >= 30
    assert [image.title for image in images if not image.description.strip()] == []
    manifest = pictures.manifest()
    for name, entry in manifest.items():
        assert (pictures.IMAGE_DIR / name).is_file(), name
        assert entry["alt"] and "演示" not in entry["alt"] + entry["title"]
    for key in SITE_KEYS:
        assert f"banner-{key}.jpg" in manifest and f"emblem-{key}.png" in manifest


@pytest.mark.parametrize(
    ("key", "least"), [("portal", 8), ("shuyang", 3), ("sucheng", 3), ("slj", 3), ("jyj", 3)]
)
def test_news_items_have_cover_pictures(demo, key, least):
    news = [p for p in _pages_of(key) if isinstance(p, ArticlePage) and p.get_parent().slug == "gzdt"]
    covered = [p for p in news if p.cover_image_id]
    assert len(covered) >= least
    newest = sorted(news, key=lambda p: p.pub_date, reverse=True)[:3]
    assert all(p.cover_image and p.cover_image.description for p in newest)


def test_every_one_picture_page_shows_its_infographic_and_the_same_words_as_text(demo, client):
    charts = ArticlePage.objects.live().filter(title__startswith="一图读懂")
    assert charts.count() == 2 * len(SITE_KEYS)
    for page in charts:
        found = re.search(r'<embed embedtype="image" id="(\d+)"', page.body)
        assert found, page.title
        image = Image.objects.get(pk=found.group(1))
        assert image.description.startswith("图解") and image.file.name.endswith(".png")
        assert "图解文字版" in page.body
        words = pictures.infographics()[
            next(n for n, e in pictures.manifest().items() if e["alt"] == image.description)
        ]
        assert all(item in page.body for section in words["sections"] for item in section["items"])
    interpretations = InterpretationPage.objects.live().filter(title__startswith="一图读懂")
    assert interpretations.exists()
    assert all(i.graphics.exists() and i.graphics.first().image.description for i in interpretations)

    page = charts.filter(url_path__startswith="/slj-localhost/").first()
    response = client.get(page.url_path.removeprefix("/slj-localhost"), HTTP_HOST="slj.localhost:8000")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<img[^>]+alt="图解：宿迁市', html) and "图解文字版" in html


def test_each_unit_publishes_its_own_subjects(demo):
    spec = load_spec()
    water, education = _site_spec("slj"), _site_spec("jyj")
    assert set(water["topics"]) == {
        "防汛抗旱",
        "河湖长制",
        "水资源管理",
        "农田水利",
        "水土保持",
        "水利工程建设",
    }
    assert "义务教育招生" in education["topics"] and not set(water["topics"]) & set(education["topics"])
    assert all(topic in spec["topics"] for s in spec["sites"] for topic in s["topics"])

    water_words = " ".join(_words(p) for p in _pages_of("slj"))
    for subject in ("义务教育", "招生入学", "学前教育", "“双减”"):
        assert subject not in water_words
    education_words = " ".join(_words(p) for p in _pages_of("jyj"))
    for subject in ("河湖长制", "防汛", "水土保持"):
        assert subject not in education_words
    policies = PolicyPage.objects.live().filter(url_path__startswith="/slj-localhost/")
    assert policies.count() >= 10 and all(p.topic.name == "农业、林业、水利" for p in policies)


def test_titles_do_not_repeat_and_bodies_are_about_their_titles(demo):
    spec = load_spec()
    for key in SITE_KEYS:
        site_spec = _site_spec(key)
        articles = [p for p in _pages_of(key) if isinstance(p, ArticlePage)]
        columns = {}
        for article in articles:
            columns.setdefault(article.get_parent().pk, []).append(article.title)
        assert all(len(titles) == len(set(titles)) for titles in columns.values()), key
        for article in articles:
            if article.get_parent().slug != "gzdt":
                continue
            topic = next(t for t in site_spec["topics"] if t in article.title)
            own = [
                s.format(place=site_spec["place"], area=site_spec["area"], topic=topic)
                for s in spec["topics"][topic]["sentences"]
            ]
            assert sum(sentence in article.body for sentence in own) >= 2, article.title


def test_the_open_government_guides_say_how_to_find_and_how_to_apply(demo):
    guides = ArticlePage.objects.live().filter(title__endswith="政府信息公开指南")
    assert guides.count() == len(SITE_KEYS)
    for guide in guides:
        assert "主动公开" in guide.body and "依申请公开" in guide.body
        assert "20个工作日内予以答复" in guide.body and "延长的期限最长不超过20个工作日" in guide.body
        assert "河湖长制" not in guide.body


def test_dates_spread_over_about_two_years_and_none_in_the_future(demo):
    for key in SITE_KEYS:
        dates = [
            p.pub_date for p in _pages_of(key) if isinstance(p, ArticlePage) and p.get_parent().slug != "zcwj"
        ]
        assert max(dates) <= demo_now() and max(dates) - min(dates) >= timedelta(days=540), key


def demo_now():
    from huimin.conftest import DEMO_NOW

    return DEMO_NOW


def test_the_2022_seed_reads_in_simplified_characters_with_the_original_attached(demo, client):
    seed = next(s for s in SEEDS if s.traditional)
    page = ArticlePage.objects.get(slug=seed.slug)
    assert page.url_path.endswith("/zcwj/seed-2022-website-work-points/")
    text = re.sub(r"<[^>]+>", "", page.body)
    assert text == T2S.convert(text)
    assert "2022年宿迁市政府网站工作要点" in text and "宿遷" not in text
    attachment = page.attachments.get()
    with attachment.document.file.open("rb") as handle:
        assert handle.read() == (SEED_DIR / seed.filename).read_bytes()
    assert "2022年宿遷市政府網站工作要點" in "".join(seed_text(seed))
    response = client.get("/zcwj/seed-2022-website-work-points/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    html = response.content.decode()
    assert attachment.document.url in html and "简体阅读文本" in html


def test_picture_creates_each_image_once(demo):
    before = Image.objects.count()
    first = pictures.picture("cover-sluice.jpg")
    again = pictures.picture("cover-sluice.jpg")
    assert first.pk == again.pk and Image.objects.count() in (before, before + 1)
    assert first.description == pictures.manifest()["cover-sluice.jpg"]["alt"]
    assert (first.width, first.height) == (960, 540)
    with pytest.raises(KeyError):
        pictures.picture("not-shipped.jpg")


def test_the_interview_lists_are_in_their_sites_menus(demo):
    from huimin.interviews.models import InterviewIndexPage, InterviewPage

    indexes = InterviewIndexPage.objects.live()
    assert indexes.count() >= 2 and all(index.show_in_menus for index in indexes)
    assert all(InterviewPage.objects.child_of(index).live().exists() for index in indexes)
