"""Graph exports: Turtle, N-Triples and JSON-LD of the built cases.

Output is deterministic: the same data gives the same bytes (fixed prefixes, sorted triples,
no timestamps), so exports diff cleanly in version control.
"""

from __future__ import annotations

from rdflib import Graph

from .build import Build
from .errors import UsageError
from .namespaces import PREFIXES

__all__ = ["EXPORT_FORMATS", "export_graph"]

EXPORT_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


def export_graph(build: Build, fmt: str) -> bytes:
    """Serialise the cases of a build (without the vocabulary) in one format.

    Raises:
        UsageError: an unknown format.
    """
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; choose one of {', '.join(EXPORT_FORMATS)}")
    graph = build.data_graph()
    if fmt == "nt":
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph)
        return "".join(lines).encode("utf-8")
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, sort_keys=True, indent=1).encode("utf-8")
    out = Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in sorted(graph):
        out.add(triple)
    return out.serialize(format="turtle").encode("utf-8")
