"""Uploads: the type comes from the content, names are sanitised, sizes and quotas hold, and
every file is served so that a browser cannot run it in the site's origin. The 16 hostile
files in ../shared/testdata/xss/upload-files/ were written by nobody on this project."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub import uploads
from hub.library import uploads as library_files
from hub.library.demo_pdf import make_pdf
from hub.library.models import ResourceFile
from tests.helpers import csrf_token
from tests.helpers import signed_in
from tests.helpers.library import HOSTILE, HOSTILE_FILES, make_resource, needs_corpus

def _png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _docx(text: str) -> bytes:
    import docx
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(names) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.fixture
def tool(app, world):
    with app.test_request_context():
        return make_resource(world.facilitator, world.commons, "Upload target")


def _upload(client, resource_id: int, data: bytes, filename: str):
    return client.post(f"/api/v1/resources/{resource_id}/files", headers={"X-CSRFToken": csrf_token(client, "/")},
                       data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _assert_served_harmlessly(response, is_image: bool):
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["Cache-Control"] == "no-store"
    disposition = headers["Content-Disposition"]
    if is_image:
        assert disposition.startswith("inline;") and headers["Content-Type"] in (
            "image/png", "image/jpeg", "image/gif", "image/webp")
    else:
        assert disposition.startswith("attachment;")
    assert "html" not in headers["Content-Type"] and "svg" not in headers["Content-Type"]
    assert "xml" not in headers["Content-Type"] or "openxmlformats" in headers["Content-Type"]


def test_the_test_data_is_there():
    needs_corpus()
    assert len(HOSTILE_FILES) == 16, HOSTILE


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_every_hostile_file_is_refused_or_served_harmlessly(app, world, tool, name):
    fay = signed_in(app, world.facilitator)
    response = _upload(fay, tool.id, (HOSTILE / name).read_bytes(), name)
    if response.status_code == 422:
        assert "file" in response.get_json()["error"]["fields"]
        return
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = response.get_json()
    assert stored["type"] in ("png", "jpeg", "gif", "webp") and stored["is_image"]  # only genuine images pass
    for url in (f"/library/files/{stored['id']}", f"/api/v1/files/{stored['id']}"):
        served = fay.get(url)
        assert served.status_code == 200 and served.data == (HOSTILE / name).read_bytes()
        _assert_served_harmlessly(served, is_image=True)


def test_markup_and_script_carriers_are_refused_whatever_they_are_called(app, world, tool):
    needs_corpus()
    fay = signed_in(app, world.facilitator)
    cases = {
        "notes.txt": b"<html><script>alert(1)</script></html>",
        "data.csv": b"  <svg onload=alert(1)>",
        "report.pdf": b"<!DOCTYPE html><p>not a pdf",
        "photo.png": b"GIF89a<script>alert(1)</script>",  # a polyglot header that does not decode
        "image.gif": b"GIF89a/*" + b"\x00" * 20 + b"*/=alert(1)//",
        "archive.docx": _zip(["evil.html"]),  # a zip, not an Office document
        "page.svg": (HOSTILE / "SVG_XSS1.svg").read_bytes(),
        "logo.png": (HOSTILE / "SVG_XSS2.svg").read_bytes(),  # SVG in disguise
        "report.txt": (HOSTILE / "xss.xhtml").read_bytes(),  # XHTML in disguise
        "sheet.csv": b"\xef\xbb\xbf<?xml version='1.0'?><x:script xmlns:x='http://www.w3.org/1999/xhtml'/>",
        "binary.txt": b"MZ\x90\x00\x03\x00\x00\x00",
        "control.txt": b"hello\x1b[31m world",
        "empty.txt": b"",
    }
    for filename, data in cases.items():
        response = _upload(fay, tool.id, data, filename)
        assert response.status_code == 422, (filename, response.status_code)
    assert db.session.scalar(select(ResourceFile.id)) is None


def test_types_are_decided_by_content_and_names_follow_the_content(app, world, tool):
    fay = signed_in(app, world.facilitator)
    cases = [
        (_png(), "cv.html", "png", "cv.png", True),
        (make_pdf("Real PDF", ["Extract me"]), "guide", "pdf", "guide.pdf", False),
        (_docx("Teach-back en español"), "script.doc", "docx", "script.docx", False),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "sheet.xlsx", "xlsx", "sheet.xlsx", False),
        (_zip(["[Content_Types].xml", "ppt/presentation.xml"]), "deck.pptx", "pptx", "deck.pptx", False),
        ("clinic,rate\nA,0.4\n".encode(), "rates.csv", "csv", "rates.csv", False),
        ("Plain notes, ünïcode ok\n".encode(), "../../etc/passwd", "text", "passwd.txt", False),
        (b"a < b and c > d\n", "math.txt", "text", "math.txt", False),
    ]
    for data, filename, label, shown, is_image in cases:
        response = _upload(fay, tool.id, data, filename)
        assert response.status_code == 201, (filename, response.get_data(as_text=True))
        stored = response.get_json()
        assert (stored["type"], stored["filename"], stored["is_image"]) == (label, shown, is_image), filename
        served = fay.get(stored["url"])
        assert served.data == data
        _assert_served_harmlessly(served, is_image)
    texts = {}
    for label, text in db.session.execute(select(ResourceFile.type_label, ResourceFile.extracted_text)):
        texts[label] = texts.get(label, "") + text
    assert "Extract me" in texts["pdf"] and "Teach-back en español" in texts["docx"] and "ünïcode" in texts["text"]


def test_a_pdf_html_polyglot_is_only_ever_a_download(app, world, tool):
    fay = signed_in(app, world.facilitator)
    polyglot = make_pdf("Looks fine", ["really"]) + b"\n<html><body><script>alert(document.domain)</script>"
    response = _upload(fay, tool.id, polyglot, "page.html")
    assert response.status_code == 201  # a valid PDF, whatever trails it: it downloads, never renders
    stored = response.get_json()
    assert (stored["type"], stored["filename"]) == ("pdf", "page.pdf")
    served = fay.get(stored["url"])
    assert served.headers["Content-Type"] == "application/pdf"
    _assert_served_harmlessly(served, is_image=False)


def test_files_live_outside_static_named_by_id(app, world, tool):
    fay = signed_in(app, world.facilitator)
    stored = _upload(fay, tool.id, b"kept by id\n", "report final.txt").get_json()
    path = library_files.path_for(stored["id"])
    assert path.read_bytes() == b"kept by id\n" and path.name == f"{stored['id']:08d}"
    assert Path(app.static_folder).resolve() not in path.resolve().parents


def test_unicode_and_hostile_names_are_sanitised_in_headers(app, world, tool):
    fay = signed_in(app, world.facilitator)
    stored = _upload(fay, tool.id, b"hola\n", "Guía <b>rápida<b>;x.txt").get_json()
    assert stored["filename"] == "Guía _b_rápida_b__x.txt"
    disposition = fay.get(stored["url"]).headers["Content-Disposition"]
    assert "<" not in disposition and ";x" not in disposition
    assert disposition.startswith('attachment; filename="Guia _b_rapida_b__x.txt"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("UTF-8''", 1)[1]) == "Guía _b_rápida_b__x.txt"


def test_a_masquerading_name_is_stored_and_served_as_what_it_shows(app, world, tool):
    fay = signed_in(app, world.facilitator)
    stored = _upload(fay, tool.id, make_pdf("Invoice", ["Pay"]), "invoice\u202efdp.exe").get_json()
    assert (stored["type"], stored["filename"]) == ("pdf", "invoicefdp.pdf")
    disposition = fay.get(stored["url"]).headers["Content-Disposition"]
    assert "%E2%80%AE" not in disposition.upper()  # the override is gone from the download's name too
    assert unquote(disposition.split("UTF-8''", 1)[1]) == "invoicefdp.pdf"
    page = fay.get(f"/resources/{tool.id}").get_data(as_text=True)
    assert "invoicefdp.pdf" in page and "\u202e" not in page


def test_the_csv_check_reads_the_cleaned_name(app, world, tool):
    fay = signed_in(app, world.facilitator)
    for name in ("rates.csv\u200b", "\uff52\uff41\uff54\uff45\uff53\uff0e\uff43\uff53\uff56", "rates\u2060.csv"):
        stored = _upload(fay, tool.id, b"clinic,rate\nA,0.4\n", name).get_json()
        assert (stored["type"], stored["filename"]) == ("csv", "rates.csv"), ascii(name)
    assert uploads.detect(b"a,b\n", "x.\uff43\uff53\uff56").label == "csv"
    assert uploads.detect(b"a,b\n", "x.c\u200bsv").label == "csv"


# A wrong extension is dropped for the one the content really has.
@pytest.mark.parametrize("original, label, shown", [
    ('Guía "rápida"\r\n<script>.txt', "text", "Guía _rápida__script_.txt"),
    ("..\\..\\windows\\evil.exe", "pdf", "evil.pdf"),
    ("/etc/cron.d/job.sh", "text", "job.txt"),
    ("....", "png", "file.png"),
    ("a\u202egnp.exe", "jpeg", "agnp.jpg"),  # no right-to-left override tricks
    ("invoice\u202efdp.exe", "pdf", "invoicefdp.pdf"),
    ("in\u2067voice\u2069\u200e.exe", "pdf", "invoice.pdf"),  # bidi isolates and marks
    ("re\u200bport\ufeff\u2060\u00ad.pdf", "pdf", "report.pdf"),  # zero-width and other format characters
    ("\u3164\u115f\u034fhidden\ufe0f.png", "png", "hidden.png"),  # fillers and joiners that draw nothing
    ("\uff52\uff45\uff50\uff4f\uff52\uff54\uff0e\uff43\uff53\uff56", "csv", "report.csv"),  # full-width
    ("two\u2028lines\u2029here\u00a0\u3000now.txt", "text", "two lines here now.txt"),  # separators: one space
    ("\uff0e\uff0e\uff0fsecret\uff3cplan.txt", "text", "plan.txt"),  # full-width path parts
    ("cafe\u0301 menu.txt", "text", "caf\u00e9 menu.txt"),  # composed, one way only
    ("photo.JPEG", "jpeg", "photo.jpeg"),
    ("x" * 300 + ".csv", "csv", "x" * 100 + ".csv"),
])
def test_safe_filenames(original, label, shown):
    assert uploads.safe_filename(original, label) == shown


def test_size_limit_and_space_quota(app, world, tool):
    app.config.update(LIBRARY_MAX_FILE_MB=1, LIBRARY_SPACE_QUOTA_MB=2)
    fay = signed_in(app, world.facilitator)
    too_big = _upload(fay, tool.id, b"a" * (1024 * 1024 + 1), "big.txt")
    assert too_big.status_code == 422 and "larger than 1 MB" in too_big.get_json()["error"]["fields"]["file"]
    assert _upload(fay, tool.id, b"b" * (1024 * 1024 - 10), "one.txt").status_code == 201
    assert _upload(fay, tool.id, b"c" * (1024 * 1024 - 10), "two.txt").status_code == 201
    full = _upload(fay, tool.id, b"d" * 100, "three.txt")
    assert full.status_code == 422 and "full" in full.get_json()["error"]["fields"]["file"]
    # The quota is the space's: another space still has room.
    with app.test_request_context():
        elsewhere = make_resource(world.facilitator, world.cohort.space, "Elsewhere")
    assert _upload(fay, elsewhere.id, b"e" * 100, "ok.txt").status_code == 201


def test_only_people_who_may_edit_upload(app, world, tool):
    pat = signed_in(app, world.participant)
    assert _upload(pat, tool.id, b"hello\n", "hi.txt").status_code == 403
    assert db.session.scalar(select(ResourceFile.id)) is None


def _compound_file(streams: list[tuple[str, int]]) -> bytes:
    """A minimal OLE2 compound file (the container of .doc/.xls/.ppt): a root storage holding the
    named entries (type 2 stream, 1 storage), each stream 4096 bytes in ordinary sectors."""
    import struct
    end, free, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    stream_sectors = 8 * sum(1 for _, kind in streams if kind == 2)
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = [0xFFFFFFFD, end] + [free] * 126
    entries, data, sector = [], b"", 2
    for i, (name, kind) in enumerate(streams):
        start, size = (sector, 4096) if kind == 2 else (end, 0)
        if kind == 2:
            for s in range(sector, sector + 8):
                fat[s] = s + 1 if s < sector + 7 else end
            sector += 8
            data += bytes([65 + i]) * 4096
        entries.append((name, kind, i + 2 if i + 1 < len(streams) else none, none, start, size))

    def entry(name, kind, left, child, start, size):
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBBIII", raw, 0x40, len(encoded), kind, 1, left, none, child)
        struct.pack_into("<II", raw, 0x74, start, size)
        return bytes(raw)
    directory = entry("Root Entry", 5, none, 1, end, 0) + b"".join(entry(*e) for e in entries)
    directory += entry("", 0, none, none, end, 0) * (4 - 1 - len(entries))
    assert stream_sectors == len(data) // 512
    return bytes(header) + struct.pack("<128I", *fat) + directory + data


@pytest.mark.parametrize("streams, label", [
    ([("WordDocument", 2)], "doc"), ([("Workbook", 2)], "xls"), ([("PowerPoint Document", 2)], "ppt"),
])
def test_legacy_office_documents_are_told_apart_by_their_main_stream(app, world, tool, streams, label):
    fay = signed_in(app, world.facilitator)
    response = _upload(fay, tool.id, _compound_file(streams), "old file.bin")
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = response.get_json()
    assert (stored["type"], stored["filename"]) == (label, f"old file.{label}")
    _assert_served_harmlessly(fay.get(stored["url"]), is_image=False)


def test_macros_and_unknown_compound_files_are_refused(app, world, tool):
    fay = signed_in(app, world.facilitator)
    assert _upload(fay, tool.id, _compound_file([("WordDocument", 2), ("Macros", 1)]), "m.doc").status_code == 422
    assert _upload(fay, tool.id, _compound_file([("Something", 2)]), "x.doc").status_code == 422
    macro_docx = _zip(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"])
    assert _upload(fay, tool.id, macro_docx, "report.docm").status_code == 422


def test_removing_keeps_history_and_erasing_an_earlier_file_frees_the_quota(app, world, tool):
    app.config.update(LIBRARY_MAX_FILE_MB=1, LIBRARY_SPACE_QUOTA_MB=1)
    fay = signed_in(app, world.facilitator)
    first = _upload(fay, tool.id, b"a" * (700 * 1024), "first.txt").get_json()
    assert _upload(fay, tool.id, b"b" * (700 * 1024), "second.txt").status_code == 422  # the space is full
    pat = signed_in(app, world.participant)
    assert api_write_delete(pat, f"/api/v1/files/{first['id']}").status_code == 403  # may see, may not edit
    erase_now = api_write_delete(fay, f"/api/v1/files/{first['id']}?erase=1")
    assert erase_now.status_code == 422  # a current file is removed first, never erased at once
    assert api_write_delete(fay, f"/api/v1/files/{first['id']}").status_code == 204
    page = pat.get(f"/resources/{tool.id}").get_data(as_text=True)
    assert "first.txt" not in page and "first.txt" in pat.get(f"/resources/{tool.id}/history").get_data(as_text=True)
    assert pat.get(first["url"]).status_code == 200  # still downloadable as an earlier file
    assert _upload(fay, tool.id, b"b" * (700 * 1024), "second.txt").status_code == 422  # still counted
    assert api_write_delete(fay, f"/api/v1/files/{first['id']}?erase=1").status_code == 204
    assert pat.get(first["url"]).status_code == 404 and not library_files.path_for(first["id"]).exists()
    assert _upload(fay, tool.id, b"b" * (700 * 1024), "second.txt").status_code == 201


def api_write_delete(client, url):
    return client.delete(url, headers={"X-CSRFToken": csrf_token(client, "/")})
