"""casegraph.shacl_literals gives what pyshacl 0.40's own code gives, for every datatype pair."""

from __future__ import annotations

from itertools import product

import pytest
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from pyshacl.rdfutil.compare import compare_literal as pyshacl_compare
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from casegraph.shacl_literals import actual_datatype_ok, compare_literal

RULES = [XSD.string, RDF.langString, XSD.integer, XSD.nonNegativeInteger, XSD.float, XSD.decimal, XSD.double,
         XSD.boolean, XSD.date, XSD.time, XSD.dateTime, XSD.gYear, XSD.gYearMonth, XSD.duration, XSD.anyURI,
         RDFS.Literal]
# Well- and ill-typed lexical forms of the datatypes the shapes and the converter use.
LITERALS = [
    Literal("text"), Literal("texte", lang="fr"), Literal("12", datatype=XSD.integer),
    Literal("-3", datatype=XSD.integer), Literal("twelve", datatype=XSD.integer),
    Literal("7", datatype=XSD.nonNegativeInteger), Literal("-7", datatype=XSD.nonNegativeInteger),
    Literal("1.5", datatype=XSD.decimal), Literal("1.5e3", datatype=XSD.decimal),
    Literal("2.5", datatype=XSD.float), Literal("x", datatype=XSD.float), Literal("2.5", datatype=XSD.double),
    Literal("true", datatype=XSD.boolean), Literal("maybe", datatype=XSD.boolean),
    Literal("2014-05-14", datatype=XSD.date), Literal("2014-13-45", datatype=XSD.date),
    Literal("2014-05", datatype=XSD.gYearMonth), Literal("2014", datatype=XSD.gYear),
    Literal("10:30:00", datatype=XSD.time), Literal("2014-05-14T10:30:00", datatype=XSD.dateTime),
    Literal("2014-05-14T10:30:00Z", datatype=XSD.dateTime), Literal("P3Y", datatype=XSD.duration),
    Literal("P15M", datatype=XSD.duration), Literal("https://example.org/", datatype=XSD.anyURI),
]


@pytest.mark.parametrize("literal,rule", list(product(LITERALS, RULES)))
def test_datatype_check_is_pyshacls(literal: Literal, rule: URIRef) -> None:
    expected = DatatypeConstraintComponent._assert_actual_datatype(None, literal, rule)  # type: ignore[arg-type]
    assert actual_datatype_ok(literal, rule) == expected


def _outcome(compare, first: Literal, second: Literal):
    try:
        return compare(first, second)
    except (TypeError, NotImplementedError) as error:
        return type(error)


def test_ordering_is_pyshacls() -> None:
    bounds = [Literal(0), Literal(150), Literal("1900-01-01", datatype=XSD.date), Literal("0", datatype=XSD.decimal),
              Literal("2014-05-14T10:30:00Z", datatype=XSD.dateTime), Literal("10:30:00", datatype=XSD.time)]
    values = LITERALS + [Literal(0), Literal(200), Literal("2014-05-14T09:00:00", datatype=XSD.dateTime)]
    seen = set()
    for value, bound in product(values, bounds):
        ours = _outcome(compare_literal, value, bound)
        assert ours == _outcome(pyshacl_compare, value, bound), (value, bound)
        seen.add(ours)
    assert {-1, 0, 1} <= seen and (seen & {TypeError, NotImplementedError})  # every branch was taken
