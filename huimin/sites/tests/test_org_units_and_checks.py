import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError

from huimin.sites.models import OrgUnit, SiteIdentity

pytestmark = pytest.mark.django_db


def test_an_org_unit_cannot_sit_below_itself(demo):
    city = OrgUnit.objects.get(name="宿迁市人民政府办公室")
    county = OrgUnit.objects.get(name="沭阳县")
    city.parent = county
    with pytest.raises(ValidationError, match="上级单位不能是本单位或其下级单位"):
        city.full_clean()


def test_the_system_check_names_a_site_whose_identity_is_incomplete(demo):
    assert not [m for m in run_checks(databases=["default"]) if m.id == "huimin.W001"]
    SiteIdentity.objects.filter(site__hostname="jyj.localhost").update(icp_number="", site_code="")
    warnings = [m for m in run_checks(databases=["default"]) if m.id == "huimin.W001"]
    assert len(warnings) == 1
    assert (
        "jyj.localhost" in warnings[0].msg
        and "ICP备案编号" in warnings[0].msg
        and "网站标识码" in warnings[0].msg
    )
