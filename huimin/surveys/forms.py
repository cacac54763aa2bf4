"""Forms of the surveys app: the public answer form built from a questionnaire's questions, the public
comment form of a consultation (both with the human check for anonymous visitors), and the owning unit's
feedback and decision forms.

The answer form offers every question with its number; choice and scale questions are groups of radio
buttons or checkboxes (a fieldset whose legend is the question), free text a labelled text box. Conditional
questions are never required by the browser: `questions.check_answers` decides, with the answers given,
which questions were shown, and requires those only.
"""

from __future__ import annotations

from django import forms

from huimin.core.forms import FIELD_ERRORS, ServiceForm
from huimin.core.human_check import FIELD_ANSWER, MAX_AGE, HumanCheckMixin

from .enums import DECIDED, QuestionKind
from .questions import Question, check_answers
from .rules import rules

FIELD_TEMPLATE = "core/includes/field.html"
HUMAN_HINT = f"可以用阿拉伯数字或汉字回答，例如 8 或 八。本问题 {MAX_AGE // 3600} 小时内有效。"


def use_project_fields(form, required: dict[str, bool] | None = None) -> None:
    """Every field with the project's field template, "（必填）" in the label where the answer is needed."""
    for name, field in form.fields.items():
        field.template_name = FIELD_TEMPLATE
        field.error_messages.update(FIELD_ERRORS)
        field.marked_required = (required or {}).get(name, field.required)
    answer = form.fields.get(FIELD_ANSWER)
    if answer is not None:
        answer.marked_required = True
        answer.help_text = HUMAN_HINT
        answer.widget.attrs["aria-required"] = "true"


def _hint(question: Question, max_text: int) -> str:
    parts = [question.help_text] if question.help_text else []
    if question.condition:
        parts.append(question.condition_text())
    if question.kind == QuestionKind.MULTIPLE:
        parts.append(f"可多选，最多选择 {question.max_choices} 项。" if question.max_choices else "可多选。")
    if question.kind == QuestionKind.TEXT:
        parts.append(f"不超过 {min(question.max_length, max_text)} 字。")
    return "".join(parts)


def question_field(question: Question, max_text: int) -> forms.Field:
    label = f"{question.number}. {question.text}"
    common = {"label": label, "required": False, "help_text": _hint(question, max_text)}
    if question.kind == QuestionKind.SINGLE:
        choices = [(str(i), text) for i, text in enumerate(question.choices, start=1)]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.MULTIPLE:
        choices = [(str(i), text) for i, text in enumerate(question.choices, start=1)]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if question.kind == QuestionKind.SCALE:
        choices = [(str(v), question.scale_label(v)) for v in question.scale_values]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    widget = forms.Textarea(attrs={"rows": 4}) if question.multiline else forms.TextInput()
    return forms.CharField(widget=widget, strip=False, **common)


class AnswerForm(forms.Form):
    """A questionnaire's answers; `cleaned_answers` (by question key) go to `services.submit_response`."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.cleaned_answers: dict = {}
        max_text = rules().text_answer_max_length
        by_number = {q.number: q for q in questions}
        for question in questions:
            field = self.fields[question.field_name] = question_field(question, max_text)
            field.question = question
            source = by_number.get(question.condition.number) if question.condition else None
            if source is not None and question.condition.answer in source.choices:
                # For the page's script: show this question when option n of that question is chosen.
                field.show_if = source.field_name
                field.show_value = str(source.choices.index(question.condition.answer) + 1)
        use_project_fields(self, {q.field_name: q.required for q in questions})

    def _raw_answers(self) -> dict:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.field_name)
            if value in (None, "", []):
                continue
            if question.kind == QuestionKind.SINGLE:
                answers[question.key] = question.choices[int(value) - 1]
            elif question.kind == QuestionKind.MULTIPLE:
                answers[question.key] = [question.choices[int(i) - 1] for i in value]
            elif question.kind == QuestionKind.SCALE:
                answers[question.key] = int(value)
            else:
                answers[question.key] = value
        return answers

    def clean(self):
        cleaned = super().clean()
        kept, problems = check_answers(
            self.questions, self._raw_answers(), max_text=rules().text_answer_max_length
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        self.cleaned_answers = kept
        return cleaned


class AnonymousAnswerForm(HumanCheckMixin, AnswerForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_project_fields(self, {q.field_name: q.required for q in self.questions})


class CommentForm(forms.Form):
    text = forms.CharField(label="您的意见", widget=forms.Textarea(attrs={"rows": 8}), strip=False)
    name = forms.CharField(label="称呼", required=False, max_length=50, help_text="选填，不会公开。")
    contact = forms.CharField(
        label="联系方式",
        required=False,
        max_length=100,
        help_text="选填，手机号码或电子邮箱，仅供工作人员就您的意见联系您，不会公开。",
    )

    messages = {
        "text": {"required": "请填写您的意见。"},
        "name": {"max_length": "称呼最多 50 个字。"},
        "contact": {"max_length": "联系方式最多 100 个字。"},
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        limit = rules().comment_max_length
        self.fields["text"].help_text = f"不超过 {limit} 字。请写明对征求意见稿哪一条、哪一部分的意见和理由。"
        self.finish()

    def finish(self) -> None:
        """The project's field template and messages, then this form's own messages."""
        use_project_fields(self)
        for name, messages in self.messages.items():
            self.fields[name].error_messages.update(messages)

    def clean_text(self):
        text = self.cleaned_data["text"]
        limit = rules().comment_max_length
        if len(text.strip()) > limit:
            raise forms.ValidationError(f"意见最多 {limit} 个字（现在 {len(text.strip())} 字）。")
        if not text.strip():
            raise forms.ValidationError("请填写您的意见。")
        return text


class AnonymousCommentForm(HumanCheckMixin, CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.finish()  # again, for the human check's fields


# --- the owning unit's forms (admin) ---------------------------------------------------------------------


class FeedbackForm(ServiceForm):
    action = "feedback"
    title = "结果反馈"
    button = "发布结果反馈"

    text = forms.CharField(
        label="结果反馈",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="向公众说明本次征集调查的总体情况、主要意见和采纳情况、下一步工作。空一行分段。",
    )
    show_statistics = forms.BooleanField(label="同时公开答卷统计图表", required=False, initial=True)


class DecisionForm(ServiceForm):
    action = "decide"
    button = "保存处理结果"

    decision = forms.ChoiceField(label="处理结果", choices=[(d.value, d.label) for d in DECIDED])
    public_text = forms.CharField(
        label="公开的意见摘要",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="留空则在结果反馈中公开意见原文；如原文含个人信息，请在此改写。",
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="部分采纳或未采纳时必填。",
    )
