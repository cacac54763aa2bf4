"""Reading bytes of unknown encoding as text, as Chinese government files and pages come: UTF-8 with or
without BOM, the other BOM-marked Unicode forms, the GB 2312 / GBK / GB 18030 family (always read as
GB 18030, their superset), Big5. Used by the policy importer and by the inspection crawler."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

import charset_normalizer

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# charset-normalizer's names for the GB 2312 / GBK / GB 18030 family, all decoded as GB 18030 (the superset).
GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn", "ms936", "x_gbk"}
# Other encodings a Chinese government text plausibly comes in.
OTHER_ACCEPTED = {"big5", "big5hkscs", "cp950", "utf_16", "utf_16_le", "utf_16_be", "utf_32"}
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
HTTP_CHARSET_RE = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
GUESS_BYTES = 262144


class UndecodableText(ValueError):
    """The bytes cannot be read as text in any accepted encoding; the message says so in Chinese."""


def meta_charset(data: bytes) -> str:
    """The charset an HTML document declares in a `<meta>` within its first 4 KB, or ""."""
    found = META_CHARSET_RE.search(data[:4096])
    return found.group(1).decode("ascii", "ignore") if found else ""


def http_charset(content_type: str) -> str:
    """The charset of a `Content-Type` header value, or ""."""
    found = HTTP_CHARSET_RE.search(content_type or "")
    return found.group(1) if found else ""


def decode_text(data: bytes, *, declared: str | tuple[str, ...] = "") -> tuple[str, str]:
    """The text and the encoding it was read with.

    UTF-8 (with or without BOM) and the other BOM-marked Unicode forms first; then the encodings declared
    (in order); then charset-normalizer's guess (only computed when needed), accepted for the GB family,
    Big5 and UTF-16/32; GB 18030 is the last resort. Raises `UndecodableText`.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding.replace("utf-8", "utf-8-sig")
            except UnicodeDecodeError:
                raise UndecodableText("无法识别的文件内容：文本编码与其字节顺序标记不符。") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    tried = set()
    for encoding in _candidates(data, (declared,) if isinstance(declared, str) else declared):
        if encoding in tried or encoding not in GB_FAMILY | OTHER_ACCEPTED:
            continue
        tried.add(encoding)
        encoding = "gb18030" if encoding in GB_FAMILY else encoding
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text, encoding
    raise UndecodableText("无法识别的文件内容：无法判断文本编码（支持 UTF-8、GBK/GB18030、Big5）。")


def _candidates(data: bytes, declared: tuple[str, ...]) -> Iterator[str]:
    for name in declared:
        if name:
            yield _normalise_encoding(name)
    guess = charset_normalizer.from_bytes(data[:GUESS_BYTES]).best()
    if guess is not None:
        yield _normalise_encoding(guess.encoding)
    yield "gb18030"


def _normalise_encoding(name: str) -> str:
    name = name.strip().lower().replace("-", "_")
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return name


def _plausible(text: str) -> bool:
    """Decoded text that reads as text: few control characters and replacement marks."""
    sample = text[:20000]
    if not sample.strip():
        return True
    odd = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch in "\ufffd\x7f")
    return odd <= len(sample) // 200
