"""A chart's SVG as a PNG, for email and slides (mail clients do not show inline SVG reliably).

CairoSVG draws it on the server with the system's fonts. It runs in its safe mode: no external
files or URLs are fetched and XML entities are not expanded (our charts need neither)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import cairosvg

MAX_PIXELS = 4000  # a bound on either side, whatever scale a caller asks for


def svg_size(svg: str) -> tuple[float, float]:
    """The drawing's own size, from its viewBox (our charts' width is '100%' of whatever holds them)."""
    view_box = ET.fromstring(svg).get("viewBox")
    if not view_box:
        raise ValueError("the SVG has no viewBox")
    _x, _y, width, height = (float(part) for part in view_box.replace(",", " ").split())
    return width, height


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart at `scale` times its viewBox size (2 for sharp text on high-density
    screens), on white."""
    text = str(svg)
    width, height = svg_size(text)
    out_w, out_h = round(width * scale), round(height * scale)
    if not (0 < out_w <= MAX_PIXELS and 0 < out_h <= MAX_PIXELS):
        raise ValueError(f"a {out_w}x{out_h} image is out of bounds")
    png = cairosvg.svg2png(bytestring=text.encode("utf-8"), parent_width=width, parent_height=height,
                           output_width=out_w, output_height=out_h, background_color="#FFFFFF", unsafe=False)
    assert isinstance(png, bytes)
    return png
