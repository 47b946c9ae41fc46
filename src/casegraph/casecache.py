"""What a project remembers of each case file between commands, and which files changed since.

``.casegraph/cache/cache.sqlite`` keeps, per case file (by absolute path), the file's size,
modification time and SHA-256, its case id and IRI, its triples as N-Triples (``cache/nt/*.nt``)
and, once validated, the cases it pointed at (with their hashes then) and its located results
(plain rows, see :mod:`casegraph.resultrows`). The whole cache is keyed by the ontology, the
shapes, the base IRI and casegraph's own source, so a change to any of them starts again from
nothing.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import Project

__all__ = ["CachedCase", "CaseCache", "cached_vocabulary", "file_sha"]

_CACHE_VERSION = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, sha TEXT, size INTEGER, mtime_ns INTEGER,
    case_id TEXT, iri TEXT, nt TEXT, triples INTEGER, deps TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (file TEXT, ppath TEXT, line INTEGER, col INTEGER, field TEXT,
    message TEXT, severity TEXT, focus TEXT, rpath TEXT, value TEXT, shape TEXT, constraint_ TEXT);
CREATE INDEX IF NOT EXISTS results_by_file ON results (file);
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


class CaseCache:
    """The cache of one project (see the module's comment).

    ``entries`` is read whole; a change to it is saved only when told: :meth:`put`,
    :meth:`touch` and :meth:`forget` (a changed row is written, the others are left alone).

    In a project folder that cannot be written (a read-only checkout), the cache lives in a
    temporary folder for the life of the process: every command still works, from scratch.
    """

    def __init__(self, project: Project, base: str):
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
        meta = dict(self._db.execute("SELECT name, value FROM meta"))
        self._reset = meta.get("key") != self.key
        if self._reset:
            shutil.rmtree(self.nt_folder, ignore_errors=True)
            self.nt_folder.mkdir(parents=True, exist_ok=True)
            for legacy in ("index.pickle", "results.pickle"):  # earlier versions' cache
                (self.folder / legacy).unlink(missing_ok=True)
            meta = {}
            self.entries: dict[str, CachedCase] = {}
        else:
            self.entries = {row[0]: CachedCase(row[1], row[2], row[3], row[4], row[5], row[6], row[7], _deps(row[8]))
                            for row in self._db.execute("SELECT * FROM entries")}
        graphs = pickle.loads(meta["graphs"]) if meta.get("graphs") else None
        # "store": the token of the embedded store the cache is in step with; "graphs": case IRI
        # to the N-Triples file the store holds for it (see casegraph.workspace.update_project).
        self.state: dict[str, Any] = {"key": self.key, "store": meta.get("store"), "graphs": graphs}
        self._saved_meta = (self.state["store"], graphs)
        self._changed: set[str] = set()  # entries to write (or delete, when no longer in entries)
        self._new_results: dict[str, list[tuple]] = {}
        self._results: dict[str, list[tuple]] | None = None
        self._written_ns = os.stat(self.db_path).st_mtime_ns if not self._reset else 0

    def _open(self) -> sqlite3.Connection:
        for _attempt in range(2):
            try:
                db = sqlite3.connect(self.db_path)
                db.executescript(_SCHEMA)
                return db
            except sqlite3.DatabaseError:  # not a database (an older or damaged file): start again
                self.db_path.unlink(missing_ok=True)
        raise RuntimeError("unreachable")  # pragma: no cover - the second attempt starts from nothing

    @property
    def dirty(self) -> bool:
        return bool(self._reset or self._changed or self._new_results
                    or self._saved_meta != (self.state.get("store"), self.state.get("graphs")))

    def vocabulary(self, project: Project) -> Any:
        """The ontology and vocabularies (see :func:`cached_vocabulary`)."""
        return cached_vocabulary(project, folder=self.folder, inputs=self.inputs)

    def nt_path(self, entry: CachedCase) -> Path:
        return self.nt_folder / entry.nt

    def changed(self, files: list[str]) -> tuple[list[str], dict[str, tuple[str, int, int]]]:
        """The files that are new or changed since they were cached, and for those their
        (SHA-256, size, modification time). Files whose content is unchanged but whose time
        moved get their time updated in place."""
        changed: list[str] = []
        read: dict[str, tuple[str, int, int]] = {}
        entries, written_ns, stat = self.entries, self._written_ns, os.stat
        for path in files:
            st = stat(path)
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

    def put(self, path: str, entry: CachedCase) -> None:
        self.entries[path] = entry
        self._changed.add(path)

    def touch(self, path: str) -> None:
        """Save the entry of ``path``, changed in place."""
        self._changed.add(path)

    def forget(self, path: str) -> CachedCase | None:
        """Drop a file's entry and results; the entry dropped, if any. Its N-Triples file stays
        until the store no longer holds its triples (see :func:`casegraph.workspace.update_project`)."""
        entry = self.entries.pop(path, None)
        if entry is not None:
            self._changed.add(path)
            self.set_results(path, [])
        return entry

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

    def save(self) -> None:
        """Write what changed, in one transaction."""
        db = self._db
        with db:
            if self._reset:
                db.execute("DELETE FROM entries")
                db.execute("DELETE FROM results")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))
            gone = [(p,) for p in self._changed if p not in self.entries]
            db.executemany("DELETE FROM entries WHERE path = ?", gone)
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(p, e.sha, e.size, e.mtime_ns, e.case_id, e.iri, e.nt, e.triples, _deps_text(e.deps))
                            for p in self._changed if (e := self.entries.get(p)) is not None])
            for path, rows in self._new_results.items():
                if not self._reset:
                    db.execute("DELETE FROM results WHERE file = ?", (path,))
                if path in self.entries:
                    db.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   [(path, *row) for row in rows])
            meta = (self.state.get("store"), self.state.get("graphs"))
            if self._reset or meta != self._saved_meta:
                graphs = None if meta[1] is None else pickle.dumps(meta[1], protocol=pickle.HIGHEST_PROTOCOL)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('store', ?)", (meta[0],))
                db.execute("INSERT OR REPLACE INTO meta VALUES ('graphs', ?)", (graphs,))
                self._saved_meta = meta
        self._reset = False
        self._changed.clear()
        self._new_results.clear()
        self._written_ns = os.stat(self.db_path).st_mtime_ns

    def save_if_changed(self) -> None:
        if self.dirty:
            self.save()
