"""Validators for the national identity items of a government website (STANDARDS.md §2)."""

import re

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
