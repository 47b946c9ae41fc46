"""Every variant of a stored question (its header's `variants`: another text for when some
parameters are given or absent) gives the question's own answers, on the real corpus with the
query fixtures and on generated cases, for every combination of parameters it runs with."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from casegraph.build import build_cases
from casegraph.queries import StoredQuery, bind_parameters, list_queries
from casegraph.store import EmbeddedStore

from .conftest import QUERY_FIXTURES, generated_cases


def _comparable(rows: list[tuple]) -> list[tuple]:
    """Rows in a set order, each text listing ("a, b") in a set order: GROUP_CONCAT has none."""
    def cell(term) -> str:
        return ", ".join(sorted(str(term).split(", "))) if term is not None else "<unbound>"
    return sorted(tuple(cell(term) for term in row) for row in rows)


def _combinations(query: StoredQuery, values: dict[str, str]) -> list[dict[str, str]]:
    """Every combination of the optional parameters, the required ones always given."""
    required = {p.name: values[p.name] for p in query.parameters if p.required}
    optional = [(p.name, values[p.name]) for p in query.parameters if not p.required]
    return [{**required, **dict(chosen)} for size in range(len(optional) + 1)
            for chosen in itertools.combinations(optional, size)]


def test_every_variant_gives_the_questions_own_answers(project, vocabulary, tmp_path: Path) -> None:
    questions = [q for q in list_queries(project.queries) if q.variants]
    assert "violations-by-article" in {q.name for q in questions}
    states = vocabulary.state_iris()
    ran = {(q.name, str(v.path)): 0 for q in questions for v in q.variants}
    for paths in ([project.data, QUERY_FIXTURES], [generated_cases(tmp_path, 300)]):
        build = build_cases(paths, vocabulary)
        store = EmbeddedStore(quads=build.quads())
        for query in questions:
            without_variants = dataclasses.replace(query, variants=[])
            examples = {p.name: p.example for p in query.parameters}
            if paths[0].name == "generated":  # values the generated cases hold
                examples.update({p.name: v for p in query.parameters for t, v in
                                 (("state", "RU"), ("forum", "ecthr"), ("date", "2012")) if p.type == t})
            for values in _combinations(query, examples):
                variant = query.variant_for(frozenset(values))
                if variant is None:
                    continue
                own = store.query(bind_parameters(without_variants, values, base=build.base, states=states))
                theirs = store.query(bind_parameters(query, values, base=build.base, states=states))
                assert theirs.columns == own.columns, (query.name, values)
                assert _comparable(theirs.rows) == _comparable(own.rows), (query.name, values)
                ran[(query.name, str(variant.path))] += bool(own.rows)
    # Each variant met answers with rows, not only empty ones.
    assert all(ran.values()), ran
