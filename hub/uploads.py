"""Uploads done safely, for every domain that takes them (library files, post and chat attachments,
profile pictures): the type is decided by parsing the content against an allow-list (never by the
name or the browser's claim), names are sanitised, files live under UPLOAD_DIR in one folder per
area, named by id, and every response carries headers that keep a browser from running anything
in our origin."""
from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app
from flask_babel import gettext as _

from hub.validation import ValidationError

MAX_EXTRACTED_CHARS = 200_000
MAX_IMAGE_PIXELS = 40_000_000
MAX_ZIP_ENTRIES, MAX_ZIP_UNPACKED = 5_000, 60 * 1024 * 1024  # an Office file bigger unpacked is a zip bomb
MAX_MAIN_PART = 10 * 1024 * 1024  # the document part itself (word/document.xml ...), unpacked

OFFICE = {  # the part that proves which Office Open XML document a zip is
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
LEGACY_OFFICE = [  # the stream that proves which legacy (OLE2) Office document a file is
    ("doc", ("WordDocument",), "application/msword"),
    ("xls", ("Workbook", "Book"), "application/vnd.ms-excel"),
    ("ppt", ("PowerPoint Document",), "application/vnd.ms-powerpoint"),
]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGES = {"PNG": ("png", "image/png"), "JPEG": ("jpeg", "image/jpeg"), "GIF": ("gif", "image/gif"),
          "WEBP": ("webp", "image/webp")}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "pptx": ".pptx", "doc": ".doc", "xls": ".xls",
              "ppt": ".ppt", "csv": ".csv", "text": ".txt",
              "png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp"}
ALSO_ACCEPTED = {"jpeg": {".jpeg", ".jpg"}, "text": {".txt", ".text", ".md"}}
# Text a browser could take for markup is refused even though it would only ever download.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|xml|meta|a\s|img\s)",
                     re.I)


@dataclass
class Detected:
    label: str
    content_type: str
    is_image: bool
    text: str = ""


def detect(data: bytes, filename: str) -> Detected:
    """What the bytes really are, or ValidationError when they are nothing we accept. The name
    only tells CSV from plain text, and is read cleaned (clean_name), as it will be shown."""
    filename = clean_name(filename)
    refuse = ValidationError({"file": _("That file type is not accepted. Upload a PDF, Word, Excel or PowerPoint "
                                        "document, a CSV or plain-text file, or a PNG, JPEG, GIF or WebP image.")})
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    for check in (_pdf, _image, _office, _legacy_office, _text):
        found = check(data, filename)
        if found is not None:
            return found
    raise refuse


def _pdf(data: bytes, _name: str) -> Detected | None:
    if not data.startswith(b"%PDF-"):
        return None
    from hub.extract import read_document
    valid, text = read_document("pdf", data)  # in a limited child process: a crafted PDF can take minutes
    if not valid:  # a broken PDF is refused, whatever raised
        raise ValidationError({"file": _("That PDF could not be read. Save it again and upload it once more.")})
    return Detected("pdf", "application/pdf", False, _clip(text))


def _image(data: bytes, _name: str) -> Detected | None:
    from PIL import Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                if fmt not in IMAGES or probe.width * probe.height > MAX_IMAGE_PIXELS:
                    return None
                probe.verify()
            with Image.open(io.BytesIO(data)) as full:
                full.load()  # decoded for real: a file that only starts like an image fails here
    except Exception:
        return None
    label, content_type = IMAGES[fmt]
    return Detected(label, content_type, True)


def _office(data: bytes, _name: str) -> Detected | None:
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_ZIP_UNPACKED:
                return None
            names = {e.filename for e in entries}
            # Macro-enabled documents (.docm and friends) carry a VBA project: refused.
            if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
                return None
            for label, (part, content_type) in OFFICE.items():
                if part in names and archive.getinfo(part).file_size > MAX_MAIN_PART:
                    return None
                if part in names:
                    return Detected(label, content_type, False, _docx_text(data) if label == "docx" else "")
    except zipfile.BadZipFile:
        return None
    return None


def _legacy_office(data: bytes, _name: str) -> Detected | None:
    """Word 97-2003, Excel 97-2003 and PowerPoint 97-2003, told apart by their main stream; any
    with macros are refused."""
    if not data.startswith(OLE_MAGIC):
        return None
    import olefile
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path).lower() for path in ole.listdir(streams=True, storages=True)}
            if any("vba" in s or s.startswith("macros") for s in streams):
                return None
            for label, names, content_type in LEGACY_OFFICE:
                if any(name.lower() in streams for name in names):
                    return Detected(label, content_type, False)
    except Exception:  # not a readable compound file
        return None
    return None


def _docx_text(data: bytes) -> str:
    from hub.extract import read_document
    valid, text = read_document("docx", data)  # in a limited child process, like PDFs
    if not valid:
        raise ValidationError({"file": _("That Word document could not be read. Save it again and upload it once more.")})
    return _clip(text)


def _text(data: bytes, filename: str) -> Detected | None:
    raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ch in text for ch in "\x00\x1b") or _MARKUP.search(raw[:65536]) or raw.lstrip()[:1] == b"<":
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f" for ch in text[:65536]):
        return None
    if filename.lower().endswith(".csv"):
        return Detected("csv", "text/csv; charset=utf-8", False, _clip(text))
    return Detected("text", "text/plain; charset=utf-8", False, _clip(text))


def _clip(text: str) -> str:
    return text.replace("\x00", "")[:MAX_EXTRACTED_CHARS]


# Code points that draw nothing but are not in Unicode's category C (Python's unicodedata does not
# expose Default_Ignorable_Code_Point): the combining grapheme joiner, Hangul and Khmer fillers,
# Mongolian and other variation selectors.
_INVISIBLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
                        "\U000e0100-\U000e01ef]")


def clean_name(original: str) -> str:
    r"""An uploaded name as a person will read it. NFKC turns full-width and other compatibility
    forms into plain letters ("ｒｅｐｏｒｔ．ｃｓｖ" is "report.csv"); controls, bidi overrides and
    isolates, zero-width and other format characters (Unicode category C) and the invisible code
    points above are dropped; any space, line or paragraph separator becomes one plain space; only
    the last path part is kept. So "invoice\u202efdp.exe" is "invoicefdp.exe", never a name that
    shows as "invoiceexe.pdf", and what the extension looks like is what it is."""
    name = unicodedata.normalize("NFKC", str(original or ""))
    name = "".join(" " if unicodedata.category(ch)[0] == "Z" else ch for ch in name
                   if unicodedata.category(ch)[0] != "C" and not _INVISIBLE.match(ch))
    name = unicodedata.normalize("NFKC", name)  # what a dropped character kept apart may combine now
    name = re.split(r"[\\/]", name)[-1]
    return re.sub(r" {2,}", " ", name).strip()


def safe_filename(original: str, label: str) -> str:
    """A display name (clean_name) without shell and HTML specials, ending in the extension of
    the type the content really is ("cv.html" that is a PNG becomes "cv.png")."""
    name = clean_name(original)
    name = re.sub(r'[<>:"|?*;&%$`\'{}\[\]=+]', "_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    wanted = EXTENSIONS[label]
    if "." + ext.lower() in ALSO_ACCEPTED.get(label, set()) | {wanted}:
        wanted = "." + ext.lower()
    stem = stem.strip(" .")[:100] or "file"
    return stem + wanted


def read_limited(stream, limit: int) -> bytes:
    """Read at most `limit` bytes; more is refused without reading it all into memory."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": _("The file is larger than %(n)d MB.", n=limit // (1024 * 1024))})
    return data


def path_for(area: str, file_id: int | str) -> Path:
    """Where an area's file (its row's id, or a name the area makes) is kept: never a name from outside."""
    name = f"{file_id:08d}" if isinstance(file_id, int) else file_id
    return Path(current_app.config["UPLOAD_DIR"]) / area / name


class StorageFull(ValidationError):
    """The files folder has no room (ENOSPC) or the account's disk quota is spent (EDQUOT):
    nothing was kept, and the person is told so (the API answers 507)."""
    status, code = 507, "insufficient_storage"

    def __init__(self):
        super().__init__({"file": _("There is no room left to store this file, so nothing was saved. Try a "
                                    "smaller file, or ask an administrator to free space and upload it again.")})


FULL = {errno.ENOSPC, errno.EDQUOT}


def store(area: str, file_id: int | str, data: bytes) -> None:
    """Write the bytes under a temporary name in the same folder, fsync, then rename onto the
    file's own name: a reader (or a crash) never sees half a file. On any error the temporary
    file goes; a full disk is StorageFull."""
    target = path_for(area, file_id)
    partial = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        partial = Path(name)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        partial = None
        _fsync_folder(target.parent)
    except OSError as err:
        if partial is not None:
            partial.unlink(missing_ok=True)
        if err.errno in FULL:
            current_app.logger.error("No room to store %s: %s", target, err)
            raise StorageFull() from err
        raise


def _fsync_folder(folder: Path) -> None:
    """The rename itself made durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_disposition(kind: str, filename: str) -> str:
    """RFC 6266: an ASCII fallback and the exact name as filename* (RFC 5987 encoding)."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode() or "file"
    fallback = re.sub(r'[^A-Za-z0-9._ -]', "_", fallback)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(data: bytes, content_type: str, filename: str, is_image: bool,
                  cache: str = "no-store") -> Response:
    """The bytes, with the headers that make them harmless in our origin whatever they contain:
    only a raster image we accepted is shown inline. Access is decided at each download, never
    by a cache (`no-store`), unless the caller says otherwise for bytes everyone signed in may see."""
    response = Response(data, status=200, mimetype=None, content_type=content_type)
    kind = "inline" if is_image else "attachment"
    headers = response.headers
    headers["Content-Disposition"] = content_disposition(kind, filename)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Cache-Control"] = cache
    return response
