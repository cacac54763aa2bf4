"""Admin forms of open data: a new resource, a new version (upload or fetch) and the column corrections."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms

from .enums import ColumnType

COLUMN_TITLE_MAX = 100
COLUMN_DESCRIPTION_MAX = 500


class ResourceForm(forms.Form):
    title = forms.CharField(label="资源名称", max_length=200)
    description = forms.CharField(label="资源说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    file = forms.FileField(
        label="数据文件",
        help_text="CSV、XLSX 或 JSON 文件；CSV 可为 UTF-8、GBK 或 GB18030 编码。每次上传生成一个新版本。",
    )

    def __init__(self, *args, limit_mb: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if limit_mb:
            self.fields["file"].help_text += f"文件不能超过 {limit_mb} MB。"
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,.json,text/csv,application/json"


class FetchForm(forms.Form):
    url = forms.URLField(
        label="文件地址",
        max_length=1000,
        assume_scheme="https",
        help_text="以 http:// 或 https:// 开头的 CSV、XLSX 或 JSON 文件地址。",
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if urlsplit(url).scheme not in ("http", "https"):
            raise forms.ValidationError("只能从 http:// 或 https:// 地址获取文件。")
        return url


class ColumnsForm(forms.Form):
    """One title, type and description per column of a version, keyed by the column key."""

    def __init__(self, *args, columns: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        for column in columns:
            key, name = column["key"], column.get("name") or column["key"]
            self.fields[f"{key}-title"] = forms.CharField(
                label=f"“{name}”的显示名",
                max_length=COLUMN_TITLE_MAX,
                initial=column.get("title") or name,
            )
            self.fields[f"{key}-type"] = forms.ChoiceField(
                label=f"“{name}”的类型", choices=ColumnType.choices, initial=column.get("type")
            )
            self.fields[f"{key}-description"] = forms.CharField(
                label=f"“{name}”的说明",
                max_length=COLUMN_DESCRIPTION_MAX,
                required=False,
                initial=column.get("description", ""),
            )

    def rows(self):
        """(column, title field, type field, description field) for the template."""
        return [
            (
                column,
                self[f"{column['key']}-title"],
                self[f"{column['key']}-type"],
                self[f"{column['key']}-description"],
            )
            for column in self.columns
        ]

    def corrected(self) -> list[dict]:
        """The columns with the editor's titles, types and descriptions (keys and names unchanged)."""
        data = self.cleaned_data
        return [
            {
                **column,
                "title": data[f"{column['key']}-title"].strip(),
                "type": data[f"{column['key']}-type"],
                "description": data[f"{column['key']}-description"].strip(),
            }
            for column in self.columns
        ]
