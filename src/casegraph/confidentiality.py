"""Confidentiality tiers: who may see which node of a case, and the graph each audience gets.

Three levels, from least to most protected: ``public`` < ``partner`` < ``internal``. An
audience sees a node when the node's *effective level* is at most the audience's level.

The effective level of a node is the highest of:

1. its own level: the ``confidentiality:`` written on its item in the case file, or else the
   protective default below;
2. the effective level of everything that contains it.

Containment (a part is never less protected than what holds it):

- a case contains every node of the case (everything linked to it by ``cg:inCase``);
- a node contains the stated versions of its values (``cg:StatedVersion`` whose ``rdf:subject``
  it is): the versions of an event's date, of a person's name, of a case's identifier;
- a remedy contains its implementation steps; money contains its ``approximately`` node;
- an event contains the documents and money that belong to it (``event:``), a remedy the money
  that carries it out (``remedy:``), and an amount the amounts that are part of it (``part_of:``);
- a person or organisation contains their participations (their roles in the case), their
  relation to another person and the versions of their name;
- a derived fact (a case's time to decision) is contained by each event and stated date it is
  derived from (``cg:derivedFrom``): it would tell what they tell;
- a place is carried by what refers to it: a place that only withheld facts refer to (the
  hospital of a withheld hospital stay) is withheld with them.

Protective defaults, for items the case file does not mark (a mark on the item itself wins,
so an analyst can publish what a source already made public):

- harms (``harms:`` section, ``cg:Harm``) and events of a medical kind (injury, symptom,
  diagnosis, hospitalisation, medical examination) default to ``partner``: health data is a
  special category of personal data (GDPR art. 9) and is what most exposes a survivor;
- acts of sexual violence default to ``partner``, for the same reason;
- people who are victims, applicants, claimants, beneficiaries or family members (by role, by
  being the victim of an event, a claimant, a beneficiary, or by a stated relation to someone)
  default to ``partner``: their identity is what reprisals and stigma aim at. Everybody else
  (counsel, judges, officials, experts) and every organisation defaults to ``public``;
- everything else defaults to ``public``.

What an audience gets (:func:`filter_case`): withheld facts are removed, with every triple that
only they carry (their values, their versions, the links to them, and the statement a withheld
version states). A withheld person or organisation is replaced by a pseudonym node
(:mod:`casegraph.pseudonyms`) that keeps its type and its place in the case, so a reader still
sees that the same unnamed person was the victim of one act and the beneficiary of a remedy.
Their names, aliases and the words of a person's names are also replaced by the pseudonym's
label in every text the audience sees; a word a visible agent's own name shares is left alone.
The case's derived ``cg:violatedArticle`` keeps only the articles a visible finding found violated,
and its ``cg:concernsArticle`` only those a visible claim or finding is about.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from .convert import CaseGraph, Triple
from .errors import UsageError
from .namespaces import CG, FOAF, OWL, RDF, RDFS, SKOS, XSD, vocab_concept
from .pseudonyms import Pseudonymiser
from .redaction import Redactor, rewrite_case_iris

__all__ = ["LEVELS", "level_iri", "level_of", "check_audience_name", "effective_levels", "FilteredCase",
           "filter_case", "filter_cases", "audience_above"]

#: The levels, from least to most protected.
LEVELS = ("public", "partner", "internal")
_RANK = {level: i for i, level in enumerate(LEVELS)}

MEDICAL_EVENT_KINDS = frozenset({"injury", "symptom", "diagnosis", "hospitalisation", "medical-examination"})
SEXUAL_VIOLENCE_KINDS = frozenset({"sexual-violence"})
PROTECTED_ROLES = frozenset({"victim", "applicant", "family-member"})
#: A person referred to by these is a victim, claimant or beneficiary (protected by default).
PROTECTED_REFERENCES = (CG.victim, CG.claimant, CG.beneficiary)

#: Words of a protected person's name shorter than this are not searched for on their own.
MIN_NAME_WORD = 4
#: Literals of withheld facts at least this long are what the audience check searches for.
MIN_PROTECTED_VALUE = 20
#: Literals that describe where or how a value is written, not the fact: not searched for.
UNPROTECTED_VALUE_PROPERTIES = frozenset({CG.locator, SKOS.scopeNote, RDFS.label})

_AGENT_CLASSES = (FOAF.Agent, FOAF.Person, FOAF.Organization, FOAF.Group)
_NAME_PROPERTIES = (FOAF.name, SKOS.altLabel)


def check_audience_name(audience: str) -> str:
    """The audience, checked.

    Raises:
        UsageError: not one of public, partner, internal.
    """
    if audience not in _RANK:
        raise UsageError(f"unknown audience '{audience}'; choose one of {', '.join(LEVELS)}")
    return audience


def level_iri(level: str) -> URIRef:
    """The concept IRI of a level (``cgv:confidentiality/partner``)."""
    return URIRef(vocab_concept("confidentiality", check_audience_name(level)))


def level_of(iri: Node) -> str | None:
    """The level a confidentiality concept IRI stands for, or None."""
    for level in LEVELS:
        if iri == URIRef(vocab_concept("confidentiality", level)):
            return level
    return None


def _higher(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


class _Index:
    """Look-ups over one case's triples."""

    def __init__(self, case: CaseGraph):
        self.case = case
        self.out: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.into: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        self.types: dict[Node, set[Node]] = defaultdict(set)
        for s, p, o in case.triples:
            self.out[s].append((p, o))
            self.into[o].append((s, p))
            if p == RDF.type:
                self.types[s].add(o)
        self.nodes = [case.iri] + sorted({s for s, p, o in case.triples if p == CG.inCase and o == case.iri})

    def values(self, node: Node, prop: Node) -> list[Node]:
        return [o for p, o in self.out.get(node, ()) if p == prop]

    def is_agent(self, node: Node) -> bool:
        return any(c in self.types.get(node, ()) for c in _AGENT_CLASSES)

    def is_person(self, node: Node) -> bool:
        return FOAF.Person in self.types.get(node, ())

    def containers(self, node: Node) -> list[Node]:
        """What contains ``node`` (see the module docstring), the case first."""
        found: list[Node] = []
        if node != self.case.iri:
            found.append(self.case.iri)
        types = self.types.get(node, set())
        if CG.StatedVersion in types:
            found += self.values(node, RDF.subject)
        if CG.Participation in types:
            found += self.values(node, CG.agent)
        for s, p in self.into.get(node, ()):
            if p in (CG.implementationStep, CG.approximately):
                found.append(s)
        if CG.Document in types or CG.MonetaryAmount in types:
            found += self.values(node, CG.event) + self.values(node, CG.forRemedy) + self.values(node, CG.partOf)
        found += self.values(node, CG.derivedFrom)
        return [n for n in found if n != node]


def _own_level(index: _Index, node: Node) -> str:
    """The level written on the node, or else its protective default."""
    for mark in index.values(node, CG.confidentiality):
        level = level_of(mark)
        if level is not None:
            return level
    types = index.types.get(node, set())
    kinds = {str(k).rsplit("/", 1)[-1] for k in index.values(node, CG.eventKind)}
    if CG.Harm in types or kinds & (MEDICAL_EVENT_KINDS | SEXUAL_VIOLENCE_KINDS):
        return "partner"
    if index.is_person(node) and _is_protected_person(index, node):
        return "partner"
    return "public"


def _is_protected_person(index: _Index, person: Node) -> bool:
    if index.values(person, CG.relatedPerson):
        return True
    for s, p in index.into.get(person, ()):
        if p in PROTECTED_REFERENCES:
            return True
        if p == CG.agent and any(str(r).rsplit("/", 1)[-1] in PROTECTED_ROLES for r in index.values(s, CG.role)):
            return True
    return False


def effective_levels(case: CaseGraph, *, carry: bool = True) -> dict[Node, str]:
    """The effective level of every node of a case (see the module docstring for the rules).

    Args:
        carry: also withhold places only withheld facts refer to (False: only marks, defaults
            and containment).
    """
    index = _Index(case)
    levels: dict[Node, str] = {}

    def resolve(node: Node, visiting: frozenset = frozenset()) -> str:
        if node in levels:
            return levels[node]
        level = _own_level(index, node)
        for container in index.containers(node):
            if container not in visiting and container in index.out:
                level = _higher(level, resolve(container, visiting | {node}))
        levels[node] = level
        return level

    for node in index.nodes:
        resolve(node)
    # A place is carried by what refers to it: withheld when only withheld facts refer to it.
    # Iterated because a place may only be referred to by a place that is itself carried.
    places = [n for n in index.nodes if CG.Place in index.types.get(n, ())] if carry else []
    changed = True
    while changed:
        changed = False
        for place in places:
            referrers = [s for s, p in index.into.get(place, ()) if s != place and p != CG.inCase]
            if not referrers:
                continue
            carried = min((levels.get(s, "public") for s in referrers), key=_RANK.__getitem__)
            level = _higher(levels[place], carried)
            if level != levels[place]:
                levels[place] = level
                changed = True
    # Parts of a place raised above are raised with it (its name versions).
    for node in index.nodes:
        for container in index.containers(node):
            if container in levels:
                levels[node] = _higher(levels[node], levels[container])
    return levels


@dataclass
class FilteredCase:
    """What one audience may see of one case, and what the audience check must not find.

    Attributes:
        case_id: the case's id in the case files.
        iri: the case's IRI as exported (a keyed one when its id names someone withheld).
        exported_id: the case id as exported (likewise).
        audience: the level of the audience.
        visible: False when the whole case is above the audience (``triples`` is then empty).
        triples: the triples the audience may see, pseudonyms in place of withheld agents.
        withheld: every node above the audience (original IRIs), with its effective level.
        pseudonyms: withheld agent -> its pseudonym node.
        protected_words: names, aliases and name words of withheld agents (searched as words).
        protected_values: longer texts of withheld facts (searched as substrings).
        withheld_iris: IRIs that must not appear (withheld nodes, the identifiers of withheld agents).
        base: the IRI base of data nodes.
    """

    case_id: str
    iri: URIRef
    exported_id: str
    audience: str
    visible: bool
    triples: list[Triple]
    withheld: dict[Node, str] = field(default_factory=dict)
    pseudonyms: dict[Node, URIRef] = field(default_factory=dict)
    protected_words: list[str] = field(default_factory=list)
    protected_values: list[str] = field(default_factory=list)
    withheld_iris: list[URIRef] = field(default_factory=list)
    base: str = ""


def filter_case(case: CaseGraph, audience: str, pseudonymiser: Pseudonymiser) -> FilteredCase:
    """The part of a case an audience may see.

    Args:
        case: one converted case.
        audience: ``public``, ``partner`` or ``internal``.
        pseudonymiser: makes the stable, keyed pseudonyms of withheld agents.

    Raises:
        UsageError: an unknown audience.
    """
    rank = _RANK[check_audience_name(audience)]
    base = str(case.iri)[: -len(f"case/{case.case_id}")]
    if rank == _RANK["internal"]:
        return FilteredCase(case.case_id, case.iri, case.case_id, audience, True, list(dict.fromkeys(case.triples)),
                            base=base)
    index = _Index(case)
    levels = effective_levels(case)
    withheld = {n: level for n, level in levels.items() if _RANK[level] > rank}
    if case.iri in withheld:
        return FilteredCase(case.case_id, case.iri, case.case_id, audience, False, [], withheld,
                            withheld_iris=sorted(n for n in withheld if isinstance(n, URIRef)), base=base)
    pseudonyms = {n: pseudonymiser.node(n, case.iri) for n in sorted(withheld) if index.is_agent(n)}
    labels = {n: pseudonymiser.label(n, _agent_kind(index, n)) for n in pseudonyms}
    # Texts of facts withheld for what they are (not places only carried by them) must not be repeated.
    own = effective_levels(case, carry=False)
    values = _protected_values(case, {n for n in withheld if _RANK[own.get(n, "public")] > rank})
    redactor = Redactor(_protected_words(index, pseudonyms, withheld), labels, values)
    # A link (a source's or document's address) that names someone withheld cannot be redacted
    # without breaking it: the node that carries it is withheld, with its parts.
    for s, p, o in case.triples:
        if (s not in withheld and isinstance(o, Literal) and o.datatype not in (None, XSD.string)
                and redactor.mentions(str(o)) and not index.is_agent(s)):
            withheld[s] = audience_above(audience)
    for node in index.nodes:
        if node not in withheld and any(c in withheld and not index.is_agent(c) and c != case.iri
                                        for c in index.containers(node)):
            withheld[node] = audience_above(audience)

    # A withheld version takes the statement it states with it, unless a visible version states it too.
    def stated(version: Node) -> tuple[Node | None, ...]:
        return tuple(next(iter(index.values(version, p)), None) for p in (RDF.subject, RDF.predicate, RDF.object))

    versions = [n for n in index.nodes if CG.StatedVersion in index.types.get(n, ())]
    hidden = {stated(v) for v in versions if v in withheld} - {stated(v) for v in versions if v not in withheld}

    kept: dict[Triple, None] = {}
    for s, p, o in case.triples:
        if s in withheld:
            if s in pseudonyms and (p == CG.inCase or (p == RDF.type and o in _AGENT_CLASSES)):
                kept[(pseudonyms[s], p, o)] = None
            continue
        if (s, p, o) in hidden:
            continue
        if o in withheld:
            if o not in pseudonyms:
                continue
            o = pseudonyms[o]
        kept[(s, p, o)] = None
    for node, pseudonym in pseudonyms.items():
        kept[(pseudonym, RDFS.label, Literal(labels[node]))] = None
    for triple in _unbacked_articles(kept, case.iri):
        del kept[triple]

    triples = redactor.literals(list(kept), keep=set(labels.values()))
    triples, iri, exported_id = rewrite_case_iris(triples, case.iri, case.case_id, redactor, pseudonymiser)
    iris = {n for n in withheld if isinstance(n, URIRef)}
    for agent in pseudonyms:
        iris.update(o for o in index.values(agent, OWL.sameAs) if isinstance(o, URIRef))
    return FilteredCase(case.case_id, iri, exported_id, audience, True, triples, withheld, pseudonyms,
                        sorted(redactor.words, key=lambda w: (-len(w), w)), values, sorted(iris), base)


_VIOLATION = URIRef(vocab_concept("outcome", "violation"))


def _unbacked_articles(kept: dict[Triple, None], case_iri: URIRef) -> list[Triple]:
    """The case's derived article links that no visible record states: ``cg:violatedArticle``
    triples no visible finding found violated, ``cg:concernsArticle`` triples no visible claim or
    finding is about. What only withheld records say must not show through the shortcut."""
    findings = {o for s, p, o in kept if s == case_iri and p == CG.finding}
    records = findings | {o for s, p, o in kept if s == case_iri and p == CG.claim}
    violations = {s for s, p, o in kept if s in findings and p == CG.outcome and o == _VIOLATION}
    violated = {o for s, p, o in kept if s in violations and p == CG.article}
    concerned = {o for s, p, o in kept if s in records and p == CG.article}
    return [t for t in kept if t[0] == case_iri and (
        (t[1] == CG.violatedArticle and t[2] not in violated) or (t[1] == CG.concernsArticle and t[2] not in concerned))]


def audience_above(audience: str) -> str:
    """The level just above an audience's (what it may not see)."""
    return LEVELS[min(_RANK[audience] + 1, len(LEVELS) - 1)]


def _agent_kind(index: _Index, node: Node) -> str:
    types = index.types.get(node, set())
    if FOAF.Person in types:
        return "person"
    if FOAF.Group in types:
        return "group"
    return "organisation"


def _names(index: _Index, agent: Node) -> list[str]:
    return [str(o) for p in _NAME_PROPERTIES for o in index.values(agent, p) if isinstance(o, Literal)]


def _protected_words(index: _Index, pseudonyms: dict[Node, URIRef], withheld: dict[Node, str]) -> dict[str, Node | None]:
    """Each text to replace (lower-cased) -> the withheld agent whose label replaces it.

    A text several withheld agents share (a family name) maps to None: it is replaced by a
    plain "withheld person", never by one of their pseudonyms, which would say who was meant.
    """
    visible_agents = [n for n in index.nodes if index.is_agent(n) and n not in withheld]
    visible_words = {w.lower() for a in visible_agents for name in _names(index, a) for w in re.findall(r"\w+", name)}
    owners: dict[str, set[Node]] = defaultdict(set)
    for agent in sorted(pseudonyms):
        for name in _names(index, agent):
            if name.strip():
                owners[name.strip().lower()].add(agent)
            if index.is_person(agent):
                for word in re.findall(r"\w+", name):
                    if len(word) >= MIN_NAME_WORD and word.lower() not in visible_words:
                        owners[word.lower()].add(agent)
    return {word: next(iter(agents)) if len(agents) == 1 else None for word, agents in owners.items()}


def _protected_values(case: CaseGraph, withheld: set[Node]) -> list[str]:
    """Longer texts only withheld nodes carry (a text a visible node also states is not secret)."""
    hidden, shown = set(), set()
    for s, p, o in case.triples:
        if isinstance(o, Literal) and o.datatype in (None, XSD.string):
            if s in withheld and p not in UNPROTECTED_VALUE_PROPERTIES and len(str(o)) >= MIN_PROTECTED_VALUE:
                hidden.add(str(o))
            elif s not in withheld:
                shown.add(str(o))
    return sorted(hidden - shown)


def filter_cases(cases: Iterable[CaseGraph], audience: str, pseudonymiser: Pseudonymiser) -> list[FilteredCase]:
    """:func:`filter_case` for each case, in order."""
    return [filter_case(c, audience, pseudonymiser) for c in cases]
