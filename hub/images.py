"""Pictures people upload (profile pictures, images in posts and chat), re-encoded before they are
kept: turned upright by their EXIF orientation, resized, and written afresh by Pillow with nothing
of the original's metadata (no EXIF with its GPS position and camera serial, no comments, no
colour profile, no text chunks). Only what hub.uploads.detect accepted as an image comes here;
what is kept and served is always our own encoding, never the uploaded bytes.

An animated GIF or WebP keeps its first frame."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _

from hub.validation import ValidationError

MAX_SIDE = 1600  # an image in a post or a message: enough for a screenshot, a fraction of a photo's bytes
AVATAR_SIDE = 256  # a profile picture, shown from 24 to 96 pixels (twice that on dense screens)
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Picture:
    data: bytes
    content_type: str
    label: str  # as hub.uploads names types: "png" or "jpeg"
    width: int
    height: int


def _opened(data: bytes):
    """The image decoded and upright, with none of the original's metadata left on it."""
    from PIL import Image, ImageOps
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                source.seek(0)
                upright = ImageOps.exif_transpose(source)  # a copy, already loaded
    except Exception:
        raise ValidationError({"file": _("That image could not be read. Save it again and upload it once more.")})
    if upright.mode in ("P", "L", "RGB") and "transparency" in upright.info:
        upright = upright.convert("RGBA")  # a transparent colour is told in the metadata cleared next
    upright.info = {}  # nothing carried into the new file (Pillow writes only what it is given, but be sure)
    return upright


def _has_alpha(image) -> bool:
    return image.mode in ("RGBA", "LA", "PA")


def _encoded(image, keep_alpha: bool) -> Picture:
    out = io.BytesIO()
    if keep_alpha:
        image = image.convert("RGBA")
        image.info = {}
        image.save(out, "PNG", optimize=True)
        return Picture(out.getvalue(), "image/png", "png", image.width, image.height)
    image = image.convert("RGB")
    image.info = {}
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Picture(out.getvalue(), "image/jpeg", "jpeg", image.width, image.height)


def reencoded(data: bytes, max_side: int = MAX_SIDE) -> Picture:
    """An image for a post or a message: no side longer than `max_side`. Transparency keeps it a
    PNG (screenshots, diagrams); everything else becomes a JPEG."""
    from PIL import Image
    image = _opened(data)
    alpha = _has_alpha(image)
    image = image.convert("RGBA" if alpha else "RGB")  # before resizing: a palette resizes badly
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _encoded(image, alpha)


def avatar(data: bytes, side: int = AVATAR_SIDE) -> Picture:
    """A profile picture: the largest centred square, resized to `side`, as a JPEG (a transparent
    background is made white, as it would look on the page)."""
    from PIL import Image, ImageOps
    image = _opened(data)
    if _has_alpha(image):
        image = image.convert("RGBA")  # (LA, PA)
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    square = ImageOps.fit(image.convert("RGB"), (side, side), Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    return _encoded(square, keep_alpha=False)
