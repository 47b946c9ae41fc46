"""Validation results as plain rows, the form the cache keeps and `casegraph validate` prints.

A row is ``(problem path, line, column, field, message, severity, focus, result path, value,
source shape, constraint)``, the SHACL terms in N3 (``<iri>``, ``_:id``, ``"text"^^<type>``).
At 100,000 cases, reading 62,731 results back as rdflib terms took seconds; as rows, without
importing rdflib, a tenth of that. :class:`StoredResult` gives a row the attributes of a
:class:`casegraph.validate.ValidationResult`; its SHACL terms are decoded only when asked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import Problem, display_path_text, problem_text

__all__ = ["StoredResult", "to_row", "report_rows"]


def _n3(term: Any) -> str | None:
    from rdflib import BNode, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return f"<{term}>"  # URIRef.n3() refuses IRIs it finds invalid; a value may be one
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3()


def to_row(result: Any) -> tuple:
    """A :class:`casegraph.validate.ValidationResult` as a row."""
    p = result.problem
    return (str(p.path), p.line, p.column, p.field, result.message, result.severity, _n3(result.focus_node),
            _n3(result.result_path), _n3(result.value), _n3(result.source_shape), _n3(result.constraint))


def _term(text: str | None) -> Any:
    if text is None:
        return None
    from rdflib import BNode, URIRef
    from rdflib.util import from_n3

    if text.startswith("<"):
        return URIRef(text[1:-1])
    if text.startswith("_:"):
        return BNode(text[2:])
    return from_n3(text)


class StoredResult:
    """One result, from a row: ``str()`` as a :class:`ValidationResult` prints it."""

    __slots__ = ("row", "text")

    def __init__(self, row: tuple, text: str):
        self.row = row
        self.text = text  # the problem as printed (its path as seen from the working folder)

    def __str__(self) -> str:
        return f"{self.text} [{self.row[5]}]"

    def __repr__(self) -> str:
        return f"StoredResult({self.row!r})"

    @property
    def severity(self) -> str:
        return self.row[5]

    @property
    def message(self) -> str:
        return self.row[4]

    @property
    def problem(self) -> Problem:
        r = self.row
        return Problem(Path(r[0]), r[1], r[2], r[3], r[4], r[5])

    focus_node = property(lambda self: _term(self.row[6]))
    result_path = property(lambda self: _term(self.row[7]))
    value = property(lambda self: _term(self.row[8]))
    source_shape = property(lambda self: _term(self.row[9]))
    constraint = property(lambda self: _term(self.row[10]))


def report_rows(rows: list[tuple]) -> list[StoredResult]:
    """Rows sorted and made unique as :func:`casegraph.validate.validate_build` sorts its
    results (by path, line, field and message; one of each printed line and severity)."""
    rows = sorted(rows, key=lambda r: (r[0], r[1] or 0, r[3], r[4]))
    cwd = os.getcwd()
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rows:
        text = problem_text(display_path_text(r[0], cwd), r[1], r[2], r[3], r[4])
        key = (text, r[5])
        if key not in seen:
            seen.add(key)
            out.append(StoredResult(r, text))
    return out
