"""Every IRI prefix casegraph uses, once."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

CG = Namespace("https://w3id.org/casegraph/ontology#")
VOCAB = Namespace("https://w3id.org/casegraph/vocab/")
WD = Namespace("http://www.wikidata.org/entity/")
ISO639 = Namespace("http://id.loc.gov/vocabulary/iso639-1/")
SCHEMA = SDO  # https://schema.org/

#: Where data IRIs live unless the user configures another base.
DEFAULT_BASE = "https://w3id.org/casegraph/id/"

#: Prefixes bound in every graph and export, so output is readable and stable.
PREFIXES = {
    "cg": CG,
    "cgv": VOCAB,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "wd": WD,
    "xsd": XSD,
}


def vocab_concept(scheme: str, notation: str) -> str:
    """The IRI of a concept of one of casegraph's own schemes (``forum``, ``outcome`` ...)."""
    return f"{VOCAB}{scheme}/{notation}"


def article_iri(short_form: str) -> str:
    """The concept IRI of a treaty article from its short form.

    The instrument code is everything up to the first part that starts with a digit:
    ``UNCAT-2-1`` -> ``.../vocab/uncat/2-1``; ``ECHR-P1-2`` -> ``.../vocab/echr-p1/2``.
    """
    parts = short_form.split("-")
    for i, part in enumerate(parts):
        if part[:1].isdigit() and i > 0:
            instrument, rest = parts[:i], parts[i:]
            break
    else:
        instrument, rest = parts[:1], parts[1:]
    return f"{VOCAB}{'-'.join(instrument).lower()}/{'-'.join(rest).lower()}"
