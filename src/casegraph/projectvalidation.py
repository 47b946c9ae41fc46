"""`casegraph validate` on a project: only the cases that changed, or that point at a case that
changed, are checked again; the results of the others come from the cache (see
:mod:`casegraph.workspace` for how the cache is brought up to date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .casecache import CaseCache
from .checkers import kept_checker
from .listing import path_order
from .parallel import PARALLEL_FROM, Checker, FileOutcome, process_case_files
from .paths import Project
from .workspace import FAST_UP_TO, Progress, Refreshed, apply_outcomes, keep_listing, refresh_cases

__all__ = ["ProjectValidation", "validate_project"]


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
        The report (a :class:`casegraph.printedreport.PrintedReport`, which reads and prints
        as the :class:`casegraph.validate.ValidationReport` a full run gives), the number of
        cases and how many were checked again.
    Raises:
        CaseDataError: the case files have problems.
        ShapesError: the shapes do not parse.
    """
    shapes_files = sorted(project.shapes.glob("*.ttl"))
    if not shapes_files:
        from .validate import load_shapes

        load_shapes(project.shapes)  # raises the error a full run gives
    kept: dict[str, Any] = {}

    def checker(cache: CaseCache, _count: int = 0) -> Checker | None:
        if "check" not in kept:
            kept["check"], kept["rows"] = kept_checker(cache, project, base)
        return kept["check"]

    # The shapes first, as a full run reads them first (their errors come before any other).
    refreshed = refresh_cases(project, data_paths, base, progress, checker, first=checker)
    cache = refreshed.cache
    check = refreshed.check or checker(cache)
    if check is None:
        cache.save_if_changed()
        return _validate_whole(project, data_paths, cache.vocabulary(project), base)
    more = _recheck(refreshed, check, base, progress)
    outcomes = [*refreshed.outcomes, *more]
    if any(o.unsupported for o in outcomes):
        cache.save_if_changed()
        return _validate_whole(project, data_paths, cache.vocabulary(project), base)
    if refreshed.header is not None:
        _note_unstored(refreshed)
    keep_listing(refreshed)
    cache.save_if_changed()
    files = refreshed.files
    return ProjectValidation(_report(refreshed, kept["rows"], shapes_files), len(files),
                             len({o.path for o in outcomes}))


def _note_unstored(refreshed: Refreshed) -> None:
    """Validation leaves the store as it was: note in the listing kept where the store differs
    from the cases, for the next build to take the short way (or none, when not known)."""
    cache, header, old = refreshed.cache, refreshed.header, refreshed.kept or {}
    store = cache.state.get("store")
    if refreshed.fast:
        unstored = set(old.get("unstored", ())) | {e.iri for e in refreshed.before.values()} \
            | {e.iri for p in refreshed.dirty if (e := cache.entries.get(p)) is not None}
        in_step = store is not None and old.get("store") == store
    else:  # every entry was read, and what the store holds with them
        graphs = cache.state.get("graphs")
        in_step = store is not None and graphs is not None
        target = {cache.entries[p].iri: cache.entries[p].nt for p in refreshed.files}
        unstored = {iri for iri, nt in target.items() if graphs.get(iri) != nt} | (graphs.keys() - target.keys()) \
            if in_step else set()
    in_step = in_step and len(unstored) <= FAST_UP_TO
    header.update(store=store if in_step else None, unstored=sorted(unstored) if in_step else [])


class _Owners:
    """Case IRI -> its N-Triples file, looked up as asked (for the few cases checked again)."""

    def __init__(self, cache: CaseCache):
        self._cache = cache
        self._found: dict[str, str | None] = {}

    def _get(self, iri: str) -> str | None:
        if iri not in self._found:
            path = self._cache.paths_of_iris([iri]).get(iri)
            if path is not None:
                self._cache.load([path])
            entry = self._cache.entries.get(path) if path is not None else None
            self._found[iri] = None if entry is None else str(self._cache.nt_path(entry))
        return self._found[iri]

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self._get(iri) is not None

    def __getitem__(self, iri: str) -> str:
        found = self._get(iri)
        if found is None:
            raise KeyError(iri)
        return found


def _recheck(refreshed: Refreshed, check: Checker, base: str, progress: Progress | None) -> list[FileOutcome]:
    """Check again the cases never checked (built only), pointing into other cases (checked once
    all are converted), or pointing at a case that changed, appeared or disappeared since."""
    cache = refreshed.cache
    if refreshed.fast:
        cache.save()  # the lookups below read the database
        todo = sorted(cache.to_recheck(), key=path_order)
        if len(todo) >= PARALLEL_FROM:  # many: the long way's tables, for the worker processes
            cache.load_all()
            refreshed.sorted_files()
    if not refreshed.fast:
        files = refreshed.files
        by_iri = {cache.entries[p].iri: p for p in files}
        sha_of = {iri: cache.entries[p].sha for iri, p in by_iri.items()}
        todo = [p for p in files if cache.entries[p].deps is None
                or any(sha_of.get(o) != h for o, h in cache.entries[p].deps.items())]
    if not todo:
        return []
    cache.load(todo)
    if refreshed.fast:
        owners: Any = _Owners(cache)
    else:
        owners = {iri: str(cache.nt_path(cache.entries[p])) for iri, p in by_iri.items()}
    entries = {p: cache.entries[p] for p in todo}
    more = process_case_files([(p, e.nt) for p, e in entries.items()], base=base, states=refreshed.states,
                              nt_folder=cache.nt_folder, checker=check, owners=owners, progress=progress)
    apply_outcomes(cache, more, {p: (e.sha, e.size, e.mtime_ns) for p, e in entries.items()})
    if refreshed.fast:
        sha_of = cache.shas_of_iris({owner for o in more for owner in o.foreign or ()})
    for outcome in more:
        if outcome.results is not None:
            cache.entries[outcome.path].deps = {owner: sha_of.get(owner) for owner in outcome.foreign or ()}
            cache.touch(outcome.path)
    return more


def _report(refreshed: Refreshed, vocabulary_rows: list[tuple], shapes_files: list[Path]) -> Any:
    """The report, from each file's printed lines as the cache keeps them (once saved)."""
    from .printedreport import printed_report
    from .resultrows import report_rows
    from .validate import ValidationReport

    cache = refreshed.cache
    listed = None if refreshed.fast else set(refreshed.files)  # the short way: the entries are the files

    def results() -> list[Any]:
        kept = cache.results()
        rows = list(vocabulary_rows)
        for p in refreshed.sorted_files():
            rows.extend(kept.get(p, ()))
        return report_rows(rows)

    blocks, loose = [], []
    for file, is_loose, errors, warnings, lines, error_lines in cache.printed():
        if listed is not None and file not in listed:
            continue
        if is_loose:
            loose.append(file)
        else:
            blocks.append((file, errors, warnings, lines, error_lines))
    rows = list(vocabulary_rows)
    kept = cache.results_of(loose)
    for p in sorted(loose, key=path_order):
        rows.extend(kept.get(p, ()))
    report = printed_report(blocks, rows, shapes_files, results, refreshed.listing.unsure)
    return report if report is not None else ValidationReport(results(), shapes_files)


def _validate_whole(project: Project, data_paths: Sequence[Path], vocabulary: Any, base: str) -> ProjectValidation:
    """Every case through pyshacl on the whole graph: for shapes or data the fast engine lacks."""
    from .build import build_cases
    from .validate import validate_build

    build = build_cases(data_paths, vocabulary, base=base)
    report = validate_build(build, project.shapes)  # falls back to pyshacl itself
    return ProjectValidation(report, len(build.graphs), len(build.graphs))
