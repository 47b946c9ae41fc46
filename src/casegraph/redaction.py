"""Redaction of what an audience sees: withheld names and texts in literals, and in IRIs.

Used by :func:`casegraph.confidentiality.filter_case` once it knows what is withheld:

- a withheld person's or organisation's names and aliases, and the words of a person's names
  (four letters or more, unless a visible agent's name has the same word), are replaced in
  every text by the pseudonym's label, ``[withheld person 3fa9c2d1]``; a word several
  withheld people share (a family name) by ``[withheld person]``, which says nobody's label;
- a longer text (20 characters or more) that only a withheld fact states, repeated in a visible
  text, is replaced by ``[withheld]``;
- an IRI of the case (the case's own, or a node's below it, or a related case's) whose id names
  a withheld agent is replaced by a keyed one, ``{base}case/withheld-{16 hex digits}``: ids are
  part of the bytes of every export too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rdflib import Literal, URIRef
from rdflib.term import Node

from .convert import Triple
from .namespaces import XSD
from .pseudonyms import Pseudonymiser

__all__ = ["Redactor", "WITHHELD_TEXT"]

WITHHELD_TEXT = "[withheld]"


class Redactor:
    """Finds and replaces withheld names and texts.

    Args:
        words: each name, alias or name word (lower-cased) -> the withheld agent it names, or
            None when several withheld agents share it.
        labels: withheld agent -> its pseudonym's label.
        values: texts only withheld facts state.
    """

    def __init__(self, words: dict[str, Node | None], labels: dict[Node, str], values: Sequence[str]):
        self.words = words
        self.labels = labels
        self.folded = {w.casefold(): agent for w, agent in words.items()}
        # Longest first, so that a full name is replaced as one and not word by word.
        ordered = sorted(words, key=lambda w: (-len(w), w))
        self.word_pattern = (re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in ordered)})(?!\w)", re.IGNORECASE)
                             if ordered else None)
        texts = sorted(values, key=lambda v: (-len(v), v))
        self.value_pattern = re.compile("|".join(re.escape(v) for v in texts), re.IGNORECASE) if texts else None

    def mentions(self, text: str) -> bool:
        """Whether ``text`` names a withheld agent."""
        return bool(self.word_pattern and self.word_pattern.search(text))

    def _label(self, found: str) -> str:
        key = found.lower()
        agent = self.words[key] if key in self.words else self.folded.get(found.casefold())
        return f"[{self.labels[agent]}]" if agent is not None else "[withheld person]"

    def text(self, text: str) -> str:
        """``text`` with withheld texts and names replaced."""
        if self.value_pattern:
            text = self.value_pattern.sub(WITHHELD_TEXT, text)
        if self.word_pattern:
            text = self.word_pattern.sub(lambda m: self._label(m.group(0)), text)
        return text

    def literals(self, triples: list[Triple], *, keep: set[str]) -> list[Triple]:
        """Redact every text literal (plain, ``xsd:string`` or with a language), except ``keep``."""
        if not (self.word_pattern or self.value_pattern):
            return triples
        out = []
        for s, p, o in triples:
            if isinstance(o, Literal) and o.datatype in (None, XSD.string) and str(o) not in keep:
                text = self.text(str(o))
                if text != str(o):
                    o = Literal(text, lang=o.language, datatype=o.datatype)
            out.append((s, p, o))
        return list(dict.fromkeys(out))


def rewrite_case_iris(triples: list[Triple], case: URIRef, case_id: str, redactor: Redactor,
                      pseudonymiser: Pseudonymiser) -> tuple[list[Triple], URIRef, str]:
    """Replace the IRIs of a case that name a withheld agent.

    Returns:
        The triples, the case's IRI and the case id as exported.
    """
    text = str(case)
    base = text[: -len(f"case/{case_id}")]
    new_id = case_id
    if redactor.mentions(case_id):
        new_id = f"withheld-{pseudonymiser.digest(case)[:16]}"
    new_case = URIRef(f"{base}case/{new_id}")
    cache: dict[Node, Node] = {}

    cases = f"{base}case/"

    def rewrite(node: Node) -> Node:
        if not isinstance(node, URIRef) or not str(node).startswith(cases):
            return node
        if node not in cache:
            iri = str(node)
            if iri == text:
                cache[node] = new_case
            elif iri.startswith(text + "/"):
                rest = iri[len(text) + 1:]
                if redactor.mentions(rest):
                    rest = f"{rest.split('/', 1)[0]}/withheld-{pseudonymiser.digest(node)[:16]}"
                cache[node] = URIRef(f"{new_case}/{rest}")
            elif "/" not in iri[len(cases):] and redactor.mentions(iri[len(cases):]):
                # Another case (a related case) whose id names someone withheld here: the same keyed
                # IRI that case's own export uses when it withholds that person too.
                cache[node] = URIRef(f"{cases}withheld-{pseudonymiser.digest(node)[:16]}")
            else:
                cache[node] = node
        return cache[node]

    if new_case == case and all(rewrite(n) == n for t in triples for n in (t[0], t[2])):
        return triples, case, case_id
    out = []
    for s, p, o in triples:
        if s == case and isinstance(o, Literal) and str(o) == case_id:  # the case's dcterms:identifier
            o = Literal(new_id)
        out.append((rewrite(s), p, rewrite(o)))
    return out, new_case, new_id
