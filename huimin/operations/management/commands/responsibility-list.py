"""`huimin responsibility-list --site HOST`: a site's 运维责任清单 — every column with its responsible unit,
person, phone, update cycle, content-quality requirement, last update, next due date and state. Read only."""

import json as json_module

from django.core.management.base import CommandError
from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, site_option
from huimin.operations import queries


def _date(moment) -> str | None:
    return timezone.localtime(moment).date().isoformat() if moment else None


class Command(ChineseHelpCommand):
    help = (
        "列出一个网站全部栏目的运维责任：责任单位、责任人、电话、更新周期、内容质量要求、"
        "最近更新、下次应更新和状态。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="HOSTNAME", required=True, help="网站的主机名（必填）")
        states = "、".join(f"{value}（{label}）" for value, label in queries.STATE_FILTERS)
        parser.add_argument("--state", default="", help=f"只列出这种状态的栏目：{states}")
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出：{"site": 主机名, "columns": [{"column", "type", "unit", "person", "phone", '
            '"cycle_days", "quality_requirement", "newest", "due", "state", "state_label", "missing"}]}',
        )

    def handle(self, *args, site, state="", json=False, **options):
        if state and state not in dict(queries.STATE_FILTERS):
            known = "、".join(value for value, _label in queries.STATE_FILTERS)
            raise CommandError(f"没有“{state}”这种状态。可用：{known}。", returncode=2)
        chosen = site_option(site)
        rows = queries.responsibility_rows(chosen, timezone.now(), state)
        columns = [
            {
                "column": row.trail,
                "type": row.column.column_type.name,
                "unit": row.column.responsible_unit.name,
                "person": row.column.responsible_person,
                "phone": row.column.responsible_phone,
                "cycle_days": row.column.cycle_days,
                "quality_requirement": row.column.quality_requirement,
                "newest": _date(row.newest),
                "due": row.due.isoformat() if row.due else None,
                "state": str(row.state),
                "state_label": row.state.label,
                "missing": row.missing,
            }
            for row in rows
        ]
        if json:
            self.stdout.write(
                json_module.dumps({"site": chosen.hostname, "columns": columns}, ensure_ascii=False)
            )
            return
        name = queries.site_names([chosen.pk])[chosen.pk]
        self.stdout.write(f"{name}（{chosen.hostname}）运维责任清单，共 {len(columns)} 个栏目：")
        for item in columns:
            who = item["person"] or "无责任人"
            due = item["due"] or "—"
            flags = f"；缺：{'、'.join(item['missing'])}" if item["missing"] else ""
            newest = item["newest"] or "—"
            self.stdout.write(
                f"  {item['column']}｜{item['state_label']}｜最近更新 {newest}｜下次应更新 {due}"
                f"｜{item['unit']} {who} {item['phone']}{flags}"
            )
