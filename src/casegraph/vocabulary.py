"""The ontology and its SKOS vocabularies (ontology/**/*.ttl), read once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from .errors import ShapesError
from .namespaces import CG, PREFIXES


@dataclass
class Vocabulary:
    """The ontology graph, and the look-ups the converter needs from it."""

    graph: Graph
    files: list[Path]

    def state_iris(self) -> dict[str, URIRef]:
        """ISO 3166 code -> the State's IRI (its Wikidata entity)."""
        return {str(code): s for s, code in self.graph.subject_objects(CG.isoCode) if isinstance(s, URIRef)}


def load_vocabulary(folder: Path) -> Vocabulary:
    """Parse every Turtle file below ``folder``.

    Raises:
        ShapesError: a file does not parse (with its name and the parser's message).
    """
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    files = sorted(folder.rglob("*.ttl"))
    if not files:
        raise ShapesError(f"{folder}: no ontology files (*.ttl) found")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several unrelated types for bad Turtle
            raise ShapesError(f"{path}: cannot parse Turtle: {error}") from None
    return Vocabulary(graph, files)
