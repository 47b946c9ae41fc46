"""Reading case files: every kind of bad input gets a located, plain message."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from casegraph.cases import load_case_file, load_cases
from casegraph.errors import CaseDataError

from .conftest import FIXTURES, ROOT

INVALID = FIXTURES / "invalid"

# (fixture, line, field, words the message must contain) — worked out from each fixture file.
LOADER_CASES = [
    ("yaml-syntax-error.yaml", 10, "(YAML syntax)", "unexpected end of stream (it started on line 9)"),
    ("wrong-type.yaml", 10, "money[0].amount", "expected a number, got the text 'lots'"),
    ("unknown-key.yaml", 7, "summery", "unknown field 'summery'; did you mean 'summary'?"),
    ("missing-forum.yaml", 1, "forum", "missing required field 'forum'"),
    ("impossible-date.yaml", 10, "international_proceedings[0].date", "'2007-13-45' is not a real date"),
    ("currency-not-iso-4217.yaml", 11, "money[0].currency", "'KZX' is not an ISO 4217 currency code; did you mean 'KZT'?"),
    ("undefined-person.yaml", 15, "acts[0].victims[0]", "'victm' is not a person or organisation defined in this file; did you mean 'victim'?"),
    ("not-utf-8.yaml", 7, "(file)", "not UTF-8 text (byte 0xe9)"),
    ("alias-bomb.yaml", 2, "b[0]", "YAML anchors and aliases (&name, *name) are not allowed"),
    ("figure-value-and-bounds.yaml", 12, "organisations[0].member_count.value",
     "give the value, or the bounds (min, max) a source states, not both"),
    ("finding-without-article.yaml", 11, "findings[0]", "missing required field: give 'article' or 'instrument'"),
    ("unknown-instrument.yaml", 11, "findings[0].instrument", "'UNCATT' is not one of ACHPR, ACHR,"),
]


@pytest.mark.parametrize(("name", "line", "field", "words"), LOADER_CASES, ids=[c[0] for c in LOADER_CASES])
def test_bad_input_is_located(name: str, line: int, field: str, words: str) -> None:
    with pytest.raises(CaseDataError) as caught:
        load_case_file(INVALID / name)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.path == INVALID / name
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message
    assert str(problem).startswith(f"{(INVALID / name).relative_to(ROOT)}:{line}:") or str(problem).startswith(str(INVALID / name))


def test_two_files_with_the_same_case_id_are_refused() -> None:
    with pytest.raises(CaseDataError) as caught:
        load_cases([INVALID / "duplicate-case-id"])
    [problem] = caught.value.problems
    assert problem.path.name == "same-id.yaml"
    assert "case id 'same-id' is also used by" in problem.message


def test_alias_bomb_is_refused_without_expanding() -> None:
    # Nine levels of nine aliases would be 9**9 (387 million) strings if expanded.
    started = time.perf_counter()
    with pytest.raises(CaseDataError):
        load_case_file(INVALID / "alias-bomb.yaml")
    assert time.perf_counter() - started < 5  # generous: expanding would never finish


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    case = tmp_path / "two-problems.yaml"
    case.write_text("title: T\nforum: cat\nrespondent_states: [KZ]\nsources: [{id: s, title: S}]\n"
                    "sumary: x\nmoney: [{id: m, role: awarded, amount: 1, currency: EURO}]\n", encoding="utf-8")
    with pytest.raises(CaseDataError) as caught:
        load_case_file(case)
    assert [(p.line, p.field) for p in caught.value.problems] == [(5, "sumary"), (6, "money[0].currency")]


def test_duplicate_keys_and_ids_are_refused(tmp_path: Path) -> None:
    case = tmp_path / "dupes.yaml"
    case.write_text("title: T\ntitle: U\nforum: cat\nrespondent_states: [KZ]\nsources: [{id: s, title: S}]\n",
                    encoding="utf-8")
    with pytest.raises(CaseDataError) as caught:
        load_case_file(case)
    assert [(p.line, p.field, p.message) for p in caught.value.problems] == [(2, "title", "this field is given twice")]
    case.write_text("title: T\nforum: cat\nrespondent_states: [KZ]\nsources: [{id: s, title: S}]\n"
                    "people:\n  - {id: a, name: A}\n  - {id: a, name: B}\n", encoding="utf-8")
    with pytest.raises(CaseDataError) as caught:
        load_case_file(case)
    assert [(p.line, p.message) for p in caught.value.problems] == [(7, "id 'a' is already used on line 6")]


def test_dates_keep_their_text(project) -> None:
    case = load_case_file(project.data / "gerasimov-v-kazakhstan.yaml")
    dates = {e["id"]: e["date"] for e in case.data["harms"]}
    assert dates["ptsd-diagnosis"] == "2007-08"  # a month, not 2007-08-01
    assert dates["head-injury"] == "2007-03-28"
    assert case.line_of(("harms", 3, "date")) > case.line_of(("harms", 3))


def test_valid_fixture_loads() -> None:
    case = load_case_file(FIXTURES / "valid" / "minimal-v-testland.yaml")
    assert case.case_id == "minimal-v-testland"
    assert case.data["respondent_states"] == ["KZ"]


def _case(tmp_path: Path, body: str) -> Path:
    case = tmp_path / "figures.yaml"
    case.write_text("title: T\nforum: cat\nrespondent_states: [KZ]\nsources: [{id: s, title: S}]\n" + body, encoding="utf-8")
    return case


@pytest.mark.parametrize(("body", "line", "field", "words"), [
    # A figure with words but neither a value nor bounds.
    ("organisations:\n  - id: g\n    name: G\n    member_count: {approximate: true, as_stated: many}\n",
     8, "organisations[0].member_count", "missing required field: give 'value' or 'min' or 'max'"),
    # Bounds the wrong way round.
    ("organisations:\n  - id: g\n    name: G\n    member_count: {min: 6, max: 5}\n",
     8, "organisations[0].member_count.min", "min (6) is greater than max (5)"),
    # An age that points at an event the file does not define.
    ("people:\n  - id: p\n    name: P\n    ages: [{value: 11, event: kidnaping}]\n"
     "acts:\n  - {id: kidnapping, kind: abduction, date: 2002}\n",
     8, "people[0].ages[0].event", "'kidnaping' is not an event defined in this file; did you mean 'kidnapping'?"),
    # A version of the actors that names an undefined agent.
    ("organisations: [{id: police, name: Police}]\nacts:\n  - id: arrest\n    kind: arrest\n    date: 2006\n"
     "    actors: {versions: [{value: police, source: s}, {value: nai, source: s}]}\n",
     10, "acts[0].actors.versions[1].value", "'nai' is not a person or organisation defined in this file"),
    # Both an article and an instrument on one finding.
    ("international_proceedings: [{id: d, kind: decision, date: 2020}]\n"
     "findings:\n  - {article: UNCAT-3, instrument: UNCAT, outcome: violation, decision: d}\n",
     7, "findings[0].instrument", "give the article, or the instrument where the source names no article, not both"),
    # A date of birth that is not a real date.
    ("people:\n  - {id: p, name: P, born: 1968-02-30}\n", 6, "people[0].born", "'1968-02-30' is not a real date"),
], ids=["figure-without-value", "bounds-reversed", "age-event-undefined", "actor-version-undefined",
        "article-and-instrument", "impossible-birth-date"])
def test_new_fields_give_located_messages(tmp_path: Path, body: str, line: int, field: str, words: str) -> None:
    with pytest.raises(CaseDataError) as caught:
        load_case_file(_case(tmp_path, body))
    assert [(p.line, p.field) for p in caught.value.problems] == [(line, field)], [str(p) for p in caught.value.problems]
    assert words in caught.value.problems[0].message
