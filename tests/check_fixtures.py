"""Shared by tests/test_checks_*.py: the HTML fixtures of our RGAA checks and how to run them.

Each fixture under tests/fixtures/checks/<theme>/ is named after its expected outcome
(``passed-``, ``failed-``, ``inapplicable-``, ``cant_tell-``) and names the checks it is about in a comment:
``<!-- checks: rgaa-1.1-img-alt ... -->``, plus other expectations on the same page in
``<!-- also: rgaa-1.2-decorative=passed ... -->``.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from audit.checks import Evidence, load_checks, run_checks, run_page_checks
from audit.model import Outcome, PageRef, PageSnapshot, worst

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
THEMES = ("images", "frames", "tables", "links", "mandatory", "structure")
OUTCOMES = tuple(o.value for o in Outcome)


@dataclass(frozen=True)
class Fixture:
    path: Path
    outcome: str
    expected: dict[str, str]  # check id -> outcome

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def clean(self) -> bool:
        return self.outcome in ("passed", "inapplicable")


def fixtures(theme: str | None = None) -> list[Fixture]:
    out = []
    for path in sorted(p for t in ((theme,) if theme else THEMES) for p in (FIXTURES / t).glob("*.html")):
        outcome = path.name.split("-", 1)[0]
        assert outcome in OUTCOMES, f"{path}: the file name must start with an outcome"
        text = path.read_text(encoding="utf-8")
        checks = re.search(r"<!-- checks: ([^>]*?) -->", text)
        assert checks, f"{path}: no <!-- checks: ... --> comment"
        expected = {cid: outcome for cid in checks.group(1).split()}
        also = re.search(r"<!-- also: ([^>]*?) -->", text)
        for item in also.group(1).split() if also else ():
            cid, _, value = item.partition("=")
            assert value in OUTCOMES, f"{path}: bad expectation {item}"
            expected[cid] = value
        out.append(Fixture(path, outcome, expected))
    return out


def module_checks(module: str) -> set[str]:
    return {cid for cid, chk in load_checks().items() if chk.module == f"audit.checks.{module}"}


def evidence(path: Path, folder: Path, url: str | None = None, content_type: str = "text/html; charset=utf-8"
             ) -> Evidence:
    """The fixture as gather would have saved it without a browser: the same file as source and DOM."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / "source.html")
    # Chromium's serialisation of the DOM never keeps an XML declaration
    dom = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", path.read_text(encoding="utf-8"))
    (folder / "dom.html").write_text(dom, encoding="utf-8")
    url = url or f"http://127.0.0.1:8000/{path.parent.name}/{path.name}"
    snap = PageSnapshot(key=url, url=url, status=200, content_type=content_type,
                        files={"source": "source.html", "dom": "dom.html"})
    return Evidence(snap, folder)


def outcomes(findings) -> dict[str, str]:
    """Check id -> the worst outcome of its findings on the page."""
    by_check: dict[str, list] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f.outcome)
    return {cid: worst(values).value for cid, values in by_check.items()}


def describe(findings, check_id: str) -> str:
    return "\n".join(f"  {f.outcome} {f.selector} {f.message}" for f in findings if f.check_id == check_id)


def run_fixture(fixture: Fixture, tmp_path: Path, only: set[str] | None = None):
    return run_page_checks(evidence(fixture.path, tmp_path / "page"), only=only)


def gather(chromium: str, urls: list[str], tmp_path: Path):
    """Real Chromium: gather each URL with audit.browser.Browser and run every check on the snapshot."""
    from audit.browser import Browser, GatherOptions

    async def main():
        async with Browser(chromium, GatherOptions(screenshot=False, probes=False)) as browser:
            out = []
            for i, url in enumerate(urls):
                folder = tmp_path / f"page{i}"
                folder.mkdir()
                snap = await browser.gather(PageRef(url=url), folder)
                out.append((snap, run_checks(snap, folder)))
            return out

    return asyncio.run(main())
