"""Confidentiality tiers: levels, containment, defaults, pseudonyms, redaction and the audience check.

The fixture (tests/fixtures/confidential/fictional-v-kazakhstan.yaml) is fictional; its header
lists which item is protected by which rule. Expected levels below are read off that file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import stat
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from casegraph.audience_check import AudienceCheckError, check_export, ensure_audience
from casegraph.build import Build, build_cases
from casegraph.confidentiality import effective_levels, filter_case, level_iri
from casegraph.errors import UsageError
from casegraph.namespaces import CG, DCTERMS, FOAF, article_iri
from casegraph.pseudonyms import Pseudonymiser, load_pseudonym_key
from casegraph.vocabulary import Vocabulary

from .conftest import FIXTURES, ROOT

CASE = "fictional-v-kazakhstan"
IRI = f"https://w3id.org/casegraph/id/case/{CASE}"
KEY = b"a fixed test key, 32 bytes long!"
AUDIENCE_SHAPES = ROOT / "shapes" / "audience"


def node(local: str) -> URIRef:
    return URIRef(f"{IRI}/{local}" if local else IRI)


@pytest.fixture(scope="module")
def confidential(vocabulary: Vocabulary) -> Build:
    return build_cases([FIXTURES / "confidential"], vocabulary)


@pytest.fixture(scope="module")
def levels(confidential: Build) -> dict:
    return effective_levels(confidential.graphs[0])


@pytest.mark.parametrize(("local", "level", "why"), [
    ("", "public", "a case defaults to public"),
    ("agent/counsel", "public", "counsel is not a protected role"),
    ("agent/police", "public", "organisations default to public"),
    ("agent/ingrid-halvorsen", "partner", "a victim and applicant defaults to partner"),
    ("agent/brother", "partner", "a family member (role and relation) defaults to partner"),
    ("agent/brother/version/name-1", "partner", "the versions of a name are part of the person"),
    ("participation/ingrid-halvorsen-victim", "partner", "participations are part of the person"),
    ("agent/co-victim", "public", "marked public against the default"),
    ("agent/informant", "internal", "marked internal"),
    ("participation/informant-expert", "internal", "part of an internal person"),
    ("agent/shelter", "internal", "an organisation marked internal"),
    ("event/diagnosis", "partner", "harms default to partner"),
    ("event/visible-bruises", "public", "a harm marked public against the default"),
    ("event/hospital-stay/version/duration-1", "partner", "versions are part of their event"),
    ("event/assault", "partner", "sexual violence defaults to partner"),
    ("event/detention", "public", "an act defaults to public"),
    ("event/relocation", "internal", "marked internal"),
    ("place/hospital", "partner", "a place only withheld harms refer to is carried by them"),
    ("place/police-station-city", "partner", "a place only a withheld place refers to is carried too"),
    ("place/police-station", "public", "referred to by public acts"),
    ("place/safe-house", "internal", "marked internal"),
    ("document/medical-report", "partner", "a document belongs to its (withheld) event"),
    ("document/decision-document", "public", "belongs to a public event"),
    ("finding/decision/uncat-14", "partner", "marked partner"),
    ("finding/decision/uncat-1", "public", "unmarked"),
    ("money/settlement", "partner", "marked partner"),
    ("money/settlement/approximately", "partner", "part of its amount"),
    ("remedy/secret-relocation", "internal", "marked internal"),
    ("event/relocation-funding", "internal", "an implementation step is part of its remedy"),
    ("source/interview", "internal", "a source marked internal"),
    ("version/un_document_symbol-2", "internal", "an identifier version marked internal"),
    ("version/1-1", "internal", "a statement of significance marked internal"),
])
def test_effective_levels_follow_marks_defaults_and_containment(levels: dict, local: str, level: str,
                                                                why: str) -> None:
    assert levels[node(local)] == level, why


def test_places_are_carried_only_when_asked(confidential: Build) -> None:
    own = effective_levels(confidential.graphs[0], carry=False)
    assert own[node("place/hospital")] == "public"
    assert own[node("place/safe-house")] == "internal"


@pytest.fixture(scope="module")
def public(confidential: Build):
    return filter_case(confidential.graphs[0], "public", Pseudonymiser(KEY))


@pytest.fixture(scope="module")
def partner(confidential: Build):
    return filter_case(confidential.graphs[0], "partner", Pseudonymiser(KEY))


def test_withheld_agents_become_pseudonyms_that_keep_the_structure(public) -> None:
    triples = set(public.triples)
    victim = public.pseudonyms[node("agent/ingrid-halvorsen")]
    assert (node("event/detention"), CG.victim, victim) in triples
    assert (node("event/detention"), CG.victim, node("agent/co-victim")) in triples
    assert (node("claim/uncat-1"), CG.claimant, victim) in triples
    assert (node("remedy/compensation"), CG.beneficiary, victim) in triples
    assert (victim, RDF.type, FOAF.Person) in triples and (victim, CG.inCase, node("")) in triples
    # The pseudonym keeps its type and place in the case, and nothing of what the person carries.
    assert {p for s, p, o in triples if s == victim} == {RDF.type, CG.inCase, RDFS.label}
    assert not any(s == node("participation/ingrid-halvorsen-victim") for s, p, o in triples)


def test_withheld_facts_go_with_everything_only_they_carry(public, partner) -> None:
    subjects = {s for s, p, o in public.triples}
    for local in ("event/diagnosis", "event/assault", "event/hospital-stay/version/duration-1", "place/hospital",
                  "document/medical-report", "finding/decision/uncat-14", "money/settlement/approximately",
                  "remedy/secret-relocation", "event/relocation-funding", "source/interview"):
        assert node(local) not in subjects, local
    assert not any(o == node("finding/decision/uncat-14") for s, p, o in public.triples)
    # A withheld version takes its statement with it; the visible version's statement stays.
    assert (node(""), CG.unDocumentSymbol, Literal("INT-REG-4471-QX")) not in set(partner.triples)
    assert (node(""), CG.unDocumentSymbol, Literal("CAT/C/99/D/9999/2020")) in set(partner.triples)
    # Partners see partner facts, not internal ones.
    partner_subjects = {s for s, p, o in partner.triples}
    assert node("event/diagnosis") in partner_subjects and node("agent/ingrid-halvorsen") in partner_subjects
    assert node("agent/informant") not in partner_subjects and node("place/safe-house") not in partner_subjects


def test_an_article_only_withheld_findings_state_does_not_show_through_the_shortcuts(
        confidential: Build, public, partner) -> None:
    # The fixture's UNCAT-14 violation is a partner-only finding; UNCAT-1's is public.
    def violated(triples) -> set:
        return {o for s, p, o in triples if s == node("") and p == CG.violatedArticle}

    both = {URIRef(article_iri("UNCAT-1")), URIRef(article_iri("UNCAT-14"))}
    assert violated(confidential.graphs[0].triples) == both
    assert violated(partner.triples) == both
    assert violated(public.triples) == {URIRef(article_iri("UNCAT-1"))}
    # Nor does the article only that finding is about (the claims name UNCAT-1 alone).
    def concerned(triples) -> set:
        return {o for s, p, o in triples if s == node("") and p == CG.concernsArticle}

    assert concerned(confidential.graphs[0].triples) == concerned(partner.triples) == both
    assert concerned(public.triples) == {URIRef(article_iri("UNCAT-1"))}


def test_names_in_texts_are_replaced_and_a_shared_family_name_is_attributed_to_nobody(public) -> None:
    texts = {str(o) for s, p, o in public.triples if isinstance(o, Literal)}
    victim_label = next(str(o) for s, p, o in public.triples
                        if s == public.pseudonyms[node("agent/ingrid-halvorsen")] and p == RDFS.label)
    summary = next(str(o) for s, p, o in public.triples if s == node("") and p == DCTERMS.abstract)
    assert summary.startswith(f"[{victim_label}] was detained")
    # "Halvorsen" alone names the victim or her brother: replaced without saying which.
    assert "[withheld person] complained" in summary
    assert "Saule Abenova" in summary and not any("Halvorsen" in t for t in texts)


def test_internal_audience_sees_the_case_unchanged(confidential: Build) -> None:
    internal = filter_case(confidential.graphs[0], "internal", Pseudonymiser(KEY))
    assert set(internal.triples) == set(confidential.graphs[0].triples) and not internal.pseudonyms


def test_pseudonyms_are_stable_keyed_and_contain_nothing_of_the_name(confidential: Build) -> None:
    person = node("agent/ingrid-halvorsen")
    one, again = Pseudonymiser(KEY), Pseudonymiser(KEY)
    other = Pseudonymiser(b"another key of thirty-two bytes!")
    assert one.node(person, node("")) == again.node(person, node(""))
    assert one.node(person, node("")) != other.node(person, node(""))
    pseudonym = str(one.node(person, node(""))).rsplit("/", 1)[-1] + " " + one.label(person, "person")
    for word in ("ingrid", "halvorsen", "inga", "berg", "88231"):
        assert word not in pseudonym.lower()
    # Not a plain hash of the name or of the IRI, which anyone could recompute from a guess.
    digits = re.search(r"withheld-([0-9a-f]+)", pseudonym).group(1)
    for guess in ("Ingrid Halvorsen", "ingrid-halvorsen", str(person)):
        for algorithm in ("md5", "sha1", "sha256"):
            assert digits not in hashlib.new(algorithm, guess.encode()).hexdigest()


def test_the_pseudonym_key_is_made_once_private_and_can_be_given(tmp_path: Path) -> None:
    work = tmp_path / ".casegraph"
    key = load_pseudonym_key(work)
    assert len(key) == 32 and load_pseudonym_key(work) == key
    assert stat.S_IMODE((work / "pseudonym-key").stat().st_mode) == 0o600
    assert load_pseudonym_key(work, override="x" * 16) == b"x" * 16
    with pytest.raises(UsageError, match="shorter than 16"):
        load_pseudonym_key(work, override="short")


def test_ids_and_links_that_name_a_withheld_person_are_rewritten(tmp_path: Path, vocabulary: Vocabulary) -> None:
    text = (FIXTURES / "confidential" / f"{CASE}.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: fixture\n    title: casegraph test fixture (public decision)\n",
                        "  - id: fixture\n    title: casegraph test fixture (public decision)\n"
                        "    address: https://example.org/news/ingrid-halvorsen-wins\n")
    text += "related_cases:\n  - title: Another case\n    relation: same applicant\n    case: halvorsen-v-testland\n"
    (tmp_path / "halvorsen-v-kazakhstan.yaml").write_text(text, encoding="utf-8")
    build = build_cases([tmp_path], vocabulary)
    public = filter_case(build.graphs[0], "public", Pseudonymiser(KEY))
    assert re.fullmatch(r"withheld-[0-9a-f]{16}", public.exported_id) and str(public.iri).endswith(public.exported_id)
    serialised = " ".join(str(term) for triple in public.triples for term in triple).lower()
    assert "halvorsen" not in serialised and "ingrid" not in serialised
    # The source whose address names her is withheld (an address cannot be redacted).
    assert not any(isinstance(o, Literal) and "example.org/news" in o for s, p, o in public.triples)


def test_a_case_above_the_audience_is_withheld_whole(vocabulary: Vocabulary, tmp_path: Path) -> None:
    text = (FIXTURES / "valid" / "minimal-v-testland.yaml").read_text(encoding="utf-8") + "confidentiality: partner\n"
    (tmp_path / "minimal-v-testland.yaml").write_text(text, encoding="utf-8")
    case = build_cases([tmp_path], vocabulary).graphs[0]
    assert not filter_case(case, "public", Pseudonymiser(KEY)).visible
    assert filter_case(case, "partner", Pseudonymiser(KEY)).visible


def test_the_derived_time_to_decision_goes_with_a_withheld_decision(vocabulary: Vocabulary, tmp_path: Path) -> None:
    # In the fixture the communication (2020-06-01) and the decision (2022-11-18) are public:
    # every audience sees the 900 days between them.
    span = node("time-to-decision")
    public = filter_case(build_cases([FIXTURES / "confidential"], vocabulary).graphs[0], "public", Pseudonymiser(KEY))
    assert (span, CG.days, Literal(900)) in set(public.triples)
    # Marked internal, the decision takes the days with it: they would tell its date.
    text = (FIXTURES / "confidential" / f"{CASE}.yaml").read_text(encoding="utf-8")
    marked = text.replace("    date: 2022-11-18\n", "    date: 2022-11-18\n    confidentiality: internal\n")
    assert marked != text
    (tmp_path / f"{CASE}.yaml").write_text(marked, encoding="utf-8")
    case = build_cases([tmp_path], vocabulary).graphs[0]
    assert effective_levels(case)[span] == "internal"
    for audience in ("public", "partner"):
        triples = filter_case(case, audience, Pseudonymiser(KEY)).triples
        assert not any(span in (s, o) for s, p, o in triples), audience
    assert (span, CG.days, Literal(900)) in set(filter_case(case, "internal", Pseudonymiser(KEY)).triples)


def test_unknown_audience_is_a_usage_error(confidential: Build) -> None:
    with pytest.raises(UsageError, match="unknown audience 'press'"):
        filter_case(confidential.graphs[0], "press", Pseudonymiser(KEY))


# --------------------------------------------------------------------------- the audience check

def test_filtered_cases_pass_the_audience_check(public, partner) -> None:
    assert check_export([public], AUDIENCE_SHAPES, audience="public").conforms
    assert check_export([partner], AUDIENCE_SHAPES, audience="partner").conforms


@pytest.mark.parametrize("audience", ["public", "partner"])
def test_the_check_fails_when_handed_the_unfiltered_case(confidential: Build, audience: str) -> None:
    case = confidential.graphs[0]
    filtered = filter_case(case, audience, Pseudonymiser(KEY))
    unfiltered = dataclasses.replace(filtered, triples=list(case.triples), iri=case.iri)
    report = check_export([unfiltered], AUDIENCE_SHAPES, audience=audience)
    messages = [f.message for f in report.findings]
    # Each shape finds what it is for: a mark above the audience, a withheld node, a withheld name.
    assert any(m.startswith("Marked https://w3id.org/casegraph/vocab/confidentiality/internal") for m in messages)
    assert any("is withheld from this audience" in m and "agent/informant" in m for m in messages)
    assert any("holds 'marat seitkali'" in m for m in messages)
    if audience == "public":
        assert any("holds 'ingrid halvorsen'" in m for m in messages)
        assert any("holds 'Protected detail Quasar-17 of the assault in the cell.'" in m for m in messages)
    with pytest.raises(AudienceCheckError, match="nothing was written"):
        ensure_audience([unfiltered], AUDIENCE_SHAPES, audience=audience)


def test_the_check_finds_a_name_left_in_a_text(public) -> None:
    leaked = public.triples + [(node("event/detention"), CG.reasoning, Literal("As INGRID said."))]
    report = check_export([dataclasses.replace(public, triples=leaked)], AUDIENCE_SHAPES, audience="public")
    assert [f.case_id for f in report.findings] == [CASE]
    assert "holds 'ingrid'" in report.findings[0].message and "As INGRID said." in report.findings[0].message


def test_the_check_finds_a_withheld_mark_and_node(public) -> None:
    leaked = public.triples + [(node("event/detention"), CG.confidentiality, level_iri("partner")),
                               (node("event/detention"), CG.place, node("place/safe-house"))]
    report = check_export([dataclasses.replace(public, triples=leaked)], AUDIENCE_SHAPES, audience="public")
    assert len(report.findings) == 2


def test_audience_shapes_use_only_real_shacl_terms() -> None:
    from rdflib import Graph

    for path in sorted(AUDIENCE_SHAPES.glob("*.ttl")):
        graph = Graph().parse(path)
        used = {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(SH))}
        for term in used:
            assert hasattr(SH, str(term)[len(str(SH)):]), f"{path.name}: {term} is not a SHACL term"
        for shape in graph.subjects(RDF.type, SH.NodeShape):
            assert graph.value(shape, SH.name) is not None, f"{path.name}: {shape} has no sh:name"
            constraint = graph.value(shape, SH.sparql)
            assert graph.value(constraint, SH.message) is not None and graph.value(constraint, SH.select) is not None
