"""The converter of :mod:`casegraph.convert`, run with light terms that write N-Triples directly.

Building rdflib terms costs most of a conversion: every ``URIRef`` is checked character by
character, every ``CG.Case`` makes a new term, and every node records the line of each of its
properties. The fast converter does not copy the conversion rules (a copy would drift from
``convert.py``): it runs the very functions of ``convert.py`` with their module globals
swapped for light stand-ins (``URIRef`` -> :class:`IRI`, a plain ``str``; ``Literal`` ->
:class:`Lit`, which serialises itself once; namespaces whose terms are made once), so the
same code makes the same triples, as N-Triples lines and as plain values for
:mod:`casegraph.fastshacl`. Literals with a datatype are still made by rdflib (cached by
value), so their lexical forms are rdflib's own. Source locations are kept as JSON paths and
turned into lines only for the nodes a validation result is about.

``tests/test_fastconvert.py`` checks that both give the same graph on the corpus, the
fixtures and a generated sample.
"""

from __future__ import annotations

import types
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import Namespace

from . import convert as _convert
from .cases import CaseFile

__all__ = ["IRI", "Lit", "Blank", "FastCase", "convert_case_fast", "source_locations", "term_nt", "to_fast_term"]


class IRI(str):
    """An IRI: a plain string (equal to and hashed like the string)."""

    __slots__ = ()


class Blank(str):
    """A blank node label (kept apart from IRIs by its type)."""

    __slots__ = ()


class Lit:
    """A literal: lexical form, datatype IRI (or None), language (or None) and its N-Triples text."""

    __slots__ = ("lex", "datatype", "lang", "nt", "_rdflib")

    def __init__(self, lex: str, datatype: str | None, lang: str | None, nt: str, rdflib_literal: Any = None):
        self.lex, self.datatype, self.lang, self.nt, self._rdflib = lex, datatype, lang, nt, rdflib_literal

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lit) and (self.lex, self.datatype, self.lang) == (other.lex, other.datatype, other.lang)

    def __hash__(self) -> int:
        return hash((self.lex, self.datatype, self.lang))

    def __str__(self) -> str:
        return self.lex

    def __repr__(self) -> str:
        return f"Lit({self.nt})"

    def rdflib(self) -> Literal:
        """The rdflib literal (value semantics: ill-typed forms, comparisons)."""
        if self._rdflib is None:
            self._rdflib = Literal(self.lex, lang=self.lang, datatype=self.datatype)
        return self._rdflib


def _escape(text: str) -> str:
    # N-Triples STRING_LITERAL_QUOTE: only ", \, LF and CR must be escaped.
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return text


_TYPED: dict[tuple, Lit] = {}


def _lit_from_rdflib(lit: Literal) -> Lit:
    datatype = str(lit.datatype) if lit.datatype is not None else None
    lex = str(lit)
    if datatype is None and lit.language is None:
        return Lit(lex, None, None, f'"{_escape(lex)}"', lit)
    nt = f'"{_escape(lex)}"' + (f"@{lit.language}" if lit.language else f"^^<{datatype}>")
    return Lit(lex, datatype, lit.language, nt, lit)


def _make_literal(value: Any, lang: str | None = None, datatype: Any = None, normalize: Any = None) -> Lit:
    """Stands for ``rdflib.Literal`` inside the converter's code."""
    if datatype is None and lang is None and type(value) is str:
        return Lit(value, None, None, f'"{_escape(value)}"')
    key = (type(value), value, None if datatype is None else str(datatype), lang)
    found = _TYPED.get(key)
    if found is None:
        found = _lit_from_rdflib(Literal(value, lang=lang, datatype=None if datatype is None else URIRef(datatype)))
        if len(_TYPED) < 200_000:
            _TYPED[key] = found
    return found


class _Namespace:
    """A namespace whose terms are made once and then read as plain attributes.

    Not a ``str``: ``DCTERMS.title`` must be a term, not the string method.
    """

    def __init__(self, iri: str):
        self.__dict__["_iri"] = iri

    def __getattr__(self, name: str) -> IRI:
        if name.startswith("__"):
            raise AttributeError(name)
        term = IRI(self._iri + name)
        self.__dict__[name] = term
        return term

    def __getitem__(self, name: Any) -> IRI:
        return IRI(self._iri + str(name))

    def __str__(self) -> str:
        return self._iri

    def term(self, name: str) -> IRI:
        return IRI(self._iri + name)


def to_fast_term(term: Any) -> Any:
    """An rdflib term (or a fast one) as the fast converter's plain values."""
    kind = type(term)
    if kind is IRI or kind is Lit or kind is Blank:
        return term
    if kind is URIRef:
        return IRI(term)
    if kind is Literal:
        return _lit_from_rdflib(term)
    if isinstance(term, URIRef):
        return IRI(term)
    if isinstance(term, Literal):
        return _lit_from_rdflib(term)
    if isinstance(term, BNode):
        return Blank(term)
    if isinstance(term, str):
        return IRI(term)
    raise TypeError(f"not an RDF term: {term!r}")


def term_nt(term: Any) -> str:
    """The N-Triples text of a term (fast or rdflib)."""
    kind = type(term)
    if kind is IRI or kind is URIRef or isinstance(term, URIRef):
        return f"<{term}>"
    if kind is Lit:
        return term.nt
    if kind is Blank or isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return _lit_from_rdflib(term).nt
    return f"<{term}>"


def _fast_globals() -> dict[str, Any]:
    scope = dict(vars(_convert))
    scope["URIRef"] = IRI
    scope["Literal"] = _make_literal
    for name, value in vars(_convert).items():
        if isinstance(value, Namespace) or (type(value).__name__ in ("DefinedNamespaceMeta",)):
            scope[name] = _Namespace(str(value))
    # Dicts of rdflib terms at module level (EVENT_CLASSES ...) become plain IRIs too.
    for name, value in vars(_convert).items():
        if isinstance(value, dict) and value and all(isinstance(v, URIRef) for v in value.values()):
            scope[name] = {k: IRI(v) for k, v in value.items()}
    for name, value in vars(_convert).items():
        if isinstance(value, types.FunctionType) and value.__module__ == _convert.__name__:
            scope[name] = types.FunctionType(value.__code__, scope, value.__name__, value.__defaults__,
                                             value.__closure__)
    return scope


def _fast_converter_class() -> type:
    scope = _fast_globals()
    methods = {}
    for name, value in vars(_convert._Converter).items():
        if isinstance(value, types.FunctionType):
            methods[name] = types.FunctionType(value.__code__, scope, value.__name__, value.__defaults__,
                                               value.__closure__)

    # Where each node and property was written is kept as its JSON path, turned into lines
    # only for the nodes a validation result is about (see :func:`source_locations`), with the
    # same overwrite and first-wins rules as convert.py's locate and add.
    def locate(self, node, path) -> None:  # noqa: ANN001 - same signature as convert.py's
        self.locations[node] = (path, {})

    def add(self, s, p, o, path=None) -> None:  # noqa: ANN001
        self.triples.append((to_fast_term(s), to_fast_term(p), to_fast_term(o)))
        if path is not None and s in self.locations:
            self.locations[s][1].setdefault(str(p), path)

    methods["locate"] = locate
    methods["add"] = add
    cls = type("_FastConverter", (), methods)
    scope["_Converter"] = cls
    return cls


_CLASS: list[type] = []


class FastCase:
    """One converted case: its IRI, its triples as plain values, and its N-Triples text."""

    __slots__ = ("case_id", "iri", "triples", "paths")

    def __init__(self, case_id: str, iri: str, triples: list[tuple[Any, Any, Any]], paths: dict | None = None):
        self.case_id, self.iri, self.triples, self.paths = case_id, iri, triples, paths or {}

    def ntriples(self) -> str:
        return "".join(f"{term_nt(s)} {term_nt(p)} {term_nt(o)} .\n" for s, p, o in self.triples)


def convert_case_fast(case: CaseFile, *, base: str, states: dict[str, URIRef]) -> FastCase:
    """The triples :func:`casegraph.convert.convert_case` makes, as plain values (no locations)."""
    if not _CLASS:
        _CLASS.append(_fast_converter_class())
    converter = _CLASS[0](case, base, {k: IRI(v) for k, v in states.items()})
    result = converter.run()
    paths = {to_fast_term(node): where for node, where in converter.locations.items()}
    return FastCase(case.case_id, IRI(result.iri), converter.triples, paths)


def source_locations(case: CaseFile, fast: FastCase, nodes: Any) -> dict:
    """The :class:`casegraph.convert.SourceLocation` of each of ``nodes`` (fast terms) that the
    case file wrote, keyed by rdflib term, as :func:`casegraph.convert.convert_case` gives them."""
    from .cases import field_name
    from .fastshacl import to_rdflib

    out = {}
    for node in nodes:
        where = fast.paths.get(node)
        if where is None:
            continue
        path, properties = where
        out[to_rdflib(node)] = _convert.SourceLocation(
            case, case.line_of(path), field_name(path),
            {p: (case.line_of(pp), field_name(pp)) for p, pp in properties.items()})
    return out
