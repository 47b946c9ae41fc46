"""Pushing the built dataset into a remote SPARQL store, all or nothing (see :func:`push_graphs`)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Literal
from rdflib.term import Node

from .errors import EndpointError
from .namespaces import CG, OWL
from .remote import SparqlEndpointStore

__all__ = ["PushReport", "push_graphs", "STAGING_PREFIX"]

#: Names of staging graphs, while a push uploads; never left behind by a push that ends.
STAGING_PREFIX = "https://w3id.org/casegraph/graph/staging/"


@dataclass
class PushReport:
    """What a push did."""

    graphs: int
    triples: int
    dropped: list[str]
    seconds: float
    union_default_graph: bool


def push_graphs(store: SparqlEndpointStore, quads: Iterable[tuple[Node, Node, Node, Node]], *,
                base: str, batch_triples: int = 1_000) -> PushReport:
    """Replace the project's named graphs in a remote store with ``quads``, all or nothing.

    SPARQL engines differ in what a request guarantees: Oxigraph runs an update request in one
    transaction, Virtuoso applies its operations one by one (an error half-way keeps the first
    half). So a push never writes into a live graph until the new data is complete:

    1. upload each graph into a fresh staging graph (``STAGING_PREFIX`` + a token): by Graph
       Store Protocol PUT when the store has ``store_url``, else by ``INSERT DATA`` requests
       holding whole graphs (a graph is never split, so blank nodes keep their identity);
    2. count the triples of every staging graph and compare with what was sent;
    3. swap, in one small update request: ``DROP`` the project's case graphs (under ``base``) that
       are no longer in the build, and ``MOVE`` each staging graph onto its live graph.

    A failure in steps 1-2 drops the staging graphs and leaves every live graph as it was. Staging
    graphs that a killed push left behind are dropped by the next push. While step 1 runs, an
    endpoint whose default graph is the union of all graphs shows the staged copies too.

    Returns:
        a report; ``union_default_graph`` says whether the endpoint's default graph shows the
        pushed data (the stored questions need that: Oxigraph ``--union-default-graph``).

    Raises:
        EndpointError: a request failed (with what was left unchanged in the message).
    """
    started = time.monotonic()
    graphs: dict[str, set[str]] = {}
    for s, p, o, g in quads:
        graphs.setdefault(str(g), set()).add(f"{s.n3()} {p.n3()} {o.n3()} .\n")
    token = uuid.uuid4().hex[:16]
    staging = {graph: f"{STAGING_PREFIX}{token}/{i}" for i, graph in enumerate(sorted(graphs))}
    _drop(store, _leftover_staging(store))
    stale = [g for g in _project_case_graphs(store, base) if g not in graphs]
    try:
        _upload(store, graphs, staging, batch_triples)
        _verify(store, graphs, staging)
    except EndpointError as error:
        with contextlib.suppress(EndpointError):
            _drop(store, list(staging.values()))
        raise EndpointError(f"{_message(error)} — push abandoned: the remote graphs were not changed",
                            url=error.url, status=error.status) from None
    swap = [f"DROP SILENT GRAPH <{g}>" for g in stale] + \
           [f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>" for g in sorted(graphs)]
    store.update(" ;\n".join(swap))
    probe = next((g for g in sorted(graphs) if g.startswith(f"{base}case/")), None)
    union = True
    if probe is not None:
        union = bool(store.query(f"SELECT ?type WHERE {{ <{probe}> a ?type }} LIMIT 1").rows)
    return PushReport(len(graphs), sum(len(t) for t in graphs.values()), stale, time.monotonic() - started, union)


def _message(error: EndpointError) -> str:
    """The message of an EndpointError without the URL and status it starts with."""
    status = f" (HTTP {error.status})" if error.status is not None else ""
    return str(error).removeprefix(f"{error.url}{status}: ")


def _leftover_staging(store: SparqlEndpointStore) -> list[str]:
    found = store.query(
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?type {{ <{CG.Case}> <{OWL.Ontology}> }} GRAPH ?g {{ ?s a ?type }} "
        f"FILTER(STRSTARTS(STR(?g), {Literal(STAGING_PREFIX).n3()})) }}")
    return [str(row[0]) for row in found.rows]


def _project_case_graphs(store: SparqlEndpointStore, base: str) -> list[str]:
    """The case graphs of this project in the remote store: named after a case under ``base``."""
    found = store.query(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{CG.Case}> }} "
        f"FILTER(STRSTARTS(STR(?g), {Literal(base + 'case/').n3()})) }}")
    return [str(row[0]) for row in found.rows]


def _drop(store: SparqlEndpointStore, names: list[str]) -> None:
    if names:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names))


def _upload(store: SparqlEndpointStore, graphs: Mapping[str, set[str]], staging: Mapping[str, str],
            batch_triples: int) -> None:
    if store.store_url:
        for graph, triples in graphs.items():
            store.put_graph(staging[graph], "".join(sorted(triples)).encode("utf-8"))
        return
    # INSERT DATA requests of at most batch_triples triples: Virtuoso 7.2's SPARQL compiler fails
    # on a few thousand ("memory exhausted" near 5,000 for dba; "SQL text has exceeded 10000
    # lines" at 2,000 for other users). A graph with blank nodes goes whole, since a blank node
    # label only names the same node within one request.
    pieces: list[tuple[str, list[str]]] = []
    for graph in sorted(graphs):
        lines = sorted(graphs[graph])
        step = len(lines) if any("_:" in line for line in lines) else batch_triples
        pieces += [(graph, lines[i:i + step]) for i in range(0, len(lines), max(step, 1))]
    batch: list[str] = []
    size = 0
    for graph, lines in pieces:
        if batch and size + len(lines) > batch_triples:
            store.update("INSERT DATA {\n" + "".join(batch) + "}")
            batch, size = [], 0
        batch.append(f"GRAPH <{staging[graph]}> {{\n{''.join(lines)}}}\n")
        size += len(lines)
    if batch:
        store.update("INSERT DATA {\n" + "".join(batch) + "}")


def _verify(store: SparqlEndpointStore, graphs: Mapping[str, set[str]], staging: Mapping[str, str],
            chunk: int = 200) -> None:
    names = sorted(graphs)
    for start in range(0, len(names), chunk):
        part = {staging[g]: g for g in names[start:start + chunk]}
        values = " ".join(f"<{s}>" for s in part)
        found = store.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                            "GROUP BY ?g")
        counts = {str(g): int(str(n)) for g, n in found.rows}
        for staged, graph in part.items():
            if counts.get(staged, 0) != len(graphs[graph]):
                raise EndpointError(f"graph <{graph}> arrived with {counts.get(staged, 0)} of "
                                    f"{len(graphs[graph])} triples", url=store.url)
