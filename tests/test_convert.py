"""Conversion: stable IRIs, dates at their true precision, conflicts kept as versions."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from casegraph.build import build_cases
from casegraph.namespaces import CG, DCTERMS, PROV, SCHEMA, XSD, article_iri

from .conftest import FIXTURES

CASE = "https://w3id.org/casegraph/id/case/gerasimov-v-kazakhstan"


def _graph(build):
    return build.data_graph()


def test_iris_are_readable_and_stable(gerasimov_build) -> None:
    g = _graph(gerasimov_build)
    assert (URIRef(CASE), RDF.type, CG.Case) in g
    assert (URIRef(f"{CASE}/agent/alexander-gerasimov"), RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")) in g
    assert (URIRef(f"{CASE}/finding/decision/uncat-2-1"), CG.article,
            URIRef("https://w3id.org/casegraph/vocab/uncat/2-1")) in g
    # The same files give the same triples.
    again = gerasimov_build.graphs[0].triples
    assert sorted(map(str, again)) == sorted(map(str, gerasimov_build.graphs[0].triples))


def test_dates_keep_their_precision(gerasimov_build) -> None:
    g = _graph(gerasimov_build)
    event = lambda local: URIRef(f"{CASE}/event/{local}")  # noqa: E731
    assert set(g.objects(event("detention"), DCTERMS.date)) == {Literal("2007-03-27", datatype=XSD.date)}
    assert set(g.objects(event("ptsd-diagnosis"), DCTERMS.date)) == {Literal("2007-08", datatype=XSD.gYearMonth)}
    assert set(g.objects(event("payment"), DCTERMS.date)) == {Literal("2014-05", datatype=XSD.gYearMonth)}
    assert set(g.objects(event("complaint"), DCTERMS.date)) == {Literal("2007", datatype=XSD.gYear)}
    assert (event("appeals"), CG.dateUnknown, Literal(True)) in g
    # No date anywhere is a month padded to its first day.
    padded = [o for o in g.objects(None, DCTERMS.date) if str(o).endswith("-01")]
    assert padded == []


def test_conflicts_are_recorded_as_versions(gerasimov_build) -> None:
    g = _graph(gerasimov_build)
    refusal = URIRef(f"{CASE}/event/police-refusal")
    assert set(g.objects(refusal, DCTERMS.date)) == {Literal("2007-05-08", datatype=XSD.date),
                                                    Literal("2007-05", datatype=XSD.gYearMonth)}
    versions = list(g.subjects(RDF.subject, refusal))
    assert len(versions) == 2
    assert {str(g.value(v, CG.locator)).split(" ")[0] for v in versions} == {"timeline", "narrative"}
    stepson = URIRef(f"{CASE}/agent/stepson")
    assert {str(o) for o in g.objects(stepson, CG.relationship)} == {"son", "elder stepson"}
    stay = URIRef(f"{CASE}/event/hospital-stay")
    assert {str(o) for o in g.objects(stay, CG.duration)} == {"P14D", "P13D"}
    town = URIRef(f"{CASE}/place/kostanay")
    assert {str(o) for o in g.objects(town, SCHEMA.name)} == {"Kostanay", "Kostanai"}


def test_money_keeps_the_stated_conversion(gerasimov_build) -> None:
    g = _graph(gerasimov_build)
    award = URIRef(f"{CASE}/money/city-court-award")
    assert g.value(award, SCHEMA.value) == Literal("2000000.0", datatype=XSD.decimal)
    assert str(g.value(award, SCHEMA.currency)) == "KZT"
    approx = g.value(award, CG.approximately)
    assert str(g.value(approx, CG.asStated)) == "about 13,000 USD"
    assert (str(g.value(approx, SCHEMA.currency)), g.value(approx, SCHEMA.value).toPython()) == ("USD", 13000)


def test_every_node_knows_its_yaml_line(gerasimov_build) -> None:
    case_graph = gerasimov_build.graphs[0]
    subjects = {s for s, _, _ in case_graph.triples if isinstance(s, URIRef)}
    assert subjects <= set(case_graph.locations)
    where = case_graph.locations[URIRef(f"{CASE}/money/city-court-award")]
    assert where.field == "money[0]"
    text = where.case.path.read_text(encoding="utf-8").splitlines()
    assert text[where.line - 1].strip() == "- id: city-court-award"


def test_facts_name_their_sources(gerasimov_build) -> None:
    g = _graph(gerasimov_build)
    from casegraph.namespaces import PROV

    assert set(g.objects(URIRef(CASE), PROV.wasDerivedFrom)) == {URIRef(f"{CASE}/source/osji-case-page")}
    # Every node of the case is tied to the case, and so to its sources.
    nodes = {s for s in g.subjects() if str(s).startswith(CASE + "/")}
    assert all((n, CG.inCase, URIRef(CASE)) in g for n in nodes)


VERSIONED = "https://w3id.org/casegraph/id/case/versioned-figures-v-testland"


@pytest.fixture(scope="module")
def versioned_graph(vocabulary):
    return build_cases([FIXTURES / "valid" / "versioned-figures-v-testland.yaml"], vocabulary).data_graph()


def _versions(g, node, prop) -> dict:
    """value -> the source id of each stated version of node's prop."""
    return {g.value(v, RDF.object): str(g.value(v, PROV.wasDerivedFrom)).rsplit("/", 1)[-1]
            for v in g.subjects(RDF.subject, node) if g.value(v, RDF.predicate) == prop}


def test_member_count_vote_and_amount_keep_their_versions(versioned_graph) -> None:
    g = versioned_graph
    group = URIRef(f"{VERSIONED}/agent/complainants")
    count = lambda n: Literal(n, datatype=XSD.nonNegativeInteger)  # noqa: E731
    assert _versions(g, group, CG.memberCount) == {count(15): "report-a", count(14): "report-b"}
    assert set(g.objects(group, CG.memberCount)) == {count(15), count(14)}
    finding = URIRef(f"{VERSIONED}/finding/decision/uncat-2-1")
    assert _versions(g, finding, CG.vote) == {Literal("unanimous"): "report-a", Literal("9-1"): "report-b"}
    award = URIRef(f"{VERSIONED}/money/award")
    amount = lambda text: Literal(text, datatype=XSD.decimal)  # noqa: E731
    assert _versions(g, award, SCHEMA.value) == {amount("2955000.0"): "report-a", amount("2900000.0"): "report-b"}
    stated = {str(g.value(v, CG.asStated)) for v in g.objects(award, CG.statedVersion)}
    assert stated == {"EUR 2,955,000", "EUR 2.9m"}


def test_conversions_as_a_list_and_as_versions(versioned_graph) -> None:
    g = versioned_graph
    award = URIRef(f"{VERSIONED}/money/award")
    conversions = {(str(g.value(a, SCHEMA.currency)), g.value(a, SCHEMA.value).toPython(), str(g.value(a, CG.asStated)))
                   for a in g.objects(award, CG.approximately)}
    assert conversions == {("GBP", 2600000, "GBP 2.6m"), ("USD", 3500000, "USD 3.5m")}
    assert not _versions(g, award, CG.approximately)  # two currencies, not a conflict
    settlement = URIRef(f"{VERSIONED}/money/settlement")
    versions = _versions(g, settlement, CG.approximately)
    assert {(g.value(a, SCHEMA.value).toPython(), source) for a, source in versions.items()} == \
        {(440000, "report-a"), (450000, "report-b")}
    assert set(g.objects(settlement, SCHEMA.value)) == {Literal("3000000.0", datatype=XSD.decimal)}


FIGURES = "https://w3id.org/casegraph/id/case/counts-ages-and-findings-v-testland"


@pytest.fixture(scope="module")
def figures_graph(vocabulary):
    return build_cases([FIXTURES / "valid" / "counts-ages-and-findings-v-testland.yaml"], vocabulary).data_graph()


def _statements(g, node, prop) -> list:
    return [v for v in g.objects(node, CG.statedVersion) if g.value(v, RDF.predicate) == prop]


def test_counts_keep_their_words_approximation_bounds_and_sources(figures_graph) -> None:
    g = figures_graph
    count = lambda n: Literal(n, datatype=XSD.nonNegativeInteger)  # noqa: E731
    removal = URIRef(f"{FIGURES}/event/removal")
    assert _versions(g, removal, CG.peopleCount) == {count(28): "report-a", count(29): "report-b"}
    # "about 1,800": the figure is asserted, and its one statement says it is approximate.
    crowd = URIRef(f"{FIGURES}/agent/crowd")
    assert set(g.objects(crowd, CG.memberCount)) == {count(1800)}
    [statement] = _statements(g, crowd, CG.memberCount)
    assert (statement, CG.approximate, Literal(True)) in g
    assert str(g.value(statement, CG.asStated)) == "about 1,800"
    # "five or six": bounds only, so no member count is asserted at all.
    bystanders = URIRef(f"{FIGURES}/agent/bystanders")
    assert list(g.objects(bystanders, CG.memberCount)) == []
    [bounds] = _statements(g, bystanders, CG.memberCount)
    assert (g.value(bounds, SCHEMA.minValue), g.value(bounds, SCHEMA.maxValue)) == (count(5), count(6))
    assert g.value(bounds, RDF.object) is None
    # "more than 30" (a lower bound) and "about 30" are two versions of one count.
    attackers = URIRef(f"{FIGURES}/agent/attackers")
    stated = {(g.value(v, RDF.object), g.value(v, SCHEMA.minValue), g.value(v, CG.approximate))
              for v in _statements(g, attackers, CG.memberCount)}
    assert stated == {(None, count(30), None), (count(30), None, Literal(True))}


def test_ages_say_when_they_held(figures_graph) -> None:
    g = figures_graph
    applicant = URIRef(f"{FIGURES}/agent/applicant")
    ages = {(g.value(v, RDF.object).toPython(), str(g.value(v, CG.asOf) or ""),
             str(g.value(v, CG.event) or "").rsplit("/", 1)[-1], str(g.value(v, PROV.wasDerivedFrom)).rsplit("/", 1)[-1])
            for v in _statements(g, applicant, CG.age)}
    assert ages == {(30, "2001", "", "report-a"), (40, "", "decision", "report-a"), (39, "", "decision", "report-b")}
    assert set(g.objects(applicant, SCHEMA.birthDate)) == {Literal("1970", datatype=XSD.gYear),
                                                           Literal("1971-03", datatype=XSD.gYearMonth)}
    assert {str(o) for o in g.objects(applicant, SCHEMA.jobTitle)} == {"judge", "prosecutor"}


def test_several_relations_say_who_is_whose(figures_graph) -> None:
    g = figures_graph
    parent = URIRef(f"{FIGURES}/agent/parent")
    pairs = {(str(g.value(v, RDF.object)), str(g.value(v, CG.relatedPerson)).rsplit("/", 1)[-1])
             for v in _statements(g, parent, CG.relationship)}
    assert pairs == {("father", "child-a"), ("father", "child-b"), ("stepfather", "child-b"), ("husband", "applicant")}
    assert {str(o).rsplit("/", 1)[-1] for o in g.objects(parent, CG.relatedPerson)} == {"child-a", "child-b", "applicant"}


def test_actors_and_sentences_in_versions(figures_graph) -> None:
    g = figures_graph
    removal = URIRef(f"{FIGURES}/event/removal")
    assert _versions(g, removal, CG.actor) == {URIRef(f"{FIGURES}/agent/police"): "report-a",
                                              URIRef(f"{FIGURES}/agent/agency"): "report-b"}
    duration = lambda d: Literal(d, datatype=XSD.duration)  # noqa: E731
    conviction = URIRef(f"{FIGURES}/event/conviction")
    assert _versions(g, conviction, CG.sentence) == {duration("P15Y"): "report-a", duration("P13Y"): "report-b"}
    officers = URIRef(f"{FIGURES}/event/officers-convicted")
    assert list(g.objects(officers, CG.sentence)) == []
    [range_] = _statements(g, officers, CG.sentence)
    assert (g.value(range_, SCHEMA.minValue), g.value(range_, SCHEMA.maxValue)) == (duration("P2Y"), duration("P4Y"))


def test_a_finding_without_an_article_concerns_the_instrument(figures_graph) -> None:
    g = figures_graph
    uncat = URIRef("https://w3id.org/casegraph/vocab/uncat")
    whole = {f for f in g.objects(URIRef(FIGURES), CG.finding) if (f, CG.instrument, uncat) in g}
    assert {str(f).split("/finding/")[1] for f in whole} == {"decision/instrument/uncat", "decision/instrument/uncat-2"}
    assert all(g.value(f, CG.article) is None for f in whole)
    assert {str(g.value(f, CG.scope)) for f in whole} == {
        "the complaint as a whole (the State's objection of non-exhaustion rejected)", "numerous violations of the Convention"}
    # The article-level finding beside them is untouched.
    assert (URIRef(f"{FIGURES}/finding/decision/uncat-3"), CG.article,
            URIRef("https://w3id.org/casegraph/vocab/uncat/3")) in g


def test_a_case_lists_the_articles_its_findings_found_violated(gerasimov_build, data_build) -> None:
    # By hand from data/: Gerasimov's six findings are all violations.
    g = _graph(gerasimov_build)
    assert set(g.objects(URIRef(CASE), CG.violatedArticle)) == {
        URIRef(article_iri(a)) for a in ("UNCAT-1", "UNCAT-2-1", "UNCAT-12", "UNCAT-13", "UNCAT-14", "UNCAT-22")}
    # Gäfgen: Article 3 violated, Article 6 not; the admissibility finding on the whole
    # Convention names no article and gives none.
    by_id = {case.case_id: case for case in data_build.graphs}
    gafgen = by_id["gafgen-v-germany"]
    assert [o for s, p, o in gafgen.triples if p == CG.violatedArticle] == [URIRef(article_iri("ECHR-3"))]
    # Hirsi Jamaa has two violation findings on Article 3 (two kinds of risk): one triple.
    hirsi = by_id["hirsi-jamaa-v-italy"]
    assert [o for s, p, o in hirsi.triples if p == CG.violatedArticle].count(URIRef(article_iri("ECHR-3"))) == 1
    # Over the whole corpus: exactly the articles of the findings whose outcome is a violation.
    violation = URIRef("https://w3id.org/casegraph/vocab/outcome/violation")
    for case in data_build.graphs:
        values = {(s, p): o for s, p, o in case.triples if p in (CG.outcome, CG.article)}
        findings = [o for s, p, o in case.triples if s == case.iri and p == CG.finding]
        expected = {values[f, CG.article] for f in findings
                    if values.get((f, CG.outcome)) == violation and (f, CG.article) in values}
        derived = [o for s, p, o in case.triples if p == CG.violatedArticle]
        assert all(s == case.iri for s, p, o in case.triples if p == CG.violatedArticle)
        assert sorted(derived) == sorted(expected), case.case_id
