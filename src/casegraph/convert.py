"""Case files -> RDF triples under casegraph's ontology. Pure: no I/O.

Every node gets a readable, stable IRI under one base::

    {base}case/{case-id}                       the case
    {base}case/{case-id}/agent/{id}            people and organisations
    {base}case/{case-id}/event/{id}            acts, harms, proceedings, implementation steps
    {base}case/{case-id}/finding/{decision}/{article}
    {base}case/{case-id}/finding/{decision}/instrument/{instrument}   (no article named)
    {node}/version/{field}-{n}                 a stated version (or a figure's one statement)
    {base}case/{case-id}/claim/{article}[-n]
    ... place/, remedy/, money/, document/, source/, participation/

and the converter records, for every node and every (node, property), the YAML line it came
from, so that validation results can point at the file and line an analyst has to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from .cases import EVENT_SECTIONS, CaseFile, JsonPath, field_name
from .namespaces import CG, DCTERMS, FOAF, ISO639, OWL, PROV, RDF, SCHEMA, SKOS, VOCAB, XSD, article_iri, vocab_concept
from .timespan import timespan

__all__ = ["Triple", "CaseGraph", "SourceLocation", "convert_case", "case_iri", "parse_date"]

Triple = tuple[Node, Node, Node]

EVENT_CLASSES = {
    "acts": CG.Act,
    "harms": CG.Harm,
    "domestic_proceedings": CG.DomesticProceeding,
    "international_proceedings": CG.InternationalProceeding,
}

#: The event kinds a case's time to decision runs between: from the communication or
#: application that brought the case to the forum to the forum's decision on the merits.
TIME_TO_DECISION_KINDS = {"communication": "start", "decision": "end"}

IDENTIFIER_PROPERTIES = {
    "communication_number": CG.communicationNumber,
    "un_document_symbol": CG.unDocumentSymbol,
    "application_number": CG.applicationNumber,
    "ecli": CG.ecli,
    "report_citation": CG.reportCitation,
}


@dataclass
class SourceLocation:
    """Where a node was written: its file and line, and the line and field of each property."""

    case: CaseFile
    line: int
    field: str
    properties: dict[str, tuple[int, str]] = field(default_factory=dict)


@dataclass
class CaseGraph:
    """The triples of one case and where each node came from."""

    case_id: str
    iri: URIRef
    triples: list[Triple]
    locations: dict[Node, SourceLocation]


def case_iri(base: str, case_id: str) -> URIRef:
    """The IRI of a case from its id."""
    return URIRef(f"{base}case/{case_id}")


def parse_date(value: str | int) -> Literal:
    """A date at its true precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    text = str(value)
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(text)]
    return Literal(text, datatype=datatype)


def convert_case(case: CaseFile, *, base: str, states: dict[str, URIRef]) -> CaseGraph:
    """Convert one checked case file to triples.

    Args:
        case: a case file from :func:`casegraph.cases.load_case_file`.
        base: the IRI base of data nodes, ending in ``/`` or ``#``.
        states: ISO 3166 code -> State IRI (from the state vocabulary). Unknown codes get an
            IRI with no type, which validation reports as an undefined State.
    """
    return _Converter(case, base, states).run()


class _Converter:
    def __init__(self, case: CaseFile, base: str, states: dict[str, URIRef]):
        self.case = case
        self.base = base
        self.states = states
        self.case_node = case_iri(base, case.case_id)
        self.triples: list[Triple] = []
        self.locations: dict[Node, SourceLocation] = {}
        # The articles the case's claims and findings are about, each with where it was first
        # written, for the case's derived cg:concernsArticle.
        self.concerned: dict[str, JsonPath] = {}
        # "start"/"end" -> (date texts, the nodes that state them, the event's path) of each
        # dated communication or decision, for the case's derived time to decision.
        self.span_dates: dict[str, list[tuple[list[str], list[URIRef], JsonPath]]] = {"start": [], "end": []}

    # ----------------------------------------------------------------- helpers

    def node(self, kind: str, local: str) -> URIRef:
        return URIRef(f"{self.case_node}/{kind}/{local}")

    def locate(self, node: Node, path: JsonPath) -> None:
        self.locations[node] = SourceLocation(self.case, self.case.line_of(path), field_name(path))

    def add(self, s: Node, p: URIRef, o: Node, path: JsonPath | None = None) -> None:
        self.triples.append((s, p, o))
        if path is not None and s in self.locations:
            self.locations[s].properties.setdefault(str(p), (self.case.line_of(path), field_name(path)))

    def text(self, s: Node, p: URIRef, value: Any, path: JsonPath) -> None:
        if value is not None:
            self.add(s, p, Literal(str(value)), path)

    def versioned(self, s: Node, p: URIRef, value: Any, path: JsonPath, make, local: str | None = None) -> list[URIRef]:
        """A value, or each of its versions reified with the source and place that state it;
        returns the statements made (none for a plain value)."""
        local = local or str(path[-1])
        if isinstance(value, dict) and "versions" in value:
            return [self.statement(s, p, version, path + ("versions", i), f"{local}-{i + 1}", make)
                    for i, version in enumerate(value["versions"])]
        if value is not None:
            self.add(s, p, make(value, {}), path)
        return []

    def statement(self, s: Node, p: URIRef, item: dict, path: JsonPath, local: str, make) -> URIRef:
        """One statement of ``s p value`` reified (a cg:StatedVersion) with the source, place and
        words that state it. Its value is asserted on ``s`` too, so that a plain query finds every
        stated value; a figure given only by bounds (min, max) has no value to assert."""
        statement = URIRef(f"{s}/version/{local}")
        if "value" in item:
            obj = make(item["value"], item)
            self.add(s, p, obj, path)
        self.locate(statement, path)
        # A forward link, so shapes (predicate paths only) can allow several values
        # of a single-valued property exactly where they are stated versions.
        self.add(s, CG.statedVersion, statement, path)
        self.add(statement, RDF.type, CG.StatedVersion)
        self.add(statement, RDF.subject, s)
        self.add(statement, RDF.predicate, p)
        if "value" in item:
            self.add(statement, RDF.object, obj)
        self.provenance(statement, item, path)
        return statement

    def figure(self, s: Node, p: URIRef, value: Any, path: JsonPath, make, local: str | None = None) -> list[URIRef]:
        """A figure (a count, an age, a sentence): a plain value; or one statement that keeps the
        source's words, its "about" and its bounds; or versions of such statements. Returns the
        statements made (none for a plain value)."""
        local = local or str(path[-1])
        if isinstance(value, dict) and "versions" in value:
            items = [(version, path + ("versions", i), f"{local}-{i + 1}") for i, version in enumerate(value["versions"])]
        elif isinstance(value, dict):
            items = [(value, path, f"{local}-1")]
        else:
            if value is not None:
                self.add(s, p, make(value, {}), path)
            return []
        statements = []
        for item, ipath, ilocal in items:
            statement = self.statement(s, p, item, ipath, ilocal, make)
            # Bounds are not values of the property: "more than 330" is not a count of 330.
            for key, bound in (("min", SCHEMA.minValue), ("max", SCHEMA.maxValue)):
                if key in item:
                    self.add(statement, bound, make(item[key], item), ipath + (key,))
            if item.get("approximate"):
                self.add(statement, CG.approximate, Literal(True), ipath + ("approximate",))
            statements.append(statement)
        return statements

    def provenance(self, s: Node, item: dict, path: JsonPath) -> None:
        if "source" in item:
            self.add(s, PROV.wasDerivedFrom, self.node("source", item["source"]), path + ("source",))
        self.text(s, CG.locator, item.get("locator"), path + ("locator",))
        self.text(s, SKOS.note, item.get("note"), path + ("note",))
        if "confidentiality" in item:
            self.add(s, CG.confidentiality, URIRef(vocab_concept("confidentiality", item["confidentiality"])),
                     path + ("confidentiality",))
        if "as_stated" in item:
            self.text(s, CG.asStated, item["as_stated"], path + ("as_stated",))

    def concept(self, scheme: str, notation: str) -> URIRef:
        return URIRef(vocab_concept(scheme, notation))

    def state(self, code: str) -> URIRef:
        # An unknown code still becomes a node, with no type, so validation can locate it.
        return self.states.get(code) or URIRef(vocab_concept("state", code))

    def refs(self, s: Node, p: URIRef, item: dict, key: str, path: JsonPath, kind: str = "agent") -> None:
        value = item.get(key)
        for i, ref in enumerate(value if isinstance(value, list) else [] if value is None else [value]):
            self.add(s, p, self.node(kind, ref), path + ((key, i) if isinstance(value, list) else (key,)))

    # ----------------------------------------------------------------- sections

    def run(self) -> CaseGraph:
        data, c = self.case.data, self.case_node
        self.locate(c, ())
        self.add(c, RDF.type, CG.Case)
        self.add(c, DCTERMS.identifier, Literal(self.case.case_id))
        self.text(c, DCTERMS.title, data["title"], ("title",))
        self.text(c, DCTERMS.alternative, data.get("subtitle"), ("subtitle",))
        self.add(c, CG.forum, self.concept("forum", data["forum"]), ("forum",))
        for i, code in enumerate(data.get("respondent_states", [])):
            self.add(c, CG.respondentState, self.state(code), ("respondent_states", i))
        for i, code in enumerate(data.get("applicant_states", [])):
            self.add(c, CG.applicantState, self.state(code), ("applicant_states", i))
        if "status" in data:
            self.add(c, CG.caseStatus, self.concept("case-status", data["status"]), ("status",))
        for key, value in data.get("identifiers", {}).items():
            self.versioned(c, IDENTIFIER_PROPERTIES[key], value, ("identifiers", key), _text)
        self.text(c, DCTERMS.abstract, data.get("summary"), ("summary",))
        for i, theme in enumerate(data.get("themes", [])):
            self.add(c, DCTERMS.subject, self.concept("theme", theme), ("themes", i))
        if "confidentiality" in data:
            self.add(c, CG.confidentiality, self.concept("confidentiality", data["confidentiality"]),
                     ("confidentiality",))
        for i, item in enumerate(data.get("significance", [])):
            # A significance statement is a literal on the case; its own source, if any,
            # is recorded by a reified version so the literal stays simple to query.
            self.versioned(c, CG.significance, {"versions": [dict(item, value=item["text"])]}
                           if ("source" in item or "locator" in item or "confidentiality" in item) else item["text"],
                           ("significance", i), _text)
        self.sources(data.get("sources", []))
        self.places(data.get("places", []))
        self.agents(data.get("people", []), "people")
        self.agents(data.get("organisations", []), "organisations")
        for section in EVENT_SECTIONS:
            for i, item in enumerate(data.get(section, [])):
                self.event(item, (section, i), EVENT_CLASSES[section])
        self.claims(data.get("claims", []))
        self.findings(data.get("findings", []))
        for article, path in self.concerned.items():
            # Derived, written once per article: questions that count the cases concerning an
            # article read one triple a case and article instead of joining each claim and
            # finding with its article (a tenth of the time at 100,000 cases, benchmarks/RESULTS.md).
            self.add(c, CG.concernsArticle, URIRef(article), path)
        self.remedies(data.get("remedies", []))
        self.money(data.get("money", []))
        self.documents(data.get("documents", []))
        self.related_cases(data.get("related_cases", []))
        self.time_to_decision()
        for node in self.locations:
            if node != c and isinstance(node, URIRef):
                self.triples.append((node, CG.inCase, c))
        return CaseGraph(self.case.case_id, c, self.triples, self.locations)

    def sources(self, sources: list[dict]) -> None:
        for i, item in enumerate(sources):
            path = ("sources", i)
            s = self.node("source", item["id"])
            self.locate(s, path)
            self.add(s, RDF.type, CG.Source)
            self.add(self.case_node, PROV.wasDerivedFrom, s, path)
            self.text(s, DCTERMS.title, item.get("title"), path + ("title",))
            self.text(s, DCTERMS.publisher, item.get("publisher"), path + ("publisher",))
            if "address" in item:
                self.add(s, SCHEMA.url, Literal(item["address"], datatype=XSD.anyURI), path + ("address",))
            self.text(s, CG.locator, item.get("copy"), path + ("copy",))
            if "date" in item:
                self.add(s, DCTERMS.date, parse_date(item["date"]), path + ("date",))
            self.text(s, SKOS.note, item.get("note"), path + ("note",))
            if "confidentiality" in item:
                self.add(s, CG.confidentiality, self.concept("confidentiality", item["confidentiality"]),
                         path + ("confidentiality",))

    def places(self, places: list[dict]) -> None:
        for i, item in enumerate(places):
            path = ("places", i)
            p = self.node("place", item["id"])
            self.locate(p, path)
            self.add(p, RDF.type, CG.Place)
            self.versioned(p, SCHEMA.name, item["name"], path + ("name",), _text)
            if "country" in item:
                self.add(p, SCHEMA.containedInPlace, self.state(item["country"]), path + ("country",))
            self.refs(p, SCHEMA.containedInPlace, item, "within", path, kind="place")
            self.provenance(p, item, path)

    def agents(self, agents: list[dict], section: str) -> None:
        for i, item in enumerate(agents):
            path = (section, i)
            a = self.node("agent", item["id"])
            self.locate(a, path)
            if section == "people":
                self.add(a, RDF.type, FOAF.Person)
            elif item.get("kind") in ("group", "people"):
                self.add(a, RDF.type, FOAF.Group)
            else:
                self.add(a, RDF.type, FOAF.Organization)
            self.add(a, RDF.type, FOAF.Agent)
            self.versioned(a, FOAF.name, item.get("name"), path + ("name",), _text)
            for j, alias in enumerate(item.get("alias", [])):
                self.add(a, SKOS.altLabel, Literal(alias), path + ("alias", j))
            self.text(a, DCTERMS.description, item.get("description"), path + ("description",))
            if "kind" in item:
                self.add(a, CG.agentKind, self.concept("agent-kind", item["kind"]), path + ("kind",))
            self.figure(a, CG.memberCount, item.get("member_count"), path + ("member_count",), _count)
            self.refs(a, SCHEMA.memberOf, item, "member_of", path)
            for j, iri in enumerate(item.get("same_as", [])):
                self.add(a, OWL.sameAs, URIRef(iri), path + ("same_as", j))
            if section == "people":
                self.person(a, item, path)
            for j, role in enumerate(item.get("roles", [])):
                part = self.node("participation", f"{item['id']}-{role}")
                self.locate(part, path + ("roles", j))
                self.add(self.case_node, CG.participation, part)
                self.add(part, RDF.type, CG.Participation)
                self.add(part, CG.agent, a, path + ("roles", j))
                self.add(part, CG.role, self.concept("role", role), path + ("roles", j))
            self.provenance(a, item, path)

    def person(self, a: URIRef, item: dict, path: JsonPath) -> None:
        """Birth, occupation, relations to other people, and ages at dates or events."""
        self.versioned(a, SCHEMA.birthDate, item.get("born"), path + ("born",), lambda v, _: parse_date(v))
        self.versioned(a, SCHEMA.jobTitle, item.get("occupation"), path + ("occupation",), _text)
        relation = item.get("relation")
        if isinstance(relation, dict):
            to = self.node("agent", relation["to"])
            self.add(a, CG.relatedPerson, to, path + ("relation", "to"))
            for statement in self.versioned(a, CG.relationship, relation["as"], path + ("relation", "as"), _text):
                self.add(statement, CG.relatedPerson, to, path + ("relation", "to"))
        for j, rel in enumerate(relation if isinstance(relation, list) else []):
            # Several relations: each relationship is a statement that says to whom, since
            # "father" and "husband" on one person would not say who is whose.
            rpath, local = path + ("relation", j), f"relation-{j + 1}"
            to = self.node("agent", rel["to"])
            self.add(a, CG.relatedPerson, to, rpath + ("to",))
            if isinstance(rel["as"], dict):
                statements = self.versioned(a, CG.relationship, rel["as"], rpath + ("as",), _text, local)
            else:
                statements = [self.statement(a, CG.relationship, {"value": rel["as"]}, rpath + ("as",), local, _text)]
            for statement in statements:
                self.add(statement, CG.relatedPerson, to, rpath + ("to",))
        for j, age in enumerate(item.get("ages", [])):
            apath = path + ("ages", j)
            for statement in self.figure(a, CG.age, age, apath, _count, f"age-{j + 1}"):
                if "as_of" in age:
                    self.add(statement, CG.asOf, parse_date(age["as_of"]), apath + ("as_of",))
                self.refs(statement, CG.event, age, "event", apath, kind="event")

    def event(self, item: dict, path: JsonPath, cls: URIRef) -> URIRef:
        e = self.node("event", item["id"])
        self.locate(e, path)
        self.add(e, RDF.type, cls)
        self.add(e, CG.eventKind, self.concept("event-kind", item["kind"]), path + ("kind",))
        date = item["date"]
        if date == "unknown":
            self.add(e, CG.dateUnknown, Literal(True), path + ("date",))
        else:
            statements = self.versioned(e, DCTERMS.date, date, path + ("date",), lambda v, _: parse_date(v))
            role = TIME_TO_DECISION_KINDS.get(item["kind"])
            if role is not None:
                texts = ([str(v["value"]) for v in date["versions"] if "value" in v]
                         if isinstance(date, dict) else [str(date)])
                self.span_dates[role].append((texts, [e, *statements], path))
        self.text(e, SKOS.scopeNote, item.get("date_note"), path + ("date_note",))
        self.versioned(e, CG.endDate, item.get("end_date"), path + ("end_date",), lambda v, _: parse_date(v))
        if "duration" in item:
            duration = item["duration"]
            if "versions" in duration:
                self.versioned(e, CG.duration, duration, path + ("duration",),
                               lambda v, _: Literal(v, datatype=XSD.duration))
            else:
                self.add(e, CG.duration, Literal(duration["value"], datatype=XSD.duration), path + ("duration",))
                self.text(e, CG.durationAsStated, duration.get("as_stated"), path + ("duration", "as_stated"))
        self.refs(e, CG.place, item, "place", path, kind="place")
        for key, prop in (("actors", CG.actor), ("victims", CG.victim)):
            if isinstance(item.get(key), dict):  # sources name different agents: versions, one id each
                self.versioned(e, prop, item[key], path + (key,), lambda v, _: self.node("agent", v))
            else:
                self.refs(e, prop, item, key, path)
        self.refs(e, CG.addressee, item, "addressees", path)
        self.figure(e, CG.peopleCount, item.get("people_count"), path + ("people_count",), _count)
        self.figure(e, CG.sentence, item.get("sentence"), path + ("sentence",),
                    lambda v, _: Literal(v, datatype=XSD.duration))
        if "forum" in item:
            self.add(e, CG.forum, self.concept("forum", item["forum"]), path + ("forum",))
        self.text(e, DCTERMS.title, item.get("title"), path + ("title",))
        self.versioned(e, DCTERMS.description, item.get("description"), path + ("description",), _text)
        self.provenance(e, item, path)
        return e

    def time_to_decision(self) -> None:
        """Derived: the days from the case's first communication to its first decision on the
        merits (a range when a date is known only to the month or year), on a node of its own
        that names the events and stated dates it comes from (``cg:derivedFrom``: an audience
        that may not see one of them does not see the node). Questions read it instead of
        computing it for every case (time-to-decision: an eighth of the time at 100,000 cases,
        benchmarks/RESULTS.md); it says nothing the events' dates do not, and is left out where
        they contradict each other (a decision dated before the communication)."""
        starts, ends = self.span_dates["start"], self.span_dates["end"]
        span = timespan([t for texts, _, _ in starts for t in texts], [t for texts, _, _ in ends for t in texts])
        if span is None:
            return
        node = URIRef(f"{self.case_node}/time-to-decision")
        self.locate(node, ends[0][2])
        self.add(self.case_node, CG.timeToDecision, node)
        self.add(node, RDF.type, CG.TimeToDecision)
        self.add(node, SCHEMA.startDate, parse_date(span.start))
        self.add(node, SCHEMA.endDate, parse_date(span.end))
        self.add(node, CG.minDays, Literal(span.days_min))
        self.add(node, CG.maxDays, Literal(span.days_max))
        if span.days is not None:
            self.add(node, CG.days, Literal(span.days))
        self.add(node, CG.precision, Literal(span.precision))
        for _, sources, _ in starts + ends:
            for source in sources:
                self.add(node, CG.derivedFrom, source)

    def claims(self, claims: list[dict]) -> None:
        used: dict[str, int] = {}
        for i, item in enumerate(claims):
            path = ("claims", i)
            local = item["article"].lower()
            used[local] = used.get(local, 0) + 1
            cl = self.node("claim", local if used[local] == 1 else f"{local}-{used[local]}")
            self.locate(cl, path)
            self.add(self.case_node, CG.claim, cl)
            self.add(cl, RDF.type, CG.Claim)
            self.add(cl, CG.article, URIRef(article_iri(item["article"])), path + ("article",))
            self.concerned.setdefault(article_iri(item["article"]), path + ("article",))
            for j, other in enumerate(item.get("taken_with", [])):
                self.add(cl, CG.takenWith, URIRef(article_iri(other)), path + ("taken_with", j))
            self.refs(cl, CG.claimant, item, "claimants", path)
            self.text(cl, DCTERMS.description, item.get("summary"), path + ("summary",))
            self.provenance(cl, item, path)

    def findings(self, findings: list[dict]) -> None:
        used: dict[str, int] = {}
        violated: set[str] = set()
        for i, item in enumerate(findings):
            path = ("findings", i)
            # An instrument-wide finding gets its own segment: "achpr-2" is an article's local name.
            subject = item["article"] if "article" in item else f"instrument/{item['instrument']}"
            local = f"{item['decision']}/{subject.lower()}"
            used[local] = used.get(local, 0) + 1
            f = self.node("finding", local if used[local] == 1 else f"{local}-{used[local]}")
            self.locate(f, path)
            self.add(self.case_node, CG.finding, f)
            self.add(f, RDF.type, CG.Finding)
            if "article" in item:
                self.add(f, CG.article, URIRef(article_iri(item["article"])), path + ("article",))
                self.concerned.setdefault(article_iri(item["article"]), path + ("article",))
            else:
                # The source names no article: the finding is on the instrument (its concept
                # scheme) as a whole, so no question that counts findings per article sees it.
                self.add(f, CG.instrument, URIRef(_instrument_iri(item["instrument"])), path + ("instrument",))
            self.text(f, CG.scope, item.get("scope"), path + ("scope",))
            for j, other in enumerate(item.get("taken_with", [])):
                self.add(f, CG.takenWith, URIRef(article_iri(other)), path + ("taken_with", j))
            self.add(f, CG.outcome, self.concept("outcome", item["outcome"]), path + ("outcome",))
            if item["outcome"] == "violation" and "article" in item:
                # Derived, written once per article: the counting questions read one triple a
                # case and article instead of joining each finding with its outcome and article
                # (twice as fast at 100,000 cases, benchmarks/RESULTS.md).
                article = article_iri(item["article"])
                if article not in violated:
                    violated.add(article)
                    self.add(self.case_node, CG.violatedArticle, URIRef(article), path + ("article",))
            self.add(f, CG.decision, self.node("event", item["decision"]), path + ("decision",))
            self.text(f, CG.reasoning, item.get("reasoning"), path + ("reasoning",))
            self.versioned(f, CG.vote, item.get("vote"), path + ("vote",), _text)
            self.provenance(f, item, path)

    def remedies(self, remedies: list[dict]) -> None:
        for i, item in enumerate(remedies):
            path = ("remedies", i)
            r = self.node("remedy", item["id"])
            self.locate(r, path)
            self.add(self.case_node, CG.remedy, r)
            self.add(r, RDF.type, CG.Remedy)
            self.add(r, CG.remedyKind, self.concept("remedy-kind", item["kind"]), path + ("kind",))
            self.refs(r, CG.decision, item, "decision", path, kind="event")
            self.text(r, DCTERMS.description, item.get("text"), path + ("text",))
            self.refs(r, CG.beneficiary, item, "beneficiaries", path)
            self.add(r, CG.implementationStatus, self.concept("implementation-status", item["status"]),
                     path + ("status",))
            self.text(r, CG.statusNote, item.get("status_note"), path + ("status_note",))
            for j, step in enumerate(item.get("implementation", [])):
                e = self.event(step, path + ("implementation", j), CG.ImplementationStep)
                self.add(r, CG.implementationStep, e, path + ("implementation", j))
            self.provenance(r, item, path)

    def money(self, amounts: list[dict]) -> None:
        for i, item in enumerate(amounts):
            path = ("money", i)
            m = self.node("money", item["id"])
            self.locate(m, path)
            self.add(self.case_node, CG.money, m)
            self.add(m, RDF.type, CG.MonetaryAmount)
            self.add(m, CG.moneyRole, self.concept("money-role", item["role"]), path + ("role",))
            self.versioned(m, SCHEMA.value, item["amount"], path + ("amount",), lambda v, _: _decimal(v))
            self.add(m, SCHEMA.currency, Literal(item["currency"]), path + ("currency",))
            if "approximately" in item:
                self.approximations(m, item["approximately"], path + ("approximately",))
            self.refs(m, CG.payer, item, "payer", path)
            self.refs(m, CG.beneficiary, item, "beneficiary", path)
            if "date" in item:
                self.versioned(m, DCTERMS.date, item["date"], path + ("date",), lambda v, _: parse_date(v))
            self.refs(m, CG.event, item, "event", path, kind="event")
            self.refs(m, CG.forRemedy, item, "remedy", path, kind="remedy")
            self.refs(m, CG.partOf, item, "part_of", path, kind="money")
            self.versioned(m, DCTERMS.description, item.get("description"), path + ("description",), _text)
            if item.get("per_beneficiary"):
                self.add(m, CG.perBeneficiary, Literal(True), path + ("per_beneficiary",))
            self.provenance(m, item, path)

    def approximations(self, m: URIRef, value: Any, path: JsonPath) -> None:
        """One conversion, a list of them (one per currency), or versions of one conversion."""
        if isinstance(value, dict) and "versions" in value:
            counter = iter(range(1, len(value["versions"]) + 1))

            def make(conversion: dict, _version: dict) -> URIRef:
                i = next(counter)
                return self.approximation(m, conversion, path + ("versions", i - 1, "value"), f"approximately-{i}")

            self.versioned(m, CG.approximately, value, path, make)
        elif isinstance(value, list):
            for i, conversion in enumerate(value, start=1):
                approx = self.approximation(m, conversion, path + (i - 1,), f"approximately-{i}")
                self.add(m, CG.approximately, approx, path + (i - 1,))
        else:
            self.add(m, CG.approximately, self.approximation(m, value, path, "approximately"), path)

    def approximation(self, m: URIRef, item: dict, path: JsonPath, local: str) -> URIRef:
        approx = URIRef(f"{m}/{local}")
        self.locate(approx, path)
        self.add(approx, RDF.type, CG.ApproximateAmount)
        self.add(approx, SCHEMA.value, _decimal(item["amount"]), path + ("amount",))
        self.add(approx, SCHEMA.currency, Literal(item["currency"]), path + ("currency",))
        self.provenance(approx, item, path)  # as_stated, and the source where one is named
        return approx

    def documents(self, documents: list[dict]) -> None:
        for i, item in enumerate(documents):
            path = ("documents", i)
            d = self.node("document", item["id"])
            self.locate(d, path)
            self.add(self.case_node, CG.document, d)
            self.add(d, RDF.type, CG.Document)
            self.text(d, DCTERMS.title, item["title"], path + ("title",))
            if "kind" in item:
                self.add(d, CG.documentKind, self.concept("document-kind", item["kind"]), path + ("kind",))
            if "date" in item:
                self.versioned(d, DCTERMS.date, item["date"], path + ("date",), lambda v, _: parse_date(v))
            self.text(d, SKOS.scopeNote, item.get("date_note"), path + ("date_note",))
            if "language" in item:
                self.add(d, DCTERMS.language, ISO639[item["language"]], path + ("language",))
            if "pages" in item:
                self.add(d, SCHEMA.numberOfPages, Literal(item["pages"], datatype=XSD.integer), path + ("pages",))
            if "address" in item:
                self.add(d, SCHEMA.url, Literal(item["address"], datatype=XSD.anyURI), path + ("address",))
            self.refs(d, CG.event, item, "event", path, kind="event")
            self.provenance(d, item, path)


    def related_cases(self, related: list[dict]) -> None:
        for i, item in enumerate(related):
            path = ("related_cases", i)
            r = self.node("related", str(i + 1))
            self.locate(r, path)
            self.add(self.case_node, CG.relatedCase, r)
            self.add(r, RDF.type, CG.RelatedCase)
            self.versioned(r, DCTERMS.title, item["title"], path + ("title",), _text)
            self.text(r, CG.relation, item["relation"], path + ("relation",))
            self.text(r, DCTERMS.identifier, item.get("identifier"), path + ("identifier",))
            if "forum" in item:
                self.add(r, CG.forum, self.concept("forum", item["forum"]), path + ("forum",))
            if "case" in item:
                self.add(r, CG.case, case_iri(self.base, item["case"]), path + ("case",))
            self.provenance(r, item, path)


def _instrument_iri(short_form: str) -> str:
    """A treaty's concept scheme from its short form: ``ECHR-P1`` -> ``.../vocab/echr-p1``."""
    return f"{VOCAB}{short_form.lower()}"


def _text(value: Any, _item: dict) -> Literal:
    return Literal(str(value))


def _count(value: int, _item: dict) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


def _decimal(value: int | float) -> Literal:
    # Through str() so that 12.5 stays 12.5 and not 12.4999...; canonical form for stable bytes.
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)

