"""Checks of a group site from the platform's own database, which knows more than a crawler can see: each
column's own update cycle (`ColumnPage.cycle_days`) and who answers for it, and which policies have no
interpretation. Their findings replace the crawler's column findings for the group's sites."""

from __future__ import annotations

from datetime import datetime

from wagtail.models import Site

from huimin.policies.queries import policies_without_interpretation
from huimin.sites.models import ColumnPage
from huimin.sites.queries import newest_item_date

from .document import Finding
from .enums import Check, Severity


def _who(column: ColumnPage) -> str:
    phone = f"，电话 {column.responsible_phone}" if column.responsible_phone else ""
    return f"责任单位：{column.responsible_unit.name}，责任人：{column.responsible_person}{phone}"


def site_findings(site: Site, now: datetime) -> list[Finding]:
    findings = []
    root = site.root_page
    columns = ColumnPage.objects.live().descendant_of(root).select_related("responsible_unit", "column_type")
    for column in columns:
        url = column.get_full_url() or column.url_path
        newest = newest_item_date(column)
        if newest is None:
            evidence = f"栏目“{column.title}”没有任何信息；{_who(column)}"
            findings.append(Finding(Check.COLUMN_EMPTY, Severity.DEDUCT, url, column.title, evidence))
            continue
        age = (now - newest).days
        if age > column.cycle_days:
            evidence = (
                f"栏目“{column.title}”最新信息发布于 {newest:%Y-%m-%d}，已 {age} 天未更新"
                f"（更新周期 {column.cycle_days} 天）；{_who(column)}"
            )
            findings.append(Finding(Check.COLUMN_STALE, Severity.DEDUCT, url, column.title, evidence))
    for policy in policies_without_interpretation().descendant_of(root):
        evidence = f"政策文件《{policy.title[:60]}》尚无解读；发布机构：{policy.issuer.name}"
        url = policy.get_full_url() or policy.url_path
        findings.append(Finding(Check.POLICY_UNINTERPRETED, Severity.WARN, url, policy.title[:100], evidence))
    return findings
