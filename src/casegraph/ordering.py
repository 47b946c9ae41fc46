"""The final ``ORDER BY`` of a query, done in Python for the embedded store.

Oxigraph 0.5 sorts by looking up the text of each string term in its on-disk dictionary at
every comparison: sorting the 20,000 rows of a question took longer than finding them (5 s of
8.7 s at 10,000 cases). Sorting the same rows in Python after they are read is a few
milliseconds. So the embedded store asks for the rows without the query's last ``ORDER BY``
and sorts them here, with SPARQL's order (SPARQL 1.1 §15.1): unbound first, then IRIs, then
literals; strings by code point, numbers by value; ``DESC`` reverses.

Only what this module can order exactly as SPARQL does is taken over: a final ``ORDER BY`` of
projected variables, ``ASC(?v)``, ``DESC(?v)`` and ``STR(?v)``, over columns of IRIs, strings
(no language tag), numbers, booleans, or dates of one kind (``xsd:date``, ``xsd:gYearMonth`` or
``xsd:gYear``, without time zone). Anything else (an expression, a variable not projected, a
``LIMIT`` after it, blank nodes, language-tagged strings, dates of several kinds or with a time
zone, a column mixing strings and numbers, whose relative order SPARQL leaves to the engine) gets ``None``, and the
store lets the engine sort. A test checks that every stored question sorts here, and exactly as
Oxigraph does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Literal, URIRef

__all__ = ["OrderKey", "FinalOrder", "split_final_order", "sort_rows"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {f"{_XSD}{name}" for name in (
    "integer", "decimal", "float", "double", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}
_STRING = f"{_XSD}string"
_BOOLEAN = f"{_XSD}boolean"
_DATES = {f"{_XSD}date": re.compile(r"\d{4}-\d\d-\d\d"), f"{_XSD}gYearMonth": re.compile(r"\d{4}-\d\d"),
          f"{_XSD}gYear": re.compile(r"\d{4}")}

# One condition: ?v, ASC(?v), DESC(?v), STR(?v), ASC(STR(?v)), DESC(STR(?v)).
_VAR = r"\?([A-Za-z_][A-Za-z0-9_]*)"
_CONDITION = re.compile(
    rf"(?:(ASC|DESC)\s*\(\s*)?(?:(STR)\s*\(\s*{_VAR}\s*\)|{_VAR})(?(1)\s*\))", re.IGNORECASE)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


@dataclass(frozen=True)
class OrderKey:
    """One sort condition: a projected variable, descending or not, as its text (``STR``) or not."""

    variable: str
    descending: bool = False
    as_text: bool = False


@dataclass(frozen=True)
class FinalOrder:
    """A query without its final ``ORDER BY``, and the conditions it had."""

    unordered: str
    keys: tuple[OrderKey, ...]


def split_final_order(sparql: str) -> FinalOrder | None:
    """The query's last clause, when it is an ``ORDER BY`` of simple conditions (a ``GROUP BY``
    or ``HAVING`` before it stays in the query)."""
    end = sparql.rfind("}")
    if end < 0:
        return None
    tail = _strip_comments(sparql[end + 1:])
    if tail is None:
        return None
    clauses = list(_ORDER_BY.finditer(tail))
    if not clauses:
        return None
    keys = []
    rest = tail[clauses[-1].end():].strip()
    while rest:
        condition = _CONDITION.match(rest)
        if not condition:
            return None
        direction, text_of, text_var, plain_var = condition.groups()
        keys.append(OrderKey(text_var or plain_var, (direction or "").upper() == "DESC", bool(text_of)))
        rest = rest[condition.end():].lstrip()
    if not keys:
        return None
    return FinalOrder(sparql[:end + 1] + tail[:clauses[-1].start()] + "\n", tuple(keys))


def _strip_comments(tail: str) -> str | None:
    if '"' in tail or "'" in tail or "<" in tail:
        return None  # a string or an IRI after the last brace: not a clause this module reads
    return "\n".join(line.split("#", 1)[0] for line in tail.splitlines())


def sort_rows(columns: Sequence[str], rows: list[tuple[Any, ...]], keys: Sequence[OrderKey]) -> list[tuple] | None:
    """``rows`` (rdflib terms or None) in the order of ``keys``, or None when a key is not a
    projected column or its values are not of a kind ordered here (see the module's note)."""
    positions = {name: i for i, name in enumerate(columns)}
    if any(key.variable not in positions for key in keys):
        return None
    ordered = list(rows)
    # A stable sort per key, the last key first. Rows equal on every key keep the engine's
    # order (SPARQL leaves ties in any order).
    for key in reversed(keys):
        column = positions[key.variable]
        sort_keys = _column_keys([row[column] for row in ordered], key.as_text)
        if sort_keys is None:
            return None
        ranked = sorted(range(len(ordered)), key=sort_keys.__getitem__, reverse=key.descending)
        ordered = [ordered[i] for i in ranked]
    return ordered


def _column_keys(values: list[Any], as_text: bool) -> list[tuple] | None:
    """A sort key per value, or None when the column cannot be ordered exactly as SPARQL does."""
    keys: list[tuple] = []
    family = None
    for value in values:
        if value is None:
            keys.append((0,))
            continue
        if as_text:
            if isinstance(value, BNode):
                keys.append((0,))  # STR of a blank node is an error: no value, sorted first
                continue
            keys.append((3, str(value)))
            family = family or "string"
            continue
        if isinstance(value, BNode):
            return None
        if isinstance(value, URIRef):
            keys.append((2, str(value)))
            continue
        if not isinstance(value, Literal) or value.language:
            return None
        kind, key = _literal_key(value)
        if kind is None or (family is not None and kind != family):
            return None
        family = kind
        keys.append((3, key))
    return keys


def _literal_key(value: Literal) -> tuple[str | None, Any]:
    datatype = str(value.datatype) if value.datatype is not None else _STRING
    if datatype == _STRING:
        return "string", str(value)
    if datatype in _NUMERIC:
        try:
            number = Decimal(str(value)) if datatype != f"{_XSD}double" and datatype != f"{_XSD}float" \
                else float(str(value))
        except (InvalidOperation, ValueError):
            return None, None
        if isinstance(number, float) and math.isnan(number):
            return None, None
        return "number", number
    if datatype in _DATES and _DATES[datatype].fullmatch(str(value)):
        # Four-digit years, no time zone: the text orders as the dates do.
        return datatype, str(value)
    if datatype == _BOOLEAN and str(value) in ("true", "false"):
        return "boolean", str(value) == "true"
    return None, None
