"""Where a page's cost goes, with a11y-audit's own browser code: stages, probes, CDP traffic, Python profile.

    python -m bench.profile --pages 40                 # stages and probes, CPU by process, CDP messages by method
    python -m bench.profile --pages 40 --cprofile      # + the Python side profiled (gather and our checks)
    python -m bench.profile --pages 40 --stage-cpu     # one page in flight: each stage's CPU by kind of process
    python -m bench.profile --pages 40 --dispatch      # + Python's CPU for what Chromium sends back, by message

Generates the benchmark site (``bench.site``, seed 1), serves it on 127.0.0.1 and runs, as a measured child
process (``bench.compare.measure``: CPU seconds by kind of process, peak RSS / PSS of the tree), one
``audit.browser.Browser`` over the first N pages with the full probes, ``--concurrency`` pages in flight (2 as
a run), then our checks on every snapshot (as the runner does, in the same process). Playwright's protocol log
(``DEBUG=pw:protocol``) is counted by CDP method, with the bytes each method carries (both directions).
Prints one JSON report; figures only, no timing asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class StageCPU:
    """CPU seconds of the whole process tree by kind of process (python, node, chromium:renderer…) spent in each
    wrapped stage of a page, sampled from /proc at the stage's start and end. Meaningful with one page in flight
    only (``--stage-cpu`` forces it); the sampling's own Python CPU is taken out of the python figure."""

    STAGES = (("audit.browser", "Browser._navigate", "navigate"), ("audit.browser", "Browser._inject_axe", "axe.inject"),
              ("audit.parts", "PartLedger.axe", "axe.run"), ("audit.browser", "run_probes", "probes"),
              ("audit.keyboard", "tab_walk", "probes.tab_walk"), ("audit.layout", "layout_probes", "probes.layout"),
              ("audit.browser", "Browser._screenshot", "screenshot"), ("audit.browser", "Browser._give_back", "tab.back"),
              ("audit.browser", "Browser.gather", "page"))

    def __init__(self) -> None:
        self.cpu: dict[str, Counter] = {}
        self.overhead = 0.0

    def sample(self) -> dict[int, tuple[str | None, int]]:
        from bench.compare import _kind, tree

        started = time.thread_time()
        ticks: dict[int, int] = {}
        pids, _ = tree(os.getpid(), ticks)
        out = {pid: ("python" if pid == os.getpid() else _kind(pid), ticks.get(pid, 0)) for pid in pids}
        self.overhead += time.thread_time() - started
        return out

    def add(self, stage: str, before: dict, after: dict, sampling: float) -> None:
        hz = os.sysconf("SC_CLK_TCK")
        row = self.cpu.setdefault(stage, Counter())
        for pid, (kind, ticks) in after.items():
            if kind is not None:
                row[kind] += (ticks - before.get(pid, (kind, 0))[1]) / hz
        row["python"] -= sampling
        row["calls"] += 1

    def install(self) -> None:
        import importlib

        for module_name, path, stage in self.STAGES:
            module = importlib.import_module(module_name)
            owner, _, name = path.rpartition(".")
            holder = getattr(module, owner) if owner else module
            original = getattr(holder, name)
            # tab_walk and layout_probes are imported by audit.capture.run_probes at call time: patch the module
            setattr(holder, name, self._wrap(original, stage))

    def _wrap(self, original, stage: str):
        async def wrapped(*args, **kwargs):
            before = self.sample()
            sampling = self.overhead
            try:
                return await original(*args, **kwargs)
            finally:
                self.add(stage, before, self.sample(), self.overhead - sampling)
        return wrapped

    def report(self, pages: int) -> dict:
        return {stage: {kind: round(v / max(1, pages), 3) for kind, v in sorted(row.items()) if kind != "calls"
                        and abs(v) >= 0.0005} for stage, row in self.cpu.items()}


class Dispatch:
    """The event loop thread's CPU seconds in Playwright's handling of each message its driver sends back (answers,
    events, objects created), by kind: timed around ``Connection.dispatch``, without a profiler's overhead."""

    def __init__(self) -> None:
        self.cpu: Counter[str] = Counter()
        self.count: Counter[str] = Counter()

    def install(self) -> None:
        from playwright._impl import connection

        original = connection.Connection.dispatch

        def dispatch(conn, msg: dict) -> None:
            started = time.thread_time()
            try:
                return original(conn, msg)
            finally:
                method = msg.get("method") or "answer"
                if method == "__create__":
                    method += ":" + str((msg.get("params") or {}).get("type"))
                elif method != "answer":
                    method = str(msg.get("guid", "")).split("@")[0] + "." + method
                self.cpu[method] += time.thread_time() - started
                self.count[method] += 1

        connection.Connection.dispatch = dispatch

    def report(self) -> dict:
        return {"total_s": round(sum(self.cpu.values()), 3),
                "by_message": {m: {"messages": self.count[m], "cpu_s": round(c, 3)} for m, c in self.cpu.most_common(15)}}


async def _child(urls: list[str], out: Path, concurrency: int, cprofile: bool, stage_cpu: bool = False,
                 dispatch: bool = False) -> dict:
    from audit.browser import Browser, GatherOptions, find_chromium
    from audit.checks import run_checks
    from audit.model import PageRef

    profiler = None
    if cprofile:
        import cProfile

        profiler = cProfile.Profile(time.thread_time)  # CPU of the event loop thread, not wall time
        profiler.enable()
    dispatched = None
    if dispatch:
        dispatched = Dispatch()
        dispatched.install()
    stages = None
    if stage_cpu:
        stages = StageCPU()
        stages.install()
        concurrency = 1
    browser = Browser(find_chromium(None), GatherOptions(screenshot=True, probes=True))
    await browser.start()
    queue = list(enumerate(urls))
    snaps = []
    folders: dict[str, Path] = {}
    check_s = []

    async def worker() -> None:
        while queue:
            index, url = queue.pop(0)
            folder = out / str(index)
            folder.mkdir(parents=True, exist_ok=True)
            snap = await browser.gather(PageRef(url=url), folder)
            snaps.append(snap)
            folders[snap.key] = folder
            t0 = time.perf_counter()
            await asyncio.to_thread(run_checks, snap, folder)
            check_s.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await browser.close()
    wall = time.perf_counter() - t0
    if profiler is not None:
        import pstats

        profiler.disable()
        profiler.dump_stats(out / "python.prof")
        stats = pstats.Stats(str(out / "python.prof"))
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    timings: dict[str, list[float]] = {}
    for snap in snaps:
        for key, value in snap.timings.items():
            if isinstance(value, (int, float)):
                timings.setdefault(key, []).append(float(value))
    skipped: Counter[str] = Counter()
    for snap in snaps:
        try:
            probes = json.loads((folders[snap.key] / "probes.json").read_text())
        except (OSError, ValueError):
            continue
        for name, value in probes.items():
            if isinstance(value, dict) and value.get("inapplicable"):
                skipped[name] += 1
            if isinstance(value, dict) and value.get("clipped_inapplicable"):
                skipped[f"{name}.clipped"] += 1
    extra = {"stage_cpu_s_a_page": stages.report(len(snaps))} if stages is not None else {}
    if dispatched is not None:
        extra["dispatch"] = dispatched.report()
    return {**extra, "pages": len(snaps), "errors": sum(1 for s in snaps if s.error), "wall_s": round(wall, 1),
            "median_s": {k: round(statistics.median(v), 3) for k, v in sorted(timings.items())},
            "checks_median_s": round(statistics.median(check_s), 3) if check_s else None,
            "inapplicable_probes": dict(skipped)}


_PROTOCOL = re.compile(r"(SEND ►|◀ RECV) (\{.*)$")


def count_protocol(log: Path) -> dict:
    """CDP/Playwright protocol messages by method (and the bytes they carry), from Playwright's debug log."""
    calls: Counter[str] = Counter()
    size: Counter[str] = Counter()
    pending: dict[int, str] = {}
    with open(log, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = _PROTOCOL.search(line)
            if not m:
                continue
            text = m.group(2)
            method = re.search(r'"method":"([^"]+)"', text)
            ident = re.search(r'"id":(\d+)', text)
            if method:
                name = method.group(1)
                if m.group(1).startswith("SEND") and ident:
                    pending[int(ident.group(1))] = name
                calls[name] += 1
                size[name] += len(text)
            elif ident and int(ident.group(1)) in pending:
                size[pending.pop(int(ident.group(1)))] += len(text)
    top = sorted(calls, key=lambda k: -size[k])[:25]
    return {"messages": sum(calls.values()), "bytes": sum(size.values()),
            "by_method": {k: {"messages": calls[k], "kB": size[k] // 1024} for k in top}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--protocol", action="store_true",
                        help="count the CDP messages (Playwright's protocol log; it costs CPU of its own)")
    parser.add_argument("--renew-page-every", type=int, default=None,
                        help="experiment: a fresh tab every N pages (audit.capture.RENEW_PAGE_EVERY)")
    parser.add_argument("--stage-cpu", action="store_true",
                        help="one page in flight; CPU seconds a page of each stage by kind of process (from /proc)")
    parser.add_argument("--dispatch", action="store_true",
                        help="Python's CPU for each kind of message Playwright's driver sends back (no profiler)")
    parser.add_argument("--child", nargs=2, metavar=("URLS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.renew_page_every:
            import audit.browser

            audit.browser.RENEW_PAGE_EVERY = args.renew_page_every
        urls = Path(args.child[0]).read_text(encoding="utf-8").split()
        report = asyncio.run(_child(urls, Path(args.child[1]), args.concurrency, args.cprofile, args.stage_cpu,
                                    args.dispatch))
        print("REPORT " + json.dumps(report))
        return 0

    from bench.compare import OUT, measure
    from bench.site import SiteServer, generate

    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="profile-", dir=OUT))
    info = generate(work / "site", args.pages, args.seed)
    with SiteServer(info) as server:
        urls = [server.url + p.path for p in info.pages][: args.pages]
        (work / "urls.txt").write_text("\n".join(urls), encoding="utf-8")
        cmd = [sys.executable, "-m", "bench.profile", "--concurrency", str(args.concurrency),
               "--child", str(work / "urls.txt"), str(work / "out")]
        if args.cprofile:
            cmd.insert(3, "--cprofile")
        if args.stage_cpu:
            cmd.insert(3, "--stage-cpu")
        if args.dispatch:
            cmd.insert(3, "--dispatch")
        if args.renew_page_every:
            cmd[3:3] = ["--renew-page-every", str(args.renew_page_every)]
        load = os.getloadavg()[0]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if args.protocol:
            env["DEBUG"] = "pw:protocol"
        m = measure(cmd, REPO, env, work / "child.out", work / "child.err")
    text = (work / "child.out").read_text(encoding="utf-8", errors="replace")
    report_line = next((ln for ln in text.splitlines() if ln.startswith("REPORT ")), None)
    report = json.loads(report_line[7:]) if report_line else {"error": (work / "child.err").read_text()[-2000:]}
    report.update({"load_at_start": round(load, 1), "cpu_s": round(m.cpu, 1),
                   "cpu_s_a_page": round(m.cpu / max(1, report.get("pages", 1)), 3),
                   "cpu_by_process_s": m.cpu_parts, "peak_rss_mb": m.peak_rss // 2**20,
                   "peak_pss_mb": m.peak_pss // 2**20, "peak_rss_by_process_mb": m.peak_parts,
                   "work": str(work)})
    if args.protocol:
        report["protocol"] = count_protocol(work / "child.err")
    if args.cprofile:
        print(text.split("REPORT ")[0])
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
