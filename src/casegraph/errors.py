"""The exceptions casegraph raises. Each carries the exit code the CLI uses for it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "CaseGraphError",
    "CaseDataError",
    "Problem",
    "ShapesError",
    "QueryError",
    "EndpointError",
    "UsageError",
    "WorkspaceError",
]


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when below it."""
    return _display_path(str(path), os.getcwd())


def display_path_text(path: str, cwd: str) -> str:
    """:func:`display_path` of a path given as text, from the working directory ``cwd``."""
    return _display_path(path, cwd)


@lru_cache(maxsize=1 << 18)
def _display_path(path: str, cwd: str) -> str:
    # Cached, and each folder resolved once: printing 62,731 results of 100,000 cases resolved
    # every file's path component by component, 2 s of a 9 s validation.
    head, tail = os.path.split(path)
    if os.path.isabs(path) and tail not in ("", ".", "..") and not os.path.islink(path):
        resolved = os.path.join(_real_folder(head), tail)
    else:
        resolved = os.path.realpath(path)
    here = _real_folder(cwd)
    if resolved == here:
        return "."
    below = here if here.endswith(os.sep) else here + os.sep
    return resolved[len(below):] if resolved.startswith(below) else path


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def problem_text(where: str, line: int | None, column: int | None, field: str, message: str) -> str:
    """A problem printed like an editor link, its path already as :func:`display_path` gives it."""
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    field = f" {field}:" if field else ""
    return f"{where}:{field} {message}"


@dataclass(frozen=True)
class Problem:
    """One located problem in a case file, printed like an editor link.

    Example: ``data/gerasimov-v-kazakhstan.yaml:17:5: money[0].currency: 'KZX' is not ...``
    """

    path: Path
    line: int | None
    column: int | None
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return problem_text(display_path(self.path), self.line, self.column, self.field, self.message)


class CaseGraphError(Exception):
    """Base class of every error casegraph raises on purpose."""

    exit_code = 1


class CaseDataError(CaseGraphError):
    """Case files that cannot be read: each problem names file, line and field."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UsageError(CaseGraphError):
    """The command was called wrongly (unknown option value, missing folder ...)."""

    exit_code = 2


class ShapesError(CaseGraphError):
    """The SHACL shapes (or the ontology) in the project cannot be read."""

    exit_code = 2


class QueryError(CaseGraphError):
    """A query file or its parameters are wrong, or the query failed."""

    exit_code = 3

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = display_path(path) + (f":{line}" if line else "") + ": "
        super().__init__(where + message)


class EndpointError(CaseGraphError):
    """A remote SPARQL endpoint could not be reached or gave a bad answer."""

    exit_code = 3

    def __init__(self, message: str, *, url: str, status: int | None = None):
        self.url = url
        self.status = status
        status_text = f" (HTTP {status})" if status is not None else ""
        super().__init__(f"{url}{status_text}: {message}")


class WorkspaceError(CaseGraphError):
    """The project's work folder (.casegraph/: the embedded store, the cache) cannot be written."""

    exit_code = 4
