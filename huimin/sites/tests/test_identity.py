"""Site identity values are validated on save, in the model and in the admin, with Chinese messages."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from huimin.sites.models import SiteIdentity
from huimin.sites.validators import (
    validate_domain,
    validate_icp_number,
    validate_police_record_number,
    validate_site_code,
)


@pytest.mark.parametrize("code", ["1304000009", "3213000001", "bm01000001"])
def test_it_accepts_national_site_codes(code):
    validate_site_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "123456789",
        "12345678901",
        "BM01000001",
        "bm0100000",
        "bm010000001",
        "13040000O9",
        "1304000009\n",
        "' OR 1=1 --",
        "１３０４０００００９",
    ],
)
def test_it_refuses_malformed_site_codes(code):
    with pytest.raises(ValidationError) as error:
        validate_site_code(code)
    assert "网站标识码应为10位" in error.value.messages[0]


@pytest.mark.parametrize("value", ["苏ICP备12345678号", "苏ICP备12345678号-1", "京ICP备05070602号-12"])
def test_it_accepts_icp_numbers(value):
    validate_icp_number(value)


@pytest.mark.parametrize(
    "value",
    ["ICP备12345678号", "苏ICP备1234567号", "苏ICP12345678号", "沪ICP备12345678", "<b>苏ICP备12345678号</b>"],
)
def test_it_refuses_malformed_icp_numbers(value):
    with pytest.raises(ValidationError, match="ICP备案编号格式"):
        validate_icp_number(value)


@pytest.mark.parametrize("value", ["苏公网安备32130202000001号", "京公网安备11010502030143号"])
def test_it_accepts_police_record_numbers_of_fourteen_digits(value):
    validate_police_record_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "苏公网安备3213020200001号",
        "苏公网安备321302020000012号",
        "公网安备32130202000001号",
        "苏公网安备32130202000001",
    ],
)
def test_it_refuses_police_record_numbers_of_another_length(value):
    with pytest.raises(ValidationError, match="14位"):
        validate_police_record_number(value)


@pytest.mark.parametrize("value", ["www.suqian.gov.cn", "slj.suqian.gov.cn", "WWW.GOV.CN"])
def test_it_accepts_domains(value):
    validate_domain(value)


@pytest.mark.parametrize(
    "value",
    [
        "https://www.suqian.gov.cn",
        "www.suqian.gov.cn/",
        "localhost",
        "-a.gov.cn",
        "www..gov.cn",
        "www.suqian.gov.cn:8080",
        "宿迁.gov.cn",
    ],
)
def test_it_refuses_things_that_are_not_domains(value):
    with pytest.raises(ValidationError, match="域名"):
        validate_domain(value)


@pytest.mark.django_db
def test_the_conac_badge_link_must_point_at_conac(demo):
    identity = SiteIdentity.objects.get(site__hostname="127.0.0.1")
    identity.conac_url = "https://evil.example/conac.cn/x"
    with pytest.raises(ValidationError) as error:
        identity.full_clean()
    assert "conac.cn" in error.value.message_dict["conac_url"][0]


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_site_code_with_a_chinese_message_and_keeps_the_old_one(client, demo):
    identity = SiteIdentity.objects.get(site__hostname="slj.localhost")
    client.login(username="admin", password=demo.password)
    url = f"/admin/settings/huimin_sites/siteidentity/{identity.site_id}/"
    form = client.get(url, HTTP_HOST="127.0.0.1:8000")
    assert form.status_code == 200
    data = {
        field: getattr(identity, field) or ""
        for field in (
            "site_name",
            "site_code",
            "domain",
            "sponsor",
            "organizer",
            "phone",
            "address",
            "email",
            "icp_number",
            "police_record_number",
            "conac_url",
            "error_report_base",
            "accent_colour",
            "notice",
        )
    }
    data["org_unit"] = identity.org_unit_id
    response = client.post(
        url,
        {**data, "site_code": "32130000", "police_record_number": "苏公网安备1号"},
        HTTP_HOST="127.0.0.1:8000",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "网站标识码应为10位" in body and "14位数字" in body
    identity.refresh_from_db()
    assert identity.site_code == "3213000015"

    saved = client.post(url, {**data, "phone": "0527-84300099"}, HTTP_HOST="127.0.0.1:8000")
    assert saved.status_code == 302
    identity.refresh_from_db()
    assert identity.phone == "0527-84300099"


@pytest.mark.django_db
def test_the_error_report_link_carries_the_site_code_and_the_encoded_page_url(demo):
    identity = SiteIdentity.objects.get(site=Site.objects.get(hostname="127.0.0.1"))
    url = identity.error_report_url("http://127.0.0.1:8000/zcwj/?a=1&b=宿迁")
    assert url == (
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3213000001&url="
        "http%3A%2F%2F127.0.0.1%3A8000%2Fzcwj%2F%3Fa%3D1%26b%3D%E5%AE%BF%E8%BF%81"
    )
