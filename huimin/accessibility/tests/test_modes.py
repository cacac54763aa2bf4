"""The standard, elderly-friendly (长者模式) and plain-text (纯文本) versions, switched by plain links."""

import pytest

from huimin.accessibility.enums import MODE_COOKIE
from huimin.sites.tests.html import soup

from .public_pages import PUBLIC_PAGES

pytestmark = pytest.mark.django_db


def _get(client, host, path, status=200):
    response = client.get(path, HTTP_HOST=f"{host}:8000")
    assert response.status_code == status, (host, path, response.status_code)
    return response


def test_a_switch_link_stores_the_mode_and_goes_back_to_the_same_page(client, demo):
    response = client.get("/moshi/elder/", {"next": "/gzdt/?page=2"}, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 302 and response["Location"] == "/gzdt/?page=2"
    cookie = response.cookies[MODE_COOKIE]
    assert cookie.value == "elder" and cookie["samesite"] == "Lax" and cookie["httponly"]
    assert cookie["max-age"] >= 30 * 24 * 3600
    back = client.get("/moshi/standard/", {"next": "/gzdt/"}, HTTP_HOST="127.0.0.1:8000")
    assert back["Location"] == "/gzdt/" and back.cookies[MODE_COOKIE]["max-age"] == 0


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "", "\\\\evil.example"]
)
def test_a_switch_never_sends_the_reader_to_another_site(client, demo, target):
    response = client.get("/moshi/text/", {"next": target}, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("mode", ["large", "<script>", "ELDER", "../admin"])
def test_an_unknown_mode_is_not_found_and_sets_nothing(client, demo, mode):
    response = client.get(f"/moshi/{mode}/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 404 and MODE_COOKIE not in response.cookies


def test_a_forged_cookie_value_falls_back_to_the_standard_version(client, demo):
    client.cookies[MODE_COOKIE] = '"><script>alert(1)</script>'
    html = _get(client, "127.0.0.1", "/").content.decode()
    assert '<html lang="zh-CN" class="mode-standard">' in html and "<script>alert(1)" not in html


@pytest.mark.parametrize(("host", "path", "kind"), PUBLIC_PAGES)
def test_every_page_links_to_the_other_versions_and_back_to_itself(client, demo, host, path, kind):
    document = soup(_get(client, host, path).content)
    links = {a.get_text(strip=True): a["href"] for a in document.select("nav.mode-links a")}
    assert set(links) == {"长者模式", "纯文本"}
    assert all(href.startswith("/moshi/") and "next=" in href for href in links.values())
    client.cookies[MODE_COOKIE] = "elder"
    document = soup(_get(client, host, path).content)
    assert document.html["class"] == ["mode-elder"]
    assert "退出长者模式" in [a.get_text(strip=True) for a in document.select("nav.mode-links a")]
    del client.cookies[MODE_COOKIE]


def test_the_elder_version_uses_its_stylesheet_and_puts_the_common_tasks_first(client, demo):
    standard = soup(_get(client, "127.0.0.1", "/").content)
    assert not standard.select(".elder-tasks")
    assert not [link for link in standard.select("link[rel=stylesheet]") if "elder.css" in link["href"]]
    client.cookies[MODE_COOKIE] = "elder"
    response = _get(client, "127.0.0.1", "/")
    document = soup(response.content)
    sheets = [link["href"] for link in document.select("link[rel=stylesheet]")]
    assert any("site.css" in s for s in sheets) and any("elder.css" in s for s in sheets)
    tasks = document.select_one(".elder-tasks")
    # The common tasks come before every block of the home page.
    blocks = [
        b for b in document.main.select("section, .column-grid") if b is not tasks and tasks not in b.parents
    ]
    first_block = blocks[0]
    assert tasks.sourceline < first_block.sourceline or (
        tasks.sourceline == first_block.sourceline and tasks.sourcepos < first_block.sourcepos
    )
    names = [a.get_text(strip=True) for a in tasks.select("a")]
    assert names[:2] == ["我要留言", "查询留言办理进度"] and "政策文件库" in "".join(names)
    assert "Cookie" in response["Vary"]


def test_the_plain_text_version_has_no_layout_no_script_and_the_same_content(client, demo):
    standard = soup(_get(client, "127.0.0.1", "/zcwj/seed-2022-website-work-points/").content)
    client.cookies[MODE_COOKIE] = "text"
    text = soup(_get(client, "127.0.0.1", "/zcwj/seed-2022-website-work-points/").content)
    sheets = [link["href"] for link in text.select("link[rel=stylesheet]")]
    assert len(sheets) == 1 and sheets[0].endswith("text.css")
    assert not text.select("script") and not text.select(".assist-toggle")
    assert text.main.get_text(" ", strip=True) == standard.main.get_text(" ", strip=True)
    assert "退出纯文本" in [a.get_text(strip=True) for a in text.select("nav.mode-links a")]


def test_the_plain_text_version_replaces_each_picture_with_its_text_alternative(client, demo):
    client.cookies[MODE_COOKIE] = "text"
    document = soup(_get(client, "127.0.0.1", "/").content)
    assert not document.select("img, svg, video, iframe")
    badge = document.select_one("a.conac-badge")
    assert badge.get_text(strip=True) == "[图片：党政机关网站标识]" and badge["href"].startswith("https://")


def test_plain_text_conversion_keeps_hostile_alt_text_as_text():
    from huimin.accessibility.plain_text import to_plain_text

    html = to_plain_text(
        '<p><img alt="<script>alert(1)</script>" src=x onerror=alert(1)><img alt="" src=d>'
        '<video title="访谈"></video><iframe src="https://evil.example/"></iframe><svg><text>x</text></svg></p>'
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "[视频：访谈]" in html and "[嵌入内容]" in html and "<img" not in html and "<svg" not in html
