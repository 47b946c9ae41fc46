"""Stored questions asked of a store, with rows as plain Python values for pages and charts.

The report shows nothing that a stored question in ``queries/`` does not answer: this module is
the only way the report reads the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError
from ..namespaces import XSD
from ..queries import StoredQuery, bind_parameters, load_query
from ..store import Store

__all__ = ["Questions", "Row", "python_value"]

Row = dict[str, object]

_NUMBERS = {XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.decimal,
            XSD.double, XSD.float}


def python_value(term: Node | None) -> object:
    """A result term as a value for a page: numbers and booleans as such, anything else as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in _NUMBERS:
            value = term.toPython()
            return value if isinstance(value, (int, float)) else float(value)
        if term.datatype == XSD.boolean:
            return str(term) in ("true", "1")
    return str(term)


class Questions:
    """Asks the stored questions of ``folder`` on ``store`` (each file read once).

    Example::

        rows = Questions(store, project.queries, base=base, states=states).ask("case-timeline", case="x")
    """

    def __init__(self, store: Store, folder: Path, *, base: str, states: Mapping[str, URIRef]):
        self.store = store
        self.folder = folder
        self.base = base
        self.states = states
        self._loaded: dict[str, StoredQuery] = {}
        self.asked: list[str] = []

    def question(self, name: str) -> StoredQuery:
        """The stored question ``name``.

        Raises:
            QueryError: there is no such question, or its header does not parse.
        """
        if name not in self._loaded:
            path = self.folder / f"{name}.rq"
            if not path.exists():
                raise QueryError(f"the report needs the stored question '{name}', and {path} does not exist")
            self._loaded[name] = load_query(path)
        return self._loaded[name]

    def ask(self, name: str, **params: str) -> list[Row]:
        """The rows of question ``name`` with ``params`` bound, each a dict of column -> value.

        Raises:
            QueryError: the question is missing or fails, or a parameter is unknown or wrong.
        """
        stored = self.question(name)
        # Keywords name parameters: a trailing _ is dropped (from_ is from), other _ become -.
        values = {key.rstrip("_").replace("_", "-"): value for key, value in params.items()}
        text = bind_parameters(stored, values, base=self.base, states=self.states)
        result = self.store.query(text)
        if name not in self.asked:
            self.asked.append(name)
        return [{column: python_value(term) for column, term in zip(result.columns, row)} for row in result.rows]
