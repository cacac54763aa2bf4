"""Reading headers and inferring what they leave out. No database: the context holds unsaved rows."""

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from huimin.policies.enums import DocKind, Validity
from huimin.policies.importer.header import parse_header, split_text_header
from huimin.policies.importer.infer import (
    Context,
    generated_index_number,
    infer_document,
    kind_from_title,
    parse_date,
)
from huimin.policies.importer.sources import RawDocument, Table, read_source
from huimin.policies.models import PolicyTopic
from huimin.sites.models import OrgUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)
SEEDS = Path(__file__).resolve().parents[2] / "demo" / "data" / "seeds"
CITY_OFFICE = OrgUnit(name="宿迁市人民政府办公室", short_name="市政府办公室")
PORTAL_UNIT = OrgUnit(name="宿迁市大数据中心")


@pytest.fixture
def context():
    return Context(
        org_units={"宿迁市人民政府办公室": CITY_OFFICE, "市政府办公室": CITY_OFFICE},
        topics={"其他": PolicyTopic(name="其他"), "综合政务": PolicyTopic(name="综合政务")},
        fallback_issuer=PORTAL_UNIT,
        now=NOW,
    )


def _text(lines: list[str]) -> RawDocument:
    rows, rest = split_text_header(lines)
    return RawDocument(path=Path("doc.txt"), kind="text", blocks=([Table(rows)] if rows else []) + rest)


def test_it_reads_the_2022_seed_with_its_traditional_header(context):
    draft = infer_document(read_source(SEEDS / "2022-suqian-website-work-points.txt"), context)
    assert draft.errors == []
    assert draft.warnings == []
    assert draft.index_number == "000000001/2022-00155"
    assert draft.doc_number == "宿政办发〔2022〕1号"
    assert draft.issuer is CITY_OFFICE
    assert draft.validity == Validity.VALID
    assert draft.title == "市政府办公室关于印发2022年宿迁市政府网站工作要点的通知"
    assert draft.doc_kind == DocKind.NOTICE
    assert draft.topic.name == "其他"
    assert draft.pub_date == datetime(2022, 3, 4, 9, 0, tzinfo=SHANGHAI)
    assert draft.written_date == date(2022, 3, 4)
    assert draft.attachments == ["市政府辦公室關于印發2022年宿遷市政府網站工作要點的通知.doc"]
    assert draft.missing == ["关键词"]
    # The body keeps the source text, without the title line the page shows anyway.
    assert draft.paragraphs[0] == "各縣、區人民政府,市各開發區、新區、園區管委會,市各有關部門和單位:"
    assert draft.body_html.startswith("<p>各縣、區人民政府,")
    assert draft.body_html.count("<p>") == len(draft.paragraphs)


def test_it_infers_what_the_scraped_2023_seed_does_not_say(context):
    draft = infer_document(read_source(SEEDS / "2023-website-work-points-scraped.txt"), context)
    assert draft.errors == []
    assert draft.title == "2023年政府网站工作要点"
    assert draft.index_number == generated_index_number(2023, "2023年政府网站工作要点")
    assert draft.index_number.startswith("AUTO/2023-")
    assert len(draft.index_number) == len("AUTO/2023-") + 10
    assert draft.doc_kind == DocKind.OTHER
    assert draft.issuer is PORTAL_UNIT
    assert draft.pub_date == datetime(2023, 1, 1, 9, 0, tzinfo=SHANGHAI)
    assert draft.missing == ["索引号", "文号", "发布机构", "发文日期", "成文日期", "分类", "时效", "关键词"]
    assert draft.paragraphs[0].startswith("为进一步加强政府网站建设管理")
    assert "具有特色的政府网站体系。" in "".join(draft.paragraphs)


def test_it_generates_the_same_index_number_every_time():
    first = generated_index_number(2023, "2023年政府网站工作要点")
    assert first == generated_index_number(2023, "2023年政府网站工作要点")
    assert first != generated_index_number(2023, "2024年政府网站工作要点")
    assert first == "AUTO/2023-b889ec0784"


def test_it_warns_about_an_unknown_header_label_and_goes_on(context):
    draft = infer_document(
        _text(
            [
                "名称 | 关于印发管理办法的通知 | 索引号 | 000000001/2024-00001 |",
                "发布机构 | 宿迁市人民政府办公室 | 密级 | 公开 |",
                "关于印发管理办法的通知",
                "正文。",
            ]
        ),
        context,
    )
    assert draft.errors == []
    assert [w for w in draft.warnings if "表头" in w] == ["表头字段“密级”（值“公开”）无法识别，已忽略。"]
    assert draft.index_number == "000000001/2024-00001"


def test_it_reads_labels_written_with_spaces_colons_and_traditional_characters():
    rows = [
        ["索 引 號：", "A/1", "發文機關:", "某局"],
        ["時　　效", "廢止", "文件下載", "附件1.pdf"],
        ["名稱", ""],
    ]
    header = parse_header(rows)
    assert header.values == {"index_number": "A/1", "issuer": "某局", "validity": "廢止"}
    assert header.attachments == ["附件1.pdf"]
    assert header.unknown == []


def test_it_refuses_an_issuer_that_is_not_an_org_unit_and_names_it(context):
    draft = infer_document(
        _text(["名稱 | 某通知 | 發布機構 | 宿遷市不存在局 |", "某通知", "正文。"]),
        context,
    )
    assert draft.errors == ["发布机构“宿迁市不存在局”不在组织机构名录中，请先在“组织机构”中添加或更正名称。"]


def test_it_takes_the_issuer_from_the_signature_when_there_is_no_header(context):
    draft = infer_document(
        _text(
            [
                "关于开展检查的通知",
                "各单位：",
                "现开展检查。",
                "宿迁市人民政府办公室",
                "二〇二四年五月十六日",
            ],
        ),
        context,
    )
    assert draft.issuer is CITY_OFFICE
    assert draft.pub_date == datetime(2024, 5, 16, 9, 0, tzinfo=SHANGHAI)
    assert "发布机构" not in draft.missing


def test_it_dates_a_document_without_any_date_on_the_day_of_import(context):
    draft = infer_document(_text(["关于开展检查的通知", "现开展检查。"]), context)
    assert draft.pub_date == datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
    assert draft.index_number == generated_index_number(2026, "关于开展检查的通知")
    assert "未找到发文日期，发布日期暂记为导入当天，请核实。" in draft.warnings


def test_it_refuses_a_document_with_nothing_but_a_header(context):
    draft = infer_document(_text(["名称 | 某通知 | 索引号 | A/1 |", "某通知"]), context)
    assert draft.errors == ["正文为空：除表头和标题外没有内容。"]


def test_it_leaves_out_a_malformed_doc_number_with_a_warning(context):
    draft = infer_document(_text(["名称 | 某通知 | 文号 | 第1号 |", "某通知", "正文。"]), context)
    assert draft.doc_number == ""
    assert "文号" in draft.missing
    assert "文号“第1号”格式不正确（应如 宿政办发〔2022〕1号），已留空。" in draft.warnings


@pytest.mark.parametrize(
    ("value", "validity"),
    [
        ("有效", Validity.VALID),
        ("失效", Validity.EXPIRED),
        ("废止", Validity.REPEALED),
        ("廢止", Validity.REPEALED),
        ("已修订", Validity.REVISED),
        ("修訂", Validity.REVISED),
    ],
)
def test_it_maps_validity(context, value, validity):
    draft = infer_document(_text([f"名称 | 某通知 | 时效 | {value} |", "正文。"]), context)
    assert draft.validity == validity


def test_it_keeps_an_unknown_validity_as_valid_with_a_warning(context):
    draft = infer_document(_text(["名称 | 某通知 | 时效 | 部分有效 |", "正文。"]), context)
    assert draft.validity == Validity.VALID
    assert "时效“部分有效”无法识别，暂记为“有效”。" in draft.warnings


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("市政府办公室关于印发2022年宿迁市政府网站工作要点的通知", "通知"),
        ("关于加快发展数字经济的意见", "意见"),
        ("宿迁市政府网站管理办法（试行）", "办法"),
        ("宿迁市数据开放实施方案", "方案"),
        ("宿迁市政务公开规定", "规定"),
        ("关于表彰先进集体的决定", "决定"),
        ("宿迁市人民政府公告", "公告"),
        ("关于禁止燃放烟花爆竹的通告", "通告"),
        ("实施细则", "细则"),
        ("宿迁市“十四五”数字政府建设规划", "规划"),
        ("2023年政府网站工作要点", "其他"),
    ],
)
def test_it_infers_the_kind_from_how_the_title_ends(title, kind):
    assert kind_from_title(title) == kind


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("2022年3月4日", date(2022, 3, 4), None),
        ("2022-03-04", date(2022, 3, 4), None),
        ("2024-04-02 10:30", date(2024, 4, 2), time(10, 30)),
        ("2022/3/4", date(2022, 3, 4), None),
        ("2022.03.04", date(2022, 3, 4), None),
        ("二〇二二年三月十四日", date(2022, 3, 14), None),
        ("二○二四年十二月二十一日", date(2024, 12, 21), None),
        ("2022年2月30日", None, None),
        ("不详", None, None),
    ],
)
def test_it_parses_the_dates_documents_use(text, day, at):
    assert parse_date(text) == (day, at)


def test_it_reads_a_page_that_has_only_the_national_tags(context):
    raw = RawDocument(
        path=Path("page.html"),
        kind="html",
        blocks=["关于做好防汛工作的通知", "各有关单位：", "请做好防汛准备。"],
        meta={
            "ArticleTitle": "关于做好防汛工作的通知",
            "PubDate": "2024-06-18 16:05",
            "ContentSource": "宿迁市人民政府办公室",
            "Keywords": "防汛",
            "SiteName": "宿迁市人民政府",
        },
    )
    draft = infer_document(raw, context)
    assert draft.errors == []
    assert draft.title == "关于做好防汛工作的通知"
    assert draft.issuer is CITY_OFFICE
    assert draft.pub_date == datetime(2024, 6, 18, 16, 5, tzinfo=SHANGHAI)
    assert draft.keywords == "防汛"
    assert draft.doc_kind == DocKind.NOTICE
    assert draft.paragraphs == ["各有关单位：", "请做好防汛准备。"]
