"""The floor of a11y-audit's page cost: navigation and axe-core only, with our own browser code.

    python -m bench.floor URLS_FILE OUT_DIR [--concurrency 2]

Drives ``audit.browser.Browser`` (the same Playwright, Debian Chromium, launch flags, reused tabs and pinned
axe-core as a full audit) over the URLs of URLS_FILE (one a line), ``concurrency`` pages in flight, with
the probes (Tab walk, layout, focus…) and the screenshots switched off, and none of our checks, site checks,
store or reports. What is left is what pa11y-ci and @axe-core/cli do for a page: load it, run axe on it. Its
throughput bounds from above what a full audit can reach on the same machine; ``bench.compare`` runs it as
tool ``floor``. Writes OUT_DIR/<n>/axe.json for every page and prints one JSON line: pages, errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from audit.browser import Browser, GatherOptions, find_chromium
from audit.model import PageRef


async def audit(urls: list[str], out: Path, concurrency: int) -> dict:
    browser = Browser(find_chromium(None), GatherOptions(screenshot=False, probes=False))
    await browser.start()
    queue = list(enumerate(urls))
    counts = {"pages": 0, "errors": 0}

    async def worker() -> None:
        while queue:
            index, url = queue.pop(0)
            folder = out / str(index)
            folder.mkdir(parents=True, exist_ok=True)
            snap = await browser.gather(PageRef(url=url), folder)
            counts["errors" if snap.error else "pages"] += 1

    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await browser.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    urls = [u.strip() for u in args.urls.read_text(encoding="utf-8").splitlines() if u.strip()]
    counts = asyncio.run(audit(urls, args.out, max(1, args.concurrency)))
    print(json.dumps(counts))
    return 0 if counts["pages"] else 1


if __name__ == "__main__":
    sys.exit(main())
