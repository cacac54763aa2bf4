"""Helpers that make applications for government information through the one door, `services.submit`.

    application, password = apply(site, unit, at("2026-11-23 09:00"))
    application, password = apply(site, unit, now, delivery=Delivery.ONLINE, email="")
    data = citizen_data(site, unit, name="李四")          # an ApplicationData, not yet submitted
    data = organisation_data(site, unit)                  # 法人或其他组织, with a credit code
    people = unit_people(django_user_model)               # on the demo: the water bureau and its staff

Every call gets its own phone number unless one is given, so tests that make many applications at one
moment are not refused by the per-phone hourly limit. No client address is given (the per-address limit
counts nothing then).
"""

from __future__ import annotations

import itertools
from datetime import datetime

from huimin.disclosure import services
from huimin.disclosure.enums import ApplicantType, Delivery, IdType, OrgKind
from huimin.workdays.working_time import SHANGHAI

# Valid numbers (checksums right): a 宿城区 citizen, one whose check character is X, an organisation.
VALID_ID_CARD = "321302199001011234"
VALID_ID_CARD_X = "11010519491231002X"
VALID_CREDIT_CODE = "913213001234567896"
APPLICANT_EMAIL = "applicant@example.com"

_phones = itertools.count(1)


def at(text: str) -> datetime:
    """'2026-11-23 09:00' as an aware time in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _phone() -> str:
    return f"139{next(_phones) % 10**8:08d}"


def citizen_data(site, unit, **overrides) -> services.ApplicationData:
    """A complete application by a citizen asking by e-mail; any field can be overridden."""
    values = {
        "site": site,
        "unit": unit,
        "applicant_type": ApplicantType.CITIZEN,
        "name": "张三",
        "id_type": IdType.ID_CARD,
        "id_number": VALID_ID_CARD,
        "phone": _phone(),
        "email": APPLICANT_EMAIL,
        "address": "宿迁市宿城区幸福路1号",
        "postcode": "223800",
        "description": "2025年度古黄河堤防加固工程的环境影响评价批复文件",
        "purpose": "了解家门口工程的情况",
        "delivery": Delivery.EMAIL,
    }
    values.update(overrides)
    return services.ApplicationData(**values)


def organisation_data(site, unit, **overrides) -> services.ApplicationData:
    """A complete application by an organisation (a business), asking for paper copies."""
    values = {
        "applicant_type": ApplicantType.ORGANISATION,
        "org_kind": OrgKind.BUSINESS,
        "name": "宿迁市示例建设有限公司",
        "id_type": IdType.CREDIT_CODE,
        "id_number": VALID_CREDIT_CODE,
        "contact_person": "王五",
        "delivery": Delivery.PAPER,
    }
    values.update(overrides)
    return citizen_data(site, unit, **values)


def apply(site, unit, now: datetime, **overrides):
    """Submit a citizen's application at `now`; returns (application, query password)."""
    return services.submit(citizen_data(site, unit, **overrides), now=now)


def unit_people(user_model) -> dict:
    """On the demo (fixture `demo`): the portal site, the water bureau (宿迁市水利局) and people with e-mail
    addresses: its handler, two reviewers, an editor, the education bureau's handler, and `admin`."""
    from wagtail.models import Site

    from huimin.sites.enums import Role
    from huimin.sites.models import OrgUnit
    from huimin.sites.services import assign_role

    portal = Site.objects.get(hostname="127.0.0.1")
    water = OrgUnit.objects.get(name="宿迁市水利局")
    education = OrgUnit.objects.get(name="宿迁市教育局")
    people = {"site": portal, "unit": water, "other_unit": education}
    for key, role, unit in (
        ("handler", Role.MESSAGE_HANDLER, water),
        ("leader", Role.UNIT_LEADER, water),
        ("second_leader", Role.UNIT_LEADER, water),
        ("editor", Role.EDITOR, water),
        ("stranger", Role.MESSAGE_HANDLER, education),
        ("stranger_leader", Role.UNIT_LEADER, education),
    ):
        user = user_model.objects.create_user(f"gk-{key}", email=f"gk-{key}@example.com")
        assign_role(user, role=role, org_unit=unit, site=portal)
        people[key] = user
    people["admin"] = user_model.objects.get(username="admin")
    return people
