"""What a project remembers of each case file between commands, and which files changed since.

``.casegraph/cache/index.pickle`` keeps, per case file (by absolute path), the file's size,
modification time and SHA-256, its case id and IRI, its triples as N-Triples (``cache/nt/*.nt``) and, once
validated, the cases it pointed at (with their hashes then); its located results are kept in
``cache/results.pickle``. The whole
cache is keyed by the ontology, the shapes, the base IRI and casegraph's own source, so a change
to any of them starts again from nothing.

A file whose size and modification time are those recorded is taken as unchanged without being
read, as git's index does; a file modified in the same clock tick as the index was written
("racily clean") is hashed anyway. With 100,000 files, hashing them all took 1.6 s of the
2 s an unchanged build may take.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import Project
from .vocabulary import load_vocabulary

__all__ = ["CachedCase", "CaseCache", "cached_vocabulary", "file_sha"]

_CACHE_VERSION = 4


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


class CaseCache:
    """The cache of one project (see the module's comment).

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
        self.index_path = self.folder / "index.pickle"
        self.inputs = inputs_digest(project)
        self.key = rules_key(self.inputs, base)
        state: dict = {}
        if self.index_path.exists():
            try:
                with open(self.index_path, "rb") as f:
                    state = pickle.load(f)
            except Exception:  # noqa: BLE001 - an unreadable cache is an empty one
                state = {}
        if state.get("key") != self.key:
            shutil.rmtree(self.folder / "nt", ignore_errors=True)
            (self.folder / "nt").mkdir(parents=True, exist_ok=True)
            state = {"key": self.key, "entries": {}, "store": None, "graphs": None, "fresh": {}}
            (self.folder / "results.pickle").unlink(missing_ok=True)
        self.state = state
        self.entries: dict[str, CachedCase] = state["entries"]
        self.dirty = False
        self._results: dict[str, list] | None = None
        self._written_ns = self.index_path.stat().st_mtime_ns if self.index_path.exists() else 0
        self._results_dirty = False

    def vocabulary(self, project: Project) -> Any:
        """The ontology and vocabularies (see :func:`cached_vocabulary`)."""
        return cached_vocabulary(project, folder=self.folder, inputs=self.inputs)

    def nt_path(self, entry: CachedCase) -> Path:
        return self.folder / "nt" / entry.nt

    def changed(self, files: list[str]) -> tuple[list[str], dict[str, tuple[str, int, int]]]:
        """The files that are new or changed since they were cached, and for those their
        (SHA-256, size, modification time). Files whose content is unchanged but whose time
        moved get their time updated in place."""
        changed: list[str] = []
        read: dict[str, tuple[str, int, int]] = {}
        for path in files:
            stat = os.stat(path)
            entry = self.entries.get(path)
            if entry is not None and entry.size == stat.st_size and entry.mtime_ns == stat.st_mtime_ns \
                    and stat.st_mtime_ns < self._written_ns:
                continue
            sha = file_sha(path)
            if entry is not None and entry.sha == sha:
                entry.size, entry.mtime_ns = stat.st_size, stat.st_mtime_ns
                self.dirty = True
                continue
            changed.append(path)
            read[path] = (sha, stat.st_size, stat.st_mtime_ns)
        return changed, read

    def forget(self, path: str) -> CachedCase | None:
        """Drop a file's entry; the entry dropped, if any. Its N-Triples file stays until the
        store no longer holds its triples (see :func:`casegraph.workspace.update_project`)."""
        entry = self.entries.pop(path, None)
        if entry is not None:
            self.state["fresh"].pop(path, None)
            self.dirty = True
        return entry

    # Validation results are kept apart from the index (results.pickle): at 100,000 cases they
    # were most of a 50 MB index that every build read and wrote. Results made since the last
    # validation ("fresh", few after an edit) ride in the index until validate merges them.

    def set_results(self, path: str, results: list) -> None:
        if self._results is not None:
            self._results[path] = results
            self._results_dirty = True
        else:
            self.state["fresh"][path] = results
        self.dirty = True

    def results(self) -> dict[str, list]:
        """Every cached file's results (read once, fresh ones merged in)."""
        if self._results is None:
            try:
                with open(self.folder / "results.pickle", "rb") as f:
                    self._results = pickle.load(f)
            except Exception:  # noqa: BLE001 - missing or unreadable: the entries say what to redo
                self._results = {}
            if self.state["fresh"]:
                self._results.update(self.state["fresh"])
                self.state["fresh"] = {}
                self._results_dirty = self.dirty = True
        return self._results

    def save(self) -> None:
        """Write what changed: the results first, then the index that refers to them."""
        if self._results is not None and self._results_dirty:
            kept = {p: r for p, r in self._results.items() if r and p in self.entries}
            _write(self.folder / "results.pickle", kept)
            self._results_dirty = False
        _write(self.index_path, self.state)
        self._written_ns = self.index_path.stat().st_mtime_ns
        self.dirty = False


    def save_if_changed(self) -> None:
        if self.dirty or self._results_dirty:
            self.save()


def _write(path: Path, value: Any) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
