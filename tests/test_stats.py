"""casegraph stats: the corpus at a glance, from the stored questions."""

from __future__ import annotations

from click.testing import CliRunner

from casegraph.build import build_cases
from casegraph.cli import main
from casegraph.report.questions import Questions
from casegraph.stats import corpus_summary, format_summary
from casegraph.store import EmbeddedStore

from .conftest import FIXTURES, ROOT


def _summary(paths, project, vocabulary):
    build = build_cases(paths, vocabulary)
    store = EmbeddedStore(quads=build.quads())
    return corpus_summary(Questions(store, project.queries, base=build.base, states=vocabulary.state_iris()))


def test_summary_of_the_query_fixtures(project, vocabulary):
    summary = _summary([FIXTURES / "queries"], project, vocabulary)
    assert summary.cases == 3
    assert summary.first_year and summary.last_year and summary.first_year <= summary.last_year
    assert sum(n for _, _, n in summary.forum_cases) == 3
    assert summary.violations <= summary.findings
    assert ("TR", "Turkey", 2) in summary.state_cases


def test_summary_of_the_hostile_fixture_counts_every_kind_of_record(project, vocabulary):
    summary = _summary([FIXTURES / "report"], project, vocabulary)
    assert (summary.cases, summary.forums, summary.states, summary.articles) == (1, 1, 1, 1)
    assert (summary.findings, summary.violations, summary.remedies, summary.documents) == (1, 1, 1, 1)
    assert summary.years == "2014–2019"
    text = format_summary(summary)
    assert text.splitlines()[0] == "1 cases before 1 forums, against 1 States, years 2014–2019"


def test_cli_stats_prints_the_summary():
    result = CliRunner().invoke(main, ["stats", "--root", str(ROOT), str(FIXTURES / "report")])
    assert result.exit_code == 0, result.output
    assert "1 cases before 1 forums" in result.output
    assert "Articles by cases: ECHR Art. 3 (1)" in result.output
