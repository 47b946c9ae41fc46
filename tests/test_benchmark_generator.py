"""The benchmark's synthetic cases: deterministic, realistic in size, and valid."""

from __future__ import annotations

from pathlib import Path

from casegraph.build import build_cases
from casegraph.validate import validate_build

from .conftest import case_generator


def test_generated_cases_are_deterministic(tmp_path: Path) -> None:
    gen = case_generator()
    first = gen.generate(20, tmp_path / "a")
    second = gen.generate(20, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second))
    # case i does not depend on how many cases are made
    assert gen.generate(5, tmp_path / "c")[4].read_bytes() == first[4].read_bytes()


def test_generated_cases_validate(tmp_path: Path, project, vocabulary) -> None:
    gen = case_generator()
    gen.generate(20, tmp_path)
    build = build_cases([tmp_path], vocabulary)
    assert len(build.graphs) == 20
    assert 90 <= build.triple_count / 20 <= 200
    report = validate_build(build, project.shapes)
    assert report.conforms, [str(r) for r in report.results if r.severity == "error"]
