"""The fast paths give exactly what the plain ones give: the same graph as convert.py, the same
JSON Schema verdict as jsonschema, the same SHACL results as pyshacl."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest
from rdflib import BNode

from casegraph.build import build_cases
from casegraph.cases import case_schema, load_cases
from casegraph.fastconvert import convert_case_fast
from casegraph.fastschema import compile_schema
from casegraph.namespaces import DEFAULT_BASE
from casegraph.paths import Project
from casegraph.validate import validate_build, validate_graph

from .conftest import FIXTURES, generated_cases


def _key(r) -> tuple:
    shape = "_:shape" if isinstance(r.source_shape, BNode) else str(r.source_shape)
    return (r.severity, r.message, str(r.focus_node), str(r.result_path), str(r.value), str(r.constraint),
            str(r.problem), shape)


def _sources(project, tmp_path):
    return [[project.data], [generated_cases(tmp_path, 60)], [FIXTURES / "valid"], [FIXTURES / "queries"],
            [FIXTURES / "invalid" / "undefined-article.yaml"]]


def test_fast_converter_makes_the_same_graph(project, vocabulary, tmp_path) -> None:
    import pyoxigraph as ox

    from casegraph.convert import convert_case

    states = vocabulary.state_iris()
    for paths in _sources(project, tmp_path):
        for case in load_cases(paths):
            slow = convert_case(case, base=DEFAULT_BASE, states=states)
            fast = convert_case_fast(case, base=DEFAULT_BASE, states=states)
            plain = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in slow.triples)
            assert set(ox.parse(fast.ntriples().encode(), format=ox.RdfFormat.N_TRIPLES)) == \
                set(ox.parse(plain.encode(), format=ox.RdfFormat.N_TRIPLES)), case.case_id


def test_fast_schema_check_agrees_with_jsonschema(project, tmp_path) -> None:
    from jsonschema import Draft202012Validator

    check = compile_schema(case_schema())
    assert check is not None
    validator = Draft202012Validator(case_schema())
    rng = random.Random(6)
    values = [1, "x", None, True, [], {}, 1.5, "2007-13-45", "XX", [1], {"a": 1}, -1, "", "KZ", "violation"]

    def mutate(data):
        data = copy.deepcopy(data)
        node = data
        for _ in range(8):
            if isinstance(node, dict) and node:
                key = rng.choice(list(node))
                if rng.random() < 0.3 or not isinstance(node[key], (dict, list)):
                    node[key] = rng.choice(values)
                    return data
                node = node[key]
            elif isinstance(node, list) and node:
                i = rng.randrange(len(node))
                if rng.random() < 0.3 or not isinstance(node[i], (dict, list)):
                    node[i] = rng.choice(values + [node[0]])
                    return data
                node = node[i]
        if isinstance(node, dict):
            node[rng.choice(["bogus", "id", "date", "versions"])] = rng.choice(values)
        return data

    cases = load_cases([project.data, generated_cases(tmp_path, 60)])
    for case in cases:
        assert check(case.data)
        for _ in range(15):
            mutated = mutate(case.data)
            assert check(mutated) == validator.is_valid(mutated)


def test_fast_validation_equals_pyshacl(project, vocabulary, tmp_path) -> None:
    for paths in _sources(project, tmp_path):
        build = build_cases(paths, vocabulary)
        fast = validate_build(build, project.shapes)
        slow = validate_build(build, project.shapes, engine="pyshacl")
        assert [_key(r) for r in fast.results] == [_key(r) for r in slow.results], paths


def test_fast_validation_finds_each_defect_as_pyshacl(gerasimov_build, project) -> None:
    from casegraph.fastshacl import Index, compile_shapes
    from casegraph.fastvalidate import to_validation_result
    from casegraph.validate import load_shapes

    from .test_validate import _broken_gerasimov

    graph = _broken_gerasimov(gerasimov_build)
    shapes, _ = load_shapes(project.shapes)
    compiled = compile_shapes(shapes, gerasimov_build.vocabulary.graph)
    raw = compiled.validate(Index.from_graph(graph), Index())
    locations = gerasimov_build.locations()
    ours = sorted(_key(to_validation_result(r, shapes, locations)) for r in raw)
    theirs = sorted(_key(r) for r in validate_graph(graph, project.shapes, locations=locations).results)
    assert sorted(set(ours)) == sorted(set(theirs))


def _workspace(tmp_path: Path, project) -> Project:
    """A project that borrows the repository's ontology and shapes, with its own .casegraph/."""
    root = tmp_path / "workspace"
    root.mkdir()
    for folder in ("ontology", "shapes"):
        (root / folder).symlink_to(getattr(project, folder), target_is_directory=True)
    return Project(root)


@pytest.fixture(params=["one process", "workers"])
def worker_mode(request, monkeypatch) -> str:
    from casegraph import parallel

    if request.param == "workers":  # small chunks, so that both workers get several
        monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
        monkeypatch.setattr(parallel, "CHUNK", 25)
    else:
        monkeypatch.setattr(parallel, "PARALLEL_FROM", 10**9)
    return request.param


def test_project_build_and_validation_equal_the_plain_ones(project, vocabulary, tmp_path, worker_mode) -> None:
    import pyoxigraph as ox

    from casegraph.store import ntriples
    from casegraph.projectvalidation import validate_project
    from casegraph.workspace import update_project

    folder = generated_cases(tmp_path, 120)
    workspace = _workspace(tmp_path, project)
    built = update_project(workspace, [folder, project.data], base=DEFAULT_BASE)
    checked = validate_project(workspace, [folder, project.data], base=DEFAULT_BASE)
    build = build_cases([folder, project.data], vocabulary)
    assert built.case_count == checked.case_count == len(build.graphs)
    assert built.triple_count == build.triple_count
    slow = validate_build(build, project.shapes, engine="pyshacl")
    assert [_key(r) for r in checked.report.results] == [_key(r) for r in slow.results]
    store = ox.Store.read_only(str(workspace.work / "store"))
    # Both through a store: Oxigraph keeps numbers in canonical form (13000.0 -> 13000). The
    # embedded store holds every case's triples and the vocabulary's in its default graph.
    expected = ox.Store()
    expected.load("".join(ntriples((s, p, o) for s, p, o, _ in build.quads())).encode(), format=ox.RdfFormat.N_TRIPLES)
    assert set(store) == set(expected)


def test_project_build_reports_problems_like_load_cases(project, tmp_path, worker_mode, monkeypatch) -> None:
    from casegraph import parallel
    from casegraph.errors import CaseDataError
    from casegraph.workspace import update_project

    monkeypatch.setattr(parallel, "CHUNK", 3)
    folder = FIXTURES / "invalid"
    with pytest.raises(CaseDataError) as plain:
        load_cases([folder])
    workspace = _workspace(tmp_path, project)
    with pytest.raises(CaseDataError) as fast:
        update_project(workspace, [folder], base=DEFAULT_BASE)
    assert [str(p) for p in fast.value.problems] == [str(p) for p in plain.value.problems]
    assert not (workspace.work / "store").exists()


def test_fast_validation_of_unversioned_figures_equals_pyshacl(project, vocabulary) -> None:
    from casegraph.fastshacl import Index, compile_shapes
    from casegraph.fastvalidate import to_validation_result
    from casegraph.validate import load_shapes

    from .test_validate import _unversioned_figures

    build, graph, _, _ = _unversioned_figures(vocabulary)
    graph += vocabulary.graph
    shapes, _ = load_shapes(project.shapes)
    compiled = compile_shapes(shapes, vocabulary.graph)
    raw = compiled.validate(Index.from_graph(graph), Index())
    locations = build.locations()
    ours = sorted(set(_key(to_validation_result(r, shapes, locations)) for r in raw))
    theirs = sorted(set(_key(r) for r in validate_graph(graph, project.shapes, locations=locations).results))
    assert ours == theirs and any("SingleAmountShape" in str(k) for k in ours)


def _collector_thresholds(chunk: list) -> list:
    import gc

    return [gc.get_threshold()]


def test_workers_collect_garbage_rarely(monkeypatch, tmp_path) -> None:
    """Workers make thousands of short-lived objects a case; Python's default collector
    thresholds cost a sixth of their time (see casegraph.gcpolicy)."""
    import gc

    from casegraph import parallel

    monkeypatch.setattr(parallel, "_process", _collector_thresholds)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parallel, "CHUNK", 1)
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's default (the CLI, run in-process by other tests, changes it)
    try:
        seen = parallel.process_case_files([("a", "a.nt"), ("b", "b.nt")], base=DEFAULT_BASE, states={},
                                           nt_folder=tmp_path, workers=2)
        assert gc.get_threshold() == (700, 10, 10)  # the caller's own process is left as it was
    finally:
        gc.set_threshold(*before)
    assert seen == [(100_000, 50, 100)] * 2
