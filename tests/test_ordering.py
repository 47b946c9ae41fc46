"""The final ORDER BY done in Python (casegraph.ordering) orders as SPARQL does, and every
stored question gives, in the same order, the rows Oxigraph's own ORDER BY gives."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from casegraph.build import build_cases
from casegraph.ordering import OrderKey, sort_rows, split_final_order
from casegraph.queries import bind_parameters, list_queries
from casegraph.store import EmbeddedStore

from .conftest import FIXTURES, generated_cases


def test_the_last_order_by_is_split_off() -> None:
    text = "SELECT ?a ?b WHERE { ?a ?p ?b }\nGROUP BY ?a ?b # group\nORDER BY DESC(?b) STR(?a) asc(?b) # why\n"
    final = split_final_order(text)
    assert final is not None
    assert final.keys == (OrderKey("b", True), OrderKey("a", False, True), OrderKey("b"))
    assert "ORDER" not in final.unordered and "GROUP BY ?a ?b" in final.unordered


@pytest.mark.parametrize("text", [
    "SELECT ?a WHERE { ?a ?p ?b }",                                   # no ORDER BY
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a LIMIT 10",             # LIMIT after it
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY (?b + 1)",                 # an expression
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY LCASE(?a)",
    "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a } }",  # inside a sub-select
    "SELECT ?a WHERE { ?a ?p ?b } ORDER BY ?a VALUES ?a { <x:y> }",
])
def test_what_is_not_a_plain_final_order_is_left_to_the_engine(text: str) -> None:
    assert split_final_order(text) is None


def lit(value, datatype=None, lang=None) -> Literal:
    return Literal(value, datatype=datatype, lang=lang)


def test_sparql_order_unbound_then_iris_then_literals_numbers_by_value() -> None:
    rows = [(lit("10", XSD.integer),), (None,), (lit("9", XSD.integer),), (lit("9.5", XSD.decimal),),
            (lit("-1E0", XSD.double),)]
    assert [r[0] for r in sort_rows(["n"], rows, [OrderKey("n")])] == [
        None, lit("-1E0", XSD.double), lit("9", XSD.integer), lit("9.5", XSD.decimal), lit("10", XSD.integer)]
    assert [r[0] for r in sort_rows(["n"], rows, [OrderKey("n", descending=True)])][-1] is None
    mixed = [(lit("b"),), (URIRef("http://z"),), (None,), (lit("B"),), (lit("é"),)]
    assert [r[0] for r in sort_rows(["x"], mixed, [OrderKey("x")])] == [
        None, URIRef("http://z"), lit("B"), lit("b"), lit("é")]  # code points: B < b < é


def test_str_orders_iris_and_literals_by_their_text() -> None:
    rows = [(lit("2012-05-01", XSD.date),), (URIRef("http://a"),), (lit("2012", XSD.gYear),)]
    assert [r[0] for r in sort_rows(["d"], rows, [OrderKey("d", as_text=True)])] == [
        lit("2012", XSD.gYear), lit("2012-05-01", XSD.date), URIRef("http://a")]


def test_dates_of_one_kind_in_date_order() -> None:
    rows = [(lit("2012-05-24", XSD.date),), (None,), (lit("2009-12-31", XSD.date),)]
    assert [r[0] for r in sort_rows(["d"], rows, [OrderKey("d")])] == [
        None, lit("2009-12-31", XSD.date), lit("2012-05-24", XSD.date)]


def test_ties_keep_the_order_they_came_in() -> None:
    rows = [(lit("a"), lit("2")), (lit("a"), lit("1")), (lit("0"), lit("3"))]
    assert sort_rows(["k", "v"], rows, [OrderKey("k")]) == [rows[2], rows[0], rows[1]]


@pytest.mark.parametrize("values", [
    [lit("x", lang="en"), lit("y", lang="fr")],            # language tags
    [BNode("b1"), BNode("b2")],                            # blank nodes
    [lit("2012-05-01", XSD.date), lit("2013", XSD.gYear)],  # dates of different kinds
    [Literal("2012-05-01Z", datatype=XSD.date, normalize=False), lit("2012-05-01", XSD.date)],  # a time zone
    [lit("1", XSD.integer), lit("one")],                   # numbers and strings
])
def test_orders_sparql_leaves_to_the_engine_are_not_taken_over(values) -> None:
    assert sort_rows(["x"], [(v,) for v in values], [OrderKey("x")]) is None


def test_a_key_that_is_not_a_column_is_left_to_the_engine() -> None:
    assert sort_rows(["a"], [(lit("x"),)], [OrderKey("b")]) is None


def test_every_stored_question_sorts_in_python_exactly_as_oxigraph(project, vocabulary, tmp_path) -> None:
    """On the real corpus with the query fixtures, and on generated cases: the same rows in the
    same order (ties excepted, which SPARQL leaves in any order: compared as groups)."""
    questions = list_queries(project.queries)
    ordered = [q for q in questions if split_final_order(q.text) is not None]
    assert {q.name for q in questions} - {q.name for q in ordered} == {"report-summary"}  # one row, no ORDER BY
    states = vocabulary.state_iris()
    for paths in ([project.data, FIXTURES / "queries"], [generated_cases(tmp_path, 300)]):
        build = build_cases(paths, vocabulary)
        quads = list(build.quads())
        ours, engine = EmbeddedStore(quads=quads), EmbeddedStore(quads=quads, sort_in_python=False)
        first_case = sorted(c.case_id for c in build.cases)[0]
        checked = 0
        for query in ordered:
            values = {p.name: (first_case if p.type == "case" and paths[0].name == "generated" else p.example)
                      for p in query.parameters if p.example is not None}
            text = bind_parameters(query, values, base=build.base, states=states)
            final = split_final_order(text)
            mine, theirs = ours.query(text), engine.query(text)
            assert mine.columns == theirs.columns
            assert sort_rows(mine.columns, theirs.rows, final.keys) is not None, query.name  # never left to the engine
            assert _grouped(mine.rows, mine.columns, final.keys) == _grouped(theirs.rows, theirs.columns, final.keys), \
                query.name
            checked += bool(mine.rows)
        assert checked >= len(ordered) // 2  # most questions have rows to order


def _grouped(rows, columns, keys) -> list[tuple]:
    """Consecutive rows equal on every key, as (key values, the rows as a sorted list)."""
    positions = [columns.index(k.variable) for k in keys]
    groups: list[tuple] = []
    for row in rows:
        key = tuple(str(row[i]) if keys[n].as_text else row[i] for n, i in enumerate(positions))
        if groups and groups[-1][0] == key:
            groups[-1][1].append(row)
        else:
            groups.append((key, [row]))
    return [(key, sorted(members, key=repr)) for key, members in groups]
