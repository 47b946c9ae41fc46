"""What a project remembers of each case file between commands, and which files changed since.

``.casegraph/cache/index.pickle`` keeps, per case file (by absolute path), the file's size,
modification time and SHA-256, its case id and IRI, its N-Quads (``cache/nq/*.nq``) and, once
validated, its located results and the cases it pointed at (with their hashes then). The whole
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

_CACHE_VERSION = 2


@dataclass(slots=True)
class CachedCase:
    """What the cache keeps of one case file."""

    sha: str
    size: int
    mtime_ns: int
    case_id: str
    iri: str
    nq: str
    triples: int
    deps: dict[str, str | None] | None = None
    results: list | None = None


def file_sha(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def rules_key(project: Project, base: str) -> str:
    """A fingerprint of everything besides a case file that its triples and results depend on."""
    digest = hashlib.sha256(f"{_CACHE_VERSION}\n{base}\n".encode())
    package = Path(__file__).parent
    sources = sorted(package.rglob("*.py")) + sorted(package.rglob("*.json"))
    inputs = sorted(project.ontology.rglob("*.ttl")) + sorted(project.shapes.glob("*.ttl"))
    for path in sources + inputs:
        digest.update(f"{path}\n{file_sha(path)}\n".encode())
    return digest.hexdigest()


def cached_vocabulary(project: Project, folder: Path | None = None) -> Any:
    """The project's ontology and vocabularies, kept parsed between commands: parsing them takes
    over a second, longer than answering most questions.

    Args:
        folder: where the copy is kept (default: the project's cache folder). A copy made with
            other ontology files or another casegraph is parsed again.
    """
    key = rules_key(project, "")
    path = (folder or project.work / "cache") / "vocabulary.pickle"
    try:
        with open(path, "rb") as f:
            kept_key, vocabulary = pickle.load(f)
        if kept_key == key:
            return vocabulary
    except Exception:  # noqa: BLE001 - a missing or unreadable copy is parsed again
        pass
    vocabulary = load_vocabulary(project.ontology)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((key, vocabulary), protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    except OSError:
        pass  # a read-only project parses it every time
    return vocabulary


class CaseCache:
    """The cache of one project (see the module's comment).

    In a project folder that cannot be written (a read-only checkout), the cache lives in a
    temporary folder for the life of the process: every command still works, from scratch.
    """

    def __init__(self, project: Project, base: str):
        self.folder = project.work / "cache"
        try:
            (self.folder / "nq").mkdir(parents=True, exist_ok=True)
            writable = os.access(self.folder, os.W_OK)
        except OSError:
            writable = False
        if not writable:
            self.folder = Path(tempfile.mkdtemp(prefix="casegraph-cache-"))
            atexit.register(shutil.rmtree, self.folder, True)
            (self.folder / "nq").mkdir()
        self.index_path = self.folder / "index.pickle"
        self.key = rules_key(project, base)
        state: dict = {}
        if self.index_path.exists():
            try:
                with open(self.index_path, "rb") as f:
                    state = pickle.load(f)
            except Exception:  # noqa: BLE001 - an unreadable cache is an empty one
                state = {}
        if state.get("key") != self.key:
            shutil.rmtree(self.folder / "nq", ignore_errors=True)
            (self.folder / "nq").mkdir(parents=True, exist_ok=True)
            state = {"key": self.key, "entries": {}, "store": None, "graphs": None}
        self.state = state
        self.entries: dict[str, CachedCase] = state["entries"]
        self._written_ns = self.index_path.stat().st_mtime_ns if self.index_path.exists() else 0

    def vocabulary(self, project: Project) -> Any:
        """The ontology and vocabularies (see :func:`cached_vocabulary`)."""
        return cached_vocabulary(project, folder=self.folder)

    def nq_path(self, entry: CachedCase) -> Path:
        return self.folder / "nq" / entry.nq

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
                continue
            changed.append(path)
            read[path] = (sha, stat.st_size, stat.st_mtime_ns)
        return changed, read

    def forget(self, path: str) -> CachedCase | None:
        """Drop a file's entry and its N-Quads; the entry dropped, if any."""
        entry = self.entries.pop(path, None)
        if entry is not None:
            self.nq_path(entry).unlink(missing_ok=True)
        return entry

    def save(self) -> None:
        tmp = self.index_path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(self.state, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.index_path)
        self._written_ns = self.index_path.stat().st_mtime_ns
