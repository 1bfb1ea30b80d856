"""Incremental nightly runs: time a full audit of the demo town, then a second run on the unchanged site.

    python -m bench.incremental

Prints both wall times, the ratio (target: under 10 %) and how many pages were reused.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    from audit import config, runner
    from audit.demo import DemoServer, demo_password
    from audit.store import Store

    os.environ.setdefault("A11Y_DEMO_PASSWORD", demo_password())
    repo = Path(__file__).resolve().parents[1]
    site = next(s for s in config.load(repo / "sites.yaml").sites if s.id == "ville-demo")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp)
        timings = []
        for _ in range(2):
            with DemoServer() as server:
                start = time.perf_counter()
                [run] = runner.run_sites([config.with_base_url(site, server.url)], store, runner.RunOptions())
                timings.append(time.perf_counter() - start)
        pages = store.pages(run)
        reused = sum(1 for p in pages if p.reused_from)
    first, second = timings
    print(f"first run (full audit):       {first:6.2f} s, {len(pages)} pages")
    print(f"second run (unchanged site):  {second:6.2f} s, {reused}/{len(pages)} pages reused")
    print(f"ratio second/first:           {second / first:6.1%}  (target < 10 %)")
    return 0 if reused == len(pages) else 1


if __name__ == "__main__":
    sys.exit(main())
