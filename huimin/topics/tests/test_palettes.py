"""Palette contrast: the WCAG maths, a failing palette refused by the model and by the admin form, and
every palette of the data file passing."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from huimin.topics.models import (
    PALETTES_FILE,
    TopicPalette,
    contrast_ratio,
    format_ratio,
    load_palette_file,
    palette_failures,
)

GOOD = {
    "primary": "#0b4f9c",
    "on_primary": "#ffffff",
    "accent": "#0a4a8f",
    "surface": "#f1f5fb",
    "text": "#1a1a1a",
}


def test_black_on_white_is_21_to_1_and_the_order_of_the_pair_does_not_matter():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#fff", "#000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


def test_grey_777_on_white_is_just_under_aa_and_reads_as_failing():
    ratio = contrast_ratio("#777777", "#ffffff")
    assert ratio == pytest.approx(4.48, abs=0.01)
    assert ratio < 4.5
    assert format_ratio(ratio) == "4.47:1"  # rounded down: never shown as 4.5


def test_a_light_orange_primary_under_white_text_fails_with_the_pair_named():
    colours = GOOD | {"primary": "#ff9933"}
    labels = [failure.label for failure in palette_failures(colours)]
    assert "主色上的文字" in labels
    assert "白色背景上的主色标题" in labels


def test_the_model_refuses_a_failing_palette_naming_the_pair_and_its_ratio():
    palette = TopicPalette(name="浅橙", **(GOOD | {"primary": "#ff9933"}))
    with pytest.raises(ValidationError) as caught:
        palette.clean()
    message = " ".join(caught.value.messages)
    ratio = format_ratio(contrast_ratio("#ffffff", "#ff9933"))
    assert f"主色上的文字对比度 {ratio}，低于 4.5:1" in message


def test_the_model_accepts_a_passing_palette_and_stores_lower_case_colours():
    palette = TopicPalette(name="蓝", **(GOOD | {"primary": "#0B4F9C"}))
    palette.clean()
    assert palette.primary == "#0b4f9c"


@pytest.mark.django_db
def test_a_colour_that_is_not_hex_is_refused_so_it_never_reaches_the_inline_style():
    palette = TopicPalette(name="注入", **(GOOD | {"surface": "red;} body{display:none"}))
    with pytest.raises(ValidationError) as caught:
        palette.full_clean()
    assert "surface" in caught.value.message_dict
    assert "六位十六进制" in caught.value.message_dict["surface"][0]


def test_every_palette_in_the_data_file_passes_aa():
    entries = load_palette_file()
    assert len(entries) >= 5
    names = {entry["name"] for entry in entries}
    assert {"政务蓝", "中国红", "生态绿", "活力橙", "沉稳灰"} <= names
    for entry in entries:
        assert palette_failures(entry) == [], entry["name"]


def test_the_data_file_loader_refuses_a_failing_palette(tmp_path):
    data = json.loads(PALETTES_FILE.read_text(encoding="utf-8"))
    data["palettes"].append({"name": "浅橙", **(GOOD | {"primary": "#ff9933"})})
    bad = tmp_path / "palettes.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="浅橙"):
        load_palette_file(bad)


@pytest.mark.django_db
def test_the_migration_seeded_the_palettes_of_the_data_file():
    seeded = {p.name: p.colours() for p in TopicPalette.objects.all()}
    for entry in load_palette_file():
        assert seeded[entry["name"]] == {role: entry[role] for role in GOOD}


@pytest.mark.django_db
def test_a_platform_admin_cannot_save_a_failing_palette_in_the_admin(client, demo):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("wagtailsnippets_huimin_topics_topicpalette:add")
    response = client.post(url, {"name": "浅橙", **(GOOD | {"primary": "#ff9933"})})
    assert response.status_code == 200
    assert "主色上的文字对比度" in response.content.decode()
    assert not TopicPalette.objects.filter(name="浅橙").exists()

    response = client.post(url, {"name": "深蓝", **GOOD})
    assert response.status_code == 302
    assert TopicPalette.objects.get(name="深蓝").primary == "#0b4f9c"
