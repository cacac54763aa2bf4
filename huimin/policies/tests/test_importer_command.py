"""`huimin import-policies`: the command's contract, run against the demo site group."""

import json
import re
import shutil
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from wagtail.models import Page, Site

from huimin.core.pages import add_and_publish
from huimin.policies.enums import DocKind, Validity
from huimin.policies.models import PolicyLibraryPage, PolicyPage
from huimin.policies.services import PolicyData, upsert_policy
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).resolve().parents[2] / "demo" / "data" / "seeds"
SEED_2022 = SEEDS / "2022-suqian-website-work-points.txt"
SEED_2023 = SEEDS / "2023-website-work-points-scraped.txt"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
XSS = "<script>alert('x')</script>"
SQL = "'; DROP TABLE huimin_policies_policypage; --"


@pytest.fixture
def library(demo):
    """The group's aggregating library: the demo's if it has one, else one made for the test.

    The demo imports both seed documents itself; they are removed (inside this test's transaction) so that
    each test sees the seeds arrive for the first time.
    """
    existing = PolicyLibraryPage.objects.filter(aggregate_group=True).first()
    if existing is not None:
        for policy in PolicyPage.objects.filter(
            Q(index_number="000000001/2022-00155") | Q(index_number__startswith="AUTO/")
        ):
            policy.delete()
        return existing
    return add_and_publish(
        Site.objects.get(hostname="127.0.0.1").root_page,
        PolicyLibraryPage(
            title="政策文件库",
            slug="zcwjk",
            description="宿迁市政府及各部门、各县区发布的政策文件。",
            keywords="政策文件,规范性文件",
            aggregate_group=True,
        ),
    )


def run(*args) -> tuple[int, dict]:
    """Run the command with --json; returns (exit status, parsed output)."""
    out = StringIO()
    try:
        call_command("import-policies", *map(str, args), "--json", stdout=out, stderr=StringIO())
        status = 0
    except CommandError as error:
        status = error.returncode
    return status, json.loads(out.getvalue())


def by_name(output: dict) -> dict:
    return {Path(item["path"]).name: item for item in output["files"]}


def test_it_imports_the_2022_seed_with_its_header(library):
    status, output = run(SEED_2022)
    assert status == 0
    assert output["files"] == [
        {
            "path": str(SEED_2022),
            "status": "created",
            "index_number": "000000001/2022-00155",
            "title": "市政府办公室关于印发2022年宿迁市政府网站工作要点的通知",
            "problems": [],
            "missing": ["关键词"],
            "attachments": ["市政府辦公室關于印發2022年宿遷市政府網站工作要點的通知.doc"],
        }
    ]
    assert output["summary"]["created"] == 1
    assert output["summary"]["failed"] == 0
    page = PolicyPage.objects.get(index_number="000000001/2022-00155")
    assert page.live
    assert page.get_parent().pk == library.pk
    assert page.title == "市政府办公室关于印发2022年宿迁市政府网站工作要点的通知"
    assert page.doc_number == "宿政办发〔2022〕1号"
    assert page.issuer.name == "宿迁市人民政府办公室"
    assert page.validity == Validity.VALID
    assert page.doc_kind == DocKind.NOTICE
    assert page.pub_date == datetime(2022, 3, 4, 9, 0, tzinfo=SHANGHAI)
    assert page.written_date == date(2022, 3, 4)
    assert page.pub_year == 2022
    assert page.body.startswith("<p>各縣、區人民政府,市各開發區、新區、園區管委會,市各有關部門和單位:</p>")
    assert "<p>2022年3月4日</p>" in page.body


def test_it_updates_on_a_second_run_instead_of_creating_again(library):
    run(SEED_2022)
    revisions = PolicyPage.objects.get(index_number="000000001/2022-00155").revisions.count()
    status, output = run(SEED_2022)
    assert status == 0
    assert output["files"][0]["status"] == "updated"
    assert output["summary"] == output["summary"] | {"created": 0, "updated": 1, "failed": 0}
    assert PolicyPage.objects.filter(index_number="000000001/2022-00155").count() == 1
    assert PolicyPage.objects.get(index_number="000000001/2022-00155").revisions.count() == revisions + 1


def test_it_imports_the_scraped_2023_seed_and_says_what_is_missing(library):
    status, output = run(SEED_2023)
    assert status == 0
    item = output["files"][0]
    assert item["status"] == "created"
    assert item["title"] == "2023年政府网站工作要点"
    assert item["index_number"].startswith("AUTO/2023-")
    assert {"索引号", "文号", "发布机构"} <= set(item["missing"])
    page = PolicyPage.objects.get(index_number=item["index_number"])
    assert page.issuer.name == "宿迁市人民政府办公室"  # the portal's own unit, from its site identity
    assert page.doc_kind == DocKind.OTHER
    assert page.pub_year == 2023
    assert "具有特色的政府网站体系。" in page.body
    assert "第壹文秘" not in page.body
    assert "配套讲稿" not in page.body
    status, again = run(SEED_2023)
    assert again["files"][0]["status"] == "updated"
    assert again["files"][0]["index_number"] == item["index_number"]


def test_it_writes_nothing_in_a_dry_run(library):
    pages = PolicyPage.objects.count()
    status, output = run(SEEDS, "--dry-run")
    assert status == 0
    assert [item["status"] for item in output["files"]] == ["would_create", "would_create"]
    assert output["summary"]["dry_run"] is True
    assert output["summary"]["would_create"] == 2
    assert PolicyPage.objects.count() == pages
    run(SEED_2022)
    status, output = run(SEED_2022, "--dry-run")
    assert output["files"][0]["status"] == "would_update"


def test_it_prints_a_line_per_file_and_a_summary_in_chinese(library, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    shutil.copy(SEED_2022, tmp_path / "seed.txt")
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import-policies", str(tmp_path), stdout=out, stderr=StringIO())
    assert error.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines[-1] == "新建 1、更新 0、失败 1"
    assert any(line.startswith("失败") and "empty.txt" in line for line in lines)
    assert "    ! 文件为空。" in lines
    assert "    缺少：关键词" in lines


def test_it_imports_into_the_library_of_the_site_it_is_given(library, tmp_path):
    status, output = run(SEED_2022, "--site", "127.0.0.1")
    assert status == 0
    assert output["summary"]["library"]["id"] == library.pk


def test_it_refuses_an_unknown_site(library):
    with pytest.raises(CommandError, match=re.escape("站点“nowhere.example”不存在")):
        call_command("import-policies", str(SEED_2022), "--site", "nowhere.example", stdout=StringIO())


def test_it_refuses_a_site_without_a_policy_library_and_names_it(library):
    leaf = Page.objects.filter(depth__gte=3, numchild=0).first()
    Site.objects.create(hostname="kong.localhost", port=80, root_page=leaf, site_name="空白测试站")
    with pytest.raises(
        CommandError, match=re.escape("站点“空白测试站”（kong.localhost）没有已发布的政策文件库")
    ):
        call_command("import-policies", str(SEED_2022), "--site", "kong.localhost", stdout=StringIO())


def test_it_refuses_to_guess_when_there_is_no_aggregating_library(demo):
    PolicyLibraryPage.objects.filter(aggregate_group=True).update(aggregate_group=False)
    with pytest.raises(CommandError, match="汇集全市政策"):
        call_command("import-policies", str(SEED_2022), stdout=StringIO())


def _docx(path: Path, rows, paragraphs) -> Path:
    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def test_it_imports_a_word_document(library, tmp_path):
    path = _docx(
        tmp_path / "notice.docx",
        [
            ["名稱", "關於印發政務公開工作要點的通知", "索引號", "000000001/2024-00008"],
            ["發布機構", "宿遷市人民政府辦公室", "發文日期", "2024年5月6日"],
            ["文號", "宿政辦發〔2024〕8號", "時效", "有效"],
        ],
        ["關於印發政務公開工作要點的通知", "各縣、區人民政府：", "現將工作要點印發給你們。"],
    )
    status, output = run(path)
    assert status == 0, output
    page = PolicyPage.objects.get(index_number="000000001/2024-00008")
    assert page.title == "关于印发政务公开工作要点的通知"
    assert page.doc_number == "宿政办发〔2024〕8号"
    assert page.pub_date == datetime(2024, 5, 6, 9, 0, tzinfo=SHANGHAI)
    assert page.body == "<p>各縣、區人民政府：</p><p>現將工作要點印發給你們。</p>"


def test_it_imports_an_html_page(library):
    status, output = run(DATA / "notice-with-header.html")
    assert status == 0, output
    page = PolicyPage.objects.get(index_number="000000001/2024-00031")
    assert page.title == "关于做好2024年政务公开工作的通知"
    assert page.doc_number == "宿政办发〔2024〕12号"
    assert page.keywords == "政务公开,工作要点"
    assert page.topic.name == "综合政务"
    assert page.pub_date == datetime(2024, 4, 2, 10, 30, tzinfo=SHANGHAI)
    assert page.written_date == date(2024, 4, 1)
    assert "tracker" not in page.body
    assert "<p>一、加强政策解读。</p>" in page.body


def test_it_refuses_files_larger_than_the_limit_it_is_given(library):
    status, output = run(SEED_2022, "--max-bytes", "1K")
    assert status == 1
    assert output["files"][0]["problems"] == ["文件过大（23.0 KB），超过上限 1.0 KB，未读取。"]


def _other_sites_policy(title: str, index_number: str) -> PolicyPage:
    home = Site.objects.get(hostname="shuyang.localhost").root_page
    other = add_and_publish(
        home,
        PolicyLibraryPage(
            title="沭阳县政策文件", slug="zcwj-import-test", description="沭阳县政策文件", keywords="政策"
        ),
    )
    page, _ = upsert_policy(
        other,
        PolicyData(
            title=title,
            index_number=index_number,
            body="<p>正文</p>",
            pub_date=datetime(2024, 1, 2, 9, 0, tzinfo=SHANGHAI),
            issuer=OrgUnit.objects.get(name="沭阳县"),
        ),
    )
    return page


def _header_text(title: str, index_number: str, body: str, issuer: str = "宿迁市人民政府办公室") -> str:
    return (
        f"名称 | {title} | 索引号 | {index_number} |\n"
        f"发布机构 | {issuer} | 发文日期 | 2024-06-01 |\n"
        f"{title}\n{body}\n"
    )


def test_it_reports_each_hostile_file_and_goes_on_with_the_batch(library, tmp_path):
    taken = _other_sites_policy("沭阳县农村公路管理办法", "000000002/2024-00001")
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "01-image.txt").write_bytes(PNG)
    (folder / "02-nul.txt").write_bytes(b"\x00" * 64 + "正文".encode())
    (folder / "03-empty.txt").write_bytes(b"")
    gbk = _header_text("关于加强档案管理的通知", "000000001/2024-00041", "各有关单位：现就档案管理通知如下。")
    (folder / "04-gbk.txt").write_bytes(gbk.encode("gbk"))
    (folder / "05-gb18030.txt").write_bytes(
        _header_text("关于𠮷祥路改造的通知", "000000001/2024-00042", "现将𠮷祥路改造方案印发给你们。").encode(
            "gb18030"
        )
    )
    with (folder / "06-huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (folder / "07-unknown-field.txt").write_text(
        "名称 | 关于开展巡查的通知 | 索引号 | 000000001/2024-00043 |\n"
        "发布机构 | 宿迁市人民政府办公室 | 密级 | 公开 |\n"
        "发文日期 | 2024-06-01 |\n"
        "关于开展巡查的通知\n请按要求开展巡查。\n",
        encoding="utf-8",
    )
    (folder / "08-xss.txt").write_text(
        _header_text(f"关于{XSS}的通知{SQL}", "000000001/2024-00044", f"正文{XSS}与{SQL}。"), encoding="utf-8"
    )
    (folder / "09-taken.txt").write_text(
        _header_text("冒用索引号的通知", "000000002/2024-00001", "正文。"), encoding="utf-8"
    )
    (folder / "10-unknown-issuer.txt").write_text(
        _header_text("某通知", "000000001/2024-00045", "正文。", issuer="宿迁市不存在局"), encoding="utf-8"
    )
    shutil.copy(SEED_2022, folder / "11-seed.txt")

    status, output = run(folder)

    assert status == 1
    files = by_name(output)
    statuses = {name: item["status"] for name, item in files.items()}
    assert statuses == {
        "01-image.txt": "error",
        "02-nul.txt": "error",
        "03-empty.txt": "error",
        "04-gbk.txt": "created",
        "05-gb18030.txt": "created",
        "06-huge.txt": "error",
        "07-unknown-field.txt": "created",
        "08-xss.txt": "created",
        "09-taken.txt": "error",
        "10-unknown-issuer.txt": "error",
        "11-seed.txt": "created",
    }
    assert output["summary"] | {"created": 5, "failed": 6} == output["summary"]
    assert files["01-image.txt"]["problems"][0].startswith("无法识别的文件内容")
    assert files["02-nul.txt"]["problems"][0].startswith("无法识别的文件内容")
    assert files["03-empty.txt"]["problems"] == ["文件为空。"]
    assert files["06-huge.txt"]["problems"][0].startswith("文件过大（50.0 MB）")
    assert files["07-unknown-field.txt"]["problems"] == ["表头字段“密级”（值“公开”）无法识别，已忽略。"]
    assert "《沭阳县农村公路管理办法》" in files["09-taken.txt"]["problems"][0]
    assert f"页面编号 {taken.pk}" in files["09-taken.txt"]["problems"][0]
    assert "宿迁市不存在局" in files["10-unknown-issuer.txt"]["problems"][0]

    assert PolicyPage.objects.get(index_number="000000001/2024-00041").title == "关于加强档案管理的通知"
    assert PolicyPage.objects.get(index_number="000000001/2024-00042").title == "关于𠮷祥路改造的通知"
    assert PolicyPage.objects.get(index_number="000000002/2024-00001").pk == taken.pk
    assert PolicyPage.objects.filter(title="冒用索引号的通知").count() == 0
    hostile = PolicyPage.objects.get(index_number="000000001/2024-00044")
    assert hostile.title == f"关于{XSS}的通知{SQL}"  # stored as text, as given
    assert "<script>" not in hostile.body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in hostile.body
    assert PolicyPage.objects.count() >= 6  # the table is still there


def test_it_renders_imported_markup_as_text(library, client, tmp_path):
    path = tmp_path / "xss.txt"
    text = _header_text(f"关于{XSS}的通知", "000000001/2024-00046", f"正文{XSS}。")
    path.write_text(text, encoding="utf-8")
    status, _ = run(path)
    assert status == 0
    page = PolicyPage.objects.get(index_number="000000001/2024-00046")
    _, _, page_path = page.get_url_parts()
    response = client.get(page_path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_it_indexes_each_imported_page_once_and_reconnects_the_save_signal(library):
    from django.db.models.signals import post_save
    from django_tasks.signals import task_enqueued
    from modelsearch.signal_handlers import post_save_signal_handler

    queued = []

    def record(sender, task_result, **kwargs):
        queued.append((task_result.task.module_path.rsplit(".", 1)[-1], tuple(task_result.args)))

    task_enqueued.connect(record)
    try:
        status, _ = run(SEED_2022)
    finally:
        task_enqueued.disconnect(record)
    assert status == 0
    page = PolicyPage.objects.get(index_number="000000001/2022-00155")
    assert queued == [("index_pages_task", ("huimin_policies", "policypage", [page.pk]))]
    hits = PolicyPage.objects.search("市政府办公室关于印发2022年宿迁市政府网站工作要点的通知")
    assert [hit.pk for hit in hits] == [page.pk]
    # The receiver the import set aside is connected again.
    assert post_save.disconnect(post_save_signal_handler, sender=PolicyPage)
    post_save.connect(post_save_signal_handler, sender=PolicyPage)


def _numbered(tmp_path: Path, count: int, prefix: str = "BATCH") -> Path:
    folder = tmp_path / "batch"
    folder.mkdir(exist_ok=True)
    for n in range(1, count + 1):
        text = _header_text(f"关于批量导入第{n}号的通知", f"000000001/2024-{prefix}{n:03d}", f"第{n}号正文。")
        (folder / f"doc-{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def test_new_documents_are_written_in_batches_across_the_batch_size(library, tmp_path, monkeypatch):
    from huimin.policies.importer import run as importer_run

    monkeypatch.setattr(importer_run, "BATCH_SIZE", 4)
    batches = []
    real = importer_run.create_policies
    monkeypatch.setattr(
        importer_run,
        "create_policies",
        lambda lib, batch, **kw: batches.append(len(batch)) or real(lib, batch, **kw),
    )
    status, output = run(_numbered(tmp_path, 10))
    assert status == 0 and output["summary"]["created"] == 10
    assert batches == [4, 4, 2]
    pages = PolicyPage.objects.filter(index_number__contains="-BATCH").order_by("index_number")
    assert [p.title for p in pages] == [f"关于批量导入第{n}号的通知" for n in range(1, 11)]
    assert all(p.live and p.live_revision_id for p in pages)
    status, output = run(_numbered(tmp_path, 10))  # a second run updates every one
    assert output["summary"]["updated"] == 10 and pages.count() == 10


def test_a_refused_batch_is_retried_file_by_file_and_each_file_answers_for_itself(
    library, tmp_path, monkeypatch
):
    from django.core.exceptions import ValidationError

    from huimin.policies.importer import run as importer_run

    def refuse(*args, **kwargs):
        raise ValidationError("simulated refusal of the whole batch")

    monkeypatch.setattr(importer_run, "create_policies", refuse)
    folder = _numbered(tmp_path, 3, prefix="RETRY")
    (folder / "doc-002.txt").write_text(
        _header_text("关于重复索引号的通知", "000000001/2022-00155", "正文。"), encoding="utf-8"
    )
    _other_sites_policy("别的站点的文件", "000000001/2022-00155")
    status, output = run(folder)
    files = by_name(output)
    assert status == 1
    assert files["doc-001.txt"]["status"] == files["doc-003.txt"]["status"] == "created"
    assert files["doc-002.txt"]["status"] == "error"
    assert "别的站点的文件" in files["doc-002.txt"]["problems"][0]


def test_a_document_repeated_in_one_run_is_created_once_then_updated(library, tmp_path):
    folder = tmp_path / "twice"
    folder.mkdir()
    for name, title in (("a.txt", "关于第一稿的通知"), ("b.txt", "关于第二稿的通知")):
        (folder / name).write_text(_header_text(title, "000000001/2024-TWICE1", "正文。"), encoding="utf-8")
    status, output = run(folder)
    files = by_name(output)
    assert status == 0
    assert (files["a.txt"]["status"], files["b.txt"]["status"]) == ("created", "updated")
    assert PolicyPage.objects.get(index_number="000000001/2024-TWICE1").title == "关于第二稿的通知"
