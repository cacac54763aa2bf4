"""Reading files for the policy importer: limits, kinds of file, encodings. No database needed."""

import codecs
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from huimin.policies.importer.sources import (
    DEFAULT_MAX_BYTES,
    SourceError,
    Table,
    collect_paths,
    read_source,
)

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).resolve().parents[2] / "demo" / "data" / "seeds"
SEED_2022 = SEEDS / "2022-suqian-website-work-points.txt"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


def _write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _text_of(document) -> str:
    return "\n".join(block for block in document.blocks if isinstance(block, str))


def test_it_reads_the_2022_seed_header_as_a_table_and_the_rest_as_paragraphs():
    document = read_source(SEED_2022)
    assert document.encoding == "utf-8"
    assert isinstance(document.blocks[0], Table)
    assert document.blocks[0].rows[1][:2] == ["索引號 ", " 000000001/2022-00155 "]
    assert document.blocks[1] == "市政府辦公室關于印發2022年宿遷市政府網站工作要點的通知"


def test_it_reads_utf8_with_a_byte_order_mark(tmp_path):
    path = _write(tmp_path, "bom.txt", codecs.BOM_UTF8 + "关于印发办法的通知\n正文。".encode())
    document = read_source(path)
    assert document.encoding == "utf-8-sig"
    assert document.blocks == ["关于印发办法的通知", "正文。"]


def test_it_decodes_a_gbk_text_file(tmp_path):
    text = SEED_2022.read_text(encoding="utf-8")[:3000]
    path = _write(tmp_path, "gbk.txt", text.encode("gbk"))
    document = read_source(path)
    assert document.encoding == "gb18030"
    assert "宿遷市人民政府辦公室" in _text_of(document)


def test_it_decodes_a_gb18030_text_file_with_characters_outside_gbk(tmp_path):
    text = "关于𠮷祥路改造工作的通知\n各有关单位：\n现将𠮷祥路改造方案印发给你们，请认真贯彻执行。\n" * 5
    path = _write(tmp_path, "gb18030.txt", text.encode("gb18030"))
    document = read_source(path)
    assert document.encoding == "gb18030"
    assert document.blocks[0] == "关于𠮷祥路改造工作的通知"


def test_it_decodes_a_big5_text_file(tmp_path):
    text = SEED_2022.read_text(encoding="utf-8")[400:2400]
    path = _write(tmp_path, "big5.txt", text.encode("big5", errors="ignore"))
    document = read_source(path)
    assert document.encoding.startswith("big5")
    assert "政府網站" in _text_of(document)


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (PNG, "PNG 图片"),
        (b"\x00\x01\x02\x03binary\x00data" * 50, "二进制数据"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF 文档"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Office 文档"),
    ],
)
def test_it_refuses_binary_content_in_a_text_file(tmp_path, data, detail):
    path = _write(tmp_path, "image.txt", data)
    with pytest.raises(SourceError, match="无法识别的文件内容") as error:
        read_source(path)
    assert detail in str(error.value)


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t ", codecs.BOM_UTF8 + b"\n\n"])
def test_it_refuses_an_empty_file(tmp_path, data):
    with pytest.raises(SourceError, match="文件为空"):
        read_source(_write(tmp_path, "empty.txt", data))


def test_it_refuses_a_50_mb_file_before_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: nothing is written to disk

    def refuse_open(self, *args, **kwargs):
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr(Path, "open", refuse_open)
    with pytest.raises(SourceError, match="文件过大") as error:
        read_source(path)
    assert "50.0 MB" in str(error.value)
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


def test_it_applies_a_smaller_limit_when_asked(tmp_path):
    with pytest.raises(SourceError, match="文件过大"):
        read_source(SEED_2022, max_bytes=1024)


def test_it_refuses_a_file_it_does_not_know_and_one_that_is_missing(tmp_path):
    with pytest.raises(SourceError, match=re.escape("不支持的文件类型“.pdf”")):
        read_source(_write(tmp_path, "policy.pdf", b"%PDF-1.7"))
    with pytest.raises(SourceError, match="文件不存在"):
        read_source(tmp_path / "absent.txt")


def test_it_collects_supported_files_below_directories_in_a_stable_order(tmp_path):
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("b/deeper/3.htm", "b/2.docx", "1.txt", "4.HTML", "skip.pdf", "~$lock.docx", ".hidden/x.txt"):
        (tmp_path / name).write_bytes(b"x")
    named = tmp_path / "skip.pdf"
    found = collect_paths([tmp_path, named, tmp_path / "1.txt"])
    relative = [str(path.relative_to(tmp_path)) for path in found]
    assert relative == ["1.txt", "4.HTML", "b/2.docx", "b/deeper/3.htm", "skip.pdf"]


def _docx_bytes(rows, paragraphs) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_it_reads_a_docx_header_table_and_paragraphs_in_order(tmp_path):
    header = [["名稱", "關於印發辦法的通知", "索引號", "000000003/2024-00007"]]
    data = _docx_bytes(header, ["關於印發辦法的通知", "正文第一段。"])
    document = read_source(_write(tmp_path, "policy.docx", data))
    assert document.kind == "docx"
    assert document.blocks == [
        Table([["名稱", "關於印發辦法的通知", "索引號", "000000003/2024-00007"]]),
        "關於印發辦法的通知",
        "正文第一段。",
    ]


def test_it_refuses_a_broken_docx(tmp_path):
    with pytest.raises(SourceError, match="无法识别的文件内容"):
        read_source(_write(tmp_path, "png.docx", PNG))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "not a word document")
    with pytest.raises(SourceError, match="无法识别的文件内容"):
        read_source(_write(tmp_path, "zip.docx", archive.getvalue()))


def test_it_refuses_a_docx_that_would_unpack_to_far_more_than_the_limit(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("word/document.xml", b"0" * (2 * 1024 * 1024))
    with pytest.raises(SourceError, match="文件过大（解压后"):
        read_source(_write(tmp_path, "bomb.docx", archive.getvalue()), max_bytes=100 * 1024)


def test_it_reads_an_html_page_header_tags_and_main_text():
    document = read_source(DATA / "notice-with-header.html")
    assert document.kind == "html"
    assert document.meta["ArticleTitle"] == "关于做好2024年政务公开工作的通知"
    header = document.blocks[0]
    assert isinstance(header, Table)
    assert header.rows[0][:2] == ["索 引 号：", "000000001/2024-00031"]
    text = _text_of(document)
    assert "为做好2024年政务公开工作，现将有关事项通知如下。" in text  # inline tags do not split lines
    assert "tracker" not in text
    assert "首页" not in text  # navigation and footer are left out
    assert "主办单位" not in text


def test_it_decodes_a_gbk_html_page_that_declares_its_charset(tmp_path):
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        '<meta name="ArticleTitle" content="关于加强政务公开的意见"></head>'
        '<body><div class="article-content"><p>各有关单位：</p><p>现提出如下意见。</p></div></body></html>'
    )
    document = read_source(_write(tmp_path, "gbk.html", page.encode("gbk")))
    assert document.encoding == "gb18030"
    assert document.meta["ArticleTitle"] == "关于加强政务公开的意见"
    assert document.blocks == ["各有关单位：", "现提出如下意见。"]


def test_it_reads_deeply_nested_markup_without_running_out_of_stack(tmp_path):
    depth = 3000  # far past Python's recursion limit
    page = "<html><body>" + "<div>" * depth + "<p>正文</p>" + "</div>" * depth + "</body></html>"
    document = read_source(_write(tmp_path, "deep.html", page.encode()))
    assert document.blocks == ["正文"]


def test_it_keeps_inline_text_together_and_separates_blocks_and_cells(tmp_path):
    page = (
        "<div id='zoom'><p>甲<b>乙</b>丙</p>丁<br>戊"
        "<table><tr><td>a</td><td>b</td></tr></table><!-- 注 --></div>"
    )
    document = read_source(_write(tmp_path, "inline.html", page.encode()))
    assert document.blocks == ["甲乙丙", "丁", "戊", "a | b"]
