"""Stable pseudonyms for withheld people and organisations, keyed by a per-project secret.

A pseudonym is ``HMAC-SHA256(key, node IRI)``, so it is

- stable: the same key and the same case give the same pseudonym in every export, and exports
  diff cleanly;
- not reversible and not guessable: without the key, knowing or guessing the name (or the
  case file's id, which the IRI contains) does not give the pseudonym, unlike a plain hash;
- local to a case: the same person in two cases gets two pseudonyms (the IRI differs), so
  withheld people cannot be linked across cases through an export.

The key lives in ``.casegraph/pseudonym-key`` (created on first use, readable only by its
owner, never committed: ``.casegraph/`` is ignored by git). To make the same pseudonyms on
another machine, or in CI, pass the key through ``$CASEGRAPH_PSEUDONYM_KEY`` (read by the CLI).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

from .errors import UsageError

__all__ = ["Pseudonymiser", "load_pseudonym_key", "KEY_FILE", "KEY_ENVIRONMENT_VARIABLE", "MIN_KEY_LENGTH"]

KEY_FILE = "pseudonym-key"
KEY_ENVIRONMENT_VARIABLE = "CASEGRAPH_PSEUDONYM_KEY"
#: A key given as text must be at least this long, so that it cannot be guessed by trying.
MIN_KEY_LENGTH = 16


@dataclass(frozen=True)
class Pseudonymiser:
    """Makes the pseudonym node and label of a withheld agent."""

    key: bytes

    def digest(self, node: Node) -> str:
        return hmac.new(self.key, str(node).encode("utf-8"), hashlib.sha256).hexdigest()

    def node(self, node: Node, case: URIRef) -> URIRef:
        """The pseudonym IRI: ``{case}/agent/withheld-{16 hex digits}``."""
        return URIRef(f"{case}/agent/withheld-{self.digest(node)[:16]}")

    def label(self, node: Node, kind: str) -> str:
        """A readable label: ``withheld person 3fa9c2d1`` (the first digits of the same digest)."""
        return f"withheld {kind} {self.digest(node)[:8]}"


def load_pseudonym_key(work: Path, *, override: str | None = None) -> bytes:
    """The project's pseudonym key: ``override`` if given, else ``work/pseudonym-key``, made on first use.

    Args:
        work: the project's work folder (``.casegraph/``).
        override: a key given as text (from ``$CASEGRAPH_PSEUDONYM_KEY``), for reproducible exports.

    Raises:
        UsageError: an override shorter than 16 characters, or a key file that is not hex.
    """
    if override is not None:
        if len(override) < MIN_KEY_LENGTH:
            raise UsageError(f"${KEY_ENVIRONMENT_VARIABLE} is shorter than {MIN_KEY_LENGTH} characters: "
                             "a short key can be guessed; use e.g. the output of "
                             "`python -c 'import secrets; print(secrets.token_hex(32))'`")
        return override.encode("utf-8")
    path = work / KEY_FILE
    if not path.exists():
        work.mkdir(parents=True, exist_ok=True)
        # Written whole to a private file, then linked into place: two exports started at once
        # never see half a key, and never each make (and use) a different one.
        temporary = work / f".{KEY_FILE}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_bytes(32).hex() + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise UsageError(f"{path}: not a pseudonym key (expected hex digits); delete it to make a new "
                         "one (pseudonyms in new exports will then change)") from None
    if len(key) < MIN_KEY_LENGTH:
        raise UsageError(f"{path}: the pseudonym key is too short; delete it to make a new one")
    return key
