"""Exports for partners: Turtle, N-Triples, JSON-LD, TriG, N-Quads and CSV, for one audience.

Every export goes the same way:

1. the cases (all, or those named) are filtered for the audience
   (:mod:`casegraph.confidentiality`): withheld facts left out, withheld people and
   organisations replaced by pseudonyms;
2. what is about to be written is checked against ``shapes/audience/``
   (:mod:`casegraph.audience_check`); if anything above the audience is found, an error is
   raised and nothing is returned, so nothing can be written (:func:`check_for_audience`
   returns a :class:`CheckedExport`, which :func:`serialise_export` writes in any format);
3. the triples are sorted and serialised: RDF with pyoxigraph (fast, and its writers are
   deterministic given sorted input), JSON-LD by :mod:`casegraph.jsonld`, CSV by
   :mod:`casegraph.csvexport`.

Output is deterministic: the same data, audience and pseudonym key give the same bytes (fixed
prefixes, sorted statements, no timestamps unless ``created`` is given).

Formats: ``turtle`` and ``nt`` hold the case triples in one graph; ``trig`` and ``nquads`` hold
one named graph per case (named by the case IRI) plus a graph describing the export as a dataset
(:mod:`casegraph.dataset_metadata`); ``jsonld`` is one document framed around each case;
``csv`` is one table (``cases``, ``findings``, ``events`` or ``remedies``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .audience_check import AudienceReport, ensure_audience
from .build import Build
from .confidentiality import LEVELS as AUDIENCES
from .confidentiality import FilteredCase, check_audience_name, filter_case
from .convert import CaseGraph, Triple
from .csvexport import CSV_TABLES, csv_table
from .dataset_metadata import METADATA_PREFIXES, dataset_metadata, metadata_graph_iri
from .errors import UsageError
from .jsonld import jsonld_document, load_context
from .namespaces import PREFIXES, RDF
from .paths import Project
from .pseudonyms import Pseudonymiser, load_pseudonym_key

__all__ = ["EXPORT_FORMATS", "AUDIENCES", "CSV_TABLE_NAMES", "CheckedExport", "check_for_audience", "serialise_export",
           "export_graph", "filter_build", "serialise_quads", "sorted_triples"]

#: Format name -> what it is (for --help).
EXPORT_FORMATS = {
    "turtle": "Turtle, all case triples in one graph",
    "nt": "N-Triples, one sorted triple per line",
    "jsonld": "JSON-LD 1.1, compacted with ontology/context.jsonld, framed around each case",
    "trig": "TriG, a named graph per case plus a dataset metadata graph",
    "nquads": "N-Quads, a named graph per case plus a dataset metadata graph",
    "csv": "CSV, one table (see --table)",
}
CSV_TABLE_NAMES = tuple(CSV_TABLES)


def _selected(build: Build, cases: Sequence[str]) -> list[CaseGraph]:
    if not cases:
        return sorted(build.graphs, key=lambda g: str(g.iri))
    known = {g.case_id: g for g in build.graphs}
    unknown = [c for c in cases if c not in known]
    if unknown:
        raise UsageError(f"no case {', '.join(repr(c) for c in unknown)} among the case files read; "
                         f"known: {', '.join(sorted(known)) or 'none'}")
    return sorted({known[c].case_id: known[c] for c in cases}.values(), key=lambda g: str(g.iri))


def filter_build(build: Build, audience: str, *, cases: Sequence[str] = (),
                 pseudonym_key: bytes | None = None) -> list[FilteredCase]:
    """What ``audience`` may see of the cases (all, or those named), without checking or writing.

    Args:
        pseudonym_key: the key of the pseudonyms; None makes a random one (pseudonyms then
            differ on every call).

    Raises:
        UsageError: an unknown audience or case id.
    """
    check_audience_name(audience)
    pseudonymiser = Pseudonymiser(pseudonym_key if pseudonym_key is not None else secrets.token_bytes(32))
    return [filter_case(g, audience, pseudonymiser) for g in _selected(build, cases)]


@dataclass
class CheckedExport:
    """What one audience may see of some cases, checked and ready to serialise in any format.

    Attributes:
        audience: who it is for.
        base: the IRI base of data nodes.
        cases: the filtered cases (those above the audience have ``visible`` False).
        metadata: the triples describing the export as a dataset (TriG and N-Quads write them).
        report: the audience check's report (it found nothing, or this would not exist).
    """

    audience: str
    base: str
    cases: list[FilteredCase]
    metadata: list[Triple]
    report: AudienceReport

    @property
    def visible(self) -> list[FilteredCase]:
        return [c for c in self.cases if c.visible]

    def graphs(self) -> list[tuple[URIRef, list[Triple]]]:
        """Each visible case's IRI (its named graph) and its sorted triples."""
        return [(c.iri, sorted_triples(c.triples)) for c in self.visible]


def check_for_audience(build: Build, *, project: Project, audience: str = "public", cases: Sequence[str] = (),
                       pseudonym_key: bytes | None = None, created: datetime | None = None) -> CheckedExport:
    """Filter the cases for an audience and check the result against ``shapes/audience/``.

    The arguments are those of :func:`export_graph`.

    Raises:
        UsageError: an unknown audience or case id, or a named case above the audience.
        AudienceCheckError: the export holds something above its audience (a bug); nothing to write.
        ShapesError: the audience shapes cannot be read.
    """
    check_audience_name(audience)
    key = pseudonym_key if pseudonym_key is not None else load_pseudonym_key(project.work)
    filtered = filter_build(build, audience, cases=cases, pseudonym_key=key)
    hidden = [c.case_id for c in filtered if not c.visible]
    if cases and hidden:
        raise UsageError(f"case {', '.join(hidden)} is above the {audience} audience: nothing of it may be exported")
    visible = [c for c in filtered if c.visible]
    metadata = sorted_triples(dataset_metadata(
        base=build.base, audience=audience, cases=[c.iri for c in visible],
        triple_count=len({t for c in visible for t in c.triples}), vocabulary=build.vocabulary, created=created))
    report = ensure_audience(filtered, project.shapes / "audience", audience=audience, extra=metadata)
    return CheckedExport(audience, build.base, filtered, metadata, report)


def serialise_export(checked: CheckedExport, fmt: str, *, context: dict | None = None, vocabulary: Graph | None = None,
                     table: str = "cases") -> bytes:
    """The bytes of a checked export in one format.

    Args:
        checked: from :func:`check_for_audience`.
        fmt: one of :data:`EXPORT_FORMATS`.
        context: for ``jsonld``, the ``@context`` of ontology/context.jsonld.
        vocabulary: for ``csv``, the ontology and vocabularies (short forms of controlled values).
        table: for ``csv``, which table.

    Raises:
        UsageError: an unknown format or table, or a missing context or vocabulary.
    """
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; choose one of {', '.join(EXPORT_FORMATS)}")
    graphs = checked.graphs()
    if fmt == "jsonld":
        if context is None:
            raise UsageError("a JSON-LD export needs the context of ontology/context.jsonld")
        return jsonld_document(graphs, context, base=checked.base)
    if fmt == "csv":
        if table not in CSV_TABLES:
            raise UsageError(f"unknown table '{table}'; choose one of {', '.join(CSV_TABLES)}")
        if vocabulary is None:
            raise UsageError("a CSV export needs the vocabulary graph")
        return csv_table(table, [(c.exported_id, c.iri, c.triples) for c in checked.visible], vocabulary)
    if fmt in ("turtle", "nt"):
        merged = sorted_triples(t for _, triples in graphs for t in triples)
        return serialise_quads([(s, p, o, None) for s, p, o in merged], fmt)
    quads = [(s, p, o, g) for g, triples in graphs for s, p, o in triples]
    name = metadata_graph_iri(checked.base, checked.audience)
    quads += [(s, p, o, name) for s, p, o in checked.metadata]
    return serialise_quads(quads, fmt)


def export_graph(build: Build, fmt: str = "turtle", *, project: Project, audience: str = "public",
                 cases: Sequence[str] = (), table: str = "cases", pseudonym_key: bytes | None = None,
                 created: datetime | None = None) -> bytes:
    """Filter, check and serialise the cases of a build for one audience.

    Args:
        build: the converted cases.
        fmt: one of :data:`EXPORT_FORMATS`.
        project: where the audience shapes (``shapes/audience/``), the JSON-LD context
            (``ontology/context.jsonld``) and, unless ``pseudonym_key`` is given, the pseudonym
            key (``.casegraph/pseudonym-key``, made on first use) are.
        audience: ``public`` (the default: the most protective), ``partner`` or ``internal``.
        cases: case ids to export; all cases when empty. A case above the audience is refused.
        table: for ``csv``, which table.
        pseudonym_key: the key of the pseudonyms (see :mod:`casegraph.pseudonyms`).
        created: a creation time to state in the dataset metadata (TriG, N-Quads); None leaves
            it out so that the bytes depend on the data only.

    Returns:
        The bytes to write.

    Raises:
        UsageError: an unknown format, audience, table or case id, or a named case above the audience.
        AudienceCheckError: the export holds something above its audience (a bug); nothing to write.
        ShapesError: the audience shapes or the JSON-LD context cannot be read.

    Example::

        data = export_graph(build, "trig", project=Project(Path(".")), audience="partner")
    """
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "csv" and table not in CSV_TABLES:
        raise UsageError(f"unknown table '{table}'; choose one of {', '.join(CSV_TABLES)}")
    context = load_context(project.ontology / "context.jsonld") if fmt == "jsonld" else None
    checked = check_for_audience(build, project=project, audience=audience, cases=cases,
                                 pseudonym_key=pseudonym_key, created=created)
    return serialise_export(checked, fmt, context=context, vocabulary=build.vocabulary.graph, table=table)


def _order(term: Node) -> str:
    return term.n3()


def sorted_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Triples without duplicates, sorted by subject, then ``rdf:type`` first, then predicate and object."""
    return sorted(set(triples), key=lambda t: (_order(t[0]), t[1] != RDF.type, _order(t[1]), _order(t[2])))


class _Terms:
    """rdflib terms -> pyoxigraph terms, with the IRIs cached (a case repeats them often)."""

    def __init__(self):
        import pyoxigraph

        self.ox = pyoxigraph
        self.iris: dict[str, object] = {}

    def iri(self, text: str):
        node = self.iris.get(text)
        if node is None:
            node = self.iris[text] = self.ox.NamedNode(text)
        return node

    def term(self, node: Node):
        if isinstance(node, URIRef):
            return self.iri(str(node))
        if isinstance(node, BNode):
            return self.ox.BlankNode(str(node))
        assert isinstance(node, Literal)
        if node.language:
            return self.ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return self.ox.Literal(str(node), datatype=self.iri(str(node.datatype)))
        return self.ox.Literal(str(node))


def serialise_quads(quads: list[tuple[Node, Node, Node, Node | None]], fmt: str) -> bytes:
    """Quads (graph None for a triple) in one RDF format, with pyoxigraph's writers, in the order given."""
    import pyoxigraph

    terms = _Terms()
    prefixes = {prefix: str(ns) for prefix, ns in sorted({**PREFIXES, **METADATA_PREFIXES}.items())}
    if fmt in ("turtle", "nt"):
        data = [pyoxigraph.Triple(terms.term(s), terms.term(p), terms.term(o)) for s, p, o, _ in quads]
        if fmt == "nt":
            return pyoxigraph.serialize(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        return pyoxigraph.serialize(data, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)
    data = [pyoxigraph.Quad(terms.term(s), terms.term(p), terms.term(o), terms.term(g)) for s, p, o, g in quads]
    if fmt == "nquads":
        return pyoxigraph.serialize(data, format=pyoxigraph.RdfFormat.N_QUADS)
    return pyoxigraph.serialize(data, format=pyoxigraph.RdfFormat.TRIG, prefixes=prefixes)
