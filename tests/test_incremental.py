"""Incremental build and validate (issue 6): after an edit, the same store and results as a full run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.namespaces import DEFAULT_BASE
from casegraph.paths import Project
from casegraph.projectvalidation import validate_project
from casegraph.workspace import open_project_store, update_project

from .conftest import ROOT


def _copy(target: Path) -> Path:
    for folder in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def _quads(root: Path) -> list[str]:
    store = ox.Store.read_only(str(root / ".casegraph" / "store"))
    return sorted(str(q) for q in store)


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, [*args, "--root", str(root)], catch_exceptions=False)
    return result.exit_code, result.output


def _edit(root: Path) -> None:
    """One changed file, one deleted (that another case names as related), one with a defect."""
    agiza = root / "data" / "agiza-v-sweden.yaml"
    agiza.write_text(agiza.read_text(encoding="utf-8").replace("Sweden", "Sweden (edited)", 1), encoding="utf-8")
    (root / "data" / "alzery-v-sweden.yaml").unlink()
    lovelace = root / "data" / "lovelace-v-canada.yaml"
    text = lovelace.read_text(encoding="utf-8")
    lovelace.write_text(text.replace("    case:", "    case: no-such-case\n    old_case:", 1)
                        if "    case:" in text else text + "\n", encoding="utf-8")


@pytest.fixture()
def projects(tmp_path: Path) -> tuple[Path, Path]:
    return _copy(tmp_path / "incremental"), _copy(tmp_path / "scratch")


def test_build_after_an_edit_gives_the_store_a_full_build_gives(projects, monkeypatch) -> None:
    incremental, scratch = projects
    assert _run(incremental, monkeypatch, "build")[0] == 0
    _edit(incremental)
    _edit(scratch)
    result = update_project(Project(incremental), [incremental / "data"], base=DEFAULT_BASE)
    assert (result.converted, result.removed, result.store_rewritten) == (2, 1, False)
    assert _run(incremental, monkeypatch, "build")[0] == 0  # nothing changed: nothing redone
    assert _run(scratch, monkeypatch, "build")[0] == 0
    assert _quads(incremental) == _quads(scratch)
    # The old versions' triples are out of the store, and their files out of the cache.
    assert _triple_files(incremental) == len(list((incremental / "data").glob("*.yaml")))


def _triple_files(root: Path) -> int:
    return len(list((root / ".casegraph" / "cache" / "nt").iterdir()))


def test_versions_converted_between_builds_leave_no_files_behind(projects) -> None:
    root = projects[0]
    project, data, base = Project(root), [root / "data"], DEFAULT_BASE
    update_project(project, data, base=base)
    agiza = root / "data" / "agiza-v-sweden.yaml"
    for n in range(3):  # each version converted by validate, none of them loaded into the store
        agiza.write_text(agiza.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")
        validate_project(project, data, base=base)
    assert _triple_files(root) == len(list((root / "data").glob("*.yaml"))) + 1  # the store's version
    update_project(project, data, base=base)
    assert _triple_files(root) == len(list((root / "data").glob("*.yaml")))


def test_validate_after_an_edit_prints_what_a_full_run_prints(projects, monkeypatch) -> None:
    incremental, scratch = projects
    first = _run(incremental, monkeypatch, "validate")
    assert first == _run(scratch, monkeypatch, "validate")
    _edit(incremental)
    _edit(scratch)
    again = _run(incremental, monkeypatch, "validate")
    assert again == _run(scratch, monkeypatch, "validate")
    # agiza names alzery, now deleted: the cross-case shape must see it.
    assert "agiza-v-sweden.yaml" in again[1] and again != first


def test_only_changed_cases_and_their_dependents_are_revalidated(projects) -> None:
    root = projects[0]
    project, data, base = Project(root), [root / "data"], DEFAULT_BASE
    first = validate_project(project, data, base=base)
    assert first.revalidated == first.case_count == len(list((root / "data").glob("*.yaml")))
    assert validate_project(project, data, base=base).revalidated == 0
    alzery = root / "data" / "alzery-v-sweden.yaml"
    alzery.write_text(alzery.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    # alzery itself, and agiza, which names it as related.
    assert validate_project(project, data, base=base).revalidated == 2
    assert validate_project(project, data, base=base).revalidated == 0


def test_a_changed_shapes_file_invalidates_everything(projects, monkeypatch) -> None:
    incremental, scratch = projects
    _run(incremental, monkeypatch, "validate")
    for root in projects:
        shapes = root / "shapes" / "recommended.ttl"
        shapes.write_text(shapes.read_text(encoding="utf-8").replace("sh:severity sh:Warning", "sh:severity sh:Info"),
                          encoding="utf-8")
    assert _run(incremental, monkeypatch, "validate") == _run(scratch, monkeypatch, "validate")


def test_a_query_never_answers_from_a_stale_store(projects) -> None:
    root, scratch = projects
    project, data, base = Project(root), [root / "data"], DEFAULT_BASE
    update_project(project, data, base=base)
    state = open_project_store(project, data, base=base)
    assert not state.rebuilt
    del state
    _edit(root)
    _edit(scratch)
    state = open_project_store(project, data, base=base)
    assert state.rebuilt
    del state
    # open_project_store brought the store up to date the incremental way: nothing is left to do.
    result = update_project(project, data, base=base)
    assert (result.converted, result.removed, result.store_rewritten) == (0, 0, False)
    update_project(Project(scratch), [scratch / "data"], base=base)
    assert _quads(root) == _quads(scratch)


def test_a_store_changed_behind_the_cache_is_rewritten(projects) -> None:
    root, scratch = projects
    project, data, base = Project(root), [root / "data"], DEFAULT_BASE
    update_project(project, data, base=base)
    (root / ".casegraph" / "manifest.json").unlink()  # as a build stopped half-way leaves it
    _edit(root)
    _edit(scratch)
    result = update_project(project, data, base=base)
    # Rewritten from the cache: only the two changed files are read again.
    assert (result.converted, result.store_rewritten) == (2, True)
    update_project(Project(scratch), [scratch / "data"], base=base)
    assert _quads(root) == _quads(scratch)


def test_an_unchanged_file_whose_time_moved_is_not_read_again(projects) -> None:
    root = projects[0]
    project, data, base = Project(root), [root / "data"], DEFAULT_BASE
    update_project(project, data, base=base)
    case = root / "data" / "agiza-v-sweden.yaml"
    case.write_bytes(case.read_bytes())  # same content, new modification time
    assert update_project(project, data, base=base).converted == 0
    case.write_text(case.read_text(encoding="utf-8").replace("Sweden", "Sweden!", 1), encoding="utf-8")
    assert update_project(project, data, base=base).converted == 1


def test_a_project_whose_work_folder_cannot_be_written_still_validates(projects, monkeypatch) -> None:
    root = projects[0]
    (root / ".casegraph").write_text("not a folder", encoding="utf-8")  # as a read-only checkout behaves
    code, output = _run(root, monkeypatch, "validate")
    assert code == 0 and "32 cases checked" in output and "conforms" in output
    code, output = _run(root, monkeypatch, "build")
    assert code != 0 and ".casegraph" in output and "Traceback" not in output


def test_a_build_checks_ahead_only_when_many_files_changed(projects, monkeypatch) -> None:
    from casegraph import checkers

    few, many = projects
    base = DEFAULT_BASE
    update_project(Project(few), [few / "data"], base=base)  # 32 files: fewer than CHECK_AHEAD_FROM
    after_few = validate_project(Project(few), [few / "data"], base=base)
    assert after_few.revalidated == after_few.case_count
    monkeypatch.setattr(checkers, "CHECK_AHEAD_FROM", 1)
    update_project(Project(many), [many / "data"], base=base)
    after_many = validate_project(Project(many), [many / "data"], base=base)
    # Checked during the build; validate checks again only cases that point into other cases.
    assert 0 < after_many.revalidated < after_many.case_count
    assert [str(r).replace(str(many), "") for r in after_many.report.results] == \
        [str(r).replace(str(few), "") for r in after_few.report.results]


def test_builds_of_different_folders_in_turn_give_their_own_stores(projects) -> None:
    """A build of other paths keeps the cache entries (and files) of the paths it did not list;
    going back and forth between the corpus and two of its files never loses a case's triples."""
    root, scratch = projects
    project, base = Project(root), DEFAULT_BASE
    corpus = [root / "data"]
    pair = [root / "data" / "agiza-v-sweden.yaml", root / "data" / "alzery-v-sweden.yaml"]
    expected = {}
    for name, paths in (("corpus", [scratch / "data"]),
                        ("pair", [scratch / "data" / "agiza-v-sweden.yaml", scratch / "data" / "alzery-v-sweden.yaml"])):
        update_project(Project(scratch), paths, base=base)
        expected[name] = _quads(scratch)
    for name, paths in (("corpus", corpus), ("pair", pair), ("corpus", corpus), ("pair", pair)):
        update_project(project, paths, base=base)
        assert _quads(root) == expected[name], name
    assert len(expected["pair"]) < len(expected["corpus"])
