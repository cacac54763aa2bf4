"""The knowledge base (答问知识库): services with their permissions and audit, the admin per unit, and
harvesting drafts from letters and guides once."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from wagtail.models import ModelLogEntry, Site

from huimin.conftest import DEMO_NOW
from huimin.search import qa_harvest, services
from huimin.search.enums import KnowledgeOrigin, KnowledgeStatus
from huimin.search.models import KnowledgeEntry
from huimin.sites.enums import Role
from huimin.sites.models import OrgUnit
from huimin.sites.services import assign_role

pytestmark = pytest.mark.django_db
ADMIN = "/admin/search-knowledge/"


@pytest.fixture
def people(demo, django_user_model):
    portal = Site.objects.get(hostname="127.0.0.1")
    water = OrgUnit.objects.get(name="宿迁市水利局")
    education = OrgUnit.objects.get(name="宿迁市教育局")
    found = {"water": water, "education": education}
    slj = Site.objects.get(hostname="slj.localhost")
    found["portal"], found["slj"] = portal, slj
    staff = (
        ("water-editor", water, Role.EDITOR, portal),
        ("education-editor", education, Role.EDITOR, portal),
        ("water-leader", water, Role.UNIT_LEADER, portal),
        ("water-handler", water, Role.MESSAGE_HANDLER, slj),
    )
    for name, unit, role, site in staff:
        user = django_user_model.objects.create_user(name, password="not-used-here")
        assign_role(user, role=role, org_unit=unit, site=site)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        found[name] = user
    found["root"] = django_user_model.objects.create_superuser("qa-root", password="not-used-here")
    return found


def _values(unit, **extra):
    """A draft for the portal: what any of the unit's staff on the portal may save."""
    return {
        "question": "取水许可证过期了怎么办？",
        "answer": "请在有效期届满 45 日前向原审批机关提出延续申请。",
        "unit": unit,
        "site": Site.objects.get(hostname="127.0.0.1"),
        "status": KnowledgeStatus.DRAFT,
        **extra,
    }


def _client(client, user):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    return client


def test_staff_save_their_units_entries_with_an_audit_entry(people):
    entry = services.save_entry(None, actor=people["water-editor"], now=DEMO_NOW, **_values(people["water"]))
    assert entry.created_by == people["water-editor"]
    log = ModelLogEntry.objects.filter(object_id=str(entry.pk), action="huimin_search.qa_add")
    assert log.exists()
    services.retire_entry(entry, actor=people["water-editor"], now=DEMO_NOW)
    assert ModelLogEntry.objects.filter(object_id=str(entry.pk), action="huimin_search.qa_retire").exists()


PUBLISHED = {"status": KnowledgeStatus.PUBLISHED}


def test_a_reviewer_of_the_site_publishes_and_an_editor_or_handler_cannot(people):
    entry = services.save_entry(None, actor=people["water-editor"], now=DEMO_NOW, **_values(people["water"]))
    with pytest.raises(PermissionDenied, match="须经本站审核"):
        services.save_entry(entry, actor=people["water-editor"], now=DEMO_NOW, **PUBLISHED)
    with pytest.raises(PermissionDenied, match="须经本站审核"):
        services.save_entry(
            None, actor=people["water-editor"], now=DEMO_NOW, **_values(people["water"], **PUBLISHED)
        )
    services.save_entry(entry, actor=people["water-leader"], now=DEMO_NOW, **PUBLISHED)
    entry.refresh_from_db()
    assert entry.status == KnowledgeStatus.PUBLISHED
    with pytest.raises(
        PermissionDenied, match="须经本站审核"
    ):  # rewriting a published answer is reviewed again
        services.save_entry(entry, actor=people["water-editor"], now=DEMO_NOW, answer="未经审核的新答复")
    services.save_entry(entry, actor=people["water-editor"], now=DEMO_NOW, answer="新答复", status="draft")
    entry.refresh_from_db()
    assert entry.status == KnowledgeStatus.DRAFT and entry.answer == "新答复"


def test_a_handler_writes_only_for_their_own_site_and_never_for_the_whole_group(people):
    handler = people["water-handler"]  # a role on the water bureau's site only
    for site in (people["portal"], Site.objects.get(hostname="jyj.localhost"), None):
        with pytest.raises(PermissionDenied, match="本人有角色的站点"):
            services.save_entry(None, actor=handler, now=DEMO_NOW, **_values(people["water"], site=site))
        with pytest.raises(PermissionDenied):
            services.save_entry(
                None, actor=handler, now=DEMO_NOW, **_values(people["water"], site=site, **PUBLISHED)
            )
    own = services.save_entry(
        None, actor=handler, now=DEMO_NOW, **_values(people["water"], site=people["slj"])
    )
    assert own.status == KnowledgeStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.save_entry(own, actor=handler, now=DEMO_NOW, **PUBLISHED)
    assert not KnowledgeEntry.objects.filter(status=KnowledgeStatus.PUBLISHED, created_by=handler).exists()


def test_only_platform_roles_write_entries_for_the_whole_group(people):
    with pytest.raises(PermissionDenied, match="整个网站群"):
        services.save_entry(
            None, actor=people["water-leader"], now=DEMO_NOW, **_values(people["water"], site=None)
        )
    entry = services.save_entry(
        None, actor=people["root"], now=DEMO_NOW, **_values(people["water"], site=None, **PUBLISHED)
    )
    assert entry.site is None and entry.status == KnowledgeStatus.PUBLISHED


def test_the_admin_refuses_a_handlers_published_entry_for_another_site_and_keeps_what_was_typed(
    client, people
):
    c = _client(client, people["water-handler"])
    c.defaults["HTTP_HOST"] = "slj.localhost:8000"
    form = c.get(f"{ADMIN}new/").content.decode()
    sites = re.search(r'<select name="site".*?</select>', form, re.S).group(0)
    offered = re.findall(r'<option value="(\d*)"', sites)
    assert offered == [str(people["slj"].pk)]  # their own site only: no other site, no whole group
    data = {
        "question": "防汛物资在哪里领取？",
        "answer": "<script>alert(1)</script>请到市水利局领取。",
        "unit": people["water"].pk,
        "site": people["portal"].pk,
        "status": "published",
    }
    response = c.post(f"{ADMIN}new/", data)
    assert response.status_code == 200 and "防汛物资在哪里领取" in response.content.decode()
    response = c.post(f"{ADMIN}new/", {**data, "site": people["slj"].pk})
    assert response.status_code == 200 and "须经本站审核" in response.content.decode()
    assert not KnowledgeEntry.objects.filter(question="防汛物资在哪里领取？").exists()
    assert c.post(f"{ADMIN}new/", {**data, "site": people["slj"].pk, "status": "draft"}).status_code == 302
    assert KnowledgeEntry.objects.get(question="防汛物资在哪里领取？").status == KnowledgeStatus.DRAFT


def test_another_units_staff_cannot_create_or_edit_an_entry(people):
    with pytest.raises(PermissionDenied):
        services.save_entry(None, actor=people["education-editor"], now=DEMO_NOW, **_values(people["water"]))
    entry = services.save_entry(None, actor=people["water-editor"], now=DEMO_NOW, **_values(people["water"]))
    with pytest.raises(PermissionDenied):
        services.save_entry(entry, actor=people["education-editor"], now=DEMO_NOW, answer="改掉")
    with pytest.raises(PermissionDenied):  # nor move it into their own unit
        services.save_entry(entry, actor=people["education-editor"], now=DEMO_NOW, unit=people["education"])
    entry.refresh_from_db()
    assert entry.unit == people["water"] and "45 日" in entry.answer


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"question": " "}, "question"),
        ({"answer": "字" * 2001}, "answer"),
        ({"source_links": [{"title": "x", "url": "javascript:alert(1)"}]}, "source_links"),
        ({"source_links": [{"url": "//evil.example/"}]}, "source_links"),
    ],
)
def test_bad_entries_are_refused_in_chinese_and_nothing_is_saved(people, extra, field):
    with pytest.raises(ValidationError) as error:
        services.save_entry(None, actor=people["root"], now=DEMO_NOW, **_values(people["water"], **extra))
    assert field in error.value.message_dict
    assert not KnowledgeEntry.objects.filter(question__contains="取水许可证过期").exists()


def test_the_admin_lists_only_the_units_entries_and_another_units_entry_is_404(client, people):
    mine = services.save_entry(None, actor=None, now=DEMO_NOW, **_values(people["water"]))
    theirs = services.save_entry(
        None, actor=None, now=DEMO_NOW, **_values(people["education"], question="转学要什么手续？")
    )
    c = _client(client, people["water-editor"])
    listing = c.get(ADMIN).content.decode()
    assert mine.question in listing and theirs.question not in listing
    assert c.get(f"{ADMIN}edit/{mine.pk}/").status_code == 200
    assert c.get(f"{ADMIN}edit/{theirs.pk}/").status_code == 404
    for view in ("history", "usage"):  # nor its editors and dates
        assert c.get(f"{ADMIN}{view}/{mine.pk}/").status_code == 200, view
        assert c.get(f"{ADMIN}{view}/{theirs.pk}/").status_code == 404, view
    response = c.post(
        f"{ADMIN}edit/{theirs.pk}/",
        {"question": "改掉", "answer": "改掉", "unit": people["water"].pk, "status": "published"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.question == "转学要什么手续？"


def test_staff_create_and_retire_an_entry_in_the_admin(client, people):
    c = _client(client, people["water-editor"])
    form = c.get(f"{ADMIN}new/").content.decode()
    units = re.search(r'<select name="unit".*?</select>', form, re.S).group(0)
    assert "宿迁市水利局" in units and "宿迁市教育局" not in units  # only their own unit is offered
    data = {
        "question": "河道采砂需要许可吗？",
        "answer": "需要，向市水利局申请河道采砂许可。",
        "unit": people["water"].pk,
        "site": people["portal"].pk,
        "status": "draft",
        "links": "取水许可 | /bszn/qsxk/",
    }
    assert c.post(f"{ADMIN}new/", data).status_code == 302
    entry = KnowledgeEntry.objects.get(question="河道采砂需要许可吗？")
    assert entry.source_links == [{"title": "取水许可", "url": "/bszn/qsxk/"}]
    assert c.post(f"{ADMIN}edit/{entry.pk}/", {**data, "status": "retired"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == KnowledgeStatus.RETIRED
    bad = c.post(f"{ADMIN}new/", {**data, "question": "另一问", "links": "坏链接 | javascript:alert(1)"})
    assert bad.status_code == 200 and "来源地址" in bad.content.decode()


def test_a_person_without_a_unit_sees_no_knowledge_base(client, people, django_user_model):
    outsider = django_user_model.objects.create_user("outsider", password="not-used-here")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert _client(client, outsider).get(ADMIN).status_code in (302, 403)


def test_harvest_makes_drafts_from_letters_and_guides_once(demo):
    first = qa_harvest.harvest(now=DEMO_NOW)
    assert first.created > 0
    assert first.by_origin.get(KnowledgeOrigin.LETTER) and first.by_origin.get(KnowledgeOrigin.GUIDE)
    drafts = KnowledgeEntry.objects.filter(origin__in=[KnowledgeOrigin.LETTER, KnowledgeOrigin.GUIDE])
    assert drafts.count() == first.created
    assert set(drafts.values_list("status", flat=True)) == {KnowledgeStatus.DRAFT}
    assert drafts.filter(question__startswith="办理", question__endswith="需要哪些材料？").exists()
    assert drafts.filter(question__startswith="在哪里办理").exists()
    letter_entry = drafts.filter(origin=KnowledgeOrigin.LETTER).first()
    assert "/hudong/liuyan/gongkai/#letter-" in letter_entry.source_links[0]["url"]
    second = qa_harvest.harvest(now=DEMO_NOW)
    assert second.created == 0 and second.existing == first.created
    assert drafts.count() == first.created


def test_an_entry_an_editor_rewrote_is_not_harvested_again(demo, people):
    qa_harvest.harvest(now=DEMO_NOW)
    rewritten = []
    for origin in (KnowledgeOrigin.LETTER, KnowledgeOrigin.GUIDE):
        entry = KnowledgeEntry.objects.filter(origin=origin).order_by("pk").first()
        services.save_entry(entry, actor=people["root"], now=DEMO_NOW, question=f"改写后的问题{entry.pk}？")
        rewritten.append(entry.pk)
    assert KnowledgeEntry.objects.get(pk=rewritten[1]).source_key.rsplit("#", 1)[1] in qa_harvest.GUIDE_SLOTS
    again = qa_harvest.harvest(now=DEMO_NOW)
    assert again.created == 0
    for pk in rewritten:
        assert KnowledgeEntry.objects.get(pk=pk).question == f"改写后的问题{pk}？"


def test_the_migration_gives_guide_entries_their_field_and_keeps_every_entry(demo):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("huimin.search.migrations.0008_harvest_by_source")
    unit = OrgUnit.objects.get(name="宿迁市水利局")

    def old(question, key, origin=KnowledgeOrigin.GUIDE):
        return KnowledgeEntry.objects.create(
            question=question, answer="答", unit=unit, origin=origin, source_key=key, status="draft"
        )

    # Before it, a page's entries shared one key; under the new constraint each here is on a page of its own.
    materials = old("办理取水许可需要哪些材料？", "page:9001")
    time = old("办理取水许可的时限是多久？", "page:9002")
    place = old("在哪里办理取水许可？", "page:9003")
    rewritten = old("取水许可要带什么？", "page:9004")
    old("办理河道采砂许可需要哪些材料？", "page:9005#materials")  # harvested after a rewrite
    again = old("办理河道采砂许可需要哪些材料？", "page:9005")
    letter = old("问", "letter:9001", KnowledgeOrigin.LETTER)
    migration.rekey(apps, None)
    keys = dict(KnowledgeEntry.objects.filter(unit=unit, answer="答").values_list("pk", "source_key"))
    assert keys[materials.pk] == "page:9001#materials" and keys[time.pk] == "page:9002#time"
    assert keys[place.pk] == "page:9003#place" and keys[rewritten.pk] == f"page:9004#edited-{rewritten.pk}"
    assert keys[again.pk] == f"page:9005#edited-{again.pk}" and keys[letter.pk] == "letter:9001"
    assert len(keys) == 7


def test_harvested_letters_carry_no_contact_details(demo):
    from huimin.letters.models import Letter

    qa_harvest.harvest(now=DEMO_NOW)
    for entry in KnowledgeEntry.objects.filter(origin=KnowledgeOrigin.LETTER):
        letter = Letter.objects.get(pk=int(entry.source_key.split(":")[1]))
        for detail in (letter.contact_phone, letter.contact_email):
            if detail:
                assert detail not in entry.question and detail not in entry.answer


def test_the_harvest_command_reports_json_and_refuses_an_unknown_site(demo):
    out = StringIO()
    call_command("qa-harvest", "--site", "slj.localhost", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"created", "existing", "skipped", "by_origin"}
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("qa-harvest", "--site", "nowhere.example")


def test_an_entry_for_the_whole_group_links_to_the_portals_qa_page(people):
    from huimin.search.models import SearchDocument

    entry = services.save_entry(
        None,
        actor=None,
        now=DEMO_NOW,
        **_values(people["water"], site=None, status=KnowledgeStatus.PUBLISHED),
    )
    assert entry.site is None
    document = SearchDocument.objects.get(key=f"qa:{entry.pk}")
    assert document.url.startswith("http://127.0.0.1:8000/qa/?q="), document.url
