"""`core` is the ground floor: it imports no other app of Huimin, and no app imports the top floor
(`huimin.urls`, `huimin.api`). Read from the source, so an import inside a function counts too."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # huimin/
TOP_FLOOR = {"huimin.urls", "huimin.api", "huimin.cli", "huimin.wsgi"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("huimin.")}


def _modules(folder: Path, *, tests: bool = True):
    return [
        p for p in folder.rglob("*.py") if "migrations" not in p.parts and (tests or "tests" not in p.parts)
    ]


def test_core_imports_no_other_app():
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in _modules(PACKAGE / "core")
        for name in _imports(path)
        if not (name == "huimin.core" or name.startswith("huimin.core."))
    }
    assert not offenders, sorted(offenders)


def test_no_app_imports_the_top_floor():
    apps = [p for p in PACKAGE.iterdir() if p.is_dir() and (p / "apps.py").exists()]
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for app in apps
        for path in _modules(app)
        for name in _imports(path)
        if name in TOP_FLOOR
    }
    assert not offenders, sorted(offenders)


def test_block_owners_import_none_of_the_apps_that_place_their_blocks():
    """Decision 0010: a block lives with what it shows; the apps that place it import it, never back.
    (Their tests may: a test of a chart shows it on the pages that place it.)"""
    rules = {
        "opendata": ("huimin.topics", "huimin.interviews", "huimin.articles"),
        "topics": ("huimin.interviews", "huimin.articles"),
    }
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for app, forbidden in rules.items()
        for path in _modules(PACKAGE / app, tests=False)
        for name in _imports(path)
        if name.startswith(forbidden)
    }
    assert not offenders, sorted(offenders)
