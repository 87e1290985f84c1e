"""How long content.render takes on hostile input, beside ordinary prose, in the same run.

Prints medians (ms) over several runs. The "unguarded" rows run Python-Markdown and bleach the
way content.render did before the guards (no bracket cap, email linkify on), to show the figure
the guards are compared with.

    .venv/bin/python bench/content_render.py
"""
from __future__ import annotations

import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bleach  # noqa: E402
import markdown  # noqa: E402
from bleach.linkifier import LinkifyFilter  # noqa: E402

from hub import content  # noqa: E402

PROSE = ("Our team stratified A1c control by race, ethnicity and language and found a gap. "
         "See https://example.org/toolkit for the worksheet.\n\n") * 60          # ~8.6k chars
CASES = {
    "ordinary prose (8.6k chars)": PROSE,
    "8k '[' characters": "[" * 8000,
    "4k '![' pairs": "![" * 4000,
    "100k-char unbroken word": "a" * 100_000,
}
UNGUARDED = bleach.sanitizer.Cleaner(
    tags=content.ALLOWED_TAGS, attributes=content.ALLOWED_ATTRIBUTES, protocols=content.ALLOWED_PROTOCOLS,
    strip=True, filters=[partial(LinkifyFilter, skip_tags={"pre", "code"}, parse_email=True)])


def unguarded(text: str) -> str:
    return UNGUARDED.clean(markdown.markdown(text[:content.MAX_SOURCE_CHARS], extensions=content.MARKDOWN_EXTENSIONS))


def median_ms(fn, text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(text)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    baseline = median_ms(content.render, PROSE, 15)
    print(f"{'input':<30} {'render ms':>10} {'x prose':>8} {'unguarded ms':>13}")
    for name, text in CASES.items():
        guarded = median_ms(content.render, text, 7)
        # The unguarded pipeline on the worst inputs takes seconds: measure it once only.
        before = median_ms(unguarded, text, 1 if name != "ordinary prose (8.6k chars)" else 7)
        print(f"{name:<30} {guarded:>10.1f} {guarded / baseline:>8.1f} {before:>13.1f}")


if __name__ == "__main__":
    main()
