"""Case files -> one dataset: a named graph per case, plus the ontology graph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from .cases import CaseFile, load_cases
from .convert import CaseGraph, SourceLocation, convert_case
from .namespaces import DEFAULT_BASE, PREFIXES
from .vocabulary import Vocabulary

__all__ = ["Build", "build_cases", "graph_iri", "VOCABULARY_GRAPH"]

#: The named graph that holds the ontology and vocabularies in a store.
VOCABULARY_GRAPH = URIRef("https://w3id.org/casegraph/graph/vocabulary")


def graph_iri(case: CaseGraph) -> URIRef:
    """Each case's triples live in a named graph whose name is the case IRI."""
    return case.iri


@dataclass
class Build:
    """The result of converting case files: one graph per case and where each node came from."""

    cases: list[CaseFile]
    graphs: list[CaseGraph]
    vocabulary: Vocabulary
    base: str

    @property
    def triple_count(self) -> int:
        return sum(len(g.triples) for g in self.graphs)

    def locations(self) -> dict[Node, SourceLocation]:
        out: dict[Node, SourceLocation] = {}
        for g in self.graphs:
            out.update(g.locations)
        return out

    def quads(self, *, with_vocabulary: bool = True) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        for g in self.graphs:
            name = graph_iri(g)
            for s, p, o in g.triples:
                yield s, p, o, name
        if with_vocabulary:
            for s, p, o in self.vocabulary.graph:
                yield s, p, o, VOCABULARY_GRAPH

    def data_graph(self) -> Graph:
        """All case triples in one rdflib Graph (without the vocabulary)."""
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for g in self.graphs:
            for triple in g.triples:
                graph.add(triple)
        return graph

    def dataset(self, *, with_vocabulary: bool = True) -> Dataset:
        """An rdflib Dataset with one named graph per case (for Python callers)."""
        ds = Dataset(default_union=True)
        for prefix, namespace in PREFIXES.items():
            ds.bind(prefix, namespace)
        for s, p, o, g in self.quads(with_vocabulary=with_vocabulary):
            ds.add((s, p, o, g))
        return ds


def build_cases(paths: Iterable[Path], vocabulary: Vocabulary, *, base: str = DEFAULT_BASE) -> Build:
    """Read, check and convert the case files at or below ``paths``.

    Raises:
        CaseDataError: every problem in every file, located.
    """
    cases = load_cases(paths)
    states = vocabulary.state_iris()
    graphs = [convert_case(case, base=base, states=states) for case in cases]
    return Build(cases, graphs, vocabulary, base)
