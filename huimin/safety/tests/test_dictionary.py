"""The dictionary as data: the shipped list, its file format, the data migration, and the engine following the
database's terms as they change."""

from __future__ import annotations

import pytest

from huimin.safety import engine, services
from huimin.safety.dictionary import (
    TermsFileError,
    parse_terms,
    shipped_categories,
    shipped_entries,
)
from huimin.safety.engine import term_key
from huimin.safety.models import Term, TermCategory

CATEGORIES = {c.name: c.kind for c in shipped_categories()}
REQUIRED_CATEGORIES = {
    "政治表述", "领导人姓名职务", "党政机关名称", "国旗国徽国歌", "法律法规名称", "地名机构", "历史表述",
    "常见错别字", "广告法极限词", "涉黄", "涉赌", "涉毒", "涉诈", "暴恐", "邪教迷信", "低俗辱骂",
}  # fmt: skip


def test_the_shipped_list_is_a_real_list_and_well_formed():
    entries = shipped_entries()
    assert len(entries) >= 400
    assert {e.category for e in entries} >= REQUIRED_CATEGORIES
    assert {e.kind for e in entries} == {"expression", "harmful"}
    keys = [(term_key(e.term), e.kind) for e in entries]
    assert len(keys) == len(set(keys))
    # no entry needs the guard for correct phrases, and none is its own right form once normalised
    assert all(term_key(e.term) not in term_key(e.suggestion) for e in entries)
    # a wrong form is never part of another entry's right form
    rights = [term_key(e.suggestion) for e in entries if e.suggestion]
    assert not [e.term for e in entries if any(term_key(e.term) in right for right in rights)]
    assert ("台湾总统", "台湾地区领导人", "veto") in {(e.term, e.suggestion, e.severity) for e in entries}
    assert ("中华民国", "", "veto") in {(e.term, e.suggestion, e.severity) for e in entries}


def test_the_shipped_list_finds_nothing_in_correct_official_text():
    text = (
        "中华人民共和国宪法。以习近平同志为核心的党中央。党的十九大、党的二十大和二十届三中全会精神。"
        "共建“一带一路”倡议。台湾地区领导人。香港特别行政区政府。新中国成立75周年。国务院办公厅。"
        "全国人大常委会委员长。中国人民政治协商会议宿迁市委员会。2019大数据峰会。下半旗志哀。"
        "黑瞎子岛。统一教材。学生回教室。学习总书记重要讲话。发布署名文章。按装修面积计算。"
        "最多跑一次。根治欠薪。经评审的最低投标价法。国家级非物质文化遗产。"
    )
    assert (
        engine.check_text(text, checks=("expression", "harmful"), dictionary=engine.shipped_dictionary())
        == []
    )


def test_the_file_format_new_and_old_with_header_comments_and_severity_words():
    text = "\n".join(
        [
            "词条\t正确写法\t类别\t处理方式\t备注",
            "# 注释",
            "",
            "再接再励\t再接再厉\t常见错别字\t提醒确认\t成语",
            "台湾总统\t台湾地区领导人\t\t禁止发布",
            "武汉肺炎\t新型冠状病毒感染\tveto",
            "网络赌博\t\t涉赌",
            "按步就班\t按部就班",
        ]
    )
    found = [
        (n, e.term, e.kind, e.severity, e.suggestion, e.category, e.note)
        for n, e in parse_terms(text, CATEGORIES)
    ]
    assert found == [
        (4, "再接再励", "expression", "warn", "再接再厉", "常见错别字", "成语"),
        (5, "台湾总统", "expression", "veto", "台湾地区领导人", "其他表述", ""),
        (6, "武汉肺炎", "expression", "veto", "新型冠状病毒感染", "其他表述", ""),
        (7, "网络赌博", "harmful", "warn", "", "涉赌", ""),
        (8, "按步就班", "expression", "warn", "按部就班", "其他表述", ""),
    ]


def test_every_bad_line_is_reported_with_its_number():
    text = "\n".join(
        [
            "好\t",  # 1: too short
            "再接再励\t再接再厉\t没有的类别",  # 2
            "再接再励\t再接再厉\t常见错别字\t也许",  # 3
            "再接再励\t再接再厉",  # 4: fine
            "再 接再励\t再接再厉",  # 5: the same as line 4 once normalised
            "\t正确",  # 6
            "a\x01b\t",  # 7
            "x" * 101,  # 8
            "十九大\t十 九大",  # 9
            "a\tb\tc\td\te\tf",  # 10
        ]
    )
    with pytest.raises(TermsFileError) as caught:
        parse_terms(text, CATEGORIES)
    errors = caught.value.errors
    assert [e.split("：", 1)[0] for e in errors] == [f"第 {n} 行" for n in (1, 2, 3, 5, 6, 7, 8, 9, 10)]
    assert "过短" in errors[0] and "类别“没有的类别”不存在" in errors[1] and "无法识别" in errors[2]
    assert "与第 4 行重复" in errors[3] and "缺少词条" in errors[4] and "控制字符" in errors[5]
    assert "内容过长" in errors[6] and "与其正确写法相同" in errors[7] and "列数过多" in errors[8]


@pytest.mark.django_db
def test_the_data_migration_loaded_the_categories_and_the_shipped_list():
    assert set(TermCategory.objects.values_list("name", flat=True)) == {c.name for c in shipped_categories()}
    assert Term.objects.count() >= len(shipped_entries())
    term = Term.objects.get(term="台湾总统")
    assert (term.kind, term.severity, term.suggestion, term.category.name, term.active) == (
        "expression", "veto", "台湾地区领导人", "涉港澳台表述", True
    )  # fmt: skip
    assert term.key == term_key(term.term)


@pytest.mark.django_db
def test_the_engine_follows_the_database_as_terms_change():
    category = TermCategory.objects.get(name="其他表述")
    text = "本站测试二〇三〇专用错词一则"
    assert engine.check_text(text) == []
    term = services.add_term(services.TermData("测试二〇三〇专用错词", category, "veto", "正确写法"))
    assert engine.current_dictionary().version != "shipped"
    (hit,) = engine.check_text(text)
    assert (hit.term, hit.severity, hit.suggestion, hit.category) == (
        "测试二〇三〇专用错词",
        "veto",
        "正确写法",
        "其他表述",
    )
    services.change_term(term, services.TermData(term.term, category, "warn", "正确写法", active=False))
    assert engine.check_text(text) == []
    # a shipped term switched off in the admin is no longer found
    shipped = Term.objects.get(term="再接再励")
    assert engine.check_text("再接再励")
    services.change_term(
        shipped,
        services.TermData(shipped.term, shipped.category, shipped.severity, shipped.suggestion, active=False),
    )
    assert engine.check_text("再接再励") == []
