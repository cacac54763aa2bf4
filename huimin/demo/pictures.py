"""The demo's pictures as Wagtail images: banners, emblems, article photographs and 一图读懂 infographics.

The files are shipped in data/images (drawn once by data/images/make.py); each has a title and an alt text
(the image's `description`) in data/images/manifest.json. `picture(name)` creates the Wagtail image once and
finds it again afterwards, so the demo builder can ask for the same picture as often as it likes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.core.files.images import ImageFile
from wagtail.images.models import Image
from wagtail.models import Collection

IMAGE_DIR = Path(__file__).resolve().parent / "data" / "images"


@cache
def manifest() -> dict[str, dict]:
    """name -> {"title", "alt"} for every shipped picture."""
    return json.loads((IMAGE_DIR / "manifest.json").read_text(encoding="utf-8"))


@cache
def infographics() -> dict[str, dict]:
    """name -> the words of each 一图读懂 infographic (the same words the picture shows)."""
    return json.loads((IMAGE_DIR / "infographics.json").read_text(encoding="utf-8"))


def picture(name: str, collection: Collection | None = None) -> Image:
    """The Wagtail image of the shipped picture `name`, created on first use in `collection` (default: root).

    Looked up by its title from the manifest: a second call (or a second demo build) returns the same image.
    """
    entry = manifest()[name]
    existing = Image.objects.filter(title=entry["title"]).order_by("pk").first()
    if existing is not None:
        return existing
    path = IMAGE_DIR / name
    with path.open("rb") as handle:
        return Image.objects.create(
            title=entry["title"],
            description=entry["alt"],
            collection=collection or Collection.get_first_root_node(),
            file=ImageFile(handle, name=name),
        )
