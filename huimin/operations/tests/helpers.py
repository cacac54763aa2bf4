"""Small builders for the tests of 运维责任: a site of its own (hostnames under ops-*.localhost, so nothing
collides with the demo), people with a role on it, columns and articles through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from huimin.articles.services import publish_article
from huimin.sites import services as site_services
from huimin.sites.enums import Role
from huimin.sites.models import ColumnPage, ColumnType, OrgUnit

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2030, 3, 6, 10, 0, tzinfo=SH)  # a Wednesday
_numbers = itertools.count(1)


def make_site(key: str, *, kind: str = "county"):
    """(unit, site): a unit and its own site, with an identity (网站名称 “<key>测试网站”)."""
    number = next(_numbers)
    unit = OrgUnit.objects.create(name=f"{key}测试单位{number}", kind=kind, sort_order=900 + number)
    identity = site_services.IdentityData(
        site_name=f"{key}测试网站",
        site_code=f"32139{number:05d}",
        domain=f"ops{number}.suqian.gov.cn",
        sponsor=f"{key}测试单位办公室",
        phone="0527-84300091",
        address="江苏省宿迁市（测试地址）",
        email="test@suqian.example.cn",
        icp_number="苏ICP备05000001号-91",
        police_record_number="苏公网安备32130202000091号",
        conac_url="https://bszs.conac.cn/sitename?method=show&id=TEST0091",
    )
    site = site_services.create_site(
        hostname=f"ops-{key}-{number}.localhost",
        port=80,
        org_unit=unit,
        identity=identity,
        home_title=f"{key}测试网站",
        home_keywords="测试",
    )
    return unit, site


def person(site, unit, role: Role = Role.EDITOR, *, name: str = "", username: str = ""):
    user = get_user_model().objects.create_user(
        username=username or f"ops-user-{next(_numbers)}", password="x", first_name=name
    )
    site_services.assign_role(user, role=role, org_unit=unit, site=site)
    return user


def platform_admin():
    return get_user_model().objects.create_superuser(username=f"ops-admin-{next(_numbers)}", password="x")


def column(parent, title: str, unit, *, type_name: str = "工作动态", quality_requirement: str = "", **extra):
    """A live column; `quality_requirement` is set on it afterwards (`add_column` does not take it yet)."""
    number = next(_numbers)
    extra.setdefault("responsible_person", "张三")
    made = site_services.add_column(
        parent,
        title=title,
        slug=f"ops-col-{number}",
        column_type=ColumnType.objects.get(name=type_name),
        description=f"{title}栏目",
        keywords=title,
        responsible_unit=unit,
        **extra,
    )
    if quality_requirement:
        ColumnPage.objects.filter(pk=made.pk).update(quality_requirement=quality_requirement)
        made.quality_requirement = quality_requirement
    return made


def article(column, when, title: str = "信息"):
    number = next(_numbers)
    return publish_article(
        column, title=f"{title}{number}", slug=f"ops-a-{number}", body="<p>正文</p>", pub_date=when
    )
