"""Pictures for upload tests, made here with Pillow: photos that carry what a phone puts in them
(orientation, camera, GPS position, a comment), and what is left of them once hub re-encodes."""
from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

CANARIES = (b"CANARY-CAMERA-MAKE", b"CANARY-DESCRIPTION", b"CANARY-JPEG-COMMENT", b"CANARY-PNG-TEXT")


def halves(size=(200, 100), left=(200, 20, 20), right=(20, 20, 200)) -> Image.Image:
    """A picture whose left half is one colour and right half another."""
    image = Image.new("RGB", size, right)
    image.paste(Image.new("RGB", (size[0] // 2, size[1]), left), (0, 0))
    return image


def phone_jpeg(image: Image.Image | None = None, orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: EXIF with its orientation, camera make, a description and a GPS
    position, and a comment."""
    image = image or halves()
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "CANARY-CAMERA-MAKE"
    exif[0x010E] = "CANARY-DESCRIPTION"
    exif[0x8825] = {1: "N", 2: (44.0, 58.0, 12.0), 3: "W", 4: (93.0, 15.0, 30.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"CANARY-JPEG-COMMENT", quality=95)
    return out.getvalue()


def png_with_text(size=(40, 30), alpha: bool = False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", size, (10, 120, 60, 128) if alpha else (10, 120, 60))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "CANARY-PNG-TEXT")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_clean(data: bytes) -> None:
    """Nothing of the original's metadata is left: no EXIF, no comment, no text, no canary."""
    image = opened(data)
    assert len(image.getexif()) == 0
    assert not {"exif", "comment", "icc_profile", "Comment", "xmp"} & set(image.info), image.info
    for canary in CANARIES:
        assert canary not in data
