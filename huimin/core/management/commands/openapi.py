"""`huimin openapi`: print the public API's OpenAPI schema, as committed in docs/api/openapi.json."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


def schema_text() -> str:
    """The schema as stable text: indented, sorted keys, Chinese kept readable, trailing newline."""
    api = import_string(settings.HUIMIN_API)  # assembled above core, beside the URL tree
    schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "输出开放接口的 OpenAPI 描述（JSON）。更新已提交的描述：huimin openapi > docs/api/openapi.json"

    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(schema_text(), ending="")
