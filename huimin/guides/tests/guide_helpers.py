"""Shared builders of purpose-made guides for the guide tests."""

from wagtail.models import Site

from huimin.guides.models import GuideIndexPage
from huimin.guides.services import upsert_guide
from huimin.sites.models import OrgUnit

PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}


def portal_index() -> GuideIndexPage:
    return GuideIndexPage.objects.child_of(Site.objects.get(hostname="127.0.0.1").root_page).get(slug="bszn")


def good_data(**changes) -> dict:
    """A complete guide the checker finds nothing in (no form needed, so no documents)."""
    data = {
        "slug": "test-good",
        "title": "测试事项登记",
        "item_code": "TEST-0001",
        "unit": OrgUnit.objects.get(name="宿迁市民政局"),
        "bases": [{"title": "《测试条例》", "clause": "第一条 申请人应当依法办理登记。"}],
        "conditions": "<p>年满18周岁的本市居民。</p>",
        "materials": [
            {"name": "居民身份证", "form": "copy", "medium": "paper", "copies": 1, "required": True},
        ],
        "address": "宿迁市洪泽湖东路19号",
        "window": "一楼 1 号窗口",
        "free_of_charge": True,
        "hours": "工作日 9:00—17:00",
        "consult_phone": "0527-84367999",
        "complaint_phone": "12345",
        "steps": [
            {"title": "申请", "description": "提交材料。"},
            {"title": "办结", "description": "领取结果。"},
        ],
        "legal_days": 10,
        "promised_days": 5,
        "themes": ["养老服务"],
        "service_objects": ["个人"],
    }
    data.update(changes)
    return data


def make_guide(publish=True, **changes):
    page, _ = upsert_guide(good_data(**changes), portal_index(), publish=publish)
    return page
