"""One interface over the places a graph can be queried: the embedded store, an rdflib graph,
a remote SPARQL endpoint (see :mod:`casegraph.remote`).

Every store answers a SPARQL text with a :class:`QueryResult` of rdflib terms, so commands,
tests and reports do not care which store answered. Parameters are bound before the text
reaches a store (see :func:`casegraph.queries.bind_parameters`), the same way for all of them.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError
from .ordering import sort_rows, split_final_order

__all__ = ["QueryResult", "Store", "EmbeddedStore", "RdflibStore", "write_embedded_store", "nquads", "ntriples"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class QueryResult:
    """Rows of a SELECT (``columns``/``rows``) or the answer of an ASK (``boolean``)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None


class Store(Protocol):
    """Anything that answers SPARQL queries over the casegraph dataset."""

    description: str

    def query(self, sparql: str) -> QueryResult:
        """Run a SELECT or ASK query; the default graph is the union of all graphs."""
        ...


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax. rdflib's ``n3()`` writes multi-line literals in Turtle's
    triple quotes, which N-Triples and N-Quads do not allow, so literals are written here."""
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f"{text}^^<{term.datatype}>"
        return text
    return term.n3()


def nquads(quads: Iterable[tuple[Node, Node, Node, Node]]) -> Iterable[str]:
    """N-Quads lines for rdflib terms (the fastest way into pyoxigraph)."""
    for s, p, o, g in quads:
        yield f"{s.n3()} {p.n3()} {nt_term(o)} {g.n3()} .\n"


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterable[str]:
    """N-Triples lines for rdflib terms."""
    for s, p, o in triples:
        yield f"{s.n3()} {p.n3()} {nt_term(o)} .\n"


def replace_store_folder(path: Path, fill: Callable[[Any], None]) -> None:
    """Build a new on-disk Oxigraph store at ``path`` with ``fill(store)``, replacing any store
    there, never leaving half of one: the store is filled in a sibling folder and moved into
    place only when complete."""
    import pyoxigraph

    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(path.name + ".new")
    stale = path.with_name(path.name + ".old")
    for leftover in (fresh, stale):
        if leftover.exists():
            shutil.rmtree(leftover)
    store = pyoxigraph.Store(str(fresh))
    fill(store)
    store.flush()
    del store  # release the folder's lock before it is moved
    if path.exists():
        path.rename(stale)
    fresh.rename(path)
    if stale.exists():
        shutil.rmtree(stale)


def write_embedded_store(path: Path, quads: Iterable[tuple[Node, Node, Node, Node]]) -> None:
    """Write a new embedded store at ``path`` holding ``quads`` (see :func:`replace_store_folder`)."""
    import pyoxigraph

    data = "".join(nquads(quads)).encode("utf-8")
    replace_store_folder(path, lambda store: store.bulk_load(data, format=pyoxigraph.RdfFormat.N_QUADS))


class EmbeddedStore:
    """The embedded Oxigraph store: on disk (persisting between commands) or in memory."""

    def __init__(self, path: Path | None = None, *, quads: Iterable[tuple[Node, Node, Node, Node]] = (),
                 sort_in_python: bool = True):
        import pyoxigraph

        self._ox = pyoxigraph
        self.sort_in_python = sort_in_python  # False: Oxigraph does every ORDER BY itself
        if path is None:
            self._store = pyoxigraph.Store()
            text = "".join(nquads(quads))
            if text:
                self._store.load(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
            self.description = "embedded store (in memory)"
        else:
            self._store = pyoxigraph.Store.read_only(str(path))
            self.description = f"embedded store at {path}"

    def query(self, sparql: str) -> QueryResult:
        # The final ORDER BY is done in Python when it can be, exactly as SPARQL orders: Oxigraph
        # reads each string from disk at every comparison (see casegraph.ordering).
        final = split_final_order(sparql) if self.sort_in_python else None
        if final is not None:
            result = self._ask(final.unordered)
            ordered = sort_rows(result.columns, result.rows, final.keys) if result.boolean is None else None
            if ordered is not None:
                return QueryResult(result.columns, ordered)
        return self._ask(sparql)

    def _ask(self, sparql: str) -> QueryResult:
        try:
            answer = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QueryError(f"the query does not parse: {error}") from None
        except OSError as error:
            raise QueryError(f"the embedded store failed: {error}") from None
        if isinstance(answer, (bool, self._ox.QueryBoolean)):  # pyoxigraph 0.5 answers ASK with QueryBoolean
            return QueryResult([], boolean=bool(answer))
        if not isinstance(answer, self._ox.QuerySolutions):
            raise QueryError("only SELECT and ASK queries give rows; use export for graphs")
        columns = [v.value for v in answer.variables]
        # Each distinct term is made into an rdflib term once: answers repeat terms (a kind, a
        # date, a case's title for each of its events), and an rdflib Literal costs microseconds.
        made: dict[object, Node | None] = {}

        def term(value: object) -> Node | None:
            node = made.get(value, made)
            if node is made:
                node = made[value] = self._term(value)
            return node  # type: ignore[return-value]

        rows = [tuple(term(solution[i]) for i in range(len(columns))) for solution in answer]
        return QueryResult(columns, rows)

    def _term(self, term: object) -> Node | None:
        ox = self._ox
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            if term.datatype.value == _XSD_STRING:
                # A simple literal, as SPARQL JSON results and rdflib write it: the same term
                # whichever store answered (RDF 1.1: "x" and "x"^^xsd:string are one literal).
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        raise QueryError(f"unsupported term in results: {term!r}")


class RdflibStore:
    """An rdflib Dataset as a store: slow, but what Python callers holding a Graph have."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.description = "rdflib dataset"

    def query(self, sparql: str) -> QueryResult:
        try:
            with warnings.catch_warnings():
                # rdflib 7's Dataset.query calls its own deprecated default_context; not ours to fix.
                warnings.filterwarnings("ignore", "Dataset.default_context is deprecated", DeprecationWarning)
                answer = self.dataset.query(sparql)
        except Exception as error:  # pyparsing and rdflib raise several unrelated types
            raise QueryError(f"the query failed: {error}") from None
        if answer.type == "ASK":
            return QueryResult([], boolean=bool(answer.askAnswer))
        if answer.type != "SELECT":
            raise QueryError("only SELECT and ASK queries give rows; use export for graphs")
        columns = [str(v) for v in answer.vars or []]
        return QueryResult(columns, [tuple(row) for row in answer])
