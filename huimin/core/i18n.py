"""The admin's simplified Chinese: which strings the installed apps mark for translation and which of them
have no zh_Hans translation at run time (the app's own catalogue or Huimin's in LOCALE_PATHS).

No gettext tools are needed: the PO reader here is small and only reads what `msgfmt` writes and Wagtail
ships (msgctxt, msgid, msgid_plural, msgstr[n], continuation lines, the fuzzy flag).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.utils.translation.trans_real import DjangoTranslation

LANGUAGE = "zh-hans"
DOMAINS = ("django", "djangojs")
CONTEXT_SEPARATOR = "\x04"


@dataclass(frozen=True)
class Entry:
    msgid: str
    context: str | None = None
    plural: str | None = None
    strings: tuple[str, ...] = ()
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings) and not self.fuzzy


@dataclass(frozen=True)
class Gap:
    domain: str
    source: str
    msgid: str
    context: str | None
    plural: str | None

    def as_po(self) -> str:
        lines = [f"#: {self.source}"]
        if self.context is not None:
            lines.append(f"msgctxt {_quote(self.context)}")
        lines.append(f"msgid {_quote(self.msgid)}")
        if self.plural is not None:
            lines.append(f"msgid_plural {_quote(self.plural)}")
            lines.append('msgstr[0] ""')
        else:
            lines.append('msgstr ""')
        return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _unquote(token: str) -> str:
    return ast.literal_eval(token) if token else ""


def read_po(path: Path) -> list[Entry]:
    """The entries of a PO file, the header (empty msgid) and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    current: str | None = None
    fuzzy = False

    def flush():
        nonlocal fields, current, fuzzy
        if fields.get("msgid"):
            strings = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr"))
            entries.append(
                Entry(
                    msgid=fields["msgid"],
                    context=fields.get("msgctxt"),
                    plural=fields.get("msgid_plural"),
                    strings=strings,
                    fuzzy=fuzzy,
                )
            )
        fields, current, fuzzy = {}, None, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in fields:
                flush()
            fuzzy = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is not None:
                fields[current] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgid" in fields and current and current.startswith("msgstr"):
            keep_fuzzy = fuzzy
            flush()
            fuzzy = keep_fuzzy
        current = keyword
        fields[keyword] = _unquote(rest.strip())
    flush()
    return entries


def english_catalogues(domain: str) -> list[tuple[str, Path]]:
    """(source label, path) of every installed app's English catalogue of `domain`."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            found.append((config.name, path))
    return found


def runtime_catalogue(domain: str) -> dict:
    """The merged zh-hans catalogue Django uses at run time (apps, then LOCALE_PATHS on top)."""
    translation = DjangoTranslation(LANGUAGE, domain=domain)
    return dict(translation._catalog.items()) if translation._catalog is not None else {}


def _key(entry: Entry):
    msgid = entry.msgid if entry.context is None else f"{entry.context}{CONTEXT_SEPARATOR}{entry.msgid}"
    return (msgid, 0) if entry.plural is not None else msgid


def missing_translations(domains=DOMAINS) -> list[Gap]:
    gaps: list[Gap] = []
    for domain in domains:
        catalogue = runtime_catalogue(domain)
        seen = set()
        for source, path in english_catalogues(domain):
            for entry in read_po(path):
                key = _key(entry)
                if key in seen:
                    continue
                seen.add(key)
                if not catalogue.get(key):
                    gaps.append(Gap(domain, source, entry.msgid, entry.context, entry.plural))
    return gaps
