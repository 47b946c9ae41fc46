"""The whole project as one dataset file for the bulk loader of a large SPARQL engine.

`casegraph dump` writes a named graph per case (the case's IRI), plus the ontology and
vocabularies in their own graph: the graphs `casegraph push` and `casegraph export` give. It is
streamed from the cache's per-case N-Triples files (kept in step with the embedded store by
:func:`casegraph.workspace.update_project`), so memory stays flat at any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .build import VOCABULARY_GRAPH
from .casecache import CaseCache
from .errors import UsageError
from .paths import Project
from .store import ntriples

__all__ = ["DUMP_FORMATS", "write_dump"]

DUMP_FORMATS = ("nquads", "trig")


def write_dump(project: Project, *, base: str, output: Path, fmt: str = "nquads") -> int:
    """Write the dataset the embedded store holds, a graph per case, to ``output``; the number
    of quads written. Call :func:`casegraph.workspace.update_project` first: the dump is what
    the last build left. The file appears only when complete.

    Raises:
        UsageError: ``output`` cannot be written.
    """
    import pyoxigraph as ox

    cache = CaseCache(project, base)
    graphs: dict[str, str] = cache.state.get("graphs") or {}
    vocabulary = cache.vocabulary(project)
    formats = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
    partial = output.with_name(output.name + ".partial")
    written = 0

    def quads() -> Iterator[Any]:
        nonlocal written
        for iri in sorted(graphs):
            graph = ox.NamedNode(iri)
            for t in ox.parse(path=str(cache.nt_folder / graphs[iri]), format=ox.RdfFormat.N_TRIPLES):
                written += 1
                yield ox.Quad(t.subject, t.predicate, t.object, graph)
        text = "".join(ntriples(vocabulary.graph))
        graph = ox.NamedNode(str(VOCABULARY_GRAPH))
        for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            written += 1
            yield ox.Quad(t.subject, t.predicate, t.object, graph)

    try:
        ox.serialize(quads(), str(partial), format=formats[fmt])
        partial.replace(output)
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return written
