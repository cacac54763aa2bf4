"""`huimin check-content PATH|- [--json]`: the content-safety checks (wrong expressions, harmful terms,
personal data) on a text or HTML file, or on standard input, with the dictionary in force.

A contract: `--json` prints `{"findings": [{"check", "severity", "term", "suggestion", "start", "end"}]}`
(offsets in characters of the normalised text); the exit status is 0 without a veto finding, 1 with one,
2 when the input cannot be read (missing, larger than 20 MB, undecodable)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from django.core.management.base import CommandError

from huimin.core.commands import ChineseHelpCommand

MAX_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<title|<div|<p[\s>]|<!--)", re.I)
JSON_KEYS = ("check", "severity", "term", "suggestion", "start", "end")


def _bad_input(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(ChineseHelpCommand):
    help = (
        "对文本或 HTML 文件（或标准输入）做内容安全检查：错误表述、有害信息和个人信息。"
        "有“禁止发布”的问题时退出码为 1，没有时为 0，无法读取输入时为 2。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="文件", help="要检查的文件（UTF-8 或 GBK 编码的文本或 HTML）；“-”表示标准输入"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出：{"findings": [{"check", "severity", "term", "suggestion", "start", "end"}]}，'
            "位置为规范化后文字中的字符偏移",
        )

    def handle(self, *args, path: str, json: bool, **options):
        from huimin.safety import engine

        data, name = self._read(path)
        text, is_html = self._decode(data, name)
        normalised = engine.normalise(engine.html_text(text) if is_html else text)
        hits = engine.check_normalised(normalised)
        if json:
            findings = [{key: hit.as_json()[key] for key in JSON_KEYS} for hit in hits]
            self.stdout.write(_dumps({"findings": findings}))
        else:
            self._print(hits, normalised)
        if any(hit.veto for hit in hits):
            sys.exit(1)

    def _read(self, path: str) -> tuple[bytes, str]:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            name = ""
        else:
            file = Path(path)
            try:
                if not file.is_file():
                    raise _bad_input(f"文件不存在或不是普通文件：{path}")
                if file.stat().st_size > MAX_BYTES:
                    raise _bad_input("文件过大：不能超过 20 MB。")
                data = file.read_bytes()
            except OSError:
                raise _bad_input(f"无法读取文件：{path}") from None
            name = file.name
        if len(data) > MAX_BYTES:
            raise _bad_input("输入过大：不能超过 20 MB。")
        return data, name

    def _decode(self, data: bytes, name: str) -> tuple[str, bool]:
        from huimin.core.encodings import UndecodableText, decode_text, meta_charset

        is_html = Path(name).suffix.lower() in HTML_SUFFIXES or bool(HTML_START.match(data[:2048]))
        try:
            text, _encoding = decode_text(data, declared=(meta_charset(data) if is_html else "", "gb18030"))
        except UndecodableText:
            raise _bad_input("无法识别文件的编码：请使用 UTF-8 或 GBK 编码的文本或 HTML 文件。") from None
        return text, is_html

    def _print(self, hits, normalised: str) -> None:
        from huimin.safety.engine import context

        if not hits:
            self.stdout.write("未发现问题。")
            return
        for number, hit in enumerate(hits, start=1):
            kind = hit.check_label + (f"·{hit.category}" if hit.category else "")
            self.stdout.write(
                f"{number}. [{hit.severity_label}] {kind}：{hit.verdict()}，位置 {hit.start}—{hit.end}："
                f"{context(normalised, hit)}"
            )
        vetoes = sum(1 for hit in hits if hit.veto)
        self.stdout.write(f"共 {len(hits)} 处：禁止发布 {vetoes} 处，提醒确认 {len(hits) - vetoes} 处。")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
