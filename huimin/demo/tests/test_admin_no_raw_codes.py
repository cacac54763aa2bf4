"""No raw code where a person reads the admin: a crawl of every sidebar link and each list's first detail
link, as the platform administrator, a unit's letter handler and a site administrator, finds none of the
internal codes (letter steps and states, inspection check ids, role codes, audit log action names) as
visible text. The codes stay in URLs, JSON and the exports' id columns, which are contracts."""

import re

import pytest

from huimin.core.tests.admin_text import first_detail_link, sidebar_urls, visible_text

pytestmark = pytest.mark.django_db

USERS = ["admin", "slj-handler", "portal-siteadmin", "security-auditor"]
# Screens that stream files or need a parameter rather than show a page.
SKIPPED = ("/admin/logout/", "export", "format=")


def raw_codes() -> set[str]:
    from wagtail.log_actions import registry

    from huimin.inspection.enums import Check
    from huimin.letters.admin_views import ACTION_LABELS
    from huimin.letters.enums import Channel, Kind, Rating, State
    from huimin.sites.enums import Role

    codes = set(ACTION_LABELS) | set(State.values) | set(Kind.values) | set(Rating.values)
    codes |= {c for c in Channel.values if "_" in c} | {c.value for c in Check} | set(Role.values)
    codes |= {action for action, _label in registry.get_choices()}
    return codes


def find_codes(text: str, codes: set[str]) -> set[str]:
    found = set()
    for code in codes:
        if re.search(rf"(?<![\w./-]){re.escape(code)}(?![\w/-]|\.\w)", text):
            found.add(code)
    return found


def test_the_finder_sees_a_raw_code_and_ignores_it_inside_urls():
    codes = {"broken_link", "dispatch", "wagtail.publish"}
    assert find_codes("检查项 broken_link 3", codes) == {"broken_link"}
    assert find_codes("操作：dispatch", codes) == {"dispatch"}
    assert find_codes("wagtail.publish", codes) == {"wagtail.publish"}
    assert find_codes("/admin/letters/dispatch/ 链接不可用", codes) == set()


def _crawl(client, username):
    home = client.get("/admin/")
    assert home.status_code == 200
    pages = {"/admin/": home.content.decode()}
    for url in sidebar_urls(pages["/admin/"]):
        if any(part in url for part in SKIPPED) or url in pages:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        detail = first_detail_link(html, url)
        if detail and detail not in pages and not any(part in detail for part in SKIPPED):
            response = client.get(detail)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                pages[detail] = response.content.decode()
    return pages


@pytest.mark.parametrize("username", USERS)
def test_no_admin_screen_shows_a_raw_code(demo, demo_clock, client, django_user_model, username):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(django_user_model.objects.get(username=username))
    codes = raw_codes()
    pages = _crawl(client, username)
    assert len(pages) > 3, f"the crawl reached too little for {username}: {sorted(pages)}"
    found = {
        url: sorted(hits) for url, html in pages.items() if (hits := find_codes(visible_text(html), codes))
    }
    assert found == {}


def test_a_letters_history_names_its_steps_in_chinese(demo, client, django_user_model):
    from huimin.letters.models import Letter

    letter = Letter.objects.filter(events__action="dispatch").order_by("pk").first()
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(django_user_model.objects.get(username="admin"))
    text = visible_text(client.get(f"/admin/letters/{letter.pk}/").content.decode())
    assert "分办" in text and "提交留言" in text
    assert find_codes(text, {"dispatch", "submit"}) == set()


def test_an_inspection_list_names_its_checks_in_chinese(demo, client, django_user_model):
    from django.utils import timezone
    from wagtail.models import Site

    from huimin.inspection.models import Run, Target

    site = Site.objects.get(hostname="127.0.0.1")
    target, _ = Target.objects.get_or_create(
        site=site, defaults={"name": "门户网站", "url": "http://127.0.0.1/"}
    )
    Run.objects.create(
        target=target, started=timezone.now(), score=88, counts={"broken_link": 4, "column_stale": 2},
        report={"site": target.url, "findings": [], "score": {"items": []}},
    )  # fmt: skip
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(django_user_model.objects.get(username="admin"))
    text = visible_text(client.get("/admin/inspection/").content.decode())
    assert "链接不可用 4" in text and "栏目不更新 2" in text
    assert find_codes(text, {"broken_link", "column_stale"}) == set()
