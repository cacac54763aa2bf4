"""`huimin assessment --year YYYY [--unit UNIT] [--at "YYYY-MM-DD HH:MM"] [--json] [--save]`: the score sheets
of the year's assessed units at a moment (now by default), printed as rankings and, for one unit, its rows.

A contract (docs/assessment.md): `--json` prints `{"year", "at", "units": [...]}` with the keys named there.
Nothing is saved without `--save`, which stores each open sheet's computation (a closed sheet stays as it was
frozen). Bad input exits with status 2 and a Chinese message.
"""

import json as json_module
from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, progress_bar
from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI

from ... import sheets
from ...enums import UnitClass
from ...services import sheets as sheet_services


def parse_at(value: str | None) -> datetime:
    if not value:
        return timezone.now().astimezone(SHANGHAI)
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    raise CommandError(f"--at “{value}”格式不对，应为 YYYY-MM-DD HH:MM，如 2026-12-31 17:00。", returncode=2)


def parse_year(value: str | None) -> int:
    if not value:
        raise CommandError("请用 --year 指定考核年度，如 --year 2026。", returncode=2)
    if not value.strip().isdigit() or not 2000 <= int(value) <= 2100:
        raise CommandError(f"考核年度“{value}”无效，应为四位年份，如 2026。", returncode=2)
    return int(value)


def find_unit(value: str) -> OrgUnit:
    value = value.strip()
    unit = None
    if value.isdigit():
        unit = OrgUnit.objects.filter(pk=int(value)).first()
    unit = (
        unit or OrgUnit.objects.filter(name=value).first() or OrgUnit.objects.filter(short_name=value).first()
    )
    if unit is None:
        raise CommandError(f"单位“{value}”不存在，请用单位名称、简称或编号。", returncode=2)
    try:
        sheets.unit_class(unit)
    except sheets.AssessmentError as error:
        raise CommandError(str(error), returncode=2) from None
    return unit


class Command(ChineseHelpCommand):
    help = (
        "计算年度考核评分表（政府网站年度评测与市政府门户网站内容保障），按单位类别排名输出；"
        "指定单位时输出该单位的各项指标与依据。默认不保存。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument("--year", metavar="YYYY", help="考核年度，必填，如 2026")
        parser.add_argument("--unit", metavar="UNIT", help="只计算这个单位（名称、简称或编号）")
        parser.add_argument("--at", metavar='"YYYY-MM-DD HH:MM"', help="监测时间点（北京时间），默认为现在")
        parser.add_argument(
            "--json",
            action="store_true",
            help="以 JSON 输出（键的含义见 docs/assessment.md，供其他工具读取）",
        )
        parser.add_argument("--save", action="store_true", help="保存计算结果到未定稿的评分表")

    def handle(self, *args, year, unit, at, json: bool, save: bool, **options):
        year = parse_year(year)
        now = parse_at(at)
        if now.year < year:
            raise CommandError(f"监测时间点 {now:%Y-%m-%d %H:%M} 早于 {year} 年，无法考核。", returncode=2)
        chosen = [find_unit(unit).pk] if unit else None
        try:
            table = sheets.table_for(year)
        except sheets.AssessmentError as error:
            raise CommandError(str(error), returncode=2) from None
        units = sheets.assessed_units(chosen)
        points = sheets.adoption_points_by_unit(year, now)
        best = sheets.class_max_points(year, now)
        found = []
        with progress_bar("计算评分表", total=len(units), hidden=json) as (bar, task):
            for item in units:
                klass = sheets.unit_class(item)
                found.append(
                    sheets.compute(
                        item,
                        year,
                        now,
                        table=table,
                        class_max=best.get(klass, 0.0),
                        unit_points=points.get(item.pk, 0.0),
                    )
                )
                bar.advance(task)
        document = {"year": year, "at": now.isoformat(timespec="minutes"), "units": found}
        if save:
            saved = sheet_services.save_computed(document, now=now)
            if not json:
                self.stdout.write(f"已保存 {saved} 张未定稿的评分表。")
        if json:
            self.stdout.write(json_module.dumps(document, ensure_ascii=False, indent=2))
            return
        self._print(document, single=bool(unit))

    def _print(self, document: dict, *, single: bool) -> None:
        write = self.stdout.write
        write(f"{document['year']} 年度考核，监测时间点 {document['at'].replace('T', ' ')[:16]}")
        if single:
            sheet = document["units"][0]
            write(f"\n{sheet['unit']}（{UnitClass(sheet['unit_class']).label}）")
            for row in sheet["evaluation"]["rows"]:
                mark = "" if row["checked"] else "（未抽查）"
                write(f"  {row['group']}·{row['indicator']}  {row['score']:g} / {row['points']:g}{mark}")
                for item in row["evidence"]:
                    deducted = f"  扣 {item['deduction']:g}" if item.get("deduction") else ""
                    write(f"      - {item['text']}{deducted}")
            evaluation, assurance = sheet["evaluation"], sheet["assurance"]
            write(f"  加分 {evaluation['bonus']:g}，减分 {evaluation['deduction']:g}")
            if sheet["veto"]:
                write("  单项否决：评测部分不得分")
                for item in sheet["veto_findings"]:
                    write(f"      - {item['text']}")
            write(f"  评测得分 {evaluation['score']:g}")
            write(
                f"  内容保障：报送 {assurance['reports']} / 基准 {assurance['base']} 条，得 "
                f"{assurance['report_score']:g}；采用积分 {assurance['adoption_points']:g} / 同类最高 "
                f"{assurance['class_max_points']:g}，得 {assurance['adoption_score']:g}；"
                f"合计 {assurance['score']:g}"
            )
            weights = sheet["weights"]
            write(
                f"  综合得分 {sheet['total']:g}（评测 × {weights['evaluation']:g} + 内容保障 × "
                f"{weights['assurance']:g}）"
            )
            return
        for klass, rows in sheets.rankings(document).items():
            write(f"\n{UnitClass(klass).label}")
            write("  名次  单位                      综合    评测    内容保障")
            for row in rows:
                veto = "  单项否决" if row["veto"] else ""
                write(
                    f"  {row['rank']:>4}  {row['unit']:<24}{row['total']:>6.2f}  {row['evaluation']:>6.2f}  "
                    f"{row['assurance']:>6.2f}{veto}"
                )
