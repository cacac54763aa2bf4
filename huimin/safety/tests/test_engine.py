"""The engine: normalisation, matching over the dictionary (an explicit one, or the shipped list where there
is no database), the guard for correct phrases, personal data, HTML, context, and speed. No database."""

from __future__ import annotations

import time
from datetime import date

import pytest

from huimin.safety import engine
from huimin.safety.dictionary import Entry
from huimin.safety.engine import Dictionary, Hit, check_html, check_text, context, normalise

VALID_ID = "321202198506120030"  # region 321202, born 1985-06-12, check character 0
LUHN_CARD = "6222021200123456787"

WORDS = Dictionary(
    [
        Entry("中华人民共合国", "expression", "veto", "中华人民共和国", "政治表述"),
        Entry("十九届4中全会", "expression", "veto", "十九届四中全会", "政治表述"),
        Entry("一带一路", "expression", "warn", "“一带一路”倡议", "政治表述"),
        Entry("再接再励", "expression", "warn", "再接再厉", "常见错别字"),
        Entry("网络赌博", "harmful", "warn", "", "涉赌", "请核实"),
        Entry("AV女优", "harmful", "veto", "", "涉黄"),
    ],
    version="test",
)


def terms(text: str, **kw) -> list[str]:
    return [hit.term for hit in check_text(text, dictionary=WORDS, **kw) if hit.check != "privacy"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("十 九\u200b大", "十九大"),
        ("中\u200c华\u200d人\ufeff民\u00ad共\u2060和国", "中华人民共和国"),
        ("中華人民共合國", "中华人民共合国"),
        ("ＡＢＣ１２３", "ABC123"),
        ("第　十九　届", "第十九届"),  # ideographic spaces between Chinese characters
        ("19 大 报告", "19大报告"),
        ("你好，世界！（一）：好？", "你好，世界！（一）：好？"),  # Chinese punctuation kept
        ("138 0000 1111", "138 0000 1111"),  # spacing between digits kept: numbers stay apart
        ("Hello World", "Hello World"),
        ("十九\n大", "十九大"),
        ("a\x00b\x07c", "abc"),
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_zero_width_spaces_full_width_and_traditional_forms_do_not_hide_a_term():
    assert terms("热烈庆祝中\u200b华人民 共合国成立") == ["中华人民共合国"]
    assert terms("热烈庆祝中華人民共合國成立") == ["中华人民共合国"]
    assert terms("学习贯彻十九届４中全会精神") == ["十九届4中全会"]
    assert terms("学习贯彻十九届 4 中全会精神") == ["十九届4中全会"]
    assert terms("关于ＡＶ女优的内容") == ["AV女优"]
    assert terms("关于av女优的内容") == ["av女优"]  # ASCII case folded for matching, shown as written


def test_a_correct_phrase_containing_a_wrong_one_is_not_reported():
    assert terms("共建“一带一路”倡议提出以来") == []
    assert terms("推进一带一路建设") == ["一带一路"]


def test_every_occurrence_is_a_hit_with_offsets_in_the_normalised_text():
    text = "再接再励，再 接再励！"
    hits = check_text(text, dictionary=WORDS)
    normalised = normalise(text)
    assert [(h.start, h.end) for h in hits] == [(0, 4), (5, 9)]
    assert all(normalised[h.start : h.end] == "再接再励" for h in hits)


def test_hit_as_json_and_words():
    (hit,) = check_text("中华人民共合国", dictionary=WORDS)
    assert hit.as_json() == {
        "check": "expression",
        "severity": "veto",
        "term": "中华人民共合国",
        "suggestion": "中华人民共和国",
        "start": 0,
        "end": 7,
        "category": "政治表述",
        "note": "",
    }
    assert hit.veto and hit.verdict() == "“中华人民共合国”应为“中华人民共和国”"
    (harmful,) = check_text("严厉打击网络赌博", dictionary=WORDS)
    assert harmful.verdict() == "“网络赌博”属于涉赌，应删除" and harmful.severity_label == "提醒确认"


def test_checks_can_be_chosen():
    text = f"再接再励，网络赌博，身份证 {VALID_ID}"
    assert {h.check for h in check_text(text, dictionary=WORDS)} == {"expression", "harmful", "privacy"}
    assert {h.check for h in check_text(text, dictionary=WORDS, checks=("privacy",))} == {"privacy"}
    assert {h.check for h in check_text(text, dictionary=WORDS, checks=("harmful",))} == {"harmful"}
    with pytest.raises(ValueError):
        check_text(text, checks=("spelling",))


def test_personal_data_ids_and_cards_veto_mobiles_and_addresses_warn():
    text = (
        f"申请人张三，身份证号 {VALID_ID}，收款账号 {LUHN_CARD}，13912345678，"
        "家住宿城区幸福路12号3单元301室。"
    )
    hits = check_text(text, checks=("privacy",))
    found = {(h.category, h.severity) for h in hits}
    assert found == {
        ("居民身份证号码", "veto"),
        ("银行卡号", "veto"),
        ("手机号码", "warn"),
        ("个人住址", "warn"),
    }
    by_kind = {h.category: h for h in hits}
    assert by_kind["居民身份证号码"].term == "321***********0030"  # masked
    assert by_kind["个人住址"].term == "宿城区幸福路12号3单元301室"
    assert VALID_ID not in context(normalise(text), by_kind["银行卡号"])  # numbers nearby masked too


def test_published_contact_numbers_and_office_addresses_are_not_personal_data():
    text = "联系电话：13912345678。办公地址：宿城区洪泽湖路1号市民中心301室。地址：幸福路12号。"
    assert check_text(text, checks=("privacy",)) == []


def test_an_id_number_born_after_today_is_not_valid_when_today_is_given():
    future = "32120220300101003X"  # born 2030-01-01
    from huimin.inspection.checks.privacy import valid_id_number

    assert valid_id_number(VALID_ID, date(2026, 1, 1))
    checksum_ok = [n for n in (future[:17] + c for c in "0123456789X") if valid_id_number(n)]
    assert checksum_ok and not valid_id_number(checksum_ok[0], date(2026, 1, 1))
    assert check_text(checksum_ok[0], checks=("privacy",), today=date(2026, 1, 1)) == []
    assert check_text(checksum_ok[0], checks=("privacy",), today=date(2031, 1, 1))


def test_html_visible_text_title_and_alt_text_are_checked_scripts_are_not():
    html = (
        "<html><head><title>再接再励</title><script>var a='网络赌博';</script></head>"
        "<body><p>推进<b>一带</b>一路建设</p><img src='a.png' alt='中華人民共合國'>"
        "<style>.x{content:'AV女优'}</style></body></html>"
    )
    found = [h.term for h in check_html(html, dictionary=WORDS)]
    assert sorted(found) == sorted(["再接再励", "一带一路", "中华人民共合国"])
    assert check_html("<p>再接<!-- x -->再励</p>", dictionary=WORDS)[0].term == "再接再励"


def test_context_marks_the_place():
    text = "我市举办活动庆祝中华人民共合国成立七十七周年，市民踊跃参加。" * 3
    normalised = normalise(text)
    first, second, _third = check_text(text, dictionary=WORDS)
    assert context(normalised, first, width=8) == "我市举办活动庆祝【中华人民共合国】成立七十七周年，…"
    assert context(normalised, second, width=5) == "…办活动庆祝【中华人民共合国】成立七十七…"


def test_the_shipped_list_serves_without_a_database():
    dictionary = engine.current_dictionary()  # no database access in this test
    assert dictionary.version == "shipped" and dictionary.size >= 400
    assert [h.term for h in check_text("台湾总统选举")] == ["台湾总统"]


def test_a_megabyte_is_checked_in_well_under_a_second():
    dictionary = engine.shipped_dictionary()
    paragraph = "宿迁市人民政府办公室关于印发2030年政务公开工作要点的通知，各县区人民政府、市各委办局。"
    text = (paragraph * (1_000_000 // len(paragraph)))[:999_000] + "中華人民共合國\u200b十九届4中全会"
    check_text("预热", dictionary=dictionary)
    started = time.perf_counter()
    hits = check_text(text, dictionary=dictionary)
    elapsed = time.perf_counter() - started
    assert {h.term for h in hits} >= {"中华人民共合国", "十九届4中全会"}
    assert elapsed < 0.75, elapsed  # about 0.3 s on the 2-core CI machine


def test_hostile_text_does_not_break_the_engine():
    assert check_text("\x00" * 1000 + "<script>alert(1)</script>" + "'; DROP TABLE x; --") == []
    assert check_html("<p" * 10000) == [] or True  # broken markup: no exception
    assert isinstance(check_html("<div>" * 5000 + "再接再励"), list)
    assert (
        Hit("privacy", "warn", "139****5678", "", 0, 11, "手机号码").verdict().startswith("疑似公开手机号码")
    )
