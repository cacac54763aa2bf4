"""Builders for the work-order tests: a small group of two sites with named people, without the demo, and
orders made through the services.

    people = world()                          # two sites (甲 and 乙), their units and people; made once
    order = submitted(people, now=NOW)        # a manual order of unit 甲 on site 甲, 待审核
    order = dispatched(people, now=NOW)       # … accepted and dispatched to the platform admin
    order = fixed(people, now=NOW)            # … and fixed by them, 待确认
    upload = png_upload()                     # a real, small PNG as an uploaded file

The people (`world()` attributes):
- requester: 编辑 of unit 甲 on site 甲, submits orders; colleague: 留言办理员 of unit 甲 on site 甲;
- site_admin: 站点管理员 of site 甲; leader: 单位审核人 of unit 甲 on site 甲;
- stranger: 编辑 of unit 乙 on site 乙 (must see nothing of site 甲); other_admin: 站点管理员 of site 乙;
- platform: a platform admin (superuser); platform2: another one; vendor: an active vendor account's person;
  idle_vendor: a vendor account that is switched off; nobody: an account without any role.

Everything is made once per test process (the sites are found again by host name), so tests do not collide
with the demo's rows; orders are made inside each test and rolled back with it. Times are in 2030, a year
the demo never reaches.
"""

from __future__ import annotations

import io
import itertools
from datetime import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Site

from huimin.sites import services as site_services
from huimin.sites.enums import Role
from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI
from huimin.workorders import services
from huimin.workorders.enums import Assignee, Priority
from huimin.workorders.models import VendorAccount, WorkOrderKind

NOW = datetime(2030, 3, 4, 10, 0, tzinfo=SHANGHAI)  # a Monday, 10:00
PASSWORD = "Wo-test-2030-pass"
HOSTS = ("wo-jia.localhost", "wo-yi.localhost")
_titles = itertools.count(1)


def at(text: str) -> datetime:
    """'2030-03-04 09:00' as an aware time in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _unit(name: str) -> OrgUnit:
    unit, _ = OrgUnit.objects.get_or_create(name=name, defaults={"short_name": name[-3:], "kind": "other"})
    return unit


def _site(hostname: str, unit: OrgUnit, code: str, name: str) -> Site:
    site = Site.objects.filter(hostname=hostname).first()
    if site is not None:
        return site
    identity = site_services.IdentityData(
        site_name=name,
        site_code=code,
        domain=hostname.replace(".localhost", ".example.gov.cn"),
        sponsor=unit.name,
        phone="0527-84300000",
        address="江苏省宿迁市（测试地址）",
        email="wo-test@suqian.example.cn",
        icp_number="苏ICP备05000001号-98",
        police_record_number="苏公网安备32130202000098号",
        conac_url="https://bszs.conac.cn/sitename?method=show&id=TEST0098",
    )
    return site_services.create_site(
        hostname=hostname, port=80, org_unit=unit, identity=identity, home_title=name, home_keywords="测试"
    )


def _person(username: str, **extra):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"first_name": extra.pop("first_name", username), **extra}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def world() -> SimpleNamespace:
    """Two sites with their units and people (made once, found again afterwards)."""
    unit_a, unit_b = _unit("工单测试单位甲"), _unit("工单测试单位乙")
    site_a = _site(HOSTS[0], unit_a, "3213000093", "工单测试网站甲")
    site_b = _site(HOSTS[1], unit_b, "3213000094", "工单测试网站乙")
    people = SimpleNamespace(site=site_a, other_site=site_b, unit=unit_a, other_unit=unit_b)
    for key, role, unit, site, name in (
        ("requester", Role.EDITOR, unit_a, site_a, "甲编辑"),
        ("colleague", Role.MESSAGE_HANDLER, unit_a, site_a, "甲办理员"),
        ("leader", Role.UNIT_LEADER, unit_a, site_a, "甲审核人"),
        ("site_admin", Role.SITE_ADMIN, unit_a, site_a, "甲站点管理员"),
        ("stranger", Role.EDITOR, unit_b, site_b, "乙编辑"),
        ("other_admin", Role.SITE_ADMIN, unit_b, site_b, "乙站点管理员"),
    ):
        user = _person(f"wo-{key}", first_name=name, email=f"wo-{key}@example.com")
        site_services.assign_role(user, role=role, org_unit=unit, site=site)
        setattr(people, key, user)
    for key, name in (("platform", "平台运维甲"), ("platform2", "平台运维乙")):
        user = _person(f"wo-{key}", first_name=name)
        site_services.assign_role(user, role=Role.PLATFORM_ADMIN, org_unit=unit_a)
        setattr(people, key, user)
    for key, active in (("vendor", True), ("idle_vendor", False)):
        user = _person(f"wo-{key}", first_name="服务商工程师")
        account = VendorAccount.objects.filter(user=user).first() or VendorAccount(
            user=user, company=f"测试服务商{'甲' if active else '乙'}", active=active
        )
        services.save_vendor_account(account, None)
        setattr(people, key, user)
    people.nobody = _person("wo-nobody", first_name="无岗位")
    people.kind = WorkOrderKind.objects.get(code="correction")
    people.fault = WorkOrderKind.objects.get(code="fault")
    return people


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "截图.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def submitted(people, *, now: datetime = NOW, site=None, actor=None, **fields):
    """A manual order, 待审核 (by default: unit 甲's editor on site 甲, a 内容更正 of normal priority)."""
    values = {
        "kind": people.kind,
        "priority": Priority.NORMAL,
        "title": f"测试工单 {next(_titles)}：首页通知公告有错别字",
        "description": "首页通知公告第二条“宿迁市”误写为“宿千市”，请更正。",
        "url": "",
    }
    values.update(fields)
    return services.submit(site or people.site, actor or people.requester, now=now, **values)


def accepted(people, *, now: datetime = NOW, **fields):
    order = submitted(people, now=now, **fields)
    return services.accept(order, people.site_admin, now=now)


def dispatched(people, *, now: datetime = NOW, to_vendor: bool = False, **fields):
    order = accepted(people, now=now, **fields)
    if to_vendor:
        return services.dispatch(
            order, people.platform, assignee_kind=Assignee.VENDOR, assignee=people.vendor, now=now
        )
    return services.dispatch(
        order, people.platform, assignee_kind=Assignee.PLATFORM, assignee=people.platform, now=now
    )


def fixed(people, *, now: datetime = NOW, to_vendor: bool = False, **fields):
    order = dispatched(people, now=now, to_vendor=to_vendor, **fields)
    fixer = people.vendor if to_vendor else people.platform
    return services.fix(order, fixer, note="已更正错别字并重新发布。", now=now)
