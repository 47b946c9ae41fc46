"""The embedded store a project keeps between commands, rebuilt only when its inputs change.

``casegraph build`` writes ``.casegraph/store`` (an Oxigraph store on disk) and a manifest
of the content hashes of the files it was built from. Later commands open that store
read-only when the manifest still matches the files, and rebuild it first when it does not,
so an answer never comes from stale data.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import Build, build_cases
from .cases import find_case_files
from .errors import CaseDataError, Problem
from .paths import Project
from .store import EmbeddedStore, write_embedded_store
from .vocabulary import load_vocabulary

__all__ = ["StoreState", "IncrementalBuild", "build_project", "ProjectValidation", "update_project",
           "validate_project",
           "open_project_store", "input_fingerprint"]


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


# --- Incremental build and validation (issue 6) -------------------------------------------
#
# ``.casegraph/cache/index.pickle`` keeps, per case file (by the path as listed), the SHA-256 of
# its content, its case id and IRI, its N-Quads (``cache/nq/*.nq``) and, once validated, its
# located results and the cases it pointed at (with their hashes then). The whole cache is
# keyed by the ontology, the shapes, the base IRI and casegraph's own source, so a change to
# any of them starts again from nothing. A case is re-validated when it changed or a case it
# points at (``related_cases[].case``, checked by cgsh:RelatedCaseShape's sh:class) changed,
# appeared or disappeared: no other shape looks beyond the case being checked.

_CACHE_VERSION = 1


@dataclass
class CachedCase:
    """What the cache keeps of one case file."""

    sha: str
    case_id: str
    iri: str
    nq: str
    triples: int
    deps: dict[str, str | None] | None = None
    results: list | None = None


@dataclass
class IncrementalBuild:
    """What :func:`update_project` did: counts, and how many cases it had to redo."""

    case_count: int
    triple_count: int
    vocabulary_triples: int
    converted: int
    removed: int
    store_rewritten: bool


Progress = Callable[[int, int], None]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rules_key(project: Project, base: str) -> str:
    """A fingerprint of everything besides a case file that its triples and results depend on."""
    digest = hashlib.sha256(f"{_CACHE_VERSION}\n{base}\n".encode())
    package = Path(__file__).parent
    sources = sorted(package.rglob("*.py")) + sorted(package.rglob("*.json"))
    inputs = sorted(project.ontology.rglob("*.ttl")) + sorted(project.shapes.glob("*.ttl"))
    for path in sources + inputs:
        digest.update(f"{path}\n{_sha(path)}\n".encode())
    return digest.hexdigest()


class _Cache:
    def __init__(self, project: Project, base: str):
        self.folder = project.work / "cache"
        self.index_path = self.folder / "index.pickle"
        self.key = _rules_key(project, base)
        state: dict = {}
        if self.index_path.exists():
            try:
                state = pickle.loads(self.index_path.read_bytes())
            except Exception:  # noqa: BLE001 - an unreadable cache is an empty one
                state = {}
        if state.get("key") != self.key:
            shutil.rmtree(self.folder, ignore_errors=True)
            state = {"key": self.key, "entries": {}, "manifest": None, "graphs": None}
        self.state = state
        self.entries: dict[str, CachedCase] = state["entries"]
        (self.folder / "nq").mkdir(parents=True, exist_ok=True)

    def vocabulary(self, project: Project) -> Any:
        """The ontology and vocabularies, kept parsed (the cache's key covers their files)."""
        path = self.folder / "vocabulary.pickle"
        if path.exists():
            try:
                return pickle.loads(path.read_bytes())
            except Exception:  # noqa: BLE001 - an unreadable copy is parsed again
                pass
        vocabulary = load_vocabulary(project.ontology)
        path.write_bytes(pickle.dumps(vocabulary, protocol=pickle.HIGHEST_PROTOCOL))
        return vocabulary

    def nq_path(self, entry: CachedCase) -> Path:
        return self.folder / "nq" / entry.nq

    def save(self) -> None:
        tmp = self.index_path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self.state, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(self.index_path)


def _refresh(project: Project, data_paths: Sequence[Path], base: str, progress: Progress | None, *,
             keep: int = 0):
    """Bring the cache up to date with the case files; re-read and convert only changed files.

    The converted graphs of up to ``keep`` of them are returned (more would fill memory).

    Raises:
        CaseDataError: as :func:`casegraph.cases.load_cases` raises it, for the same files.
    """
    from .convert import convert_case
    from .parallel import load_case_file_fast
    from .store import nquads

    cache = _Cache(project, base)
    vocabulary = cache.vocabulary(project)
    files = [str(p) for p in find_case_files(data_paths)]
    hashes = {p: _sha(Path(p)) for p in files}
    for path in [p for p in cache.entries if p not in hashes and not Path(p).exists()]:
        cache.nq_path(cache.entries.pop(path)).unlink(missing_ok=True)
    changed = [p for p in files if p not in cache.entries or cache.entries[p].sha != hashes[p]]
    states = vocabulary.state_iris()
    problems: list[Problem] = []
    fresh: dict[str, Any] = {}
    for done, p in enumerate(changed, 1):
        old = cache.entries.pop(p, None)
        if old is not None:
            cache.nq_path(old).unlink(missing_ok=True)
        try:
            case = load_case_file_fast(Path(p))
        except CaseDataError as error:
            problems.extend(error.problems)
        else:
            graph = convert_case(case, base=base, states=states)
            name = hashlib.sha256(f"{p}\n{hashes[p]}".encode()).hexdigest()[:40] + ".nq"
            entry = CachedCase(hashes[p], case.case_id, str(graph.iri), name, len(graph.triples))
            cache.nq_path(entry).write_text("".join(nquads((s, pr, o, graph.iri) for s, pr, o in graph.triples)),
                                            encoding="utf-8")
            cache.entries[p] = entry
            if len(fresh) < keep:
                fresh[p] = (case, graph)
        if progress is not None:
            progress(done, len(changed))
    first_seen: dict[str, str] = {}
    for p in files:
        entry = cache.entries.get(p)
        if entry is None:
            continue
        if entry.case_id in first_seen:
            problems.append(Problem(Path(p), 1, None, "(file name)",
                                    f"case id '{entry.case_id}' is also used by {first_seen[entry.case_id]}; "
                                    "each case needs its own file name"))
        first_seen.setdefault(entry.case_id, p)
    cache.save()
    if problems:
        raise CaseDataError(problems)
    return cache, files, hashes, fresh, vocabulary, len(changed)


def update_project(project: Project, data_paths: Sequence[Path], *, base: str,
                   progress: Progress | None = None) -> IncrementalBuild:
    """:func:`build_project`, redoing only what changed since the last build.

    Only changed case files are read and converted; in the on-disk store only their named
    graphs are replaced (and those of deleted files dropped). The store ends up with the same
    quads a full build writes.

    Raises:
        CaseDataError: the case files have problems; the store is left as it was.
    """
    import pyoxigraph as ox

    cache, files, hashes, _fresh, vocabulary, converted = _refresh(project, data_paths, base, progress)
    store_path, manifest_path = _paths(project)
    onto = {str(p.resolve()): _sha(p) for p in project.ontology.rglob("*.ttl")}
    fingerprint = {"base": base, "files": {**{str(Path(p).resolve()): h for p, h in hashes.items()}, **onto}}
    manifest = json.dumps(fingerprint, indent=1, sort_keys=True)
    target = {cache.entries[p].iri: cache.entries[p].nq for p in files}
    on_disk = manifest_path.read_text(encoding="utf-8") if manifest_path.exists() else None
    old = cache.state.get("graphs")
    in_step = store_path.exists() and old is not None and on_disk is not None and on_disk == cache.state["manifest"]
    if manifest_path.exists():
        manifest_path.unlink()  # a store being changed is never taken for a fresh one
    cache.state["manifest"] = None
    cache.save()
    removed = 0
    if in_step:
        store = ox.Store(str(store_path))
        for iri, nq in old.items():
            if target.get(iri) != nq:
                store.remove_graph(ox.NamedNode(iri))
                removed += iri not in target
        for p in files:
            entry = cache.entries[p]
            if old.get(entry.iri) != entry.nq:
                store.load(path=str(cache.nq_path(entry)), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
    else:
        _write_store(store_path, [cache.nq_path(cache.entries[p]) for p in files], vocabulary)
    manifest_path.write_text(manifest, encoding="utf-8")
    cache.state.update(manifest=manifest, graphs=target)
    cache.save()
    return IncrementalBuild(len(files), sum(cache.entries[p].triples for p in files), len(vocabulary.graph),
                            converted, removed, not in_step)


def _write_store(store_path: Path, parts: list[Path], vocabulary: Any) -> None:
    """A new store from the cached N-Quads and the vocabulary, in one bulk load."""
    from .build import VOCABULARY_GRAPH
    from .store import nquads

    joined = store_path.parent / "cache" / "all.nq"
    with open(joined, "wb") as out:
        for part in parts:
            out.write(part.read_bytes())
        out.write("".join(nquads((s, p, o, VOCABULARY_GRAPH) for s, p, o in vocabulary.graph)).encode("utf-8"))
    import pyoxigraph as ox

    fresh = store_path.with_name(store_path.name + ".new")
    stale = store_path.with_name(store_path.name + ".old")
    for leftover in (fresh, stale):
        if leftover.exists():
            shutil.rmtree(leftover)
    store = ox.Store(str(fresh))
    store.bulk_load(path=str(joined), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store  # release the folder's lock before it is moved
    joined.unlink()
    if store_path.exists():
        store_path.rename(stale)
    fresh.rename(store_path)
    if stale.exists():
        shutil.rmtree(stale)


@dataclass
class ProjectValidation:
    """What :func:`validate_project` found: the report and how many cases it covers."""

    report: Any
    case_count: int
    revalidated: int


def validate_project(project: Project, data_paths: Sequence[Path], *, base: str,
                     progress: Progress | None = None) -> ProjectValidation:
    """:func:`casegraph.validate.validate_build` on the case files, re-checking only the cases
    that changed or point at a case that changed (see the comment above :class:`CachedCase`).

    Returns:
        The :class:`casegraph.validate.ValidationReport` (the same a full run gives), the
        number of cases and how many were checked again.
    Raises:
        CaseDataError: the case files have problems.
        ShapesError: the shapes do not parse.
    """
    from .convert import convert_case
    from .fastconvert import IRI, to_fast_term
    from .fastshacl import Index, compile_shapes
    from .fastvalidate import case_prefix_ok, foreign_nodes, ontology_index, owner_case, supplied_foreign, \
        to_validation_result, vocabulary_results
    from .parallel import load_case_file_fast
    from .validate import ValidationReport, _unique, load_shapes, validate_build

    cache, files, _hashes, fresh, vocabulary, _converted = _refresh(project, data_paths, base, progress, keep=2000)
    shapes, shapes_files = load_shapes(project.shapes)
    compiled = compile_shapes(shapes, vocabulary.graph)
    cases_root = f"{base}case/"
    onto = ontology_index(vocabulary.graph) if compiled is not None else None

    def full() -> ProjectValidation:
        from .build import build_cases

        build = build_cases(data_paths, vocabulary, base=base)
        return ProjectValidation(validate_build(build, project.shapes), len(build.graphs), len(build.graphs))

    if compiled is None or any(type(s) is IRI and s.startswith(cases_root) for s in onto.spo):
        return full()
    by_iri = {cache.entries[p].iri: p for p in files}
    sha_of = {iri: cache.entries[p].sha for iri, p in by_iri.items()}
    states = vocabulary.state_iris()
    converted: dict[str, tuple[Any, Index]] = {}

    def case_of(p: str, *, remember: bool = True) -> tuple[Any, Index]:
        if p in converted:
            return converted[p]
        graph = fresh[p][1] if p in fresh else convert_case(load_case_file_fast(Path(p)), base=base, states=states)
        out = graph, Index((to_fast_term(s), to_fast_term(pr), to_fast_term(o)) for s, pr, o in graph.triples)
        if remember:  # only cases another case names: the rest would fill memory
            converted[p] = out
        return out

    stale = [p for p in files if cache.entries[p].results is None or cache.entries[p].deps is None
             or any(sha_of.get(o) != h for o, h in cache.entries[p].deps.items())]
    for done, p in enumerate(stale, 1):
        entry = cache.entries[p]
        graph, index = case_of(p, remember=False)
        iri = IRI(entry.iri)
        if not case_prefix_ok(iri, index):
            cache.save()
            return full()
        foreign = foreign_nodes(iri, index, cases_root)
        supplied = supplied_foreign(foreign, cases_root,
                                    lambda owner: case_of(by_iri[owner])[1] if owner in by_iri else None)
        entry.deps = {owner: sha_of.get(owner) for owner in {owner_case(n, cases_root) for n in foreign}}
        entry.results = [to_validation_result(r, shapes, graph.locations)
                         for r in compiled.validate(index, onto, foreign=supplied)]
        if progress is not None:
            progress(done, len(stale))
    cache.save()
    results = [to_validation_result(r, shapes, {}) for r in vocabulary_results(compiled, onto)]
    for p in files:
        results.extend(cache.entries[p].results)
    results.sort(key=lambda r: (str(r.problem.path), r.problem.line or 0, r.problem.field, r.message))
    return ProjectValidation(ValidationReport(_unique(results), shapes_files), len(files), len(stale))
