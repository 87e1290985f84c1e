"""Opening untrusted PDF and Word files in a child process with CPU, memory and time limits
(hub/extract_worker.py), so a crafted file costs its uploader a refusal or a file
without search text, never the server minutes of CPU or gigabytes of memory."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)
WORKER = Path(__file__).with_name("extract_worker.py")
CPU_SECONDS, MEMORY_BYTES, WALL_SECONDS = 8, 768 * 1024 * 1024, 15


def read_document(kind: str, data: bytes) -> tuple[bool, str]:
    """(valid, text). valid is False when the document could not be opened at all."""
    try:
        # The child limits itself before reading (no preexec_fn: unsafe beside threads and greenlets).
        done = subprocess.run([sys.executable, "-I", str(WORKER), kind, str(CPU_SECONDS), str(MEMORY_BYTES)],
                              input=data, capture_output=True, timeout=WALL_SECONDS)
        out = done.stdout
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout or b""
    lines = out.decode("utf-8", "replace").splitlines()
    if not lines or lines[0] != "VALID":
        return False, ""
    if len(lines) < 2:
        log.warning("a %s upload was kept without its text: reading it hit the limits", kind)
        return True, ""
    try:
        return True, json.loads(lines[1])["text"]
    except (ValueError, KeyError):
        return True, ""
