"""SHACL validation of built cases, with results located in the case files.

The only module that imports pyshacl. SHACL violations are results, not exceptions: each
keeps its severity, message, focus node and path, and the case file and line an analyst edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from .build import Build
from .convert import SourceLocation
from .errors import Problem, ShapesError, display_path
from .namespaces import PREFIXES, RDF

__all__ = ["ValidationResult", "ValidationReport", "load_shapes", "validate_build", "validate_graph"]

SEVERITIES = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, in the SHACL terms and in the analyst's (file, line, field)."""

    severity: str
    message: str
    focus_node: Node
    result_path: Node | None
    value: Node | None
    source_shape: Node | None
    constraint: Node | None
    problem: Problem

    def __str__(self) -> str:
        return f"{self.problem} [{self.severity}]"


@dataclass
class ValidationReport:
    """The outcome of validating a build: conforms when no result is a violation."""

    results: list[ValidationResult] = field(default_factory=list)
    shapes_files: list[Path] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "error" for r in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def printed(self, warnings: bool = True) -> str:
        """The results as `casegraph validate` prints them, one a line (with ``warnings``:
        warnings and notes too)."""
        return "\n".join(str(r) for r in self.results if warnings or r.severity == "error")


def load_shapes(folder: Path) -> tuple[Graph, list[Path]]:
    """Read every ``*.ttl`` in the shapes folder into one graph.

    Raises:
        ShapesError: no shapes, or a file that does not parse.
    """
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise ShapesError(f"{display_path(folder)}: no SHACL shapes (*.ttl) found")
    graph = Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several unrelated types for bad Turtle
            raise ShapesError(f"{display_path(path)}: cannot parse the shapes: {error}") from None
    return graph, files


def validate_build(build: Build, shapes_folder: Path, *, engine: str = "auto") -> ValidationReport:
    """Validate every case of a build against the shapes, with the ontology alongside.

    Args:
        build: the converted cases (and the vocabulary they refer to).
        shapes_folder: the project's shapes/ folder.
        engine: ``"auto"`` checks each case alone with :mod:`casegraph.fastshacl` (the same
            results as pyshacl, about 20x faster) where the shapes allow, else pyshacl;
            ``"pyshacl"`` always uses pyshacl on the whole graph.
    """
    if engine == "auto":
        from .fastvalidate import fast_results, to_validation_result

        shapes, files = load_shapes(shapes_folder)
        raw = fast_results(((g.iri, g.triples) for g in build.graphs), build.vocabulary.graph, shapes,
                           base=build.base)
        if raw is not None:
            locations = build.locations()
            results = [to_validation_result(r, shapes, locations) for r in raw]
            results.sort(key=lambda r: (str(r.problem.path), r.problem.line or 0, r.problem.field, r.message))
            return ValidationReport(_unique(results), files)
    # The ontology is read with the data so that sh:class follows rdfs:subClassOf and the
    # vocabulary shapes can see each concept's scheme; no inference beyond that is wanted.
    data = build.data_graph()
    data += build.vocabulary.graph
    return validate_graph(data, shapes_folder, locations=build.locations())


def validate_graph(data: Graph, shapes_folder: Path, *,
                   locations: dict[Node, SourceLocation] | None = None) -> ValidationReport:
    """Validate a graph that already holds the data and the ontology it needs.

    Args:
        data: the graph to check (it is not changed).
        shapes_folder: the folder of SHACL files (*.ttl, not its subfolders).
        locations: where each node was written, to point results at case files.
    """
    from pyshacl import validate

    shapes, files = load_shapes(shapes_folder)
    _conforms, results_graph, _text = validate(
        data, shacl_graph=shapes, inference="none",
        abort_on_first=False, allow_infos=True, allow_warnings=True, advanced=False,
    )
    # Only the report's own results: pyshacl also writes the nested results of sh:node and
    # sh:or as sh:detail, which speak of vocabulary nodes, not of anything in a case file.
    results = [_result(results_graph, node, locations or {})
               for report in results_graph.subjects(RDF.type, SH.ValidationReport)
               for node in results_graph.objects(report, SH.result)]
    results.sort(key=lambda r: (str(r.problem.path), r.problem.line or 0, r.problem.field, r.message))
    return ValidationReport(_unique(results), files)


def _unique(results: list[ValidationResult]) -> list[ValidationResult]:
    seen: set[tuple] = set()
    out = []
    for r in results:
        key = (str(r.problem), r.severity)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _result(graph: Graph, node: Node, locations: dict[Node, SourceLocation]) -> ValidationResult:
    focus = graph.value(node, SH.focusNode)
    path = graph.value(node, SH.resultPath)
    value = graph.value(node, SH.value)
    shape = graph.value(node, SH.sourceShape)
    severity = SEVERITIES.get(graph.value(node, SH.resultSeverity), "error")
    message = str(graph.value(node, SH.resultMessage) or "does not conform to " + _short(shape))
    if isinstance(value, URIRef) and value != focus:
        message += f" (got {_short(value)})"
    name = graph.value(shape, SH.name) if shape is not None else None
    return ValidationResult(severity, message, focus, path, value, shape,
                            graph.value(node, SH.sourceConstraintComponent),
                            _locate(focus, path, name, message, severity, locations))


def _locate(focus: Node, path: Node | None, name: Node | None, message: str, severity: str,
            locations: dict[Node, SourceLocation]) -> Problem:
    where = locations.get(focus)
    if where is None:
        return Problem(Path("(graph)"), None, None, _short(focus), message, severity)
    if path is not None and str(path) in where.properties:
        line, field_path = where.properties[str(path)]
        return Problem(where.case.path, line, None, field_path, message, severity)
    field_path = where.field + ("." if where.field and name else "") + (str(name) if name else "")
    return Problem(where.case.path, where.line, None, field_path, message, severity)


def _short(node: Node | None) -> str:
    if node is None:
        return "a shape"
    text = str(node)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)):]}"
    return f"<{text}>" if isinstance(node, URIRef) else text
