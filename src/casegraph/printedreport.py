"""A validation report as `casegraph validate` prints it, put together from each file's lines
as the cache keeps them.

Results are printed sorted by file, line, field and message, one of each printed line and
severity (:func:`casegraph.resultrows.report_rows`); every result of a case file is located in
that file, so each file's results are one block of the output. The cache keeps each block
already sorted and printed, without its path (which depends on the working folder):
at 100,000 cases, turning 62,731 rows into lines again at every command took a second.
Results not located in their own file (on the ontology, ``(graph)``) are printed from rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import _real_folder, display_path_text, problem_text
from .resultrows import report_rows

__all__ = ["PrintedReport", "file_block", "printed_report"]

# Between a block's lines: a line never holds it (a file whose results would is printed from rows).
_SEP = "\0"


def file_block(path: str, rows: list[tuple]) -> tuple[int, int | None, int | None, str | None, str | None]:
    """One file's results as the cache keeps them: (loose, errors, warnings, lines, error lines).
    ``loose`` (1) when they cannot be kept printed: printed from rows instead."""
    if any(r[0] != path for r in rows):
        return 1, None, None, None, None
    seen: set[tuple[str, str]] = set()
    lines: list[str] = []
    errors: list[str] = []
    warnings = 0
    for r in sorted(rows, key=lambda r: (r[1] or 0, r[3], r[4])):  # stable, as report_rows sorts
        text = problem_text("", r[1], r[2], r[3], r[4])  # the path is put in front when printed
        if (text, r[5]) in seen:
            continue
        seen.add((text, r[5]))
        line = f"{text} [{r[5]}]"
        if _SEP in line:
            return 1, None, None, None, None
        lines.append(line)
        if r[5] == "error":
            errors.append(line)
        elif r[5] == "warning":
            warnings += 1
    return 0, len(errors), warnings, _SEP.join(lines), None if len(errors) == len(lines) else _SEP.join(errors)


class PrintedReport:
    """A :class:`casegraph.validate.ValidationReport` whose printed lines are ready:
    ``results`` are read back only when asked for."""

    def __init__(self, texts: list[tuple[str, str]], counts: dict[str, int], shapes_files: list[Path],
                 results: Callable[[], list[Any]]):
        self._texts = texts  # (every line, error lines) of each file, in the order printed
        self._counts = counts
        self.shapes_files = shapes_files
        self._load = results
        self._results: list[Any] | None = None

    @property
    def results(self) -> list[Any]:
        if self._results is None:
            self._results = self._load()
        return self._results

    @property
    def conforms(self) -> bool:
        return not self._counts["error"]

    def count(self, severity: str) -> int:
        if severity in self._counts:
            return self._counts[severity]
        return sum(1 for r in self.results if r.severity == severity)

    def printed(self, warnings: bool = True) -> str:
        """The results as printed, one a line (with ``warnings``: warnings and notes too)."""
        return "\n".join(t for t in (a if warnings else e for a, e in self._texts) if t)


def _plain_display(cwd: str) -> Callable[[str], str]:
    """:func:`casegraph.errors.display_path_text` for absolute paths of plain files (not
    symbolic links), without asking the system whether each is a link, and working out each
    folder once: 45,146 calls took 0.3 s."""
    here = _real_folder(cwd)
    below = here if here.endswith(os.sep) else here + os.sep
    folder = ["", ""]  # the last file's folder with a separator after it, and that folder resolved so

    def display(path: str) -> str:
        start = folder[0]
        if start and path.startswith(start) and os.sep not in path[len(start):]:
            tail = path[len(start):]
        else:
            head, tail = os.path.split(path)
            if not os.path.isabs(path):
                return display_path_text(path, cwd)
            folder[0] = os.path.join(head, "")
            folder[1] = os.path.join(_real_folder(head), "")
        if tail in ("", ".", ".."):
            return display_path_text(path, cwd)
        resolved = folder[1] + tail  # os.path.join(resolved folder, tail)
        if resolved == here:
            return "."
        return resolved[len(below):] if resolved.startswith(below) else path

    return display


def printed_report(blocks: list[tuple], loose_rows: list[tuple], shapes_files: list[Path],
                   results: Callable[[], list[Any]], unsure: set[str] | None = None) -> PrintedReport | None:
    """The report from the kept blocks ``(file, errors, warnings, lines, error lines)`` and the
    rows printed from rows (in the order :func:`casegraph.resultrows.report_rows` is given them);
    None when a row's file also has a block (then everything is printed from rows).

    ``unsure``: the files that may be symbolic links (the others are known to be plain files);
    None: any may be."""
    cwd = os.getcwd()
    plain = _plain_display(cwd)
    counts = {"error": 0, "warning": 0}
    parts: list[tuple[str, str, str]] = []
    paths = set()
    for path, errors, warnings, lines, error_lines in blocks:
        where = display_path_text(path, cwd) if unsure is None or path in unsure else plain(path)
        between = "\n" + where
        every = where + lines.replace(_SEP, between)
        parts.append((path, every, every if error_lines is None else
                      where + error_lines.replace(_SEP, between) if error_lines else ""))
        counts["error"] += errors
        counts["warning"] += warnings
        paths.add(path)
    group: list[Any] = []
    for result in report_rows(loose_rows) + [None]:  # one part per file, as the rows are sorted
        if group and (result is None or result.row[0] != group[0].row[0]):
            if group[0].row[0] in paths:
                return None
            parts.append((group[0].row[0], "\n".join(str(r) for r in group),
                          "\n".join(str(r) for r in group if r.severity == "error")))
            for r in group:
                if r.severity in counts:
                    counts[r.severity] += 1
            group = []
        if result is not None:
            group.append(result)
    parts.sort(key=lambda part: part[0])
    return PrintedReport([(every, errors) for _path, every, errors in parts], counts, shapes_files, results)
