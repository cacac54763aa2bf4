"""Admin forms of the topic designer: save a topic as a template, start a topic from a template."""

from __future__ import annotations

from django import forms

from .models import TopicIndexPage, TopicTemplate
from .queries import addable_topic_indexes, topic_templates


class SaveAsTemplateForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=60)
    description = forms.CharField(
        label="说明",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留空则使用专题摘要。",
    )


class IndexChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TopicIndexPage) -> str:
        site = obj.get_site()
        site_name = site.site_name if site and site.site_name else (site.hostname if site else "")
        return f"{site_name} · {obj.title}" if site_name else obj.title


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TopicTemplate) -> str:
        return f"{obj.name}（{obj.get_kind_display()}，{obj.palette.name}）"


class CreateFromTemplateForm(forms.Form):
    template = TemplateChoiceField(
        label="专题模板", queryset=TopicTemplate.objects.none(), empty_label="请选择模板"
    )
    parent = IndexChoiceField(
        label="建在哪个专题专栏下", queryset=TopicIndexPage.objects.none(), empty_label="请选择专题专栏"
    )
    title = forms.CharField(label="专题标题", max_length=255)
    slug = forms.SlugField(
        label="地址（英文或拼音）",
        max_length=255,
        required=False,
        allow_unicode=True,
        help_text="如 kbqy；留空则按标题生成。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = topic_templates()
        indexes = addable_topic_indexes(user)
        self.fields["parent"].queryset = TopicIndexPage.objects.filter(
            pk__in=[i.pk for i in indexes]
        ).order_by("path")
