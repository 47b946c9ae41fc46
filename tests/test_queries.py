"""Stored questions: their headers, parameter binding (hostile values included), and the
'queries' and 'query' commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, URIRef

from casegraph.build import Build, build_cases
from casegraph.cli import main
from casegraph.errors import QueryError
from casegraph.queries import bind_parameters, inject_values, list_queries, load_query
from casegraph.store import EmbeddedStore, RdflibStore
from casegraph.vocabulary import Vocabulary

from .conftest import GERASIMOV, QUERY_FIXTURES, ROOT

#: Values that would change the query if they were pasted into its text.
HOSTILE = [
    'a"b', "it's", '"', "'", '"""', "'''", 'x"""} UNION {', "} UNION { ?s ?p ?o } #", "# comment", ">", "<http://x>",
    "line\nbreak", "cr\r\nlf", "tab\there", "\\", "end\\", "\u2028", "é中文", "${x}", "?s", ")", "} } }", "{",
    'x" . ?s ?p ?o . FILTER("a', "'; DROP ALL; '", "\\u0022 } UNION { ?s ?p ?o } #", "\\U00000022x", "\x00nul",
    "x" * 100_000,
]


@pytest.fixture(scope="module")
def fixture_build(vocabulary: Vocabulary) -> Build:
    return build_cases([QUERY_FIXTURES, GERASIMOV], vocabulary)


@pytest.fixture(scope="module")
def fixture_store(fixture_build: Build) -> EmbeddedStore:
    return EmbeddedStore(quads=fixture_build.quads())


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


ECHO = """#+ title: Echo
#+ params:
#+   text: {type: string, required: true, example: hello, description: any text}
SELECT ?text WHERE { }
"""


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------

def test_every_stored_question_parses() -> None:
    questions = list_queries(ROOT / "queries")
    assert {q.name for q in questions} >= {"case-findings", "time-to-decision", "sources-of"}
    for question in questions:
        assert question.title and question.columns, question.name


def test_header_fields(tmp_path: Path) -> None:
    query = load_query(write(tmp_path / "q.rq", """#+ title: T
#+ description: >-
#+   Two
#+   lines.
#+ params:
#+   case: {type: case, required: true, example: x, description: d}
#+   from: {type: date, example: '2010'}
#+ columns: [a, b]
#+ notes: n
SELECT ?a ?b WHERE { ?case ?a ?b FILTER(?b > ?from) }
"""))
    assert (query.name, query.title, query.description, query.columns, query.notes) == ("q", "T", "Two lines.",
                                                                                       ["a", "b"], "n")
    assert [(p.name, p.type, p.required, p.example) for p in query.parameters] == [
        ("case", "case", True, "x"), ("from", "date", False, "2010")]


@pytest.mark.parametrize("header, message", [
    ("#+ title: [unclosed", "not valid YAML"),
    ("#+ - a\n#+ - b", "must be a mapping"),
    ("#+ title: T\n#+ colums: [a]", "unknown header key(s): colums"),
    ("#+ description: no title", "no title"),
    ("#+ title: T\n#+ params: [case]", "params must be a mapping"),
    ("#+ title: T\n#+ params:\n#+   case: case", "parameter 'case' must be a mapping"),
    ("#+ title: T\n#+ params:\n#+   case: {type: casee}", "type must be one of"),
    ("#+ title: T\n#+ params:\n#+   case: {type: case, requird: true}", "unknown key(s) requird"),
    ("#+ title: T\n#+ params:\n#+   case: {type: case, required: 'yes please'}", "required must be true or false"),
    ("#+ title: T\n#+ params:\n#+   kind: {type: concept}", "needs 'scheme'"),
    ("#+ title: T\n#+ params:\n#+   other: {type: string}", "binds ?other, which the query does not use"),
    ("#+ title: T\n#+ params:\n#+   'a b': {type: string}", "a name is letters, digits"),
    ("#+ title: T\n#+ columns: [a, on]", "YAML reads on, off, yes and no as true or false"),
    ("#+ title: T\n#+ columns: a", "columns must be a list"),
    ("#+ title: T\n#+ variants: {text: v.rq}", "variants must be a list"),
    ("#+ title: T\n#+ variants: [v.rq]", "variants[0] must be a mapping"),
    ("#+ title: T\n#+ variants: [{text: v.rq, when: [case]}]", "variants[0] must be a mapping"),
    ("#+ title: T\n#+ params:\n#+   case: {type: case}\n#+ variants: [{text: v.rq, given: [cas]}]",
     "variants[0].given must list parameters of the question (case)"),
    ("#+ title: T\n#+ params:\n#+   case: {type: case}\n#+ variants: [{text: v.rq}]", "names no parameter given or absent"),
    ("#+ title: T\n#+ params:\n#+   case: {type: case, required: true}\n#+ variants: [{text: v.rq, absent: [case]}]",
     "absent names a required parameter"),
    ("#+ title: T\n#+ params:\n#+   case: {type: case}\n#+ variants: [{text: missing.rq, absent: [case]}]",
     "variants[0]: cannot read missing.rq"),
])
def test_a_bad_header_is_a_located_error(tmp_path: Path, header: str, message: str) -> None:
    path = write(tmp_path / "bad.rq", "# a plain comment\n" + header + "\nSELECT ?a ?case WHERE { ?a ?b ?case }\n")
    with pytest.raises(QueryError) as caught:
        load_query(path)
    assert message in str(caught.value)
    assert f"bad.rq:{2 if 'unclosed' not in header else 2}" in str(caught.value)


def test_a_variant_runs_when_its_parameters_are_given_or_absent(tmp_path: Path) -> None:
    write(tmp_path / "any.rq", "SELECT ?a WHERE { ?a ?b ?state }  # any case\n")
    write(tmp_path / "one.rq", "SELECT ?a WHERE { ?case ?a ?state }  # one case\n")
    query = load_query(write(tmp_path / "q.rq", """#+ title: T
#+ params:
#+   case: {type: case}
#+   state: {type: state}
#+ variants:
#+   - {text: one.rq, given: [case]}
#+   - {text: any.rq, absent: [case]}
SELECT ?a WHERE { ?case ?a ?state }  # the question's own
"""))
    def chosen(**values: str) -> str:
        return bind_parameters(query, values, base="http://x/", states={}).split("#")[-1].strip()
    assert (chosen(case="c"), chosen(), chosen(state="KZ"), chosen(case="c", state="KZ")) == (
        "one case", "any case", "any case", "one case")
    assert query.text_for(frozenset({"case"})) == (tmp_path / "one.rq").read_text()


def test_a_variant_must_use_every_parameter_it_may_be_given(tmp_path: Path) -> None:
    write(tmp_path / "v.rq", "SELECT ?a WHERE { ?a ?b ?c }\n")
    path = write(tmp_path / "q.rq", "#+ title: T\n#+ params:\n#+   case: {type: case}\n#+   state: {type: state}\n"
                 "#+ variants: [{text: v.rq, absent: [case]}]\nSELECT ?a WHERE { ?case ?a ?state }\n")
    with pytest.raises(QueryError, match=r"v\.rq: parameter 'state' binds \?state, which the query does not use"):
        load_query(path)


def test_a_file_without_header_is_still_a_query(tmp_path: Path) -> None:
    query = load_query(write(tmp_path / "plain.rq", "SELECT * WHERE { ?s ?p ?o } LIMIT 1\n"))
    assert (query.title, query.parameters) == ("plain", [])


# --------------------------------------------------------------------------------------------
# Binding
# --------------------------------------------------------------------------------------------

def bind(name: str, build: Build, vocabulary: Vocabulary, **values: str) -> str:
    return bind_parameters(load_query(ROOT / "queries" / f"{name}.rq"), values, base=build.base,
                           states=vocabulary.state_iris())


def test_parameters_become_rdf_terms(fixture_build: Build, vocabulary: Vocabulary) -> None:
    text = bind("violations-by-article", fixture_build, vocabulary, forum="ECtHR", state="tr", to="2019-06")
    assert ("VALUES (?forum ?state ?to) { (<https://w3id.org/casegraph/vocab/forum/ecthr> "
            "<http://www.wikidata.org/entity/Q43> "
            '"2019-06"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>) }') in text
    text = bind("cases-by-article", fixture_build, vocabulary, article="uncat-2-1")
    assert "<https://w3id.org/casegraph/vocab/uncat/2-1>" in text
    text = bind("cases-by-act", fixture_build, vocabulary, kind="Dry-Submarino")
    assert "<https://w3id.org/casegraph/vocab/event-kind/dry-submarino>" in text
    text = bind("case-findings", fixture_build, vocabulary, case="fixture-a-v-testland")
    assert "<https://w3id.org/casegraph/id/case/fixture-a-v-testland>" in text


@pytest.mark.parametrize("values, message", [
    ({"cas": "x"}, "unknown parameter 'cas'; this question takes: case"),
    ({}, "missing required parameter(s): --param case=gerasimov-v-kazakhstan"),
])
def test_unknown_and_missing_parameters(values: dict, message: str, fixture_build: Build,
                                        vocabulary: Vocabulary) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        bind("case-findings", fixture_build, vocabulary, **values)


@pytest.mark.parametrize("name, values, message", [
    ("violations-by-article", {"from": "12/03/2019"}, "is not a date"),
    ("violations-by-article", {"from": "2019-13"}, "is not a real date"),
    ("violations-by-article", {"to": "2019-02-30"}, "is not a real date"),
    ("violations-by-article", {"to": "2019-06-01T00:00:00"}, "is not a date"),
    ("cases-by-article", {"article": "3"}, "is not an article short form"),
    ("cases-by-article", {"article": "ECHR 3"}, "is not an article short form"),
])
def test_a_value_of_the_wrong_type_is_an_error(name: str, values: dict, message: str, fixture_build: Build,
                                               vocabulary: Vocabulary) -> None:
    with pytest.raises(QueryError, match=message):
        bind(name, fixture_build, vocabulary, **values)


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]))
def test_a_hostile_string_is_one_value(value: str, tmp_path: Path) -> None:
    query = load_query(write(tmp_path / "echo.rq", ECHO))
    text = bind_parameters(query, {"text": value}, base="https://example.org/", states={})
    assert text.count("VALUES") == 1
    result = EmbeddedStore().query(text)
    assert (result.columns, result.rows) == (["text"], [(Literal(value),)])
    if len(value) < 1000:  # rdflib's parser is slow on 100,000 characters
        result = RdflibStore(Dataset()).query(text)
        assert result.columns == ["text"] and len(result.rows) == 1
        if "\\u" not in value and "\\U" not in value:
            # rdflib decodes \u escapes before parsing, even after an escaped backslash, so such a
            # value comes back altered; but still as one value.
            assert result.rows == [(Literal(value),)]


@pytest.mark.parametrize("value", [v for v in HOSTILE if len(v) < 1000], ids=lambda v: repr(v[:20]))
def test_a_hostile_identifier_is_one_value(value: str, fixture_store: EmbeddedStore, fixture_build: Build,
                                           vocabulary: Vocabulary) -> None:
    """Case ids, State codes, forums and kinds become percent-encoded IRIs: never text of the query."""
    for name, key in (("case-findings", "case"), ("related-cases", "case"), ("violations-by-article", "state"),
                      ("violations-by-article", "forum"), ("cases-by-act", "kind")):
        text = bind(name, fixture_build, vocabulary, **{key: value})
        assert fixture_store.query(text).rows == [], (name, key)
        values = text.split("VALUES", 1)[1].split("\n", 1)[0]
        assert re.fullmatch(r" \(\?\w+\) \{ \(<[^\x00-\x20<>\"{}|^`\\]+>\) \}", values), values


@pytest.mark.parametrize("value", ["<x>", "x y", 'x"y', "x}y", "x\ny", "not an iri"])
def test_hostile_values_of_checked_types_are_refused(value: str, tmp_path: Path) -> None:
    query = load_query(write(tmp_path / "q.rq", """#+ title: T
#+ params:
#+   iri: {type: iri}
#+   n: {type: integer}
#+   day: {type: date}
#+   article: {type: article}
SELECT * WHERE { ?iri ?n ?day . ?article ?p ?o }
"""))
    for key in ("iri", "n", "day", "article"):
        with pytest.raises(QueryError, match=f"--param {key}: "):
            bind_parameters(query, {key: value}, base="https://example.org/", states={})


def test_values_are_joined_to_the_outermost_group_only() -> None:
    text = 'PREFIX x: <http://x/>\n# a { in a comment\nSELECT ?a WHERE { ?a x:p "{", \'{\' { SELECT ?b WHERE { ?b ?p ?o } } }'
    bound = inject_values(text, {"a": URIRef("http://a")})
    assert bound.index("VALUES (?a)") > bound.index("WHERE {") and bound.count("VALUES") == 1
    assert bound.index("VALUES (?a)") < bound.index('x:p "{"')
    with pytest.raises(QueryError, match="no WHERE"):
        inject_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"a": URIRef("http://a")})


# --------------------------------------------------------------------------------------------
# The commands
# --------------------------------------------------------------------------------------------

def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_queries_lists_name_title_and_parameters(query_project: Path) -> None:
    result = run("queries", "--root", str(query_project))
    assert result.exit_code == 0, result.output
    assert "violations-by-article" in result.output and "Cases with a violation, per article" in result.output
    assert "forum:forum?, state:state?, from:date?, to:date?" in result.output
    assert "case-findings" in result.output and "case:case" in result.output
    assert result.output.rstrip().endswith("questions; run one with: casegraph query NAME --param key=value")


def test_queries_reports_a_bad_header(query_project: Path) -> None:
    write(query_project / "queries" / "broken.rq", "#+ title: T\n#+ colour: red\nSELECT * WHERE { ?s ?p ?o }\n")
    result = run("queries", "--root", str(query_project))
    assert result.exit_code == 3
    assert "broken.rq:1: unknown header key(s): colour" in result.output


def test_query_in_each_format(query_project: Path) -> None:
    root = str(query_project)
    args = ("query", "documents", "--root", root, "-p", "case=fixture-b-v-testland")
    csv = run(*args, "--format", "csv")
    assert csv.exit_code == 0, csv.output
    assert csv.output.splitlines()[-2:] == [
        "document,title,kind,date,language,pages,event,address",
        "judgment-doc-b,Judgment in Fixture B (fictional),decision,2020-01-14,,12,judgment-b,"]
    tsv = run(*args, "--format", "tsv")
    assert tsv.output.strip().splitlines()[-1].split("\t")[:4] == [
        "judgment-doc-b", "Judgment in Fixture B (fictional)", "decision", "2020-01-14"]
    answer = json.loads(run(*args, "--format", "json").stdout)
    assert answer["rows"][0]["date"] == {"type": "literal", "value": "2020-01-14",
                                         "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    table = run(*args)
    assert "judgment-doc-b" in table.output and "1 row" in table.output


def test_query_runs_a_file(query_project: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "echo.rq", ECHO)
    result = run("query", str(path), "--root", str(query_project), "-p", 'text=} UNION { "', "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["text", '"} UNION { """']


@pytest.mark.parametrize("args, code, message", [
    (["no-such-question"], 3, "no stored question 'no-such-question'; known: case-findings"),
    (["case-findings"], 3, "missing required parameter(s): --param case=gerasimov-v-kazakhstan"),
    (["case-findings", "-p", "cas=x"], 3, "unknown parameter 'cas'"),
    (["case-findings", "-p", "case=a", "-p", "case=b"], 2, "'case' is given twice"),
    (["case-findings", "-p", "case"], 2, "'case' is not KEY=VALUE"),
    (["violations-by-article", "-p", "from=May 2019"], 3, "--param from: 'May 2019' is not a date"),
    (["case-findings", "-p", "case=x", "--endpoint", "ftp://example.org/"], 2, "is not an http:// or https:// URL"),
])
def test_query_errors_are_clear(query_project: Path, args: list[str], code: int, message: str) -> None:
    result = run("query", *args, "--root", str(query_project))
    assert result.exit_code == code
    assert message in result.output
