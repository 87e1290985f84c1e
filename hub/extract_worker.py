"""Reads a PDF or Word document from stdin in a separate, resource-limited process (see
hub.extract): parsing untrusted documents can take minutes of CPU or gigabytes of memory
for a file of a few kilobytes, and that must never happen inside a request.

Prints "VALID" as soon as the document has been opened and checked, then its text as JSON.
A parent that sees VALID but no text (the limits stopped us) keeps the file without text.
Standalone on purpose: it imports nothing of the app.
"""
import io
import json
import sys
import time

MAX_CHARS = 200_000
MAX_PAGES = 200
TEXT_SECONDS = 5.0  # stop reading more pages after this long; the CPU limit stops one page that runs away


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    pages = list(reader.pages)[:MAX_PAGES]
    print("VALID", flush=True)
    began, parts, total = time.monotonic(), [], 0
    for page in pages:
        if time.monotonic() - began > TEXT_SECONDS or total >= MAX_CHARS:
            break
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
    return "\n".join(parts)


def _docx(data: bytes) -> str:
    import docx
    document = docx.Document(io.BytesIO(data))
    print("VALID", flush=True)
    parts, total = [], 0
    for paragraph in document.paragraphs:
        parts.append(paragraph.text)
        total += len(paragraph.text)
        if total >= MAX_CHARS:
            break
    return "\n".join(parts)


def main() -> None:
    import resource
    cpu, memory = int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    data = sys.stdin.buffer.read()
    try:
        text = {"pdf": _pdf, "docx": _docx}[sys.argv[1]](data)
    except Exception:  # an unreadable document: no VALID line means refused
        sys.exit(2)
    print(json.dumps({"text": text.replace("\x00", "")[:MAX_CHARS]}), flush=True)


if __name__ == "__main__":
    main()
