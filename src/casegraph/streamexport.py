"""N-Quads exports of any size: the cases read, filtered, checked and written a batch at a time.

:func:`stream_nquads` writes the bytes :func:`casegraph.export.export_graph` gives for
``nquads`` (a named graph per case, in case order, then the dataset metadata graph), but never
holds more than one batch of cases: at 100,000 cases the in-memory export would hold some 15
million rdflib triples (tens of GB). Each batch is read and converted, filtered for the audience
and checked against ``shapes/audience/`` (the same pyshacl check, which runs on batches of
cases anyway), then appended to a partial file. The output appears only when every case file
read cleanly and every batch and the metadata passed the check; otherwise the partial file is
removed and the error lists every data problem (or the audience check's findings).

The dataset metadata states how many distinct triples the export holds. Distinct across cases:
a triple about a node of the case's own (its IRI or below it) is counted as it is written (no
other case's graph describes that node), and the few others (pseudonyms, shared nodes) are kept
in a set, so that memory stays small.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rdflib import URIRef

from .audience_check import AudienceCheckError, AudienceFinding, AudienceReport, check_export
from .build import build_cases
from .cases import case_file_names, load_cases
from .confidentiality import check_audience_name, filter_case
from .convert import Triple, case_iri
from .dataset_metadata import dataset_metadata, metadata_graph_iri
from .errors import CaseDataError, Problem, UsageError
from .export import serialise_quads, sorted_triples
from .paths import Project
from .pseudonyms import Pseudonymiser, load_pseudonym_key
from .validate import load_shapes
from .vocabulary import Vocabulary

__all__ = ["BATCH", "StreamedExport", "stream_nquads"]

#: Cases read, filtered and checked at a time: the audience check's own batch.
BATCH = 200


@dataclass(frozen=True)
class StreamedExport:
    """What :func:`stream_nquads` wrote: the cases exported, those withheld whole, the quads."""

    cases: int
    withheld_cases: int
    quads: int


@dataclass
class _Batch:
    """One batch done: its N-Quads, or its data problems, or the audience check's findings."""

    nquads: bytes = b""
    quads: int = 0
    cases: list[URIRef] = field(default_factory=list)
    withheld: int = 0
    own_triples: int = 0
    other_triples: set[Triple] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    findings: list[AudienceFinding] = field(default_factory=list)
    shapes_files: list[Path] = field(default_factory=list)


# What every batch shares, set before the workers fork (they inherit it, nothing is pickled).
_JOB: dict = {}


def stream_nquads(paths: Iterable[Path], vocabulary: Vocabulary, *, project: Project, output: Path,
                  audience: str = "public", base: str, pseudonym_key: bytes | None = None,
                  created: datetime | None = None, workers: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> StreamedExport:
    """Export every case file at or below ``paths`` as N-Quads to ``output``, a batch at a time.

    The arguments are those of :func:`casegraph.export.export_graph` (all cases, format
    ``nquads``), plus ``output`` (written whole or not at all), ``workers`` (processes; default
    one per core: batches are done side by side and written in order) and ``progress`` (called
    with files done and files in all).

    Raises:
        CaseDataError: every problem in every case file, located; nothing is written.
        AudienceCheckError: the export holds something above its audience; nothing is written.
        UsageError: an unknown audience, or ``output`` cannot be written.
        ShapesError: the audience shapes cannot be read.
    """
    check_audience_name(audience)
    key = pseudonym_key if pseudonym_key is not None else load_pseudonym_key(project.work)
    files = _in_case_order(paths, base)
    batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
    shapes = project.shapes / "audience"
    load_shapes(shapes)  # a missing or broken shapes folder fails here, before any work
    _JOB.update(vocabulary=vocabulary, audience=audience, base=base, key=key, shapes=shapes)
    partial = output.with_name(f".{output.name}.partial")
    report = AudienceReport(audience)
    problems: list[Problem] = []
    exported: list[URIRef] = []
    withheld = quads = own_triples = done = 0
    other_triples: set[Triple] = set()
    workers = workers or os.cpu_count() or 1
    try:
        with partial.open("wb") as out, contextlib.ExitStack() as stack:
            if workers > 1 and len(batches) > 1:
                pool = stack.enter_context(multiprocessing.get_context("fork").Pool(workers))
                outcomes = pool.imap(_export_batch, batches)
            else:
                outcomes = map(_export_batch, batches)
            for batch in outcomes:
                # Once anything has failed nothing will be written, but every data problem is
                # still collected, so that one run reports them all.
                problems.extend(batch.problems)
                report.findings.extend(batch.findings)
                report.shapes_files = batch.shapes_files or report.shapes_files
                if not problems and report.conforms:
                    out.write(batch.nquads)
                    exported.extend(batch.cases)
                    withheld += batch.withheld
                    own_triples += batch.own_triples
                    other_triples |= batch.other_triples
                    quads += batch.quads
                done = min(done + BATCH, len(files))
                if progress is not None:
                    progress(done, len(files))
            if problems:
                raise CaseDataError(problems)
            if report.conforms:
                metadata = sorted_triples(dataset_metadata(
                    base=base, audience=audience, cases=exported, triple_count=own_triples + len(other_triples),
                    vocabulary=vocabulary, created=created))
                report.findings.extend(check_export([], shapes, audience=audience, extra=metadata).findings)
            if not report.conforms:
                report.findings.sort(key=lambda f: (f.case_id, f.message))
                raise AudienceCheckError(report)
            name = metadata_graph_iri(base, audience)
            out.write(serialise_quads([(s, p, o, name) for s, p, o in metadata], "nquads"))
            quads += len(metadata)
        partial.replace(output)
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
        _JOB.clear()
    return StreamedExport(len(exported), withheld, quads)


def _export_batch(files: list[str]) -> _Batch:
    """Read, convert, filter, check and serialise one batch of case files (in a worker)."""
    job = _JOB
    outcome = _Batch()
    paths = [Path(f) for f in files]
    try:
        build = build_cases(paths, job["vocabulary"], base=job["base"])
    except CaseDataError as error:
        outcome.problems = list(error.problems)
        return outcome
    pseudonymiser = Pseudonymiser(job["key"])
    graphs = sorted(build.graphs, key=lambda g: str(g.iri))
    filtered = [filter_case(g, job["audience"], pseudonymiser) for g in graphs]
    checked = check_export(filtered, job["shapes"], audience=job["audience"])
    outcome.findings, outcome.shapes_files = checked.findings, checked.shapes_files
    if not checked.conforms:
        return outcome
    quads = []
    for case in filtered:
        if not case.visible:
            outcome.withheld += 1
            continue
        own, below = str(case.iri), str(case.iri) + "/"
        for triple in sorted_triples(case.triples):
            subject = str(triple[0])
            if subject == own or subject.startswith(below):
                outcome.own_triples += 1  # about the case's own nodes: in no other case's graph
            else:
                outcome.other_triples.add(triple)
            quads.append((*triple, case.iri))
        outcome.cases.append(case.iri)
    outcome.nquads, outcome.quads = serialise_quads(quads, "nquads"), len(quads)
    return outcome


def _in_case_order(paths: Iterable[Path], base: str) -> list[str]:
    """The case files, in the order of their cases' IRIs (the export's order); a case id used
    twice is an error here, as :func:`casegraph.cases.load_cases` would find it (in one batch
    it could not)."""
    files = case_file_names(paths)
    if len({Path(name).stem for name in files}) < len(files):
        load_cases(Path(name) for name in files)  # raises, with every problem of every file
    return sorted(files, key=lambda name: str(case_iri(base, Path(name).stem)))

