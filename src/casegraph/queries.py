"""Stored questions: ``queries/*.rq`` files with a metadata header, and parameter binding.

A stored question is plain SPARQL that any endpoint runs. Its header is a block of comment
lines starting with ``#+``, holding YAML (after CLARIAH/grlc)::

    #+ title: Findings per article of a case
    #+ description: For one case, each article the forum ruled on ...
    #+ params:
    #+   case: {type: case, required: true, example: gerasimov-v-kazakhstan,
    #+          description: the case id (its file name in data/)}
    #+ columns: [article, outcome, reasoning, decision_date]

Each parameter binds the SPARQL variable of the same name (``-`` becomes ``_``) to an RDF
term: a case id becomes the case's IRI, an article its concept IRI, a date a typed literal.
Values are never pasted into the query: they are turned into RDF terms, written with every
special character escaped (:func:`sparql_term`; identifiers are percent-encoded into IRIs), and
joined to the query's outermost group as a ``VALUES`` block, so every store, embedded or remote,
sees the same bound query.

A question may also name *variants*: other texts of the same question, each for a set of
parameters given or absent, which a store answers faster in that case (SPARQL has no way to plan
one text both for one case and for every case). ``bind_parameters`` takes the first variant whose
conditions hold, else the question's own text; a test checks that every variant gives the
question's own answers::

    #+ variants:
    #+   - {text: variants/violations-by-article-any-date.rq, absent: [from, to]}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from rdflib import Literal, URIRef
from rdflib.term import Node

from .errors import QueryError
from .namespaces import XSD, article_iri, vocab_concept

__all__ = ["Parameter", "StoredQuery", "Variant", "load_query", "list_queries", "bind_parameters", "inject_values", "missing_cases",
           "sparql_term", "PARAMETER_TYPES"]

#: Parameter types and what a value of each becomes.
PARAMETER_TYPES = {
    "case": "a case id (file name in data/), bound to the case IRI",
    "article": "an article short form such as UNCAT-2-1 or ECHR-3, bound to its concept IRI",
    "state": "an ISO 3166 code such as KZ, bound to the State's IRI",
    "forum": "a forum id such as cat or ecthr, bound to its concept IRI",
    "concept": "a concept notation of the scheme named by 'scheme' (e.g. act kinds), bound to its IRI",
    "string": "any text, bound as a string literal",
    "integer": "a whole number, bound as xsd:integer",
    "date": "YYYY-MM-DD, YYYY-MM or YYYY, bound as xsd:date, xsd:gYearMonth or xsd:gYear",
    "iri": "an absolute IRI",
}

_HEADER_KEYS = {"title", "description", "params", "columns", "notes", "variants"}
_VARIANT_KEYS = {"text", "given", "absent"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAM_KEYS = {"type", "required", "example", "description", "scheme"}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a stored question."""

    name: str
    type: str
    required: bool
    description: str = ""
    example: str | None = None
    scheme: str | None = None

    @property
    def variable(self) -> str:
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class Variant:
    """Another text of a question, for when the named parameters are given and the others absent."""

    path: Path
    text: str
    given: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()

    def applies(self, names: frozenset[str]) -> bool:
        return self.given <= names and not self.absent & names


@dataclass
class StoredQuery:
    """A question from ``queries/``: its metadata and its SPARQL text."""

    name: str
    path: Path
    title: str
    description: str
    text: str
    parameters: list[Parameter] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    notes: str = ""
    variants: list[Variant] = field(default_factory=list)

    def variant_for(self, names: frozenset[str]) -> Variant | None:
        """The first variant that applies with these parameters given, if any."""
        return next((v for v in self.variants if v.applies(names)), None)

    def text_for(self, names: frozenset[str]) -> str:
        """The text to run with these parameters given: its variant's, or the question's own."""
        variant = self.variant_for(names)
        return variant.text if variant else self.text


def list_queries(folder: Path) -> list[StoredQuery]:
    """Every stored question in ``folder``, by name."""
    return [load_query(path) for path in sorted(folder.glob("*.rq"))]


def load_query(path: Path) -> StoredQuery:
    """Read a ``.rq`` file and parse its header.

    Raises:
        QueryError: the file cannot be read, or its header does not parse or names unknown keys
            or parameter types (with the file and line).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"cannot read the query: {error}", path=path) from None
    header_lines = []
    first_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            first_line = first_line or number
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    if not header_lines:
        return StoredQuery(path.stem, path, path.stem, "", text)
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (first_line or 1) + mark.line if mark else first_line
        raise QueryError(f"the '#+' header is not valid YAML: {getattr(error, 'problem', error)}",
                         path=path, line=line) from None
    if not isinstance(header, dict):
        raise QueryError("the '#+' header must be a mapping (title: ..., params: ...)", path=path, line=first_line)
    unknown = set(header) - _HEADER_KEYS
    if unknown:
        raise QueryError(f"unknown header key(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(_HEADER_KEYS))}", path=path, line=first_line)
    if "title" not in header:
        raise QueryError("the header has no title", path=path, line=first_line)
    params = header.get("params") or {}
    if not isinstance(params, dict):
        raise QueryError("params must be a mapping of parameter name to {type: ..., required: ...}",
                         path=path, line=first_line)
    parameters = [_parameter(path, first_line, name, spec) for name, spec in params.items()]
    _check_uses(path, first_line, text, parameters)
    variant_specs = header.get("variants") or []
    if not isinstance(variant_specs, list):
        raise QueryError("variants must be a list of {text: FILE, given: [...], absent: [...]}", path=path, line=first_line)
    variants = [_variant(path, first_line, i, spec, parameters) for i, spec in enumerate(variant_specs)]
    return StoredQuery(
        name=path.stem, path=path, title=str(header["title"]),
        description=str(header.get("description", "")).strip(), text=text, parameters=parameters,
        columns=_columns(path, first_line, header.get("columns")), notes=str(header.get("notes", "")).strip(),
        variants=variants,
    )


def _check_uses(path: Path, line: int | None, text: str, parameters: list[Parameter]) -> None:
    body = "\n".join(row for row in text.splitlines() if not row.startswith("#"))
    for parameter in parameters:
        if not re.search(rf"[?$]{re.escape(parameter.variable)}(?![A-Za-z0-9_])", body):
            raise QueryError(f"parameter '{parameter.name}' binds ?{parameter.variable}, which the query "
                             "does not use: the value would be ignored", path=path, line=line)


def _variant(path: Path, line: int | None, index: int, spec: Any, parameters: list[Parameter]) -> Variant:
    where = f"variants[{index}]"
    if not isinstance(spec, dict) or "text" not in spec or set(spec) - _VARIANT_KEYS:
        raise QueryError(f"{where} must be a mapping {{text: FILE, given: [...], absent: [...]}}",
                         path=path, line=line)
    known = {p.name: p for p in parameters}
    conditions = {}
    for key in ("given", "absent"):
        names = spec.get(key) or []
        if not isinstance(names, list) or any(name not in known for name in names):
            raise QueryError(f"{where}.{key} must list parameters of the question ({', '.join(known) or 'none'})",
                             path=path, line=line)
        conditions[key] = frozenset(names)
    if not conditions["given"] and not conditions["absent"]:
        raise QueryError(f"{where} names no parameter given or absent: it would always replace the question",
                         path=path, line=line)
    if any(known[name].required for name in conditions["absent"]):
        raise QueryError(f"{where}.absent names a required parameter: the variant would never run",
                         path=path, line=line)
    variant_path = path.parent / str(spec["text"])
    try:
        text = variant_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{where}: cannot read {spec['text']}: {error}", path=path, line=line) from None
    # Every parameter that can be given when the variant runs must be used by it.
    _check_uses(variant_path, None, text, [p for p in parameters if p.name not in conditions["absent"]])
    return Variant(variant_path, text, conditions["given"], conditions["absent"])


def _columns(path: Path, line: int | None, columns: Any) -> list[str]:
    if columns is None:
        return []
    if not isinstance(columns, list):
        raise QueryError("columns must be a list such as [case_id, article]", path=path, line=line)
    for column in columns:
        if not isinstance(column, str) or not _NAME.fullmatch(column):
            hint = " (YAML reads on, off, yes and no as true or false: quote it)" if isinstance(column, bool) else ""
            raise QueryError(f"columns: {column!r} is not a SPARQL variable name{hint}", path=path, line=line)
    return columns


def _parameter(path: Path, line: int | None, name: Any, spec: Any) -> Parameter:
    if not isinstance(name, str) or not _NAME.fullmatch(name.replace("-", "_")):
        raise QueryError(f"parameter {name!r}: a name is letters, digits, - and _", path=path, line=line)
    if not isinstance(spec, dict):
        raise QueryError(f"parameter '{name}' must be a mapping (type: ..., required: ...)", path=path, line=line)
    unknown = set(spec) - _PARAM_KEYS
    if unknown:
        raise QueryError(f"parameter '{name}': unknown key(s) {', '.join(sorted(unknown))}", path=path, line=line)
    kind = spec.get("type")
    if kind not in PARAMETER_TYPES:
        raise QueryError(f"parameter '{name}': type must be one of {', '.join(PARAMETER_TYPES)}, got {kind!r}",
                         path=path, line=line)
    if kind == "concept" and not spec.get("scheme"):
        raise QueryError(f"parameter '{name}': a concept parameter needs 'scheme'", path=path, line=line)
    if not isinstance(spec.get("required", False), bool):
        raise QueryError(f"parameter '{name}': required must be true or false", path=path, line=line)
    return Parameter(name, kind, spec.get("required", False), str(spec.get("description", "")),
                     None if spec.get("example") is None else str(spec["example"]), spec.get("scheme"))


def parameter_term(parameter: Parameter, value: str, *, base: str, states: Mapping[str, URIRef]) -> Node:
    """Turn a parameter value given as text into the RDF term it binds.

    Identifiers are percent-encoded into IRIs, so any text, however hostile, stays one value.

    Raises:
        QueryError: the value is not of the parameter's type.
    """
    kind = parameter.type
    if kind == "case":
        return URIRef(f"{base}case/{_iri_safe(value)}")
    if kind == "article":
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)+", value):
            raise QueryError(f"--param {parameter.name}: '{_show(value)}' is not an article short form "
                             "such as UNCAT-2-1 or ECHR-3")
        return URIRef(article_iri(value.upper()))
    if kind == "state":
        code = value.upper()
        if code in states:
            return states[code]
        return URIRef(vocab_concept("state", _iri_safe(value)))
    if kind == "forum":
        return URIRef(vocab_concept("forum", _iri_safe(value.lower())))
    if kind == "concept":
        return URIRef(vocab_concept(str(parameter.scheme), _iri_safe(value.lower())))
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise QueryError(f"--param {parameter.name}: '{_show(value)}' is not a whole number")
        return Literal(int(value), datatype=XSD.integer)
    if kind == "date":
        from .convert import parse_date
        import datetime as dt

        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise QueryError(f"--param {parameter.name}: '{_show(value)}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
        try:
            if len(value) == 10:
                dt.date.fromisoformat(value)
            elif len(value) == 7 and not 1 <= int(value[5:]) <= 12:
                raise ValueError("month must be in 1..12")
        except ValueError as error:
            raise QueryError(f"--param {parameter.name}: '{value}' is not a real date ({error})") from None
        return parse_date(value)
    if kind == "iri":
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", value):
            raise QueryError(f"--param {parameter.name}: '{_show(value)}' is not an absolute IRI")
        return URIRef(value)
    return Literal(value)


def _iri_safe(value: str) -> str:
    return quote(value, safe="-._~")


def _show(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def bind_parameters(query: StoredQuery, values: Mapping[str, str], *, base: str,
                    states: Mapping[str, URIRef]) -> str:
    """The query text with its parameters bound.

    Raises:
        QueryError: an unknown parameter, a missing required one, or a value of the wrong type.
    """
    known = {p.name: p for p in query.parameters}
    for name in values:
        if name not in known:
            hint = f"; this question takes: {', '.join(known)}" if known else "; this question takes none"
            raise QueryError(f"unknown parameter '{name}'{hint}", path=query.path)
    missing = [p.name for p in query.parameters if p.required and p.name not in values]
    if missing:
        examples = ", ".join(f"--param {n}={known[n].example or '...'}" for n in missing)
        raise QueryError(f"missing required parameter(s): {examples}", path=query.path)
    terms = {known[name].variable: parameter_term(known[name], value, base=base, states=states)
             for name, value in values.items()}
    return inject_values(query.text_for(frozenset(values)), terms)


def inject_values(text: str, terms: Mapping[str, Node]) -> str:
    """Join a one-row ``VALUES`` block to the outermost group of a SELECT or ASK query.

    Raises:
        QueryError: the query has no outermost ``{`` to bind into.
    """
    if not terms:
        return text
    names = list(terms)
    block = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + \
            " ".join(sparql_term(terms[n]) for n in names) + ") }\n"
    position = _outer_group(text)
    if position is None:
        raise QueryError("cannot bind parameters: the query has no WHERE { ... } group")
    return text[: position + 1] + "\n  " + block + text[position + 1:]


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def sparql_term(term: Node) -> str:
    """An IRI or literal written for a SPARQL query, every special character escaped.

    Literals are always one-line, double-quoted strings with the escapes of the SPARQL grammar
    (a raw tab or newline would reach some parsers altered: rdflib expands tabs).

    Raises:
        QueryError: an IRI holds a character IRIs may not (values are percent-encoded before).
    """
    if isinstance(term, Literal):
        text = "".join(_ESCAPES.get(c, c) for c in str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != str(XSD.string):
            return f'"{text}"^^{sparql_term(URIRef(term.datatype))}'
        return f'"{text}"'
    if isinstance(term, URIRef) and not _IRI_FORBIDDEN.search(str(term)):
        return f"<{term}>"
    raise QueryError(f"cannot bind {term!r}: not a literal or a well-formed IRI")


_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[{}]|\s+|[^\s{}"\'<#]+|.',
    re.S,
)


def _outer_group(text: str) -> int | None:
    """The offset of the ``{`` that opens the WHERE group of a SELECT or ASK query.

    Strings, IRIs and comments are skipped, so a ``{`` inside them is not taken for a group.
    """
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            return match.start()
        if token.upper() in ("CONSTRUCT", "DESCRIBE"):
            return None
    return None


def missing_cases(store: Any, query: StoredQuery, values: Mapping[str, str], *, base: str,
                  states: Mapping[str, URIRef]) -> list[str]:
    """The case ids given for ``query``'s case parameters that ``store`` holds no case for.

    An empty answer for a mistyped case id would read as "nothing found"; callers ask this
    when a question with a case parameter returns no rows.
    """
    from .namespaces import CG

    missing = []
    for parameter in query.parameters:
        if parameter.type == "case" and parameter.name in values:
            term = parameter_term(parameter, values[parameter.name], base=base, states=states)
            answer = store.query(f"ASK {{ VALUES ?case {{ {sparql_term(term)} }} ?case a <{CG.Case}> }}")
            if not answer.boolean:
                missing.append(values[parameter.name])
    return missing
