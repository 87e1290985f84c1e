"""Building blocks for the server-drawn charts: safe SVG elements, the palette, the frame.

Every chart is one self-contained <svg>: presentation attributes only (the CSP forbids inline
style and a PDF or an email has no page stylesheet), no scripts, no links, no foreignObject."""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

# Okabe–Ito, safe for the common colour-vision deficiencies. Text only ever uses TEXT, MUTED
# or BLUE (each at least 4.5:1 on white); the others draw lines and shapes (at least 3:1).
BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
ORANGE = "#E69F00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
TEXT = "#000000"
MUTED = "#595959"
GRID = "#E3E3E3"
BAND_FILL = "#E4F1FA"
HIDDEN = "#767676"
WHITE = "#FFFFFF"
FONT = "Arial, Helvetica, sans-serif"

_ATTRIBUTE_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]*$")
_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def num(value: float) -> str:
    """A coordinate, short: two decimals at most, no trailing zeros, never '-0'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def element(tag: str, attrs: dict[str, object] | None = None, *children: str, text: str | None = None) -> str:
    """One element. Attribute values and text are escaped here, so no caller can forget;
    event-handler and link attributes are refused outright."""
    parts = [f"<{tag}"]
    for name, value in (attrs or {}).items():
        name = name.replace("_", "-")
        if not _ATTRIBUTE_NAME.match(name) or name.lower().startswith("on") or name.lower().endswith("href"):
            raise ValueError(f"attribute not allowed in a chart: {name!r}")
        if value is None:
            continue
        shown = num(value) if isinstance(value, float) else str(value)
        parts.append(f' {name}="{escape(shown)}"')
    body = "".join(children) + (str(escape(text)) if text is not None else "")
    if not body:
        return "".join(parts) + "/>"
    return "".join(parts) + ">" + body + f"</{tag}>"


def tooltip(text: str) -> str:
    """A <title> child: the accessible name of a shape, and its hover text in browsers."""
    return element("title", text=text)


def safe_id(prefix: str) -> str:
    """An XML id from a caller's prefix: letters, digits, '-' and '_' only, starting with a letter."""
    cleaned = _ID_SAFE.sub("-", prefix or "chart")
    return cleaned if cleaned[:1].isalpha() else "c" + cleaned


def text_width(text: str, font_px: float) -> float:
    """An estimate of rendered width: without the font's metrics, 0.6 em per character is
    a safe upper bound for Arial-like faces at these sizes."""
    return len(text) * font_px * 0.6


def label(x: float, y: float, text: str, *, size: float = 11, anchor: str = "start",
          fill: str = TEXT, weight: str | None = None, role: str | None = None) -> str:
    return element("text", {"x": float(x), "y": float(y), "font-size": size,
                            "text-anchor": anchor, "fill": fill, "font-weight": weight,
                            "data-role": role}, text=text)


def circle_marker(x: float, y: float, *, hollow: bool, colour: str = BLUE, r: float = 3.5) -> str:
    return element("circle", {"cx": float(x), "cy": float(y), "r": r,
                              "fill": WHITE if hollow else colour, "stroke": colour, "stroke-width": 1.5})


def diamond_path(x: float, y: float, size: float = 5.0) -> str:
    return f"M{num(x)} {num(y - size)}L{num(x + size)} {num(y)}L{num(x)} {num(y + size)}L{num(x - size)} {num(y)}Z"


def diamond_marker(x: float, y: float, *, hollow: bool, colour: str = VERMILLION) -> str:
    return element("path", {"d": diamond_path(x, y), "fill": WHITE if hollow else colour,
                            "stroke": colour, "stroke-width": 1.5})


def hidden_marker(x: float, y: float) -> str:
    """The mark for a period whose value is withheld: a small grey double hatch on the axis."""
    d = f"M{num(x - 4)} {num(y)}L{num(x - 1)} {num(y - 7)}M{num(x + 1)} {num(y)}L{num(x + 4)} {num(y - 7)}"
    return element("path", {"d": d, "stroke": HIDDEN, "stroke-width": 1.5, "fill": "none"})


def polyline(points: list[tuple[float, float]], *, colour: str, width: float = 1.5,
             dash: str | None = None, role: str | None = None, name: str | None = None) -> str:
    d = "".join(("M" if i == 0 else "L") + f"{num(x)} {num(y)}" for i, (x, y) in enumerate(points))
    return element("path", {"d": d, "fill": "none", "stroke": colour, "stroke-width": width,
                            "stroke-dasharray": dash, "data-role": role},
                   tooltip(name) if name else "")


@dataclass(frozen=True)
class LegendItem:
    text: str
    swatch: str  # "point", "signal", "excluded", "hidden", or a line style: "solid", "dashed", "dotted"
    colour: str


_SWATCH_DASH = {"solid": None, "dashed": "6 4", "dotted": "2 3"}
_SWATCH_W = 22
_LEGEND_FONT = 11


def legend_rows(items: list[LegendItem], width: float) -> list[list[LegendItem]]:
    """Items flowed left to right, wrapping so no row runs past the chart's width."""
    rows: list[list[LegendItem]] = [[]]
    used = 0.0
    for item in items:
        need = _SWATCH_W + 6 + text_width(item.text, _LEGEND_FONT) + 14
        if rows[-1] and used + need > width:
            rows.append([])
            used = 0.0
        rows[-1].append(item)
        used += need
    return [row for row in rows if row]


def legend(items: list[LegendItem], x0: float, y0: float, width: float) -> tuple[str, float]:
    """The legend's markup and the height it took."""
    out: list[str] = []
    rows = legend_rows(items, width)
    for r, row in enumerate(rows):
        x, y = x0, y0 + r * 16 + 8
        for item in row:
            cx = x + _SWATCH_W / 2
            if item.swatch == "point":
                out.append(circle_marker(cx, y, hollow=False, colour=item.colour))
            elif item.swatch == "excluded":
                out.append(circle_marker(cx, y, hollow=True, colour=item.colour))
            elif item.swatch == "signal":
                out.append(diamond_marker(cx, y, hollow=False, colour=item.colour))
            elif item.swatch == "hidden":
                out.append(hidden_marker(cx, y + 4))
            else:
                out.append(polyline([(x, y), (x + _SWATCH_W, y)], colour=item.colour, width=2,
                                    dash=_SWATCH_DASH[item.swatch]))
            out.append(label(x + _SWATCH_W + 6, y + 4, item.text, size=_LEGEND_FONT))
            x += _SWATCH_W + 6 + text_width(item.text, _LEGEND_FONT) + 14
    body = element("g", {"data-role": "legend"}, *out) if out else ""
    return body, len(rows) * 16


def svg_frame(id_prefix: str, width: int, height: int, title: str, desc: str, body: list[str],
              *, show_title: bool = True) -> Markup:
    """The outer <svg>: named by its <title>, described by its <desc>, scalable to its container."""
    pid = safe_id(id_prefix)
    head = [element("title", {"id": f"{pid}-title"}, text=title),
            element("desc", {"id": f"{pid}-desc"}, text=desc),
            element("rect", {"x": 0, "y": 0, "width": width, "height": height, "fill": WHITE})]
    if show_title and title:
        head.append(label(8, 18, title, size=14, weight="bold", role="heading"))
    svg = element("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {width} {height}",
                          "width": "100%", "preserveAspectRatio": "xMidYMid meet", "role": "img",
                          "aria-labelledby": f"{pid}-title {pid}-desc", "id": pid,
                          "font-family": FONT}, *head, *body)
    return Markup(svg)


def contrast_ratio(foreground: str, background: str = WHITE) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
