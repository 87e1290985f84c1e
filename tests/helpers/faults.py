"""Broken parts for the fault drills: a Redis server of the test's own that can be stopped and
started again on its port, and the worker processes of a gunicorn master (to kill one)."""
from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import free_port, services_required


def need_program(name: str) -> str:
    """The program's path; a skip outside CI, a failure under CI=true, when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if services_required():
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return path


def wait_until(condition, seconds: float = 10, every: float = 0.05) -> bool:
    """Poll `condition` until it holds or `seconds` have passed; its last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class OwnRedis:
    """`redis-server --port <free port> --save '' --appendonly no`, nothing written to disk;
    stop() kills it, start() brings it back on the same port (empty, as after a crash)."""

    def __init__(self, folder: Path):
        self.program = need_program("redis-server")
        self.port, self.folder = free_port(), folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(lambda: _answers(self.port), 10):
            self.stop()
            pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (a gunicorn master's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def worker_holding_connections(master: int, port: int) -> int:
    """A worker of the gunicorn master on `port` that holds an established connection (a live
    socket), else any of its workers."""
    workers = children(master)
    assert workers, "the gunicorn master has workers"
    listing = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                             capture_output=True, text=True).stdout
    for pid in workers:
        if f"pid={pid}," in listing:
            return pid
    return workers[0]
