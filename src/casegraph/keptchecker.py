"""The compiled shapes and the ontology's index kept between commands, as plain values.

Parsing the shapes and the ontology and compiling them took 0.6 s of a `casegraph validate`
after one edit; a pickle of the objects themselves still took 0.2 s to read, most of it making
the ontology's 12,841 triples' terms one call at a time (a ``str`` subclass per IRI, an rdflib
literal per literal). Kept as strings and tuples, read back in C, and made into terms in one
pass, they take a fraction of that. Literals come back as text, type and language only; their
rdflib form is made again when a check needs their value, as for every case's literals.
"""

from __future__ import annotations

import pickle
from typing import Any

from .fastconvert import IRI, Blank, Lit
from .fastshacl import Index
from .parallel import Checker

__all__ = ["pack", "unpack"]


def _plain(term: Any) -> Any:
    kind = type(term)
    if kind is Lit:
        return (term.lex, term.datatype, term.lang, term.nt)
    if kind is Blank:
        return (str(term),)
    return str(term)  # an IRI


def _term(value: Any) -> Any:
    if type(value) is str:
        return IRI(value)
    if len(value) == 1:
        return Blank(value[0])
    return Lit(*value)


def pack(checker: Checker, rows: list[tuple] | None) -> bytes:
    """``checker`` and the ontology's own results (rows) as bytes."""
    onto = checker.ontology
    spo = [(_plain(s), [(_plain(p), [_plain(o) for o in objs]) for p, objs in po.items()])
           for s, po in onto.spo.items()]
    by_predicate = [(_plain(p), [_plain(s) for s in subjects]) for p, subjects in onto.by_predicate.items()]
    return pickle.dumps((checker.compiled, spo, by_predicate, checker.shapes, checker.states, rows),
                        protocol=pickle.HIGHEST_PROTOCOL)


def unpack(blob: bytes) -> tuple[Checker, list[tuple] | None]:
    """What :func:`pack` packed (the same order of triples, subjects and predicates)."""
    compiled, spo, by_predicate, names, states, rows = pickle.loads(blob)
    index = Index()
    index.spo = {_term(s): {_term(p): {_term(o): None for o in objs} for p, objs in po} for s, po in spo}
    index.by_predicate = {_term(p): {_term(s): None for s in subjects} for p, subjects in by_predicate}
    return Checker(compiled, index, names, states), rows
