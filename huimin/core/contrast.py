"""Colour contrast as WCAG 2.x defines it: relative luminance and the contrast ratio of two colours.

Used wherever a colour is checked before it is shown: the topic palettes and the chart colours.
"""

from __future__ import annotations

import math
import re

HEX_COLOUR_RE = re.compile(r"\A#[0-9a-fA-F]{6}\Z")


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb (or #rgb) colour, 0 for black to 1 for white."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", digits):
        raise ValueError(f"not a hex colour: {colour!r}")
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """The contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """A ratio as people write it, rounded down so that a failing ratio never reads as passing: 4.48, 21."""
    text = f"{math.floor(ratio * 100) / 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}:1"
