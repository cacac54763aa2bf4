"""The content-safety sweep over everything published: one work order per site and check, opened while the
problem is on a live page, closed as verified fixed by the first sweep that no longer finds it, reopened
when it comes back; and `huimin safety-sweep` with its JSON."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from wagtail.models import Site

from huimin.articles.models import ArticlePage
from huimin.core.pages import add_and_publish
from huimin.safety import sweep as sweeping
from huimin.safety.tasks import safety_sweep_task
from huimin.sites.models import ColumnPage
from huimin.workorders.enums import Closure, Priority, Source, State
from huimin.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI)
LATER = datetime(2026, 11, 4, 10, 0, tzinfo=SHANGHAI)
VETO = "中华人民共合国"
HOST = "sucheng.localhost"


def id_number(body17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights, strict=True)) % 11]
    return body17 + check


def live_article(title: str, body: str, slug: str, host: str = HOST) -> ArticlePage:
    site = Site.objects.get(hostname=host)
    column = ColumnPage.objects.descendant_of(site.root_page).order_by("path").first()
    return add_and_publish(column, ArticlePage(title=title, slug=slug, body=body))


def republish(page: ArticlePage, body: str) -> None:
    page = page.get_latest_revision_as_object()
    page.body = body
    page.save_revision().publish()


def order(host: str, check: str) -> WorkOrder | None:
    return WorkOrder.objects.filter(site__hostname=host, finding_key=f"{Source.SAFETY}:{check}").first()


def mine(order: WorkOrder, page) -> list[dict]:
    return [row for row in order.findings if row["target"] == page.title]


def test_the_sweep_opens_one_order_per_site_and_check_and_closes_it_once_fixed(demo):
    site = Site.objects.get(hostname=HOST)
    wrong = live_article("学习宪法", f"<p>《{VETO}宪法》全文。</p><p>再读《{VETO}宪法》。</p>", "sweep-veto")
    person = id_number("32130219800101001")
    leaked = live_article("困难群众救助名单", f"<p>张三，身份证号 {person}。</p>", "sweep-privacy")

    first = sweeping.sweep(now=NOW, site=site)
    assert first.pages > 2 and first.findings["expression"] >= 2 and first.findings["privacy"] >= 1

    expression = order(HOST, "expression")
    assert expression.state == State.ACCEPTED and expression.kind.code == "correction"
    assert expression.priority == Priority.URGENT and expression.source == Source.SAFETY
    rows = mine(expression, wrong)
    assert len(rows) == 2 and {row["place"] for row in rows} == {"正文"} and rows[0]["term"] == VETO
    assert f"【{VETO}】" in rows[0]["evidence"] and "应为“中华人民共和国”" in rows[0]["evidence"]
    assert rows[0]["url"].endswith("/sweep-veto/") and rows[0]["severity"] == "禁止发布"
    privacy = order(HOST, "privacy")
    assert privacy.kind.code == "security" and privacy.priority == Priority.URGENT
    assert person not in json.dumps(privacy.findings, ensure_ascii=False)  # numbers are kept masked
    assert mine(privacy, leaked)[0]["term"] == "居民身份证号码"
    assert order("shuyang.localhost", "expression") is None  # another site: not swept, nothing opened

    # Run again with nothing changed: the same orders, not one more.
    again = sweeping.sweep(now=NOW, site=site)
    assert WorkOrder.objects.filter(site=site, source=Source.SAFETY).count() == len(
        {o.finding_key for o in WorkOrder.objects.filter(site=site, source=Source.SAFETY)}
    )
    assert again.orders["opened"] == 0

    # Fixed: the next sweep closes the order as verified fixed (when no other page of the site has one).
    republish(wrong, "<p>《中华人民共和国宪法》全文。</p>")
    sweeping.sweep(now=LATER, site=site)
    expression.refresh_from_db()
    assert expression.state == State.CLOSED and expression.closure == Closure.VERIFIED

    # Back again: reopened (or still open with the rows back).
    republish(wrong, f"<p>{VETO}</p>")
    sweeping.sweep(now=LATER, site=site)
    expression.refresh_from_db()
    assert expression.state == State.ACCEPTED and expression.reopened == 1 and mine(expression, wrong)


def test_hostile_titles_are_stored_verbatim_in_the_rows(demo):
    title = "<script>alert(1)</script>'; DROP TABLE x; --"
    page = live_article(title, f"<p>{VETO}</p>", "sweep-hostile")
    sweeping.sweep(now=NOW, site=Site.objects.get(hostname=HOST))
    rows = mine(order(HOST, "expression"), page)
    assert rows[0]["target"] == title and rows[0]["evidence"].startswith(f"《{title}》")


def test_the_command_prints_json_and_chinese(demo):
    live_article("宪法宣传", f"<p>{VETO}</p>", "sweep-command")
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("safety-sweep", "--site", HOST, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"sites", "pages", "findings", "orders"} and data["sites"] == 1
    assert (
        set(data["findings"]) == {"expression", "harmful", "privacy"} and data["findings"]["expression"] >= 1
    )
    assert set(data["orders"]) == {"opened", "updated", "reopened", "closed"}

    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("safety-sweep", "--site", HOST, stdout=out)
    assert "内容安全排查：检查了 1 个站点" in out.getvalue() and "网站工单" in out.getvalue()


@pytest.mark.parametrize("host", ["nowhere.example", "<script>", "x" * 5000, "\x00"])
def test_the_command_refuses_an_unknown_site_in_chinese(demo, host):
    with pytest.raises(CommandError, match="不存在"):
        call_command("safety-sweep", "--site", host, "--json")


def test_the_command_installs_the_workflow_step_idempotently(demo):
    out = StringIO()
    call_command("safety-sweep", "--install-workflow", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"sites": Site.objects.count(), "installed": 0}
    out = StringIO()
    call_command("safety-sweep", "--install-workflow", stdout=out)
    assert "内容安全审查" in out.getvalue()


def test_the_background_task_runs_the_sweep(demo):
    live_article("宪法宣传", f"<p>{VETO}</p>", "sweep-task")
    with time_machine.travel(NOW, tick=False):
        result = safety_sweep_task.enqueue(Site.objects.get(hostname=HOST).pk)
    assert result.return_value["sites"] == 1 and result.return_value["findings"]["expression"] >= 1


def test_the_sweep_data_file_is_checked():
    kinds = {"correction", "security"}
    good = json.loads(sweeping.DATA_FILE.read_text(encoding="utf-8"))
    assert set(sweeping.validate(good, kinds)) == {"expression", "harmful", "privacy"}
    broken = json.loads(json.dumps(good))
    broken["checks"]["privacy"]["kind"] = "nonsense"
    with pytest.raises(sweeping.SweepDataError, match="工单类型"):
        sweeping.validate(broken, kinds)
    broken = json.loads(json.dumps(good))
    broken["checks"]["harmful"]["veto_priority"] = "asap"
    with pytest.raises(sweeping.SweepDataError, match="紧急程度"):
        sweeping.validate(broken, kinds)
    with pytest.raises(sweeping.SweepDataError):
        sweeping.validate([], kinds)
