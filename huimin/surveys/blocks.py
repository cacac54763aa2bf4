"""The question blocks editors build a questionnaire from (问卷调查): single choice, multiple choice, scale
and free text, each required or not, each optionally shown only when an earlier choice question has a given
answer (显示条件). The blocks hold the questions only; the public page renders them as a form
(`questions.py`, `forms.py`).

A condition names the earlier question by its number (第几题, as the public sees it) and the answer by its
option's text; `QuestionStreamBlock.clean` refuses a condition that names a later question, a question that
is not a choice question, or an option the question does not have, on the block concerned.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .enums import CHOICE_KINDS, QuestionKind

MAX_QUESTIONS = 100
MAX_CHOICES = 30


def _common() -> list[tuple[str, blocks.Block]]:
    return [
        ("question", blocks.CharBlock(label="题目", max_length=300)),
        (
            "help_text",
            blocks.CharBlock(
                label="填写说明", max_length=300, required=False, help_text="显示在题目下方，可不填。"
            ),
        ),
        ("required", blocks.BooleanBlock(label="必答", required=False, default=True)),
        (
            "show_if_question",
            blocks.IntegerBlock(
                label="显示条件：第几题",
                required=False,
                min_value=1,
                max_value=MAX_QUESTIONS,
                help_text="留空则总是显示。填写时，本题只在前面该题选了下面的选项后才显示。",
            ),
        ),
        (
            "show_if_answer",
            blocks.CharBlock(
                label="显示条件：该题的选项",
                required=False,
                max_length=100,
                help_text="与该题的选项文字完全一致。",
            ),
        ),
    ]


def _choices() -> blocks.ListBlock:
    return blocks.ListBlock(
        blocks.CharBlock(label="选项", max_length=100), label="选项", min_num=2, max_num=MAX_CHOICES
    )


class _QuestionBlock(blocks.StructBlock):
    def clean(self, value):
        value = super().clean(value)
        if "choices" in self.child_blocks:
            texts = [str(choice).strip() for choice in value.get("choices") or []]
            seen, repeated = set(), []
            for text in texts:
                if text in seen:
                    repeated.append(text)
                seen.add(text)
            if repeated:
                raise StructBlockValidationError(
                    block_errors={"choices": ValidationError(f"选项“{repeated[0]}”重复了，每个选项须不同。")}
                )
        return value


class SingleChoiceBlock(_QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__([*_common(), ("choices", _choices())], **kwargs)

    class Meta:
        label = QuestionKind.SINGLE.label
        icon = "radio-full"


class MultipleChoiceBlock(_QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [
                *_common(),
                ("choices", _choices()),
                (
                    "max_choices",
                    blocks.IntegerBlock(
                        label="最多可选几项",
                        required=False,
                        min_value=1,
                        max_value=MAX_CHOICES,
                        help_text="留空则不限。",
                    ),
                ),
            ],
            **kwargs,
        )

    class Meta:
        label = QuestionKind.MULTIPLE.label
        icon = "tasks"


class ScaleBlock(_QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [
                *_common(),
                (
                    "scale_max",
                    blocks.IntegerBlock(
                        label="最高分", min_value=3, max_value=10, default=5, help_text="从 1 分起。"
                    ),
                ),
                ("low_label", blocks.CharBlock(label="1 分的含义", max_length=20, default="很不满意")),
                ("high_label", blocks.CharBlock(label="最高分的含义", max_length=20, default="很满意")),
            ],
            **kwargs,
        )

    class Meta:
        label = QuestionKind.SCALE.label
        icon = "order"


class TextBlock(_QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [
                *_common(),
                (
                    "max_length",
                    blocks.IntegerBlock(label="最多字数", min_value=10, max_value=2000, default=500),
                ),
                (
                    "multiline",
                    blocks.BooleanBlock(
                        label="多行文本", required=False, default=True, help_text="不勾选则为一行。"
                    ),
                ),
            ],
            **kwargs,
        )

    class Meta:
        label = QuestionKind.TEXT.label
        icon = "pilcrow"


def _condition_error(index: int, field: str, message: str, errors: dict) -> None:
    errors[index] = StructBlockValidationError(block_errors={field: ValidationError(message)})


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    scale = ScaleBlock()
    text = TextBlock()

    class Meta:
        max_num = MAX_QUESTIONS

    def clean(self, value):
        value = super().clean(value)
        errors: dict[int, ValidationError] = {}
        for index, child in enumerate(value):
            number, data = index + 1, child.value
            ref = data.get("show_if_question")
            answer = (data.get("show_if_answer") or "").strip()
            if not ref and not answer:
                continue
            if not ref:
                _condition_error(
                    index, "show_if_question", "填写了显示条件的选项，请同时填写第几题。", errors
                )
            elif not answer:
                _condition_error(index, "show_if_answer", f"请填写第 {ref} 题的哪个选项使本题显示。", errors)
            elif ref >= number:
                _condition_error(index, "show_if_question", "显示条件只能是本题之前的题目。", errors)
            else:
                target = value[ref - 1]
                choices = [str(c).strip() for c in target.value.get("choices") or []]
                if target.block_type not in CHOICE_KINDS:
                    _condition_error(
                        index, "show_if_question", f"第 {ref} 题不是选择题，不能作为显示条件。", errors
                    )
                elif answer not in choices:
                    _condition_error(index, "show_if_answer", f"第 {ref} 题没有“{answer}”这个选项。", errors)
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        return value
