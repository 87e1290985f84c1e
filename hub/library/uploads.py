"""The library's files on disk and on the wire. What makes an upload safe (its type read from its
content, its name, its size, the headers it is served with) is hub.uploads, which post and chat
attachments and profile pictures share."""
from __future__ import annotations

from pathlib import Path

from flask import Response

from hub import uploads

AREA = "library"


def path_for(file_id: int) -> Path:
    return uploads.path_for(AREA, file_id)


def store(file_id: int, data: bytes) -> None:
    uploads.store(AREA, file_id, data)


def file_response(file) -> Response:
    return uploads.file_response(path_for(file.id).read_bytes(), file.content_type, file.filename, file.is_image)
