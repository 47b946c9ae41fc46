"""Every stored question answered in one go: the main job's last step, and a folder of tables
for comparative research.

Each question is asked with the parameters given for it by name (a ``case`` given once goes to
every question that takes a case) and, for a required parameter not given, the example in its
header; optional parameters not given stay unbound, so the answer covers the whole corpus.
Parameters are bound as RDF terms (:func:`casegraph.queries.bind_parameters`), never pasted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from .errors import CaseGraphError, QueryError
from .queries import StoredQuery, bind_parameters, missing_cases
from .store import QueryResult

__all__ = ["Answer", "answer_questions", "ask", "bound_questions", "question_values"]


@dataclass
class Answer:
    """One stored question as asked: the parameter values used, and its rows or why it has none."""

    query: StoredQuery
    values: dict[str, str]
    result: QueryResult | None = None
    error: CaseGraphError | None = None
    seconds: float = 0.0


def question_values(query: StoredQuery, given: Mapping[str, str]) -> dict[str, str]:
    """The values ``query`` is asked with: those ``given`` for its parameters, then the header's
    example for each required parameter still missing."""
    values = {p.name: given[p.name] for p in query.parameters if p.name in given}
    for parameter in query.parameters:
        if parameter.required and parameter.name not in values and parameter.example is not None:
            values[parameter.name] = parameter.example
    return values


def bound_questions(queries: Sequence[StoredQuery], given: Mapping[str, str], *, base: str,
                    states: Mapping[str, URIRef]) -> list[tuple[StoredQuery, dict[str, str], str]]:
    """Each question with its values and its text, parameters bound; checked before any is asked.

    Raises:
        QueryError: a given parameter that no question takes, a value of the wrong type, or a
            required parameter with neither a value nor an example.
    """
    taken = {p.name for q in queries for p in q.parameters}
    unknown = sorted(set(given) - taken)
    if unknown:
        raise QueryError(f"--param {unknown[0]}: no stored question takes '{unknown[0]}'; "
                         f"they take: {', '.join(sorted(taken)) or 'none'}")
    bound = []
    for query in queries:
        values = question_values(query, given)
        bound.append((query, values, bind_parameters(query, values, base=base, states=states)))
    return bound


def ask(store: Any, query: StoredQuery, values: Mapping[str, str], text: str, *, base: str,
        states: Mapping[str, URIRef]) -> QueryResult:
    """``store``'s answer to ``query``, bound as ``text`` from ``values``.

    Raises:
        QueryError: the answer is empty because a case given is not in the store (an empty
            answer for a mistyped case id would read as "nothing found").
    """
    result = store.query(text)
    if not result.rows and result.boolean is None:
        for case_id in missing_cases(store, query, values, base=base, states=states):
            raise QueryError(f"--param: no case '{case_id}' in the {store.description}; a case id is its "
                             "file name in data/ without .yaml (see 'casegraph stats')")
    return result


def answer_questions(store: Any, bound: Sequence[tuple[StoredQuery, dict[str, str], str]], *, base: str,
                     states: Mapping[str, URIRef],
                     progress: Callable[[int, int], None] | None = None) -> list[Answer]:
    """Ask ``store`` each bound question in turn. A question that fails (an endpoint error, a
    case id the store does not hold) gets its error and the others are still asked.
    ``progress`` is called with (questions answered, questions in all) after each."""
    answers = []
    for query, values, text in bound:
        answer = Answer(query, values)
        started = time.perf_counter()
        try:
            answer.result = ask(store, query, values, text, base=base, states=states)
        except CaseGraphError as error:
            answer.error = error
        answer.seconds = time.perf_counter() - started
        answers.append(answer)
        if progress is not None:
            progress(len(answers), len(bound))
    return answers
