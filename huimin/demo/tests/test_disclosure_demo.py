"""The demo's 政府信息公开: applications in every state on every site (made through the services), the
time limits as the 条例 reads them at the demo's clock, a published 2025 annual report per site with figures,
the 公开制度 article and a 公开目录 of many categories on every site."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from huimin.articles.models import ArticlePage
from huimin.conftest import DEMO_NOW
from huimin.demo.builder import load_spec
from huimin.demo.disclosure import REPORT_PUBLISHED_AT, build_disclosure_demo
from huimin.disclosure import identity, services
from huimin.disclosure.enums import (
    ANSWER_DAYS,
    ApplicantType,
    FileRole,
    IdType,
    Level,
    OrgKind,
    State,
)
from huimin.disclosure.models import AnnualReportPage, Application, ApplicationEvent
from huimin.policies.models import PolicyPage
from huimin.sites import catalogue
from huimin.sites.models import ColumnPage
from huimin.workdays.queries import default_calendar, schedule_for
from huimin.workdays.working_time import SHANGHAI, add_working_days

pytestmark = pytest.mark.django_db


def _sites():
    spec = load_spec()
    return [(site_spec, Site.objects.get(hostname=site_spec["hostname"])) for site_spec in spec["sites"]]


def test_every_site_has_an_application_in_every_state(demo):
    for site_spec, site in _sites():
        states = set(Application.objects.filter(site=site).values_list("state", flat=True))
        assert states == set(State.values), site_spec["key"]


def test_every_answer_type_is_given_somewhere_with_its_ground_referral_files_and_letter(demo):
    answered = list(Application.objects.filter(state=State.ANSWERED))
    assert {a.answer for a in answered} == {"disclose", "partial", "withhold", "unavailable", "not_processed"}
    assert all(a.signed_by and a.drafted_by and a.signed_by != a.drafted_by for a in answered)
    assert all(a.answer_ground for a in answered if a.answer in ("withhold", "unavailable", "not_processed"))
    not_held = [a for a in answered if a.answer_ground == "not_held"]
    assert not_held and all("联系电话" in a.referral for a in not_held)
    for application in answered:
        files = {f.role: f for f in application.files.all()}
        assert {f.kind for f in application.files.filter(role=FileRole.REPLY)} == {"docx", "pdf"}
        if application.answer in ("disclose", "partial"):
            with files[FileRole.RELEASED].file.open("rb") as handle:
                assert handle.read(5) == b"%PDF-", application.query_code


def test_applicants_are_citizens_and_organisations_of_every_kind_with_valid_numbers(demo):
    applications = list(Application.objects.all())
    assert {a.applicant_type for a in applications} == set(ApplicantType.values)
    kinds = {a.org_kind for a in applications if a.applicant_type == ApplicantType.ORGANISATION}
    assert kinds == set(OrgKind.values)
    for application in applications:
        assert identity.validate(application.id_type, application.id_number) == application.id_number
        if application.id_type == IdType.ID_CARD:
            assert application.id_number.startswith("99")  # a region code that exists nowhere
    assert len({a.phone for a in applications}) == len(applications)


def test_the_staff_who_act_are_the_units_handler_and_leader(demo):
    for site_spec, site in _sites():
        handler = get_user_model().objects.get(username=f"{site_spec['key']}-handler")
        leader = get_user_model().objects.get(username=f"{site_spec['key']}-leader")
        events = ApplicationEvent.objects.filter(application__site=site)
        assert set(events.filter(action__in=["register", "draft"]).values_list("actor", flat=True)) == {
            handler.pk
        }
        assert set(events.filter(action__in=["extend", "sign_off"]).values_list("actor", flat=True)) == {
            leader.pk
        }


def test_one_sent_on_a_saturday_is_received_on_the_monday(demo):
    waiting = Application.objects.filter(state=State.SUBMITTED)
    saturday = [a for a in waiting if a.submitted_at.astimezone(SHANGHAI).weekday() == 5]
    assert len(saturday) == len(_sites())
    for application in saturday:
        sent = application.submitted_at.astimezone(SHANGHAI).date()
        assert application.received_on == sent + timedelta(days=2) == DEMO_NOW.date()


def test_at_the_demos_clock_one_is_late_and_one_near_its_limit_on_every_site(demo):
    for site_spec, site in _sites():
        open_ones = Application.objects.filter(site=site, state__in=[State.PROCESSING, State.SUBMITTED])
        levels = [services.level(a, DEMO_NOW) for a in open_ones]
        assert Level.OVERDUE in levels and Level.WARNING in levels, site_spec["key"]
    late = next(a for a in Application.objects.all() if services.level(a, DEMO_NOW) == Level.OVERDUE)
    assert services.days_left(late, DEMO_NOW) < 0


def test_the_clock_stops_for_a_correction_and_an_extension_moves_the_limit(demo):
    plan = schedule_for(default_calendar())
    waiting = Application.objects.filter(state=State.CORRECTION)
    assert waiting.count() == len(_sites())
    assert all(a.due_on is None and services.days_left(a, DEMO_NOW) is None for a in waiting)
    assert all(a.correction_due > DEMO_NOW.date() for a in waiting)
    corrected = Application.objects.filter(state=State.PROCESSING, corrected_on__isnull=False)
    assert corrected.count() == len(_sites())
    for application in corrected:
        assert application.due_on == add_working_days(plan, application.corrected_on, ANSWER_DAYS)
    extended = Application.objects.filter(extension_days__gt=0)
    assert extended.count() == len(_sites())
    for application in extended:
        assert application.extension_reason and application.extended_by.username.endswith("-leader")
        assert application.due_on == add_working_days(plan, application.received_on, ANSWER_DAYS + 15)
        assert services.level(application, DEMO_NOW) == Level.NORMAL
    given_up = Application.objects.filter(state=State.ABANDONED)
    assert all(a.answer_ground == "no_correction" and a.correction_due < a.closed_at.date() for a in given_up)


def test_last_years_applications_were_answered_in_2025_and_one_in_january(demo):
    last_year = Application.objects.filter(received_on__year=2025)
    assert last_year.count() == 4 * len(_sites())
    answered_2025 = last_year.filter(state=State.ANSWERED, answered_at__year=2025)
    assert answered_2025.count() == 2 * len(_sites())
    over_new_year = last_year.filter(received_on__month=12, answered_at__year=2026)
    assert over_new_year.count() == len(_sites())
    assert all(services.answered_in_time(a) for a in last_year.filter(state=State.ANSWERED))


def test_every_site_has_a_published_2025_report_with_figures(demo):
    for site_spec, site in _sites():
        page = AnnualReportPage.objects.descendant_of(site.root_page).get(year=2025, unit=None)
        assert page.live and not page.has_unpublished_changes, site_spec["key"]
        assert page.get_parent().slug == "xxgknb"
        assert page.pub_date == REPORT_PUBLISHED_AT
        assert page.figures_at == datetime(2026, 1, 20, 10, 0, tzinfo=SHANGHAI)
        figures = page.figures["applications"]
        # 4 received in 2025 on the site's own unit; 1 carried into 2026 (received in December).
        assert figures["new"]["total"] >= 4 and figures["carried_forward"]["total"] >= 1
        assert (
            figures["results_total"]["total"] == figures["new"]["total"] - figures["carried_forward"]["total"]
        )
        assert "2025年" in page.overview and page.problems and page.other_matters
        assert page.licences > 0 and page.review_upheld > 0


def _category(page, columns) -> str:
    if page.disclosure_category:
        return page.disclosure_category
    if isinstance(page, PolicyPage):
        return "zcwj"
    column = columns.get(page.get_parent().pk)
    return catalogue.for_column_type(column.column_type.name) if column else ""


def test_every_sites_catalogue_has_many_categories(demo):
    wanted = {"gkzn", "gkzd", "ghjh", "czyjs", "rsxx", "xzzf", "zfcg"}
    for site_spec, site in _sites():
        root = site.root_page
        columns = {c.pk: c for c in ColumnPage.objects.descendant_of(root).select_related("column_type")}
        pages = [
            *ArticlePage.objects.live().descendant_of(root),
            *PolicyPage.objects.live().descendant_of(root),
        ]
        found = {_category(page, columns) for page in pages} - {""}
        assert len(found) >= 5 and wanted <= found, (site_spec["key"], found)


def test_every_site_publishes_its_rules_of_disclosure(demo):
    for site_spec, site in _sites():
        sponsor = site_spec["identity"]["sponsor"]
        article = (
            ArticlePage.objects.live().descendant_of(site.root_page).get(title=f"{sponsor}政府信息公开制度")
        )
        assert article.disclosure_category == "gkzd" and article.get_parent().slug == "xxgkzn"
        for heading in ("工作机构", "发布协调", "保密审查", "依申请公开办理流程", "考核监督"):
            assert heading in article.body
        assert "7个工作日" in article.body and site_spec["disclosure"]["office"] in article.body
        assert "{" not in article.body and "演示" not in article.body


def test_the_published_password_opens_every_demo_application_and_nothing_else_does(demo):
    password = load_spec()["disclosure"]["query_password"]
    for _site_spec, site in _sites():
        for application in Application.objects.filter(site=site).order_by("pk")[:3]:
            opened = services.check_query(application.query_code, password)
            assert opened is not None and opened.pk == application.pk
            assert services.check_query(application.query_code, "000000") is None


def test_a_second_build_adds_no_application_article_or_report(demo):
    spec = load_spec()
    admin = get_user_model().objects.get(username="admin")
    before = (Application.objects.count(), ArticlePage.objects.count(), AnnualReportPage.objects.count())
    assert build_disclosure_demo(spec, DEMO_NOW + timedelta(days=3), admin) == 0
    assert (
        Application.objects.count(),
        ArticlePage.objects.count(),
        AnnualReportPage.objects.count(),
    ) == before
    assert date(2025, 1, 1) <= Application.objects.order_by("received_on").first().received_on
