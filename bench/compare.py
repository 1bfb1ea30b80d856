"""Three tools on one generated city site, in the same run: a11y-audit, pa11y-ci (axe runner) and @axe-core/cli.

    python -m bench.compare --pages 200 [--repeat 3] [--seed 1]
    python -m bench.compare --pages 1000 --only ours            # the flat-memory check
    python -m bench.compare --pages 200 --only floor,pa11y4     # navigation + axe only: our ceiling

Each tool runs as a child process against the site of ``bench.site`` served on 127.0.0.1; every run is
measured from the outside the same way: wall seconds, the CPU seconds of the whole process tree (user +
system, from the kernel's accounting of the children this script waited for) and the peak RSS of the whole
tree (sampled from /proc every 100 ms: the RSS of the process and all its descendants, summed; pages shared
between Chromium's processes are counted once per process, as ``ps`` does), and the CPU seconds by kind of
process (Chromium's by --type, node, python, java). With ``--repeat``, the tools run
in turn (ours, pa11y-ci, pa11y-ci at 4, axe) so that a change in the machine's load hits all of them; the
table gives medians.

- a11y-audit: the full audit (axe + our checks + probes + screenshots + reports), ``python -m audit run``
  with a generated sites.yaml (``crawl.max_pages`` = N, sitemap on, no delay) and ``--fail-on none``.
- floor (``bench.floor``): a11y-audit's own browser code doing only what the peers do — navigation and axe,
  two pages in flight, no probes, checks, store or reports. No full audit can be faster than this row.
- pa11y-ci 4 (axe runner, WCAG2AA, notices and warnings included so that every axe violation is reported),
  Debian's full /usr/bin/chromium (``--peers-chromium`` to change it) through puppeteer's ``executablePath`` and
  the launch flags this machine needs (``capture.BASE_CHROMIUM_ARGS``, not a11y-audit's V8 memory mode), at
  pa11y-ci's default concurrency (1) and at 4.
- @axe-core/cli with Debian's chromedriver and chromium (``--chromedriver-path``, ``--chrome-path``,
  ``--chrome-options``): one process for all the URLs, as its documentation shows.

The peers are installed here by ``npm ci --ignore-scripts`` in bench/peers (pinned exactly; axe-core is
overridden to the project's own version, so findings can be compared rule by rule; no browser or driver is
ever downloaded). Results go to bench/out/compare-<pages>.json and .md (bench/out is not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
PEERS = REPO / "bench" / "peers"
OUT = REPO / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
PEERS_CHROMIUM = [CHROMIUM]  # pa11y-ci's (--peers-chromium)
CHROMEDRIVER = "/usr/bin/chromedriver"
TOOLS = ("ours", "proposed", "floor", "pa11y", "pa11y4", "axe")
# axe tags both a11y-audit (AXE_TAGS) and pa11y's axe runner (standard WCAG2AA) run: rules carrying one of
# them, plus our extra rules (best-practice rules pa11y also runs), are compared rule by rule.
COMMON_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- measuring a process tree ------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, rss bytes, CPU ticks used so far) for every process readable in /proc."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * _PAGE_SIZE, int(fields[11]) + int(fields[12]))
    return table


def tree(root: int, ticks: dict[int, int] | None = None) -> tuple[list[int], int]:
    """The pids of ``root`` and all its descendants, and their summed RSS in bytes; ``ticks`` gets the CPU
    ticks each of them has used so far (a process that ends between two samples loses at most 100 ms)."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    pids, total, stack = [], 0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            pids.append(pid)
            total += table[pid][1]
            if ticks is not None:
                ticks[pid] = max(ticks.get(pid, 0), table[pid][2])
            stack.extend(children.get(pid, ()))
    return pids, total


def pss_by_pid(pids: list[int]) -> dict[int, int]:
    """Each process's proportional set size (shared pages divided among their sharers), in bytes; the processes
    gone meanwhile are left out."""
    out: dict[int, int] = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        out[pid] = int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return out


@dataclass
class Measure:
    seconds: float
    cpu: float
    peak_rss: int
    peak_pss: int
    returncode: int
    peak_parts: dict[str, int]
    timeline: list[tuple[float, int, int]] = field(default_factory=list)  # (seconds, RSS MB, PSS MB) every 20 s
    cpu_parts: dict[str, float] = field(default_factory=dict)  # CPU seconds by kind of process (sampled)
    peak_pss_parts: dict[str, int] = field(default_factory=dict)  # PSS by kind of process at the PSS peak, MB
    peak_pss_at: float = 0.0  # seconds from the start to the PSS peak


def measure(cmd: list[str], cwd: Path, env: dict[str, str], stdout: Path, stderr: Path,
            timeout: float = 7200) -> Measure:
    """Run ``cmd``; wall time, CPU of the whole tree (waited children) and the peak RSS of the tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = peak_pss = 0
    peak_pss_at = 0.0
    pss_parts: dict[str, int] = {}
    ticks: dict[int, int] = {}
    parts: dict[str, int] = {}
    timeline: list[tuple[float, int, int]] = []
    kinds: dict[int, str] = {}
    done = threading.Event()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)

        def sample() -> None:
            nonlocal peak, peak_pss, parts, peak_pss_at, pss_parts
            tick = 0
            while not done.is_set():
                pids, rss = tree(proc.pid, ticks)
                for pid in pids:  # a renderer is forked by the zygote and renamed, Chromium's shell wrapper execs it: ask again
                    if kinds.get(pid, "?") in ("?", "sh", "chromium:zygote"):
                        kinds[pid] = _kind(pid) or kinds.get(pid, "?")
                if rss > peak:
                    peak, parts = rss, _composition(pids)
                if tick % 5 == 0:  # PSS walks the page tables: every 500 ms
                    by_pid = pss_by_pid(pids)
                    now_pss = sum(by_pid.values())
                    if now_pss > peak_pss:  # when the peak comes, and what makes it
                        peak_pss, peak_pss_at = now_pss, round(time.perf_counter() - start, 1)
                        pss_parts = {}
                        for pid, size in by_pid.items():
                            kind = kinds.get(pid, "?")
                            pss_parts[kind] = pss_parts.get(kind, 0) + size
                        pss_parts = {k: v // 2**20 for k, v in sorted(pss_parts.items(), key=lambda kv: -kv[1])}
                    if tick % 200 == 0:  # the memory over time: every 20 s
                        timeline.append((round(time.perf_counter() - start, 1), rss // 2**20, now_pss // 2**20))
                tick += 1
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # The kernel counts only the descendants that were waited for; the samples count the others too.
    cpu = max(waited, sum(ticks.values()) / os.sysconf("SC_CLK_TCK"))
    cpu_parts: dict[str, float] = {}
    for pid, used in ticks.items():
        kind = kinds.get(pid, "?")
        cpu_parts[kind] = cpu_parts.get(kind, 0.0) + used / os.sysconf("SC_CLK_TCK")
    cpu_parts = {k: round(v, 1) for k, v in sorted(cpu_parts.items(), key=lambda kv: -kv[1])}
    return Measure(seconds=seconds, cpu=cpu, peak_rss=peak, peak_pss=peak_pss, returncode=code, peak_parts=parts,
                   timeline=timeline, cpu_parts=cpu_parts, peak_pss_parts=pss_parts, peak_pss_at=peak_pss_at)


def _kind(pid: int) -> str | None:
    """The kind of a process: python, node, java, or chromium by its --type (None once it has ended)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().replace(b"\0", b" ").decode(errors="replace").split()
    except OSError:
        return None
    name = Path(argv[0]).name if argv else "?"
    kind = next((a[7:] for a in argv if a.startswith("--type=")), "")
    if "chrom" in name or kind:
        name = "chromium"
    return f"{name}:{kind}" if kind else name


def _composition(pids: list[int]) -> dict[str, int]:
    """RSS at the peak by kind of process, in MB."""
    out: dict[str, int] = {}
    for pid in pids:
        kind = _kind(pid)
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                rss = int(fh.read().split()[1]) * _PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue
        if kind is not None:
            out[kind] = out.get(kind, 0) + rss // 2**20
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


# --- the tools -----------------------------------------------------------------------------------


@dataclass
class Result:
    tool: str
    concurrency: int
    pages: int = 0  # HTML pages audited without error
    seconds: float = 0.0
    cpu: float = 0.0
    peak_rss: int = 0
    peak_pss: int = 0
    peak_parts: dict = field(default_factory=dict)
    cpu_parts: dict = field(default_factory=dict)  # CPU seconds by kind of process
    axe_failed: int = 0  # axe violation nodes
    own_failed: int = 0  # our own checks' failed findings (a11y-audit only)
    documents: int = 0
    errors: int = 0
    returncode: int = 0
    pairs: set = field(default_factory=set)  # (path, axe rule id) with at least one violation
    own: set = field(default_factory=set)  # (path, check id, selector) of our failed findings
    axe_nodes: set = field(default_factory=set)  # (path, rule id, selector) of axe's failed findings (a11y-audit)
    parts: dict = field(default_factory=dict)  # what the shared parts' reuse did (run metadata, a11y-audit)
    stages: dict = field(default_factory=dict)
    timeline: list = field(default_factory=list)  # (seconds, RSS MB, PSS MB) of the tree every 20 s
    peak_pss_parts: dict = field(default_factory=dict)  # PSS by kind of process at the PSS peak, MB
    peak_pss_at: float = 0.0  # seconds from the start to the PSS peak

    @classmethod
    def measured(cls, tool: str, concurrency: int, m: Measure) -> Result:
        """A tool's row with what ``measure`` saw of its process tree (its findings are added by the caller)."""
        return cls(tool, concurrency, seconds=m.seconds, cpu=m.cpu, peak_rss=m.peak_rss, peak_pss=m.peak_pss,
                   peak_parts=m.peak_parts, cpu_parts=m.cpu_parts, returncode=m.returncode, timeline=m.timeline,
                   peak_pss_parts=m.peak_pss_parts, peak_pss_at=m.peak_pss_at)

    def add_axe_page(self, url: str, axe_result: dict) -> None:
        """One page's axe-core results (violations, element by element)."""
        self.pages += 1
        for rule in axe_result.get("violations", []):
            self.axe_failed += len(rule.get("nodes", []))
            self.pairs.add((urlsplit(url).path, rule["id"]))

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def ensure_peers() -> None:
    """``npm ci`` in bench/peers when node_modules is missing or older than the lock file."""
    marker = PEERS / "node_modules" / ".package-lock.json"
    if marker.is_file() and marker.stat().st_mtime >= (PEERS / "package-lock.json").stat().st_mtime:
        return
    if shutil.which("npm") is None:
        raise SystemExit("bench.compare: npm is needed for the peers (Debian: apt-get install -y npm)")
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "CHROMEDRIVER_SKIP_DOWNLOAD": "true"}
    print("installing the peers (npm ci in bench/peers)…", file=sys.stderr)
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEERS,
                   env=env, check=True)


def chromium_flags() -> list[str]:
    """The peers' Chromium flags: those this machine needs (no network but the sites), not a11y-audit's own tuning
    (its V8 memory mode): the peers run as they are."""
    from audit.capture import BASE_CHROMIUM_ARGS

    return list(BASE_CHROMIUM_ARGS)


def run_ours(base: str, pages: int, work: Path, concurrency: int, tree: Path = REPO,
             label: str = "a11y-audit", grid: str | None = None, slots: int = 1,
             extra: list[str] | None = None, environ: dict[str, str] | None = None) -> Result:
    from audit.store import Store

    config = work / "sites.yaml"
    config.write_text(
        "sites:\n"
        "  - id: bench\n"
        "    name: Ville de Marmont-sur-Vienne (banc d'essai)\n"
        f"    base_url: {base}\n"
        "    pages:\n"
        "      - {name: Accueil, path: /}\n"
        "    crawl:\n"
        "      sitemaps: true\n"
        f"      max_pages: {pages}\n"
        "      max_depth: 6\n"
        "      delay: 0\n"
        f"      concurrency: {concurrency}\n"
        "      obey_robots: true\n", encoding="utf-8")
    runs = work / "runs"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(environ or {})}
    cmd = [sys.executable, "-m", "audit", "-v", "run", "bench", "--config", str(config), "--runs-dir", str(runs),
           "--fail-on", "none", "-q", "--full"]
    cmd += extra or []
    if grid:
        cmd += ["--grid", grid, "--slots", str(slots)]
        label += f" (grid, {slots} slot{'s' if slots > 1 else ''})"
    m = measure(cmd, tree, env, work / "ours.out", work / "ours.err")  # cwd first on sys.path: that tree's audit
    result = Result.measured(label, concurrency, m)
    if m.returncode != 0:
        print((work / "ours.err").read_text(errors="replace")[-2000:], file=sys.stderr)
        return result
    with Store(runs) as store:
        run = store.runs("bench")[-1]
        snaps = store.pages(run)
        html = [s for s in snaps if s.kind == "html"]
        result.pages = sum(1 for s in html if not s.error)
        result.errors = sum(1 for s in snaps if s.error)
        result.documents = sum(1 for s in snaps if s.kind == "document" and not s.error)
        for f in store.findings(run):
            if f.outcome != "failed":
                continue
            if f.source == "axe":
                result.axe_failed += 1
                result.pairs.add((urlsplit(f.page_url).path, f.check_id.removeprefix("axe:")))
                result.axe_nodes.add((urlsplit(f.page_url).path, f.check_id, f.selector or ""))
            else:
                result.own_failed += 1
                result.own.add((urlsplit(f.page_url).path, f.check_id, f.selector or ""))
        result.stages = _stages(store, run, snaps, work)
        result.parts = dict(run.meta.get("parts") or {})
    result.stages.update(_phases(work / "ours.err", m.seconds))
    return result


def _stages(store, run, snaps, work: Path) -> dict:
    """Seconds a page by stage: gather timings as recorded, then checks and storage re-timed here."""
    from audit.checks import run_checks
    from audit.store import Store, page_id

    html = [s for s in snaps if s.kind == "html" and not s.error]
    out: dict[str, float] = {}
    keys = sorted({k for s in html for k in s.timings})
    for key in keys:
        values = [s.timings[key] for s in html if key in s.timings]
        out[f"gather.{key}"] = round(statistics.median(values), 3) if values else 0.0
    sample = html[: min(40, len(html))]
    checks, storage = [], []
    with Store(work / "restore") as scratch:
        scratch_run = scratch.create_run("bench", run.base_url, {})
        for snap in sample:
            folder = run.folder / "pages" / page_id(snap.key)
            t0 = time.perf_counter()
            findings = run_checks(snap, folder)
            t1 = time.perf_counter()
            scratch.save_page(scratch_run, snap, findings)
            t2 = time.perf_counter()
            checks.append(t1 - t0)
            storage.append(t2 - t1)
    if checks:
        out["checks"] = round(statistics.median(checks), 3)
        out["storage"] = round(statistics.median(storage), 3)
    return out


def _phases(stderr: Path, wall: float) -> dict:
    """The runner's own log line: discovery, pages, site checks (whole run); the rest is start-up and reports."""
    import re

    text = stderr.read_text(errors="replace")
    m = re.search(r"discovery ([\d.]+)s, pages ([\d.]+)s, site checks ([\d.]+)s", text)
    if not m:
        return {}
    discovery, pages, site = (float(x) for x in m.groups())
    return {"run.discovery": discovery, "run.pages": pages, "run.site_checks": site,
            "run.startup_and_reports": round(wall - discovery - pages - site, 2)}


def run_pa11y(urls: list[str], work: Path, concurrency: int | None) -> Result:
    defaults = {"runners": ["axe"], "standard": "WCAG2AA", "includeNotices": True, "includeWarnings": True,
                "timeout": 120000,
                "chromeLaunchConfig": {"executablePath": PEERS_CHROMIUM[0], "args": chromium_flags()}}
    if concurrency is not None:
        defaults["concurrency"] = concurrency
        # pa11y-ci 4 closes the wrong incognito context when tests run concurrently ("Protocol error
        # (Target.closeTarget): No target with given id found", pa11y/pa11y-ci#354): above 1, one shared context.
        defaults["useIncognitoBrowserContext"] = False
    name = f"pa11y{concurrency or ''}"
    config = work / f"{name}.json"
    config.write_text(json.dumps({"defaults": defaults, "urls": urls}), encoding="utf-8")
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    cmd = [str(PEERS / "node_modules" / ".bin" / "pa11y-ci"), "--config", str(config), "--json"]
    m = measure(cmd, PEERS, env, work / f"{name}.out", work / f"{name}.err")
    result = Result.measured("pa11y-ci (axe)", concurrency or 1, m)
    try:
        report = json.loads((work / f"{name}.out").read_text(encoding="utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        print((work / f"{name}.err").read_text(errors="replace")[-2000:], file=sys.stderr)
        return result
    for url, issues in report.get("results", {}).items():
        if any("code" not in i for i in issues):
            result.errors += 1
            continue
        result.pages += 1
        for issue in issues:
            extras = issue.get("runnerExtras") or {}
            if extras.get("needsFurtherReview"):
                continue
            result.axe_failed += 1
            result.pairs.add((urlsplit(url).path, issue["code"]))
    return result


def run_axe_cli(urls: list[str], work: Path) -> Result:
    flags = [f.removeprefix("--") for f in chromium_flags()]
    out_dir = work / "axe-cli"
    out_dir.mkdir(exist_ok=True)
    cmd = [str(PEERS / "node_modules" / ".bin" / "axe"), *urls, "--chromedriver-path", CHROMEDRIVER,
           "--chrome-path", CHROMIUM, "--chrome-options", ",".join(flags), "--save", "results.json",
           "--dir", str(out_dir), "--no-reporter", "--timeout", "120"]
    m = measure(cmd, PEERS, dict(os.environ), work / "axe.out", work / "axe.err")
    result = Result.measured("@axe-core/cli", 1, m)
    try:
        data = json.loads((out_dir / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print((work / "axe.err").read_text(errors="replace")[-2000:], file=sys.stderr)
        return result
    for page in data:
        result.add_axe_page(page["url"], page)
    return result


def run_floor(urls: list[str], work: Path, concurrency: int) -> Result:
    """Navigation + axe only, with a11y-audit's own browser code (``bench.floor``): the ceiling of our
    throughput on this machine, whatever else a full audit does."""
    (work / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    out_dir = work / "floor"
    cmd = [sys.executable, "-m", "bench.floor", str(work / "urls.txt"), str(out_dir), "--concurrency",
           str(concurrency)]
    m = measure(cmd, REPO, {**os.environ, "PYTHONUNBUFFERED": "1"}, work / "floor.out", work / "floor.err")
    result = Result.measured("a11y-audit, navigation + axe only (floor)", concurrency, m)
    if m.returncode != 0:
        print((work / "floor.err").read_text(errors="replace")[-2000:], file=sys.stderr)
    for index, url in enumerate(urls):
        try:
            data = json.loads((out_dir / str(index) / "axe.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result.errors += 1
            continue
        result.add_axe_page(url, data)
    return result


def rule_tags() -> dict[str, list[str]]:
    script = "const a=require('axe-core');console.log(JSON.stringify(Object.fromEntries(a.getRules().map(r=>[r.ruleId,r.tags]))))"
    done = subprocess.run(["node", "-e", script], cwd=PEERS, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def compare_findings(ours: Result, pa11y: Result, tags: dict[str, list[str]]) -> dict:
    """(page path, rule) pairs with a violation, on the rules both tools ran."""
    from audit.browser import AXE_EXTRA_RULES

    def common(rule: str) -> bool:
        return rule in AXE_EXTRA_RULES or bool(COMMON_TAGS & set(tags.get(rule, [])))

    a = {p for p in ours.pairs if common(p[1])}
    b = {p for p in pa11y.pairs if common(p[1])}
    return {"common_rules_pairs_ours": len(a), "common_rules_pairs_pa11y": len(b), "both": len(a & b),
            "only_ours": sorted(a - b)[:20], "only_pa11y": sorted(b - a)[:20], "equal": a == b,
            "ours_only_rules": sorted({r for _, r in ours.pairs if not common(r)}),
            "pa11y_only_rules": sorted({r for _, r in pa11y.pairs if not common(r)})}


# --- the table -----------------------------------------------------------------------------------


def _median_row(results: list[Result]) -> dict:
    last = results[-1]
    seconds = statistics.median(r.seconds for r in results)
    row = {"tool": last.tool, "concurrency": last.concurrency, "pages": last.pages, "documents": last.documents,
           "seconds": round(seconds, 1), "pages_per_s": round(last.pages / seconds, 3) if seconds else 0.0,
           "cpu_s": round(statistics.median(r.cpu for r in results), 1),
           "peak_rss_mb": round(statistics.median(r.peak_rss for r in results) / 2**20),
           "peak_pss_mb": round(statistics.median(r.peak_pss for r in results) / 2**20),
           "axe_failed": last.axe_failed, "own_failed": last.own_failed, "errors": last.errors,
           "peak_parts_mb": last.peak_parts, "cpu_parts_s": last.cpu_parts, "runs": len(results), "seconds_all": [round(r.seconds, 1) for r in results],
           "peak_rss_mb_all": [round(r.peak_rss / 2**20) for r in results], "timeline": last.timeline,
           "peak_pss_at_s": last.peak_pss_at, "peak_pss_parts_mb": last.peak_pss_parts}
    if last.stages:
        row["stages"] = last.stages
    if last.parts:
        row["parts"] = last.parts
    return row


def table(rows: list[dict]) -> str:
    head = ("| tool | concurrency | pages | seconds | pages/s | CPU s | CPU s/page | peak RSS (tree) | peak PSS (tree) | findings |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    lines = [head]
    for r in rows:
        findings = f"axe {r['axe_failed']}"
        if r["tool"].startswith("a11y-audit") and "floor" not in r["tool"]:
            findings += f" + ours {r['own_failed']}"
            if r["documents"]:
                findings += f" (+ {r['documents']} PDF)"
        cpu_page = r["cpu_s"] / r["pages"] if r["pages"] else 0
        lines.append(f"| {r['tool']} | {r['concurrency']} | {r['pages']} | {r['seconds']:.1f} | "
                     f"{r['pages_per_s']:.2f} | {r['cpu_s']:.0f} | {cpu_page:.2f} | {r['peak_rss_mb']} MB | "
                     f"{r['peak_pss_mb']} MB | "
                     f"{findings} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each tool; the table shows medians")
    parser.add_argument("--only", default=",".join(TOOLS),
                        help=f"comma-separated subset of {','.join(TOOLS)} (pa11y4 = pa11y-ci at concurrency 4)")
    parser.add_argument("--ours-concurrency", type=int, default=2, help="crawl.concurrency of our run")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (runs, peers' outputs)")
    parser.add_argument("--grid", default=None, metavar="URL",
                        help="gather our pages on this Selenium Grid (a11y-audit run --grid); the grid's own "
                             "processes are not in the measured tree")
    parser.add_argument("--slots", default="1", help="with --grid: comma-separated slot counts to measure, e.g. 1,2")
    parser.add_argument("--ours-tree", type=Path, default=REPO,
                        help="the checkout of a11y-audit that tool 'ours' runs (default: this one)")
    parser.add_argument("--ours-args", default="", help="more arguments for tool 'ours'\'s a11y-audit run, e.g. "
                        "--no-part-reuse or --verify-reuse")
    parser.add_argument("--proposed-args", default="", help="more arguments for tool 'proposed'\'s a11y-audit run")
    parser.add_argument("--peers-chromium", default=CHROMIUM, metavar="PATH",
                        help="the Chromium pa11y-ci runs (default: Debian's full /usr/bin/chromium)")
    parser.add_argument("--ours-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for tool 'ours' only, e.g. A11Y_AUDIT_CHROMIUM=/usr/bin/chromium")
    parser.add_argument("--proposed-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for tool 'proposed' only")
    parser.add_argument("--proposed", type=Path, default=None,
                        help="another checkout of a11y-audit (with changes to measure): tool 'proposed' runs it")
    args = parser.parse_args(argv)
    PEERS_CHROMIUM[0] = args.peers_chromium
    environs = {}
    for tool, pairs in (("ours", args.ours_env), ("proposed", args.proposed_env)):
        if any("=" not in pair for pair in pairs):
            parser.error(f"--{tool}-env takes NAME=VALUE")
        environs[tool] = dict(pair.split("=", 1) for pair in pairs)
    tools = [t.strip() for t in args.only.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if "proposed" in tools and args.proposed is None:
        parser.error("tool 'proposed' needs --proposed PATH")
    if args.proposed is not None and "proposed" not in tools:
        tools.insert(1, "proposed")
    if unknown or args.pages < 1 or args.repeat < 1:
        parser.error(f"unknown tool {unknown[0]!r}" if unknown else "--pages and --repeat must be positive")
    if any(t not in ("ours", "proposed", "floor") for t in tools):
        ensure_peers()

    from bench.site import SiteServer, generate

    OUT.mkdir(parents=True, exist_ok=True)
    work_root = Path(tempfile.mkdtemp(prefix=f"compare-{args.pages}-", dir=OUT))
    info = generate(work_root / "site", args.pages, args.seed)
    results: dict[str, list[Result]] = {t: [] for t in tools}
    load = []
    with SiteServer(info) as server:
        urls = [server.url + p.path for p in info.pages]
        for rep in range(args.repeat):
            for tool in tools:
                work = work_root / f"{tool}-{rep + 1}"
                work.mkdir()
                load.append(os.getloadavg()[0])
                if tool in ("ours", "proposed") and args.grid:
                    tree = args.proposed.resolve() if tool == "proposed" else args.ours_tree.resolve()
                    label = "a11y-audit (proposed)" if tool == "proposed" else "a11y-audit"
                    for n in (int(x) for x in args.slots.split(",")):
                        slot_work = work / f"slots-{n}"
                        slot_work.mkdir()
                        r = run_ours(server.url, args.pages, slot_work, max(n, args.ours_concurrency), tree, label,
                                     args.grid, n)
                        results.setdefault(f"{tool}-grid-{n}", []).append(r)
                        print(f"[{rep + 1}/{args.repeat}] {r.tool}: {r.pages} pages in {r.seconds:.1f} s",
                              file=sys.stderr)
                    continue
                if tool == "ours":
                    r = run_ours(server.url, args.pages, work, args.ours_concurrency, args.ours_tree.resolve(),
                                 extra=shlex.split(args.ours_args), environ=environs["ours"])
                elif tool == "proposed":
                    r = run_ours(server.url, args.pages, work, args.ours_concurrency, args.proposed.resolve(),
                                 "a11y-audit (proposed)", extra=shlex.split(args.proposed_args),
                                 environ=environs["proposed"])
                elif tool == "floor":
                    r = run_floor(urls, work, args.ours_concurrency)
                elif tool == "pa11y":
                    r = run_pa11y(urls, work, None)
                elif tool == "pa11y4":
                    r = run_pa11y(urls, work, 4)
                else:
                    r = run_axe_cli(urls, work)
                results[tool].append(r)
                print(f"[{rep + 1}/{args.repeat}] {r.tool} c={r.concurrency}: {r.pages} pages in {r.seconds:.1f} s, "
                      f"CPU {r.cpu:.0f} s, peak RSS {r.peak_rss / 2**20:.0f} MB, PSS {r.peak_pss / 2**20:.0f} MB "
                      f"(load {load[-1]:.1f})",
                      file=sys.stderr)
                if not args.keep:
                    shutil.rmtree(work / "runs", ignore_errors=True)
    rows = [_median_row(rs) for rs in results.values() if rs]
    report = {"pages": args.pages, "seed": args.seed, "repeat": args.repeat, "cores": os.cpu_count(),
              "load_at_start_of_each_run": [round(x, 1) for x in load], "rows": rows}
    peer = results.get("pa11y4") or results.get("pa11y")
    if peer:
        for tool, key in (("ours", "axe_agreement"), ("proposed", "axe_agreement_proposed"),
                          ("floor", "axe_agreement_floor")):
            if results.get(tool) and results[tool][-1].returncode == 0:
                report[key] = compare_findings(results[tool][-1], peer[-1], rule_tags())
    if results.get("ours") and results.get("proposed"):
        a, b = results["ours"][-1], results["proposed"][-1]
        report["proposed_same_findings"] = {"axe": a.pairs == b.pairs, "axe_nodes": a.axe_nodes == b.axe_nodes,
                                            "own": a.own == b.own,
                                            "own_only_current": sorted(a.own - b.own)[:10],
                                            "own_only_proposed": sorted(b.own - a.own)[:10]}
        print(f"proposed vs current, same findings: {report['proposed_same_findings']}")
    text = table(rows)
    print(text)
    for row in rows:
        if row.get("stages"):
            print(f"{row['tool']}, median seconds a page by stage:",
                  ", ".join(f"{k} {v}" for k, v in row["stages"].items()))
    for row in rows:
        if row.get("parts"):
            print(f"{row['tool']}: shared parts: {row['parts']}")
    for row in rows:
        print(f"{row['tool']} c={row['concurrency']}: RSS at the peak by process, MB: {row['peak_parts_mb']}")
        print(f"{row['tool']} c={row['concurrency']}: PSS at its peak ({row.get('peak_pss_at_s')} s in) by process, MB: "
              f"{row.get('peak_pss_parts_mb')}")
        print(f"{row['tool']} c={row['concurrency']}: CPU s by process: {row.get('cpu_parts_s')}")
        if row.get("timeline"):
            print(f"{row['tool']} c={row['concurrency']}: tree RSS / PSS every 20 s, MB:",
                  " ".join(f"{t:.0f}s:{r}/{p}" for t, r, p in row["timeline"]))
    for key in ("axe_agreement", "axe_agreement_proposed", "axe_agreement_floor"):
        if key in report:
            agreement = report[key]
            print(f"axe findings on common rules ({key}), (page, rule) pairs: ours "
                  f"{agreement['common_rules_pairs_ours']}, pa11y-ci {agreement['common_rules_pairs_pa11y']}, "
                  f"both {agreement['both']}; equal: {agreement['equal']}; only ours {agreement['only_ours'][:5]}, "
                  f"only pa11y-ci {agreement['only_pa11y'][:5]}")
    name = f"compare-{args.pages}"
    (OUT / f"{name}.json").write_text(json.dumps(report, indent=2, default=list), encoding="utf-8")
    (OUT / f"{name}.md").write_text(text + "\n", encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work_root, ignore_errors=True)
    print(f"written: {OUT / name}.json, {OUT / name}.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
