"""The words editors manage for search: the services that change them (with their refusals and
permissions), the reload across processes at most every 30 seconds, and the admin pages 搜索词典 and
同义词."""

import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from huimin.search import analysis, services, vocabulary
from huimin.search.models import SearchWord, SynonymGroup

pytestmark = pytest.mark.django_db
ADMIN_HOST = {"HTTP_HOST": "127.0.0.1"}
# jieba cuts these apart on its own (免申 / 即享, 宿心 / 办): only an editor's word keeps them whole.
NEW_WORD = "免申即享"
OTHER_NEW_WORD = "宿心办"


@pytest.fixture(autouse=True)
def fresh_vocabulary():
    """Each test starts from the shipped vocabulary and leaves it so (the state is per process)."""
    vocabulary.reset()
    yield
    vocabulary.reset()


@pytest.fixture
def platform_admin(django_user_model):
    return django_user_model.objects.create_superuser("search-keeper", password="not-used-here")


def _staff(django_user_model, username, *codenames):
    """An admin user whose group holds the given search permissions (and admin access)."""
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
def plain_editor(django_user_model):
    return _staff(django_user_model, "plain-editor")


@pytest.fixture
def word_keeper(django_user_model):
    return _staff(django_user_model, "word-keeper", "add_searchword", "change_searchword", "view_searchword")


def _message(error: ValidationError) -> str:
    return " ".join(message for messages in error.message_dict.values() for message in messages)


# --- the services ----------------------------------------------------------------------------------------


def test_a_word_added_by_an_editor_changes_segmentation_at_once(platform_admin):
    assert NEW_WORD not in analysis.words(f"{NEW_WORD}政策")
    entry = services.add_word(NEW_WORD, actor=platform_admin, note="惠企政策免申请直接享受")
    assert NEW_WORD in analysis.words(f"{NEW_WORD}政策")
    assert [term.text for term in vocabulary.analyze(f"{NEW_WORD}政策").terms] == [NEW_WORD, "政策"]
    assert entry.created_by == platform_admin
    services.delete_word(entry, actor=platform_admin)
    assert NEW_WORD not in analysis.words(f"{NEW_WORD}政策")
    assert not SearchWord.objects.exists()


def test_words_are_stored_folded():
    entry = services.add_word("宿遷ＡＢＣ通", actor=None)
    assert entry.word == "宿迁abc通"


def test_editing_a_word_replaces_it_in_segmentation(platform_admin):
    entry = services.add_word(NEW_WORD, actor=platform_admin)
    services.edit_word(entry, OTHER_NEW_WORD, actor=platform_admin, note="平台名称")
    entry.refresh_from_db()
    assert (entry.word, entry.note) == (OTHER_NEW_WORD, "平台名称")
    assert OTHER_NEW_WORD in analysis.words(f"宿迁{OTHER_NEW_WORD}")
    assert NEW_WORD not in analysis.words(f"{NEW_WORD}政策")


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("", "请填写词语"),
        ("的", "须为 2 至 30 个字符"),
        ("惠" * 31, "须为 2 至 30 个字符"),
        ("惠企 通", "只能包含汉字、英文字母和数字"),
        ("<script>alert(1)</script>", "只能包含汉字、英文字母和数字"),
        ("惠企；通", "只能包含汉字、英文字母和数字"),
        ("我们", "是停用词"),
        ("怎么", "是停用词"),
    ],
)
def test_it_refuses_a_bad_word_with_a_chinese_message(word, message):
    with pytest.raises(ValidationError) as refused:
        services.add_word(word, actor=None)
    assert message in _message(refused.value)
    assert not SearchWord.objects.exists()


def test_it_refuses_a_word_already_in_the_dictionary_even_in_traditional_form():
    services.add_word("宿迁通", actor=None)
    with pytest.raises(ValidationError) as refused:
        services.add_word("宿遷通", actor=None)
    assert "搜索词典中已有“宿迁通”" in _message(refused.value)
    assert SearchWord.objects.count() == 1


def test_a_synonym_group_is_stored_folded_without_repeats():
    group = services.save_synonym_group(
        None, "惠企政策、惠企通，惠企通 免申即享\n惠企政策", actor=None, note="测试"
    )
    assert group.words == "惠企政策、惠企通、免申即享"
    assert vocabulary.synonym_map()["惠企通"] == ["惠企政策", "免申即享"]
    assert vocabulary.analyze("惠企通").terms[0].synonyms == ["惠企政策", "免申即享"]
    traditional = services.save_synonym_group(None, "宿遷、宿迁市", actor=None)
    assert traditional.words == "宿迁、宿迁市"


def test_the_words_of_an_editors_group_are_kept_whole_in_queries():
    services.save_synonym_group(None, f"{NEW_WORD}、惠企政策", actor=None)
    term = vocabulary.analyze(f"{NEW_WORD}怎么申请").terms[0]
    assert (term.text, term.synonyms) == (NEW_WORD, ["惠企政策"])


def test_editing_and_deleting_a_group_changes_the_synonyms(platform_admin):
    group = services.save_synonym_group(None, "惠企通、惠企政策", actor=platform_admin)
    services.save_synonym_group(group, "惠企通、苏企通", actor=platform_admin)
    assert vocabulary.synonym_map()["惠企通"] == ["苏企通"]
    assert "惠企政策" not in vocabulary.synonym_map()
    services.delete_synonym_group(group, actor=platform_admin)
    assert "惠企通" not in vocabulary.synonym_map()
    assert vocabulary.synonym_map()["社保"] == ["社会保险"]  # the shipped groups stay


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("社保", "至少需要两个不同的词语"),
        ("社保、社保", "至少需要两个不同的词语"),
        ("宿遷、宿迁", "至少需要两个不同的词语"),
        ("、，  ", "至少需要两个不同的词语"),
        ("社保、" + "险" * 31, "须为 2 至 30 个字符"),
        ("社保、<b>社会保险</b>", "只能包含汉字、英文字母和数字"),
        ("、".join(f"词语{i}" for i in range(21)), "最多 20 个词语"),
    ],
)
def test_it_refuses_a_bad_synonym_group_with_a_chinese_message(text, message):
    with pytest.raises(ValidationError) as refused:
        services.save_synonym_group(None, text, actor=None)
    assert message in _message(refused.value)
    assert not SynonymGroup.objects.exists()


def test_people_without_the_permission_are_refused(plain_editor):
    entry = services.add_word(NEW_WORD, actor=None)
    group = services.save_synonym_group(None, "惠企通、惠企政策", actor=None)
    attempts = [
        lambda: services.add_word(OTHER_NEW_WORD, actor=plain_editor),
        lambda: services.edit_word(entry, OTHER_NEW_WORD, actor=plain_editor),
        lambda: services.delete_word(entry, actor=plain_editor),
        lambda: services.save_synonym_group(None, "苏企通、苏服办", actor=plain_editor),
        lambda: services.save_synonym_group(group, "惠企通、苏企通", actor=plain_editor),
        lambda: services.delete_synonym_group(group, actor=plain_editor),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert "您没有管理" in str(refused.value)
    assert list(SearchWord.objects.values_list("word", flat=True)) == [NEW_WORD]
    assert list(SynonymGroup.objects.values_list("words", flat=True)) == ["惠企通、惠企政策"]


def test_a_group_with_the_model_permission_may_do_exactly_what_it_holds(word_keeper):
    entry = services.add_word(NEW_WORD, actor=word_keeper)
    services.edit_word(entry, OTHER_NEW_WORD, actor=word_keeper)
    with pytest.raises(PermissionDenied):
        services.delete_word(entry, actor=word_keeper)
    with pytest.raises(PermissionDenied):
        services.save_synonym_group(None, "苏企通、苏服办", actor=word_keeper)
    assert SearchWord.objects.get().word == OTHER_NEW_WORD


def test_every_change_is_audited_with_a_chinese_label(platform_admin):
    entry = services.add_word(NEW_WORD, actor=platform_admin)
    services.edit_word(entry, OTHER_NEW_WORD, actor=platform_admin)
    services.delete_word(entry, actor=platform_admin)
    group = services.save_synonym_group(None, "惠企通、惠企政策", actor=platform_admin)
    services.save_synonym_group(group, "惠企通、苏企通", actor=platform_admin)
    services.delete_synonym_group(group, actor=platform_admin)
    actions = list(
        ModelLogEntry.objects.filter(user=platform_admin).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "huimin_search.word_add",
        "huimin_search.word_edit",
        "huimin_search.word_delete",
        "huimin_search.synonyms_add",
        "huimin_search.synonyms_edit",
        "huimin_search.synonyms_delete",
    ]
    assert log_registry.get_action_label("huimin_search.word_add") == "添加搜索词"
    assert log_registry.get_action_label("huimin_search.synonyms_delete") == "删除同义词组"


# --- the reload across processes ------------------------------------------------------------------------


def test_a_change_made_by_another_process_is_picked_up_only_after_the_interval():
    assert vocabulary.refresh(now=1000.0) is True
    # Another process saves an editor's word and group: rows appear in the database, not in this process.
    SearchWord.objects.create(word=OTHER_NEW_WORD)
    SynonymGroup.objects.create(words="惠企通、惠企政策")
    assert vocabulary.refresh(now=1000.0 + vocabulary.REFRESH_SECONDS - 1) is False
    assert OTHER_NEW_WORD not in analysis.words(f"宿迁{OTHER_NEW_WORD}")
    assert "惠企通" not in vocabulary.synonym_map()
    assert vocabulary.refresh(now=1000.0 + vocabulary.REFRESH_SECONDS) is True
    assert OTHER_NEW_WORD in analysis.words(f"宿迁{OTHER_NEW_WORD}")
    assert vocabulary.synonym_map()["惠企通"] == ["惠企政策"]


def test_a_deleted_row_is_noticed_too():
    SearchWord.objects.create(word=OTHER_NEW_WORD)
    vocabulary.refresh(now=1000.0)
    assert OTHER_NEW_WORD in analysis.words(f"宿迁{OTHER_NEW_WORD}")
    SearchWord.objects.all().delete()
    assert vocabulary.refresh(now=1031.0) is True
    assert OTHER_NEW_WORD not in analysis.words(f"宿迁{OTHER_NEW_WORD}")


def _data_queries(context) -> list[str]:
    return [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_queries_between_checks_do_not_touch_the_database():
    vocabulary.refresh(now=1000.0)
    with CaptureQueriesContext(connection) as between:
        for second in range(1, vocabulary.REFRESH_SECONDS):
            vocabulary.analyze("社保 适老花", now=1000.0 + second)
    assert _data_queries(between) == []
    with CaptureQueriesContext(connection) as at_the_check:
        assert vocabulary.analyze("社保", now=1000.0 + vocabulary.REFRESH_SECONDS).terms[0].synonyms == [
            "社会保险"
        ]
    assert (
        len(_data_queries(at_the_check)) == 2
    )  # the count and newest change of both tables; nothing changed


def test_an_unreadable_database_leaves_the_shipped_vocabulary(monkeypatch):
    def unreadable():
        raise DatabaseError("no such table: huimin_search_searchword")

    monkeypatch.setattr(vocabulary, "_signature", unreadable)
    assert vocabulary.refresh(now=1000.0) is False
    assert vocabulary.analyze("医保", now=1001.0).terms[0].synonyms == ["医疗保险"]


def test_a_word_in_two_groups_gets_the_words_of_both():
    synonyms = vocabulary.build_synonym_map([("答复", "回复"), ("答复", "回应"), ("回复", "答复")])
    assert synonyms["答复"] == ["回复", "回应"]
    assert synonyms["回应"] == ["答复"]


# --- the admin -------------------------------------------------------------------------------------------


def _menu(client) -> str:
    """The admin sidebar's menu (rendered from JSON props) as readable text."""
    home = client.get("/admin/").content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', home, re.S).group(1)
    return json.dumps(json.loads(props), ensure_ascii=False)


@pytest.fixture
def admin_client(client, platform_admin):
    client.defaults.update(ADMIN_HOST)
    client.force_login(platform_admin)
    return client


def test_the_menu_and_the_dictionary_page_render_for_a_superuser(admin_client):
    menu = _menu(admin_client)
    assert all(label in menu for label in ("搜索与问答", "搜索词典", "同义词"))
    listing = admin_client.get(reverse("search-words:index"))
    assert listing.status_code == 200
    assert "huimin search-reindex" in listing.content.decode()
    assert admin_client.get(reverse("search-words:add")).status_code == 200
    assert admin_client.get(reverse("search-synonyms:index")).status_code == 200
    assert admin_client.get(reverse("search-synonyms:add")).status_code == 200


def test_words_are_added_edited_and_deleted_through_the_admin(admin_client, platform_admin):
    response = admin_client.post(reverse("search-words:add"), {"word": "免申即享", "note": "政策兑现方式"})
    assert response.status_code == 302
    entry = SearchWord.objects.get(word=NEW_WORD)
    assert NEW_WORD in analysis.words(f"{NEW_WORD}政策")
    assert ModelLogEntry.objects.filter(action="huimin_search.word_add", user=platform_admin).exists()
    response = admin_client.post(
        reverse("search-words:edit", args=[entry.pk]), {"word": "宿心辦", "note": ""}
    )
    assert response.status_code == 302
    assert SearchWord.objects.get(pk=entry.pk).word == OTHER_NEW_WORD
    response = admin_client.post(reverse("search-words:delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not SearchWord.objects.exists()
    assert ModelLogEntry.objects.filter(action="huimin_search.word_delete", user=platform_admin).exists()


def test_there_is_no_copy_view_that_would_save_past_the_service(admin_client):
    entry = services.add_word(NEW_WORD, actor=None)
    group = services.save_synonym_group(None, "惠企通、惠企政策", actor=None)
    assert admin_client.get(f"/admin/search-words/copy/{entry.pk}/").status_code == 404
    assert admin_client.get(f"/admin/search-synonyms/copy/{group.pk}/").status_code == 404


def test_a_refused_word_comes_back_with_the_message_and_the_input_escaped(admin_client):
    response = admin_client.post(reverse("search-words:add"), {"word": "我们", "note": "保留的说明"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "是停用词" in html and "保留的说明" in html
    hostile = admin_client.post(reverse("search-words:add"), {"word": "<script>x</script>", "note": ""})
    html = hostile.content.decode()
    assert "只能包含汉字、英文字母和数字" in html
    assert "<script>x</script>" not in html
    services.add_word("宿迁通", actor=None)
    duplicate = admin_client.post(reverse("search-words:add"), {"word": "宿遷通", "note": ""})
    assert "搜索词典中已有" in duplicate.content.decode()
    assert list(SearchWord.objects.values_list("word", flat=True)) == ["宿迁通"]


def test_synonym_groups_are_added_edited_and_deleted_through_the_admin(admin_client):
    response = admin_client.post(reverse("search-synonyms:add"), {"words": "惠企通、惠企政策", "note": ""})
    assert response.status_code == 302
    group = SynonymGroup.objects.get()
    assert vocabulary.synonym_map()["惠企通"] == ["惠企政策"]
    response = admin_client.post(
        reverse("search-synonyms:edit", args=[group.pk]), {"words": "惠企通 苏企通", "note": "平台"}
    )
    assert response.status_code == 302
    assert SynonymGroup.objects.get().words == "惠企通、苏企通"
    refused = admin_client.post(
        reverse("search-synonyms:edit", args=[group.pk]), {"words": "惠企通", "note": ""}
    )
    assert refused.status_code == 200 and "至少需要两个不同的词语" in refused.content.decode()
    assert SynonymGroup.objects.get().words == "惠企通、苏企通"
    response = admin_client.post(reverse("search-synonyms:delete", args=[group.pk]))
    assert response.status_code == 302
    assert not SynonymGroup.objects.exists()
    assert "惠企通" not in vocabulary.synonym_map()


def test_a_plain_editor_cannot_reach_the_vocabulary_admin(client, plain_editor):
    entry = services.add_word(NEW_WORD, actor=None)
    group = services.save_synonym_group(None, "惠企通、惠企政策", actor=None)
    client.defaults.update(ADMIN_HOST)
    client.force_login(plain_editor)
    menu = _menu(client)
    assert "搜索与问答" not in menu and "搜索词典" not in menu
    for url in (
        reverse("search-words:index"),
        reverse("search-words:add"),
        reverse("search-synonyms:index"),
        reverse("search-synonyms:edit", args=[group.pk]),
    ):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(reverse("search-words:add"), {"word": OTHER_NEW_WORD}).status_code in (302, 403)
    assert client.post(reverse("search-words:delete", args=[entry.pk])).status_code in (302, 403)
    assert client.post(reverse("search-synonyms:delete", args=[group.pk])).status_code in (302, 403)
    assert list(SearchWord.objects.values_list("word", flat=True)) == [NEW_WORD]
    assert SynonymGroup.objects.filter(pk=group.pk).exists()


def test_a_dictionary_keeper_without_delete_permission_keeps_the_word(client, word_keeper):
    entry = services.add_word(NEW_WORD, actor=None)
    client.defaults.update(ADMIN_HOST)
    client.force_login(word_keeper)
    assert client.get(reverse("search-words:index")).status_code == 200
    assert client.post(reverse("search-words:add"), {"word": OTHER_NEW_WORD, "note": ""}).status_code == 302
    assert client.post(reverse("search-words:delete", args=[entry.pk])).status_code in (302, 403)
    assert sorted(SearchWord.objects.values_list("word", flat=True)) == sorted([NEW_WORD, OTHER_NEW_WORD])
    assert client.get(reverse("search-synonyms:index")).status_code in (302, 403)
