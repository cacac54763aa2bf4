"""审计日志: one viewer over Wagtail's page and model log entries, for those who hold
`huimin_core.view_auditlog` (the security auditor, through their group) and platform administrators; filtered,
exported as CSV and XLSX; every look and every export itself logged; and no entry can be changed or deleted,
by the ORM or by SQL.

Personas: an auditor (a person given the viewer's permission, as the auditor's group gives it), the platform
administrator `admin`, and the portal's editor and site administrator, who must see nothing.
"""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from openpyxl import load_workbook
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Page, PageLogEntry, Site

from huimin.core import audit

pytestmark = pytest.mark.django_db
URL = "/admin/audit-log/"
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
MARCH = {"start": "2025-03-01", "end": "2025-03-31"}
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _at(*args):
    return time_machine.travel(datetime(*args, tzinfo=NOW.tzinfo), tick=False)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def auditor(demo, django_user_model):
    person = django_user_model.objects.create_user("auditor", first_name="审计员", password="not-used-here")
    person.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_auditlog")
    )
    return person


@pytest.fixture
def march(demo, django_user_model):
    """Entries of March 2025: a clerk's login and logout, another account's failure, two sites' page edits."""
    clerk = django_user_model.objects.create_user("zhang-clerk", first_name="张办事员")
    other = django_user_model.objects.create_user("li-clerk", first_name="李办事员")
    portal = Site.objects.get(hostname="127.0.0.1").root_page
    shuyang = Site.objects.exclude(hostname="127.0.0.1").order_by("pk").first().root_page
    with _at(2025, 3, 1, 9, 0):
        log(instance=clerk, action="huimin.login", user=clerk, data={"address": "10.1.1.1"})
    with _at(2025, 3, 5, 9, 0):
        log(instance=other, action="huimin.login_failed", user=None, data={"address": "10.2.2.2"})
    with _at(2025, 3, 10, 9, 0):
        log(instance=portal, action="wagtail.edit", user=clerk)
    with _at(2025, 3, 20, 9, 0):
        log(instance=shuyang, action="wagtail.edit", user=other)
    with _at(2025, 3, 31, 23, 30):
        log(instance=clerk, action="huimin.logout", user=clerk, data={"address": "10.1.1.1", "idle": True})
    return {"clerk": clerk, "other": other, "portal": portal, "shuyang": shuyang}


def _get(client, user, params=None):
    client.force_login(user)
    return client.get(URL, params or {}, **HOST)


def _table(response) -> list[list[str]]:
    document = BeautifulSoup(response.content.decode(), "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in document.select(".audit-table tbody tr")
    ]


def test_the_auditor_sees_page_and_model_entries_together_newest_first_in_words(client, auditor, march):
    response = _get(client, auditor, MARCH)
    assert response.status_code == 200
    rows = _table(response)
    assert [row[0] for row in rows] == [
        "2025-03-31 23:30:00",
        "2025-03-20 09:00:00",
        "2025-03-10 09:00:00",
        "2025-03-05 09:00:00",
        "2025-03-01 09:00:00",
    ]
    assert rows[0][2].startswith("退出登录") and "因长时间未操作退出：是" in rows[0][4]
    assert rows[2][2].startswith("编辑") and "宿迁市人民政府" in rows[2][3]
    assert rows[3][1] == "系统" and rows[3][2].startswith("登录失败") and "来源地址：10.2.2.2" in rows[3][4]
    assert "共 5 条记录" in response.content.decode()
    assert not any("huimin." in cell or "wagtail." in cell for row in rows for cell in row)


def test_platform_administrators_see_the_log_too(client, demo, march):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    assert len(_table(_get(client, admin, MARCH))) == 5


@pytest.mark.parametrize("username", ["portal-editor", "portal-siteadmin", "portal-handler"])
def test_everyone_else_is_refused(client, demo, march, username):
    from django.contrib.auth import get_user_model

    response = _get(client, get_user_model().objects.get(username=username), MARCH)
    assert response.status_code in (302, 403)
    assert "10.2.2.2" not in response.content.decode()
    assert _get(client, get_user_model().objects.get(username=username), {"export": "csv"}).status_code in (
        302,
        403,
    )


def test_a_stranger_is_sent_to_log_in(client, demo):
    response = client.get(URL, **HOST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_viewer_changes_nothing_it_only_answers_get(client, auditor, march):
    client.force_login(auditor)
    for method in (client.post, client.put, client.delete, client.patch):
        assert method(URL, **HOST).status_code == 405


def test_the_menu_shows_the_log_to_the_auditor_only(client, auditor, demo):
    from django.contrib.auth import get_user_model

    client.force_login(auditor)
    assert URL in client.get("/admin/", **HOST).content.decode()
    client.force_login(get_user_model().objects.get(username="portal-editor"))
    assert URL not in client.get("/admin/", **HOST).content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start": "2025-03-05", "end": "2025-03-10"}, 2),
        ({"end": "2025-03-31", "start": "2025-03-31"}, 1),  # the whole last day, to 23:59 Beijing time
        ({"user": "张办事员"}, 3),
        ({"user": "li-clerk"}, 1),
        ({"action": "huimin.login_failed"}, 1),
        ({"action": "wagtail.edit"}, 2),
        ({"object_type": "page"}, 2),
        ({"q": "10.1.1"}, 2),
        ({"q": "宿迁市人民政府"}, 1),
    ],
)
def test_filters_narrow_the_list(client, auditor, march, params, expected):
    response = _get(client, auditor, {**MARCH, **params})
    assert response.status_code == 200
    assert len(_table(response)) == expected


def test_the_site_filter_keeps_that_sites_pages(client, auditor, march):
    site = Site.objects.get(hostname="127.0.0.1")
    rows = _table(_get(client, auditor, {**MARCH, "site": site.pk}))
    assert len(rows) == 1 and "宿迁市人民政府" in rows[0][3]


def test_the_object_type_filter_offers_the_types_in_the_log(client, auditor, march):
    from django.contrib.auth import get_user_model

    user_type = ContentType.objects.get_for_model(get_user_model())
    page = _get(client, auditor, {**MARCH, "object_type": user_type.pk})
    assert len(_table(page)) == 3
    assert f'value="{user_type.pk}"' in page.content.decode()


HOSTILE = [
    {"q": "<script>alert('x')</script>"},
    {"user": '"><img src=x onerror=alert(1)>'},
    {"q": "' OR 1=1; DROP TABLE wagtailcore_modellogentry; --"},
    {"user": "admin' --"},
    {"start": "2025-13-45"},
    {"start": "yesterday"},
    {"end": "9999-12-31"},
    {"start": "0001-01-01"},
    {"start": "2025-03-10", "end": "2025-03-01"},
    {"q": "长" * 10240},
    {"user": "x" * 10240},
    {"q": "a\x00b"},
    {"user": "\x00"},
    {"start": "2025-03-01\x00"},
    {"action": "huimin.login\x00"},
    {"action": "<script>"},
    {"object_type": "1 OR 1=1"},
    {"site": "-1"},
    {"p": "-1"},
    {"p": "99999"},
    {"p": "abc"},
    {"export": "pdf"},
    {"export": "csv\x00"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_filters_get_a_chinese_answer_never_an_error(client, auditor, march, params):
    response = _get(client, auditor, params)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    if response.status_code == 400:
        assert any(words in html for words in ("筛选条件有误", "只能导出为"))
    else:
        assert "条记录" in html
    assert ModelLogEntry.objects.count() > 0  # nothing was dropped


def test_opening_the_viewer_is_recorded_with_its_filters(client, auditor, march):
    _get(client, auditor, {**MARCH, "action": "huimin.login_failed", "q": "10.2"})
    entry = ModelLogEntry.objects.filter(action="huimin.audit.view").latest("timestamp")
    assert entry.user_id == auditor.pk
    assert entry.data["filters"] == {
        "start": "2025-03-01",
        "end": "2025-03-31",
        "action": "登录失败",
        "q": "10.2",
    }


def test_a_hostile_filter_is_recorded_cut_short_and_without_nul(client, auditor, march):
    _get(client, auditor, {"q": "长" * 10240 + "\x00"})
    entry = ModelLogEntry.objects.filter(action="huimin.audit.view").latest("timestamp")
    assert entry.data["invalid"] is True
    assert len(entry.data["filters"]["q"]) <= audit.MAX_TEXT and "\x00" not in entry.data["filters"]["q"]


def test_the_csv_export_opens_in_excel_with_chinese_and_is_recorded(client, auditor, march):
    response = _get(client, auditor, {**MARCH, "export": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0] == audit.EXPORT_HEADER
    assert len(lines) == 1 + 5
    assert lines[1][1] == "2025-03-31 23:30:00" and lines[1][4] == "退出登录" and lines[1][3] == "zhang-clerk"
    assert lines[2][7] == march["shuyang"].title and lines[2][8] == str(march["shuyang"].pk)
    entry = ModelLogEntry.objects.filter(action="huimin.audit.export").latest("timestamp")
    assert (entry.user_id, entry.data["count"], entry.data["format"]) == (auditor.pk, 5, "csv")


def test_the_csv_export_keeps_what_was_filtered(client, auditor, march):
    response = _get(client, auditor, {**MARCH, "action": "huimin.login_failed", "export": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][4] == "登录失败" and "10.2.2.2" in lines[1][9]


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_quoted(client, auditor, demo, django_user_model):
    sly = django_user_model.objects.create_user("=HYPERLINK(1)")
    with _at(2025, 4, 1, 9, 0):
        log(instance=sly, action="huimin.login", user=sly, data={"address": "10.9.9.9"})
    response = _get(client, auditor, {"start": "2025-04-01", "end": "2025-04-01", "export": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[1][3] == "'=HYPERLINK(1)" and lines[1][7] == "'=HYPERLINK(1)"


def test_the_xlsx_export_has_the_same_rows(client, auditor, march):
    response = _get(client, auditor, {**MARCH, "export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["审计日志"].iter_rows(values_only=True))
    assert list(rows[0]) == audit.EXPORT_HEADER
    assert len(rows) == 6 and rows[1][1] == datetime(2025, 3, 31, 23, 30) and rows[1][4] == "退出登录"
    assert ModelLogEntry.objects.filter(action="huimin.audit.export", data__format="xlsx").exists()


def test_a_personal_data_read_is_recorded_with_who_what_and_where(rf, demo, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    subject = django_user_model.objects.create_user("subject")
    request = rf.get("/admin/", REMOTE_ADDR="192.0.2.8")
    request.user = reader
    entry = audit.record_read(request, subject, "测试内容", attachment=3)
    assert entry.action == "huimin.personal_data.read" and entry.user_id == reader.pk
    assert entry.object_id == str(subject.pk)
    assert entry.data == {"what": "测试内容", "address": "192.0.2.8", "attachment": 3}


# --- append-only ------------------------------------------------------------------------------------------


@pytest.fixture
def entries(march):
    return {
        "model": ModelLogEntry.objects.filter(action="huimin.login_failed").latest("timestamp"),
        "page": PageLogEntry.objects.filter(page=march["portal"], action="wagtail.edit").latest("timestamp"),
    }


def _refused(change) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        change()


@pytest.mark.parametrize("kind", ["model", "page"])
def test_no_entry_can_be_deleted_or_changed_through_the_orm(entries, kind):
    entry = entries[kind]
    model = type(entry)
    before = model.objects.count()
    _refused(entry.delete)
    _refused(lambda: model.objects.filter(pk=entry.pk).delete())
    _refused(lambda: model.objects.all().delete())
    _refused(lambda: model.objects.filter(pk=entry.pk).update(label="篡改"))
    _refused(lambda: model.objects.filter(pk=entry.pk).update(user_id=None))
    entry.label = "篡改"
    _refused(entry.save)
    assert model.objects.count() == before
    assert model.objects.get(pk=entry.pk).label != "篡改"


@pytest.mark.parametrize("kind", ["model", "page"])
def test_no_entry_can_be_deleted_or_changed_with_sql(entries, kind):
    entry = entries[kind]
    table = type(entry)._meta.db_table

    def sql(statement):
        return lambda: connection.cursor().execute(statement, [entry.pk])

    _refused(sql(f"DELETE FROM {table} WHERE id = %s"))  # noqa: S608 - a model's table name
    _refused(sql(f"UPDATE {table} SET action = 'wagtail.edit' WHERE id = %s"))  # noqa: S608
    _refused(sql(f"UPDATE {table} SET content_type_id = NULL, label = 'x' WHERE id = %s"))  # noqa: S608
    assert type(entry).objects.filter(pk=entry.pk, label=entry.label).exists()


def test_wagtails_own_bookkeeping_still_works(demo, django_user_model, march):
    """Deleting a page or a user leaves their entries in place; removing a stale content type clears only
    the entries' pointer to it (Django's SET_NULL, the one update the guard lets through)."""
    home = march["shuyang"]
    page = home.add_child(instance=Page(title="临时页面", slug="linshi"))
    log(instance=page, action="wagtail.create", user=march["clerk"])
    page_id = page.pk
    page.delete()
    assert PageLogEntry.objects.filter(page_id=page_id, action="wagtail.create").exists()

    clerk_id = march["clerk"].pk
    march["clerk"].delete()
    assert ModelLogEntry.objects.filter(user_id=clerk_id).count() == 2

    gone = ContentType.objects.create(app_label="huimin_gone", model="thing")
    entry = ModelLogEntry.objects.create(
        content_type=gone, label="旧对象", action="huimin.login", object_id="1", timestamp=NOW
    )
    gone.delete()
    entry = ModelLogEntry.objects.get(pk=entry.pk)
    assert entry.content_type_id is None and entry.label == "旧对象"


def test_the_check_reports_a_missing_guard(demo):
    def errors():
        return [m for m in run_checks(databases=["default"]) if m.id == "huimin.W030"]

    assert errors() == []
    table = "wagtailcore_modellogentry"
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER huimin_{table}_no_delete")
            else:
                cursor.execute(f"DROP TRIGGER huimin_{table}_append_only ON {table}")
        found = errors()
        transaction.set_rollback(True)
    assert len(found) == 1 and "防篡改触发器缺失" in found[0].msg
    assert errors() == []


def test_the_guard_can_be_put_back(demo, entries):
    table = "wagtailcore_modellogentry"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER huimin_{table}_no_delete")
        else:
            cursor.execute(f"DROP TRIGGER huimin_{table}_append_only ON {table}")
    out = io.StringIO()
    call_command("audit-log-guard", stdout=out)
    assert "已就位" in out.getvalue()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entries["model"].pk])  # noqa: S608


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_wagtails_site_history_export_is_recorded_and_still_exports(client, demo, march, fmt):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin)
    before = ModelLogEntry.objects.filter(action=audit.EXPORT).count()
    response = client.get("/admin/reports/site-history/", {"export": fmt, "action": "wagtail.edit"}, **HOST)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body  # the spreadsheet itself
    entries = ModelLogEntry.objects.filter(action=audit.EXPORT)
    assert entries.count() == before + 1
    entry = entries.latest("timestamp")
    assert entry.user_id == admin.pk
    assert (entry.data["what"], entry.data["format"], entry.data["filters"]) == (
        "网站历史",
        fmt,
        {"action": "wagtail.edit"},
    )
    assert entry.data["count"] >= 2  # March's two page edits at least


def test_wagtails_site_history_stays_closed_to_the_public(client, demo):
    response = client.get("/admin/reports/site-history/", {"export": "csv"}, **HOST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not ModelLogEntry.objects.filter(action=audit.EXPORT, data__what="网站历史").exists()


def test_every_key_the_code_writes_into_an_entrys_data_has_a_chinese_label():
    """The viewer shows an entry's data as `标签：值`: every key an app's log call writes reads in Chinese."""
    import ast
    from pathlib import Path

    root = Path(audit.__file__).resolve().parents[1]
    missing = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("log", "record_read", "record_export"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "data" and isinstance(keyword.value, ast.Dict):
                    keys = [k.value for k in keyword.value.keys if isinstance(k, ast.Constant)]
                elif name == "record_read" and keyword.arg:
                    keys = [keyword.arg]
                else:
                    continue
                missing |= {
                    (key, path.relative_to(root).as_posix()) for key in keys if key not in audit.DATA_LABELS
                }
    assert not missing, sorted(missing)
