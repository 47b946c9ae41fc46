"""What a project remembers of each case file between commands, and which files changed since.

``.casegraph/cache/cache.sqlite`` keeps, per case file (by absolute path), the file's size,
modification time and SHA-256, its case id and IRI, its triples as N-Triples (``cache/nt/*.nt``)
and, once validated, the cases it pointed at (with their hashes then) and its located results
(plain rows, see :mod:`casegraph.resultrows`, and as printed, see
:mod:`casegraph.printedreport`). Beside them: what the embedded store holds (case IRI to
N-Triples file), the cases each case pointed at (``refs``, to find who to check again without
reading every entry), the compiled shapes (pickled), the vocabulary's States, and the last
command's listing of the case files (``cache/listing``, see :mod:`casegraph.listing`). The whole
cache is keyed by the ontology, the shapes, the base IRI and casegraph's own source, so a change
to any of them starts again from nothing.

SQLite, so that a command after one edit writes the few rows that changed, in one transaction
(never half-written), instead of rewriting everything: at 100,000 cases, reading and writing a
pickle of every entry took a second, and the 62,731 results as rdflib terms several more.

A file whose size and modification time are those recorded is taken as unchanged without being
read, as git's index does; a file modified in the same clock tick as the cache was last written
("racily clean") is hashed anyway.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import Project

__all__ = ["CachedCase", "CaseCache", "cached_vocabulary", "file_sha"]

_CACHE_VERSION = 6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, sha TEXT, size INTEGER, mtime_ns INTEGER,
    case_id TEXT, iri TEXT, nt TEXT, triples INTEGER, deps TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_case_id ON entries (case_id);
CREATE INDEX IF NOT EXISTS entries_by_iri ON entries (iri);
CREATE INDEX IF NOT EXISTS entries_by_nt ON entries (nt);
CREATE INDEX IF NOT EXISTS entries_unchecked ON entries (path) WHERE deps IS NULL;
CREATE TABLE IF NOT EXISTS refs (path TEXT, owner TEXT, sha TEXT);
CREATE INDEX IF NOT EXISTS refs_by_path ON refs (path);
CREATE TABLE IF NOT EXISTS graphs (iri TEXT PRIMARY KEY, nt TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS graphs_by_nt ON graphs (nt);
CREATE TABLE IF NOT EXISTS results (file TEXT, ppath TEXT, line INTEGER, col INTEGER, field TEXT,
    message TEXT, severity TEXT, focus TEXT, rpath TEXT, value TEXT, shape TEXT, constraint_ TEXT);
CREATE INDEX IF NOT EXISTS results_by_file ON results (file);
CREATE TABLE IF NOT EXISTS printed (file TEXT PRIMARY KEY, loose INTEGER, errors INTEGER, warnings INTEGER,
    lines TEXT, error_lines TEXT) WITHOUT ROWID;
"""


@dataclass(slots=True)
class CachedCase:
    """What the cache keeps of one case file."""

    sha: str
    size: int
    mtime_ns: int
    case_id: str
    iri: str
    nt: str
    triples: int
    deps: dict[str, str | None] | None = None  # None: not checked yet


def file_sha(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def inputs_digest(project: Project) -> str:
    """A fingerprint of casegraph's own source, the ontology and the shapes: everything besides a
    case file that its triples and results depend on (the base IRI aside)."""
    digest = hashlib.sha256(f"{_CACHE_VERSION}\n".encode())
    package = Path(__file__).parent
    sources = sorted(package.rglob("*.py")) + sorted(package.rglob("*.json"))
    inputs = sorted(project.ontology.rglob("*.ttl")) + sorted(project.shapes.glob("*.ttl"))
    for path in sources + inputs:
        digest.update(f"{path}\n{file_sha(path)}\n".encode())
    return digest.hexdigest()


def rules_key(inputs: str, base: str) -> str:
    """The cache's key: :func:`inputs_digest` and the base IRI."""
    return hashlib.sha256(f"{inputs}\n{base}\n".encode()).hexdigest()


# Parsed vocabularies by (file, digest): a command that asks twice reads the copy once.
_PARSED: dict[tuple[str, str], Any] = {}


def cached_vocabulary(project: Project, folder: Path | None = None, inputs: str | None = None) -> Any:
    """The project's ontology and vocabularies, kept parsed between commands: parsing them takes
    over a second, longer than answering most questions.

    Args:
        folder: where the copy is kept (default: the project's cache folder). A copy made with
            other ontology files or another casegraph is parsed again.
        inputs: the :func:`inputs_digest`, when the caller has it already.
    """
    key = inputs or inputs_digest(project)
    path = (folder or project.work / "cache") / "vocabulary.pickle"
    if (str(path), key) in _PARSED:
        return _PARSED[str(path), key]
    vocabulary = None
    try:
        with open(path, "rb") as f:
            kept_key, kept = pickle.load(f)
        if kept_key == key:
            vocabulary = kept
    except Exception:  # noqa: BLE001 - a missing or unreadable copy is parsed again
        pass
    if vocabulary is None:
        from .vocabulary import load_vocabulary

        vocabulary = load_vocabulary(project.ontology)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps((key, vocabulary), protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)
        except OSError:
            pass  # a read-only project parses it every time
    _PARSED.clear()
    _PARSED[str(path), key] = vocabulary
    return vocabulary


def _deps_text(deps: dict[str, str | None] | None) -> str | None:
    return None if deps is None else json.dumps(deps) if deps else ""


def _deps(text: str | None) -> dict[str, str | None] | None:
    return None if text is None else json.loads(text) if text else {}




_ENTRY_COLUMNS = "path, sha, size, mtime_ns, case_id, iri, nt, triples, deps"
_LISTING_FILE = "listing"


def _entry(row: tuple) -> CachedCase:
    return CachedCase(row[1], row[2], row[3], row[4], row[5], row[6], row[7], _deps(row[8]))


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    # SQLite allows a limited number of ? in one statement.
    for i in range(0, len(items), size):
        yield items[i:i + size]


class CaseCache:
    """The cache of one project (see the module's comment).

    ``entries`` holds every entry once :meth:`load_all` ran (``complete``; the default), else
    only those :meth:`load` was asked for: a command after one edit reads a few rows, not
    100,000. A change to it is saved only when told: :meth:`put`, :meth:`touch` and
    :meth:`forget` (a changed row is written, the others are left alone).

    In a project folder that cannot be written (a read-only checkout), the cache lives in a
    temporary folder for the life of the process: every command still works, from scratch.
    """

    def __init__(self, project: Project, base: str, *, load: bool = True):
        self.folder = project.work / "cache"
        try:
            (self.folder / "nt").mkdir(parents=True, exist_ok=True)
            writable = os.access(self.folder, os.W_OK)
        except OSError:
            writable = False
        if not writable:
            self.folder = Path(tempfile.mkdtemp(prefix="casegraph-cache-"))
            atexit.register(shutil.rmtree, self.folder, True)
            (self.folder / "nt").mkdir()
        self.nt_folder = self.folder / "nt"  # each case's triples, named by path and content hash
        self.db_path = self.folder / "cache.sqlite"
        self.inputs = inputs_digest(project)
        self.key = rules_key(self.inputs, base)
        self._db = self._open()
        # The compiled shapes are read only by the commands that check.
        meta = dict(self._db.execute("SELECT name, value FROM meta WHERE name != 'checker'"))
        self._reset = meta.get("key") != self.key
        self.entries: dict[str, CachedCase] = {}
        self.complete = self._reset
        if self._reset:
            shutil.rmtree(self.nt_folder, ignore_errors=True)
            self.nt_folder.mkdir(parents=True, exist_ok=True)
            for legacy in ("index.pickle", "results.pickle", _LISTING_FILE):  # earlier versions' cache
                (self.folder / legacy).unlink(missing_ok=True)
            meta = {}
        self._meta = meta
        # "store": the token of the embedded store the cache is in step with; "graphs": case IRI
        # to the N-Triples file the store holds for it (see casegraph.workspace.update_project),
        # read with the entries (:meth:`load_all`), else looked up (:meth:`stored_graphs`).
        self.state: dict[str, Any] = {"key": self.key, "store": meta.get("store"), "graphs": None}
        self._saved_store = self.state["store"]
        self._saved_graphs: dict[str, str] | None = None
        self._graphs_loaded = False
        self._graph_changes: dict[str, str | None] = {}  # iri -> N-Triples file (None: none), for save
        self._changed: set[str] = set()  # entries to write (or delete, when no longer in entries)
        self._new_results: dict[str, list[tuple]] = {}
        self._results: dict[str, list[tuple]] | None = None
        self._new_meta: dict[str, Any] = {}
        self._listing_keys: list[str] | None = None  # to write beside the database once saved
        self._written_ns = os.stat(self.db_path).st_mtime_ns if not self._reset else 0
        if load:
            self.load_all()

    def _open(self) -> sqlite3.Connection:
        for _attempt in range(2):
            try:
                db = sqlite3.connect(self.db_path)
                db.executescript(_SCHEMA)
                return db
            except sqlite3.DatabaseError:  # not a database (an older or damaged file): start again
                self.db_path.unlink(missing_ok=True)
        raise RuntimeError("unreachable")  # pragma: no cover - the second attempt starts from nothing

    # --- entries ---------------------------------------------------------------------------

    def load_all(self) -> None:
        """Read every entry, and what the store holds."""
        if not self.complete:
            kept = {row[0]: _entry(row) for row in self._db.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries")}
            kept.update((p, self.entries[p]) for p in self._changed if p in self.entries)
            for p in self._changed - self.entries.keys():
                kept.pop(p, None)
            self.entries = kept
            self.complete = True
        if not self._graphs_loaded:
            graphs = dict(self._db.execute("SELECT iri, nt FROM graphs")) if self._meta.get("graphs") else None
            if graphs is not None:
                for iri, nt in self._graph_changes.items():
                    if nt is None:
                        graphs.pop(iri, None)
                    else:
                        graphs[iri] = nt
            self._graph_changes.clear()
            self.state["graphs"] = graphs
            self._saved_graphs = None if graphs is None else dict(graphs)
            self._graphs_loaded = True

    def load(self, paths: Iterable[str]) -> None:
        """Read the entries of ``paths`` (those not read yet)."""
        if self.complete:
            return
        wanted = [p for p in paths if p not in self.entries and p not in self._changed]
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE path IN ({marks})", chunk):
                self.entries[row[0]] = _entry(row)

    @property
    def dirty(self) -> bool:
        return bool(self._reset or self._changed or self._new_results or self._new_meta or self._graph_changes
                    or self._saved_store != self.state.get("store")
                    or (self._graphs_loaded and self._saved_graphs != self.state.get("graphs")))

    def vocabulary(self, project: Project) -> Any:
        """The ontology and vocabularies (see :func:`cached_vocabulary`)."""
        return cached_vocabulary(project, folder=self.folder, inputs=self.inputs)

    def vocabulary_facts(self, project: Project) -> tuple[dict[str, str], int]:
        """The vocabulary's States (ISO code -> IRI) and its number of triples, kept apart from
        the vocabulary: a build after one edit needs no more of it, and unpickling the whole
        took a quarter of a second."""
        kept = self._new_meta.get("vocabulary") or self._meta.get("vocabulary")
        if kept is None:
            vocabulary = self.vocabulary(project)
            kept = json.dumps([{k: str(v) for k, v in vocabulary.state_iris().items()}, len(vocabulary.graph)])
            self._new_meta["vocabulary"] = kept
        states, triples = json.loads(kept)
        return states, triples

    def nt_path(self, entry: CachedCase) -> Path:
        return self.nt_folder / entry.nt

    def changed(self, files: Iterable[str], stats: dict[str, os.stat_result] | None = None
                ) -> tuple[list[str], dict[str, tuple[str, int, int]]]:
        """The files that are new or changed since they were cached, and for those their
        (SHA-256, size, modification time). Files whose content is unchanged but whose time
        moved get their time updated in place. ``stats``: the files' stat, when taken already."""
        changed: list[str] = []
        read: dict[str, tuple[str, int, int]] = {}
        entries, written_ns = self.entries, self._written_ns
        for path in files:
            st = stats[path] if stats is not None else os.stat(path)
            entry = entries.get(path)
            if entry is not None and entry.size == st.st_size and entry.mtime_ns == st.st_mtime_ns \
                    and st.st_mtime_ns < written_ns:
                continue
            sha = file_sha(path)
            if entry is not None and entry.sha == sha:
                entry.size, entry.mtime_ns = st.st_size, st.st_mtime_ns
                self._changed.add(path)
                continue
            changed.append(path)
            read[path] = (sha, st.st_size, st.st_mtime_ns)
        return changed, read

    @property
    def written_ns(self) -> int:
        """When the cache was last written (a file modified since may be racily clean)."""
        return self._written_ns

    def put(self, path: str, entry: CachedCase) -> None:
        self.entries[path] = entry
        self._changed.add(path)

    def touch(self, path: str) -> None:
        """Save the entry of ``path``, changed in place."""
        self._changed.add(path)

    def forget(self, path: str) -> CachedCase | None:
        """Drop a file's entry and results; the entry dropped, if any. Its N-Triples file stays
        until the store no longer holds its triples (see :func:`casegraph.workspace.update_project)."""
        entry = self.entries.pop(path, None)
        if entry is not None:
            self._changed.add(path)
            self.set_results(path, [])
        return entry

    # --- lookups without reading every entry (after :meth:`save`, so the database is current) ---

    def _pairs(self, key: str, value: str, keys: Iterable[str], table: str = "entries") -> Iterator[tuple[str, str]]:
        """(key, value) rows of ``table`` whose column ``key`` is one of ``keys`` (table and
        column names are this class's own, never a caller's text)."""
        for chunk in _chunks(list(set(keys))):
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(f"SELECT {key}, {value} FROM {table} WHERE {key} IN ({marks})", chunk)

    def paths_of_case_ids(self, case_ids: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for case_id, path in self._pairs("case_id", "path", case_ids):
            out.setdefault(case_id, []).append(path)
        return out

    def shas_of_iris(self, iris: Iterable[str]) -> dict[str, str]:
        return dict(self._pairs("iri", "sha", iris))

    def paths_of_iris(self, iris: Iterable[str]) -> dict[str, str]:
        return dict(self._pairs("iri", "path", iris))

    def nts_in_use(self, nts: Iterable[str]) -> set[str]:
        """Those of the N-Triples file names ``nts`` that an entry names."""
        if self.complete:
            used = {e.nt for e in self.entries.values()}
            return {nt for nt in nts if nt in used}
        return {nt for nt, _ in self._pairs("nt", "nt", nts)}

    def to_recheck(self) -> set[str]:
        """Files never checked, or checked with a case they point at that has changed, appeared
        or disappeared since (for a cache whose entries are exactly the files listed)."""
        out = {p for (p,) in self._db.execute("SELECT path FROM entries WHERE deps IS NULL")}
        out.update(p for (p,) in self._db.execute(
            "SELECT DISTINCT r.path FROM refs r LEFT JOIN entries e ON e.iri = r.owner WHERE e.sha IS NOT r.sha"))
        return out

    # --- what the store holds ------------------------------------------------------------------

    def stored_graphs(self, iris: Iterable[str]) -> dict[str, str]:
        """The N-Triples file the store holds for each of ``iris`` (absent: none)."""
        if self._graphs_loaded:
            graphs = self.state.get("graphs") or {}
            return {iri: graphs[iri] for iri in iris if iri in graphs}
        iris = set(iris)
        out = dict(self._pairs("iri", "nt", iris, table="graphs"))
        for iri in iris & self._graph_changes.keys():
            nt = self._graph_changes[iri]
            if nt is None:
                out.pop(iri, None)
            else:
                out[iri] = nt
        return out

    def stored_nts(self, nts: Iterable[str]) -> set[str]:
        """Those of ``nts`` that the store holds (as last saved)."""
        if self._graphs_loaded:
            held = set((self.state.get("graphs") or {}).values())
            return {nt for nt in nts if nt in held}
        return {nt for nt, _ in self._pairs("nt", "nt", nts, table="graphs")}

    def graphs_known(self) -> bool:
        """Whether the cache knows what the store holds."""
        return bool(self._meta.get("graphs")) if not self._graphs_loaded else self.state.get("graphs") is not None

    def change_graphs(self, store: str, changes: dict[str, str | None]) -> None:
        """The store is now ``store``, holding for each IRI of ``changes`` that file (None: none)
        and for the others what it held."""
        self.state["store"] = store
        if self._graphs_loaded:
            graphs = self.state["graphs"]
            for iri, nt in changes.items():
                if nt is None:
                    graphs.pop(iri, None)
                else:
                    graphs[iri] = nt
        else:
            self._graph_changes.update(changes)

    # --- results ----------------------------------------------------------------------------

    def set_results(self, path: str, results: list[tuple]) -> None:
        """A file's located results, as rows (:func:`casegraph.resultrows.to_row`)."""
        self._new_results[path] = results
        if self._results is not None:
            self._results[path] = results

    def results(self) -> dict[str, list[tuple]]:
        """Every cached file's results (read once), by file; files without results are absent."""
        if self._results is None:
            kept: dict[str, list[tuple]] = {}
            for row in self._db.execute("SELECT * FROM results ORDER BY rowid"):
                rows = kept.get(row[0])
                if rows is None:
                    kept[row[0]] = rows = []
                rows.append(row[1:])
            kept.update(self._new_results)
            self._results = kept
        return self._results

    def results_of(self, paths: Iterable[str]) -> dict[str, list[tuple]]:
        """The results of ``paths`` (as saved), by file."""
        if self._results is not None:
            return {p: self._results[p] for p in paths if self._results.get(p)}
        kept: dict[str, list[tuple]] = {}
        for chunk in _chunks(list(paths)):
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT * FROM results WHERE file IN ({marks}) ORDER BY rowid", chunk):
                kept.setdefault(row[0], []).append(row[1:])
        return kept

    def printed(self) -> list[tuple]:
        """Each file's results as printed (see :mod:`casegraph.printedreport`), as saved, by path:
        (file, loose, errors, warnings, lines, error lines)."""
        return self._db.execute("SELECT file, loose, errors, warnings, lines, error_lines FROM printed "
                                "ORDER BY file").fetchall()

    # --- the compiled shapes, and the last listing -----------------------------------------------

    def kept_checker(self) -> bytes | None:
        """What :meth:`keep_checker` kept (for these shapes, ontology and casegraph), or None."""
        if "checker" in self._new_meta:
            return self._new_meta["checker"]
        row = None if self._reset else self._db.execute("SELECT value FROM meta WHERE name = 'checker'").fetchone()
        return None if row is None else row[0]

    def keep_checker(self, blob: bytes) -> None:
        """Keep the compiled shapes (see :mod:`casegraph.keptchecker`)."""
        self._new_meta["checker"] = blob

    def listing(self) -> tuple[dict[str, Any], set[str]] | None:
        """The last command's listing (see :mod:`casegraph.listing`): its header and its stamps."""
        text = self._meta.get("listing")
        if not text:
            return None
        header = json.loads(text)
        try:
            with open(self.folder / _LISTING_FILE, encoding="utf-8", newline="") as f:
                token = f.readline()
                if token != header["token"] + "\n":
                    return None  # written by another command than the database's last
                keys = f.read()
        except OSError:
            return None
        return header, set(keys.split("\n")) if keys else set()

    def listing_kept(self) -> bool:
        """Whether a listing is kept (as saved)."""
        return bool(self._meta.get("listing"))

    def set_listing(self, header: dict[str, Any] | None, keys: list[str] | None = None) -> None:
        """Keep this listing for the next command (None: keep none)."""
        if header is None or keys is None:
            self._new_meta["listing"] = None
            self._listing_keys = None
            return
        header = dict(header, token=uuid.uuid4().hex)
        self._new_meta["listing"] = json.dumps(header)
        self._listing_keys = keys

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        """Write what changed, in one transaction."""
        from .printedreport import file_block

        db = self._db
        if "listing" not in self._new_meta and (self._changed or self._reset):
            self._new_meta["listing"] = None  # kept only when the command that changed entries said it holds
        with db:
            if self._reset:
                for table in ("entries", "results", "refs", "graphs", "printed", "meta"):
                    db.execute(f"DELETE FROM {table}")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))
            gone = [(p,) for p in self._changed if p not in self.entries]
            db.executemany("DELETE FROM entries WHERE path = ?", gone)
            written = [(p, e) for p in self._changed if (e := self.entries.get(p)) is not None]
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(p, e.sha, e.size, e.mtime_ns, e.case_id, e.iri, e.nt, e.triples, _deps_text(e.deps))
                            for p, e in written])
            if not self._reset:
                db.executemany("DELETE FROM refs WHERE path = ?", [(p,) for p in self._changed])
            db.executemany("INSERT INTO refs VALUES (?, ?, ?)",
                           [(p, owner, sha) for p, e in written if e.deps for owner, sha in e.deps.items()])
            for path, rows in self._new_results.items():
                if not self._reset:
                    db.execute("DELETE FROM results WHERE file = ?", (path,))
                    db.execute("DELETE FROM printed WHERE file = ?", (path,))
                if path in self.entries:
                    db.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   [(path, *row) for row in rows])
                    if rows:
                        db.execute("INSERT INTO printed VALUES (?, ?, ?, ?, ?, ?)", (path, *file_block(path, rows)))
            if self._reset or self._saved_store != self.state.get("store"):
                db.execute("INSERT OR REPLACE INTO meta VALUES ('store', ?)", (self.state.get("store"),))
                self._saved_store = self.state.get("store")
            self._save_graphs(db)
            for name, value in self._new_meta.items():
                if value is None:
                    db.execute("DELETE FROM meta WHERE name = ?", (name,))
                else:
                    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
                if name != "checker":
                    self._meta[name] = value
        if self._listing_keys is not None:
            self._write_listing(json.loads(self._new_meta["listing"])["token"], self._listing_keys)
        self._reset = False
        self._changed.clear()
        self._new_results.clear()
        self._new_meta.clear()
        self._listing_keys = None
        self._written_ns = os.stat(self.db_path).st_mtime_ns

    def _save_graphs(self, db: sqlite3.Connection) -> None:
        if self._graphs_loaded:
            graphs, saved = self.state.get("graphs"), self._saved_graphs
            if graphs == saved and not self._reset:
                return
            if graphs is None:
                db.execute("DELETE FROM graphs")
                db.execute("DELETE FROM meta WHERE name = 'graphs'")
                self._meta.pop("graphs", None)
            else:
                before = saved or {}
                db.executemany("DELETE FROM graphs WHERE iri = ?",
                               [(iri,) for iri in before if iri not in graphs])
                db.executemany("INSERT OR REPLACE INTO graphs VALUES (?, ?)",
                               [(iri, nt) for iri, nt in graphs.items() if before.get(iri) != nt])
                db.execute("INSERT OR REPLACE INTO meta VALUES ('graphs', '1')")
                self._meta["graphs"] = "1"
            self._saved_graphs = None if graphs is None else dict(graphs)
        elif self._graph_changes:
            db.executemany("DELETE FROM graphs WHERE iri = ?",
                           [(iri,) for iri, nt in self._graph_changes.items() if nt is None])
            db.executemany("INSERT OR REPLACE INTO graphs VALUES (?, ?)",
                           [(iri, nt) for iri, nt in self._graph_changes.items() if nt is not None])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('graphs', '1')")
            self._meta["graphs"] = "1"
            self._graph_changes.clear()

    def _write_listing(self, token: str, keys: list[str]) -> None:
        # Beside the database, not in it: rewriting 7 MB in SQLite (journal and syncs included)
        # took 0.1-0.2 s, a plain file a tenth of that. A crash between the two leaves tokens that
        # differ, and the listing is not used.
        path = self.folder / _LISTING_FILE
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                f.write(token + "\n")
                f.write("\n".join(keys))
            tmp.replace(path)
        except OSError:
            tmp.unlink(missing_ok=True)

    def save_if_changed(self) -> None:
        if self.dirty:
            self.save()
