"""The drawing primitives and the sky of the demo's pictures (used by scenes.py and make.py)."""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

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
