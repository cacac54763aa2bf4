"""`huimin inspect`: the JSON report contract, HTML and XLSX reports, the words file, clear errors, and the
demo site group inspected with nothing false found."""

import json
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from huimin.inspection.crawler import Options, inspect_site
from huimin.inspection.document import Site
from huimin.inspection.tests.server import Route, SiteServer

TODAY = timezone.localdate().isoformat()
HOME = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>某县人民政府</title>
<meta name="SiteName" content="某县人民政府"><meta name="SiteDomain" content="127.0.0.1">
<meta name="SiteIDCode" content="3213000001"></head><body><main><h1>某县人民政府</h1>
<ul class="news"><li><a href="/art.html">县政府召开常务会议</a><span>{TODAY}</span></li></ul>
<a href="/gone.html">失效链接</a>
<div style="display:none"><a href="http://casino.example.com/">博彩</a></div>
</main><footer>
<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="/conac.png" alt="党政机关"></a>
网站标识码：3213000001 <a href="https://beian.miit.gov.cn/">苏ICP备12345678号</a> 苏公网安备32130202000001号
主办单位：某县人民政府办公室 联系电话：0527-84301234</footer></body></html>"""
ARTICLE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="gbk"><title>通知</title>
<meta name="SiteName" content="某县人民政府"><meta name="SiteDomain" content="127.0.0.1">
<meta name="SiteIDCode" content="3213000001"><meta name="ArticleTitle" content="通知">
<meta name="PubDate" content="2026-11-20 09:00"><meta name="ContentSource" content="县政府办"></head>
<body><main><h1>通知</h1><p>中华人民共合国成立以来……申请人王某，身份证号 11010519491231002X。</p></main>
<footer><a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="/conac.png" alt="党政机关"></a>
网站标识码：3213000001 苏ICP备12345678号 苏公网安备32130202000001号 主办单位：县政府办 联系电话：0527-84301234
</footer>
</body></html>"""


@pytest.fixture
def planted():
    server = SiteServer({
        "/": Route(HOME),
        "/art.html": Route(ARTICLE.encode("gbk"), headers={"Content-Type": "text/html; charset=gbk"}),
        "/conac.png": Route(b"\x89PNG", headers={"Content-Type": "image/png"}),
    })  # fmt: skip
    yield server
    server.close()


def _inspect(server, tmp_path, *extra, fmt="json"):
    out = tmp_path / f"report.{fmt}"
    call_command(
        "inspect", server.url, "--rate", "0", "--no-external", "--format", fmt, "--out", str(out), *extra
    )
    return out


def test_the_json_report_keeps_its_contract_and_names_each_fault(planted, tmp_path):
    report = json.loads(_inspect(planted, tmp_path).read_text(encoding="utf-8"))
    assert set(report) == {"site", "started", "pages_crawled", "findings", "score"}
    assert report["site"] == planted.url and report["pages_crawled"] == 2
    assert datetime.fromisoformat(report["started"]).utcoffset().total_seconds() == 8 * 3600
    assert set(report["score"]) == {"total", "vetoed", "items", "points"}
    for finding in report["findings"]:
        assert set(finding) == {"check", "severity", "url", "target", "evidence", "homepage"}
    found = {(f["check"], f["homepage"]) for f in report["findings"]}
    assert ("broken_link", True) in found and ("dark_link", True) in found
    assert ("error_report_entry_missing", True) in found
    assert ("sensitive_expression", False) in found and ("privacy_leak", False) in found  # read from GBK
    assert report["score"]["vetoed"]  # a hidden link to a casino is a tampered page
    assert not [f for f in report["findings"] if f["check"] in ("footer_incomplete", "missing_site_tags")]


def test_html_and_xlsx_reports_carry_the_same_findings(planted, tmp_path):
    from openpyxl import load_workbook

    html = _inspect(planted, tmp_path, fmt="html").read_text(encoding="utf-8")
    assert "网站检测报告" in html and "链接不可用" in html and "<script" not in html
    book = load_workbook(_inspect(planted, tmp_path, fmt="xlsx"))
    assert book.sheetnames == ["概要", "扣分", "问题清单"]
    rows = list(book["问题清单"].iter_rows(values_only=True))
    assert rows[0][2] == "检查项代码" and any(row[2] == "broken_link" for row in rows[1:])


def test_extra_words_from_a_gbk_file_are_checked_too(planted, tmp_path):
    words = tmp_path / "words.txt"
    words.write_bytes("# 本地词表\n县政府召开\t县人民政府召开\n".encode("gbk"))
    report = json.loads(_inspect(planted, tmp_path, "--words", str(words)).read_text(encoding="utf-8"))
    assert any(
        f["check"] == "sensitive_expression" and "县人民政府召开" in f["evidence"] for f in report["findings"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [(["ftp://example.com/"], "网址无效"), (["not a url"], "网址无效"),
     (["http://127.0.0.1:9/", "--format", "xlsx"], "须用 --out"),
     (["http://127.0.0.1:9/", "--max-pages", "0"], "--max-pages 须为正整数"),
     (["http://127.0.0.1:9/", "--workers", "-1"], "--workers 不能为负数"),
     (["http://127.0.0.1:9/", "--words", "/nonexistent/words.txt"], "无法读取词表文件")],
)  # fmt: skip
def test_bad_arguments_get_a_clear_answer(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("inspect", *args)


def test_an_unreachable_site_still_gets_a_report(tmp_path):
    out = tmp_path / "down.json"
    call_command("inspect", "http://127.0.0.1:9/", "--timeout", "2", "--out", str(out))
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [f["check"] for f in report["findings"]] == ["unreachable"] and report["score"]["vetoed"]


# The demo plants stale columns on two sites (sitegroup.json "stale"); everything else is clean.
PLANTED = {"sucheng.localhost": ("column_stale", "通知公告"), "slj.localhost": ("column_stale", "工作动态")}


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "shuyang.localhost", "sucheng.localhost", "slj.localhost", "jyj.localhost"]
)
def test_the_demo_sites_show_their_planted_faults_and_nothing_false(live_demo, host):
    # Inspected at the server's own clock (pinned to the demo's `now`), as the patrol sees a site live.
    site = Site(f"http://{host}:{live_demo['port']}/", timezone.localtime(live_demo["now"]))
    crawl = inspect_site(site, Options(rate=0, max_pages=60, check_external=False))
    assert crawl.pages_crawled >= 30
    # A development server over plain HTTP, the columns a crawler sees as empty (their lists are not
    # articles), and the "订阅" entries, which lead an anonymous visitor to the login page.
    expected = {("insecure", "warn"), ("column_empty", "deduct")}
    found = [
        f
        for f in crawl.findings
        if (f.check, f.severity) not in expected
        and not (f.check == "link_caution" and "/accounts/subscriptions/new/" in f.target)
    ]
    assert [(f.check, f.target) for f in found] == ([PLANTED[host]] if host in PLANTED else [])
