"""The page editor's form of a survey: Huimin's accessible page form, plus the checks that need the whole
page: a questionnaire has questions, a consultation has its draft (text or attachment)."""

from __future__ import annotations

from django.utils.html import strip_tags

from huimin.accessibility.forms import AccessiblePageForm

from .enums import SurveyKind


class SurveyPageForm(AccessiblePageForm):
    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == SurveyKind.QUESTIONNAIRE and "questions" in cleaned and not len(cleaned["questions"]):
            self.add_error(None, "问卷调查至少需要一道题目，请在“问卷题目”中添加。")
        if kind == SurveyKind.CONSULTATION and not (
            strip_tags(str(cleaned.get("draft_text") or "")).strip() or cleaned.get("draft_document")
        ):
            self.add_error(None, "意见征集须提供征求意见稿的全文或附件。")
        return cleaned
