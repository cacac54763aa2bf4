"""The committed OpenAPI schema (docs/api/openapi.json) is exactly what the code generates."""

import difflib
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

SCHEMA_FILE = settings.BASE_DIR / "docs" / "api" / "openapi.json"
REGENERATE = ".venv/bin/huimin openapi > docs/api/openapi.json"


def test_the_committed_schema_matches_the_api():
    out = StringIO()
    call_command("openapi", stdout=out)
    generated = out.getvalue()
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    if generated != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), generated.splitlines(), "committed", "generated", lineterm="", n=1
        )
        pytest.fail(
            f"docs/api/openapi.json is out of date with the API. Run `{REGENERATE}` and commit the result."
            "\n\nFirst differences:\n" + "\n".join(list(diff)[:40]),
            pytrace=False,
        )


def test_the_schema_is_stable_text():
    out = StringIO()
    call_command("openapi", stdout=out)
    text = out.getvalue()
    assert text.endswith("}\n")
    assert "惠民开放接口" in text  # Chinese kept readable, not \u escaped
    assert '"/api/v1/policies"' in text
