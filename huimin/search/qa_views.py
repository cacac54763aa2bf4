"""The Q&A page (智能问答) at /qa/ on every site: a question form that works without JavaScript (GET), the
answer with its sources and the confidence in words, or 未找到确切答案 with the closest items and a link to
leave a message with the question filled in."""

from __future__ import annotations

from django import forms
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import Site

from huimin.profiles import recording
from huimin.sites import queries as site_queries

from . import qa

FIELD_TEMPLATE = "core/includes/field.html"


class QuestionForm(forms.Form):
    q = forms.CharField(
        label="您的问题",
        max_length=qa.MAX_QUESTION_CHARS,
        help_text=f"用一句话描述您想了解的问题，不超过 {qa.MAX_QUESTION_CHARS} 个字，"
        "例如：咨询类留言多长时间内答复？",
        error_messages={
            "required": "请输入您的问题。",
            "max_length": f"问题过长：最多 {qa.MAX_QUESTION_CHARS} 个字，请精简后再提问。",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE
            field.marked_required = field.required

    def clean_q(self):
        value = self.cleaned_data["q"].strip()
        if not qa.vocabulary.analyze(value).terms:
            raise forms.ValidationError("没有识别出问题中的词语，请换一种说法，例如用汉字写出要办的事。")
        return value


@require_GET
def qa_page(request):
    chrome = site_queries.site_chrome(request)
    form, result = QuestionForm(), None
    if "q" in request.GET:
        form = QuestionForm(request.GET)
        if form.is_valid():
            site = Site.find_for_request(request)
            result = qa.answer(form.cleaned_data["q"], site=site, now=timezone.now())
            recording.question(request, form.cleaned_data["q"], site=site)  # a consenting citizen's 用户画像
    status = 400 if form.errors else 200
    context = {**chrome, "form": form, "answer": result}
    return TemplateResponse(request, "search/qa.html", context, status=status)
