"""Library helpers shared by tests: a resource made through the real service, an upload-like
object, and the shared corpus of hostile upload files (../shared/testdata)."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from hub.library import services as library
from hub.library.models import Resource
from tests.helpers import csrf_token


def make_resource(author, space, title="A tool", action="submit", **fields) -> Resource:
    """A resource through the real service (needs a request context for notification links)."""
    data = {"title": title, "summary": f"Summary of {title}", "kind": "tool", "action": action, **fields}
    return library.create_resource(author, space, data)


class Upload:
    def __init__(self, data: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(data), filename


HOSTILE = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "xss" / "upload-files"
HOSTILE_FILES = sorted(p.name for p in HOSTILE.iterdir() if p.is_file()) if HOSTILE.is_dir() else []


def needs_corpus() -> None:
    """The hostile files live beside the project (../shared); CI always has them."""
    if not HOSTILE.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the shared hostile upload files are missing at {HOSTILE} (required in CI)")
        pytest.skip(f"the shared hostile upload files are not at {HOSTILE}; they are in CI")


def form_post(client, url, data, files=None):
    payload = dict(data, csrf_token=csrf_token(client, "/library"))
    for name, (content, filename) in (files or {}).items():
        payload[name] = (io.BytesIO(content), filename)
    return client.post(url, data=payload, content_type="multipart/form-data")
