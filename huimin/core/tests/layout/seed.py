"""The small site the layout test serves, built in a subprocess against the layout's primary through the
same services the demo builder uses (`huimin loaddemo` takes minutes): one organisation unit, a platform
administrator with a TOTP device of a known secret, one site with a column and a published article whose
latest revision is an unpublished draft with a new title (the test publishes it through the admin).

The script is run as `python -c SCRIPT` with the app servers' environment, so it goes through the whole
project as the `huimin` command would; it is text here because `core` (and its tests) import no app.
It prints one line, `LAYOUT-SEED {json}`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HOSTNAME = "www.layout.test"
ADMIN = "layout-admin"
OLD_TITLE = "分布式部署测试文章（初版）"
NEW_TITLE = "分布式部署测试文章（修订版）"
MARKER = "LAYOUT-SEED "

SCRIPT = """
import json, os, sys
from datetime import timedelta

import django

django.setup()

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Site

from huimin.articles.services import publish_article
from huimin.core import otp
from huimin.demo.builder import load_spec
from huimin.sites import services as site_services
from huimin.sites.enums import OrgUnitKind, Role
from huimin.sites.models import ColumnType, OrgUnit
from huimin.workdays.queries import default_calendar

hostname, admin_name, password, secret, old_title, new_title = sys.argv[1:7]
spec = load_spec()
unit = OrgUnit.objects.create(
    name="宿迁市人民政府办公室", short_name="市政府办公室", kind=OrgUnitKind.CITY_OFFICE
)
admin = get_user_model().objects.create(username=admin_name, first_name="平台管理员")
admin.set_password(password)
admin.save()
site_services.assign_role(admin, role=Role.PLATFORM_ADMIN, org_unit=unit)
otp.provision_totp(admin, secret=bytes.fromhex(secret), name="layout")
portal = spec["sites"][0]
site = site_services.create_site(
    hostname=hostname,
    port=80,
    org_unit=unit,
    identity=site_services.IdentityData(**portal["identity"]),
    home_title=portal["identity"]["site_name"],
    home_keywords=portal["keywords"],
    home_intro=portal["intro"],
    actor=admin,
)
Site.objects.filter(pk=site.pk).update(is_default_site=True)
column = site_services.add_column(
    site.root_page,
    title="工作动态",
    slug="gzdt",
    column_type=ColumnType.objects.get(name="工作动态"),
    description="本单位工作开展情况。",
    keywords="工作动态",
    responsible_unit=unit,
    responsible_person="张明",
    actor=admin,
)
article = publish_article(
    column,
    title=old_title,
    slug="layout-article",
    body="<p>这是用于分布式部署测试的文章。</p>",
    pub_date=timezone.now() - timedelta(days=1),
    source="宿迁市人民政府办公室",
    actor=admin,
)
article.title = new_title
article.save_revision(user=admin)
print("LAYOUT-SEED " + json.dumps({
    "article_id": article.pk,
    "article_path": article.relative_url(site),
    "calendar": default_calendar().name,
}, ensure_ascii=False))
"""


def seed(env: dict, cwd: Path, *, password: str, secret: bytes) -> dict:
    """Build the site in the database `env` names; what the test needs to know about it."""
    argv = [sys.executable, "-c", SCRIPT, HOSTNAME, ADMIN, password, secret.hex(), OLD_TITLE, NEW_TITLE]
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith(MARKER)), None)
    if result.returncode or line is None:
        raise AssertionError(f"seeding failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(line.removeprefix(MARKER))
