"""The embedded store and the validation results a project keeps between commands, redoing only
what the changed case files touch.

``casegraph build`` reads and converts only the case files that changed since the last run (all
of them the first time, on every core) and, in the on-disk store ``.casegraph/store``, replaces
only their triples (:mod:`casegraph.storefiles`). ``casegraph validate`` re-checks only the cases
that changed or that point at a case that changed (:mod:`casegraph.projectvalidation`). Commands
that answer questions bring the store up to date first, the same way, so an answer never comes
from stale data. What is remembered of each file is described in :mod:`casegraph.casecache`.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .casecache import CachedCase, CaseCache
from .checkers import check_ahead
from .errors import CaseDataError, Problem, WorkspaceError, display_path
from .listing import Listing, path_order
from .parallel import Checker, FileOutcome, process_case_files
from .paths import Project
from .store import EmbeddedStore
from .storefiles import REWRITE_FROM, remove_unused, update_store, write_store

__all__ = ["StoreState", "IncrementalBuild", "Refreshed", "refresh_cases", "keep_listing", "update_project",
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


def _nt_name(path: str, sha: str) -> str:
    return hashlib.sha256(f"{path}\n{sha}".encode()).hexdigest()[:40] + ".nt"


def apply_outcomes(cache: CaseCache, outcomes: Iterable[FileOutcome],
                   read: dict[str, tuple[str, int, int]]) -> list[Problem]:
    """Record processed files in the cache; the problems of those that could not be read."""
    problems: list[Problem] = []
    for outcome in outcomes:
        if outcome.problems:
            cache.forget(outcome.path)
            problems.extend(outcome.problems)
            continue
        sha, size, mtime_ns = read[outcome.path]
        previous = cache.entries.get(outcome.path)
        if previous is not None and previous.nt != outcome.nt and not cache.stored_nts([previous.nt]):
            cache.nt_path(previous).unlink(missing_ok=True)  # else kept until the store drops its triples
        cache.put(outcome.path, CachedCase(sha, size, mtime_ns, outcome.case_id, outcome.iri, outcome.nt,
                                           outcome.triples, deps={} if outcome.results is not None else None))
        cache.set_results(outcome.path, outcome.results or [])  # none yet: an old version's go
    return problems


# A command takes the short way (see Refreshed.fast) when at most this many files differ from
# the last command's listing; for more, reading every entry costs little beside the work.
FAST_UP_TO = 100


class _TakeTheLongWay(Exception):
    """The short way cannot give the long way's answer here (problems to report in order, a
    changed store ...): start again the long way."""


@dataclass
class Refreshed:
    """The cache brought up to date with the case files (see :func:`refresh_cases`).

    ``fast``: only ``dirty`` (paths listed now or last time whose size or time differ) were
    looked at, and ``cache.entries`` holds only theirs; the other entries are as the last
    command left them (``kept``: its listing's header). Else every entry was read, and
    ``files`` is sorted.
    """

    cache: CaseCache
    listing: Listing
    files: list[str]
    outcomes: list[FileOutcome]
    check: Checker | None
    states: dict[str, str]
    fast: bool
    kept: dict[str, Any] | None = None
    dirty: set[str] = field(default_factory=set)
    before: dict[str, CachedCase] = field(default_factory=dict)  # dirty paths' entries before
    header: dict[str, Any] | None = None  # the listing to keep, when it can be kept

    def sorted_files(self) -> list[str]:
        if self.fast:
            self.files = self.listing.sorted_files()
            self.fast = False
        return self.files


def refresh_cases(project: Project, data_paths: Sequence[Path], base: str, progress: Progress | None,
             checker: Callable[[CaseCache, int], Checker | None] | None = None,
             first: Callable[[CaseCache], Any] | None = None) -> Refreshed:
    """Bring the cache up to date with the case files: read and convert only changed files
    (and check them, when ``checker`` gives a :class:`Checker`). ``first`` is called with the
    cache before the files are listed (to raise the errors a full run raises first).

    Raises:
        CaseDataError: as :func:`casegraph.cases.load_cases` raises it, for the same files.
        ShapesError: the ontology (or, from ``first``, the shapes) does not parse.
    """
    paths = [os.path.abspath(p) for p in data_paths]  # once, not per file: the cache's keys are absolute
    cache = CaseCache(project, base, load=False)
    if first is not None:
        first(cache)
    cache.vocabulary_facts(project)  # a broken ontology is reported before a missing folder, as ever
    listing = Listing([Path(p) for p in paths])
    try:
        refreshed = _refresh_fast(project, cache, paths, listing, base, progress, checker)
    except _TakeTheLongWay:  # what the short way changed in memory is dropped
        refreshed, cache = None, CaseCache(project, base, load=False)
    if refreshed is None:
        cache.load_all()
        refreshed = _refresh_slow(project, cache, paths, listing, base, progress, checker)
    return refreshed


def _refresh_fast(project: Project, cache: CaseCache, paths: list[str], listing: Listing, base: str,
                  progress: Progress | None,
                  checker: Callable[[CaseCache, int], Checker | None] | None) -> Refreshed | None:
    """The short way: only the files whose stamp differs from the last listing's are looked at.
    None when there is no usable listing or too much changed."""
    kept_listing = cache.listing()
    if kept_listing is None:
        return None
    kept, stamps = kept_listing
    if kept.get("paths") != paths or kept.get("max_mtime", 0) >= cache.written_ns:
        return None  # another folder's listing, or files as new as the cache ("racily clean")
    new, old = Listing.differing(listing.keys, stamps)
    if len(new) + len(old) > FAST_UP_TO or any("\n" in p for p in new):
        return None
    removed = old - new
    if removed:
        removed -= set(listing.files)
    if any(os.path.exists(p) for p in removed):
        return None  # listed last time, not now, but there: the long way keeps its entry
    dirty = new | removed
    cache.load(dirty)
    before = {p: cache.entries[p] for p in dirty if p in cache.entries}
    stats = {p: st for p, st in zip(listing.files, listing.stats) if p in new} if new else {}
    changed, read = cache.changed(sorted(new, key=path_order), stats)
    states = cache.vocabulary_facts(project)[0]
    check = checker(cache, len(changed)) if checker is not None and changed else None
    jobs = [(p, _nt_name(p, read[p][0])) for p in changed]
    outcomes = process_case_files(jobs, base=base, states=states, nt_folder=cache.nt_folder, checker=check,
                                  progress=progress)
    if any(o.problems for o in outcomes):
        raise _TakeTheLongWay  # problems are reported with every file's, in order
    # A case id another listed file has: reported, in order, the long way.
    ids = {o.case_id: o.path for o in outcomes}
    if len(ids) < len(outcomes):
        raise _TakeTheLongWay
    for case_id, holders in cache.paths_of_case_ids(ids).items():
        others = [p for p in holders if p != ids[case_id] and p not in dirty]
        if others and not set(others).isdisjoint(listing.files):
            raise _TakeTheLongWay
    for p in removed:
        cache.forget(p)
    apply_outcomes(cache, outcomes, read)
    triples = kept["triples"] - sum(e.triples for e in before.values()) \
        + sum(cache.entries[p].triples for p in new if p in cache.entries)
    header = {"paths": paths, "triples": triples, "max_mtime": max(kept["max_mtime"], listing.max_mtime_ns)}
    return Refreshed(cache, listing, listing.files, outcomes, check, states, True, kept, dirty, before, header)


def _refresh_slow(project: Project, cache: CaseCache, paths: list[str], listing: Listing, base: str,
                  progress: Progress | None,
                  checker: Callable[[CaseCache, int], Checker | None] | None) -> Refreshed:
    """The long way: every entry read, every file compared with its entry."""
    files = listing.sorted_files()
    listed = set(files)
    for path in [p for p in cache.entries if p not in listed and not os.path.exists(p)]:
        cache.forget(path)
    changed, read = cache.changed(files, listing.stat_of())
    states = cache.vocabulary_facts(project)[0]
    # Compiling the shapes is left until a file needs checking: not on a build with nothing to do.
    check = checker(cache, len(changed)) if checker is not None and changed else None
    jobs = [(p, _nt_name(p, read[p][0])) for p in changed]
    outcomes = process_case_files(jobs, base=base, states=states, nt_folder=cache.nt_folder,
                                  checker=check, progress=progress)
    problems = apply_outcomes(cache, outcomes, read)
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
    header = None
    # Kept for the short way only when the entries are exactly the files listed.
    if len(cache.entries) == len(files) and not any("\n" in p for p in files):
        header = {"paths": paths, "triples": sum(cache.entries[p].triples for p in files),
                  "max_mtime": listing.max_mtime_ns}
    return Refreshed(cache, listing, files, outcomes, check, states, False, header=header)


def update_project(project: Project, data_paths: Sequence[Path], *, base: str,
                   progress: Progress | None = None, check: bool = True) -> IncrementalBuild:
    """Read, check and convert the case files and bring the embedded store up to date,
    redoing only what changed since the last build.

    The store ends up with the triples a build from scratch writes, all in its default graph:
    every case's, the ontology's and the vocabularies'. With ``check``, each case read is also checked
    against the shapes, for :func:`casegraph.projectvalidation.validate_project` to find.

    Raises:
        CaseDataError: the case files have problems; the store is left as it was.
    """
    started = time.perf_counter()
    refreshed = refresh_cases(project, data_paths, base, progress, check_ahead(project, base) if check else None)
    converted_at = time.perf_counter()
    store_path, manifest_path = project.work / "store", project.work / "manifest.json"
    try:
        on_disk = json.loads(manifest_path.read_text(encoding="utf-8")).get("token")
    except (OSError, ValueError, AttributeError):
        on_disk = None  # no manifest, or an unreadable one: the store is rewritten
    cache = refreshed.cache
    outcome = None
    if refreshed.fast:
        outcome = _update_store_fast(project, refreshed, store_path, manifest_path, on_disk, base)
    if outcome is None:
        outcome = _update_store_slow(project, refreshed, store_path, manifest_path, on_disk, base)
    count, unused = outcome
    count.timings["convert"] = converted_at - started
    header = refreshed.header
    if header is not None:
        header.update(store=cache.state["store"], unstored=[])
    keep_listing(refreshed)
    cache.save_if_changed()
    unused()  # once saved: an N-Triples file is deleted only when no saved entry names it
    count.timings["store"] = time.perf_counter() - converted_at
    return count


def keep_listing(refreshed: Refreshed) -> None:
    """Keep this command's listing for the next (see :mod:`casegraph.listing`), unless it is
    the one kept already."""
    header, kept, cache = refreshed.header, refreshed.kept, refreshed.cache
    if header is not None and kept is not None and cache.listing_kept() and not cache.dirty \
            and {k: v for k, v in kept.items() if k != "token"} == header:
        return
    cache.set_listing(header, refreshed.listing.keys)


def _write(project: Project, manifest_path: Path, base: str, cases: int, write: Callable[[], None]) -> str:
    """Change the store with ``write``, under a new token."""
    token = uuid.uuid4().hex
    try:
        manifest_path.unlink(missing_ok=True)  # a store being changed is never taken for a fresh one
        write()
        manifest_path.write_text(json.dumps({"token": token, "base": base, "cases": cases}), encoding="utf-8")
    except OSError as error:
        raise WorkspaceError(f"cannot write the embedded store in {display_path(project.work)}: "
                             f"{error.strerror or error}") from error
    return token


def _update_store_fast(project: Project, refreshed: Refreshed, store_path: Path, manifest_path: Path,
                       on_disk: str | None, base: str) -> tuple[IncrementalBuild, Callable[[], None]] | None:
    """The store brought up to date for the few cases that changed (the short way), or None
    when the store is not known to hold the last listing's cases."""
    cache, kept = refreshed.cache, refreshed.kept or {}
    if not (store_path.exists() and on_disk is not None and on_disk == cache.state["store"]
            and kept.get("store") == on_disk and cache.graphs_known()):
        return None
    # What the store holds differs from the cases listed only at these IRIs: those of the files
    # that changed, and those validate changed since the store was written.
    now = {e.iri: p for p in refreshed.dirty if (e := cache.entries.get(p)) is not None}
    iris = set(kept.get("unstored", ())) | now.keys() | {e.iri for e in refreshed.before.values()}
    others = {iri: p for iri, p in cache.paths_of_iris(iris - now.keys()).items() if p not in refreshed.dirty}
    cache.load(others.values())
    target = {iri: cache.entries[p].nt for iri, p in {**others, **now}.items()}
    held = cache.stored_graphs(iris)
    stale = [cache.nt_folder / nt for iri, nt in held.items() if target.get(iri) != nt]
    fresh = [cache.nt_folder / nt for iri, nt in target.items() if held.get(iri) != nt]
    if len(stale) > REWRITE_FROM or not all(path.exists() for path in stale):
        return None
    states, vocabulary_triples = cache.vocabulary_facts(project)
    count = IncrementalBuild(len(refreshed.files), refreshed.header["triples"], vocabulary_triples,
                             len(refreshed.outcomes), sum(iri not in target for iri in held), False,
                             {"convert": 0.0, "store": 0.0})
    if not stale and not fresh:
        return count, lambda: None
    token = _write(project, manifest_path, base, len(refreshed.files),
                   lambda: update_store(store_path, stale, fresh))
    cache.change_graphs(token, {iri: target.get(iri) for iri in iris if held.get(iri) != target.get(iri)})
    dropped = {nt for iri, nt in held.items() if target.get(iri) != nt}

    def unused() -> None:
        for name in dropped - cache.nts_in_use(dropped):
            (cache.nt_folder / name).unlink(missing_ok=True)

    return count, unused


def _update_store_slow(project: Project, refreshed: Refreshed, store_path: Path, manifest_path: Path,
                       on_disk: str | None, base: str) -> tuple[IncrementalBuild, Callable[[], None]]:
    """The store brought up to date the long way: every entry against what the store holds."""
    cache = refreshed.cache
    cache.load_all()
    files = refreshed.sorted_files()
    target = {cache.entries[p].iri: cache.entries[p].nt for p in files}
    old: dict[str, str] | None = cache.state.get("graphs")
    in_step = store_path.exists() and old is not None and on_disk is not None and on_disk == cache.state["store"]
    stale = [cache.nt_folder / nt for iri, nt in old.items() if target.get(iri) != nt] if in_step else []
    fresh = [p for p in files if not in_step or old.get(cache.entries[p].iri) != cache.entries[p].nt]
    # Taking old triples out one by one pays off for a few cases; for many, one bulk load of
    # everything is faster, and a missing old file leaves no other way.
    if len(stale) > REWRITE_FROM or not all(path.exists() for path in stale):
        in_step, stale, fresh = False, [], list(files)
    _states, vocabulary_triples = cache.vocabulary_facts(project)
    count = IncrementalBuild(len(files), sum(cache.entries[p].triples for p in files), vocabulary_triples,
                             len(refreshed.outcomes), sum(iri not in target for iri in old) if in_step else 0,
                             not in_step, {"convert": 0.0, "store": 0.0})
    if in_step and not stale and not fresh:
        return count, lambda: None
    parts = [cache.nt_path(cache.entries[p]) for p in fresh]
    if in_step:
        token = _write(project, manifest_path, base, len(files), lambda: update_store(store_path, stale, parts))
    else:
        token = _write(project, manifest_path, base, len(files),
                       lambda: write_store(store_path, parts, cache.vocabulary(project)))
    cache.state.update(store=token, graphs=target)
    return count, lambda: remove_unused(cache, old or {}, target)


def open_project_store(project: Project, data_paths: Sequence[Path], *, base: str) -> StoreState:
    """The project's embedded store, brought up to date with the case files first (only what
    changed is redone)."""
    update = update_project(project, data_paths, base=base)
    rebuilt = bool(update.converted or update.removed or update.store_rewritten)
    return StoreState(EmbeddedStore(project.work / "store"), rebuilt)
