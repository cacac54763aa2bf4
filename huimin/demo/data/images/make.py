"""Draws the demo's pictures: banners, emblems, article photographs (illustrations) and 一图读懂 infographics.

Run once by hand (`.venv/bin/python huimin/demo/data/images/make.py [banners|emblems|covers|infographics]`);
the outputs are committed and shipped, so building the demo never draws or downloads anything. The
infographics need a CJK font (Noto Sans CJK, as on the machine that drew them); the other pictures have no
text. The words of each infographic come from infographics.json, which the demo builder also uses for the text
version printed below the picture.
"""

# ruff: noqa: S311 - seeded generators make the same pictures on every run; nothing here is a secret

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
SCALE = 2  # drawn at twice the size, then reduced: smooth edges without an antialiasing library
FONT_DIR = Path("/usr/share/fonts/opentype/noto")

# ---------------------------------------------------------------------------------------------- primitives


def mix(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def gradient(img, top, bottom, box=None):
    x0, y0, x1, y1 = box or (0, 0, img.width, img.height)
    draw = ImageDraw.Draw(img)
    for y in range(y0, y1):
        draw.line([(x0, y), (x1, y)], fill=mix(top, bottom, (y - y0) / max(y1 - y0 - 1, 1)))


def hills(draw, w, base, amp, colour, rng, waves=3):
    phase = rng.random() * 6
    points = [(0, draw.im.size[1])]
    for x in range(0, w + 20, 20):
        y = base - amp * (
            0.6 * math.sin(x / w * math.pi * waves + phase) + 0.4 * math.sin(x / w * 11 + phase)
        )
        points.append((x, y))
    points.append((w, draw.im.size[1]))
    draw.polygon(points, fill=colour)


def cloud(draw, x, y, s, colour=(255, 255, 255)):
    for dx, dy, r in ((0, 0, 1.0), (0.9, -0.35, 1.2), (1.9, 0, 0.95), (0.9, 0.25, 1.0)):
        cx, cy, rr = x + dx * 40 * s, y + dy * 40 * s, r * 38 * s
        draw.ellipse([cx - rr, cy - rr * 0.7, cx + rr, cy + rr * 0.7], fill=colour)


def tree(draw, x, ground, s, leaf=(60, 130, 70), trunk=(110, 80, 50)):
    draw.rectangle([x - 5 * s, ground - 40 * s, x + 5 * s, ground], fill=trunk)
    for dx, dy, r in ((0, -70, 34), (-22, -50, 26), (22, -50, 26)):
        draw.ellipse(
            [x + (dx - r) * s, ground + (dy - r) * s, x + (dx + r) * s, ground + (dy + r) * s], fill=leaf
        )


def building(draw, x, ground, bw, bh, colour, window=(255, 236, 170), rng=None, lit=0.55, rows_gap=26):
    draw.rectangle([x, ground - bh, x + bw, ground], fill=colour)
    rng = rng or random.Random(1)
    wx = 10 * SCALE
    for yy in range(int(ground - bh + 14 * SCALE), int(ground - 12 * SCALE), rows_gap * SCALE // 2):
        for xx in range(int(x + 8 * SCALE), int(x + bw - 14 * SCALE), 18 * SCALE):
            fill = window if rng.random() < lit else mix(colour, (0, 0, 0), 0.25)
            draw.rectangle([xx, yy, xx + wx, yy + 8 * SCALE], fill=fill)


def person(draw, x, ground, s, shirt, skin=(238, 200, 170), hair=(40, 35, 35), legs=(60, 70, 90)):
    draw.rectangle([x - 6 * s, ground - 28 * s, x - 1 * s, ground], fill=legs)
    draw.rectangle([x + 1 * s, ground - 28 * s, x + 6 * s, ground], fill=legs)
    draw.rounded_rectangle(
        [x - 10 * s, ground - 62 * s, x + 10 * s, ground - 26 * s], radius=6 * s, fill=shirt
    )
    draw.ellipse([x - 9 * s, ground - 84 * s, x + 9 * s, ground - 64 * s], fill=skin)
    draw.chord([x - 9 * s, ground - 85 * s, x + 9 * s, ground - 68 * s], 180, 360, fill=hair)


def water(draw, box, top, bottom, rng, streaks=(255, 255, 255)):
    x0, y0, x1, y1 = box
    for y in range(int(y0), int(y1)):
        draw.line([(x0, y), (x1, y)], fill=mix(top, bottom, (y - y0) / max(y1 - y0, 1)))
    for _ in range(int((x1 - x0) * (y1 - y0) / 9000)):
        sx, sy = rng.uniform(x0, x1), rng.uniform(y0 + 4, y1)
        length = rng.uniform(20, 70) * SCALE * (0.4 + (sy - y0) / (y1 - y0))
        draw.line([(sx, sy), (sx + length, sy)], fill=mix(top, streaks, 0.35), width=SCALE)


def flag(draw, x, ground, s):
    draw.line([(x, ground), (x, ground - 120 * s)], fill=(200, 200, 200), width=max(2, int(3 * s)))
    draw.rectangle([x, ground - 120 * s, x + 48 * s, ground - 88 * s], fill=(222, 41, 16))
    draw.regular_polygon((x + 10 * s, ground - 111 * s, 5 * s), 5, fill=(255, 222, 0))


# ---------------------------------------------------------------------------------------------- scenes


def canvas(w, h):
    return Image.new("RGB", (w * SCALE, h * SCALE), "white")


def sky(img, warm=False, rng=None):
    w, h = img.size
    if warm:
        gradient(img, (250, 196, 140), (255, 236, 210), (0, 0, w, h))
    else:
        gradient(img, (120, 175, 230), (220, 236, 250), (0, 0, w, h))
    d = ImageDraw.Draw(img)
    rng = rng or random.Random(0)
    for _ in range(3):
        cloud(d, rng.uniform(0, w * 0.9), rng.uniform(h * 0.06, h * 0.25), SCALE * rng.uniform(0.6, 1.1))
    return d


def scene_skyline(img, rng, warm=True):
    w, h = img.size
    d = sky(img, warm=warm, rng=rng)
    d.ellipse([w * 0.72, h * 0.12, w * 0.72 + 90 * SCALE, h * 0.12 + 90 * SCALE], fill=(255, 214, 150))
    ground = h * 0.62
    hills(d, w, h * 0.55, 25 * SCALE, (150, 170, 190), rng)
    x = -10
    while x < w:
        bw = rng.uniform(50, 110) * SCALE
        bh = rng.uniform(0.18, 0.48) * h
        colour = rng.choice([(70, 90, 120), (90, 110, 140), (60, 75, 100), (110, 125, 150)])
        building(d, x, ground, bw, bh, colour, rng=rng, lit=0.35)
        x += bw + rng.uniform(4, 16) * SCALE
    water(d, (0, ground, w, h), (90, 130, 170), (40, 70, 110), rng)
    d.rectangle([0, ground - 4 * SCALE, w, ground + 4 * SCALE], fill=(80, 85, 95))


def scene_river_dike(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    hills(d, w, h * 0.45, 20 * SCALE, (150, 185, 160), rng)
    # far bank trees
    for x in range(0, w, 34 * SCALE):
        tree(d, x + rng.uniform(-8, 8) * SCALE, h * 0.52, SCALE * rng.uniform(0.5, 0.7), leaf=(70, 140, 80))
    # dike: trapezoid with stone revetment, road on top
    top_y, foot_y = h * 0.58, h * 0.74
    d.polygon(
        [(0, top_y), (w, top_y - 30 * SCALE), (w, foot_y), (0, foot_y + 30 * SCALE)], fill=(118, 170, 90)
    )
    d.polygon(
        [(0, top_y), (w, top_y - 30 * SCALE), (w, top_y - 18 * SCALE), (0, top_y + 12 * SCALE)],
        fill=(170, 170, 165),
    )
    for i in range(0, w, 40 * SCALE):
        yy = top_y + 12 * SCALE - 30 * SCALE * i / w
        d.line([(i, yy), (i + 30 * SCALE, yy + 60 * SCALE)], fill=(150, 150, 145), width=SCALE)
    water(d, (0, foot_y, w, h), (100, 150, 185), (50, 100, 140), rng)
    d.polygon(
        [(0, foot_y + 30 * SCALE), (w, foot_y), (w, foot_y + 6 * SCALE), (0, foot_y + 36 * SCALE)],
        fill=(160, 150, 130),
    )


def scene_sluice(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    hills(d, w, h * 0.5, 16 * SCALE, (150, 185, 160), rng)
    water(d, (0, h * 0.6, w, h), (95, 145, 180), (45, 95, 135), rng)
    # sluice: piers and gates with a bridge deck and a control house
    left, right, deck = w * 0.12, w * 0.88, h * 0.42
    d.rectangle([left, deck, right, deck + 22 * SCALE], fill=(200, 200, 195))
    n = 6
    span = (right - left) / n
    for i in range(n + 1):
        px = left + i * span
        d.rectangle([px - 10 * SCALE, deck, px + 10 * SCALE, h * 0.78], fill=(185, 185, 180))
    for i in range(n):
        gx = left + i * span + 12 * SCALE
        d.rectangle([gx, deck + 40 * SCALE, gx + span - 24 * SCALE, h * 0.66], fill=(70, 110, 140))
        for yy in range(int(deck + 48 * SCALE), int(h * 0.66), 14 * SCALE):
            d.line([(gx, yy), (gx + span - 24 * SCALE, yy)], fill=(90, 130, 160), width=SCALE)
        # white water below the gates
        d.ellipse([gx, h * 0.74, gx + span - 24 * SCALE, h * 0.8], fill=(225, 238, 245))
    d.rectangle([w * 0.42, deck - 70 * SCALE, w * 0.58, deck], fill=(235, 235, 230))
    d.polygon(
        [(w * 0.40, deck - 70 * SCALE), (w * 0.60, deck - 70 * SCALE), (w * 0.5, deck - 100 * SCALE)],
        fill=(150, 60, 50),
    )
    for i in range(4):
        d.rectangle(
            [
                w * 0.44 + i * 22 * SCALE,
                deck - 50 * SCALE,
                w * 0.44 + i * 22 * SCALE + 12 * SCALE,
                deck - 30 * SCALE,
            ],
            fill=(140, 180, 210),
        )


def scene_flood_drill(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    gradient(img, (150, 165, 185), (210, 220, 230), (0, 0, w, int(h * 0.5)))
    d = ImageDraw.Draw(img)
    hills(d, w, h * 0.46, 14 * SCALE, (120, 150, 130), rng)
    water(d, (0, h * 0.5, w, h), (120, 140, 140), (80, 100, 105), rng)
    for bx, by in ((w * 0.18, h * 0.68), (w * 0.55, h * 0.78)):
        d.polygon(
            [
                (bx, by),
                (bx + 230 * SCALE, by),
                (bx + 200 * SCALE, by + 40 * SCALE),
                (bx + 20 * SCALE, by + 40 * SCALE),
            ],
            fill=(230, 110, 40),
        )
        d.polygon(
            [
                (bx + 230 * SCALE, by),
                (bx + 270 * SCALE, by - 16 * SCALE),
                (bx + 200 * SCALE, by + 40 * SCALE),
            ],
            fill=(210, 90, 30),
        )
        for i in range(3):
            person(
                d, bx + (50 + i * 55) * SCALE, by + 6 * SCALE, SCALE * 0.8, (255, 140, 0), hair=(240, 200, 0)
            )
        d.line(
            [(bx, by + 30 * SCALE), (bx - 80 * SCALE, by + 36 * SCALE)], fill=(235, 245, 250), width=3 * SCALE
        )
    # sandbags on the bank
    for i in range(10):
        sx = w * 0.8 + (i % 5) * 34 * SCALE
        sy = h * 0.47 - (i // 5) * 16 * SCALE
        d.rounded_rectangle(
            [sx, sy, sx + 34 * SCALE, sy + 18 * SCALE], radius=7 * SCALE, fill=(200, 180, 130)
        )


def scene_fields(img, rng, canal=True):
    w, h = img.size
    d = sky(img, rng=rng)
    horizon = h * 0.42
    hills(d, w, horizon, 8 * SCALE, (140, 180, 140), rng)
    greens = [(120, 180, 70), (150, 195, 80), (200, 200, 90), (100, 160, 70)]
    for i in range(12):
        a = -1.6 + i * 0.3
        b = a + 0.3
        d.polygon(
            [
                (w / 2 + a * w * 0.05, horizon),
                (w / 2 + b * w * 0.05, horizon),
                (w / 2 + b * w * 1.2, h),
                (w / 2 + a * w * 1.2, h),
            ],
            fill=greens[i % len(greens)],
        )
    for y in range(int(horizon), int(h), 16 * SCALE):
        d.line([(0, y), (w, y)], fill=(110, 160, 60), width=SCALE)
    if canal:
        d.polygon(
            [
                (w / 2 - 4 * SCALE, horizon),
                (w / 2 + 4 * SCALE, horizon),
                (w / 2 + 90 * SCALE, h),
                (w / 2 - 50 * SCALE, h),
            ],
            fill=(120, 170, 205),
        )
        d.polygon(
            [
                (w / 2 - 4 * SCALE, horizon),
                (w / 2 - 2 * SCALE, horizon),
                (w / 2 - 50 * SCALE, h),
                (w / 2 - 70 * SCALE, h),
            ],
            fill=(200, 200, 195),
        )
    for x in (w * 0.08, w * 0.9):
        tree(d, x, h * 0.52, SCALE * 0.9)


def scene_irrigation(img, rng):
    scene_fields(img, rng, canal=True)
    w, h = img.size
    d = ImageDraw.Draw(img)
    # a small pump house at the canal head
    x, g = w * 0.64, h * 0.55
    d.rectangle([x, g - 60 * SCALE, x + 110 * SCALE, g], fill=(235, 232, 222))
    d.polygon(
        [
            (x - 10 * SCALE, g - 60 * SCALE),
            (x + 120 * SCALE, g - 60 * SCALE),
            (x + 55 * SCALE, g - 95 * SCALE),
        ],
        fill=(60, 110, 160),
    )
    d.rectangle([x + 40 * SCALE, g - 36 * SCALE, x + 66 * SCALE, g], fill=(90, 90, 100))
    d.rectangle([x - 160 * SCALE, g - 10 * SCALE, x, g - 2 * SCALE], fill=(90, 110, 130))


def scene_flowers(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    horizon = h * 0.45
    hills(d, w, horizon, 10 * SCALE, (130, 175, 130), rng)
    # greenhouses in the distance
    for i in range(6):
        gx = w * 0.05 + i * 150 * SCALE
        d.pieslice(
            [gx, horizon - 50 * SCALE, gx + 130 * SCALE, horizon + 50 * SCALE], 180, 360, fill=(225, 235, 240)
        )
        d.arc(
            [gx, horizon - 50 * SCALE, gx + 130 * SCALE, horizon + 50 * SCALE],
            180,
            360,
            fill=(180, 195, 205),
            width=2 * SCALE,
        )
    colours = [(235, 80, 120), (250, 200, 60), (240, 140, 60), (200, 90, 200), (250, 240, 240)]
    rows = 9
    for r in range(rows):
        y0 = horizon + (h - horizon) * (r / rows) ** 1.3
        y1 = horizon + (h - horizon) * ((r + 1) / rows) ** 1.3
        colour = colours[r % len(colours)]
        d.rectangle([0, y0, w, y1], fill=(90, 150, 70))
        size = (y1 - y0) * 0.35
        for _ in range(int(w / max(size, 2) * 1.5)):
            fx, fy = rng.uniform(0, w), rng.uniform(y0, y1)
            d.ellipse(
                [fx - size / 2, fy - size / 2, fx + size / 2, fy + size / 2],
                fill=mix(colour, (255, 255, 255), rng.random() * 0.3),
            )


def scene_village(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    ground = h * 0.7
    hills(d, w, h * 0.5, 20 * SCALE, (140, 180, 140), rng)
    d.rectangle([0, ground, w, h], fill=(130, 180, 90))
    d.polygon([(w * 0.35, h), (w * 0.65, h), (w * 0.52, ground), (w * 0.48, ground)], fill=(200, 195, 185))
    x = 20 * SCALE
    while x < w:
        hw = rng.uniform(120, 170) * SCALE
        hh = rng.uniform(60, 80) * SCALE
        if abs(x + hw / 2 - w / 2) > 120 * SCALE:
            d.rectangle([x, ground - hh, x + hw, ground], fill=(245, 245, 240))
            d.polygon(
                [
                    (x - 10 * SCALE, ground - hh),
                    (x + hw + 10 * SCALE, ground - hh),
                    (x + hw / 2, ground - hh - 40 * SCALE),
                ],
                fill=(85, 90, 100),
            )
            d.rectangle([x + hw * 0.4, ground - 40 * SCALE, x + hw * 0.6, ground], fill=(120, 80, 60))
            d.rectangle(
                [x + hw * 0.12, ground - hh + 16 * SCALE, x + hw * 0.3, ground - hh + 36 * SCALE],
                fill=(150, 190, 220),
            )
        x += hw + rng.uniform(30, 60) * SCALE
    for _ in range(7):
        tree(d, rng.uniform(0, w), ground + rng.uniform(10, 60) * SCALE, SCALE * rng.uniform(0.7, 1.0))


def scene_old_community(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    ground = h * 0.78
    colours = [(236, 214, 190), (220, 200, 180), (240, 228, 205)]
    x = 0
    while x < w:
        bw = rng.uniform(170, 230) * SCALE
        bh = rng.uniform(0.42, 0.58) * h
        c = rng.choice(colours)
        d.rectangle([x, ground - bh, x + bw, ground], fill=c)
        d.rectangle([x, ground - bh, x + bw, ground - bh + 10 * SCALE], fill=(180, 90, 70))
        for yy in range(int(ground - bh + 26 * SCALE), int(ground - 30 * SCALE), 34 * SCALE):
            for xx in range(int(x + 14 * SCALE), int(x + bw - 30 * SCALE), 40 * SCALE):
                d.rectangle([xx, yy, xx + 24 * SCALE, yy + 18 * SCALE], fill=(150, 190, 215))
                d.rectangle(
                    [xx - 2 * SCALE, yy + 18 * SCALE, xx + 26 * SCALE, yy + 22 * SCALE], fill=(250, 250, 250)
                )
        # new lift shaft
        if rng.random() < 0.7:
            d.rectangle(
                [x + bw * 0.45, ground - bh - 10 * SCALE, x + bw * 0.55, ground], fill=(200, 215, 225)
            )
        x += bw + 30 * SCALE
    d.rectangle([0, ground, w, h], fill=(190, 185, 175))
    for i in range(0, w, 60 * SCALE):
        d.rectangle([i, ground + 20 * SCALE, i + 40 * SCALE, ground + 26 * SCALE], fill=(210, 205, 195))
    for i in range(5):
        tree(d, 80 * SCALE + i * w / 5, ground + 8 * SCALE, SCALE * 0.8)


def scene_wetland(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    hills(d, w, h * 0.48, 26 * SCALE, (120, 160, 140), rng)
    water(d, (0, h * 0.52, w, h), (130, 180, 210), (70, 130, 170), rng)
    for _ in range(140):
        rx, ry = rng.uniform(0, w), rng.uniform(h * 0.7, h)
        rh = rng.uniform(40, 110) * SCALE
        d.line(
            [(rx, ry), (rx + rng.uniform(-8, 8) * SCALE, ry - rh)],
            fill=rng.choice([(110, 150, 70), (150, 170, 80), (90, 130, 60)]),
            width=2 * SCALE,
        )
    for _ in range(6):
        bx, by = rng.uniform(w * 0.2, w * 0.8), rng.uniform(h * 0.12, h * 0.35)
        d.line(
            [(bx - 14 * SCALE, by - 6 * SCALE), (bx, by), (bx + 14 * SCALE, by - 6 * SCALE)],
            fill=(60, 60, 70),
            width=2 * SCALE,
        )
    # a wooden boardwalk
    d.polygon([(w * 0.1, h), (w * 0.3, h), (w * 0.62, h * 0.58), (w * 0.58, h * 0.58)], fill=(170, 130, 90))


def scene_factory(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    ground = h * 0.75
    d.rectangle([0, ground, w, h], fill=(170, 175, 180))
    for i in range(4):
        x = i * w / 4 + 20 * SCALE
        fw, fh = w / 4 - 40 * SCALE, rng.uniform(110, 160) * SCALE
        d.rectangle([x, ground - fh, x + fw, ground], fill=(225, 230, 236))
        d.rectangle([x, ground - fh, x + fw, ground - fh + 18 * SCALE], fill=(40, 100, 170))
        for k in range(5):
            d.rectangle(
                [
                    x + 12 * SCALE + k * fw / 5,
                    ground - fh + 40 * SCALE,
                    x + k * fw / 5 + fw / 5 - 4 * SCALE,
                    ground - fh + 70 * SCALE,
                ],
                fill=(150, 190, 220),
            )
        d.rectangle([x + fw * 0.4, ground - 50 * SCALE, x + fw * 0.6, ground], fill=(120, 130, 140))
    for i in range(0, w, 120 * SCALE):
        tree(d, i + 40 * SCALE, h * 0.95, SCALE * 0.8)
    # crane
    cx = w * 0.85
    d.rectangle([cx, h * 0.15, cx + 8 * SCALE, ground], fill=(240, 180, 30))
    d.rectangle([cx - 180 * SCALE, h * 0.15, cx + 60 * SCALE, h * 0.15 + 8 * SCALE], fill=(240, 180, 30))
    d.line([(cx - 150 * SCALE, h * 0.16), (cx - 150 * SCALE, h * 0.4)], fill=(60, 60, 60), width=SCALE)


def scene_construction(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    hills(d, w, h * 0.5, 14 * SCALE, (150, 180, 150), rng)
    ground = h * 0.62
    d.rectangle([0, ground, w, h], fill=(190, 160, 120))
    water(d, (0, h * 0.8, w, h), (110, 150, 180), (70, 110, 150), rng)
    # concrete channel walls under construction
    d.polygon(
        [(w * 0.05, h * 0.8), (w * 0.95, h * 0.8), (w * 0.9, h * 0.72), (w * 0.1, h * 0.72)],
        fill=(200, 200, 195),
    )
    for i in range(10):
        x = w * 0.12 + i * w * 0.08
        d.line([(x, h * 0.72), (x, h * 0.62)], fill=(120, 90, 60), width=2 * SCALE)
    # excavator
    ex, ey = w * 0.3, ground + 40 * SCALE
    d.rectangle([ex, ey - 50 * SCALE, ex + 120 * SCALE, ey], fill=(245, 180, 20))
    d.rectangle([ex + 70 * SCALE, ey - 90 * SCALE, ex + 120 * SCALE, ey - 50 * SCALE], fill=(245, 180, 20))
    d.rectangle([ex + 80 * SCALE, ey - 82 * SCALE, ex + 112 * SCALE, ey - 58 * SCALE], fill=(150, 190, 220))
    d.rounded_rectangle(
        [ex - 10 * SCALE, ey, ex + 130 * SCALE, ey + 24 * SCALE], radius=10 * SCALE, fill=(50, 50, 50)
    )
    d.line(
        [
            (ex + 10 * SCALE, ey - 50 * SCALE),
            (ex - 80 * SCALE, ey - 130 * SCALE),
            (ex - 130 * SCALE, ey - 30 * SCALE),
        ],
        fill=(230, 170, 20),
        width=12 * SCALE,
    )
    # tower crane
    cx = w * 0.75
    for k in range(0, int(ground - h * 0.12), 24 * SCALE):
        d.line(
            [(cx, h * 0.12 + k), (cx + 16 * SCALE, h * 0.12 + k + 24 * SCALE)],
            fill=(220, 60, 40),
            width=SCALE,
        )
    d.rectangle([cx, h * 0.12, cx + 16 * SCALE, ground], outline=(220, 60, 40), width=2 * SCALE)
    d.rectangle([cx - 220 * SCALE, h * 0.12, cx + 80 * SCALE, h * 0.12 + 10 * SCALE], fill=(220, 60, 40))
    for i in range(4):
        person(
            d, w * 0.52 + i * 40 * SCALE, ground + 60 * SCALE, SCALE * 0.7, (255, 130, 0), hair=(250, 210, 0)
        )


def scene_slope(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    for k in range(7):
        y = h * 0.35 + k * h * 0.1
        colour = mix((110, 170, 90), (80, 140, 70), k / 7)
        d.polygon(
            [(0, y + 40 * SCALE), (w * 0.3, y), (w, y + 60 * SCALE - k * 6 * SCALE), (w, h), (0, h)],
            fill=colour,
        )
        d.line(
            [(0, y + 40 * SCALE), (w * 0.3, y), (w, y + 60 * SCALE - k * 6 * SCALE)],
            fill=(170, 150, 110),
            width=3 * SCALE,
        )
        for _ in range(12):
            tx = rng.uniform(0, w)
            tree(d, tx, y + 45 * SCALE, SCALE * 0.35, leaf=(50, 120, 60))


def scene_school(img, rng, banner=False):
    w, h = img.size
    d = sky(img, rng=rng)
    ground = h * (0.8 if banner else 0.7)
    d.rectangle([0, ground, w, h], fill=(200, 90, 70))  # running track
    d.rectangle([0, ground + 10 * SCALE, w, h], fill=(90, 160, 90))
    for k in range(3):
        d.line(
            [(0, ground + (3 + k * 3) * SCALE), (w, ground + (3 + k * 3) * SCALE)],
            fill=(240, 240, 240),
            width=SCALE,
        )
    bw = w * (0.5 if banner else 0.6)
    x = (w - bw) / 2
    bh = h * (0.5 if banner else 0.42)
    d.rectangle([x, ground - bh, x + bw, ground], fill=(240, 236, 228))
    d.rectangle([x, ground - bh, x + bw, ground - bh + 14 * SCALE], fill=(170, 40, 40))
    d.rectangle([x + bw * 0.44, ground - bh - 40 * SCALE, x + bw * 0.56, ground - bh], fill=(240, 236, 228))
    d.ellipse(
        [x + bw * 0.47, ground - bh - 34 * SCALE, x + bw * 0.53, ground - bh - 6 * SCALE],
        fill=(255, 255, 255),
        outline=(60, 60, 60),
        width=2 * SCALE,
    )
    for yy in range(int(ground - bh + 30 * SCALE), int(ground - 40 * SCALE), 36 * SCALE):
        for xx in range(int(x + 20 * SCALE), int(x + bw - 40 * SCALE), 46 * SCALE):
            d.rectangle([xx, yy, xx + 30 * SCALE, yy + 20 * SCALE], fill=(150, 195, 225))
    d.rectangle([x + bw * 0.44, ground - 40 * SCALE, x + bw * 0.56, ground], fill=(120, 90, 70))
    flag(d, x - 60 * SCALE, ground, SCALE * (1.2 if not banner else 1.0))
    for xx in (x - 160 * SCALE, x + bw + 80 * SCALE, x + bw + 180 * SCALE):
        tree(d, xx, ground, SCALE)


def scene_classroom(img, rng):
    w, h = img.size
    gradient(img, (245, 240, 228), (230, 222, 205))
    d = ImageDraw.Draw(img)
    d.rectangle([0, h * 0.72, w, h], fill=(190, 150, 110))
    d.rectangle(
        [w * 0.2, h * 0.1, w * 0.8, h * 0.45], fill=(40, 80, 60), outline=(140, 100, 60), width=8 * SCALE
    )
    # chalk lines (no words)
    for k in range(4):
        d.line(
            [(w * 0.25, h * (0.17 + k * 0.07)), (w * (0.5 + 0.06 * k), h * (0.17 + k * 0.07))],
            fill=(220, 230, 220),
            width=2 * SCALE,
        )
    d.ellipse([w * 0.62, h * 0.18, w * 0.74, h * 0.38], outline=(220, 230, 220), width=2 * SCALE)
    for row in range(2):
        for col in range(4):
            cx = w * (0.16 + col * 0.23)
            cy = h * (0.78 + row * 0.16)
            person(
                d,
                cx,
                cy,
                SCALE * (1.1 + row * 0.3),
                rng.choice([(40, 90, 170), (220, 220, 230), (200, 60, 60)]),
            )
            d.rectangle(
                [
                    cx - 60 * SCALE,
                    cy - 40 * SCALE * (1 + row * 0.3),
                    cx + 60 * SCALE,
                    cy - 30 * SCALE * (1 + row * 0.3),
                ],
                fill=(210, 170, 110),
            )
    d.rectangle(
        [w * 0.88, h * 0.1, w * 0.98, h * 0.5], fill=(200, 225, 240), outline=(160, 160, 160), width=3 * SCALE
    )


def scene_kindergarten(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    ground = h * 0.75
    d.rectangle([0, ground, w, h], fill=(120, 190, 100))
    bx = w * 0.5
    colours = [(250, 120, 100), (250, 200, 80), (110, 180, 230), (150, 210, 120)]
    for i, c in enumerate(colours):
        d.rectangle([bx + i * 90 * SCALE, ground - 150 * SCALE, bx + (i + 1) * 90 * SCALE, ground], fill=c)
        d.ellipse(
            [
                bx + i * 90 * SCALE + 22 * SCALE,
                ground - 120 * SCALE,
                bx + i * 90 * SCALE + 68 * SCALE,
                ground - 74 * SCALE,
            ],
            fill=(255, 255, 255),
        )
    d.polygon(
        [
            (bx - 10 * SCALE, ground - 150 * SCALE),
            (bx + 370 * SCALE, ground - 150 * SCALE),
            (bx + 180 * SCALE, ground - 220 * SCALE),
        ],
        fill=(240, 90, 90),
    )
    # slide
    sx = w * 0.12
    d.rectangle([sx, ground - 130 * SCALE, sx + 60 * SCALE, ground], fill=(110, 160, 230))
    d.polygon(
        [
            (sx + 60 * SCALE, ground - 130 * SCALE),
            (sx + 60 * SCALE, ground - 100 * SCALE),
            (sx + 260 * SCALE, ground),
            (sx + 300 * SCALE, ground),
        ],
        fill=(250, 190, 50),
    )
    for i in range(3):
        person(d, w * 0.32 + i * 50 * SCALE, ground + 40 * SCALE, SCALE * 0.6, colours[i])


def scene_playground(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    hills(d, w, h * 0.45, 6 * SCALE, (80, 140, 80), rng)
    d.rectangle([0, h * 0.45, w, h], fill=(90, 160, 90))
    for x in range(0, w, 70 * SCALE):
        tree(d, x, h * 0.47, SCALE * 0.6)
    d.ellipse([-w * 0.1, h * 0.5, w * 1.1, h * 1.4], fill=(200, 90, 70))
    d.ellipse([w * 0.05, h * 0.62, w * 0.95, h * 1.3], fill=(90, 170, 90))
    for k in range(1, 4):
        d.arc(
            [
                -w * 0.1 + k * 14 * SCALE,
                h * 0.5 + k * 14 * SCALE,
                w * 1.1 - k * 14 * SCALE,
                h * 1.4 - k * 14 * SCALE,
            ],
            180,
            360,
            fill=(240, 240, 240),
            width=SCALE,
        )
    for i in range(6):
        person(
            d,
            w * 0.15 + i * w * 0.13,
            h * (0.66 + (i % 2) * 0.04),
            SCALE * 0.9,
            rng.choice([(40, 90, 170), (240, 240, 245), (220, 60, 60)]),
        )
    # goalpost / basketball stand
    d.rectangle([w * 0.85, h * 0.35, w * 0.86, h * 0.6], fill=(120, 120, 120))
    d.rectangle(
        [w * 0.82, h * 0.33, w * 0.89, h * 0.38], fill=(250, 250, 250), outline=(120, 120, 120), width=SCALE
    )


def scene_workshop(img, rng):
    w, h = img.size
    gradient(img, (225, 230, 235), (200, 205, 212))
    d = ImageDraw.Draw(img)
    d.rectangle([0, h * 0.7, w, h], fill=(150, 160, 165))
    for k in range(5):  # roof trusses and lamps
        x = k * w / 5 + w / 10
        d.line([(x - w / 10, 0), (x, h * 0.12), (x + w / 10, 0)], fill=(170, 175, 180), width=3 * SCALE)
        d.ellipse([x - 16 * SCALE, h * 0.14, x + 16 * SCALE, h * 0.18], fill=(255, 245, 200))
    for i in range(3):  # machines
        mx = w * (0.1 + i * 0.3)
        d.rounded_rectangle([mx, h * 0.42, mx + w * 0.2, h * 0.72], radius=10 * SCALE, fill=(60, 120, 160))
        d.rectangle([mx + 16 * SCALE, h * 0.46, mx + w * 0.12, h * 0.58], fill=(180, 215, 235))
        d.rectangle([mx + w * 0.14, h * 0.47, mx + w * 0.18, h * 0.5], fill=(250, 200, 40))
        person(d, mx + w * 0.24, h * 0.78, SCALE * 1.1, (30, 70, 130), hair=(30, 30, 30))


def scene_service_hall(img, rng):
    w, h = img.size
    gradient(img, (236, 240, 245), (215, 222, 232))
    d = ImageDraw.Draw(img)
    d.rectangle([0, h * 0.66, w, h], fill=(205, 200, 192))
    for x in range(0, w, 80 * SCALE):
        d.line([(x, h * 0.66), (x - 120 * SCALE, h)], fill=(190, 185, 178), width=SCALE)
    d.rectangle([0, 0, w, h * 0.08], fill=(250, 250, 252))
    for k in range(6):
        d.ellipse(
            [k * w / 6 + w / 12 - 40 * SCALE, h * 0.02, k * w / 6 + w / 12 + 40 * SCALE, h * 0.06],
            fill=(255, 250, 220),
        )
    # screen of numbers (coloured blocks only)
    d.rectangle([w * 0.3, h * 0.12, w * 0.7, h * 0.26], fill=(20, 40, 80))
    for r in range(3):
        for c in range(5):
            d.rectangle(
                [
                    w * 0.32 + c * w * 0.075,
                    h * (0.14 + r * 0.04),
                    w * 0.32 + c * w * 0.075 + w * 0.05,
                    h * (0.16 + r * 0.04),
                ],
                fill=(80, 200, 120) if (r + c) % 3 else (240, 120, 60),
            )
    # counters with staff behind and citizens in front
    for i in range(5):
        x = w * (0.04 + i * 0.195)
        person(d, x + w * 0.08, h * 0.58, SCALE * 0.9, (40, 60, 110), hair=(30, 30, 30))
        d.rectangle(
            [x, h * 0.5, x + w * 0.17, h * 0.66], fill=(250, 250, 250), outline=(190, 200, 210), width=SCALE
        )
        d.rectangle([x, h * 0.5, x + w * 0.17, h * 0.53], fill=(30, 100, 170))
        d.rectangle([x + w * 0.02, h * 0.42, x + w * 0.06, h * 0.49], fill=(60, 60, 70))
        if i % 2 == 0:
            person(
                d,
                x + w * 0.1,
                h * 0.95,
                SCALE * 1.4,
                rng.choice([(200, 80, 80), (230, 190, 90), (90, 140, 90)]),
            )


def scene_meeting(img, rng):
    w, h = img.size
    gradient(img, (232, 226, 214), (214, 205, 190))
    d = ImageDraw.Draw(img)
    d.rectangle([0, h * 0.6, w, h], fill=(160, 110, 80))
    d.rectangle([w * 0.25, h * 0.06, w * 0.75, h * 0.22], fill=(170, 30, 35))  # banner band, no words
    for k in range(12):
        d.rectangle(
            [w * 0.28 + k * w * 0.038, h * 0.11, w * 0.28 + k * w * 0.038 + w * 0.026, h * 0.17],
            fill=(250, 230, 170),
        )
    d.rectangle([w * 0.3, h * 0.24, w * 0.7, h * 0.42], fill=(60, 80, 110))  # screen
    d.polygon([(w * 0.2, h), (w * 0.8, h), (w * 0.58, h * 0.55), (w * 0.42, h * 0.55)], fill=(120, 75, 50))
    for side in (-1, 1):
        for k in range(5):
            t = k / 5
            x = w / 2 + side * (w * 0.09 + t * w * 0.3)
            y = h * 0.6 + t * h * 0.4
            s = SCALE * (0.7 + t * 0.9)
            person(
                d, x + side * 24 * s, y + 6 * s, s, rng.choice([(40, 50, 70), (60, 60, 60), (240, 240, 245)])
            )
            d.rectangle([x - 8 * s, y - 30 * s, x + 8 * s, y - 12 * s], fill=(245, 245, 240))  # papers
    for k in range(6):
        d.ellipse([w * (0.44 + k * 0.02), h * 0.56, w * (0.45 + k * 0.02), h * 0.58], fill=(120, 170, 110))


def scene_elder_care(img, rng):
    w, h = img.size
    d = sky(img, warm=True, rng=rng)
    ground = h * 0.7
    d.rectangle([0, ground, w, h], fill=(140, 185, 110))
    d.rectangle([w * 0.08, ground - 170 * SCALE, w * 0.58, ground], fill=(245, 236, 220))
    d.polygon(
        [(w * 0.06, ground - 170 * SCALE), (w * 0.6, ground - 170 * SCALE), (w * 0.33, ground - 230 * SCALE)],
        fill=(190, 90, 60),
    )
    for k in range(5):
        d.rectangle(
            [w * (0.11 + k * 0.09), ground - 140 * SCALE, w * (0.16 + k * 0.09), ground - 100 * SCALE],
            fill=(160, 200, 225),
        )
    d.rectangle([w * 0.3, ground - 70 * SCALE, w * 0.36, ground], fill=(130, 90, 60))
    d.rounded_rectangle(
        [w * 0.64, ground + 30 * SCALE, w * 0.84, ground + 44 * SCALE], radius=4 * SCALE, fill=(140, 90, 60)
    )
    person(d, w * 0.69, ground + 60 * SCALE, SCALE * 1.1, (180, 80, 80), hair=(220, 220, 220))
    person(d, w * 0.78, ground + 60 * SCALE, SCALE * 1.1, (80, 110, 160), hair=(230, 230, 230))
    person(d, w * 0.92, ground + 90 * SCALE, SCALE * 1.2, (90, 160, 150), hair=(40, 35, 35))
    tree(d, w * 0.95, ground, SCALE * 1.3)
    for k in range(8):
        fx = w * (0.1 + k * 0.06)
        d.ellipse([fx, ground + 6 * SCALE, fx + 14 * SCALE, ground + 20 * SCALE], fill=(240, 120, 140))


def scene_fire_drill(img, rng):
    w, h = img.size
    d = sky(img, rng=rng)
    ground = h * 0.72
    d.rectangle([0, ground, w, h], fill=(175, 175, 170))
    building(d, w * 0.05, ground, w * 0.4, h * 0.5, (235, 225, 210), rng=rng, lit=0.0)
    # fire truck
    tx = w * 0.5
    d.rectangle([tx, ground - 100 * SCALE, tx + 300 * SCALE, ground - 20 * SCALE], fill=(210, 30, 30))
    d.rectangle(
        [tx + 220 * SCALE, ground - 130 * SCALE, tx + 300 * SCALE, ground - 60 * SCALE], fill=(210, 30, 30)
    )
    d.rectangle(
        [tx + 232 * SCALE, ground - 122 * SCALE, tx + 290 * SCALE, ground - 90 * SCALE], fill=(170, 210, 235)
    )
    d.rectangle(
        [tx + 10 * SCALE, ground - 118 * SCALE, tx + 200 * SCALE, ground - 108 * SCALE], fill=(200, 200, 200)
    )
    for wx in (tx + 50 * SCALE, tx + 240 * SCALE):
        d.ellipse(
            [wx - 26 * SCALE, ground - 46 * SCALE, wx + 26 * SCALE, ground + 6 * SCALE], fill=(40, 40, 40)
        )
    # hose spray
    d.line(
        [(tx - 40 * SCALE, ground - 40 * SCALE), (w * 0.38, h * 0.3)], fill=(200, 225, 240), width=6 * SCALE
    )
    for i in range(6):
        person(
            d, w * 0.08 + i * 40 * SCALE, h * 0.95, SCALE * 0.9, (40, 90, 170) if i % 2 else (240, 240, 245)
        )
    person(d, tx - 60 * SCALE, ground + 4 * SCALE, SCALE * 1.1, (230, 120, 30), hair=(230, 120, 30))


def scene_job_fair(img, rng):
    w, h = img.size
    gradient(img, (240, 238, 232), (222, 220, 214))
    d = ImageDraw.Draw(img)
    d.rectangle([0, h * 0.62, w, h], fill=(196, 196, 200))
    colours = [(30, 100, 170), (200, 60, 50), (40, 140, 90), (230, 150, 30)]
    for i in range(4):
        x = w * (0.03 + i * 0.245)
        d.rectangle(
            [x, h * 0.15, x + w * 0.22, h * 0.62], fill=(250, 250, 250), outline=(200, 200, 200), width=SCALE
        )
        d.rectangle([x, h * 0.15, x + w * 0.22, h * 0.24], fill=colours[i])
        d.rectangle(
            [x + w * 0.02, h * 0.3, x + w * 0.2, h * 0.45], fill=mix(colours[i], (255, 255, 255), 0.75)
        )
        d.rectangle([x, h * 0.52, x + w * 0.22, h * 0.62], fill=mix(colours[i], (255, 255, 255), 0.3))
    for i in range(9):
        person(
            d,
            w * (0.06 + i * 0.11),
            h * (0.9 + (i % 3) * 0.03),
            SCALE * 1.3,
            rng.choice([(60, 60, 70), (240, 240, 245), (90, 120, 170), (170, 80, 80)]),
        )


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
