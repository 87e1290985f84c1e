"""Crafted documents cost their uploader a refusal or a file without search text, never the
server minutes of CPU or gigabytes of memory: they are opened in a limited child process."""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from hub import extract, uploads
from hub.library.demo_pdf import make_pdf
from hub.validation import ValidationError


def _expensive_pdf(pages: int, stream_bytes: int) -> bytes:
    """Many pages sharing one large content stream: tiny to upload, slow to extract."""
    content = b"BT /F1 12 Tf 72 720 Td " + b"(x) Tj " * (stream_bytes // 7) + b"ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(f"{5 + i} 0 R".encode() for i in range(pages))
               + f"] /Count {pages} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>" for _ in range(pages)]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF".encode())
    return out.getvalue()


def test_a_pdf_that_would_take_minutes_to_read_is_kept_without_its_text(monkeypatch):
    monkeypatch.setattr(extract, "CPU_SECONDS", 1)
    monkeypatch.setattr(extract, "WALL_SECONDS", 4)
    began = time.monotonic()
    found = uploads.detect(_expensive_pdf(60, 600_000), "report.pdf")
    assert time.monotonic() - began < 6
    assert found.label == "pdf" and len(found.text) < uploads.MAX_EXTRACTED_CHARS


def test_an_ordinary_pdf_still_gives_its_text():
    assert "Ask the patient" in uploads.detect(make_pdf("Script", ["Ask the patient to explain"]), "s.pdf").text


def test_a_broken_pdf_is_refused():
    with pytest.raises(ValidationError):
        uploads.detect(b"%PDF-1.4\nnot really a pdf at all", "broken.pdf")


def test_a_word_document_that_unpacks_to_tens_of_megabytes_is_refused_before_it_is_parsed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "<w:p/>" * 5_000_000 + "</w:document>")
    data = buffer.getvalue()
    assert len(data) < 500_000
    began = time.monotonic()
    with pytest.raises(ValidationError):
        uploads.detect(data, "bomb.docx")
    assert time.monotonic() - began < 2
