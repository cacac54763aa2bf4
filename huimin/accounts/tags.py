"""The group's tag vocabularies: which keys a tag has (服务对象, 行业, 区域, 企业规模, 人群, 主题) and
which values each key takes. Keys and fixed values are data (`data/tags.json`); the values of 服务对象, 行业
and 主题 are the policy library's own vocabularies (edited under 政策文件库 in the admin), and those of 区域
the group's counties, districts and function areas, so a tag means the same thing wherever it is used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.apps import apps

DATA = Path(__file__).with_name("data") / "tags.json"
REGION_KINDS = ("county", "function_area")


@dataclass(frozen=True)
class TagKey:
    key: str
    label: str
    values: tuple[str, ...] = ()
    source: str = ""
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)


@cache
def _spec() -> tuple[TagKey, ...]:
    keys = []
    for item in json.loads(DATA.read_text(encoding="utf-8"))["keys"]:
        keys.append(
            TagKey(
                key=item["key"],
                label=item["label"],
                values=tuple(item.get("values", ())),
                source=item.get("source", ""),
                synonyms={value: tuple(words) for value, words in item.get("synonyms", {}).items()},
            )
        )
    return tuple(keys)


def _values_from(source: str) -> tuple[str, ...]:
    if source == "regions":
        from huimin.sites.models import OrgUnit

        city = OrgUnit.objects.filter(kind="city_office").values_list("name", flat=True).first()
        regions = list(
            OrgUnit.objects.filter(kind__in=REGION_KINDS)
            .order_by("sort_order", "pk")
            .values_list("name", flat=True)
        )
        return tuple(([_city_name(city)] if city else []) + regions)
    model = apps.get_model(source)
    return tuple(model.objects.order_by("sort_order", "pk").values_list("name", flat=True))


def _city_name(office: str) -> str:
    """宿迁市人民政府办公室 -> 宿迁市: the city as a region, not its office."""
    head, sep, _ = office.partition("市")
    return head + sep if sep else office


def keys() -> tuple[TagKey, ...]:
    """Every tag key with its current values (read from the database for the keys that have a source)."""
    return tuple(
        TagKey(k.key, k.label, _values_from(k.source), k.source, k.synonyms) if k.source else k
        for k in _spec()
    )


def labels() -> dict[str, str]:
    return {k.key: k.label for k in _spec()}


def is_valid(key: str, value: str) -> bool:
    return any(k.key == key and value in k.values for k in keys())


def synonyms(key: str) -> dict[str, tuple[str, ...]]:
    """Words that stand for each value of `key` in a text (for 人群, which content does not tag itself)."""
    return next((k.synonyms for k in _spec() if k.key == key), {})
