"""Addresses of a dataset's downloads and rows API (the URL contract of the open data pages and API), and
the keywords of a dataset as a list; shared by the API, the DCAT catalog and the charts."""

from __future__ import annotations

import re

from django.http import HttpRequest

KEYWORD_SEPARATORS = re.compile(r"[,，、;；\s]+")


def download_url(dataset_url: str | None, resource_id: int, what: str) -> str | None:
    """A download address below the dataset page (`original`, `csv`, `json` or `v<n>`)."""
    return f"{dataset_url}download/{resource_id}/{what}/" if dataset_url else None


def rows_path(dataset_id: int, resource_id: int) -> str:
    return f"/api/v1/datasets/{dataset_id}/resources/{resource_id}/rows"


def rows_url(request: HttpRequest, dataset_id: int, resource_id: int) -> str:
    return request.build_absolute_uri(rows_path(dataset_id, resource_id))


def keywords(text: str) -> list[str]:
    return [word for word in KEYWORD_SEPARATORS.split(text or "") if word]
