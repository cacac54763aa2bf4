"""Scores from the weights data: deductions per indicator within their caps, and the veto items."""

import json

import pytest

from huimin.inspection.document import Finding
from huimin.inspection.enums import Check, Severity
from huimin.inspection.scoring import WeightsError, load_weights, parse_weights, score


def finding(check, severity=Severity.DEDUCT, url="https://www.example.gov.cn/a", target="", homepage=False):
    return Finding(Check(check), severity, url, target, "", homepage)


def items(result):
    return {item["indicator"]: item["deducted"] for item in result["items"]}


def test_broken_links_cost_half_a_point_on_the_homepage_and_a_fifth_elsewhere_within_two():
    result = score([finding("broken_link", target="https://x/1", homepage=True),
                    finding("broken_link", target="https://x/1", homepage=True),  # the same link twice
                    finding("broken_link", target="https://x/2"),
                    finding("broken_link", target="https://x/3")])  # fmt: skip
    assert items(result)["可用性：首页链接"] == 0.5 and items(result)["可用性：其他页面链接"] == 0.4
    many = score([finding("broken_link", target=f"https://x/{n}", homepage=True) for n in range(10)]
                 + [finding("broken_link", target=f"https://y/{n}") for n in range(10)])  # fmt: skip
    assert sum(items(many).values()) == 2 and many["total"] == 98 and not many["vetoed"]


def test_each_missing_footer_item_costs_half_a_point_within_one():
    one = score(
        [
            finding("footer_incomplete", target="ICP备案编号"),
            finding("footer_incomplete", target="ICP备案编号"),
        ]
    )
    assert items(one)["页面底部功能区"] == 0.5
    three = score([finding("footer_incomplete", target="ICP备案编号、主办单位、联系方式")])
    assert items(three)["页面底部功能区"] == 1


def test_stale_columns_cost_five_points_and_five_of_them_veto():
    four = score([finding("column_stale", url=f"https://x/c{n}") for n in range(4)])
    assert items(four)["栏目更新"] == 15 and not four["vetoed"] and four["total"] == 85  # 内容更新 caps at 15
    five = score([finding("column_stale", url=f"https://x/c{n}") for n in range(5)])
    assert five["vetoed"]


def test_a_veto_finding_fails_the_site_whatever_its_points():
    result = score([finding("unreachable", Severity.VETO, homepage=True)])
    assert result["vetoed"] and result["total"] == 0 and result["points"] == 100
    assert not score([finding("homepage_stale", Severity.WARN, homepage=True)])["vetoed"]


def test_the_shipped_weights_are_valid_and_an_administrator_may_change_them(tmp_path):
    assert load_weights().indicators
    assert parse_weights({}).indicators == ()
    custom = tmp_path / "weights.json"
    rule = {"indicator": "链接", "check": "broken_link", "count": "targets", "each": 1, "max": 3}
    custom.write_text(json.dumps({"indicators": [rule]}), encoding="utf-8")
    result = score([finding("broken_link", target="https://x/1")], load_weights(str(custom)))
    assert result["items"] == [{"indicator": "链接", "deducted": 1.0}]


@pytest.mark.parametrize(
    "data",
    [{"indicators": [{"indicator": "x", "check": "no_such_check", "each": 1, "max": 1}]},
     {"indicators": [{"indicator": "x", "check": "broken_link", "each": -1, "max": 1}]},
     {"indicators": [{"indicator": "x", "check": "broken_link", "each": "1", "max": 1}]},
     {"indicators": [{"indicator": "x", "check": "broken_link", "each": 1, "max": 1, "count": "pages"}]},
     {"veto_checks": ["everything"]}],
)  # fmt: skip
def test_a_broken_weights_file_is_refused_with_the_place(data):
    with pytest.raises(WeightsError):
        parse_weights(data)
