"""What a published letter may show of the people in it."""

import pytest

from huimin.letters.masking import mask


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("请打我电话13812345678。", "13812345678", "138****5678"),
        ("身份证号320102199003071234", "199003071234", "320102"),
        ("身份证号32010219900307123X", "19900307123X", "X"),
        ("工资卡6222021234567890123", "62220212345678", "0123"),
        ("座机0527-84301234", "84301234", "0527-"),
        ("邮箱 zhangsan@example.com", "zhangsan@", "z***@example.com"),
        ("住在幸福路12号3栋201室", "12号", "幸福路"),
        ("住在幸福路十二号", "十二号", "幸福路"),
        ("地址：幸福路（位置：33.96, 118.28）", "33.96", "（位置：已隐去）"),
    ],
)
def test_personal_data_is_masked(text, hidden, kept):
    masked = mask(text)
    assert hidden not in masked and kept in masked


def test_the_writers_name_never_appears():
    assert "张三丰" not in mask("我叫张三丰，张三丰的诉求是……", names=("张三丰",))


def test_ordinary_text_and_dates_stay_as_they_are():
    text = "2024年5月10日起，每周一至周五9:00-17:00开放，共3个窗口。"
    assert mask(text) == text
