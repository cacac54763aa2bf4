import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from huimin.sites.models import SiteIdentity, SiteRoleGroup

pytestmark = pytest.mark.django_db
GOOD = [
    "--hostname",
    "sy.example.gov.cn",
    "--org-unit",
    "宿迁市档案馆",
    "--keywords",
    "档案,查档",
    "--site-name",
    "宿迁市档案馆",
    "--site-code",
    "3213000031",
    "--domain",
    "daj.suqian.gov.cn",
    "--sponsor",
    "宿迁市档案馆",
    "--phone",
    "0527-84300031",
    "--address",
    "江苏省宿迁市",
    "--email",
    "daj@suqian.example.cn",
    "--icp-number",
    "苏ICP备05000001号-31",
    "--police-record-number",
    "苏公网安备32130202000031号",
    "--conac-url",
    "https://bszs.conac.cn/sitename?method=show&id=DEMO0031",
]


def _with(option, value):
    args = list(GOOD)
    args[args.index(option) + 1] = value
    return args


def test_it_creates_a_complete_site(demo, client):
    out = StringIO()
    call_command("create-site", *GOOD, "--json", stdout=out)
    created = json.loads(out.getvalue())
    site = Site.objects.get(pk=created["id"])
    assert SiteIdentity.objects.get(site=site).site_code == "3213000031"
    assert SiteRoleGroup.objects.filter(site=site).count() == 4
    assert client.get("/", HTTP_HOST="sy.example.gov.cn").status_code == 200


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--site-code", "32130000", "网站标识码应为10位"),
        ("--police-record-number", "苏公网安备123号", "14位"),
        ("--domain", "http://daj.suqian.gov.cn", "域名"),
        ("--hostname", "127.0.0.1", "已被其他站点使用"),
    ],
)
def test_it_refuses_bad_values_and_creates_nothing(demo, option, value, message):
    before = Site.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create-site", *_with(option, value))
    assert Site.objects.count() == before


def test_it_names_an_unknown_org_unit(demo):
    with pytest.raises(CommandError, match="组织机构“不存在的单位”不存在"):
        call_command("create-site", *_with("--org-unit", "不存在的单位"))
