"""The kind of answer a question asks for, and the answer span of a passage (智能问答).

    asks("投诉类的留言要几天内给答复") -> "time_limit"
    span("咨询类留言1个工作日内回复,投诉类留言5个工作日内答复", "time_limit", ["投诉"]) -> "5个工作日内"

The kinds: time_limit, date, points, count, number, fee, material, organisation, place, yes_no, procedure,
other (the same names as the evaluation set's `asks`). A kind is recognised from the question's words
(`QUESTION_PATTERNS`, first match wins); a span is a match of the kind's pattern (`SPAN_PATTERNS`) in the
clause of the passage that holds most of the question's terms, so "几个工作日" of a sentence naming two kinds
of message gets the number of the clause naming the asked kind, not the first number of the sentence.
"""

from __future__ import annotations

import re

QUESTION_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("fee", r"交钱|收费|收钱|费用|多少钱|花钱|免费"),
        ("points", r"几分|多少分|分值|扣多少|扣几|加几|得几|加多少|得多少|分数"),
        ("date", r"什么时候|啥时候|何时|哪天|几月|几号前|最晚|截止|哪一年"),
        (
            "time_limit",
            r"多久|多长时间|几天|几个工作日|多少个?工作日|多少天|期限|时限|几个小时|多少小时|多快",
        ),
        ("count", r"几个|几条|几次|几趟|几项|多少条|多少个|多少次|多少项|几家"),
        ("number", r"多少|比例|占比|权重|几岁|多大|电话|号码|比率|合格率|百分之"),
        ("material", r"材料|资料|证件|带什么|带哪些|准备什么|准备哪些|要带"),
        ("organisation", r"谁|哪个单位|哪个部门|哪个机构|什么部门|什么单位|哪家"),
        ("place", r"哪里|在哪|哪儿|哪个窗口|几号窗口|地点|什么地方|哪个网站|地址"),
        ("procedure", r"怎么|如何|咋|怎样|流程|步骤|手续"),
        ("yes_no", r"吗[?？]?$|有没有|能不能|是否|可不可以|要不要|会不会|能否"),
    )
)

NUM = r"\d+(?:\.\d+)?"
SPAN_PATTERNS: dict[str, re.Pattern] = {
    "time_limit": re.compile(
        rf"{NUM}\s*个?\s*(?:工作日|工作小时|小时|天|日|个月|周(?!岁)|年(?![满底度]))内?"
        r"|每(?:月|季度|年|周|天|日)[^,，。;；]{0,8}"
    ),
    "date": re.compile(r"\d{4}年(?:\d{1,2}月(?:底|\d{1,2}日)?|底)前?|\d{1,2}月\d{1,2}日前?|\d{1,2}月底"),
    "points": re.compile(rf"(?:扣|加|得)?{NUM}分|(?<=分值 ){NUM}"),
    "count": re.compile(rf"{NUM}\s*(?:个|条|次|项|趟|家)[^,，。;；\s]{{0,6}}|[一二三两]次|一次都不用跑"),
    "number": re.compile(rf"{NUM}\s*(?:%|周岁|岁|元|条/年|个|次|条)|\d{{3,4}}-\d{{7,8}}"),
    "fee": re.compile(r"不收费|免费|不收取[^,，。]{0,6}|收费标准[^,，。]{0,20}|\d+(?:\.\d+)?元"),
}
# Guide and catalogue fields that answer a kind of question whatever their wording.
FIELD_HINTS: dict[str, re.Pattern] = {
    "material": re.compile(r"办理材料|所需材料|申请材料"),
    "place": re.compile(r"办理地点|地址|网址|在线办理|https?://|\.gov\.cn|\.com"),
    "fee": re.compile(r"不收费|收费标准|收取费用"),
    "time_limit": re.compile(r"办结时限|时限"),
    "number": re.compile(r"电话|年满|周岁"),
    "procedure": re.compile(r"办理流程|流程"),
}
# Kinds whose pattern is reliable enough that a passage without such a span is less likely the answer.
TYPED = frozenset({"time_limit", "date", "points", "count", "number", "fee"})
CLAUSE = re.compile(r"[,，;；。]")


def asks(question: str) -> str:
    """The kind of answer a normalized question asks for ("other" when none is recognised)."""
    for kind, pattern in QUESTION_PATTERNS:
        if pattern.search(question):
            return kind
    return "other"


def has_span(text: str, kind: str) -> bool:
    pattern = SPAN_PATTERNS.get(kind)
    return bool(pattern and pattern.search(text))


def fits(text: str, kind: str) -> bool:
    """Whether a passage holds the kind of answer asked for: a span of its pattern or a field named for it."""
    hint = FIELD_HINTS.get(kind)
    return has_span(text, kind) or bool(hint and hint.search(text))


def span(text: str, kind: str, words: list[str]) -> str | None:
    """The answer span of `text` for `kind`: a match in the clause holding the most of `words` (the
    question's terms and synonyms), the first such clause on ties; None when the kind has no pattern or
    the text no match."""
    pattern = SPAN_PATTERNS.get(kind)
    if pattern is None:
        return None
    best, best_hits = None, -1
    for clause in [*CLAUSE.split(text), ""]:
        found = pattern.search(clause) if clause else None
        if found:
            hits = sum(1 for word in words if word and word in clause)
            if hits > best_hits:
                best, best_hits = found.group(0).strip(), hits
    if best is None:
        found = pattern.search(text)
        best = found.group(0).strip() if found else None
    return best or None
