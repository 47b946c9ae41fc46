"""The case files below the data folders with their size and modification time, and which of
them differ from what the last command saw.

After one edit in a 100,000-case project, sorting the file names and making an object per cache
entry cost more than reading the edited file. So the last command's listing is kept as one line
per file, ``path NUL size NUL mtime``, and the next one compares the two as sets of strings
(in C): only the few lines that differ are looked at one by one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import CaseDataError, Problem

__all__ = ["Listing", "list_case_files", "path_order"]


def list_case_files(paths: Iterable[Path]) -> tuple[list[str], set[str]]:
    """:func:`casegraph.cases.case_file_names`, unsorted (the same files and the same error;
    sorting 100,000 names is left to the callers that need an order), and those of them that
    are symbolic links or were named rather than found (the others are plain files)."""
    found: dict[str, None] = {}  # a file named twice (a folder and a file in it) is listed once
    unsure: set[str] = set()
    for path in paths:
        if path.is_dir():
            _walk(os.fspath(path), found, unsure)
        elif path.exists():
            found[str(path)] = None
            unsure.add(str(path))
        else:
            raise CaseDataError([Problem(path, None, None, "", "no such file or folder")])
    return list(found), unsure


def _walk(top: str, found: dict[str, None], links: set[str]) -> None:
    # os.walk (top-down, symbolic links to folders not followed, unreadable folders skipped),
    # with scandir's own paths (no os.path.join per file) and its file types (no stat per file).
    try:
        scan = os.scandir(top)
    except OSError:
        return
    folders = []
    with scan:
        for entry in scan:
            if entry.name.endswith((".yaml", ".yml")):
                try:
                    plain = entry.is_file(follow_symlinks=False)  # from the folder's listing
                except OSError:
                    plain = False
                if plain:  # most of them: one question, not two
                    found[entry.path] = None
                    continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                try:
                    is_link = entry.is_symlink()
                except OSError:
                    is_link = False
                if not is_link:
                    folders.append(entry.path)
            elif entry.name.endswith((".yaml", ".yml")):
                found[entry.path] = None
                try:
                    if entry.is_symlink():
                        links.add(entry.path)
                except OSError:
                    links.add(entry.path)
    for folder in folders:
        _walk(folder, found, links)


def path_order(path: str) -> str:
    """The sort key of :func:`casegraph.cases.case_file_names` (the order Path sorts in)."""
    return path.replace(os.sep, "\0")


class Listing:
    """The listed files and their stamps (one stat each), in no particular order; ``unsure``:
    those that may be symbolic links (see :func:`list_case_files`)."""

    __slots__ = ("files", "unsure", "stats", "keys", "max_mtime_ns")

    def __init__(self, paths: Iterable[Path]):
        stat = os.stat
        files, self.unsure = list_case_files(paths)
        self.files = files
        self.stats = [stat(p) for p in files]
        self.keys = [f"{p}\0{st.st_size}\0{st.st_mtime_ns}" for p, st in zip(files, self.stats)]
        self.max_mtime_ns = max((st.st_mtime_ns for st in self.stats), default=0)

    def sorted_files(self) -> list[str]:
        return sorted(self.files, key=path_order)

    def stat_of(self) -> dict[str, os.stat_result]:
        return dict(zip(self.files, self.stats))

    @staticmethod
    def differing(keys: Iterable[str], kept: set[str]) -> tuple[set[str], set[str]]:
        """(paths listed now whose stamp is not among ``kept``, paths of ``kept`` stamps not
        listed now with that stamp)."""
        now = set(keys)
        new = {k.split("\0", 1)[0] for k in now - kept}
        old = {k.split("\0", 1)[0] for k in kept - now}
        return new, old
