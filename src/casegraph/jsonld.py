"""JSON-LD 1.1 that reads as plain JSON: compacted with ontology/context.jsonld, framed per case.

Each case is one JSON tree rooted at the case: its findings, claims, remedies (with their
implementation steps), money, documents, participations, related cases and sources are nested
under readable keys (``findings``, ``article``, ``outcome`` ...), and its other nodes are listed
under ``events``, ``agents``, ``places`` (and ``parts`` for anything else), each with the
``versions`` where sources disagree nested in it. A node appears in full once; everywhere else
it is referred to by its ``id``, relative to the ``@base`` of the data (``case/x/event/y``).

The context is copied into every document, with ``@base`` added, so a document can be expanded
to RDF without fetching anything. The context is the file in ``ontology/``; this module only
reads it, and writes each value in the form the context makes exact: a value whose datatype the
term does not fix carries its own (``{"@value": "2007", "@type": "xsd:gYear"}``).

Written by hand rather than by a JSON-LD library's compaction and framing so that the output is
byte-for-byte stable, needs no JSON-LD library at run time, and keeps every node where a reader
looks for it; tests expand it with pyld and compare it with the Turtle export as graphs.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .convert import Triple
from .errors import ShapesError
from .namespaces import CG, FOAF, PROV, RDF, XSD

__all__ = ["load_context", "jsonld_document"]

#: Properties whose values (nodes of the same case) are nested where they are first met.
NESTED = frozenset({CG.finding, CG.claim, CG.remedy, CG.money, CG.document, CG.participation, CG.relatedCase,
                    CG.timeToDecision, CG.implementationStep, CG.approximately, PROV.wasDerivedFrom})
_EVENT_CLASSES = frozenset({CG.Event, CG.Act, CG.Harm, CG.DomesticProceeding, CG.InternationalProceeding,
                            CG.ImplementationStep})
_AGENT_CLASSES = frozenset({FOAF.Agent, FOAF.Person, FOAF.Organization, FOAF.Group})
_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})")


def load_context(path: Path) -> dict[str, Any]:
    """The ``@context`` object of a context file.

    Raises:
        ShapesError: the file is missing or is not a JSON-LD context.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        context = data["@context"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ShapesError(f"{path}: cannot read the JSON-LD context: {error}") from None
    if not isinstance(context, dict):
        raise ShapesError(f"{path}: '@context' must be an object")
    return context


@dataclass(frozen=True)
class _Term:
    name: str
    type: str | None
    container: str | None


class _Context:
    """The terms of the context, by the IRI they stand for."""

    def __init__(self, context: dict[str, Any], base: str):
        self.base = base
        self.prefixes = {k: v for k, v in context.items()
                         if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))}
        self.classes: dict[str, str] = {}
        self.terms: dict[str, _Term] = {}
        self.reverse: dict[str, list[str]] = defaultdict(list)
        for key, value in context.items():
            if key.startswith("@") or key in self.prefixes or value in ("@id", "@type"):
                continue
            if isinstance(value, str):
                self.classes[self.expand(value)] = key
            elif "@reverse" in value:
                self.reverse[self.expand(value["@reverse"])].append(key)
            else:
                typ = value.get("@type")
                self.terms[self.expand(value["@id"])] = _Term(
                    key, typ if typ in (None, "@id", "@vocab") else self.expand(typ), value.get("@container"))

    def expand(self, value: str) -> str:
        prefix, sep, rest = value.partition(":")
        return self.prefixes[prefix] + rest if sep and prefix in self.prefixes else value

    def compact(self, iri: str, *, vocab: bool = False) -> str:
        if vocab:
            if iri in self.classes:
                return self.classes[iri]
            if iri in self.terms:
                return self.terms[iri].name
        if iri.startswith(self.base) and len(iri) > len(self.base) and ":" not in iri[len(self.base):].split("/")[0]:
            return iri[len(self.base):]
        best = max((p for p, ns in self.prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
                   key=lambda p: len(self.prefixes[p]), default=None)
        if best is not None and not iri[len(self.prefixes[best]):].startswith("//"):
            return f"{best}:{iri[len(self.prefixes[best]):]}"
        return iri

    def key(self, prop: Node) -> tuple[str, _Term | None]:
        term = self.terms.get(str(prop))
        return (term.name, term) if term else (self.compact(str(prop)), None)

    def value(self, term: _Term | None, o: Node) -> Any:
        if isinstance(o, BNode):
            return {"id": f"_:{o}"}
        if isinstance(o, URIRef):
            if term is not None and term.type in ("@id", "@vocab"):
                return self.compact(str(o), vocab=term.type == "@vocab")
            return {"id": self.compact(str(o))}
        assert isinstance(o, Literal)
        text = str(o)
        if o.language:
            return {"@value": text, "@language": o.language}
        datatype = str(o.datatype) if o.datatype is not None else str(XSD.string)
        if term is not None and term.type is not None:
            if term.type == datatype:
                return text
            if datatype == str(XSD.string):
                return {"@value": text}
            return {"@value": text, "@type": self.compact(datatype)}
        if datatype == str(XSD.string):
            return text
        # Native JSON only where expansion gives back exactly this literal (JSON-LD 1.1, 8.6).
        if datatype == str(XSD.boolean) and text in ("true", "false"):
            return text == "true"
        if datatype == str(XSD.integer) and _CANONICAL_INTEGER.fullmatch(text):
            return int(text)
        return {"@value": text, "@type": self.compact(datatype)}


def _sort_key(node: Node) -> str:
    return node.n3()


class _CaseFramer:
    """Nests the triples of one case into one tree rooted at the case."""

    def __init__(self, triples: Sequence[Triple], case: URIRef, context: _Context):
        self.case = case
        self.ctx = context
        self.out: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.versions: dict[Node, list[Node]] = defaultdict(list)
        for s, p, o in triples:
            self.out[s].append((p, o))
            if p == RDF.subject:
                self.versions[o].append(s)
        self.members = {s for s, p, o in triples if p == CG.inCase and o == case}
        self.done: set[Node] = {case}
        self.reverse_in_case = self.ctx.reverse.get(str(CG.inCase), [])
        self.reverse_subject = (self.ctx.reverse.get(str(RDF.subject)) or [None])[0]

    def node(self, n: Node, skip: Node | None = None) -> dict[str, Any]:
        obj: dict[str, Any] = {"id": self.ctx.value(None, n)["id"]}
        types = sorted((o for p, o in self.out[n] if p == RDF.type), key=_sort_key)
        if types:
            names = [self.ctx.compact(str(t), vocab=True) for t in types]
            obj["type"] = names[0] if len(names) == 1 else names
        grouped: dict[Node, list[Node]] = defaultdict(list)
        for p, o in self.out[n]:
            if p != RDF.type and p != skip:
                grouped[p].append(o)
        for key, term, p in sorted(((*self.ctx.key(p), p) for p in grouped), key=lambda entry: entry[0]):
            values = []
            for o in sorted(set(grouped[p]), key=_sort_key):
                if self._nests(n, p, o):
                    self.done.add(o)
                    values.append(self.node(o))
                else:
                    values.append(self.ctx.value(term, o))
            many = len(values) > 1 or (term is not None and term.container == "@set")
            obj[key] = values if many else values[0]
        nested = [v for v in sorted(self.versions.get(n, []), key=_sort_key) if v not in self.done]
        if nested and self.reverse_subject:
            self.done.update(nested)
            obj[self.reverse_subject] = [self.node(v, skip=RDF.subject) for v in nested]
        return obj

    def _nests(self, subject: Node, prop: Node, value: Node) -> bool:
        # Sources are nested in the case that lists them, never in the first fact citing one.
        if prop not in NESTED or (prop == PROV.wasDerivedFrom and subject != self.case):
            return False
        return value in self.members and value not in self.done

    def tree(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        root = self.node(self.case)
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # Versions last: each is nested in the node it is a version of, which sorts after it.
        versions = {v for vs in self.versions.values() for v in vs}
        for member in sorted(self.members, key=lambda m: (m in versions, _sort_key(m))):
            if member in self.done:
                continue
            self.done.add(member)
            groups[self._group(member)].append(self.node(member, skip=CG.inCase))
        for key in ("events", "agents", "places", "parts"):
            if groups.get(key):
                root[key] = groups[key]
        # Anything not reached from the case (not expected from the converter) stays, unnested.
        loose = [self.node(s) for s in sorted(self.out, key=_sort_key) if s not in self.done]
        return root, loose

    def _group(self, node: Node) -> str:
        types = {o for p, o in self.out[node] if p == RDF.type}
        if types & _EVENT_CLASSES:
            name = "events"
        elif types & _AGENT_CLASSES:
            name = "agents"
        elif CG.Place in types:
            name = "places"
        else:
            name = "parts"
        return name if name in self.reverse_in_case else (self.reverse_in_case or ["parts"])[0]


def jsonld_document(cases: Sequence[tuple[URIRef, Sequence[Triple]]], context: dict[str, Any], *,
                    base: str) -> bytes:
    """One JSON-LD document: the case itself when there is one, else a ``@graph`` of cases.

    Args:
        cases: each case's IRI and the triples to write, in the order to write them.
        context: the ``@context`` object of ontology/context.jsonld.
        base: the IRI base of data nodes; ids are written relative to it.
    """
    ctx = _Context(context, base)
    full_context = dict(context)
    full_context["@base"] = base
    trees: list[dict[str, Any]] = []
    loose: list[dict[str, Any]] = []
    for iri, triples in cases:
        root, rest = _CaseFramer(triples, iri, ctx).tree()
        trees.append(root)
        loose.extend(rest)
    if len(trees) == 1 and not loose:
        document = {"@context": full_context, **trees[0]}
    else:
        document = {"@context": full_context, "@graph": trees + loose}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
