"""Best bets (推荐结果) through the services and the admin, and the 搜索日志 / 无结果检索 reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry, Site

from huimin.search import queries, services
from huimin.search.models import BestBet

pytestmark = pytest.mark.django_db


def _staff(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password="not-used-here")
    group = Group.objects.create(name=f"{username}-group")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="huimin_search", codename=codename)
        )
    user.groups.add(group)
    return user


@pytest.fixture
def site(demo):
    return Site.objects.get(hostname="127.0.0.1")


def test_a_best_bet_is_stored_for_the_normalized_query_and_audited(django_user_model, site):
    keeper = _staff(django_user_model, "bet-keeper", "add_bestbet")
    bet = services.save_best_bet(None, actor=keeper, query=" 宿遷  ＡＢＣ ", url="/bszn/", title="办事指南")
    assert bet.query == "宿迁 abc"
    assert ModelLogEntry.objects.filter(action="huimin_search.best_bet_add", object_id=str(bet.pk)).exists()
    assert [b.url for b in queries.best_bets("宿迁 abc", site)] == ["/bszn/"]


def test_a_best_bet_for_another_site_is_not_shown_here(site):
    other = Site.objects.get(hostname="slj.localhost")
    services.save_best_bet(None, actor=None, query="社保", site=other, url="/x/", title="别处的")
    services.save_best_bet(None, actor=None, query="社保", site=None, url="/y/", title="全市的")
    services.save_best_bet(None, actor=None, query="社保", site=site, url="/z/", title="停用的", active=False)
    assert [b.title for b in queries.best_bets("社保", site)] == ["全市的"]


def test_people_without_the_permission_are_refused(django_user_model):
    editor = _staff(django_user_model, "plain")
    with pytest.raises(PermissionDenied):
        services.save_best_bet(None, actor=editor, query="社保", url="/x/", title="x")
    assert not BestBet.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"query": "", "url": "/x/", "title": "x"}, "query", "请填写检索词"),
        ({"query": "社保", "url": "", "title": "x"}, "url", "请选择页面或填写地址"),
        ({"query": "社保", "url": "javascript:alert(1)", "title": "x"}, "url", "地址须以 / 开头"),
        ({"query": "社保", "url": "//evil.example/", "title": "x"}, "url", "地址须以 / 开头"),
        ({"query": "社保", "url": "/x/", "title": ""}, "title", "请同时填写标题"),
    ],
)
def test_bad_best_bets_are_refused_in_chinese(fields, field, message):
    with pytest.raises(ValidationError) as error:
        services.save_best_bet(None, actor=None, **fields)
    assert message in " ".join(error.value.message_dict[field])
    assert not BestBet.objects.exists()


def test_the_zero_result_report_lists_queries_by_count_for_those_allowed(client, django_user_model, site):
    now = timezone.now()
    for query, count, times in [("火星移民", 0, 3), ("月球签证", 0, 1), ("养老", 4, 2)]:
        for _ in range(times):
            services.log_search(query, site=site, results_count=count, now=now - timedelta(hours=1))
    plain = _staff(django_user_model, "plain")
    client.force_login(plain)
    assert client.get("/admin/search/log/?report=zero", HTTP_HOST="127.0.0.1").status_code in (302, 403)
    reader = _staff(django_user_model, "reader", "view_searchquerylog")
    client.force_login(reader)
    html = client.get("/admin/search/log/?report=zero", HTTP_HOST="127.0.0.1").content.decode()
    assert html.index("火星移民") < html.index("月球签证")
    assert "养老" not in html.split("<tbody>")[1]
    top = client.get("/admin/search/log/", HTTP_HOST="127.0.0.1").content.decode()
    assert "养老" in top.split("<tbody>")[1]


def test_the_best_bet_admin_creates_through_the_service(admin_client, site):
    response = admin_client.post(
        "/admin/search-best-bets/new/",
        {
            "query": "宿遷",
            "url": "/bszn/",
            "title": "办事",
            "sort_order": 0,
            "active": "on",
            "description": "",
        },
        HTTP_HOST="127.0.0.1",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    bet = BestBet.objects.get()
    assert bet.query == "宿迁"
    assert ModelLogEntry.objects.filter(action="huimin_search.best_bet_add").exists()
