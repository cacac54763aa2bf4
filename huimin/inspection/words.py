"""Extra dictionary entries given with `--words`: one per line, `wrong<TAB>right` (right may be empty for a
banned word), optionally a third field `veto` for entries whose finding vetoes the site; blank lines and lines
starting with # are skipped. UTF-8, or GBK as many offices save it. The shipped dictionary is the
content-safety one (`huimin/safety/data/terms.tsv` and the terms edited in the admin)."""

from __future__ import annotations

from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024


class WordsError(ValueError):
    """The words file cannot be used; the message says why, in Chinese."""


Entry = tuple[str, str, bool]  # wrong, right ("" for a banned word), veto


def parse_words(text: str) -> list[Entry]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip("\ufeff").rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        wrong, right = fields[0], fields[1] if len(fields) > 1 else ""
        veto = len(fields) > 2 and fields[2].lower() == "veto"
        if not wrong or len(wrong) > 100 or len(right) > 100:
            raise WordsError(
                f"词表第 {number} 行格式不正确：应为“错误写法<TAB>正确写法”，每项不超过 100 字。"
            )
        entries.append((wrong, right, veto))
    return entries


def read_words(path: str) -> list[Entry]:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise WordsError("词表文件过大（超过 5 MB）。")
        data = file.read_bytes()
    except OSError:
        raise WordsError(f"无法读取词表文件：{path}") from None
    for encoding in ("utf-8", "gb18030"):
        try:
            return parse_words(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise WordsError("词表文件编码无法识别，请保存为 UTF-8。")
