"""CSV tables for spreadsheet users: cases, findings, events or remedies, one row each.

Read from the same filtered triples as the RDF exports, so a table never shows more than the
audience may see (withheld people appear as their pseudonym's label). Controlled values are
written as the short forms case files use (``UNCAT-1``, ``violation``, ``KZ``), several values
in one cell are joined with ``; `` in sorted order, rows are sorted, and the file is UTF-8 with
a byte-order mark (so that spreadsheet programs read non-Latin names correctly) and ``\\n``
line ends. A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .convert import Triple
from .namespaces import CG, DCTERMS, FOAF, RDF, RDFS, SCHEMA, SKOS

__all__ = ["CSV_TABLES", "csv_table"]

_EVENT_SECTIONS = {CG.Act: "act", CG.Harm: "harm", CG.DomesticProceeding: "domestic proceeding",
                   CG.InternationalProceeding: "international proceeding", CG.ImplementationStep: "implementation step"}


class _Rows:
    """Look-ups over the exported triples and the vocabulary, for readable cells."""

    def __init__(self, cases: Sequence[tuple[str, URIRef, Sequence[Triple]]], vocabulary: Graph):
        self.vocabulary = vocabulary
        self.out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.case_of: dict[Node, str] = {}
        self.case_iri: dict[str, URIRef] = {}
        for case_id, iri, triples in cases:
            self.case_iri[case_id] = iri
            for s, p, o in triples:
                self.out[s][p].append(o)
                self.case_of.setdefault(s, case_id)
        self._notations: dict[Node, str] = {}

    def of_type(self, cls: Node) -> list[Node]:
        return [s for s, props in self.out.items() if cls in props.get(RDF.type, ())]

    def values(self, node: Node, prop: Node) -> list[Node]:
        return self.out.get(node, {}).get(prop, [])

    def local(self, node: Node) -> str:
        case = self.case_iri.get(self.case_of.get(node, ""), "")
        text = str(node)
        prefix = f"{case}/"
        return text[len(prefix):].split("/", 1)[-1] if case and text.startswith(prefix) else text

    def label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return str(node)
        for prop in (FOAF.name, SCHEMA.name, RDFS.label, DCTERMS.title):
            names = self.values(node, prop)
            if names:
                return "; ".join(sorted(str(n) for n in names))
        if node in self.out:
            return self.local(node)
        return self.notation(node)

    def notation(self, node: Node) -> str:
        if node not in self._notations:
            found = sorted(str(n) for n in self.vocabulary.objects(node, SKOS.notation))
            codes = sorted(str(n) for n in self.vocabulary.objects(node, CG.isoCode))
            self._notations[node] = (codes or found or [str(node).rsplit("/", 1)[-1]])[0]
        return self._notations[node]

    def cell(self, node: Node, prop: Node, how: Callable[[Node], str] | None = None) -> str:
        how = how or self.label
        return "; ".join(sorted({how(v) for v in self.values(node, prop)}))

    def concepts(self, node: Node, prop: Node) -> str:
        return self.cell(node, prop, self.notation)

    def texts(self, node: Node, prop: Node) -> str:
        return self.cell(node, prop, str)


def _cases(r: _Rows) -> list[list[str]]:
    rows = []
    for case in r.of_type(CG.Case):
        findings = sorted(f"{r.concepts(f, CG.article)} {r.concepts(f, CG.outcome)}" for f in r.values(case, CG.finding))
        rows.append([r.case_of[case], r.texts(case, DCTERMS.title), r.concepts(case, CG.forum),
                     r.concepts(case, CG.respondentState), r.concepts(case, CG.applicantState),
                     r.concepts(case, CG.caseStatus), r.concepts(case, DCTERMS.subject), "; ".join(findings),
                     r.texts(case, DCTERMS.abstract), str(case)])
    return rows


def _findings(r: _Rows) -> list[list[str]]:
    rows = []
    for f in r.of_type(CG.Finding):
        decisions = r.values(f, CG.decision)
        rows.append([r.case_of[f], r.concepts(f, CG.article), r.concepts(f, CG.takenWith), r.concepts(f, CG.outcome),
                     "; ".join(sorted(r.local(d) for d in decisions)),
                     "; ".join(sorted({r.texts(d, DCTERMS.date) for d in decisions} - {""})),
                     r.texts(f, CG.reasoning), r.texts(f, CG.vote), str(f)])
    return rows


def _events(r: _Rows) -> list[list[str]]:
    rows = []
    for section_class, section in _EVENT_SECTIONS.items():
        for e in r.of_type(section_class):
            rows.append([r.case_of[e], r.local(e), section, r.concepts(e, CG.eventKind),
                         "unknown" if r.values(e, CG.dateUnknown) else r.texts(e, DCTERMS.date),
                         r.texts(e, CG.endDate), r.texts(e, CG.duration), r.cell(e, CG.place), r.cell(e, CG.actor),
                         r.cell(e, CG.victim), r.cell(e, CG.addressee), r.texts(e, DCTERMS.title),
                         r.texts(e, DCTERMS.description), str(e)])
    return rows


def _remedies(r: _Rows) -> list[list[str]]:
    rows = []
    for m in r.of_type(CG.Remedy):
        steps = sorted(f"{r.texts(s, DCTERMS.date) or 'date unknown'} {r.concepts(s, CG.eventKind)}"
                       for s in r.values(m, CG.implementationStep))
        rows.append([r.case_of[m], r.local(m), r.concepts(m, CG.remedyKind), r.concepts(m, CG.implementationStatus),
                     "; ".join(sorted(r.local(d) for d in r.values(m, CG.decision))), r.cell(m, CG.beneficiary),
                     r.texts(m, DCTERMS.description), r.texts(m, CG.statusNote), "; ".join(steps), str(m)])
    return rows


#: Table name -> (columns, rows).
CSV_TABLES: dict[str, tuple[list[str], Callable[[_Rows], list[list[str]]]]] = {
    "cases": (["case", "title", "forum", "respondent_states", "applicant_states", "status", "themes", "findings",
               "summary", "iri"], _cases),
    "findings": (["case", "article", "taken_with", "outcome", "decision", "decision_date", "reasoning", "vote",
                  "iri"], _findings),
    "events": (["case", "event", "section", "kind", "date", "end_date", "duration", "place", "actors", "victims",
                "addressees", "title", "description", "iri"], _events),
    "remedies": (["case", "remedy", "kind", "status", "decision", "beneficiaries", "text", "status_note",
                  "implementation", "iri"], _remedies),
}


def _safe(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_table(table: str, cases: Sequence[tuple[str, URIRef, Sequence[Triple]]], vocabulary: Graph) -> bytes:
    """One table as CSV bytes.

    Args:
        table: ``cases``, ``findings``, ``events`` or ``remedies`` (the caller checks the name).
        cases: each case's id, IRI and the triples the audience may see.
        vocabulary: the ontology and vocabularies, for the short forms of controlled values.
    """
    columns, make = CSV_TABLES[table]
    rows = sorted(make(_Rows(cases, vocabulary)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_safe(c) for c in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
