"""The embedded store written from the cache's per-case N-Triples files: edited in place for a
few changed cases, bulk-loaded anew for many (see :func:`casegraph.workspace.update_project`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .casecache import CaseCache

__all__ = ["REWRITE_FROM", "remove_unused", "update_store", "write_store"]

# Above this many changed or removed cases, the store is written anew rather than edited.
REWRITE_FROM = 2000


def remove_unused(cache: CaseCache, old: dict[str, str], target: dict[str, str]) -> None:
    """Delete the N-Triples files of cases the store no longer holds as they were, unless the
    cache still has the file for a case outside this build (a build of other folders leaves
    the entries of the files it did not list, to be used again)."""
    kept = set(target.values())
    if set(old.values()) - kept:
        kept |= {entry.nt for entry in cache.entries.values()}
    for name in set(old.values()) - kept:
        (cache.nt_folder / name).unlink(missing_ok=True)


class _Concatenation(io.RawIOBase):
    """Files read one after the other as one stream, then ``tail``: one bulk load of many files
    without writing their concatenation to disk first."""

    def __init__(self, paths: Sequence[Path], tail: bytes = b""):
        self._paths = iter(paths)
        self._current: Any = None
        self._tail = io.BytesIO(tail)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._current is None:
                path = next(self._paths, None)
                self._current = self._tail if path is None else open(path, "rb")  # noqa: SIM115
            n = self._current.readinto(buffer)
            if n or self._current is self._tail:
                return n
            self._current.close()
            self._current = None


# The embedded store holds every triple in its default graph. A graph per case would double
# the indexes Oxigraph writes (measured: a bulk load of 10,000 cases took 10.0 s as a graph per
# case, 5.3 s as one graph) and questions read the union anyway. Each case's triples are about
# nodes under its own IRI (case_prefix_ok), so no two cases hold the same triple, and the cache's
# N-Triples file of a case says exactly what to take out when it changes. `casegraph dump`,
# exports and `casegraph push` still give a graph per case.

def update_store(store_path: Path, stale: list[Path], parts: list[Path]) -> None:
    import pyoxigraph as ox

    store = ox.Store(str(store_path))
    for path in stale:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            store.remove(ox.Quad(triple.subject, triple.predicate, triple.object))
    if len(parts) > 1000:
        store.bulk_load(io.BufferedReader(_Concatenation(parts), 1 << 20), format=ox.RdfFormat.N_TRIPLES)
        store.optimize()
    else:
        for part in parts:
            store.load(path=str(part), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store  # release the folder's lock


def write_store(store_path: Path, parts: list[Path], vocabulary: Any) -> None:
    """A new store from the cases' N-Triples and the vocabulary, in one bulk load."""
    import pyoxigraph as ox

    from .store import ntriples, replace_store_folder

    tail = "".join(ntriples(vocabulary.graph)).encode("utf-8")

    def fill(store: Any) -> None:
        store.bulk_load(io.BufferedReader(_Concatenation(parts, tail), 1 << 20), format=ox.RdfFormat.N_TRIPLES)
        # A bulk load leaves its sorted runs side by side, and every lookup then searches each
        # of them. Merging them (RocksDB compaction) made lookups about ten times faster at
        # 100,000 cases (cases-by-act 40.8 s -> 4.3 s) for 28 s more build there, 1.5 s at 10,000.
        store.optimize()

    replace_store_folder(store_path, fill)
