"""Finds a casegraph project (ontology/, shapes/, queries/, data/) on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError


@dataclass(frozen=True)
class Project:
    """The folders of one casegraph project."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def work(self) -> Path:
        """Where built artefacts (the embedded store) are kept between commands."""
        return self.root / ".casegraph"


def find_project(start: Path | None = None) -> Project:
    """The nearest folder at or above ``start`` that holds ontology/ and shapes/.

    Raises:
        UsageError: when there is none.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology").is_dir() and (folder / "shapes").is_dir():
            return Project(folder)
    raise UsageError(
        f"no casegraph project at or above {here}: expected folders ontology/ and shapes/. "
        "Run the command inside the project, or pass --root."
    )
