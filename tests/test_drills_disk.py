"""Fault drill: the disk fills while someone uploads. The library's files folder is a real 1 MiB
file system (tmpfs, mounted for the test); a file bigger than its free space is uploaded through
the real routes: the new-resource form, the resource page's file form (replacing a file), and
their API twins. The person is told plainly what happened and what to do; the form keeps what was
typed; the resource keeps its file and version; no partial file is left in the folder; and once
the failed uploads are gone, a file that fits is stored as usual."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub.extensions import db
from hub.library import uploads as library_files
from hub.library.models import Resource, ResourceFile
from tests.conftest import services_required
from tests.helpers import csrf_token, signed_in
from tests.helpers.library import Upload, form_post, make_resource

pytestmark = pytest.mark.services

FULL_MESSAGE = "There is no room left to store this file"


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs; a failure under CI=true when this machine will not mount one."""
    folder = tmp_path / "files"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True,
                             text=True)
    if mounted.returncode != 0:
        message = f"cannot mount a small tmpfs here: {mounted.stderr.strip()}"
        if services_required():
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _big_text(size: int = 1_600_000) -> bytes:
    line = b"period,stratum,numerator,denominator\n"
    return line * (size // len(line))


def _files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_an_upload_bigger_than_the_free_space_is_refused_cleanly(app, world, small_disk):
    app.config["UPLOAD_DIR"] = str(small_disk)
    with app.test_request_context():
        tool = make_resource(world.facilitator, world.commons, "Kept tool", action="publish")
        from hub.library import services
        kept = services.add_file(world.facilitator, tool, Upload(b"numerator,denominator\n41,120\n", "kept.csv"))
    kept_id, tool_id, kept_bytes = kept.id, tool.id, library_files.path_for(kept.id).read_bytes()
    before = _files_in(small_disk)
    big = _big_text()
    client = signed_in(app, world.facilitator)

    # The new-resource form: refused, with what was typed kept and what to do said.
    page = form_post(client, f"/spaces/{world.commons.slug}/library/new",
                     {"title": "Run chart starter", "summary": "Typed before the disk filled", "kind": "tool",
                      "action": "publish"}, files={"file": (big, "data.csv")})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and FULL_MESSAGE in text
    assert 'value="Run chart starter"' in text and "Typed before the disk filled" in text, "the form keeps its words"
    assert db.session.scalar(select(func.count()).select_from(Resource).where(Resource.title == "Run chart starter")) == 0

    # The resource page's file form, replacing the kept file: refused; the old file stays current.
    page = form_post(client, f"/resources/{tool_id}/files", {"replaces_id": str(kept_id)},
                     files={"file": (big, "newer.csv")})
    assert page.status_code == 422 and FULL_MESSAGE in page.get_data(as_text=True)

    # The API twins: 507, in the usual error shape.
    token = csrf_token(client, "/")
    answer = client.post(f"/api/v1/resources/{tool_id}/files", headers={"X-CSRFToken": token},
                         data={"file": (io.BytesIO(big), "newer.csv"), "replaces_id": str(kept_id)},
                         content_type="multipart/form-data")
    assert answer.status_code == 507, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["code"] == "insufficient_storage" and FULL_MESSAGE in error["message"] \
        and FULL_MESSAGE in error["fields"]["file"]
    answer = client.post(f"/api/v1/spaces/{world.commons.id}/resources", headers={"X-CSRFToken": token},
                         data={"title": "API starter", "summary": "s", "kind": "tool", "action": "publish",
                               "file": (io.BytesIO(big), "data.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 507 and answer.get_json()["error"]["fields"]["file"]
    assert db.session.scalar(select(func.count()).select_from(Resource).where(Resource.title == "API starter")) == 0

    # Unchanged: the one file, current, byte for byte; the folder holds nothing else.
    db.session.expire_all()
    rows = db.session.scalars(select(ResourceFile).where(ResourceFile.resource_id == tool_id)).all()
    assert [(r.id, r.superseded_at) for r in rows] == [(kept_id, None)]
    assert library_files.path_for(kept_id).read_bytes() == kept_bytes
    assert _files_in(small_disk) == before, "no partial file left behind"

    # Nothing of the failed uploads holds the space: a file that fits goes in as usual.
    fits = client.post(f"/api/v1/resources/{tool_id}/files", headers={"X-CSRFToken": token},
                       data={"file": (io.BytesIO(b"a,b\n1,2\n" * 1000), "small.csv")},
                       content_type="multipart/form-data")
    assert fits.status_code == 201, fits.get_data(as_text=True)
    print(f"\ndisk drill: 4 uploads of {len(big):,} bytes into a 1 MiB tmpfs refused (2 forms: 422, 2 API: 507); "
          f"resource unchanged; folder before {before} == after; a small file then stored")
