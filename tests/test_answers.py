"""`casegraph answers`: every stored question answered in one go, printed or written to files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph.answers import question_values
from casegraph.cli import main
from casegraph.queries import list_queries

from .conftest import ROOT

QUESTIONS = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
GERASIMOV_ARTICLES = {"UNCAT-1", "UNCAT-2-1", "UNCAT-12", "UNCAT-13", "UNCAT-14", "UNCAT-22"}


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_values_are_the_given_ones_then_the_required_examples() -> None:
    queries = {q.name: q for q in list_queries(ROOT / "queries")}
    given = {"case": "gerasimov-v-kazakhstan", "state": "KZ"}
    # case-findings takes only a case; violations-by-article only optional ones (state given,
    # forum and dates left unset); cases-by-act a required kind (its example) and nothing given.
    assert question_values(queries["case-findings"], given) == {"case": "gerasimov-v-kazakhstan"}
    assert question_values(queries["violations-by-article"], given) == {"state": "KZ"}
    assert question_values(queries["cases-by-act"], given) == {"kind": "asphyxiation"}


def test_every_question_written_to_a_file(tmp_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers"
    result = run("answers", "--root", str(tmp_project), "-p", "case=gerasimov-v-kazakhstan", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out.iterdir()) == QUESTIONS
    assert all(p.suffix == ".csv" for p in out.iterdir())
    assert f"{len(QUESTIONS)} of {len(QUESTIONS)} questions answered from the embedded store" in result.output
    # Worked out from data/gerasimov-v-kazakhstan.yaml: six findings, all violations, one decision.
    findings = read_csv(out / "case-findings.csv")
    assert findings[0] == ["article", "label", "outcome", "reasoning", "decision_date"]
    assert {(r[0], r[2], r[4]) for r in findings[1:]} == {(a, "violation", "2012-05-24") for a in GERASIMOV_ARTICLES}
    assert len(findings) == 1 + 6
    # The only case relates to no other: an empty answer is an answer (a header), not a failure.
    assert read_csv(out / "related-cases.csv") == [["related_case", "title", "link", "detail"]]
    # Each file holds what `casegraph query` prints for the same question and values.
    alone = run("query", "case-findings", "--root", str(tmp_project), "-p", "case=gerasimov-v-kazakhstan",
                "--format", "csv")
    assert (out / "case-findings.csv").read_text(encoding="utf-8") == alone.stdout


def test_printed_answers_and_json_files(tmp_project: Path, tmp_path: Path) -> None:
    printed = run("answers", "--root", str(tmp_project), "-p", "case=gerasimov-v-kazakhstan")
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.count("\n== ") + printed.stdout.startswith("== ") == len(QUESTIONS)
    assert "== case-findings: " in printed.stdout and "(case=gerasimov-v-kazakhstan)" in printed.stdout
    assert "== cases-by-act: " in printed.stdout and "(kind=asphyxiation)" in printed.stdout
    out = tmp_path / "json"
    written = run("answers", "--root", str(tmp_project), "-p", "case=gerasimov-v-kazakhstan", "-o", str(out),
                  "--format", "json")
    assert written.exit_code == 0, written.output
    answer = json.loads((out / "case-findings.json").read_text(encoding="utf-8"))
    assert {row["article"]["value"] for row in answer["rows"]} == GERASIMOV_ARTICLES


def test_a_missing_case_fails_its_questions_only(tmp_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers"
    root = str(tmp_project)
    assert run("answers", "--root", root, "-p", "case=gerasimov-v-kazakhstan", "-o", str(out)).exit_code == 0
    result = run("answers", "--root", root, "-p", "case=no-such-case", "-o", str(out))
    assert result.exit_code == 3
    takes_case = {q.name for q in list_queries(ROOT / "queries") if any(p.type == "case" for p in q.parameters)}
    assert "Error: case-findings: " in result.output and "no case 'no-such-case'" in result.output
    # No earlier answer is left beside the new ones for a question that failed this time.
    assert sorted(p.stem for p in out.iterdir()) == sorted(set(QUESTIONS) - takes_case)
    assert f"{len(QUESTIONS) - len(takes_case)} of {len(QUESTIONS)} questions answered" in result.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (["-p", "nosuch=1"], 3, "no stored question takes 'nosuch'"),
    (["-p", "from=last-year"], 3, "is not a date"),
    (["-p", "case"], 2, "KEY=VALUE"),
    (["--format", "table"], 2, "csv, tsv or json"),
])
def test_bad_options_write_nothing(args: list[str], code: int, message: str, tmp_project: Path,
                                   tmp_path: Path) -> None:
    out = tmp_path / "answers"
    result = run("answers", "--root", str(tmp_project), "-o", str(out), *args)
    assert result.exit_code == code
    assert message in result.output
    assert not out.exists()


def test_progress_is_told_after_each_question() -> None:
    from casegraph.answers import answer_questions, bound_questions
    from casegraph.namespaces import DEFAULT_BASE
    from casegraph.store import EmbeddedStore

    queries = [q for q in list_queries(ROOT / "queries") if q.name in ("outcomes-by-forum", "report-states")]
    bound = bound_questions(queries, {}, base=DEFAULT_BASE, states={})
    calls: list[tuple[int, int]] = []
    done = answer_questions(EmbeddedStore(), bound, base=DEFAULT_BASE, states={},
                            progress=lambda n, total: calls.append((n, total)))
    assert calls == [(1, 2), (2, 2)]
    # An empty store answers both, with no rows: nothing to count, and no failure.
    assert [(a.query.name, a.error, len(a.result.rows)) for a in done] == [
        ("outcomes-by-forum", None, 0), ("report-states", None, 0)]
