"""pyshacl 0.40's checks of literal values (sh:datatype, sh:minInclusive, sh:maxInclusive), for
:mod:`casegraph.fastshacl`, without importing pyshacl.

Importing pyshacl takes a quarter of a second, which was an eighth of `casegraph build` after
one edit at 100,000 cases; these checks are a few lines of it, written out here with the same
logic (``DatatypeConstraintComponent._assert_actual_datatype`` and
``pyshacl.rdfutil.compare.compare_literal``). ``tests/test_shacl_literals.py`` compares them
with pyshacl's own on literals of every datatype the shapes use, well- and ill-typed.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

__all__ = ["actual_datatype_ok", "compare_literal"]


# The Python type rdflib must have read a value as, for the datatypes pyshacl checks this way.
_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime,
}


def actual_datatype_ok(value: Literal, rule: URIRef) -> bool:
    """Whether rdflib's reading of ``value`` is of the Python type ``rule`` stands for
    (``DatatypeConstraintComponent._assert_actual_datatype``; other datatypes pass)."""
    expected = _PYTHON_TYPES.get(rule)
    return expected is None or isinstance(value.value, expected)


def compare_literal(first: Literal, second: Literal) -> int:
    """-1, 0 or 1 as pyshacl orders two literals; raises TypeError or NotImplementedError when
    rdflib cannot compare them."""
    if first.eq(second):
        return 0
    # Not equal, and comparable (eq would have raised otherwise). rdflib will not order
    # datetimes and times with and without a time zone; pyshacl compares their values.
    forced: Any = first.value
    if forced.__class__ in (datetime, time):
        if forced == second.value:
            return 0
        if forced > second.value:
            return 1
    elif first > second:
        return 1
    return -1
