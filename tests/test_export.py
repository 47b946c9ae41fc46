"""Exports in every format, checked by tools casegraph did not write, and leak-free for each audience.

Graphs are compared with literal values normalised (tools write 12.50 as 12.5 and +00:00 as Z;
see shared/notes/sparql-servers-and-rdf-tools.md): pyoxigraph parses Turtle, N-Triples, TriG
and N-Quads; pyld expands JSON-LD with a document loader that refuses every remote context.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD

from casegraph.build import Build, build_cases
from casegraph.cli import main
from casegraph.dataset_metadata import DCAT, VOID, dataset_iri, metadata_graph_iri
from casegraph.export import (EXPORT_FORMATS, CheckedExport, check_for_audience, export_graph,
                              serialise_export)
from casegraph.jsonld import load_context
from casegraph.paths import Project
from casegraph.vocabulary import Vocabulary

from .conftest import FIXTURES, ROOT

KEY = b"a fixed test key, 32 bytes long!"
AUDIENCES = ("public", "partner", "internal")
RDF_FORMATS = ("turtle", "nt", "jsonld", "trig", "nquads")
TABLES = ("cases", "findings", "events", "remedies")
FICTIONAL = "fictional-v-kazakhstan"

# What each audience must never see of the fictional case, read off its file: names, aliases,
# ids and identifiers of protected people and organisations, and texts of protected facts.
PARTNER_LEVEL = ["Ingrid Halvorsen", "Halvorsen", "Inga Halvorsen-Berg", "Ингрид Хальворсен", "Хальворсен",
                 "ingrid-halvorsen", "ih-88231", "Tomás Halvorsen", "Tomaz Halvorsen", "Quasar-17", "Morvane",
                 "Corvid", "Nebulon-5", "Vantablack-3", "Zorbian", "Orpheon-22", "Saint Quillon"]
INTERNAL_LEVEL = ["Marat Seitkali", "Seitkali", "Willowmere", "WSC-Refuge", "12 Birch Lane", "INT-REG-4471-QX",
                  "Zephyr", "Kestrel", "informant"]
FORBIDDEN = {"public": PARTNER_LEVEL + INTERNAL_LEVEL, "partner": INTERNAL_LEVEL, "internal": []}


# --------------------------------------------------------------------------- exports, made once

@pytest.fixture(scope="module")
def confidential(vocabulary: Vocabulary) -> Build:
    return build_cases([FIXTURES / "confidential"], vocabulary)


@pytest.fixture(scope="module")
def builds(confidential: Build, data_build: Build) -> dict[str, Build]:
    return {"fixture": confidential, "data": data_build}


@pytest.fixture(scope="module")
def checked(builds: dict[str, Build], project: Project) -> dict[tuple[str, str], CheckedExport]:
    return {(name, audience): check_for_audience(build, project=project, audience=audience, pseudonym_key=KEY)
            for name, build in builds.items() for audience in AUDIENCES}


@pytest.fixture(scope="module")
def exports(checked: dict, builds: dict[str, Build], project: Project) -> dict[tuple[str, str, str], bytes]:
    context = load_context(project.ontology / "context.jsonld")
    out = {}
    for (name, audience), export in checked.items():
        for fmt in EXPORT_FORMATS:
            for table in (TABLES if fmt == "csv" else ("cases",)):
                key = f"csv-{table}" if fmt == "csv" else fmt
                out[name, audience, key] = serialise_export(export, fmt, context=context, table=table,
                                                            vocabulary=builds[name].vocabulary.graph)
    return out


def expected_graph(export: CheckedExport) -> Graph:
    graph = Graph()
    for _, triples in export.graphs():
        for triple in triples:
            graph.add(triple)
    return graph


# --------------------------------------------------------------------------- graph comparison

def _canonical(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).isoformat()
    return str(value)


def normalise(graph: Graph) -> Graph:
    """Literal values in one canonical form, so graphs from different tools compare by meaning."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal):
            if o.language:
                o = Literal(str(o), lang=o.language.lower())
            elif o.datatype is not None and o.datatype != XSD.string and o.value is not None:
                o = Literal(_canonical(o.value), datatype=o.datatype, normalize=False)
            elif o.datatype == XSD.string:
                o = Literal(str(o))
        out.add((s, p, o))
    return out


def same_graph(a: Graph, b: Graph) -> bool:
    a, b = normalise(a), normalise(b)
    if not any(isinstance(term, BNode) for graph in (a, b) for triple in graph for term in triple):
        return set(a) == set(b)  # without blank nodes, isomorphism is equality (and much faster)
    return isomorphic(a, b)


def _term(term):
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def oxigraph_quads(data: bytes, fmt: pyoxigraph.RdfFormat) -> list[tuple]:
    """Parsed by pyoxigraph (Rust), not by anything casegraph uses to write."""
    return [(_term(q.subject), _term(q.predicate), _term(q.object),
             None if isinstance(q.graph_name, pyoxigraph.DefaultGraph) else _term(q.graph_name))
            for q in pyoxigraph.parse(data, format=fmt)]


def as_graph(quads) -> Graph:
    graph = Graph()
    for s, p, o, *_ in quads:
        graph.add((s, p, o))
    return graph


def refuse_remote(url: str, options: dict | None = None):
    raise jsonld.JsonLdError(f"remote documents are refused in tests: {url}", "jsonld.LoadDocumentError",
                             code="loading document failed")


def pyld_graph(data: bytes) -> Graph:
    document = json.loads(data)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse_remote})
    return as_graph(oxigraph_quads(nquads.encode("utf-8"), pyoxigraph.RdfFormat.N_QUADS))


# --------------------------------------------------------------------------- independent parsers

@pytest.mark.parametrize("name", ["fixture", "data"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_turtle_and_ntriples_parse_in_pyoxigraph_to_the_exported_graph(exports, checked, name, audience) -> None:
    expected = expected_graph(checked[name, audience])
    turtle = as_graph(oxigraph_quads(exports[name, audience, "turtle"], pyoxigraph.RdfFormat.TURTLE))
    ntriples = as_graph(oxigraph_quads(exports[name, audience, "nt"], pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(turtle) == len(expected) > 100
    assert same_graph(turtle, expected) and same_graph(ntriples, expected)


@pytest.mark.parametrize("name", ["fixture", "data"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_jsonld_expanded_offline_by_pyld_is_the_turtle_graph(exports, name, audience) -> None:
    turtle = as_graph(oxigraph_quads(exports[name, audience, "turtle"], pyoxigraph.RdfFormat.TURTLE))
    assert same_graph(pyld_graph(exports[name, audience, "jsonld"]), turtle)


def test_the_loader_really_refuses_remote_contexts() -> None:
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "https://w3id.org/casegraph/context.jsonld", "title": "x"},
                      {"documentLoader": refuse_remote})


@pytest.mark.parametrize("name", ["fixture", "data"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_trig_and_nquads_hold_every_turtle_triple_in_a_graph_per_case(exports, checked, name, audience) -> None:
    export = checked[name, audience]
    turtle = as_graph(oxigraph_quads(exports[name, audience, "turtle"], pyoxigraph.RdfFormat.TURTLE))
    trig = oxigraph_quads(exports[name, audience, "trig"], pyoxigraph.RdfFormat.TRIG)
    nquads = oxigraph_quads(exports[name, audience, "nquads"], pyoxigraph.RdfFormat.N_QUADS)
    assert sorted(map(str, trig)) == sorted(map(str, nquads))
    metadata = metadata_graph_iri(export.base, audience)
    assert {q[3] for q in trig} == {c.iri for c in export.visible} | {metadata}
    assert None not in {q[3] for q in trig}
    data = as_graph(q for q in trig if q[3] != metadata)
    assert same_graph(data, turtle)
    for case in export.visible:
        in_graph = as_graph(q for q in trig if q[3] == case.iri)
        assert all(o == case.iri for s, p, o in in_graph.triples((None, URIRef(
            "https://w3id.org/casegraph/ontology#inCase"), None)))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_dataset_metadata_describes_the_export(exports, checked, audience) -> None:
    export = checked["data", audience]
    trig = oxigraph_quads(exports["data", audience, "trig"], pyoxigraph.RdfFormat.TRIG)
    metadata = as_graph(q for q in trig if q[3] == metadata_graph_iri(export.base, audience))
    dataset = dataset_iri(export.base, audience)
    turtle = as_graph(oxigraph_quads(exports["data", audience, "turtle"], pyoxigraph.RdfFormat.TURTLE))
    assert {DCAT.Dataset, VOID.Dataset} <= set(metadata.objects(dataset, RDF.type))
    assert str(metadata.value(dataset, DCTERMS.title)) == f"casegraph cases, {audience} export"
    assert metadata.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(metadata.value(dataset, DCAT.version)) == "0.1.0"
    assert metadata.value(dataset, DCTERMS.audience) == URIRef(
        f"https://w3id.org/casegraph/vocab/confidentiality/{audience}")
    assert int(metadata.value(dataset, VOID.triples)) == len(turtle)
    assert set(metadata.objects(dataset, DCTERMS.hasPart)) == {c.iri for c in export.visible}
    assert metadata.value(dataset, DCTERMS.created) is None, "no timestamp unless asked for"


def test_a_creation_time_only_when_asked(confidential: Build, project: Project) -> None:
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    data = export_graph(confidential, "nquads", project=project, audience="partner", pseudonym_key=KEY,
                        created=created)
    assert b'<http://purl.org/dc/terms/created> "2026-01-02T03:04:05Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>' \
        in data


# --------------------------------------------------------------------------- read back, stable bytes

RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nquads": "nquads"}


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_an_export_read_back_into_casegraph_gives_the_original_graph(exports, builds, checked, fmt) -> None:
    for name in ("fixture", "data"):
        graph = Dataset(default_union=True) if fmt in ("trig", "nquads") else Graph()
        with warnings.catch_warnings():
            # rdflib 7.6's own JSON-LD and quad parsers use its deprecated ConjunctiveGraph API.
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=exports[name, "internal", fmt], format=RDFLIB_FORMATS[fmt])
        read = Graph()
        metadata = metadata_graph_iri(builds[name].base, "internal")
        for s, p, o, g in (graph.quads((None, None, None, None)) if isinstance(graph, Dataset)
                           else ((s, p, o, None) for s, p, o in graph)):
            if g is None or getattr(g, "identifier", g) != metadata:
                read.add((s, p, o))
        assert same_graph(read, builds[name].data_graph()), f"{name} {fmt}"
        public = Graph().parse(data=exports[name, "public", "turtle"], format="turtle")
        assert same_graph(public, expected_graph(checked[name, "public"]))


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig", "nquads", "csv"])
def test_the_same_data_gives_the_same_bytes(confidential: Build, project: Project, exports, fmt) -> None:
    again = export_graph(confidential, fmt, project=project, audience="public", pseudonym_key=KEY)
    assert again == exports["fixture", "public", "csv-cases" if fmt == "csv" else fmt]


def test_the_command_gives_the_same_bytes_twice_and_per_case(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CASEGRAPH_PSEUDONYM_KEY", "a fixed key for this test")
    runner = CliRunner()
    for fmt in RDF_FORMATS + ("csv",):
        args = ["export", str(FIXTURES / "confidential"), "--root", str(ROOT), "--format", fmt]
        first, second = runner.invoke(main, args), runner.invoke(main, args)
        assert first.exit_code == 0, first.output
        assert first.stdout_bytes == second.stdout_bytes
        if fmt in ("jsonld", "trig"):
            one = runner.invoke(main, args + ["--case", FICTIONAL, "--audience", "partner"])
            assert one.exit_code == 0 and one.stdout_bytes


# --------------------------------------------------------------------------- formats for people

def test_jsonld_reads_as_plain_json_framed_around_the_case(data_build: Build, project: Project) -> None:
    data = export_graph(data_build, "jsonld", project=project, audience="internal", cases=["gerasimov-v-kazakhstan"],
                        pseudonym_key=KEY)
    document = json.loads(data)
    assert document["id"] == "case/gerasimov-v-kazakhstan" and document["type"] == "Case"
    assert document["title"] == "Gerasimov v. Kazakhstan"
    # Worked out from data/gerasimov-v-kazakhstan.yaml: six findings, all violations.
    assert sorted(f["article"] for f in document["findings"]) == sorted(
        f"cgv:uncat/{a}" for a in ("1", "2-1", "12", "13", "14", "22"))
    assert {f["outcome"] for f in document["findings"]} == {"cgv:outcome/violation"}
    assert {e["id"].rsplit("/", 1)[-1] for e in document["events"]} >= {"beating", "dry-submarino", "detention"}
    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert document["@context"] == {**context, "@base": data_build.base}

    def keys(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key != "@context":
                    yield key
                    yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    unreadable = {k for k in keys(document) if k not in context and k not in ("@value", "@type", "@language")}
    assert not unreadable, f"keys with no term in ontology/context.jsonld: {unreadable}"


def test_every_context_term_names_a_term_of_the_ontology(vocabulary: Vocabulary) -> None:
    context = load_context(ROOT / "ontology" / "context.jsonld")
    defined = {str(s) for s in vocabulary.graph.subjects()}
    cg = context["cg"]
    for key, value in context.items():
        iri = value if isinstance(value, str) else value.get("@id") or value.get("@reverse") if isinstance(
            value, dict) else None
        if isinstance(iri, str) and iri.startswith("cg:"):
            assert cg + iri[3:] in defined, f"{key}: {iri} is not defined in ontology/"


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode("utf-8"))
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_tables_for_spreadsheets(exports, data_build: Build) -> None:
    findings = [r for r in read_csv(exports["data", "internal", "csv-findings"]) if r["case"] == "gerasimov-v-kazakhstan"]
    assert sorted((r["article"], r["outcome"], r["decision_date"]) for r in findings) == sorted(
        (a, "violation", "2012-05-24") for a in ("UNCAT-1", "UNCAT-2-1", "UNCAT-12", "UNCAT-13", "UNCAT-14", "UNCAT-22"))
    cases = read_csv(exports["data", "internal", "csv-cases"])
    assert len(cases) == len(data_build.graphs)
    gerasimov = next(r for r in cases if r["case"] == "gerasimov-v-kazakhstan")
    assert gerasimov["forum"] == "cat" and gerasimov["respondent_states"] == "KZ" and gerasimov["status"] == "decided"
    events = read_csv(exports["fixture", "public", "csv-events"])
    detention = next(r for r in events if r["event"] == "detention")
    assert detention["victims"].startswith("Nurlan Openov; withheld person ")
    remedies = read_csv(exports["fixture", "internal", "csv-remedies"])
    assert {r["remedy"] for r in remedies} == {"compensation", "secret-relocation"}


def test_a_csv_cell_is_never_run_as_a_formula() -> None:
    from casegraph.csvexport import _safe

    assert _safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and _safe("2012-05-24") == "2012-05-24"


# --------------------------------------------------------------------------- leaks

def _forms(text: str) -> list[str]:
    """The text, and the escaped forms a serialiser could hide it in (JSON, N-Triples)."""
    ascii_json = json.dumps(text)[1:-1]
    ntriples = "".join(c if ord(c) < 128 else f"\\u{ord(c):04X}" for c in text)
    return list({text, ascii_json, ntriples, ntriples.lower()})


def _text_of(data: bytes) -> str:
    # Turtle may escape characters of local names (cgv:confidentiality\/public); undo that.
    text = data.decode("utf-8")
    return text.replace("\\/", "/").replace("\\-", "-").replace("\\.", ".").replace("\\_", "_").lower()


@pytest.mark.parametrize("audience", ["public", "partner"])
@pytest.mark.parametrize("key", [*RDF_FORMATS, *(f"csv-{t}" for t in TABLES)])
def test_no_export_holds_anything_above_its_audience(exports, audience, key) -> None:
    data = exports["fixture", audience, key]
    text = _text_of(data)
    for secret in FORBIDDEN[audience]:
        for form in _forms(secret):
            assert form.lower() not in text, f"{audience} {key} holds {secret!r}"
            assert form.encode("utf-8") not in data


@pytest.mark.parametrize("audience", ["public", "partner"])
@pytest.mark.parametrize("fmt", [*RDF_FORMATS, "csv"])
def test_no_per_case_export_holds_anything_above_its_audience(confidential, project, audience, fmt) -> None:
    for table in TABLES if fmt == "csv" else ("cases",):
        text = _text_of(export_graph(confidential, fmt, project=project, audience=audience, cases=[FICTIONAL],
                                     table=table, pseudonym_key=KEY))
        assert not [s for s in FORBIDDEN[audience] if s.lower() in text]


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_the_internal_export_holds_all_of_it(exports, fmt) -> None:
    text = _text_of(exports["fixture", "internal", fmt])
    missing = [s for s in PARTNER_LEVEL + INTERNAL_LEVEL if not any(f.lower() in text for f in _forms(s))]
    assert not missing


def test_the_partner_export_holds_what_partners_may_see(exports) -> None:
    for fmt in RDF_FORMATS:
        text = _text_of(exports["fixture", "partner", fmt])
        assert not [s for s in PARTNER_LEVEL if not any(f.lower() in text for f in _forms(s))], fmt


# --------------------------------------------------------------------------- the command

def test_a_failed_check_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    import casegraph.export as export_module

    real = export_module.filter_case

    def leaky(case, audience, pseudonymiser):  # a filter that forgets to filter
        filtered = real(case, audience, pseudonymiser)
        filtered.triples = list(case.triples)
        filtered.iri = case.iri
        return filtered

    monkeypatch.setattr(export_module, "filter_case", leaky)
    monkeypatch.setenv("CASEGRAPH_PSEUDONYM_KEY", "a fixed key for this test")
    out = tmp_path / "export.ttl"
    result = CliRunner().invoke(main, ["export", str(FIXTURES / "confidential"), "--root", str(ROOT),
                                       "--audience", "partner", "-o", str(out)])
    assert result.exit_code == 1
    assert "failed its audience check" in result.output and "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.iterdir())


def test_usage_errors(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CASEGRAPH_PSEUDONYM_KEY", "a fixed key for this test")
    base = ["export", str(FIXTURES / "confidential"), "--root", str(ROOT)]
    unknown = CliRunner().invoke(main, base + ["--case", "no-such-case"])
    assert unknown.exit_code == 2 and "no case 'no-such-case'" in unknown.output
    (tmp_path / "minimal-v-testland.yaml").write_text(
        (FIXTURES / "valid" / "minimal-v-testland.yaml").read_text(encoding="utf-8") + "confidentiality: internal\n",
        encoding="utf-8")
    hidden = CliRunner().invoke(main, ["export", str(tmp_path), "--root", str(ROOT), "--case", "minimal-v-testland"])
    assert hidden.exit_code == 2 and "above the public audience" in hidden.output
    assert CliRunner().invoke(main, base + ["--audience", "press"]).exit_code == 2


def test_help_lists_formats_audiences_and_tables() -> None:
    text = CliRunner().invoke(main, ["export", "--help"]).output
    for word in ("turtle", "nt", "jsonld", "trig", "nquads", "csv", "public", "partner", "internal", "--table",
                 "findings", "events", "remedies", "--case", "--timestamp"):
        assert word in text


def test_the_timestamp_comes_from_source_date_epoch(monkeypatch) -> None:
    monkeypatch.setenv("CASEGRAPH_PSEUDONYM_KEY", "a fixed key for this test")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = CliRunner().invoke(main, ["export", str(FIXTURES / "confidential"), "--root", str(ROOT),
                                       "--format", "trig", "--timestamp"])
    assert result.exit_code == 0 and '"2026-01-01T00:00:00Z"^^xsd:dateTime' in result.stdout
