"""Reports of a crawl: the JSON contract, an HTML page and an XLSX workbook with the same content."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from huimin.core.exports import safe_cell

from .crawler import Crawl
from .enums import Check, Severity
from .scoring import score

SEVERITY_ORDER = {Severity.VETO: 0, Severity.DEDUCT: 1, Severity.WARN: 2, Severity.INFO: 3}
CHECK_LABELS = {
    Check.UNREACHABLE: "站点无法访问",
    Check.BROKEN_LINK: "链接不可用",
    Check.LINK_CAUTION: "链接需人工确认",
    Check.HOMEPAGE_STALE: "首页不更新",
    Check.COLUMN_STALE: "栏目不更新",
    Check.COLUMN_EMPTY: "空白栏目",
    Check.MISSING_SITE_TAGS: "缺少站点标签",
    Check.MISSING_COLUMN_TAGS: "缺少栏目标签",
    Check.MISSING_CONTENT_TAGS: "缺少内容页标签",
    Check.SITE_CODE_INVALID: "网站标识码错误",
    Check.FOOTER_INCOMPLETE: "页面底部功能区不完整",
    Check.ERROR_REPORT_ENTRY_MISSING: "缺少“我为政府网站找错”入口",
    Check.SENSITIVE_EXPRESSION: "错误表述或敏感词",
    Check.PRIVACY_LEAK: "个人信息泄露",
    Check.ACCESSIBILITY: "无障碍问题",
    Check.INSECURE: "安全问题",
    Check.DARK_LINK: "暗链",
    Check.POLICY_UNINTERPRETED: "政策文件未解读",
}
SEVERITY_LABELS = {
    Severity.VETO: "单项否决",
    Severity.DEDUCT: "扣分",
    Severity.WARN: "预警",
    Severity.INFO: "提示",
}


def as_json(crawl: Crawl, started: datetime) -> dict:
    """The report as the contract says: site, started, pages_crawled, findings, score."""
    findings = sorted(
        crawl.findings, key=lambda f: (SEVERITY_ORDER[f.severity], str(f.check), f.url, f.target)
    )
    return {
        "site": crawl.site.start_url,
        "started": timezone.localtime(started).isoformat(timespec="seconds"),
        "pages_crawled": crawl.pages_crawled,
        "findings": [f.as_json() for f in findings],
        "score": score(crawl.findings),
    }


def summary(report: dict) -> list[tuple[str, str, int]]:
    counts = Counter((f["check"], f["severity"]) for f in report["findings"])
    return [(CHECK_LABELS[Check(c)], SEVERITY_LABELS[Severity(s)], n) for (c, s), n in sorted(counts.items())]


def labelled(report: dict) -> list[dict]:
    return [
        {
            **f,
            "check_label": CHECK_LABELS[Check(f["check"])],
            "severity_label": SEVERITY_LABELS[Severity(f["severity"])],
        }
        for f in report["findings"]
    ]


def as_html(reports: list[dict]) -> str:
    sites = [{"report": r, "summary": summary(r), "findings": labelled(r)} for r in reports]
    return render_to_string("inspection/report.html", {"sites": sites})


def as_xlsx(reports: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    overview = book.active
    overview.title = "概要"
    overview.append(["网站", "检测时间", "检测页面数", "得分", "单项否决", "问题数"])
    for report in reports:
        s = report["score"]
        overview.append(
            [safe_cell(report["site"]), report["started"], report["pages_crawled"], s["total"],
             "是" if s["vetoed"] else "否", len(report["findings"])]
        )  # fmt: skip
    deductions = book.create_sheet("扣分")
    deductions.append(["网站", "指标", "扣分"])
    for report in reports:
        for item in report["score"]["items"]:
            deductions.append([safe_cell(report["site"]), item["indicator"], item["deducted"]])
    sheet = book.create_sheet("问题清单")
    sheet.append(["网站", "检查项", "检查项代码", "级别", "页面", "对象", "说明", "首页"])
    for report in reports:
        for f in labelled(report):
            row = (report["site"], f["check_label"], f["check"], f["severity_label"], f["url"], f["target"],
                   f["evidence"], "是" if f["homepage"] else "否")  # fmt: skip
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
