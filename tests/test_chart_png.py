"""Charts as PNG for email and slides (CairoSVG, from requirements.lock)."""
from __future__ import annotations

import io

import pytest
from flask import Flask
from flask_babel import Babel

from hub.projects.chart_png import svg_to_png
from hub.projects.chart_svg import ChartSeries, render


@pytest.fixture(autouse=True)
def request_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def chart() -> str:
    labels = [f"M{i}" for i in range(12)]
    values = [0.3 + 0.02 * i for i in range(12)]
    return str(render(ChartSeries(labels, values, signal=[i > 8 for i in range(12)], percent=True,
                                  title="Screening", goal=0.6)))


def test_a_chart_becomes_a_png_of_its_viewbox_times_the_scale():
    png = svg_to_png(chart(), scale=2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1440, 600)
    colours = {colour for _count, colour in image.getcolors(1 << 22)}
    assert (255, 255, 255) in colours  # a white ground, not transparency
    assert any(abs(r - 0x00) < 20 and abs(g - 0x72) < 20 and abs(b - 0xB2) < 20 for r, g, b in colours)  # the blue
    assert any(abs(r - 0xD5) < 20 and abs(g - 0x5E) < 20 and b < 30 for r, g, b in colours)  # signal vermillion


def test_an_absurd_size_is_refused():
    with pytest.raises(ValueError):
        svg_to_png(chart(), scale=100)
    with pytest.raises(ValueError):
        svg_to_png('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
