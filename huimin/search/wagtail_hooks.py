"""Admin integration of search: the menu 搜索与问答, its viewsets and URLs, and the Chinese labels of the
app's audit log actions.

Any module of the app adds an entry to the menu with the hook `register_search_menu_item` (a function
returning a `MenuItem`, hidden from people who may not use it).
"""

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from .vocabulary_admin import hot_block_viewset, synonym_viewset, word_viewset

MENU_HOOK = "register_search_menu_item"


@hooks.register("register_admin_menu_item")
def register_search_menu():
    return SubmenuMenuItem(
        "搜索与问答", Menu(register_hook_name=MENU_HOOK), name="search", icon_name="search", order=275
    )


# --- vocabulary: 搜索词典 and 同义词 (vocabulary_admin.py, services.py) ------------------------------------

VOCABULARY_LOG_ACTIONS = {
    "huimin_search.word_add": ("添加搜索词", "在搜索词典中添加了词语"),
    "huimin_search.word_edit": ("修改搜索词", "修改了搜索词典中的词语"),
    "huimin_search.word_delete": ("删除搜索词", "从搜索词典中删除了词语"),
    "huimin_search.synonyms_add": ("添加同义词组", "添加了一组同义词"),
    "huimin_search.synonyms_edit": ("修改同义词组", "修改了一组同义词"),
    "huimin_search.synonyms_delete": ("删除同义词组", "删除了一组同义词"),
    "huimin_search.hot_block_add": ("添加热门搜索屏蔽词", "添加了热门搜索屏蔽词"),
    "huimin_search.hot_block_edit": ("修改热门搜索屏蔽词", "修改了热门搜索屏蔽词"),
    "huimin_search.hot_block_delete": ("删除热门搜索屏蔽词", "删除了热门搜索屏蔽词"),
}


@hooks.register("register_admin_viewset")
def register_vocabulary_viewsets():
    return [word_viewset, synonym_viewset, hot_block_viewset]


@hooks.register(MENU_HOOK)
def register_words_item():
    return word_viewset.get_menu_item(order=80)


@hooks.register(MENU_HOOK)
def register_synonyms_item():
    return synonym_viewset.get_menu_item(order=90)


@hooks.register(MENU_HOOK)
def register_hot_blocks_item():
    return hot_block_viewset.get_menu_item(order=95)


@hooks.register("register_log_actions")
def register_vocabulary_log_actions(actions):
    for action, (label, message) in VOCABULARY_LOG_ACTIONS.items():
        actions.register_action(action, label, message)


# --- end of vocabulary -----------------------------------------------------------------------------------


# --- queries and best bets: 推荐结果 and 搜索日志 (search_admin.py, services.py) --------------------------

from django.urls import path, reverse  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from . import search_admin  # noqa: E402

BEST_BET_LOG_ACTIONS = {
    "huimin_search.best_bet_add": ("添加推荐结果", "添加了一条推荐结果"),
    "huimin_search.best_bet_edit": ("修改推荐结果", "修改了一条推荐结果"),
    "huimin_search.best_bet_delete": ("删除推荐结果", "删除了一条推荐结果"),
}


class _LogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(search_admin.LOG_PERMISSION)


@hooks.register("register_admin_viewset")
def register_best_bet_viewset():
    return search_admin.best_bet_viewset


@hooks.register(MENU_HOOK)
def register_best_bets_item():
    return search_admin.best_bet_viewset.get_menu_item(order=60)


@hooks.register("register_admin_urls")
def register_search_log_urls():
    return [path("search/log/", search_admin.log_report, name="search_log_report")]


@hooks.register(MENU_HOOK)
def register_search_log_item():
    url = reverse("search_log_report")
    return _LogMenuItem("搜索日志", url, name="search-log", icon_name="history", order=70)


@hooks.register("register_log_actions")
def register_best_bet_log_actions(actions):
    for action, (label, message) in BEST_BET_LOG_ACTIONS.items():
        actions.register_action(action, label, message)


# --- end of queries and best bets ------------------------------------------------------------------------


# --- knowledge base: 答问知识库 (services.py `# --- knowledge base`) ----------------------------------------
# Staff see and edit only their own units' entries (another unit's entry answers 404); superusers all.
# An entry is retired (已停用) by choosing that status; entries are never deleted here, for the record.

from django import forms as _forms  # noqa: E402
from django.core.exceptions import ValidationError as _ValidationError  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402
from wagtail.admin.forms import WagtailAdminModelForm as _AdminModelForm  # noqa: E402
from wagtail.admin.panels import FieldPanel as _FieldPanel  # noqa: E402
from wagtail.admin.panels import ObjectList as _ObjectList  # noqa: E402
from wagtail.admin.views import generic as _generic  # noqa: E402
from wagtail.admin.viewsets.model import ModelViewSet as _ModelViewSet  # noqa: E402
from wagtail.models import Site as _Site  # noqa: E402
from wagtail.permission_policies.base import ModelPermissionPolicy as _ModelPermissionPolicy  # noqa: E402
from wagtail.permissions import register_permission_policy as _register_permission_policy  # noqa: E402

from huimin.core.admin_views import ServiceFormMixin as _ServiceFormMixin  # noqa: E402
from huimin.sites.models import OrgUnit as _OrgUnit  # noqa: E402

from . import services as _services  # noqa: E402
from .models import KnowledgeEntry  # noqa: E402

KNOWLEDGE_LOG_ACTIONS = {
    "huimin_search.qa_add": ("添加答问知识", "在答问知识库中添加了条目"),
    "huimin_search.qa_edit": ("修改答问知识", "修改了答问知识库中的条目"),
    "huimin_search.qa_retire": ("停用答问知识", "停用了答问知识库中的条目"),
    "huimin_search.qa_harvest": ("采集答问知识", "从网民留言或办事指南采集了待审核条目"),
}
LINKS_HELP = (
    "每行一个来源：标题 | 地址，地址以 http://、https:// 或 / 开头。"
    "例如：2022年政府网站工作要点 | /zcwjk/p-1/"
)


class KnowledgePermissionPolicy(_ModelPermissionPolicy):
    """Anyone with a unit (a membership) may list, add and change entries of their units; superusers all.
    Nobody deletes: entries are retired."""

    def user_has_permission(self, user, action):
        if not (user.is_active and user.is_authenticated):
            return False
        if action == "delete":
            return False
        if user.is_superuser:
            return True
        return action in ("add", "change", "view") and bool(_services.knowledge_units(user))

    def user_has_permission_for_instance(self, user, action, instance):
        units = _services.knowledge_units(user) if user.is_authenticated else []
        allowed = units is None or instance.unit_id in units
        return allowed and self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        return _services.entries_for(user) if user.is_authenticated else KnowledgeEntry.objects.none()


def _links_text(links) -> str:
    return "\n".join(f"{link.get('title', '')} | {link.get('url', '')}" for link in links or [])


def _parse_links(text: str) -> list[dict]:
    links = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        title, bar, url = line.rpartition("|")
        links.append({"title": title.strip() if bar else "", "url": url.strip()})
    return links


class KnowledgeEntryForm(_AdminModelForm):
    links = _forms.CharField(
        label="来源链接", required=False, widget=_forms.Textarea(attrs={"rows": 3}), help_text=LINKS_HELP
    )

    class Meta:
        model = KnowledgeEntry
        fields = ["question", "answer", "unit", "site", "valid_from", "valid_until", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        units = _services.knowledge_units(user) if user is not None else None
        if units is not None:
            self.fields["unit"].queryset = _OrgUnit.objects.filter(pk__in=units)
        sites = _services.knowledge_sites(user) if user is not None else None
        if sites is not None:  # no whole-group entries, and only the sites the user holds a role on
            self.fields["site"].queryset = _Site.objects.filter(pk__in=sites)
            self.fields["site"].required = True
            self.fields["site"].empty_label = None
            self.fields[
                "status"
            ].help_text = "发布须由本站的单位审核人或站点管理员操作；其他角色请保存为草稿待审核。"
        if self.instance.pk:
            self.fields["links"].initial = _links_text(self.instance.source_links)

    def clean_links(self):
        try:
            return _services.clean_source_links(_parse_links(self.cleaned_data.get("links", "")))
        except _ValidationError as error:
            raise _forms.ValidationError(error.message_dict["source_links"]) from None

    def save(self, commit=True):  # the views save through the service
        return self.instance


def _entry_values(form) -> dict:
    data = form.cleaned_data
    values = {name: data.get(name) for name in KnowledgeEntryForm.Meta.fields}
    values["source_links"] = data.get("links") or []
    return values


class KnowledgeCreateView(_ServiceFormMixin, _generic.CreateView):
    def save_instance(self):
        return _services.save_entry(
            None, actor=self.request.user, now=_timezone.now(), **_entry_values(self.form)
        )


class KnowledgeEditView(_ServiceFormMixin, _generic.EditView):
    def get_queryset(self):
        return _services.entries_for(self.request.user)

    def save_instance(self):
        entry = KnowledgeEntry.objects.get(pk=self.object.pk)
        return _services.save_entry(
            entry, actor=self.request.user, now=_timezone.now(), **_entry_values(self.form)
        )


class KnowledgeIndexView(_generic.IndexView):
    def get_base_queryset(self):
        return _services.entries_for(self.request.user)


class _OwnEntriesMixin:
    """History and usage of an entry only for those who may see it (another unit's entry is a 404)."""

    def get_base_object_queryset(self):
        return _services.entries_for(self.request.user)


class KnowledgeHistoryView(_OwnEntriesMixin, _generic.HistoryView):
    pass


class KnowledgeUsageView(_OwnEntriesMixin, _generic.UsageView):
    pass


class KnowledgeEntryViewSet(_ModelViewSet):
    model = KnowledgeEntry
    icon = "help"
    menu_label = "答问知识库"
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["question", "unit", "site", "status", "origin", "updated_at"]
    list_filter = ["status", "origin"]
    search_fields = ["question", "answer"]
    index_view_class = KnowledgeIndexView
    add_view_class = KnowledgeCreateView
    edit_view_class = KnowledgeEditView
    history_view_class = KnowledgeHistoryView
    usage_view_class = KnowledgeUsageView
    edit_handler = _ObjectList(
        [
            _FieldPanel("question"),
            _FieldPanel("answer"),
            _FieldPanel("unit"),
            _FieldPanel("site"),
            _FieldPanel("valid_from"),
            _FieldPanel("valid_until"),
            _FieldPanel("status"),
            _FieldPanel("links"),
        ],
        base_form_class=KnowledgeEntryForm,
    )


_register_permission_policy(KnowledgeEntry, KnowledgePermissionPolicy(KnowledgeEntry), exact_class=True)
knowledge_viewset = KnowledgeEntryViewSet("search-knowledge")


@hooks.register("register_admin_viewset")
def register_knowledge_viewset():
    return knowledge_viewset


@hooks.register(MENU_HOOK)
def register_knowledge_item():
    return knowledge_viewset.get_menu_item(order=70)


@hooks.register("register_log_actions")
def register_knowledge_log_actions(actions):
    for action, (label, message) in KNOWLEDGE_LOG_ACTIONS.items():
        actions.register_action(action, label, message)


# --- end of knowledge base -------------------------------------------------------------------------------
