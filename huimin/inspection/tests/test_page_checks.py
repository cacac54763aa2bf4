"""Page-level checks: a realistic clean government site yields no finding at all, and each fault planted in
it yields exactly the expected finding. No database: pages are built with `page_from_html`, as the crawler
builds them."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from huimin.inspection.checks import PAGE_CHECKS, dated_items, page_kind, privacy_in_text, run_page_checks
from huimin.inspection.checks.expressions import builtin_entries
from huimin.inspection.checks.staleness import column_cycles
from huimin.inspection.document import Finding, Page, Site
from huimin.inspection.enums import Check, Severity
from huimin.inspection.parse import page_from_html
from huimin.inspection.words import parse_words

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SITE = Site(start_url="https://www.tz.gov.cn/", now=NOW)
HOME_URL = "https://www.tz.gov.cn/"
COLUMN_URL = "https://www.tz.gov.cn/col/gzdt/"
ARTICLE_URL = "https://www.tz.gov.cn/art/2026/11/22/art_1.html"
HEADERS = {
    "content-type": "text/html; charset=utf-8",
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "strict-transport-security": "max-age=31536000",
    "server": "nginx",
}
VALID_ID = "321202198506120030"  # region 321202, born 1985-06-12, check character 0
BAD_CHECKSUM_ID = "321202198506120031"
LUHN_CARD = "6222021200123456787"


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def mutate(html: str, old: str, new: str) -> str:
    assert old in html, old
    return html.replace(old, new)


def homepage(html: str | None = None, headers: dict | None = None) -> Page:
    return page_from_html(html or fixture("homepage"), HOME_URL, is_homepage=True, headers=headers or HEADERS)


def column(html: str | None = None) -> Page:
    return page_from_html(html or fixture("column"), COLUMN_URL, headers=HEADERS)


def article(html: str | None = None) -> Page:
    return page_from_html(html or fixture("article"), ARTICLE_URL, headers=HEADERS)


def of(page: Page, check: Check, site: Site = SITE) -> list[Finding]:
    return [f for f in run_page_checks(page, site) if f.check == check]


def only(page: Page, check: Check, site: Site = SITE) -> Finding:
    found = of(page, check, site)
    assert len(found) == 1, found
    assert found[0].url == page.url and found[0].homepage == page.is_homepage
    return found[0]


def in_main(html: str, extra: str) -> str:
    return mutate(html, "</main>", f"<p>{extra}</p></main>")


# The clean site -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [homepage, column, article], ids=["homepage", "column", "article"])
def test_clean_pages_yield_no_finding(build):
    assert run_page_checks(build(), SITE) == []


def test_page_kinds_of_the_fixtures():
    assert page_kind(homepage(), SITE) == "other"
    assert page_kind(column(), SITE) == "column"
    assert page_kind(article(), SITE) == "content"


def test_every_check_is_registered_once():
    assert len(PAGE_CHECKS) == len(set(PAGE_CHECKS)) == 14


# Tags ---------------------------------------------------------------------------------------------------


def test_missing_site_tags_names_the_missing_and_empty_ones():
    html = mutate(fixture("column"), '<meta name="SiteIDCode" content="3213000001">', "")
    html = mutate(html, 'content="www.tz.gov.cn"', 'content=""')
    finding = only(column(html), Check.MISSING_SITE_TAGS)
    assert finding.severity == Severity.DEDUCT
    assert (
        "缺少站点标签：SiteIDCode" in finding.evidence and "站点标签内容为空：SiteDomain" in finding.evidence
    )
    assert "SiteName" not in finding.evidence


def test_tag_names_match_case_insensitively():
    html = (
        fixture("homepage").replace('name="SiteName"', 'name="sitename"').replace("SiteIDCode", "SITEIDCODE")
    )
    assert of(homepage(html), Check.MISSING_SITE_TAGS) == []


def test_missing_column_tags_on_a_column_page():
    html = mutate(fixture("column"), '<meta name="ColumnKeywords" content="工作动态,政务要闻">', "")
    html = mutate(
        html, 'name="ColumnDescription" content="泰州市人民政府工作动态"', 'name="ColumnDescription"'
    )
    finding = only(column(html), Check.MISSING_COLUMN_TAGS)
    assert finding.evidence == "缺少栏目标签：ColumnKeywords；栏目标签内容为空：ColumnDescription"


def test_a_dated_list_without_any_tag_is_a_column_page():
    html = fixture("column")
    for name in ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"):
        html = "\n".join(line for line in html.splitlines() if f'name="{name}"' not in line)
    page = column(html)
    assert page_kind(page, SITE) == "column"
    finding = only(page, Check.MISSING_COLUMN_TAGS)
    assert finding.target == "ColumnName, ColumnDescription, ColumnKeywords, ColumnType"


def test_pubdate_must_be_in_minutes():
    html = mutate(fixture("article"), 'content="2026-11-22 16:30"', 'content="2026/11/22"')
    finding = only(article(html), Check.MISSING_CONTENT_TAGS)
    assert "PubDate 格式应为 YYYY-MM-DD HH:MM" in finding.evidence and finding.target == "PubDate"


def test_an_untagged_article_is_a_content_page():
    html = "\n".join(
        line for line in fixture("article").splitlines() if "Article" not in line and "PubDate" not in line
    )
    html = html.replace('<meta name="ContentSource" content="泰州市人民政府办公室">', "")
    html = "\n".join(line for line in html.splitlines() if 'name="Column' not in line)
    page = article(html)
    assert page_kind(page, SITE) == "content"
    finding = only(page, Check.MISSING_CONTENT_TAGS)
    assert finding.evidence == "缺少内容标签：ArticleTitle、PubDate、ContentSource"
    assert of(page, Check.MISSING_COLUMN_TAGS) == []


# Identity and footer ------------------------------------------------------------------------------------


def test_site_code_with_a_wrong_format():
    html = fixture("homepage").replace('content="3213000001"', 'content="321300001"')
    finding = only(homepage(html), Check.SITE_CODE_INVALID)
    assert finding.target == "321300001"
    assert finding.evidence == (
        "SiteIDCode“321300001”格式不符（应为 10 位数字或 bm 加 8 位数字）；"
        "页面显示的网站标识码“3213000001”与 SiteIDCode“321300001”不一致"
    )


def test_site_code_shown_in_the_footer_differs_from_the_meta():
    html = mutate(fixture("homepage"), "网站标识码：3213000001", "网站标识码：3213000002")
    finding = only(homepage(html), Check.SITE_CODE_INVALID)
    assert finding.evidence == "页面显示的网站标识码“3213000002”与 SiteIDCode“3213000001”不一致"


def test_site_code_shown_as_an_image_is_not_misread():
    html = mutate(fixture("homepage"), "网站标识码：3213000001", '网站标识码：<img src="/code.png" alt="">')
    html = mutate(
        html,
        '<a href="https://beian.miit.gov.cn/">苏ICP',
        '<br>ICP备案号：<a href="https://beian.miit.gov.cn/">苏ICP',
    )
    assert of(homepage(html), Check.SITE_CODE_INVALID) == []


def test_department_site_codes_are_valid():
    html = fixture("homepage").replace("3213000001", "bm01000001")
    assert of(homepage(html), Check.SITE_CODE_INVALID) == []


def test_footer_without_conac_badge_and_police_record():
    html = mutate(fixture("homepage"), '<img src="/static/img/red.png" alt="党政机关">', "党政机关网站")
    html = mutate(html, 'href="https://dzjg.conac.cn/verify?id=3213000001"', 'href="/about/"')
    html = mutate(html, "苏公网安备32130202000001号", "公安备案")
    finding = only(homepage(html), Check.FOOTER_INCOMPLETE)
    assert finding.severity == Severity.DEDUCT
    assert finding.evidence == "页面底部缺少：党政机关网站标识、公安机关备案标识"


def test_footer_without_anything():
    html = fixture("column")
    html = html[: html.index('<footer class="footer">')] + "<footer>版权所有</footer></body></html>"
    finding = only(column(html), Check.FOOTER_INCOMPLETE)
    assert finding.evidence == (
        "页面底部缺少：党政机关网站标识、网站标识码、ICP备案编号、公安机关备案标识、主办单位、联系方式"
    )


def test_footer_found_without_footer_element():
    html = (
        fixture("homepage").replace('<footer class="footer">', '<div id="ft">').replace("</footer>", "</div>")
    )
    assert of(homepage(html), Check.FOOTER_INCOMPLETE) == []


def test_error_report_entry_missing_on_the_homepage_only():
    html = mutate(
        fixture("homepage"),
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3213000001&amp;url=https%3A%2F%2Fwww.tz.gov.cn%2F",
        "/feedback/",
    ).replace('alt="我为政府网站找错"', 'alt=""')
    finding = only(homepage(html), Check.ERROR_REPORT_ENTRY_MISSING)
    assert finding.severity == Severity.DEDUCT and finding.homepage
    column_html = fixture("column").replace("https://zfwzgl.www.gov.cn/exposure/jiucuo.html", "/feedback/")
    column_html = column_html.replace("我为政府网站找错", "纠错")
    assert of(column(column_html), Check.ERROR_REPORT_ENTRY_MISSING) == []


def test_error_report_entry_by_the_national_widget_or_older_service():
    html = fixture("homepage").replace("https://zfwzgl.www.gov.cn/exposure/jiucuo.html", "/feedback/")
    widget = "<script id='_jiucuo_' sitecode='3213000001' src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script>"
    assert of(homepage(html + widget), Check.ERROR_REPORT_ENTRY_MISSING) == []
    older = html.replace('alt="我为政府网站找错"', 'alt=""').replace(
        "/feedback/", "https://pucha.kaipuyun.cn/x"
    )
    assert of(homepage(older), Check.ERROR_REPORT_ENTRY_MISSING) == []


# Staleness ----------------------------------------------------------------------------------------------


def test_dated_items_formats_bounds_and_footer():
    html = """<html><body><ul>
      <li>a 2026-11-20</li><li>b 2026/11/19</li><li>c 2026.11.18</li><li>d 2026年1月7日</li>
      <li>future 2026-12-25</li><li>old 1989-06-01</li><li>month-day only [11-21]</li>
      <li>impossible 2026-02-30</li><li>tomorrow 2026-11-24</li></ul>
      <p>not an item 2026-11-22</p>
      <div class="footer"><ul><li>footer 2026-11-22</li></ul></div></body></html>"""
    assert dated_items(page_from_html(html), SITE) == [
        date(2026, 11, 24),
        date(2026, 11, 20),
        date(2026, 11, 19),
        date(2026, 11, 18),
        date(2026, 1, 7),
    ]


def with_home_dates(*dates: str) -> Page:
    html = fixture("homepage")
    for old, new in zip(
        ("2026-11-22", "2026-11-21", "2026-11-19", "2026/11/20", "2026年11月18日"), dates, strict=True
    ):
        html = mutate(html, old, new)
    return homepage(html)


def test_homepage_stale_over_two_weeks_is_a_veto():
    page = with_home_dates("2026-11-05", "2026-11-04", "2026-11-01", "2026/10/20", "2026年10月18日")
    finding = only(page, Check.HOMEPAGE_STALE)
    assert finding.severity == Severity.VETO
    assert finding.evidence == "首页最新信息发布于 2026-11-05，已 18 天未更新"


def test_homepage_stale_after_ten_days_is_a_warning():
    page = with_home_dates("2026-11-12", "2026-11-04", "2026-11-01", "2026/10/20", "2026年10月18日")
    finding = only(page, Check.HOMEPAGE_STALE)
    assert finding.severity == Severity.WARN and "已 11 天未更新" in finding.evidence


def test_homepage_without_dates_is_a_veto():
    page = with_home_dates("近日", "近日", "近日", "近日", "近日")
    finding = only(page, Check.HOMEPAGE_STALE)
    assert finding.severity == Severity.VETO and finding.evidence == "首页未发现带发布日期的信息"


def column_with(kind: str, *dates: str) -> Page:
    html = fixture("column").replace("工作动态", kind)
    for old, new in zip(("2026-11-22", "2026-11-21", "2026-11-19", "2026-11-12"), dates, strict=True):
        html = mutate(html, old, new)
    return column(html)


def test_column_cycles_are_data():
    assert column_cycles()["工作动态"] == 14 and column_cycles()["通知公告"] == 183


def test_work_news_column_stale_after_14_days():
    finding = only(
        column_with("工作动态", "2026-11-01", "2026-10-30", "2026-10-01", "2026-09-01"), Check.COLUMN_STALE
    )
    assert finding.severity == Severity.DEDUCT and finding.target == "工作动态"
    assert finding.evidence == "最新信息发布于 2026-11-01，已超过 14 天未更新"
    assert (
        of(
            column_with("工作动态", "2026-11-09", "2026-10-30", "2026-10-01", "2026-09-01"),
            Check.COLUMN_STALE,
        )
        == []
    )


def test_notice_column_stale_after_183_days():
    fresh = column_with("通知公告", "2026-08-01", "2026-07-30", "2026-07-01", "2026-06-01")
    assert of(fresh, Check.COLUMN_STALE) == []
    stale = column_with("通知公告", "2026-05-01", "2026-04-30", "2026-04-01", "2026-03-01")
    assert only(stale, Check.COLUMN_STALE).evidence == "最新信息发布于 2026-05-01，已超过 183 天未更新"


def test_a_view_that_names_another_canonical_url_is_not_judged_as_a_column():
    stale = fixture("column").replace("工作动态", "通知公告")
    for old, new in zip(
        ("2026-11-22", "2026-11-21", "2026-11-19", "2026-11-12"), ("2026-05-01",) * 4, strict=True
    ):
        stale = mutate(stale, old, new)
    assert of(column(stale), Check.COLUMN_STALE)  # judged at its own URL
    canonical_self = stale.replace("</head>", f'<link rel="canonical" href="{COLUMN_URL}"></head>', 1)
    assert of(column(canonical_self), Check.COLUMN_STALE)  # canonical is itself: still judged
    view = stale.replace("</head>", '<link rel="canonical" href="/other-column/"></head>', 1)
    assert of(column(view), Check.COLUMN_STALE) == []  # a filtered view of another page: not judged
    empty_view = fixture("column").replace(
        "</head>", '<link rel="canonical" href="/other-column/"></head>', 1
    )
    assert of(column(empty_view), Check.COLUMN_EMPTY) == []


def test_columns_of_unknown_type_are_not_checked_for_staleness():
    old = column_with("机构职能", "2020-05-01", "2020-04-30", "2020-04-01", "2020-03-01")
    assert of(old, Check.COLUMN_STALE) == []


def test_column_type_falls_back_to_the_title():
    html = fixture("column").replace('content="工作动态"', 'content="其他"').replace("<h1>工作动态</h1>", "")
    html = html.replace('name="ColumnName" content="其他"', 'name="ColumnName" content="栏目"')
    html = html.replace("2026-11-22", "2026-10-22").replace("2026-11-21", "2026-10-21")
    html = html.replace("2026-11-19", "2026-10-19").replace("2026-11-12", "2026-10-12")
    assert "已超过 14 天" in only(column(html), Check.COLUMN_STALE).evidence


def test_column_empty():
    html = fixture("column")
    html = html[: html.index('<ul class="list">')] + html[html.index("</ul>\n  <div class") + 5 :]
    finding = only(column(html), Check.COLUMN_EMPTY)
    assert finding.target == "工作动态" and finding.severity == Severity.DEDUCT
    assert of(column(html), Check.COLUMN_STALE) == []


def test_undated_list_is_not_empty():
    html = fixture("column").replace("<span>2026-", "<span>")
    assert of(column(html), Check.COLUMN_EMPTY) == []


# Expressions --------------------------------------------------------------------------------------------


def test_dictionary_is_well_formed():
    entries = builtin_entries()
    assert len(entries) >= 30
    assert ("台湾总统", "台湾地区领导人", True) in entries
    assert all(wrong not in right for wrong, right, _ in entries)  # no shipped entry needs the guard
    assert parse_words("\n".join(["# c", "", "a\tb", "c\t", "d\te\tveto"])) == [
        ("a", "b", False),
        ("c", "", False),
        ("d", "e", True),
    ]


def test_wrong_expression_with_context():
    page = homepage(in_main(fixture("homepage"), "国庆期间，我市举办活动庆祝建国60周年，市民踊跃参加。"))
    finding = only(page, Check.SENSITIVE_EXPRESSION)
    assert finding.severity == Severity.WARN and finding.target == "建国60周年"
    assert finding.evidence.startswith("“建国60周年”应为“新中国成立60周年”：…")
    assert "我市举办活动庆祝【建国60周年】，市民踊跃参加" in finding.evidence


def test_veto_expression_counted_once_per_page():
    page = homepage(in_main(fixture("homepage"), "台湾总统选举……台湾总统"))
    finding = only(page, Check.SENSITIVE_EXPRESSION)
    assert finding.severity == Severity.VETO and finding.evidence.endswith("（共 2 处）")


def test_expressions_in_scripts_are_ignored():
    html = mutate(fixture("homepage"), "</body>", "<script>var s = '台湾总统';</script></body>")
    assert of(homepage(html), Check.SENSITIVE_EXPRESSION) == []


def test_gbk_page_finds_a_wrong_expression():
    text = fixture("column").replace('charset="utf-8"', 'charset="gbk"')
    text = in_main(text, "热烈庆祝中华人民共合国成立七十七周年")
    page = page_from_html(
        text.encode("gbk"), COLUMN_URL, headers={**HEADERS, "content-type": "text/html; charset=gbk"}
    )
    finding = only(page, Check.SENSITIVE_EXPRESSION)
    assert finding.target == "中华人民共合国" and "应为“中华人民共和国”" in finding.evidence


def test_extra_words_and_the_longer_correct_phrase_guard():
    site = Site(SITE.start_url, NOW, extra_words=[("一带一路", "“一带一路”倡议"), ("泰州市政府", "")])
    ok = homepage(in_main(fixture("homepage"), "共建“一带一路”倡议提出以来"))
    assert of(ok, Check.SENSITIVE_EXPRESSION, site) == []
    wrong = homepage(in_main(fixture("homepage"), "推进一带一路建设。泰州市政府发布"))
    found = sorted(of(wrong, Check.SENSITIVE_EXPRESSION, site), key=lambda f: f.target)
    assert [f.target for f in found] == ["一带一路", "泰州市政府"]
    assert found[1].evidence.startswith("“泰州市政府”为不规范用语，应删除或改写")


# Privacy ------------------------------------------------------------------------------------------------


def test_valid_id_number_flagged_invalid_checksum_not():
    finding = only(
        homepage(in_main(fixture("homepage"), f"申请人：张三，身份证号：{VALID_ID}")), Check.PRIVACY_LEAK
    )
    assert finding.severity == Severity.DEDUCT
    assert finding.target == "321***********0030" and VALID_ID not in finding.evidence
    assert (
        of(homepage(in_main(fixture("homepage"), f"身份证号：{BAD_CHECKSUM_ID}")), Check.PRIVACY_LEAK) == []
    )
    assert len(privacy_in_text("11010519491231002x", "u")) == 1


def test_mobiles_official_or_not():
    official = homepage(in_main(fixture("homepage"), "联系电话：13912345678"))
    assert of(official, Check.PRIVACY_LEAK) == []
    private = only(
        homepage(in_main(fixture("homepage"), "低保对象：李四 13912345678 海陵区")), Check.PRIVACY_LEAK
    )
    assert private.severity == Severity.WARN and private.target == "139****5678"
    assert "如为公开的工作联系电话可忽略" in private.evidence
    assert privacy_in_text("订单 213912345678901", "u") == []  # part of a longer run of digits


def test_luhn_valid_card_flagged():
    finding = only(homepage(in_main(fixture("homepage"), f"收款账号：{LUHN_CARD}")), Check.PRIVACY_LEAK)
    assert finding.severity == Severity.DEDUCT and "疑似公开银行卡号 622************6787" in finding.evidence
    assert privacy_in_text(f"收款账号：{LUHN_CARD[:-1]}8", "u") == []


def test_privacy_in_text_for_attachments():
    findings = privacy_in_text(f"名单\n王五 {VALID_ID} 13800001111\n", "https://www.tz.gov.cn/a.txt", False)
    assert sorted(f.severity for f in findings) == [Severity.DEDUCT, Severity.WARN]
    assert all(f.check == Check.PRIVACY_LEAK and f.url.endswith("a.txt") for f in findings)


# Accessibility ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "evidence"),
    [
        ('alt="泰州市人民政府"', "", "1 张图片缺少 alt 替代文本属性"),
        ('<html lang="zh-CN">', "<html>", "页面 <html> 未声明语言"),
        ("<title>泰州市人民政府</title>", "<title> </title>", "页面缺少标题"),
        ('<label for="q">站内搜索</label>', "", "1 个表单控件没有可识别的标签"),
        ("<h2>通知公告</h2>", "<h4>通知公告</h4>", "标题层级跳级 1 处"),
        (">更多工作动态<", "> 更多 <", "1 个链接文字含义不明"),
    ],
    ids=["alt", "lang", "title", "label", "headings", "vague-link"],
)
def test_accessibility_problems(old, new, evidence):
    finding = only(homepage(mutate(fixture("homepage"), old, new)), Check.ACCESSIBILITY)
    assert finding.severity == Severity.WARN and evidence in finding.evidence and finding.target


def test_labelled_fields_and_described_links_pass():
    form = (
        '<form><label>姓名<input name="n"></label><input aria-label="电话" name="t">'
        '<select title="类别"><option>1</option></select><input type="image" src="/go.png" alt="提交"></form>'
        '<a href="/more/" title="更多通知公告">更多</a>'
    )
    assert of(homepage(in_main(fixture("homepage"), form)), Check.ACCESSIBILITY) == []


# Dark links ---------------------------------------------------------------------------------------------


def test_hidden_outside_link_is_a_dark_link():
    planted = '<div style="position:absolute;left:-9999px"><a href="https://www.bet-casino.example.com/">棋牌</a></div>'
    finding = only(homepage(in_main(fixture("homepage"), planted)), Check.DARK_LINK)
    assert finding.severity == Severity.VETO and finding.target == "https://www.bet-casino.example.com/"
    assert finding.evidence.startswith("隐藏的外部链接")


def test_link_hidden_by_a_distant_ancestor():
    deep = (
        '<div style="display:none">' + "<div>" * 8 + '<a href="http://spam.example.net/">x</a>' + "</div>" * 9
    )
    assert len(of(homepage(in_main(fixture("homepage"), deep)), Check.DARK_LINK)) == 1


def test_visible_outside_link_and_hidden_same_site_link_are_not_dark():
    html = in_main(fixture("homepage"), '<a href="https://www.bet-casino.example.com/">棋牌</a>')
    html = in_main(
        html, '<span hidden><a href="https://zwgk.tz.gov.cn/old/">旧版</a><a href="/x/">x</a></span>'
    )
    assert of(homepage(html), Check.DARK_LINK) == []


def test_hidden_link_to_another_government_site_is_only_a_warning():
    html = in_main(
        fixture("homepage"), '<div style="display: none"><a href="https://www.js.gov.cn/">江苏</a></div>'
    )
    assert only(homepage(html), Check.DARK_LINK).severity == Severity.WARN


# Insecure -----------------------------------------------------------------------------------------------


def test_missing_security_headers_on_the_homepage_only():
    bare = {"content-type": "text/html; charset=utf-8"}
    finding = only(homepage(headers=bare), Check.INSECURE)
    assert finding.severity == Severity.WARN
    assert finding.evidence == (
        "首页响应缺少安全响应头：X-Content-Type-Options、X-Frame-Options（或 CSP frame-ancestors）、"
        "Strict-Transport-Security"
    )
    assert of(page_from_html(fixture("column"), COLUMN_URL, headers=bare), Check.INSECURE) == []
    csp = {**HEADERS, "content-security-policy": "frame-ancestors 'self'"}
    del csp["x-frame-options"]
    assert of(homepage(headers=csp), Check.INSECURE) == []


def test_server_version_disclosure():
    finding = only(
        homepage(headers={**HEADERS, "server": "nginx/1.18.0", "x-powered-by": "PHP/5.6"}), Check.INSECURE
    )
    assert finding.evidence == "响应头暴露服务器软件版本：server: nginx/1.18.0；x-powered-by: PHP/5.6"


def test_mixed_content():
    html = in_main(fixture("column"), '<img src="http://img.tz.gov.cn/a.jpg" alt="图">')
    finding = only(column(html), Check.INSECURE)
    assert finding.severity == Severity.DEDUCT and finding.target == "http://img.tz.gov.cn/a.jpg"
    assert of(page_from_html(html, "http://www.tz.gov.cn/col/gzdt/", headers=HEADERS), Check.INSECURE) == []


def test_directory_listing():
    html = "<html lang='en'><title>Index of /upload/</title><body><h1>Index of /upload/</h1></body></html>"
    page = page_from_html(html, "https://www.tz.gov.cn/upload/")
    found = of(page, Check.INSECURE)
    assert len(found) == 1 and found[0].severity == Severity.DEDUCT and "目录浏览" in found[0].evidence


# Robustness ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe\x00\x81\x82garbage\x00\x00<<<>>>",
        b"<html><body><div><p>unclosed <a href='http://[::1'>x<li>2026-11-20<table><tr><td>",
        b"<meta name='SiteIDCode'><meta name=PubDate content='x'><ul class=list>" + b"<li>\x80\x81" * 50,
        ("<div>" * 3000 + "深层嵌套 2026-11-20").encode(),
        fixture("homepage").encode("utf-8")[:1500],
    ],
    ids=["empty", "garbage", "unclosed", "broken-meta", "deep", "truncated"],
)
def test_malformed_html_never_raises(body, caplog):
    for is_homepage in (True, False):
        page = page_from_html(body, HOME_URL, is_homepage=is_homepage, headers={"content-type": "text/html"})
        with caplog.at_level(logging.WARNING, logger="huimin.inspection.checks"):
            run_page_checks(page, SITE)
    assert not [r for r in caplog.records if "failed" in r.getMessage()]


def test_a_failing_check_does_not_stop_the_others(caplog):
    def broken(page, site):
        yield Finding(Check.INSECURE, Severity.INFO, page.url)
        raise RuntimeError("boom")

    def fine(page, site):
        return [Finding(Check.DARK_LINK, Severity.INFO, page.url)]

    with caplog.at_level(logging.WARNING, logger="huimin.inspection.checks"):
        found = run_page_checks(homepage(), SITE, checks=[broken, fine])
    assert [f.check for f in found] == [Check.DARK_LINK]
    assert "broken" in caplog.text and HOME_URL in caplog.text


def test_year_less_dates_in_lists_count_as_this_years_or_last_years():
    from huimin.inspection.checks.staleness import dated_items

    html = (
        '<html lang="zh-CN"><body><ul class="news"><li><a href="/a">冬季供暖通知</a><span>[11-20]</span></li>'
        "<li><a href='/b'>年终总结</a><span>12-30</span></li><li>第1-2季度 数据</li></ul></body></html>"
    )
    site = Site(
        "https://www.example.gov.cn/", datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    assert [str(d) for d in dated_items(page_from_html(html, is_homepage=True), site)] == [
        "2026-11-20",
        "2025-12-30",
    ]


@pytest.mark.parametrize(
    ("url", "later"),
    [("https://x.gov.cn/gzdt/?page=2", True), ("https://x.gov.cn/gzdt/?page=1", False),
     ("https://x.gov.cn/col/index_3.html", True), ("https://x.gov.cn/col/index.html", False),
     ("https://x.gov.cn/gzdt/?pageNo=5&x=1", True), ("https://x.gov.cn/gzdt/", False)],
)  # fmt: skip
def test_only_the_first_page_of_a_paginated_column_is_judged_for_staleness(url, later):
    from huimin.inspection.checks.staleness import is_later_page

    assert is_later_page(url) is later
