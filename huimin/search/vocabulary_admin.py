"""The admin of the search vocabulary: 搜索词典 (dictionary words), 同义词 (synonym groups) and the
热门搜索屏蔽词 (words kept out of hot searches), as Wagtail model viewsets whose create, edit and delete
views save through `services.py`.

Registered in the menu 搜索与问答 by the app's `wagtail_hooks.py`. Who sees them follows the model
permissions (`huimin_search.add_searchword` …), which a superuser has and an administrator can give to a
group in 设置 → 用户组.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from huimin.core.admin_views import ServiceFormMixin

from . import services
from .models import HotSearchBlock, SearchWord, SynonymGroup

WORD_HELP = (
    "2 至 30 个字符，只能包含汉字、英文字母和数字，繁体和全角字符会自动转换（如“宿遷”存为“宿迁”）。"
    "已发布页面在执行 huimin search-reindex 或下次发布后按新词分词。"
)
HOT_BLOCK_HELP = (
    "含有这个词的检索词不会出现在任何站点的热门搜索中（如广告、联系方式的写法）。"
    "繁体和全角字符会自动转换。平台敏感词表中的词已自动屏蔽，无需重复添加。"
)
SYNONYMS_HELP = "用顿号、逗号或空格分隔，至少两个不同的词语，每个词语不超过 30 个字符，如：社保、社会保险。"


class _ServiceValidatedForm(WagtailAdminModelForm):
    """The service checks uniqueness after folding (宿遷 = 宿迁) and says so in its own words."""

    def validate_unique(self):
        pass


class SearchWordForm(_ServiceValidatedForm):
    class Meta:
        model = SearchWord
        fields = ["word", "note"]


class SynonymGroupForm(_ServiceValidatedForm):
    class Meta:
        model = SynonymGroup
        fields = ["words", "note"]


class HotSearchBlockForm(_ServiceValidatedForm):
    class Meta:
        model = HotSearchBlock
        fields = ["word", "note"]


class _RefusalAwareDeleteView(generic.DeleteView):
    """A refusal of the service comes back as a message on the listing, nothing deleted."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except PermissionDenied as error:
            messages.error(request, str(error) or "您没有执行此操作的权限。")
            return redirect(self.get_success_url())


class WordCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.add_word(data["word"], actor=self.request.user, note=data.get("note", ""))


class WordEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.edit_word(
            self.object, data["word"], actor=self.request.user, note=data.get("note", "")
        )


class WordDeleteView(_RefusalAwareDeleteView):
    def delete_action(self):
        services.delete_word(self.object, actor=self.request.user)


class WordIndexView(generic.IndexView):
    template_name = "search/admin/word_index.html"


class SynonymCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.save_synonym_group(
            None, data["words"], actor=self.request.user, note=data.get("note", "")
        )


class SynonymEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.save_synonym_group(
            self.object, data["words"], actor=self.request.user, note=data.get("note", "")
        )


class SynonymDeleteView(_RefusalAwareDeleteView):
    def delete_action(self):
        services.delete_synonym_group(self.object, actor=self.request.user)


class SynonymIndexView(generic.IndexView):
    template_name = "search/admin/synonym_index.html"


class SearchWordViewSet(ModelViewSet):
    model = SearchWord
    icon = "openquote"
    menu_label = "搜索词典"
    add_to_admin_menu = False
    copy_view_enabled = False  # a copy would be saved by Wagtail's own create view, past the service
    list_display = ["word", "note", "updated_at"]
    search_fields = ["word", "note"]
    index_view_class = WordIndexView
    add_view_class = WordCreateView
    edit_view_class = WordEditView
    delete_view_class = WordDeleteView
    edit_handler = ObjectList(
        [FieldPanel("word", help_text=WORD_HELP), FieldPanel("note")], base_form_class=SearchWordForm
    )


class SynonymGroupViewSet(ModelViewSet):
    model = SynonymGroup
    icon = "list-ul"
    menu_label = "同义词"
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["words", "note", "updated_at"]
    search_fields = ["words", "note"]
    index_view_class = SynonymIndexView
    add_view_class = SynonymCreateView
    edit_view_class = SynonymEditView
    delete_view_class = SynonymDeleteView
    edit_handler = ObjectList(
        [FieldPanel("words", help_text=SYNONYMS_HELP), FieldPanel("note")], base_form_class=SynonymGroupForm
    )


class HotBlockCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.save_hot_block(None, data["word"], actor=self.request.user, note=data.get("note", ""))


class HotBlockEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.save_hot_block(
            self.object, data["word"], actor=self.request.user, note=data.get("note", "")
        )


class HotBlockDeleteView(_RefusalAwareDeleteView):
    def delete_action(self):
        services.delete_hot_block(self.object, actor=self.request.user)


class HotSearchBlockViewSet(ModelViewSet):
    model = HotSearchBlock
    icon = "cross"
    menu_label = "热门搜索屏蔽词"
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["word", "note", "updated_at"]
    search_fields = ["word", "note"]
    add_view_class = HotBlockCreateView
    edit_view_class = HotBlockEditView
    delete_view_class = HotBlockDeleteView
    edit_handler = ObjectList(
        [FieldPanel("word", help_text=HOT_BLOCK_HELP), FieldPanel("note")], base_form_class=HotSearchBlockForm
    )


word_viewset = SearchWordViewSet("search-words")
hot_block_viewset = HotSearchBlockViewSet("search-hot-blocks")
synonym_viewset = SynonymGroupViewSet("search-synonyms")
