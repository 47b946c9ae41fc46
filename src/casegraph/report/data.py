"""What the report may show: the quads of a build, filtered for an audience and checked.

This is the report's only seam to :mod:`casegraph.export` and :mod:`casegraph.confidentiality`:
the same filter, pseudonym key and audience check as ``casegraph export``, so a report never
shows what an export for the same audience would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from ..audience_check import ensure_audience
from ..build import VOCABULARY_GRAPH, Build
from ..confidentiality import FilteredCase
from ..export import filter_build, serialise_quads, sorted_triples
from ..jsonld import jsonld_document, load_context
from ..paths import Project

__all__ = ["AudienceData", "audience_data", "case_download"]


@dataclass
class AudienceData:
    """The quads an audience may see (each case in its named graph, plus the vocabulary)."""

    audience: str
    quads: list[tuple[Node, Node, Node, URIRef]]
    case_ids: list[str]
    withheld_case_ids: list[str]
    cases: dict[str, FilteredCase] = field(default_factory=dict)  # by case IRI


def audience_data(build: Build, project: Project, *, audience: str, pseudonym_key: bytes) -> AudienceData:
    """Filter every case of ``build`` for ``audience`` and check the result as exports are checked.

    Raises:
        UsageError: an unknown audience.
        AudienceCheckError: what would be shown holds something above the audience; nothing to show.
    """
    filtered = filter_build(build, audience, pseudonym_key=pseudonym_key)
    ensure_audience(filtered, project.shapes / "audience", audience=audience)
    quads: list[tuple[Node, Node, Node, URIRef]] = []
    for case in filtered:
        if case.visible:
            quads.extend((s, p, o, case.iri) for s, p, o in case.triples)
    quads.extend((s, p, o, VOCABULARY_GRAPH) for s, p, o in build.vocabulary.graph)
    return AudienceData(audience, quads,
                        sorted(c.case_id for c in filtered if c.visible),
                        sorted(c.case_id for c in filtered if not c.visible),
                        {str(c.iri): c for c in filtered if c.visible})


def case_download(data: AudienceData, case_iri: str, fmt: str, *, project: Project, base: str) -> bytes:
    """One visible case as ``turtle`` or ``jsonld``: the bytes ``casegraph export --case`` writes.

    The cases were checked for the audience once, as a whole, in :func:`audience_data`; checking
    each again (as ``export_graph`` does per call) would take most of the report's time.
    """
    case = data.cases[case_iri]
    triples = sorted_triples(case.triples)
    if fmt == "jsonld":
        return jsonld_document([(case.iri, triples)], load_context(project.ontology / "context.jsonld"), base=base)
    # export's serialiser, so that the file is byte for byte what an export gives.
    return serialise_quads([(s, p, o, None) for s, p, o in triples], "turtle")
