"""The compiled SHACL checker a project keeps (see :mod:`casegraph.keptchecker`): made once for
the shapes and the ontology, used by `casegraph validate` for the cases that changed and by
`casegraph build` to check ahead while it reads many files anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .casecache import CaseCache
from .parallel import Checker
from .paths import Project

__all__ = ["CHECK_AHEAD_FROM", "check_ahead", "compiled_checker", "kept_checker"]


def kept_checker(cache: CaseCache, project: Project, base: str) -> tuple[Checker | None, list[tuple] | None]:
    """The compiled shapes and the ontology's own results, kept in the cache (see
    :mod:`casegraph.keptchecker`). (None, None) when the fast engine cannot check these shapes."""
    from .keptchecker import pack, unpack

    blob = cache.kept_checker()
    if blob is not None:
        try:
            return unpack(blob)
        except Exception:  # noqa: BLE001 - an unreadable copy is made again
            pass
    from .fastvalidate import shape_names, to_validation_result, vocabulary_results
    from .resultrows import to_row
    from .validate import load_shapes

    shapes, _files = load_shapes(project.shapes)
    check = compiled_checker(shapes, cache.vocabulary(project), base)
    if check is None:
        return None, None
    names = shape_names(shapes)
    rows = [to_row(to_validation_result(r, names, {})) for r in vocabulary_results(check.compiled, check.ontology)]
    cache.keep_checker(pack(check, rows))
    return check, rows


def compiled_checker(shapes: Any, vocabulary: Any, base: str) -> Checker | None:
    """What checking cases one by one needs, or None when the fast engine cannot do it (the
    shapes use SHACL it lacks, or ontology nodes sit under the case IRIs)."""
    from .fastconvert import IRI
    from .fastshacl import compile_shapes
    from .fastvalidate import ontology_index, shape_names

    compiled = compile_shapes(shapes, vocabulary.graph)
    if compiled is None:
        return None
    onto = ontology_index(vocabulary.graph)
    cases_root = f"{base}case/"
    if any(type(s) is IRI and s.startswith(cases_root) for s in onto.spo):
        return None
    return Checker(compiled, onto, shape_names(shapes), vocabulary.state_iris())


# A build checks ahead only when this many files changed: for fewer, compiling the shapes
# (0.3 s) costs more than `casegraph validate` reading those few files again.
CHECK_AHEAD_FROM = 50


def check_ahead(project: Project, base: str) -> Callable[[CaseCache, int], Checker | None]:
    """For a build of many changed files: check each case while it is read anyway, so that
    `casegraph validate` finds the results made (reading a case costs more than checking it).
    Shapes that do not parse are left for `casegraph validate` to report."""
    from .errors import ShapesError

    def checker(cache: CaseCache, count: int) -> Checker | None:
        if count < CHECK_AHEAD_FROM:
            return None
        try:
            return kept_checker(cache, project, base)[0]
        except ShapesError:
            return None

    return checker
