"""The embedded store a project keeps between commands, rebuilt only when its inputs change.

``casegraph build`` writes ``.casegraph/store`` (an Oxigraph store on disk) and a manifest
of the content hashes of the files it was built from. Later commands open that store
read-only when the manifest still matches the files, and rebuild it first when it does not,
so an answer never comes from stale data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .build import Build, build_cases
from .cases import find_case_files
from .paths import Project
from .store import EmbeddedStore, write_embedded_store
from .vocabulary import load_vocabulary

__all__ = ["StoreState", "build_project", "open_project_store", "input_fingerprint"]


@dataclass
class StoreState:
    """An opened embedded store and, when it had to be (re)built, the build behind it."""

    store: EmbeddedStore
    build: Build | None
    rebuilt: bool


def input_fingerprint(project: Project, data_paths: Sequence[Path], base: str) -> dict:
    """The content hash of every file a build reads, and the base IRI it used."""
    files = sorted(set(find_case_files(data_paths)) | set(project.ontology.rglob("*.ttl")))
    return {
        "base": base,
        "files": {str(p.resolve()): hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
    }


def _paths(project: Project) -> tuple[Path, Path]:
    return project.work / "store", project.work / "manifest.json"


def build_project(project: Project, data_paths: Sequence[Path], *, base: str) -> Build:
    """Read, check and convert the case files, and write the embedded store.

    Raises:
        CaseDataError: the case files have problems; nothing is written.
    """
    vocabulary = load_vocabulary(project.ontology)
    build = build_cases(data_paths, vocabulary, base=base)
    store_path, manifest_path = _paths(project)
    fingerprint = input_fingerprint(project, data_paths, base)
    if manifest_path.exists():
        manifest_path.unlink()  # a store being replaced is never taken for a fresh one
    write_embedded_store(store_path, build.quads())
    manifest_path.write_text(json.dumps(fingerprint, indent=1, sort_keys=True), encoding="utf-8")
    return build


def open_project_store(project: Project, data_paths: Sequence[Path], *, base: str) -> StoreState:
    """The project's embedded store, rebuilt first if its inputs changed since the last build."""
    store_path, manifest_path = _paths(project)
    fingerprint = input_fingerprint(project, data_paths, base)
    if store_path.exists() and manifest_path.exists():
        try:
            if json.loads(manifest_path.read_text(encoding="utf-8")) == fingerprint:
                return StoreState(EmbeddedStore(store_path), None, rebuilt=False)
        except (OSError, ValueError):
            pass  # an unreadable manifest means: rebuild
    build = build_project(project, data_paths, base=base)
    return StoreState(EmbeddedStore(store_path), build, rebuilt=True)
