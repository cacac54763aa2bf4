"""The scenes of the demo's article pictures and banners: one function per subject, drawn on a canvas."""

from __future__ import annotations

from drawing import *
from PIL import ImageDraw


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
