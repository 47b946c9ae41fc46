"""The description of an export as a dataset (DCAT and VoID), for its own named graph.

Title, licence, version, audience, the cases it holds and its triple count; a creation time
only when asked for, so that by default the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from .confidentiality import level_iri
from .convert import Triple
from .vocabulary import Vocabulary

__all__ = ["DCAT", "VOID", "METADATA_PREFIXES", "dataset_iri", "metadata_graph_iri", "dataset_metadata"]

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
#: Prefixes the metadata graph adds to an export's.
METADATA_PREFIXES = {"dcat": DCAT, "void": VOID}
ONTOLOGY = URIRef("https://w3id.org/casegraph/ontology")


def dataset_iri(base: str, audience: str) -> URIRef:
    """The IRI of the dataset an export for ``audience`` is: ``{base}dataset/{audience}``."""
    return URIRef(f"{base}dataset/{audience}")


def metadata_graph_iri(base: str, audience: str) -> URIRef:
    """The named graph that holds the dataset's description: ``{base}dataset/{audience}/metadata``."""
    return URIRef(f"{base}dataset/{audience}/metadata")


def _software_version() -> str:
    try:
        return version("casegraph")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"


def dataset_metadata(*, base: str, audience: str, cases: Sequence[URIRef], triple_count: int,
                     vocabulary: Vocabulary, created: datetime | None = None) -> list[Triple]:
    """The triples that describe one export.

    Args:
        base: the IRI base of data nodes.
        audience: who the export is for (``public``, ``partner``, ``internal``).
        cases: the IRIs of the cases (and named graphs) it holds.
        triple_count: the number of data triples, without these.
        vocabulary: the ontology, whose licence (``dcterms:license`` of the ``owl:Ontology``)
            and version the dataset states.
        created: when the export was made; None (the default) leaves the date out.
    """
    d = dataset_iri(base, audience)
    out: list[Triple] = [
        (d, RDF.type, DCAT.Dataset),
        (d, RDF.type, VOID.Dataset),
        (d, DCTERMS.title, Literal(f"casegraph cases, {audience} export", lang="en")),
        (d, DCTERMS.description, Literal(
            f"Human-rights cases as linked data, filtered for the {audience} audience: withheld people and "
            "organisations are replaced by pseudonyms and withheld facts are left out.", lang="en")),
        (d, DCTERMS.audience, level_iri(audience)),
        (d, DCAT.version, Literal(_software_version())),
        (d, DCTERMS.conformsTo, ONTOLOGY),
        (d, VOID.triples, Literal(str(triple_count), datatype=XSD.integer)),
        (d, VOID.vocabulary, URIRef(str(ONTOLOGY) + "#")),
    ]
    for licence in sorted(vocabulary.graph.objects(ONTOLOGY, DCTERMS.license)):
        out.append((d, DCTERMS.license, licence))
    for ontology_version in sorted(vocabulary.graph.objects(ONTOLOGY, OWL.versionIRI)):
        out.append((d, DCTERMS.conformsTo, ontology_version))
    for case in sorted(cases):
        out.append((d, DCTERMS.hasPart, case))
    if created is not None:
        stamp = created.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        # normalize=False: rdflib would rewrite Z as +00:00.
        out.append((d, DCTERMS.created, Literal(stamp, datatype=XSD.dateTime, normalize=False)))
    return out
