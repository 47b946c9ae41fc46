"""The command line: exit codes, located messages, no tracebacks, nothing half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from casegraph.cli import main

from .conftest import FIXTURES


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_command_has_help() -> None:
    for command in ("build", "validate", "export", "query", "queries"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Usage:" in result.output


def test_build_validate_query(tmp_project: Path) -> None:
    root = str(tmp_project)
    built = run("build", "--root", root)
    assert built.exit_code == 0, built.output
    assert built.output.startswith("Built 1 case, ")
    assert (tmp_project / ".casegraph" / "store").is_dir()
    checked = run("validate", "--root", root, str(tmp_project / "data"))
    assert checked.exit_code == 0
    assert "conforms (0 errors, 0 warnings)" in checked.output
    answer = run("query", "case-findings", "--root", root, "--param", "case=gerasimov-v-kazakhstan",
                 "--format", "tsv")
    assert answer.exit_code == 0, answer.output
    rows = [line.split("\t") for line in answer.output.strip().splitlines()]
    assert rows[0] == ["article", "label", "outcome", "reasoning", "decision_date"]
    # Worked out from data/gerasimov-v-kazakhstan.yaml: six findings, all violations, one decision.
    assert sorted((r[0], r[2], r[4]) for r in rows[1:]) == sorted(
        (a, "violation", "2012-05-24") for a in ("UNCAT-1", "UNCAT-2-1", "UNCAT-12", "UNCAT-13", "UNCAT-14", "UNCAT-22"))


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "invalid").glob("*.yaml")))
def test_bad_input_exits_non_zero_without_traceback(name: str, tmp_project: Path) -> None:
    shutil.copy(FIXTURES / "invalid" / name, tmp_project / "data")
    result = CliRunner().invoke(main, ["validate", "--root", str(tmp_project)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{name}:" in result.output
    if name != "undefined-article.yaml":  # a SHACL-level defect: build converts, validate refuses
        built = CliRunner().invoke(main, ["build", "--root", str(tmp_project)])
        assert built.exit_code == 1 and "nothing was written" in built.output
        assert not (tmp_project / ".casegraph" / "store").exists(), "nothing may be written on bad input"


def test_validation_errors_exit_1_with_a_located_message(tmp_project: Path) -> None:
    result = run("validate", "--root", str(tmp_project), str(FIXTURES / "invalid" / "undefined-article.yaml"))
    assert result.exit_code == 1
    assert "undefined-article.yaml:12: findings[0].article: Unknown article" in result.output


def test_usage_errors_exit_2(tmp_project: Path, tmp_path: Path) -> None:
    assert run("export", "--root", str(tmp_project), "--format", "rdfxml").exit_code == 2
    assert run("build", "--root", str(tmp_project), "--base", "not-an-iri").exit_code == 2
    assert run("query", "case-findings", "--root", str(tmp_project), "--param", "nokeyvalue").exit_code == 2


def test_query_errors_exit_3(tmp_project: Path) -> None:
    unknown = run("query", "no-such-question", "--root", str(tmp_project))
    assert unknown.exit_code == 3 and "no stored question 'no-such-question'" in unknown.output
    missing = run("query", "case-findings", "--root", str(tmp_project))
    assert missing.exit_code == 3 and "missing required parameter(s): --param case=gerasimov-v-kazakhstan" in missing.output
    extra = run("query", "case-findings", "--root", str(tmp_project), "--param", "case=x", "--param", "colour=red")
    assert extra.exit_code == 3 and "unknown parameter 'colour'" in extra.output
    # A mistyped case id is said so, not answered with an empty table; a case that is there
    # but has no rows still gets its empty answer (Gerasimov's case is not against France).
    typo = run("query", "case-findings", "--root", str(tmp_project), "--param", "case=gerasimov-v-kazakstan")
    assert typo.exit_code == 3 and "no case 'gerasimov-v-kazakstan' in the embedded store" in typo.output
    empty = run("query", "report-cases", "--root", str(tmp_project), "--param", "case=gerasimov-v-kazakhstan",
                "--param", "state=FR", "--format", "csv")
    assert empty.exit_code == 0 and "no case" not in empty.output and len(empty.output.strip().splitlines()) == 1


def test_query_rebuilds_a_stale_store(tmp_project: Path) -> None:
    root = str(tmp_project)
    assert run("build", "--root", root).exit_code == 0
    case = tmp_project / "data" / "gerasimov-v-kazakhstan.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("outcome: violation", "outcome: no-violation", 1),
                    encoding="utf-8")
    answer = run("query", "case-findings", "--root", root, "--param", "case=gerasimov-v-kazakhstan", "--format", "csv")
    assert answer.exit_code == 0
    assert "brought the embedded store up to date" in answer.output
    assert "UNCAT-1,Definition of torture,no violation," in answer.output


def test_export_turtle_keeps_every_date_at_its_precision(tmp_project: Path) -> None:
    out = tmp_project / "gerasimov.ttl"
    result = run("export", "--root", str(tmp_project), "--format", "turtle", "--audience", "internal", "-o", str(out))
    assert result.exit_code == 0
    graph = Graph().parse(out, format="turtle")
    dates = {o for o in graph.objects() if isinstance(o, Literal) and o.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear)}
    lexical = {(str(d), d.datatype) for d in dates}
    # Every date the case file states, each at its own precision (read off the YAML by hand).
    assert (("2007-08", XSD.gYearMonth) in lexical and ("2013-12", XSD.gYearMonth) in lexical
            and ("2014-03", XSD.gYearMonth) in lexical and ("2014-05", XSD.gYearMonth) in lexical
            and ("2013-07", XSD.gYearMonth) in lexical and ("2007-05", XSD.gYearMonth) in lexical)
    assert ("2007", XSD.gYear) in lexical
    assert {("2007-03-27", XSD.date), ("2012-05-24", XSD.date), ("2012-06-25", XSD.date),
            ("2012-07-26", XSD.date), ("2013-11-18", XSD.date), ("2014-01-23", XSD.date)} <= lexical
    assert not any(text.endswith("-01") and dtype == XSD.date for text, dtype in lexical)


def test_export_to_stdout_is_deterministic(tmp_project: Path) -> None:
    first = run("export", "--root", str(tmp_project), "--format", "nt")
    second = run("export", "--root", str(tmp_project), "--format", "nt")
    assert first.exit_code == 0 and first.output == second.output
    assert len(first.output.splitlines()) > 500


def test_dump_writes_every_graph_of_the_store_for_bulk_loaders(tmp_project: Path, vocabulary) -> None:
    import pyoxigraph as ox

    from casegraph.build import VOCABULARY_GRAPH, build_cases
    from casegraph.store import nquads

    data_build = build_cases([tmp_project / "data"], vocabulary)
    out = tmp_project / "all.nq"
    result = run("dump", "--root", str(tmp_project), "-o", str(out))
    assert result.exit_code == 0, result.output
    dumped = ox.Store()
    dumped.bulk_load(path=str(out), format=ox.RdfFormat.N_QUADS)
    expected = ox.Store()  # through a store too: Oxigraph keeps numbers in canonical form
    expected.load("".join(nquads(data_build.quads())).encode(), format=ox.RdfFormat.N_QUADS)
    expected.load("".join(nquads((s, p, o, VOCABULARY_GRAPH) for s, p, o in data_build.vocabulary.graph)).encode(),
                  format=ox.RdfFormat.N_QUADS)
    assert set(dumped) == set(expected)
    assert len({q.graph_name for q in dumped}) == len(data_build.graphs) + 1
    refused = run("dump", "--root", str(tmp_project), "-o", str(tmp_project / "no-such-folder" / "all.nq"))
    assert refused.exit_code == 2 and "cannot write" in refused.output and "Traceback" not in refused.output
    assert not list(tmp_project.glob("**/*.partial"))
