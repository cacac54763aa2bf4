"""Cleaning scraped text, on the real scraped seed document. No database needed."""

import re
from pathlib import Path

import pytest

from huimin.policies.importer.clean import clean_lines, fix_enumerators
from huimin.policies.importer.header import split_text_header

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "data" / "seeds"
SCRAPED = (SEEDS / "2023-website-work-points-scraped.txt").read_text(encoding="utf-8").splitlines()
CLEAN = (SEEDS / "2022-suqian-website-work-points.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def cleaned():
    return clean_lines(SCRAPED)


def test_it_drops_the_file_name_and_the_sharing_sites_blurb_and_keeps_the_title(cleaned):
    assert cleaned.scraped
    assert cleaned.title_hint == "2023年政府网站工作要点"
    text = "\n".join(cleaned.lines)
    assert ".docx" not in text
    assert "由会员分享" not in text
    assert "第壹文秘" not in text


def test_it_drops_the_trailing_boilerplate(cleaned):
    text = "\n".join(cleaned.lines)
    for noise in ("配套讲稿", "PPT", "特殊限制", "国旗、国徽", "关 键 词", "2023 政府 网站 工作 要点"):
        assert noise not in text
    assert cleaned.lines[-1].endswith("建立政府网站安全预警机制,")


def test_it_rejoins_the_pages_the_preview_split_mid_sentence(cleaned):
    text = "\n".join(cleaned.lines)
    assert "具有特色的政府网站体系。" in text
    assert "通过政策与用户之间的匹配关系" in text
    assert "市域治理“一张网”事件分拨系统" in text
    assert "体\n2、系" not in text
    assert "2、系" not in text
    assert not [line for line in cleaned.lines if re.match(r"\d{1,2}、", line)]


def test_it_mends_the_enumerators(cleaned):
    text = "\n".join(cleaned.lines)
    assert "1.建设“找得到、看得懂、用得上”的政府政策文件库。" in text
    assert "1 .建设" not in text
    assert not re.search(r"\d \.", text)
    assert "(一)聚焦“信息公开、公共服务、互动交流”三大功能" in text
    assert "(-)" not in text


def test_it_starts_a_paragraph_at_each_heading_and_item(cleaned):
    starts = [line[:6] for line in cleaned.lines]
    assert "二、重点任务" in cleaned.lines
    for start in ("一、工作目标", "(一)聚焦“", "1.建设“找", "2.打造差异", "(二)顺应“", "9.增强网站"):
        assert start in starts
    assert cleaned.lines[0].startswith("2023年政府网站工作要点为进一步加强政府网站建设管理")


def test_it_notes_that_the_scraped_text_stops_mid_sentence(cleaned):
    assert cleaned.notes == ["正文在“…立政府网站安全预警机制,”处中断，来源可能只提供了部分内容，请核对原件。"]


def test_it_leaves_a_clean_document_as_it_is():
    _, body = split_text_header(CLEAN)
    result = clean_lines(body)
    assert result.lines == [line.strip() for line in body if line.strip()]
    assert not result.scraped
    assert result.notes == []


def test_it_does_not_take_a_short_numbered_list_for_pages():
    lines = ["工作安排如下", "1、工作目标", "2、重点任务", "3、保障措施"]
    assert clean_lines(lines).lines == lines
    numbered_from_one = ["1、明确工作目标", "2、落实重点任务"]
    assert clean_lines(numbered_from_one).lines == numbered_from_one


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1 .建设政策文件库", "1.建设政策文件库"),
        ("12 ．抓好内容保障", "12.抓好内容保障"),
        ("(-)聚焦三大功能", "(一)聚焦三大功能"),
        ("（－）强化组织领导", "（一）强化组织领导"),
        ("9. 增强网站安全保障", "9. 增强网站安全保障"),
        ("合格率100%,无重大事故", "合格率100%,无重大事故"),
    ],
)
def test_it_fixes_only_broken_enumerators(line, expected):
    assert fix_enumerators(line) == expected
