"""The streamed N-Quads export: the in-memory export's bytes, a batch at a time, or nothing."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph import streamexport
from casegraph.audience_check import AudienceCheckError
from casegraph.build import build_cases
from casegraph.cli import main
from casegraph.errors import CaseDataError
from casegraph.export import export_graph
from casegraph.namespaces import DEFAULT_BASE
from casegraph.paths import Project
from casegraph.streamexport import stream_nquads
from casegraph.vocabulary import Vocabulary

from .conftest import FIXTURES, ROOT

KEY = b"a fixed test key, 32 bytes long!"
CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture()
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two cases, so that a handful of files crosses several batch boundaries."""
    monkeypatch.setattr(streamexport, "BATCH", 2)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real cases, the confidential fixture (pseudonyms, withheld facts) and a case above the
    public audience (withheld whole), in one folder."""
    folder = tmp_path_factory.mktemp("mixed")
    for name in ("gerasimov-v-kazakhstan", "agiza-v-sweden", "aksoy-v-turkey"):
        shutil.copy(ROOT / "data" / f"{name}.yaml", folder)
    for path in (FIXTURES / "confidential").glob("*.yaml"):
        shutil.copy(path, folder)
    text = (FIXTURES / "valid" / "minimal-v-testland.yaml").read_text(encoding="utf-8")
    (folder / "minimal-v-testland.yaml").write_text(text + "confidentiality: partner\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("audience", ["public", "partner", "internal"])
def test_the_stream_gives_the_in_memory_exports_bytes(mixed: Path, project: Project, vocabulary: Vocabulary,
                                                      audience: str, small_batches: None, tmp_path: Path) -> None:
    expected = export_graph(build_cases([mixed], vocabulary), "nquads", project=project, audience=audience,
                            pseudonym_key=KEY, created=CREATED)
    output = tmp_path / "export.nq"
    written = stream_nquads([mixed], vocabulary, project=project, output=output, audience=audience,
                            base=DEFAULT_BASE, pseudonym_key=KEY, created=CREATED)
    assert output.read_bytes() == expected
    assert written.cases + written.withheld_cases == len(list(mixed.glob("*.yaml")))
    assert written.withheld_cases == (1 if audience == "public" else 0)
    assert written.quads == expected.count(b"\n")
    assert not list(tmp_path.glob(".*partial"))


def test_the_stream_of_the_whole_corpus_equals_the_in_memory_export(project: Project, vocabulary: Vocabulary,
                                                                  data_build, tmp_path: Path) -> None:
    expected = export_graph(data_build, "nquads", project=project, audience="public", pseudonym_key=KEY)
    output = tmp_path / "all.nq"
    stream_nquads([project.data], vocabulary, project=project, output=output, base=DEFAULT_BASE, pseudonym_key=KEY)
    assert output.read_bytes() == expected


def test_a_bad_file_in_a_later_batch_leaves_nothing_and_every_problem_is_reported(
        mixed: Path, project: Project, vocabulary: Vocabulary, small_batches: None, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(mixed, folder)
    # Sorted by case id, these come after the first batches have been written to the partial file.
    (folder / "zz-broken-v-testland.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (folder / "zz-second-v-testland.yaml").write_text("title: 12\n", encoding="utf-8")
    output = tmp_path / "export.nq"
    with pytest.raises(CaseDataError) as caught:
        stream_nquads([folder], vocabulary, project=project, output=output, base=DEFAULT_BASE, pseudonym_key=KEY)
    located = {(p.path.name, p.line) for p in caught.value.problems}
    assert ("zz-broken-v-testland.yaml", 1) in located or ("zz-broken-v-testland.yaml", 2) in located
    assert any(name == "zz-second-v-testland.yaml" for name, _ in located)
    assert not output.exists() and not list(tmp_path.glob(".*partial"))


def test_a_case_id_used_twice_is_refused_before_anything_is_read_into_batches(
        project: Project, vocabulary: Vocabulary, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(ROOT / "data" / "gerasimov-v-kazakhstan.yaml", tmp_path / folder)
    output = tmp_path / "export.nq"
    with pytest.raises(CaseDataError, match="case id 'gerasimov-v-kazakhstan' is also used by"):
        stream_nquads([tmp_path / "a", tmp_path / "b"], vocabulary, project=project, output=output,
                      base=DEFAULT_BASE, pseudonym_key=KEY)
    assert not output.exists()


def test_a_failed_audience_check_leaves_nothing(mixed: Path, project: Project, vocabulary: Vocabulary,
                                                small_batches: None, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    real_filter = streamexport.filter_case

    def leaky(case, audience, pseudonymiser):
        # A filter with a bug: it keeps every triple of the confidential case.
        filtered = real_filter(case, audience, pseudonymiser)
        if case.case_id == "fictional-v-kazakhstan":
            return dataclasses.replace(filtered, triples=list(case.triples), iri=case.iri)
        return filtered

    monkeypatch.setattr(streamexport, "filter_case", leaky)
    output = tmp_path / "export.nq"
    with pytest.raises(AudienceCheckError, match="nothing was written") as caught:
        stream_nquads([mixed], vocabulary, project=project, output=output, base=DEFAULT_BASE, pseudonym_key=KEY)
    assert caught.value.report.findings
    assert not output.exists() and not list(tmp_path.glob(".*partial"))


def test_the_cli_streams_nquads_to_a_file_and_to_standard_output(mixed: Path, project: Project,
                                                                 vocabulary: Vocabulary, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    key_text = "0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("CASEGRAPH_PSEUDONYM_KEY", key_text)
    root = tmp_path / "project"
    root.mkdir()
    for folder in ("ontology", "shapes", "queries"):
        (root / folder).symlink_to(ROOT / folder, target_is_directory=True)
    shutil.copytree(mixed, root / "data")
    runner = CliRunner()
    to_file = runner.invoke(main, ["export", "--root", str(root), "--format", "nquads", "-o", str(tmp_path / "a.nq")])
    assert to_file.exit_code == 0, to_file.output
    assert "quads of 4 cases" in to_file.output and "public audience" in to_file.output
    to_stdout = runner.invoke(main, ["export", "--root", str(root), "--format", "nquads"])
    assert to_stdout.exit_code == 0
    assert to_stdout.stdout_bytes == (tmp_path / "a.nq").read_bytes()
    from casegraph.pseudonyms import load_pseudonym_key
    expected = export_graph(build_cases([root / "data"], vocabulary), "nquads", project=Project(root),
                            audience="public", pseudonym_key=load_pseudonym_key(root / ".casegraph", override=key_text))
    assert to_stdout.stdout_bytes == expected
    # Bad input: a clear message with file and line, exit code 1, no file.
    (root / "data" / "zz-broken-v-testland.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    failed = runner.invoke(main, ["export", "--root", str(root), "--format", "nquads", "-o", str(tmp_path / "b.nq")])
    assert failed.exit_code == 1
    assert "zz-broken-v-testland.yaml:" in failed.output and "Traceback" not in failed.output
    assert not (tmp_path / "b.nq").exists()
    assert not [p for p in (root / ".casegraph").iterdir() if p.is_dir()], "the scratch folder is removed"
