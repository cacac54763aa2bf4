"""Draws the demo's pictures: banners, emblems, article photographs (illustrations) and 一图读懂 infographics.

Run once by hand (`.venv/bin/python huimin/demo/data/images/make.py [banners|emblems|covers|infographics]`);
the outputs are committed and shipped, so building the demo never draws or downloads anything. The
infographics need a CJK font (Noto Sans CJK, as on the machine that drew them); the other pictures have no
text. The words of each infographic come from infographics.json, which the demo builder also uses for the text
version printed below the picture.
"""

from __future__ import annotations

import json
import math
import random

from drawing import *  # the primitives, beside this script
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from scenes import *

SCENES = {
    "skyline": scene_skyline,
    "river-dike": scene_river_dike,
    "sluice": scene_sluice,
    "flood-drill": scene_flood_drill,
    "fields": lambda img, rng: scene_fields(img, rng, canal=False),
    "irrigation": scene_irrigation,
    "flowers": scene_flowers,
    "village": scene_village,
    "old-community": scene_old_community,
    "wetland": scene_wetland,
    "industrial-park": scene_factory,
    "water-project": scene_construction,
    "soil-conservation": scene_slope,
    "school": scene_school,
    "classroom": scene_classroom,
    "kindergarten": scene_kindergarten,
    "playground": scene_playground,
    "workshop": scene_workshop,
    "service-hall": scene_service_hall,
    "meeting": scene_meeting,
    "elder-care": scene_elder_care,
    "fire-drill": scene_fire_drill,
    "job-fair": scene_job_fair,
}

BANNERS = {
    "portal": lambda img, rng: scene_skyline(img, rng, warm=False),
    "shuyang": scene_flowers,
    "sucheng": scene_wetland,
    "slj": scene_sluice,
    "jyj": lambda img, rng: scene_school(img, rng, banner=True),
}


def save_jpeg(img, path, size):
    img = img.resize(size, Image.LANCZOS).filter(ImageFilter.SMOOTH_MORE)
    img.save(path, "JPEG", quality=80, optimize=True, progressive=True)


def make_covers():
    for name, scene in SCENES.items():
        img = canvas(960, 540)
        scene(img, random.Random(name))
        save_jpeg(img, HERE / f"cover-{name}.jpg", (960, 540))


def make_banners():
    for key, scene in BANNERS.items():
        img = canvas(1600, 400)
        scene(img, random.Random(f"banner-{key}"))
        save_jpeg(img, HERE / f"banner-{key}.jpg", (1600, 400))


# ---------------------------------------------------------------------------------------------- emblems

EMBLEM_COLOURS = {  # the sites' accent colours (huimin/demo/homes.py)
    "portal": (168, 21, 27),
    "shuyang": (31, 107, 58),
    "sucheng": (138, 74, 0),
    "slj": (0, 96, 122),
    "jyj": (91, 58, 140),
}


def make_emblems():
    size = 128 * 4
    for key, colour in EMBLEM_COLOURS.items():
        img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        d = ImageDraw.Draw(img)
        d.ellipse([8, 8, size - 8, size - 8], fill=colour)
        d.ellipse([34, 34, size - 34, size - 34], outline=(255, 255, 255), width=10)
        white, gold = (255, 255, 255), (250, 210, 90)
        c = size / 2
        if key == "portal":  # a city gate over waves
            d.rectangle([c - 110, c - 40, c + 110, c + 40], fill=white)
            d.polygon([(c - 140, c - 40), (c + 140, c - 40), (c, c - 130)], fill=gold)
            d.rectangle([c - 30, c - 10, c + 30, c + 40], fill=colour)
            for k in range(2):
                y = c + 70 + k * 34
                d.arc([c - 150, y - 30, c - 50, y + 30], 200, 340, fill=white, width=12)
                d.arc([c - 50, y - 30, c + 50, y + 30], 200, 340, fill=white, width=12)
                d.arc([c + 50, y - 30, c + 150, y + 30], 200, 340, fill=white, width=12)
        elif key == "shuyang":  # a flower
            for k in range(6):
                a = k * math.pi / 3
                x, y = c + math.cos(a) * 70, c - 20 + math.sin(a) * 70
                d.ellipse([x - 52, y - 52, x + 52, y + 52], fill=white)
            d.ellipse([c - 45, c - 65, c + 45, c + 25], fill=gold)
            d.line([(c, c + 40), (c, c + 150)], fill=white, width=14)
        elif key == "sucheng":  # a pagoda by a lake
            for k in range(4):
                wdt = 120 - k * 24
                y = c + 40 - k * 50
                d.polygon(
                    [(c - wdt, y), (c + wdt, y), (c + wdt - 30, y - 30), (c - wdt + 30, y - 30)], fill=white
                )
                d.rectangle([c - wdt + 40, y, c + wdt - 40, y + 20], fill=gold)
            d.line([(c, c - 160), (c, c - 120)], fill=white, width=10)
            for k in range(2):
                y = c + 100 + k * 34
                d.arc([c - 120, y - 24, c, y + 24], 200, 340, fill=white, width=12)
                d.arc([c, y - 24, c + 120, y + 24], 200, 340, fill=white, width=12)
        elif key == "slj":  # a water drop over a dike line
            d.polygon([(c, c - 150), (c - 90, c + 10), (c + 90, c + 10)], fill=white)
            d.ellipse([c - 95, c - 60, c + 95, c + 120], fill=white)
            d.arc([c - 60, c - 10, c + 40, c + 90], 100, 200, fill=colour, width=14)
            d.rectangle([c - 150, c + 130, c + 150, c + 146], fill=gold)
        elif key == "jyj":  # an open book with a rising sun
            d.pieslice([c - 70, c - 140, c + 70, c], 180, 360, fill=gold)
            d.polygon([(c, c - 10), (c - 150, c - 40), (c - 150, c + 100), (c, c + 130)], fill=white)
            d.polygon([(c, c - 10), (c + 150, c - 40), (c + 150, c + 100), (c, c + 130)], fill=white)
            d.line([(c, c - 10), (c, c + 130)], fill=colour, width=8)
            for k in range(3):
                y = c + 20 + k * 30
                d.line([(c - 125, y - 20), (c - 25, y)], fill=colour, width=6)
                d.line([(c + 25, y), (c + 125, y - 20)], fill=colour, width=6)
        img.resize((128, 128), Image.LANCZOS).save(HERE / f"emblem-{key}.png", optimize=True)


# ---------------------------------------------------------------------------------------------- infographics


def font(size, bold=False):
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    return ImageFont.truetype(str(FONT_DIR / name), size, index=2)  # index 2: the simplified Chinese face


def wrap(text, fnt, width, draw):
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=fnt) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def make_infographic(name, spec):
    """A vertical infographic: a title band, key figures in tiles, numbered sections and a source line."""
    w = 800
    colour = tuple(spec.get("colour", (168, 21, 27)))
    light = mix(colour, (255, 255, 255), 0.88)
    scratch = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    f_title, f_sub = font(38, True), font(22)
    f_fig, f_fig_label = font(40, True), font(20)
    f_head, f_body = font(26, True), font(22)
    # layout first, then draw
    blocks = []
    y = 0
    title_lines = wrap(spec["title"], f_title, w - 80, scratch)
    band = 50 + len(title_lines) * 52 + (40 if spec.get("subtitle") else 0) + 20
    y = band + 30
    figures = spec.get("figures", [])
    if figures:
        y += 150
    for section in spec["sections"]:
        lines = [wrap(item, f_body, w - 150, scratch) for item in section["items"]]
        height = 56 + sum(len(ls) * 34 + 10 for ls in lines) + 20
        blocks.append((section["heading"], lines, y, height))
        y += height + 20
    total = y + 70
    img = Image.new("RGB", (w, total), "white")
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, band], fill=colour)
    ty = 40
    for line in title_lines:
        d.text((40, ty), line, font=f_title, fill="white")
        ty += 52
    if spec.get("subtitle"):
        d.text((40, ty + 4), spec["subtitle"], font=f_sub, fill=mix(colour, (255, 255, 255), 0.8))
    y = band + 30
    if figures:
        tile_w = (w - 80 - (len(figures) - 1) * 16) / len(figures)
        for i, fig in enumerate(figures):
            x = 40 + i * (tile_w + 16)
            d.rounded_rectangle([x, y, x + tile_w, y + 130], radius=14, fill=light)
            value = fig["value"]
            tw = d.textlength(value, font=f_fig)
            d.text((x + (tile_w - tw) / 2, y + 18), value, font=f_fig, fill=colour)
            for k, line in enumerate(wrap(fig["label"], f_fig_label, tile_w - 16, d)[:2]):
                lw = d.textlength(line, font=f_fig_label)
                d.text((x + (tile_w - lw) / 2, y + 72 + k * 26), line, font=f_fig_label, fill=(60, 60, 60))
    for number, (heading, lines, top, height) in enumerate(blocks, 1):
        d.rounded_rectangle([30, top, w - 30, top + height], radius=14, outline=light, width=3)
        d.ellipse([44, top + 12, 84, top + 52], fill=colour)
        nw = d.textlength(str(number), font=f_head)
        d.text((64 - nw / 2, top + 14), str(number), font=f_head, fill="white")
        d.text((100, top + 16), heading, font=f_head, fill=colour)
        yy = top + 66
        for item in lines:
            d.ellipse([92, yy + 12, 102, yy + 22], fill=colour)
            for line in item:
                d.text((116, yy), line, font=f_body, fill=(40, 40, 40))
                yy += 34
            yy += 10
    d.text((40, total - 50), spec.get("source", ""), font=f_fig_label, fill=(110, 110, 110))
    img.save(HERE / name, optimize=True)


def make_infographics():
    specs = json.loads((HERE / "infographics.json").read_text(encoding="utf-8"))
    for name, spec in specs.items():
        make_infographic(name, spec)


if __name__ == "__main__":
    import sys

    parts = set(sys.argv[1:]) or {"banners", "emblems", "covers", "infographics"}
    if "banners" in parts:
        make_banners()
    if "emblems" in parts:
        make_emblems()
    if "covers" in parts:
        make_covers()
    if "infographics" in parts:
        make_infographics()
