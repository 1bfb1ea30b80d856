"""The on-disk run folder and the SQLite index: the only module that knows the layout.

Layout::

    runs/
      a11y-audit.sqlite                 the index of every run, page and finding (history)
      <site>/<timestamp>/               one run
        run.json                        what was run, with which tool versions
        pages/<page-id>/                one folder a page: source.html, dom.html, axe.json,
                                        screenshot.png, probes.json
        reports/                        rendered outputs

Everything is written as it goes (one transaction per page), so an interrupted run keeps what was
gathered and ``run --resume`` finishes it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit import words
from audit.address import page_id  # noqa: F401 - the run folder is named by it (re-exported)
from audit.model import Finding, Impact, Outcome, PageKind, PageRef, PageSnapshot, PageState, Source

DB_NAME = "a11y-audit.sqlite"
BUSY_TIMEOUT = 30.0  # seconds to wait for another a11y-audit that holds the database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    base_url TEXT NOT NULL,
    folder TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS pages (
    run_id TEXT NOT NULL REFERENCES runs(id),
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    url TEXT NOT NULL,
    final_url TEXT,
    kind TEXT NOT NULL,
    via TEXT NOT NULL,
    depth INTEGER NOT NULL,
    referrer TEXT,
    name TEXT,
    journey TEXT,
    step INTEGER,
    state TEXT NOT NULL,
    status INTEGER,
    title TEXT,
    content_type TEXT,
    content_hash TEXT,
    error TEXT,
    timings TEXT NOT NULL DEFAULT '{}',
    files TEXT NOT NULL DEFAULT '{}',
    boxes TEXT NOT NULL DEFAULT '{}',
    links TEXT NOT NULL DEFAULT '[]',
    reused_from TEXT,
    saves INTEGER NOT NULL DEFAULT 0,
    validators TEXT NOT NULL DEFAULT '{}',
    same_as TEXT,
    canonical TEXT,
    render_hash TEXT,
    PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id),
    page_key TEXT NOT NULL,
    page_url TEXT NOT NULL,
    check_id TEXT NOT NULL,
    source TEXT NOT NULL,
    outcome TEXT NOT NULL,
    impact TEXT,
    rgaa_tests TEXT NOT NULL,
    wcag TEXT NOT NULL,
    selector TEXT,
    xpath TEXT,
    snippet TEXT,
    message TEXT NOT NULL,
    title TEXT NOT NULL,
    help_url TEXT,
    how_to_fix TEXT NOT NULL,
    question TEXT,
    fingerprint TEXT NOT NULL,
    conclusive INTEGER NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS results (
    run_id TEXT PRIMARY KEY REFERENCES runs(id),
    inputs_key TEXT NOT NULL,
    made TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS declarations (
    site TEXT NOT NULL,
    lang TEXT NOT NULL,
    established TEXT NOT NULL,
    updated TEXT NOT NULL,
    content_key TEXT NOT NULL,
    run_id TEXT,
    state TEXT,
    PRIMARY KEY (site, lang)
);
-- an auditor's answers, one an RGAA test of a criterion on a page of a site (test '' = the whole criterion);
-- basis: what the answer was given on (the page's content and the findings bearing on the criterion), so that
-- a later run tells whether it still holds; version: raised on each save (two people, one cell)
CREATE TABLE IF NOT EXISTS verdicts (
    site TEXT NOT NULL,
    page TEXT NOT NULL,
    criterion TEXT NOT NULL,
    test TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    derogation TEXT NOT NULL DEFAULT '',
    auditor TEXT NOT NULL,
    at TEXT NOT NULL,
    run_id TEXT,
    basis TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (site, page, criterion, test)
);
CREATE TABLE IF NOT EXISTS verdict_history (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL, page TEXT NOT NULL, criterion TEXT NOT NULL, test TEXT NOT NULL,
    status TEXT NOT NULL, comment TEXT NOT NULL, derogation TEXT NOT NULL, auditor TEXT NOT NULL, at TEXT NOT NULL,
    run_id TEXT, version INTEGER NOT NULL
);
-- the manager's remediation plan: an issue of the remediation report (by its key) with an owner, a target date
-- and a state
CREATE TABLE IF NOT EXISTS plan (
    site TEXT NOT NULL,
    issue TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    due TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'todo',
    updated TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (site, issue)
);
-- a declaration published from the workspace: the files written and the date
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    run_id TEXT NOT NULL,
    published TEXT NOT NULL,
    audit_date TEXT,
    by TEXT NOT NULL,
    folder TEXT NOT NULL,
    state TEXT
);
CREATE INDEX IF NOT EXISTS findings_run ON findings(run_id, page_key);
CREATE INDEX IF NOT EXISTS pages_state ON pages(run_id, state);
"""


class StoreError(Exception):
    """A run that cannot be found or opened, phrased for the user."""


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: str
    site: str
    base_url: str
    folder: Path
    started: str
    finished: str | None
    status: str  # running | complete | interrupted | failed
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredVerdict:
    """One answer of an auditor, as the store keeps it (see the ``verdicts`` table)."""

    site: str
    page: str  # the page's reference in the sample: its URL path or journey:<id>:<step>
    criterion: str
    test: str  # "" for the whole criterion
    status: str  # C | NC | NA
    comment: str = ""
    derogation: str = ""  # "" | disproportionate (charge disproportionnée)
    auditor: str = ""
    at: str = ""
    run_id: str | None = None
    basis: str = ""  # JSON: what the answer was given on (audit.assessment.verdict_basis)
    version: int = 0


class VerdictConflict(Exception):
    """Someone saved the same cell since the person saw it: nothing was written."""

    def __init__(self, current: StoredVerdict | None):
        super().__init__("verdict changed since it was read")
        self.current = current


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    def __init__(self, root: str | Path = "runs", remember_findings: bool = False):
        self.root = Path(root)
        self.remember_findings = remember_findings
        self.root.mkdir(parents=True, exist_ok=True)
        file = self.root / DB_NAME
        try:
            self.db = sqlite3.connect(file, timeout=BUSY_TIMEOUT)
        except sqlite3.Error as exc:
            raise StoreError(words.text("impossible d'ouvrir la base d'audits {file} ({error}) : ce doit être un fichier que l'utilisateur qui lance a11y-audit peut lire et écrire ; sinon indiquez un autre dossier avec --runs-dir.", file=file, error=exc)) from None
        try:
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._migrate()
            self.db.commit()
        except sqlite3.OperationalError as exc:  # busy, a folder in its place, no permission, …
            self.db.close()
            busy = getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if busy:
                raise StoreError(words.text("la base d'audits {file} est restée occupée par un autre processus pendant {seconds} s : attendez la fin de l'autre audit, ou indiquez un autre dossier avec --runs-dir.", file=file, seconds=round(BUSY_TIMEOUT))) from None
            raise StoreError(words.text("impossible d'ouvrir la base d'audits {file} ({error}) : ce doit être un fichier que l'utilisateur qui lance a11y-audit peut lire et écrire ; sinon indiquez un autre dossier avec --runs-dir.", file=file, error=exc)) from None
        except sqlite3.Error as exc:  # another kind of file, or a damaged one
            self.db.close()
            raise StoreError(words.text("{file} n'est pas une base d'audits lisible ({error}) : déplacez ce fichier, ou indiquez un autre dossier des audits avec --runs-dir.", file=file, error=exc)) from None

    def _migrate(self) -> None:
        """Stores made by earlier versions (a CI cache of runs/) gain the columns added since."""
        columns = {r["name"] for r in self.db.execute("PRAGMA table_info(pages)")}
        for name, ddl in (("saves", "INTEGER NOT NULL DEFAULT 0"), ("validators", "TEXT NOT NULL DEFAULT '{}'"),
                          ("same_as", "TEXT"), ("canonical", "TEXT"), ("render_hash", "TEXT")):
            if name not in columns:
                self.db.execute(f"ALTER TABLE pages ADD COLUMN {name} {ddl}")
        if "state" not in {r["name"] for r in self.db.execute("PRAGMA table_info(declarations)")}:
            self.db.execute("ALTER TABLE declarations ADD COLUMN state TEXT")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- runs -----------------------------------------------------------------------------

    def create_run(self, site: str, base_url: str, meta: dict[str, Any]) -> RunInfo:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")[:-4] + "Z"
        run_id = f"{site}/{stamp}"
        folder = self.root / site / stamp
        folder.mkdir(parents=True, exist_ok=False)
        started = now_iso()
        with self.db:
            self.db.execute(
                "INSERT INTO runs (id, site, base_url, folder, started, status, meta) VALUES (?,?,?,?,?,?,?)",
                (run_id, site, base_url, str(folder.relative_to(self.root)), started, "running",
                 json.dumps(meta, ensure_ascii=False)),
            )
        (folder / "run.json").write_text(json.dumps({"id": run_id, "site": site, "base_url": base_url,
                                                      "started": started, **meta}, indent=2,
                                                     ensure_ascii=False), encoding="utf-8")
        return self.run(run_id)

    def _run_from_row(self, row: sqlite3.Row) -> RunInfo:
        return RunInfo(id=row["id"], site=row["site"], base_url=row["base_url"],
                       folder=self.root / row["folder"], started=row["started"], finished=row["finished"],
                       status=row["status"], meta=json.loads(row["meta"]))

    def run(self, ref: str) -> RunInfo:
        """A run by id ("site/stamp"), by folder path, or "latest" / "<site>" for the newest one."""
        ref = ref.strip().rstrip("/")
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (ref,)).fetchone()
        if row is None:
            candidate = Path(ref)
            try:
                rel = candidate.resolve().relative_to(self.root.resolve())
                row = self.db.execute("SELECT * FROM runs WHERE folder = ?", (str(rel),)).fetchone()
            except ValueError:
                row = None
        if row is None and ref == "latest":
            row = self.db.execute("SELECT * FROM runs ORDER BY started DESC, id DESC LIMIT 1").fetchone()
        if row is None and "/" not in ref:
            row = self.db.execute("SELECT * FROM runs WHERE site = ? ORDER BY started DESC, id DESC LIMIT 1",
                                  (ref,)).fetchone()
        if row is None:
            known = [r["id"] for r in self.db.execute("SELECT id FROM runs ORDER BY started DESC LIMIT 5")]
            hint = (words.text("Donnez l'identifiant d'un audit (site/horodatage), son dossier, un identifiant de site ou latest ; audits récents : {runs}.", runs=", ".join(known)) if known
                    else words.text("Aucun audit n'y est enregistré : lancez-en un avec `a11y-audit run`."))
            raise StoreError(words.text("aucun audit « {ref} » dans {folder}. {hint}", ref=ref, folder=self.root, hint=hint))
        return self._run_from_row(row)

    def runs(self, site: str | None = None) -> list[RunInfo]:
        sql, args = "SELECT * FROM runs", ()
        if site:
            sql, args = sql + " WHERE site = ?", (site,)
        return [self._run_from_row(r) for r in self.db.execute(sql + " ORDER BY started, id", args)]

    def latest_unfinished(self, site: str) -> RunInfo | None:
        row = self.db.execute(
            "SELECT * FROM runs WHERE site = ? AND status IN ('running', 'interrupted') "
            "ORDER BY started DESC, id DESC LIMIT 1", (site,)).fetchone()
        return self._run_from_row(row) if row else None

    def previous_complete(self, site: str, before: str) -> RunInfo | None:
        row = self.db.execute(
            "SELECT * FROM runs WHERE site = ? AND status = 'complete' AND id < ? ORDER BY id DESC LIMIT 1",
            (site, before)).fetchone()
        return self._run_from_row(row) if row else None

    def set_status(self, run_id: str, status: str) -> None:
        finished = now_iso() if status == "complete" else None
        with self.db:
            self.db.execute("UPDATE runs SET status = ?, finished = ? WHERE id = ?", (status, finished, run_id))

    def fail_run(self, run_id: str, reason: str, url: str | None = None, error: str | None = None) -> None:
        """A run that audited nothing (unreachable site, no page, every page in error): stored as failed, with
        why (``reason``: unreachable | no_pages | all_errors), never as a complete run of zero findings."""
        self.update_meta(run_id, failure={"reason": reason, "url": url, "error": error})
        with self.db:
            self.db.execute("UPDATE runs SET status = 'failed', finished = ? WHERE id = ?", (now_iso(), run_id))

    # --- assessed results -------------------------------------------------------------------

    def save_result(self, run: RunInfo, inputs_key: str, data: bytes) -> None:
        """The assessed result of ``run`` (an opaque blob made by audit.assessment) for these inputs."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO results (run_id, inputs_key, made, data) VALUES (?,?,?,?)",
                            (run.id, inputs_key, now_iso(), data))

    def load_result(self, run: RunInfo, inputs_key: str) -> bytes | None:
        """The stored result of ``run`` when it was assessed with the same inputs, else None."""
        row = self.db.execute("SELECT data FROM results WHERE run_id = ? AND inputs_key = ?",
                              (run.id, inputs_key)).fetchone()
        return bytes(row["data"]) if row else None

    # --- an auditor's verdicts (the workspace, grid import) ---------------------------------------

    def verdicts(self, site: str) -> list[StoredVerdict]:
        rows = self.db.execute("SELECT * FROM verdicts WHERE site = ? ORDER BY page, criterion, test", (site,))
        return [StoredVerdict(**{k: r[k] for k in r.keys()}) for r in rows]

    def verdicts_key(self, site: str) -> str:
        """A digest of the site's verdicts as they stand (an input of its assessed results)."""
        row = self.db.execute("SELECT COUNT(*) AS n, COALESCE(SUM(version), 0) AS v, MAX(at) AS at FROM verdicts "
                              "WHERE site = ?", (site,)).fetchone()
        return f"{row['n']}:{row['v']}:{row['at'] or ''}"

    def save_verdict(self, verdict: StoredVerdict, expected_version: int | None = None) -> StoredVerdict:
        """Write one answer. ``expected_version``: the version the person saw (0 for an empty cell); when the
        cell has changed since, nothing is written and :class:`VerdictConflict` says who changed it."""
        with self.db:
            row = self.db.execute("SELECT * FROM verdicts WHERE site = ? AND page = ? AND criterion = ? AND test = ?",
                                  (verdict.site, verdict.page, verdict.criterion, verdict.test)).fetchone()
            current = StoredVerdict(**{k: row[k] for k in row.keys()}) if row else None
            if expected_version is not None and (current.version if current else 0) != expected_version:
                raise VerdictConflict(current)
            version = (current.version if current else 0) + 1
            saved = replace(verdict, version=version)
            self.db.execute("INSERT OR REPLACE INTO verdicts (site, page, criterion, test, status, comment, derogation,"
                            " auditor, at, run_id, basis, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            (saved.site, saved.page, saved.criterion, saved.test, saved.status, saved.comment,
                             saved.derogation, saved.auditor, saved.at, saved.run_id, saved.basis, version))
            self.db.execute("INSERT INTO verdict_history (site, page, criterion, test, status, comment, derogation,"
                            " auditor, at, run_id, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            (saved.site, saved.page, saved.criterion, saved.test, saved.status, saved.comment,
                             saved.derogation, saved.auditor, saved.at, saved.run_id, version))
        return saved

    def delete_verdict(self, site: str, page: str, criterion: str, test: str = "") -> None:
        with self.db:
            self.db.execute("DELETE FROM verdicts WHERE site = ? AND page = ? AND criterion = ? AND test = ?",
                            (site, page, criterion, test))

    def verdict_history(self, site: str, page: str, criterion: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM verdict_history WHERE site = ? AND page = ? AND criterion = ? ORDER BY id",
                               (site, page, criterion))
        return [dict(r) for r in rows]

    # --- the remediation plan and the publications --------------------------------------------

    def plan(self, site: str) -> dict[str, dict[str, Any]]:
        return {r["issue"]: dict(r) for r in self.db.execute("SELECT * FROM plan WHERE site = ?", (site,))}

    def save_plan_item(self, site: str, issue: str, title: str, owner: str, due: str, state: str, by: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO plan (site, issue, title, owner, due, state, updated, updated_by)"
                            " VALUES (?,?,?,?,?,?,?,?)", (site, issue, title, owner, due, state, now_iso(), by))

    def record_publication(self, site: str, run_id: str, audit_date: str | None, by: str, folder: str,
                           state: str | None) -> None:
        with self.db:
            self.db.execute("INSERT INTO publications (site, run_id, published, audit_date, by, folder, state) VALUES "
                            "(?,?,?,?,?,?,?)", (site, run_id, now_iso(), audit_date, by, folder, state))

    def publications(self, site: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM publications WHERE site = ? ORDER BY id", (site,))]

    # --- declarations -----------------------------------------------------------------------

    def declaration_dates(self, site: str, lang: str = "fr") -> tuple[str, str, str] | None:
        """(established, updated, content key) of the site's declaration as last written, or None."""
        row = self.db.execute("SELECT established, updated, content_key FROM declarations WHERE site = ? AND lang = ?",
                              (site, lang)).fetchone()
        return (row["established"], row["updated"], row["content_key"]) if row else None

    def record_declaration(self, site: str, lang: str, established: str, updated: str, content_key: str,
                           run_id: str | None = None, state: str | None = None) -> None:
        """Keep the dates of the site's declaration: « établie le » (first written) and « mise à jour le » (the
        last time what it says changed, ``content_key`` being a digest of what it says), and the compliance state
        it declares (what the site's own mention must show)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO declarations (site, lang, established, updated, content_key, run_id,"
                            " state) VALUES (?,?,?,?,?,?,?)",
                            (site, lang, established, updated, content_key, run_id, state))

    def declared_state(self, site: str) -> str | None:
        """The compliance state of the site's last written (French) declaration, or None."""
        row = self.db.execute("SELECT state FROM declarations WHERE site = ? AND lang = 'fr'", (site,)).fetchone()
        return row["state"] if row else None

    def forget_result(self, run: RunInfo) -> None:
        with self.db:
            self.db.execute("DELETE FROM results WHERE run_id = ?", (run.id,))

    def update_meta(self, run_id: str, **values: Any) -> None:
        run = self.run(run_id)
        meta = {**run.meta, **values}
        with self.db:
            self.db.execute("UPDATE runs SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), run_id))

    # --- pages ----------------------------------------------------------------------------

    def page_dir(self, run: RunInfo, key: str) -> Path:
        folder = run.folder / "pages" / page_id(key)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def queue(self, run: RunInfo, ref: PageRef) -> None:
        """Remember a page to audit (idempotent): the frontier survives an interruption."""
        with self.db:
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM pages WHERE run_id = ?",
                                  (run.id,)).fetchone()[0]
            self.db.execute(
                "INSERT OR IGNORE INTO pages (run_id, key, seq, url, kind, via, depth, referrer, name, journey,"
                " step, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (run.id, ref.key, seq, ref.url, ref.kind.value, ref.via, ref.depth, ref.referrer, ref.name,
                 ref.journey, ref.step, PageState.QUEUED.value))

    def save_page(self, run: RunInfo, snap: PageSnapshot, findings: Iterable[Finding] = (),
                  copied: tuple[RunInfo, str] | None = None) -> None:
        """Record a gathered page and its findings in one transaction: DUPLICATE when ``snap.same_as`` names the
        page it is (never audited, no findings), ERROR when it has an error (an HTTP error included), else DONE.

        ``copied`` (an earlier run, a page key there): that page's findings are the page's too, copied row by row
        inside the database (incremental runs: nothing decoded, nothing encoded again)."""
        state = PageState.DUPLICATE if snap.same_as else PageState.ERROR if snap.error else PageState.DONE
        with self.db:
            exists = self.db.execute("SELECT 1 FROM pages WHERE run_id = ? AND key = ?",
                                     (run.id, snap.key)).fetchone()
            if not exists:
                self.queue_raw(run, snap)
            self.db.execute(
                "UPDATE pages SET final_url=?, kind=?, name=COALESCE(?, name), journey=?, step=?, state=?,"
                " status=?, title=?, content_type=?, content_hash=?, error=?, timings=?, files=?, boxes=?,"
                " links=?, reused_from=?, validators=?, same_as=?, canonical=?, render_hash=?, saves=saves+1"
                " WHERE run_id=? AND key=?",
                (snap.final_url, snap.kind.value, snap.name, snap.journey, snap.step, state.value, snap.status,
                 snap.title, snap.content_type, snap.content_hash, snap.error, json.dumps(snap.timings),
                 json.dumps(snap.files), json.dumps(snap.boxes), json.dumps(snap.links), snap.reused_from,
                 json.dumps(snap.validators), snap.same_as, snap.canonical, snap.render_hash, run.id, snap.key))
            self.db.execute("DELETE FROM findings WHERE run_id = ? AND page_key = ?", (run.id, snap.key))
            self._insert_findings(run.id, findings)
            if copied is not None:
                self._copy_findings(run, {copied[1]: (snap.key, snap.url)}, copied[0])
            self.db.execute("DELETE FROM results WHERE run_id = ?", (run.id,))

    def _copy_findings(self, run: RunInfo, pages: dict[str, tuple[str, str]], source: RunInfo,
                       check_ids: list[str] | None = None) -> None:
        """Copy ``source``'s findings of the given pages (its page key -> (key, URL) in ``run``), of the given checks
        only when ``check_ids`` is set, in their order, inside the database (nothing decoded, nothing encoded again);
        inside the caller's transaction."""
        where = f" AND f.check_id IN ({','.join('?' * len(check_ids))})" if check_ids is not None else ""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS copied_pages (old_key TEXT PRIMARY KEY, key TEXT, url TEXT)")
        self.db.execute("DELETE FROM copied_pages")
        self.db.executemany("INSERT INTO copied_pages VALUES (?, ?, ?)",
                            [(old, key, url) for old, (key, url) in pages.items()])
        self.db.execute(
            f"INSERT INTO findings (run_id, page_key, page_url, {', '.join(_FINDING_COLUMNS)})"
            f" SELECT ?, m.key, m.url, {', '.join('f.' + c for c in _FINDING_COLUMNS)}"
            f" FROM findings f JOIN copied_pages m ON m.old_key = f.page_key WHERE f.run_id = ?{where} ORDER BY f.id",
            (run.id, source.id, *(check_ids or ())))

    def failed_count(self, run: RunInfo, page_key: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM findings WHERE run_id = ? AND page_key = ? AND outcome = ?",
                               (run.id, page_key, Outcome.FAILED.value)).fetchone()[0]

    def queue_raw(self, run: RunInfo, snap: PageSnapshot) -> None:
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM pages WHERE run_id = ?",
                              (run.id,)).fetchone()[0]
        self.db.execute(
            "INSERT INTO pages (run_id, key, seq, url, kind, via, depth, name, journey, step, state)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (run.id, snap.key, seq, snap.url, snap.kind.value, "journey" if snap.journey else "link", 0,
             snap.name, snap.journey, snap.step, PageState.QUEUED.value))

    def _snapshot(self, row: sqlite3.Row) -> PageSnapshot:
        return PageSnapshot(
            key=row["key"], url=row["url"], final_url=row["final_url"], status=row["status"],
            kind=PageKind(row["kind"]), name=row["name"], journey=row["journey"], step=row["step"],
            title=row["title"], content_type=row["content_type"], content_hash=row["content_hash"],
            error=row["error"], timings=json.loads(row["timings"]), files=json.loads(row["files"]),
            links=json.loads(row["links"]), boxes=json.loads(row["boxes"]), reused_from=row["reused_from"],
            validators=json.loads(row["validators"]), same_as=row["same_as"], canonical=row["canonical"],
            render_hash=row["render_hash"])

    def pages(self, run: RunInfo, state: PageState | None = None, duplicates: bool = False) -> list[PageSnapshot]:
        """The run's pages in the order they were found: audited ones (DONE), ones that could not be (ERROR,
        HTTP errors included) and ones still QUEUED. Pages that turned out to be another page (DUPLICATE, with
        ``same_as``) only with ``duplicates=True`` or ``state=PageState.DUPLICATE``: one final URL is one page."""
        sql, args = "SELECT * FROM pages WHERE run_id = ?", [run.id]
        if state is not None:
            sql += " AND state = ?"
            args.append(state.value)
        elif not duplicates:
            sql += " AND state != ?"
            args.append(PageState.DUPLICATE.value)
        return [self._snapshot(r) for r in self.db.execute(sql + " ORDER BY seq", args)]

    def aliases(self, run: RunInfo) -> dict[str, str]:
        """Every other address of a page of the run -> that page's key: the URL and final URL of each duplicate
        (a pinned sample path that turned out to be another page is found through it)."""
        out: dict[str, str] = {}
        rows = self.db.execute("SELECT url, final_url, same_as FROM pages WHERE run_id = ? AND state = ? ORDER BY seq",
                               (run.id, PageState.DUPLICATE.value))
        for r in rows:
            for url in (r["url"], r["final_url"]):
                if url and url != r["same_as"]:
                    out.setdefault(url, r["same_as"])
        return out

    def page_refs(self, run: RunInfo, state: PageState) -> list[PageRef]:
        rows = self.db.execute("SELECT * FROM pages WHERE run_id = ? AND state = ? ORDER BY seq",
                               (run.id, state.value))
        return [PageRef(url=r["url"], depth=r["depth"], via=r["via"], kind=PageKind(r["kind"]), name=r["name"],
                        journey=r["journey"], step=r["step"], referrer=r["referrer"]) for r in rows]

    def page_links(self, run: RunInfo) -> list[tuple[PageRef, list[str]]]:
        """Audited pages (and duplicates: a page named canonical by another may link elsewhere) with the links
        found on them: rebuilds the crawl frontier on --resume."""
        rows = self.db.execute("SELECT * FROM pages WHERE run_id = ? AND state IN (?, ?) ORDER BY seq",
                               (run.id, PageState.DONE.value, PageState.DUPLICATE.value))
        return [(PageRef(url=r["url"], depth=r["depth"], via=r["via"], kind=PageKind(r["kind"]),
                         journey=r["journey"], step=r["step"]), json.loads(r["links"])) for r in rows]

    def done_keys(self, run: RunInfo) -> set[str]:
        rows = self.db.execute("SELECT key FROM pages WHERE run_id = ? AND state != ?",
                               (run.id, PageState.QUEUED.value))
        return {r["key"] for r in rows}

    def page_counts(self, run: RunInfo) -> dict[str, int]:
        rows = self.db.execute("SELECT state, COUNT(*) AS n FROM pages WHERE run_id = ? GROUP BY state", (run.id,))
        return {r["state"]: r["n"] for r in rows}

    # --- findings -------------------------------------------------------------------------

    def _insert_findings(self, run_id: str, findings: Iterable[Finding]) -> int:
        """Insert ``findings`` (read as they are written: a generator is never held whole); returns how many."""
        return self.db.executemany(
            f"INSERT INTO findings (run_id, page_key, page_url, {', '.join(_FINDING_COLUMNS)})"
            f" VALUES ({','.join('?' * (3 + len(_FINDING_COLUMNS)))})",
            ((run_id, f.page_key, f.page_url, f.check_id, f.source.value, f.outcome.value,
              f.impact.value if f.impact else None, json.dumps(list(f.rgaa_tests)), json.dumps(list(f.wcag)),
              f.selector, f.xpath, f.snippet, f.message, f.title, f.help_url, f.how_to_fix, f.question,
              f.fingerprint, int(f.conclusive), json.dumps(f.extra, ensure_ascii=False)) for f in findings)).rowcount

    def replace_findings(self, run: RunInfo, findings: Iterable[Finding], sources: Iterable[Source]) -> int:
        """Re-checking a run offline replaces the findings of the given sources (``findings`` may be a
        generator: it is read as it is written, in one transaction); returns how many were written."""
        names = [s.value for s in sources]
        with self.db:
            self.db.execute(f"DELETE FROM findings WHERE run_id = ? AND source IN ({','.join('?' * len(names))})",
                            (run.id, *names))
            self.db.execute("DELETE FROM results WHERE run_id = ?", (run.id,))
            return self._insert_findings(run.id, findings)

    def replace_check_findings(self, run: RunInfo, check_ids: list[str], findings: Iterable[Finding],
                               copied: tuple[RunInfo, dict[str, tuple[str, str]]] | None = None) -> None:
        """The given checks' findings of ``run`` replaced, in one transaction, by ``findings`` and, with ``copied``
        (an earlier run, its page key -> (key, URL) in ``run``), by that run's findings of those checks and pages."""
        with self.db:
            self.db.executemany("DELETE FROM findings WHERE run_id = ? AND check_id = ?",
                                [(run.id, c) for c in check_ids])
            self.db.execute("DELETE FROM results WHERE run_id = ?", (run.id,))
            self._insert_findings(run.id, findings)
            if copied is not None:
                self._copy_findings(run, copied[1], copied[0], list(check_ids))

    def findings(self, run: RunInfo, page_key: str | None = None) -> Iterator[Finding]:
        if self.remember_findings:
            yield from self._remembered(run, page_key)
            return
        sql, args = "SELECT * FROM findings WHERE run_id = ?", [run.id]
        if page_key is not None:
            sql, args = sql + " AND page_key = ?", [run.id, page_key]
        for r in self.db.execute(sql + " ORDER BY id", args):
            yield _finding(_row_values(r))

    def _remembered(self, run: RunInfo, page_key: str | None) -> Iterator[Finding]:
        """The run's findings decoded once per process while they are unchanged (the workspace assesses the same
        run again after each verdict): a row count and the highest row id tell a change."""
        token = tuple(self.db.execute("SELECT COUNT(*), MAX(id) FROM findings WHERE run_id = ?", (run.id,)).fetchone())
        key = (str(self.root.resolve()), run.id)
        kept = _REMEMBERED.get(key)
        if kept is None or kept[0] != token:
            by_page: dict[str, list[tuple]] = {}
            for r in self.db.execute("SELECT * FROM findings WHERE run_id = ? ORDER BY id", (run.id,)):
                by_page.setdefault(r["page_key"], []).append(_row_values(r))
            kept = (token, by_page)
            _REMEMBERED[key] = kept
            while len(_REMEMBERED) > REMEMBERED_RUNS:
                _REMEMBERED.pop(next(iter(_REMEMBERED)))
        rows = kept[1].get(page_key, ()) if page_key is not None else (v for vs in kept[1].values() for v in vs)
        for values in rows:
            yield _finding(values)


# the findings kept decoded by stores that remember them (Store(remember_findings=True)): a few runs at most
_REMEMBERED: dict[tuple[str, str], tuple[tuple, dict[str, list[tuple]]]] = {}
REMEMBERED_RUNS = 2
# the findings table's columns after (run_id, page_key, page_url), as _insert_findings writes them
_FINDING_COLUMNS = ("check_id", "source", "outcome", "impact", "rgaa_tests", "wcag", "selector", "xpath", "snippet",
                    "message", "title", "help_url", "how_to_fix", "question", "fingerprint", "conclusive", "extra")
_FIELDS = ("check_id", "source", "outcome", "page_key", "page_url", "impact", "rgaa_tests", "wcag", "selector",
           "xpath", "snippet", "message", "title", "help_url", "how_to_fix", "question", "fingerprint", "conclusive",
           "extra")


def _row_values(r: sqlite3.Row) -> tuple:
    return (r["check_id"], Source(r["source"]), Outcome(r["outcome"]), r["page_key"], r["page_url"],
            Impact(r["impact"]) if r["impact"] else None, tuple(json.loads(r["rgaa_tests"])),
            tuple(json.loads(r["wcag"])), r["selector"], r["xpath"], r["snippet"], r["message"], r["title"],
            r["help_url"], r["how_to_fix"], r["question"], r["fingerprint"], bool(r["conclusive"]),
            json.loads(r["extra"]))


def _finding(values: tuple) -> Finding:
    """A Finding of its own (its ``extra`` a copy: the assess stage adds the element's line to it)."""
    out = Finding(**dict(zip(_FIELDS, values, strict=True)))
    out.extra = dict(out.extra)
    return out


def snapshot_dict(snap: PageSnapshot) -> dict[str, Any]:
    return asdict(snap)
