"""The committed OpenAPI schema (docs/api/openapi.json) is exactly what the code generates, and states what
the server refuses and how it answers (the live server is checked against it in test_api_contract.py)."""

import difflib
import json
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


def _schema() -> dict:
    out = StringIO()
    call_command("openapi", stdout=out)
    return json.loads(out.getvalue())


def _parameter(operation: dict, name: str) -> dict:
    return next(item["schema"] for item in operation["parameters"] if item["name"] == name)


def test_the_schema_states_what_the_server_refuses():
    """The values the server refuses with 400 are not schema-valid (the contract test checks the server)."""
    schema = _schema()
    paths, components = schema["paths"], schema["components"]["schemas"]
    deadline = paths["/api/v1/calendar/deadline"]["get"]
    assert _parameter(deadline, "from")["minLength"] == 1 and _parameter(deadline, "from")["pattern"]
    days = _parameter(deadline, "working_days")
    assert (days["type"], days["exclusiveMinimum"], days["maximum"]) == ("number", 0, 366)
    search = paths["/api/v1/search"]["get"]
    assert "policy" in _parameter(search, "type")["enum"]
    assert _parameter(search, "site")["pattern"] == "^[A-Za-z0-9.-]{0,255}$"
    assert components["QuestionIn"]["properties"]["site"]["pattern"] == "^[A-Za-z0-9.-]{0,255}$"
    rows = paths["/api/v1/datasets/{id}/resources/{rid}/rows"]["get"]
    assert _parameter(rows, "filter")["items"]["pattern"] and _parameter(rows, "filter")["maxItems"] == 20
    letter = components["LetterIn"]["properties"]
    assert letter["site"]["pattern"] == "^[A-Za-z0-9.-]{1,255}$"
    assert letter["kind"]["enum"] == ["consult", "complaint", "suggestion", "help", "other", "error_report"]
    for name in ("title", "content", "contact_name"):
        assert letter[name]["minLength"] == 1 and letter[name]["pattern"], name
    assert letter["contact_phone"]["pattern"] == "^1[3-9][0-9]{9}$"


def test_every_operation_lists_its_errors_with_their_body():
    schema = _schema()
    expected = {
        ("get", "/api/v1/policies"): {"400"},
        ("get", "/api/v1/policies/{id}"): {"404"},
        ("get", "/api/v1/calendar/deadline"): {"400"},
        ("post", "/api/v1/letters"): {"400", "401", "403", "413", "415", "429"},
        ("post", "/api/v1/letters/{id}/events"): {"400", "401", "404", "409", "413", "415"},
        ("get", "/api/v1/datasets"): {"400", "401", "429"},
        ("get", "/api/v1/datasets/{id}"): {"401", "404", "429"},
        ("get", "/api/v1/datasets/{id}/resources/{rid}/rows"): {"400", "401", "404", "429"},
        ("get", "/api/v1/search"): {"400", "429"},
        ("post", "/api/v1/qa"): {"400", "413", "415", "429"},
    }
    operations = {
        (method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert set(operations) == set(expected)
    for key, errors in expected.items():
        responses = operations[key]["responses"]
        assert {status for status in responses if status.startswith("4")} == errors, key
        for status in errors:
            body = responses[status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorOut"}, (key, status)
    letters = operations[("post", "/api/v1/letters")]
    assert letters["security"] == [{"ChannelToken": []}, {}]
    assert schema["components"]["securitySchemes"]["ChannelToken"]["scheme"] == "bearer"
