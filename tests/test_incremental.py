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
from casegraph.workspace import open_project_store, update_project, validate_project

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
    seen: list[int] = []
    validate_project(project, data, base=base, progress=lambda done, total: seen.append(total))
    assert seen[-1] == len(list((root / "data").glob("*.yaml")))
    seen.clear()
    validate_project(project, data, base=base, progress=lambda done, total: seen.append(total))
    assert seen == []
    alzery = root / "data" / "alzery-v-sweden.yaml"
    alzery.write_text(alzery.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    validate_project(project, data, base=base, progress=lambda done, total: seen.append(total))
    assert seen[-1] == 2  # alzery read again, then: alzery itself, and agiza which names it
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
    root = projects[0]
    project, data, base = Project(root), [root / "data"], DEFAULT_BASE
    update_project(project, data, base=base)
    assert not open_project_store(project, data, base=base).rebuilt
    _edit(root)
    state = open_project_store(project, data, base=base)
    assert state.rebuilt
    del state
    result = update_project(project, data, base=base)
    # open_project_store rebuilt the store without the cache: it is rewritten from the cache,
    # whose conversions were kept (only the two changed files are read again).
    assert result.converted == 2 and result.store_rewritten
    assert not open_project_store(project, data, base=base).rebuilt
