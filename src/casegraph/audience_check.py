"""The check every export passes before it is written: nothing above its audience.

The filtered triples of each case are validated, with pyshacl, against the shapes in
``shapes/audience/`` together with a *guard* made from the unfiltered case: the levels the
audience may see, every withheld node, and the names and texts that must not appear (see
``docs/confidentiality.md``). The guard is only ever part of the check's data graph, never of
an export. A check that finds anything raises :class:`AudienceCheckError`, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from .confidentiality import LEVELS, FilteredCase, level_iri
from .namespaces import CG
from .convert import Triple
from .errors import CaseGraphError
from .validate import load_shapes

__all__ = ["AudienceFinding", "AudienceReport", "AudienceCheckError", "guard_triples", "check_export",
           "ensure_audience"]

CGSH = Namespace("https://w3id.org/casegraph/shapes#")
THIS_EXPORT = CGSH.thisExport


@dataclass(frozen=True)
class AudienceFinding:
    """One thing the check found: in which case, what, and the offending node or text."""

    case_id: str
    message: str
    focus_node: Node
    value: Node | None

    def __str__(self) -> str:
        return f"{self.case_id}: {self.message}"


@dataclass
class AudienceReport:
    """The outcome of checking one export for its audience."""

    audience: str
    findings: list[AudienceFinding] = field(default_factory=list)
    shapes_files: list[Path] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.findings


class AudienceCheckError(CaseGraphError):
    """An export holds something above its audience; nothing was written."""

    exit_code = 1

    def __init__(self, report: AudienceReport):
        self.report = report
        lines = [str(f) for f in report.findings[:20]]
        if len(report.findings) > 20:
            lines.append(f"... and {len(report.findings) - 20} more")
        super().__init__(f"the {report.audience} export failed its audience check "
                         f"({len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}); "
                         "nothing was written:\n  " + "\n  ".join(lines))


def guard_triples(case: FilteredCase, guard: Node | None = None) -> list[Triple]:
    """What the audience shapes must not find in this case's export (never itself exported).

    Args:
        case: the filtered case.
        guard: the node that holds the case's protected texts (a new blank node by default);
            each case checked in the same graph needs its own.
    """
    guard = guard if guard is not None else BNode()
    allowed = LEVELS[: LEVELS.index(case.audience) + 1]
    out: list[Triple] = [(THIS_EXPORT, CGSH.allowedLevel, level_iri(level)) for level in allowed]
    for node in case.withheld_iris:
        out.append((node, CGSH.withheldAt, level_iri(case.withheld.get(node, "internal"))))
    # A name is found as a whole word (\W on both sides, the same in XPath regular expressions
    # and in Python's); a withheld fact's text anywhere. Both in any case.
    patterns = [rf"(^|\W){_escape(w)}(\W|$)" for w in case.protected_words]
    patterns += [_escape(v) for v in case.protected_values]
    for text, pattern in zip([*case.protected_words, *case.protected_values], patterns):
        entry = BNode()
        out += [(entry, CGSH.entryOf, guard), (entry, CGSH.protectedText, Literal(text)),
                (entry, CGSH.textPattern, Literal(pattern))]
    if patterns:
        out += [(THIS_EXPORT, CGSH.caseGuard, guard), (guard, CGSH.anyTextPattern, Literal("|".join(patterns))),
                (guard, CGSH.guardsCase, case.iri)]
        nodes = [case.iri, *(s for s, _, _ in case.triples),
                 *(o for _, _, o in case.triples if isinstance(o, URIRef) and str(o).startswith(case.base))]
        out += [(guard, CGSH.guardsNode, n) for n in dict.fromkeys(nodes)]
    return out


def _escape(text: str) -> str:
    """Escape the characters special in regular expressions, with escapes valid in XPath and Python."""
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


_SPECIAL = set("\\|.-^?*+{}()[]$")


#: Cases checked in one pyshacl run: enough to spread its set-up (it parses every SPARQL
#: constraint on each run), few enough to keep the data graph small.
BATCH = 200


def check_export(cases: Sequence[FilteredCase], shapes_folder: Path, *, audience: str,
                 extra: Iterable[Triple] = ()) -> AudienceReport:
    """Check what an export is about to write: its cases, with their guards, and ``extra``.

    Args:
        cases: the filtered cases the export holds.
        shapes_folder: ``shapes/audience/`` of the project.
        audience: the export's audience.
        extra: further triples the export writes (its dataset metadata).

    Raises:
        ShapesError: the shapes are missing or do not parse.
    """
    from pyshacl import validate

    shapes, files = load_shapes(shapes_folder)
    report = AudienceReport(audience, shapes_files=files)
    visible = [c for c in cases if c.visible]
    hidden = [c for c in cases if not c.visible]
    batches = [visible[i:i + BATCH] for i in range(0, len(visible), BATCH)] or [[]]
    names: dict[Node, str] = {}
    for number, batch in enumerate(batches):
        data = Graph()
        for case in batch:
            names[case.iri] = case.case_id
            for triple in [*case.triples, *guard_triples(case)]:
                data.add(triple)
        if number == 0:
            # The metadata, and the nodes of cases withheld whole, are checked with the first batch.
            for triple in extra:
                data.add(triple)
            for case in hidden:
                for triple in guard_triples(case):
                    data.add(triple)
        for level in LEVELS[: LEVELS.index(audience) + 1]:
            data.add((THIS_EXPORT, CGSH.allowedLevel, level_iri(level)))
        _conforms, results, _text = validate(data, shacl_graph=shapes, inference="none", abort_on_first=False,
                                             allow_infos=True, allow_warnings=True, advanced=False)
        for result in results.subjects(SH.resultSeverity, None):
            focus = results.value(result, SH.focusNode)
            value = results.value(result, SH.value)
            message = str(results.value(result, SH.resultMessage) or "above the audience")
            report.findings.append(AudienceFinding(
                _case_of(focus, value, data, names, message), message, focus, value))
    report.findings.sort(key=lambda f: (f.case_id, f.message))
    return report


def _case_of(focus: Node, value: Node | None, data: Graph, names: dict[Node, str], message: str) -> str:
    """The case a finding is about, for the message."""
    for iri, name in names.items():
        if message.startswith(f"{iri} "):
            return name
    for node in (focus, value):
        if node in names:
            return names[node]
        case = data.value(node, CGSH.guardsCase) if node is not None else None
        case = case if case is not None else (data.value(node, CG.inCase) if node is not None else None)
        if case in names:
            return names[case]
    return "(export)"


def ensure_audience(cases: Sequence[FilteredCase], shapes_folder: Path, *, audience: str,
                    extra: Iterable[Triple] = ()) -> AudienceReport:
    """:func:`check_export`, raising when it finds anything.

    Raises:
        AudienceCheckError: the export holds something above its audience.
    """
    report = check_export(cases, shapes_folder, audience=audience, extra=extra)
    if not report.conforms:
        raise AudienceCheckError(report)
    return report

