"""Validation of a build one case at a time with :mod:`casegraph.fastshacl`, giving the report
:func:`casegraph.validate.validate_build` gives with pyshacl.

Each case is checked against its own triples plus the ontology; the ontology's own focus nodes
are checked once. A case pointing at a node of another case (``related_cases[].case``) is
checked with that node's triples. When the shapes or the data fall outside what the engine
does (see :func:`casegraph.fastshacl.compile_shapes`; a case with triples about nodes outside
its own IRI; ontology nodes under the case IRIs), :func:`fast_results` returns None and the
caller uses pyshacl.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from .convert import SourceLocation
from .fastconvert import IRI, to_fast_term
from .fastshacl import CompiledShapes, Index, RawResult, compile_shapes, to_rdflib

__all__ = ["fast_results", "case_prefix_ok", "foreign_nodes", "ontology_index", "vocabulary_results",
           "shape_names", "to_validation_result"]

_ONTOLOGY_CACHE: dict[int, tuple[Graph, int, Index]] = {}


def ontology_index(graph: Graph) -> Index:
    """The ontology as an :class:`Index` (kept for the life of the graph object)."""
    cached = _ONTOLOGY_CACHE.get(id(graph))
    if cached is not None and cached[0] is graph and cached[1] == len(graph):
        return cached[2]
    index = Index.from_graph(graph)
    _ONTOLOGY_CACHE.clear()
    _ONTOLOGY_CACHE[id(graph)] = (graph, len(graph), index)
    return index


def case_prefix_ok(iri: str, index: Index) -> bool:
    """Every subject of a case is the case or below it (so cases never share subjects)."""
    below = iri + "/"
    return all(type(s) is IRI and (s == iri or s.startswith(below)) for s in index.spo)


def foreign_nodes(iri: str, index: Index, cases_root: str) -> set[str]:
    """Nodes of other cases that a case's triples point to (under ``{base}case/``)."""
    below = iri + "/"
    out = set()
    for po in index.spo.values():
        for objs in po.values():
            for o in objs:
                if type(o) is IRI and o.startswith(cases_root) and o != iri and not o.startswith(below) \
                        and o not in index.spo:
                    out.add(o)
    return out


def owner_case(node: str, cases_root: str) -> str:
    """The case IRI a node of another case belongs to."""
    rest = node[len(cases_root):]
    return cases_root + rest.split("/", 1)[0]


def supplied_foreign(foreign: set[str], cases_root: str, index_of: Callable[[str], Index | None]) -> Index | None:
    """The triples other cases hold about ``foreign`` nodes (a related case's IRI ...), so that a
    case checked alone sees what a whole-graph check would; ``index_of`` maps a case IRI to its
    index, or None when that case is not among those read."""
    if not foreign:
        return None
    supplied = Index()
    for node in foreign:
        owner = index_of(owner_case(node, cases_root))
        if owner is not None and node in owner.spo:
            supplied.add_all((node, p, o) for p, objs in owner.spo[node].items() for o in objs)
    return supplied


def vocabulary_results(compiled: CompiledShapes, ontology: Index) -> list[RawResult]:
    """Results for the ontology's own focus nodes (the same for every build)."""
    return compiled.validate(ontology, Index())


def fast_results(graphs: Iterable[tuple[str, list]], ontology: Graph, shapes: Graph, *,
                 base: str) -> list[RawResult] | None:
    """Every result for the cases (``(case IRI, triples)``) and the ontology, or None for pyshacl.

    Triples may be rdflib terms or fast terms.
    """
    compiled = compile_shapes(shapes, ontology)
    if compiled is None:
        return None
    cases_root = f"{base}case/"
    onto = ontology_index(ontology)
    if any(type(s) is IRI and s.startswith(cases_root) for s in onto.spo):
        return None
    indexes: dict[str, Index] = {}
    for iri, triples in graphs:
        index = Index((to_fast_term(s), to_fast_term(p), to_fast_term(o)) for s, p, o in triples)
        iri = IRI(iri)
        if not case_prefix_ok(iri, index) or iri in indexes:
            return None
        indexes[iri] = index
    results = vocabulary_results(compiled, onto)
    for iri, index in indexes.items():
        supplied = supplied_foreign(foreign_nodes(iri, index, cases_root), cases_root, indexes.get)
        results.extend(compiled.validate(index, onto, foreign=supplied))
    return results


def shape_names(shapes: Graph) -> dict[Any, Any]:
    """Each shape's ``sh:name`` as :meth:`Graph.value` gives it: all that results need of the
    shapes graph, so that the compiled shapes can be kept without it."""
    return {s: shapes.value(s, SH.name) for s in set(shapes.subjects(SH.name, None))}


def to_validation_result(raw: RawResult, shapes: Graph | dict[Any, Any], locations: dict[Node, SourceLocation]) -> Any:
    """A :class:`casegraph.validate.ValidationResult` built as validate.py builds pyshacl's.

    ``shapes``: the shapes graph, or its :func:`shape_names`."""
    from .validate import SEVERITIES, ValidationResult, _locate, _short

    focus, path, value = to_rdflib(raw.focus), to_rdflib(raw.path), to_rdflib(raw.value)
    severity = SEVERITIES.get(raw.severity, "error")
    message = raw.message or "does not conform to " + _short(raw.shape)
    if isinstance(value, URIRef) and value != focus:
        message += f" (got {_short(value)})"
    if raw.shape is None:
        name = None
    else:
        name = shapes.get(raw.shape) if isinstance(shapes, dict) else shapes.value(raw.shape, SH.name)
    return ValidationResult(severity, message, focus, path, value, raw.shape, raw.component,
                            _locate(focus, path, name, message, severity, locations))
