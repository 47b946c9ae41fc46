"""Shared fixtures: the project under test and its built cases."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from casegraph.build import Build, build_cases
from casegraph.paths import Project
from casegraph.vocabulary import Vocabulary, load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
QUERY_FIXTURES = FIXTURES / "queries"
GERASIMOV = ROOT / "data" / "gerasimov-v-kazakhstan.yaml"
#: The day-range block the date questions repeat (SPARQL 1.1 has no named sub-queries).
DAY_RANGE_BLOCK = re.compile(r"# ---- day range of \?date.*?\n(.*?)# ---- end of the repeated block ----", re.DOTALL)


def case_generator() -> ModuleType:
    """The benchmark's generator of synthetic case files (benchmarks/generate.py)."""
    spec = importlib.util.spec_from_file_location("cg_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_cases(tmp_path: Path, count: int) -> Path:
    """A folder of ``count`` generated case files under ``tmp_path``."""
    case_generator().generate(count, tmp_path / "generated")
    return tmp_path / "generated"


@pytest.fixture()
def tmp_project(tmp_path: Path) -> Path:
    """A copy of the project with only the reference case, to build into freely (test modules
    that need other cases give their own)."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "data").mkdir()
    shutil.copy(GERASIMOV, tmp_path / "data")
    return tmp_path


@pytest.fixture()
def query_project(tmp_path: Path) -> Path:
    """A copy of the project with the query fixtures (whose answers the tests work out by hand)
    and the reference case as its data."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "data").mkdir()
    for case in [*QUERY_FIXTURES.glob("*.yaml"), GERASIMOV]:
        shutil.copy(case, tmp_path / "data")
    return tmp_path


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def vocabulary(project: Project) -> Vocabulary:
    return load_vocabulary(project.ontology)


@pytest.fixture(scope="session")
def gerasimov_build(project: Project, vocabulary: Vocabulary) -> Build:
    """The reference case alone."""
    return build_cases([project.data / "gerasimov-v-kazakhstan.yaml"], vocabulary)


@pytest.fixture(scope="session")
def data_build(project: Project, vocabulary: Vocabulary) -> Build:
    """Every case in data/."""
    return build_cases([project.data], vocabulary)
