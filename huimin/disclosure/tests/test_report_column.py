"""The 年报 column holds report pages, not articles: it lists them and is not a blank column."""

import pytest
from wagtail.models import Site

from huimin.disclosure.models import AnnualReportPage
from huimin.sites.models import ColumnPage
from huimin.sites.queries import newest_item_date

pytestmark = pytest.mark.django_db


def portal_report_column() -> ColumnPage:
    return ColumnPage.objects.child_of(Site.objects.get(hostname="127.0.0.1").root_page).get(slug="xxgknb")


def test_the_report_column_lists_its_published_report_and_counts_as_updated(demo, client):
    column = portal_report_column()
    report = AnnualReportPage.objects.child_of(column).live().get(year=2025)
    response = client.get("/xxgknb/", HTTP_HOST="127.0.0.1")
    html = response.content.decode()
    assert response.status_code == 200
    assert report.title in html and 'href="/xxgknb/2025/"' in html
    assert "本栏目暂无信息" not in html
    assert newest_item_date(column) == report.pub_date


def test_a_draft_report_leaves_the_column_blank(demo, client):
    column = portal_report_column()
    for report in AnnualReportPage.objects.child_of(column):
        report.unpublish()
    response = client.get("/xxgknb/", HTTP_HOST="127.0.0.1")
    assert "本栏目暂无信息" in response.content.decode()
    assert newest_item_date(column) is None


def test_a_report_is_published_through_the_sites_review(demo, django_user_model):
    report = AnnualReportPage.objects.child_of(portal_report_column()).get(year=2025)
    workflow = report.get_workflow()
    assert workflow is not None and workflow.name.endswith("内容审核")
    editor = django_user_model.objects.get(username="portal-editor")
    permissions = report.permissions_for_user(editor)
    assert permissions.can_edit() and not permissions.can_publish()
