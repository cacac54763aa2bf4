"""Chinese text analysis: folding, segmentation with the domain dictionary, pinyin keys, and queries (with
hostile ones). No database: these are pure functions over the shipped data files."""

import re

import pytest

from huimin.search import analysis, vocabulary
from huimin.search.analysis import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    analyze_query,
    normalize,
    pinyin_keys,
    words,
)

SAFE_TERM = re.compile(r"^[0-9a-z.\-_%\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


@pytest.fixture(autouse=True)
def shipped_vocabulary_only():
    """Words an editor added in another test must not change what is asserted here."""
    vocabulary.reset()
    yield
    vocabulary.reset()


def test_it_folds_traditional_characters_to_simplified():
    assert normalize("宿遷市政府網站") == "宿迁市政府网站"


def test_it_folds_full_width_letters_and_digits_and_lowers_latin():
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("Ｗｅｂ　ＧＩＳ") == "web gis"


def test_it_makes_runs_of_mixed_white_space_one_space():
    assert normalize("  一网通办\u3000\t\n 政务服务  ") == "一网通办 政务服务"
    assert normalize("") == ""
    assert normalize(None) == ""


@pytest.mark.parametrize(
    ("text", "whole", "parts"),
    [
        ("推进一网通办改革", "一网通办", ["网通"]),
        ("适老化改造", "适老化改造", ["适老化", "改造"]),
        ("网民留言办理", "网民留言", ["网民", "留言"]),
        ("政策解读专栏", "政策解读", ["政策", "解读"]),
    ],
)
def test_domain_words_are_kept_whole_and_give_their_parts(text, whole, parts):
    result = words(text)
    assert whole in result
    for part in parts:
        assert part in result


def test_stop_words_are_dropped():
    result = words("我们的政策怎么申请")
    assert "的" not in result and "我们" not in result and "怎么" not in result
    assert "政策" in result and "申请" in result


def test_punctuation_is_dropped():
    result = words("“社保”、医保！（公积金）——《政策》……")
    assert result[:2] == ["社保", "医保"] and result[-1] == "政策"
    assert "公积金" in result
    assert all(SAFE_TERM.match(token) for token in result)


def test_latin_and_digit_runs_are_kept_whole():
    result = words("ABC123 平台 2022年 v2")
    assert "abc123" in result and "2022" in result and "v2" in result
    assert "a" not in result and "20" not in result


def test_traditional_text_is_segmented_like_simplified():
    assert words("宿遷市政府網站工作要點") == words("宿迁市政府网站工作要点")


def test_index_text_joins_the_words_with_single_spaces():
    assert analysis.index_text("社会保险，政策解读") == " ".join(words("社会保险，政策解读"))


def test_pinyin_keys_give_full_pinyin_and_initials():
    assert pinyin_keys(["适老化"]) == ["shilaohua", "slh"]
    assert pinyin_keys(["社保"]) == ["shebao", "sb"]


def test_pinyin_keys_skip_single_characters_latin_and_repeats():
    assert pinyin_keys(["社", "abc", "2022", "社保", "社保"]) == ["shebao", "sb"]


def test_a_traditional_query_is_folded():
    result = analyze_query("宿遷 政府網站")
    texts = [term.text for term in result.terms]
    assert result.normalized == "宿迁 政府网站"
    assert texts == ["宿迁", "政府网站"]
    assert result.terms[0].pinyin == ["suqian"]


def test_synonyms_are_attached_to_the_term():
    result = analyze_query("社保缴费", {"社保": ["社会保险", "社保"]})
    term = result.terms[0]
    assert term.text == "社保"
    assert term.synonyms == ["社会保险"]  # the word itself is not its own synonym
    assert "社会保险" in result.all_words()


def test_a_homophone_misspelling_meets_the_right_word_by_its_sound():
    misspelt = analyze_query("适老花")
    assert "shilaohua" in misspelt.phrase_pinyin
    assert pinyin_keys(["适老化"])[0] == "shilaohua"


def test_a_pinyin_query_has_a_pinyin_alternative():
    result = analyze_query("shebao")
    assert [term.text for term in result.terms] == ["shebao"]
    assert result.terms[0].pinyin == ["shebao"]
    assert result.terms[0].pinyin[0] in pinyin_keys(["社保"])


def test_typed_pinyin_is_also_read_as_the_words_jieba_cuts():
    # jieba cuts 乡村振兴 into 乡村 and 振兴; their keys, not the whole string, are in the index.
    assert words("乡村振兴") == ["乡村", "振兴"]
    assert pinyin_keys(words("乡村振兴")) == ["xiangcun", "xc", "zhenxing", "zx"]
    assert analyze_query("xiangcunzhenxing").terms[0].pinyin == ["xiangcunzhenxing", "xiangcun zhenxing"]
    assert analysis.pinyin_splits("fxkh") == ["fx kh"]  # initials: words of two letters or more
    assert analysis.pinyin_splits("qiyesheli") == ["qiye sheli"]  # the fewest syllables: qi ye, not q-i


def test_short_words_and_non_pinyin_are_not_split():
    for text in ("shilaohua", "shebao", "hello", "xyz", "abc123", "宿迁", ""):
        assert analysis.pinyin_splits(text) == [], text
    assert len(analysis.pinyin_splits("zhengfuwangzhangongzuoyaodian")) <= analysis.PINYIN_SPLITS_MAX
    assert analysis.pinyin_splits("zhengfuwangzhangongzuoyaodian")[0] == "zhengfu wangzhan gongzuo yaodian"
    assert analysis.pinyin_splits("a" * 1000) == []


def test_an_empty_query_has_no_terms():
    for query in ("", "   ", None):
        result = analyze_query(query)
        assert result.empty and result.phrase_pinyin == []


def test_a_thousand_character_query_is_cut():
    result = analyze_query("社保" * 500)
    assert len(result.raw) == MAX_QUERY_CHARS
    assert [term.text for term in result.terms] == ["社保"]


def test_a_query_of_many_words_keeps_at_most_the_term_limit():
    query = " ".join(f"word{i}" for i in range(40))
    assert len(analyze_query(query).terms) == MAX_QUERY_TERMS


def test_an_emoji_only_query_has_no_terms():
    assert analyze_query("😀🎉👍").empty


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('" * : ( ) OR NEAR AND -', []),
        ('社保 OR "公积金" NEAR(医保) AND -低保*', ["社保", "公积金", "医保", "低保"]),
        ("'; DROP TABLE x; --", ["drop", "table", "x"]),
        ("<script>alert(1)</script>社保", ["script", "alert", "1", "社保"]),
    ],
)
def test_query_syntax_and_injection_become_plain_words(query, expected):
    result = analyze_query(query)
    texts = [term.text for term in result.terms]
    assert texts == expected
    assert all(SAFE_TERM.match(text) for text in texts)


def test_every_shipped_synonym_word_is_one_query_word():
    """Synonyms are looked up by query term, so each word of data/synonyms.txt must not be cut apart."""
    for group in vocabulary.file_groups():
        for word in group:
            assert analysis._query_words(word) == [word], word


def test_the_shipped_synonym_groups_are_well_formed():
    groups = vocabulary.file_groups()
    assert len(groups) >= 20
    assert ("社保", "社会保险") in groups
    assert all(len(group) == len(set(group)) >= 2 for group in groups)
