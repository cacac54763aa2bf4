"""Every change to the content-safety dictionary: adding or changing a term, and importing a list. Each
checks that the person may edit the dictionary (a platform administrator or a security administrator;
`actor=None` is the system: data migrations, commands run by an operator), runs in a transaction, writes an
audit entry per term changed, and tells the engine to rebuild its automaton after the commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from .dictionary import (
    CONTROL,
    NOTE_MAX,
    SUGGESTION_MAX,
    TERM_MAX,
    Entry,
    TermsFileError,
    decode_terms_file,
    parse_terms,
)
from .enums import Severity
from .models import Term, TermCategory

ADD = "huimin_safety.term_add"
EDIT = "huimin_safety.term_edit"
IMPORT = "huimin_safety.term_import"
LOG_ACTIONS = {
    ADD: ("添加词条", "在内容安全词典中添加了词条"),
    EDIT: ("修改词条", "修改了内容安全词典的词条"),
    IMPORT: ("导入词条", "从词表文件导入了词条"),
}
# The fields of a term as the audit entry and the history name them.
FIELD_LABELS = {
    "term": "词条",
    "suggestion": "正确写法",
    "category": "类别",
    "severity": "处理方式",
    "note": "备注",
    "active": "启用",
}


def may_edit_dictionary(user) -> bool:
    """Platform administrators and security administrators edit the dictionary; every admin user reads it."""
    from huimin.sites.enums import Role
    from huimin.sites.services import holds_role

    if user is None or not user.is_active:
        return False
    return user.is_superuser or holds_role(user, Role.SECURITY_ADMIN)


def may_read_dictionary(user) -> bool:
    return user is not None and user.is_active and user.has_perm("wagtailadmin.access_admin")


def _check_editor(actor) -> None:
    if actor is not None and not may_edit_dictionary(actor):
        raise PermissionDenied("只有平台管理员和安全管理员可以修改内容安全词典。")


@dataclass(frozen=True)
class TermData:
    term: str
    category: TermCategory
    severity: str = Severity.WARN
    suggestion: str = ""
    note: str = ""
    active: bool = True


def _key(text: str) -> str:
    from .engine import term_key

    return term_key(text)


def _validate(data: TermData, *, exclude: int | None = None) -> TermData:
    term, suggestion, note = data.term.strip(), data.suggestion.strip(), data.note.strip()
    errors: dict[str, str] = {}
    if not term:
        errors["term"] = "请填写词条。"
    elif len(term) > TERM_MAX:
        errors["term"] = f"词条不能超过 {TERM_MAX} 字。"
    elif CONTROL.search(term):
        errors["term"] = "词条含有控制字符，请删除后再保存。"
    elif len(_key(term)) < 2:
        errors["term"] = "词条过短：至少 2 个字，单字会误报大量正常内容。"
    if len(suggestion) > SUGGESTION_MAX or CONTROL.search(suggestion):
        errors["suggestion"] = f"正确写法不能超过 {SUGGESTION_MAX} 字，也不能含控制字符。"
    elif term and suggestion and _key(suggestion) == _key(term):
        errors["suggestion"] = "正确写法与词条相同。"
    if len(note) > NOTE_MAX or CONTROL.search(note):
        errors["note"] = f"备注不能超过 {NOTE_MAX} 字，也不能含控制字符。"
    if data.severity not in Severity.values:
        errors["severity"] = "请选择处理方式。"
    if not errors:
        clash = _same_key(term, data.category.kind, exclude=exclude)
        if clash is not None:
            errors["term"] = f"词典中已有相同的词条“{clash.term}”（{clash.category.name}），请修改该词条。"
    if errors:
        raise ValidationError(errors)
    return TermData(term, data.category, data.severity, suggestion, note, data.active)


def _same_key(term: str, kind: str, *, exclude: int | None = None) -> Term | None:
    """An existing term of the same check written the same way once normalised (spacing, width, traditional
    forms)."""
    found = Term.objects.filter(key=_key(term), kind=kind).select_related("category")
    return found.exclude(pk=exclude).first() if exclude else found.first()


def _changes(term: Term, data: TermData) -> dict[str, tuple[str, str]]:
    new = {
        "term": data.term,
        "suggestion": data.suggestion,
        "category": data.category.name,
        "severity": Severity(data.severity).label,
        "note": data.note,
        "active": "是" if data.active else "否",
    }
    old = {
        "term": term.term,
        "suggestion": term.suggestion,
        "category": term.category.name if term.category_id else "",
        "severity": Severity(term.severity).label if term.severity in Severity.values else term.severity,
        "note": term.note,
        "active": "是" if term.active else "否",
    }
    return {name: (old[name], new[name]) for name in new if old[name] != new[name]}


def _describe(changes: dict[str, tuple[str, str]]) -> str:
    return "；".join(f"{FIELD_LABELS[name]}：“{old}”→“{new}”" for name, (old, new) in changes.items())


def _after_commit() -> None:
    """Drop the cached automaton now (this transaction sees the change) and after the commit (a check that
    ran in between must not keep its dictionary)."""
    from .engine import forget_dictionary

    forget_dictionary()
    transaction.on_commit(forget_dictionary)


@transaction.atomic
def add_term(data: TermData, *, actor=None) -> Term:
    """Add a term to the dictionary."""
    _check_editor(actor)
    data = _validate(data)
    term = Term.objects.create(
        term=data.term,
        key=_key(data.term),
        kind=data.category.kind,
        category=data.category,
        severity=data.severity,
        suggestion=data.suggestion,
        note=data.note,
        active=data.active,
    )
    log(
        instance=term,
        action=ADD,
        user=actor,
        data={
            "word": term.term,
            "kind": data.category.name,
            "to": data.suggestion,
            "status": Severity(data.severity).label + ("" if data.active else "（停用）"),
        },
    )
    _after_commit()
    return term


@transaction.atomic
def change_term(term: Term, data: TermData, *, actor=None) -> Term:
    """Change a term (its wording, right form, category, severity, note, or whether it is in force). Nothing
    changed, nothing written."""
    _check_editor(actor)
    term = Term.objects.select_for_update(of=("self",)).select_related("category").get(pk=term.pk)
    data = _validate(data, exclude=term.pk)
    changes = _changes(term, data)
    if not changes:
        return term
    term.term, term.key, term.kind, term.category = (
        data.term,
        _key(data.term),
        data.category.kind,
        data.category,
    )
    term.severity, term.suggestion, term.note, term.active = (
        data.severity,
        data.suggestion,
        data.note,
        data.active,
    )
    term.save()
    log(
        instance=term,
        action=EDIT,
        user=actor,
        data={"word": term.term, "kind": data.category.name, "changed": _describe(changes)},
    )
    _after_commit()
    return term


@dataclass
class ImportReport:
    """What an import did (or, with `dry_run`, would do)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        return (
            f"共 {self.total} 条：{verb}新增 {len(self.added)} 条，{verb}更新 {len(self.updated)} 条，"
            f"{len(self.unchanged)} 条无变化。"
        )

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "total": self.total,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "added_terms": self.added[:200],
            "updated_terms": self.updated[:200],
        }


class _DryRun(Exception):
    pass


def import_terms(data: bytes, *, filename: str = "", actor=None, dry_run: bool = False) -> ImportReport:
    """Import a terms file (see `dictionary`'s format; UTF-8 or GBK, at most 5 MB): new terms are added,
    existing ones (the same term once normalised, of the same check) updated and put in force. All or
    nothing: a file with any bad line changes nothing and `TermsFileError` lists every bad line."""
    _check_editor(actor)
    text = decode_terms_file(data)
    categories = {c.name: c for c in TermCategory.objects.all()}
    entries = parse_terms(text, {name: c.kind for name, c in categories.items()})
    if not entries:
        raise TermsFileError(["词表文件中没有词条（空行和以 # 开头的注释行不算）。"])
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _apply(entries, categories, report, filename=filename[:200], actor=actor)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _apply(
    entries: list[tuple[int, Entry]], categories, report: ImportReport, *, filename: str, actor
) -> None:
    existing = {
        (t.key, t.kind): t for t in Term.objects.select_related("category").select_for_update(of=("self",))
    }
    for _number, entry in entries:
        data = TermData(
            entry.term, categories[entry.category], entry.severity, entry.suggestion, entry.note, True
        )
        key = _key(entry.term)
        current = existing.get((key, entry.kind))
        if current is None:
            term = Term.objects.create(
                term=entry.term,
                key=key,
                kind=entry.kind,
                category=data.category,
                severity=entry.severity,
                suggestion=entry.suggestion,
                note=entry.note,
            )
            existing[(key, entry.kind)] = term
            report.added.append(entry.term)
            detail = {"status": "新增", "to": entry.suggestion}
        else:
            changes = _changes(current, data)
            changes.pop("term", None)  # the same term written another way keeps its wording
            if not changes:
                report.unchanged.append(entry.term)
                continue
            term = current
            term.category, term.severity, term.suggestion = data.category, entry.severity, entry.suggestion
            term.note, term.active = entry.note, True
            term.save()
            report.updated.append(entry.term)
            detail = {"status": "更新", "changed": _describe(changes)}
        log(
            instance=term,
            action=IMPORT,
            user=actor,
            data={"word": term.term, "kind": entry.category, "file": filename, **detail},
        )
    if report.added or report.updated:
        _after_commit()
