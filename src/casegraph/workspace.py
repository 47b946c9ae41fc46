"""The embedded store and the validation results a project keeps between commands, redoing only
what the changed case files touch.

``casegraph build`` reads and converts only the case files that changed since the last run (all
of them the first time, on every core) and, in the on-disk store ``.casegraph/store``, replaces
only their named graphs. ``casegraph validate`` re-checks only the cases that changed or that
point at a case that changed. Commands that answer questions bring the store up to date first,
the same way, so an answer never comes from stale data. What is remembered of each file is
described in :mod:`casegraph.casecache`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .casecache import CachedCase, CaseCache
from .cases import case_file_names
from .errors import CaseDataError, Problem, WorkspaceError, display_path
from .parallel import Checker, FileOutcome, process_case_files
from .paths import Project
from .store import EmbeddedStore

__all__ = ["StoreState", "IncrementalBuild", "ProjectValidation", "update_project", "validate_project",
           "open_project_store"]

Progress = Callable[[int, int], None]


@dataclass
class StoreState:
    """An opened embedded store, and whether it had to be brought up to date first."""

    store: EmbeddedStore
    rebuilt: bool


@dataclass
class IncrementalBuild:
    """What :func:`update_project` did: counts, and how many cases it had to redo."""

    case_count: int
    triple_count: int
    vocabulary_triples: int
    converted: int
    removed: int
    store_rewritten: bool
    timings: dict[str, float] = field(default_factory=dict)  # "convert" and "store", in seconds


def _case_files(data_paths: Sequence[Path]) -> list[str]:
    # Resolving the folders once (not each of 100,000 files) gives the cache absolute keys.
    return case_file_names([Path(os.path.abspath(p)) for p in data_paths])


def _nt_name(path: str, sha: str) -> str:
    return hashlib.sha256(f"{path}\n{sha}".encode()).hexdigest()[:40] + ".nt"


def _apply(cache: CaseCache, outcomes: Iterable[FileOutcome], read: dict[str, tuple[str, int, int]]) -> list[Problem]:
    """Record processed files in the cache; the problems of those that could not be read."""
    problems: list[Problem] = []

    @functools.cache
    def in_store() -> set[str]:
        return set((cache.state.get("graphs") or {}).values())

    for outcome in outcomes:
        if outcome.problems:
            cache.forget(outcome.path)
            problems.extend(outcome.problems)
            continue
        sha, size, mtime_ns = read[outcome.path]
        previous = cache.entries.get(outcome.path)
        if previous is not None and previous.nt != outcome.nt and previous.nt not in in_store():
            cache.nt_path(previous).unlink(missing_ok=True)  # else kept until the store drops its triples
        cache.put(outcome.path, CachedCase(sha, size, mtime_ns, outcome.case_id, outcome.iri, outcome.nt,
                                           outcome.triples, deps={} if outcome.results is not None else None))
        cache.set_results(outcome.path, outcome.results or [])  # none yet: an old version's go
    return problems


def _refresh(project: Project, data_paths: Sequence[Path], base: str, progress: Progress | None,
             checker: Callable[[Any, int], Checker | None] | None = None):
    """Bring the cache up to date with the case files: read and convert only changed files
    (and check them, when ``checker`` gives a :class:`Checker` for the vocabulary).

    Returns:
        (cache, listed files, vocabulary, the outcomes of the files processed, the checker used,
        None when no file needed reading).
    Raises:
        CaseDataError: as :func:`casegraph.cases.load_cases` raises it, for the same files.
    """
    cache = CaseCache(project, base)
    vocabulary = cache.vocabulary(project)
    files = _case_files(data_paths)
    listed = set(files)
    for path in [p for p in cache.entries if p not in listed and not os.path.exists(p)]:
        cache.forget(path)
    changed, read = cache.changed(files)
    # Compiling the shapes is left until a file needs checking: not on a build with nothing to do.
    check = checker(vocabulary, len(changed)) if checker is not None and changed else None
    jobs = [(p, _nt_name(p, read[p][0])) for p in changed]
    outcomes = process_case_files(jobs, base=base, states=vocabulary.state_iris(), nt_folder=cache.nt_folder,
                                  checker=check, progress=progress)
    problems = _apply(cache, outcomes, read)
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
    if problems:
        cache.save()  # the files that could be read need not be read again
        raise CaseDataError(problems)
    return cache, files, vocabulary, outcomes, check


def update_project(project: Project, data_paths: Sequence[Path], *, base: str,
                   progress: Progress | None = None, check: bool = True) -> IncrementalBuild:
    """Read, check and convert the case files and bring the embedded store up to date,
    redoing only what changed since the last build.

    The store ends up with the triples a build from scratch writes, all in its default graph:
    every case's, the ontology's and the vocabularies'. With ``check``, each case read is also checked
    against the shapes, for :func:`validate_project` to find.

    Raises:
        CaseDataError: the case files have problems; the store is left as it was.
    """
    started = time.perf_counter()
    cache, files, vocabulary, outcomes, _check = _refresh(project, data_paths, base, progress,
                                                         _check_ahead(project, base) if check else None)
    converted_at = time.perf_counter()
    store_path, manifest_path = project.work / "store", project.work / "manifest.json"
    target = {cache.entries[p].iri: cache.entries[p].nt for p in files}
    old: dict[str, str] | None = cache.state.get("graphs")
    try:
        on_disk = json.loads(manifest_path.read_text(encoding="utf-8")).get("token")
    except (OSError, ValueError, AttributeError):
        on_disk = None  # no manifest, or an unreadable one: the store is rewritten
    in_step = store_path.exists() and old is not None and on_disk is not None and on_disk == cache.state["store"]
    stale = [cache.nt_folder / nt for iri, nt in old.items() if target.get(iri) != nt] if in_step else []
    fresh = [p for p in files if not in_step or old.get(cache.entries[p].iri) != cache.entries[p].nt]
    # Taking old triples out one by one pays off for a few cases; for many, one bulk load of
    # everything is faster, and a missing old file leaves no other way.
    if len(stale) > _REWRITE_FROM or not all(path.exists() for path in stale):
        in_step, stale, fresh = False, [], list(files)
    vocabulary_triples = len(vocabulary.graph)
    count = IncrementalBuild(len(files), sum(cache.entries[p].triples for p in files), vocabulary_triples,
                             len(outcomes), sum(iri not in target for iri in old) if in_step else 0,
                             not in_step, {"convert": converted_at - started, "store": 0.0})
    if in_step and not stale and not fresh:
        cache.save_if_changed()
        return count
    parts = [cache.nt_path(cache.entries[p]) for p in fresh]
    token = uuid.uuid4().hex
    try:
        manifest_path.unlink(missing_ok=True)  # a store being changed is never taken for a fresh one
        if in_step:
            _update_store(store_path, stale, parts)
        else:
            _write_store(store_path, parts, vocabulary)
        manifest_path.write_text(json.dumps({"token": token, "base": base, "cases": len(files)}), encoding="utf-8")
    except OSError as error:
        raise WorkspaceError(f"cannot write the embedded store in {display_path(project.work)}: "
                             f"{error.strerror or error}") from error
    cache.state.update(store=token, graphs=target)
    cache.save()
    _remove_unused(cache, old or {}, target)
    count.timings["store"] = time.perf_counter() - converted_at
    return count


# Above this many changed or removed cases, the store is written anew rather than edited.
_REWRITE_FROM = 2000


def _remove_unused(cache: CaseCache, old: dict[str, str], target: dict[str, str]) -> None:
    """Delete the N-Triples files of cases the store no longer holds as they were, unless the
    cache still has the file for a case outside this build (a build of other folders leaves
    the entries of the files it did not list, to be used again)."""
    kept = set(target.values())
    if set(old.values()) - kept:
        kept |= {entry.nt for entry in cache.entries.values()}
    for name in set(old.values()) - kept:
        (cache.nt_folder / name).unlink(missing_ok=True)


class _Concatenation(io.RawIOBase):
    """Files read one after the other as one stream, then ``tail``: one bulk load of many files
    without writing their concatenation to disk first."""

    def __init__(self, paths: Sequence[Path], tail: bytes = b""):
        self._paths = iter(paths)
        self._current: Any = None
        self._tail = io.BytesIO(tail)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._current is None:
                path = next(self._paths, None)
                self._current = self._tail if path is None else open(path, "rb")  # noqa: SIM115
            n = self._current.readinto(buffer)
            if n or self._current is self._tail:
                return n
            self._current.close()
            self._current = None


# The embedded store holds every triple in its default graph. A graph per case would double
# the indexes Oxigraph writes (measured: a bulk load of 10,000 cases took 10.0 s as a graph per
# case, 5.3 s as one graph) and questions read the union anyway. Each case's triples are about
# nodes under its own IRI (case_prefix_ok), so no two cases hold the same triple, and the cache's
# N-Triples file of a case says exactly what to take out when it changes. `casegraph dump`,
# exports and `casegraph push` still give a graph per case.

def _update_store(store_path: Path, stale: list[Path], parts: list[Path]) -> None:
    import pyoxigraph as ox

    store = ox.Store(str(store_path))
    for path in stale:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            store.remove(ox.Quad(triple.subject, triple.predicate, triple.object))
    if len(parts) > 1000:
        store.bulk_load(io.BufferedReader(_Concatenation(parts), 1 << 20), format=ox.RdfFormat.N_TRIPLES)
        store.optimize()
    else:
        for part in parts:
            store.load(path=str(part), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store  # release the folder's lock


def _write_store(store_path: Path, parts: list[Path], vocabulary: Any) -> None:
    """A new store from the cases' N-Triples and the vocabulary, in one bulk load."""
    import pyoxigraph as ox

    from .store import ntriples, replace_store_folder

    tail = "".join(ntriples(vocabulary.graph)).encode("utf-8")

    def fill(store: Any) -> None:
        store.bulk_load(io.BufferedReader(_Concatenation(parts, tail), 1 << 20), format=ox.RdfFormat.N_TRIPLES)
        # A bulk load leaves its sorted runs side by side, and every lookup then searches each
        # of them. Merging them (RocksDB compaction) made lookups about ten times faster at
        # 100,000 cases (cases-by-act 40.8 s -> 4.3 s) for 28 s more build there, 1.5 s at 10,000.
        store.optimize()

    replace_store_folder(store_path, fill)


def open_project_store(project: Project, data_paths: Sequence[Path], *, base: str) -> StoreState:
    """The project's embedded store, brought up to date with the case files first (only what
    changed is redone)."""
    update = update_project(project, data_paths, base=base)
    rebuilt = bool(update.converted or update.removed or update.store_rewritten)
    return StoreState(EmbeddedStore(project.work / "store"), rebuilt)


# --- Validation ----------------------------------------------------------------------------


@dataclass
class ProjectValidation:
    """What :func:`validate_project` found: the report and how many cases it covers."""

    report: Any
    case_count: int
    revalidated: int


def validate_project(project: Project, data_paths: Sequence[Path], *, base: str,
                     progress: Progress | None = None) -> ProjectValidation:
    """:func:`casegraph.validate.validate_build` on the case files, re-checking only the cases
    that changed or point at a case that changed.

    A case is checked alone against its triples and the ontology (:mod:`casegraph.fastvalidate`);
    a case that points at another case's node (``related_cases[].case``, which
    cgsh:RelatedCaseShape checks with sh:class) is checked with that case's triples, and again
    whenever that case changes, appears or disappears. When the shapes use SHACL the fast engine
    lacks, or a case has triples outside its own IRI, everything goes through pyshacl.

    Returns:
        The :class:`casegraph.validate.ValidationReport` (the same a full run gives), the
        number of cases and how many were checked again.
    Raises:
        CaseDataError: the case files have problems.
        ShapesError: the shapes do not parse.
    """
    from .fastvalidate import to_validation_result, vocabulary_results
    from .resultrows import report_rows, to_row
    from .validate import ValidationReport, load_shapes

    shapes, shapes_files = load_shapes(project.shapes)

    def checker(vocabulary: Any, _count: int = 0) -> Checker | None:
        return _checker(shapes, vocabulary, base)

    cache, files, vocabulary, outcomes, check = _refresh(project, data_paths, base, progress, checker)
    check = check or checker(vocabulary)
    if check is None:
        return _validate_whole(project, data_paths, vocabulary, base)
    by_iri = {cache.entries[p].iri: p for p in files}
    sha_of = {iri: cache.entries[p].sha for iri, p in by_iri.items()}
    # Never checked (built only), pointing into other cases (checked once all are converted),
    # or pointing at a case that changed, appeared or disappeared since: read and checked again.
    todo = [p for p in files if cache.entries[p].deps is None
            or any(sha_of.get(o) != h for o, h in cache.entries[p].deps.items())]
    if todo:
        owners = {iri: str(cache.nt_path(cache.entries[p])) for iri, p in by_iri.items()}
        entries = {p: cache.entries[p] for p in todo}
        more = process_case_files([(p, e.nt) for p, e in entries.items()], base=base,
                                  states=vocabulary.state_iris(), nt_folder=cache.nt_folder, checker=check,
                                  owners=owners, progress=progress)
        _apply(cache, more, {p: (e.sha, e.size, e.mtime_ns) for p, e in entries.items()})
        for outcome in more:
            if outcome.results is not None:
                cache.entries[outcome.path].deps = {owner: sha_of.get(owner) for owner in outcome.foreign or ()}
                cache.touch(outcome.path)
        outcomes = [*outcomes, *more]
    if any(o.unsupported for o in outcomes):
        cache.save_if_changed()
        return _validate_whole(project, data_paths, vocabulary, base)
    rows = [to_row(to_validation_result(r, shapes, {})) for r in vocabulary_results(check.compiled, check.ontology)]
    kept = cache.results()
    for p in files:
        rows.extend(kept.get(p, ()))
    cache.save_if_changed()
    return ProjectValidation(ValidationReport(report_rows(rows), shapes_files), len(files),
                             len({o.path for o in outcomes}))


def _checker(shapes: Any, vocabulary: Any, base: str) -> Checker | None:
    """What checking cases one by one needs, or None when the fast engine cannot do it (the
    shapes use SHACL it lacks, or ontology nodes sit under the case IRIs)."""
    from .fastconvert import IRI
    from .fastshacl import compile_shapes
    from .fastvalidate import ontology_index

    compiled = compile_shapes(shapes, vocabulary.graph)
    if compiled is None:
        return None
    onto = ontology_index(vocabulary.graph)
    cases_root = f"{base}case/"
    if any(type(s) is IRI and s.startswith(cases_root) for s in onto.spo):
        return None
    return Checker(compiled, onto, shapes, vocabulary.state_iris())


# A build checks ahead only when this many files changed: for fewer, compiling the shapes
# (0.3 s) costs more than `casegraph validate` reading those few files again.
CHECK_AHEAD_FROM = 50


def _check_ahead(project: Project, base: str) -> Callable[[Any, int], Checker | None]:
    """For a build of many changed files: check each case while it is read anyway, so that
    `casegraph validate` finds the results made (reading a case costs more than checking it).
    Shapes that do not parse are left for `casegraph validate` to report."""
    from .errors import ShapesError
    from .validate import load_shapes

    def checker(vocabulary: Any, count: int) -> Checker | None:
        if count < CHECK_AHEAD_FROM:
            return None
        try:
            shapes, _files = load_shapes(project.shapes)
        except ShapesError:
            return None
        return _checker(shapes, vocabulary, base)

    return checker


def _validate_whole(project: Project, data_paths: Sequence[Path], vocabulary: Any, base: str) -> ProjectValidation:
    """Every case through pyshacl on the whole graph: for shapes or data the fast engine lacks."""
    from .build import build_cases
    from .validate import validate_build

    build = build_cases(data_paths, vocabulary, base=base)
    report = validate_build(build, project.shapes)  # falls back to pyshacl itself
    return ProjectValidation(report, len(build.graphs), len(build.graphs))
