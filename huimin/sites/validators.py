"""Validators for the national identity items of a government website (STANDARDS.md §2)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

validate_site_code = RegexValidator(
    r"\A([0-9]{10}|bm[0-9]{8})\Z",
    "网站标识码应为10位：地方网站为6位行政区划代码加4位顺序号（如 1304000009），"
    "国务院部门网站为“bm”加8位数字（如 bm01000001）。",
    code="site_code",
)

validate_icp_number = RegexValidator(
    rf"\A[{PROVINCE_ABBREVIATIONS}]ICP备[0-9]{{8}}号(-[0-9]{{1,3}})?\Z",
    "ICP备案编号格式应为“省份简称ICP备8位数字号”，如 苏ICP备12345678号 或 苏ICP备12345678号-1。",
    code="icp_number",
)

validate_police_record_number = RegexValidator(
    rf"\A[{PROVINCE_ABBREVIATIONS}]公网安备[0-9]{{14}}号\Z",
    "公安机关备案号格式应为“省份简称公网安备14位数字号”，如 苏公网安备32130202000001号。",
    code="police_record_number",
)

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
validate_domain = RegexValidator(
    rf"\A{_LABEL}(\.{_LABEL})+\Z",
    "域名应为不带协议和路径的主机名，如 www.suqian.gov.cn。",
    code="domain",
    flags=re.IGNORECASE,
)

validate_phone = RegexValidator(
    r"\A[0-9０-９\-－+()（） 、,，/转]{5,40}\Z",
    "联系电话只能包含数字、区号分隔符和“转”，如 0527-84368000。",
    code="phone",
)


# The group's default theme colour: 政务蓝, 8:1 against white text.
DEFAULT_ACCENT_COLOUR = "#0b4f9c"


def validate_accent_colour(value: str) -> None:
    """A #rrggbb colour that white text can sit on: WCAG AA contrast for normal text (4.5:1)."""
    from huimin.core.contrast import HEX_COLOUR_RE, contrast_ratio, format_ratio

    if not HEX_COLOUR_RE.match(value or ""):
        raise ValidationError("请填写 #rrggbb 格式的颜色，如 #0b4f9c。", code="colour")
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < 4.5:
        raise ValidationError(
            f"该颜色与白色文字的对比度为 {format_ratio(ratio)}，低于 4.5:1，请选用更深的颜色。",
            code="contrast",
        )
