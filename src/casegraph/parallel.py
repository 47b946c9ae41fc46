"""Read, check, convert (and validate) case files on every core.

:func:`process_case_files` reads each file with the loader of :mod:`casegraph.cases` (the
JSON Schema pre-checked by :mod:`casegraph.fastschema`), converts it with
:mod:`casegraph.fastconvert`, writes its N-Triples to a file of its own, and, when asked, checks
it with :mod:`casegraph.fastshacl`. Only small outcomes come back to the caller, so memory stays
flat however many files there are. Results are located exactly as
:func:`casegraph.validate.validate_build` locates them.

A case pointing at a node of another case (a related case) is checked with what that case's
N-Triples say about the node, once every case has been converted.
"""

from __future__ import annotations

import multiprocessing
import os
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cases as _cases
from .cases import CaseFile
from .errors import CaseDataError, Problem
from .fastconvert import IRI, Blank, FastCase, Lit, _escape, convert_case_fast, source_locations
from .fastschema import compile_schema
from .fastshacl import CompiledShapes, Index, RawResult
from .fastvalidate import case_prefix_ok, foreign_nodes, owner_case
from .gcpolicy import collect_rarely

__all__ = ["Checker", "FileOutcome", "process_case_files", "load_case_file_fast"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Below this many files, forking workers costs more than it saves.
PARALLEL_FROM = 200
CHUNK = 250


def _make_fast_loader():
    check = compile_schema(_cases.case_schema())
    original = _cases._schema_problems

    def schema_problems(case: CaseFile):
        if check is not None and check(case.data):
            return iter(())
        return original(case)

    scope = dict(vars(_cases))
    scope["_schema_problems"] = schema_problems
    f = _cases.load_case_file
    return types.FunctionType(f.__code__, scope, f.__name__, f.__defaults__, f.__closure__)


_LOADER: list = []


def load_case_file_fast(path: Path) -> CaseFile:
    """:func:`casegraph.cases.load_case_file`, with the JSON Schema pre-checked (same results)."""
    if not _LOADER:
        _LOADER.append(_make_fast_loader())
    return _LOADER[0](path)


@dataclass(frozen=True)
class Checker:
    """What validating a case alone needs: the compiled shapes, the ontology as an index, the
    shapes' names (:func:`casegraph.fastvalidate.shape_names`, for result messages) and the
    States (to convert cases). Pickled whole in the cache, so that a command after one edit
    neither parses the shapes and the ontology nor compiles them."""

    compiled: CompiledShapes
    ontology: Index
    shapes: Any
    states: dict


@dataclass
class FileOutcome:
    """What processing one case file gave.

    ``problems`` is set when the file could not be read; otherwise ``case_id``, ``iri``,
    ``triples`` and the N-Triples file name are. When validating: ``results`` (located; None when
    the case points into other cases and no ``owners`` were given), ``foreign`` (the case IRIs
    it points into; results are rows of :mod:`casegraph.resultrows`), or ``unsupported`` (it has triples about nodes outside its own IRI, which
    the fast engine does not check).
    """

    path: str
    problems: list[Problem] = field(default_factory=list)
    case_id: str = ""
    iri: str = ""
    triples: int = 0
    nt: str = ""
    results: list | None = None
    foreign: list[str] | None = None
    unsupported: bool = False


# Set before the pool forks, so workers share it (and the shapes' blank nodes match).
_JOB: dict[str, Any] = {}


def _process(chunk: list[tuple[str, str]]) -> list[FileOutcome]:
    base, states, folder = _JOB["base"], _JOB["states"], _JOB["folder"]
    checker: Checker | None = _JOB["checker"]
    owners: dict[str, str] | None = _JOB["owners"]
    cases_root = f"{base}case/"
    outcomes = []
    for path, nt_name in chunk:
        try:
            case = load_case_file_fast(Path(path))
        except CaseDataError as error:
            outcomes.append(FileOutcome(path, problems=list(error.problems)))
            continue
        fast = convert_case_fast(case, base=base, states=states)
        target = os.path.join(folder, nt_name)
        if not os.path.exists(target):  # the name holds the file's hash: an existing one is this
            with open(target + ".tmp", "w", encoding="utf-8") as out:
                out.write(fast.ntriples())
            os.replace(target + ".tmp", target)  # never seen half-written by another worker
        outcome = FileOutcome(path, case_id=case.case_id, iri=str(fast.iri), triples=len(fast.triples), nt=nt_name)
        if checker is not None:
            index = Index(fast.triples)
            if not case_prefix_ok(fast.iri, index):
                outcome.unsupported = True
            else:
                foreign = foreign_nodes(fast.iri, index, cases_root)
                outcome.foreign = sorted({owner_case(n, cases_root) for n in foreign})
                if foreign and owners is None:
                    outcomes.append(outcome)  # checked once every case is converted
                    continue
                supplied = _supplied(foreign, owners, cases_root) if foreign else None
                raw = checker.compiled.validate(index, checker.ontology, foreign=supplied)
                outcome.results = locate(case, fast, raw, checker) if raw else []
        outcomes.append(outcome)
    return outcomes


def _supplied(foreign: set[str], owners: dict[str, str], cases_root: str) -> Index:
    """What the cases owning ``foreign`` nodes say about them (as
    :func:`casegraph.fastvalidate.supplied_foreign` gives it), read from their N-Triples files."""
    import pyoxigraph as ox

    supplied = Index()
    for owner, nodes in _by_owner(foreign, cases_root).items():
        if owner not in owners:
            continue
        subjects = tuple(f"<{n}> " for n in nodes)
        with open(owners[owner], encoding="utf-8") as f:
            lines = [line for line in f if line.startswith(subjects)]
        quads = ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        supplied.add_all((_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object)) for q in quads)
    return supplied


def _by_owner(nodes: set[str], cases_root: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for node in nodes:
        out.setdefault(owner_case(node, cases_root), []).append(node)
    return out


def _from_ox(term: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    lang, datatype = term.language, term.datatype.value
    if lang:
        return Lit(term.value, None, lang, f'"{_escape(term.value)}"@{lang}')
    if datatype == _XSD_STRING:
        return Lit(term.value, None, None, f'"{_escape(term.value)}"')
    return Lit(term.value, datatype, None, f'"{_escape(term.value)}"^^<{datatype}>')


def locate(case: CaseFile, fast: FastCase, raw: list[RawResult], checker: Checker) -> list[tuple]:
    """Raw results as :class:`casegraph.validate.ValidationResult` gives them, with the file's
    lines, as rows (:mod:`casegraph.resultrows`): plain data, cheap to send back and to keep."""
    from .fastvalidate import to_validation_result
    from .resultrows import to_row

    locations = source_locations(case, fast, {r.focus for r in raw})
    return [to_row(to_validation_result(r, checker.shapes, locations)) for r in raw]


def process_case_files(jobs: list[tuple[str, str]], *, base: str, states: dict, nt_folder: Path,
                       checker: Checker | None = None, owners: dict[str, str] | None = None,
                       workers: int | None = None,
                       progress: Callable[[int, int], None] | None = None) -> list[FileOutcome]:
    """Process case files, each ``(path, N-Triples file name)``, in order; on every core when
    there are enough of them.

    Args:
        states: ISO code to State IRI (rdflib terms, as the vocabulary gives them).
        nt_folder: where each case's N-Triples file is written.
        checker: validate each case too (None: only convert).
        owners: case IRI to the N-Triples file of that case, for cases that point into other
            cases; without it such cases are left unchecked (``results`` None).
        progress: called with (files done, files in all) as chunks finish.
    """
    _JOB.update(base=base, states={k: IRI(v) for k, v in states.items()}, folder=str(nt_folder), checker=checker,
                owners=owners)
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    workers = workers or os.cpu_count() or 1
    outcomes: list[FileOutcome] = []
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        with multiprocessing.get_context("fork").Pool(workers, initializer=collect_rarely) as pool:
            for part in pool.imap(_process, chunks):
                outcomes.extend(part)
                if progress is not None:
                    progress(len(outcomes), len(jobs))
    else:
        for chunk in chunks:
            outcomes.extend(_process(chunk))
            if progress is not None:
                progress(len(outcomes), len(jobs))
    _JOB.clear()
    return outcomes
