"""Build, validate and load many case files on every core, without holding them in memory.

:func:`build_and_validate` reads the case files in worker processes (the loader of
:mod:`casegraph.cases`, with the JSON Schema pre-checked by :mod:`casegraph.fastschema`),
converts each with :mod:`casegraph.fastconvert`, checks it with :mod:`casegraph.fastshacl`
and appends its N-Quads to the worker's own file; the parent bulk-loads those files into a new
on-disk Oxigraph store. Only results and counts come back to the parent, so memory stays flat
however many cases there are. Results are located exactly as :func:`casegraph.validate.
validate_build` locates them (the few cases with results are converted again by
:mod:`casegraph.convert` for their source lines).

A case pointing at a node of another case (a related case) is checked last, in the parent,
with that case's triples read back from the store.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cases as _cases
from .cases import CaseFile, find_case_files
from .errors import CaseDataError, Problem
from .fastconvert import IRI, Blank, Lit, _escape, convert_case_fast
from .fastschema import compile_schema
from .fastshacl import CompiledShapes, Index, RawResult, compile_shapes
from .fastvalidate import case_prefix_ok, foreign_nodes, ontology_index, owner_case, vocabulary_results

__all__ = ["ParallelBuild", "build_and_validate", "load_case_file_fast"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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


@dataclass
class ParallelBuild:
    """What a parallel build made: counts, results (as validate.py makes them), problems."""

    case_count: int = 0
    triple_count: int = 0
    vocabulary_triples: int = 0
    results: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


# State shared with forked workers (set before the pool starts, so shapes' blank nodes match).
_SHARED: dict[str, Any] = {}


def _work(job: tuple[int, list[str]]) -> dict:
    number, paths = job
    base, states = _SHARED["base"], _SHARED["states"]
    compiled: CompiledShapes | None = _SHARED["compiled"]
    onto: Index = _SHARED["ontology"]
    cases_root = f"{base}case/"
    out_path = Path(_SHARED["tmp"]) / f"part-{number:05d}.nq"
    problems: list[Problem] = []
    results: list = []
    deferred: list = []
    ids: list[tuple[str, str]] = []
    triples = 0
    unsupported = False
    with open(out_path, "w", encoding="utf-8") as out:
        for p in paths:
            path = Path(p)
            try:
                case = load_case_file_fast(path)
            except CaseDataError as error:
                problems.extend(error.problems)
                continue
            ids.append((case.case_id, p))
            fast = convert_case_fast(case, base=base, states=states)
            out.write(fast.nquads())
            triples += len(fast.triples)
            if compiled is None or unsupported:
                continue
            index = Index(fast.triples)
            if not case_prefix_ok(fast.iri, index):
                unsupported = True
                continue
            foreign = foreign_nodes(fast.iri, index, cases_root)
            if foreign:
                deferred.append((p, fast.iri, fast.triples, sorted({owner_case(n, cases_root) for n in foreign})))
                continue
            raw = compiled.validate(index, onto)
            if raw:
                results.extend(_locate(case, raw))
    return {"problems": problems, "results": results, "deferred": deferred, "ids": ids,
            "triples": triples, "unsupported": unsupported, "file": str(out_path)}


def _locate(case: CaseFile, raw: list[RawResult]) -> list:
    from .convert import convert_case
    from .fastvalidate import to_validation_result

    graph = convert_case(case, base=_SHARED["base"], states=_SHARED["rdflib_states"])
    return [to_validation_result(r, _SHARED["shapes"], graph.locations) for r in raw]


def _from_ox(term: Any) -> Any:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    lang = term.language
    datatype = term.datatype.value
    if lang:
        return Lit(term.value, None, lang, f'"{_escape(term.value)}"@{lang}')
    if datatype == _XSD_STRING:
        return Lit(term.value, None, None, f'"{_escape(term.value)}"')
    return Lit(term.value, datatype, None, f'"{_escape(term.value)}"^^<{datatype}>')


def build_and_validate(paths: list[Path], *, ontology: Any, shapes_folder: Path | None, store_path: Path | None,
                       base: str, workers: int | None = None, validate: bool = True,
                       chunk_size: int = 500) -> ParallelBuild:
    """Read, check, convert (and validate) the case files on ``workers`` processes; load the store.

    Args:
        paths: case files or folders.
        ontology: the :class:`casegraph.vocabulary.Vocabulary`.
        shapes_folder: the shapes (None: do not validate).
        store_path: where to write the on-disk store (replaced whole), or None for no store.
    Raises:
        CaseDataError: with every problem in every file (nothing is written).
    """
    import time

    from .validate import _unique, load_shapes

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    files = [str(p) for p in find_case_files(paths)]
    shapes = None
    compiled = None
    if validate and shapes_folder is not None:
        shapes, _files = load_shapes(shapes_folder)
        compiled = compile_shapes(shapes, ontology.graph)
        if compiled is None:
            raise NotImplementedError("the shapes use SHACL features the fast engine lacks; use validate_build")
    rdflib_states = ontology.state_iris()
    work = (store_path.parent if store_path is not None else Path(os.environ.get("TMPDIR", "/tmp"))) / ".parts"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    _SHARED.update(base=base, states={k: IRI(v) for k, v in rdflib_states.items()}, rdflib_states=rdflib_states,
                   compiled=compiled, ontology=ontology_index(ontology.graph) if compiled else None,
                   shapes=shapes, tmp=str(work))
    jobs = [(i, files[start:start + chunk_size]) for i, start in enumerate(range(0, len(files), chunk_size))]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_work, jobs, chunksize=1)
    else:
        parts = [_work(job) for job in jobs]
    timings["convert+validate"] = time.perf_counter() - t0
    report = ParallelBuild()
    seen: dict[str, str] = {}
    duplicates: list[Problem] = []
    for part in parts:
        report.problems.extend(part["problems"])
        for case_id, p in part["ids"]:
            if case_id in seen:
                duplicates.append(Problem(Path(p), 1, None, "(file name)",
                                               f"case id '{case_id}' is also used by {seen[case_id]}; "
                                               "each case needs its own file name"))
            seen.setdefault(case_id, p)
        report.case_count += len(part["ids"])
        report.triple_count += part["triples"]
    report.problems.extend(duplicates)
    if report.problems:
        shutil.rmtree(work)
        raise CaseDataError(report.problems)
    if any(part["unsupported"] for part in parts):
        raise NotImplementedError("a case has triples about nodes outside its own IRI; use validate_build")
    t1 = time.perf_counter()
    store = None
    if store_path is not None:
        store = _load_store(store_path, [Path(part["file"]) for part in parts], ontology)
    timings["load"] = time.perf_counter() - t1
    report.vocabulary_triples = len(ontology.graph)
    if compiled is not None:
        t2 = time.perf_counter()
        results = [r for part in parts for r in part["results"]]
        from .fastvalidate import to_validation_result

        results.extend(to_validation_result(r, shapes, {}) for r in vocabulary_results(compiled, _SHARED["ontology"]))
        deferred = [d for part in parts for d in part["deferred"]]
        if deferred:
            results.extend(_validate_deferred(deferred, compiled, store, base))
        results.sort(key=lambda r: (str(r.problem.path), r.problem.line or 0, r.problem.field, r.message))
        report.results = _unique(results)
        timings["deferred validation"] = time.perf_counter() - t2
    shutil.rmtree(work, ignore_errors=True)
    report.timings = timings
    return report


def _validate_deferred(deferred: list, compiled: CompiledShapes, store: Any, base: str) -> list:
    """Cases that point at nodes of other cases, each with those cases' triples."""
    import pyoxigraph as ox

    cases_root = f"{base}case/"
    onto = _SHARED["ontology"]
    out = []
    cache: dict[str, list] = {}
    for p, iri, triples, owners in deferred:
        supplied = Index()
        pending, done = list(owners), set()
        while pending:
            owner = pending.pop()
            if owner in done or owner == iri:
                continue
            done.add(owner)
            if owner not in cache:
                quads = store.quads_for_pattern(None, None, None, ox.NamedNode(owner)) if store is not None else []
                cache[owner] = [(_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object)) for q in quads]
            part = Index(cache[owner])
            supplied.add_all(cache[owner])
            pending.extend(owner_case(n, cases_root) for n in foreign_nodes(owner, part, cases_root))
        raw = compiled.validate(Index(triples), onto, foreign=supplied)
        if raw:
            out.extend(_locate(load_case_file_fast(Path(p)), raw))
    return out


def _load_store(path: Path, parts: list[Path], vocabulary: Any) -> Any:
    import pyoxigraph as ox

    from .build import VOCABULARY_GRAPH
    from .store import nquads, replace_store_folder

    def fill(store: Any) -> None:
        for part in parts:
            store.bulk_load(path=str(part), format=ox.RdfFormat.N_QUADS)
        vocabulary_quads = nquads((s, p, o, VOCABULARY_GRAPH) for s, p, o in vocabulary.graph)
        store.bulk_load("".join(vocabulary_quads).encode("utf-8"), format=ox.RdfFormat.N_QUADS)

    replace_store_folder(path, fill)
    return ox.Store.read_only(str(path))
