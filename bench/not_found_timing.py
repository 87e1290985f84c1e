"""Does a secret space's 404 take measurably longer than a missing space's 404?

Serves the demo collaborative in-process, signs in as a non-member, and times many
interleaved requests for a secret space and for a slug that does not exist. Prints the medians
and their difference; a difference that stands out from the noise would tell an outsider that
a secret space exists.

    .venv/bin/python bench/not_found_timing.py
"""
from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig  # noqa: E402
from hub import create_app  # noqa: E402
from hub.extensions import db  # noqa: E402

ROUNDS = 400


def main() -> None:
    app = create_app(TestConfig(tempfile.mkdtemp(), LOGIN_LIMIT_PER_ACCOUNT="1000 per minute"))
    with app.app_context():
        db.create_all()
        from hub.seed import seed
        seed()
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "email": "participant@demo.hub", "password": "equity-demo-2026"})
    paths = {"secret": "/spaces/white-accountability", "missing": "/spaces/no-such-space-here"}
    times = {name: [] for name in paths}
    for _ in range(ROUNDS):
        for name, path in paths.items():
            start = time.perf_counter()
            status = client.get(path).status_code
            times[name].append((time.perf_counter() - start) * 1000)
            assert status == 404
    secret, missing = statistics.median(times["secret"]), statistics.median(times["missing"])
    print(f"median 404 ms  secret {secret:.3f}  missing {missing:.3f}  "
          f"difference {secret - missing:+.3f} ms ({secret / missing:.3f}x), {ROUNDS} rounds each")


if __name__ == "__main__":
    main()
