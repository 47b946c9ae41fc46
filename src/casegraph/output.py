"""Query results as text: a table for people, CSV/TSV/JSON for programs."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .namespaces import PREFIXES
from .store import QueryResult

__all__ = ["FORMATS", "format_result", "plain_value", "short_iri"]

FORMATS = ("table", "csv", "tsv", "json")


def short_iri(iri: str) -> str:
    """An IRI with a known prefix written as ``prefix:rest`` (for reading, not for machines)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, prefix
    return f"{name}:{iri[len(best):]}" if best else iri


def plain_value(term: Node | None) -> str:
    """The value of a term as text: the IRI, or the literal's lexical form; '' when unbound."""
    if term is None:
        return ""
    return str(term)


def _display(term: Node | None) -> str:
    if isinstance(term, URIRef):
        return short_iri(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return plain_value(term)


def format_result(result: QueryResult, fmt: str, *, width: int | None = None) -> str:
    """Render a result. ``table`` shortens IRIs for reading; the others keep full values."""
    if result.boolean is not None:
        return json.dumps({"boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower()
    if fmt == "json":
        return json.dumps({"columns": result.columns, "rows": [_json_row(result.columns, r) for r in result.rows]},
                          ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow([plain_value(t).replace("\t", " ") if fmt == "tsv" else plain_value(t) for t in row])
        return buffer.getvalue().rstrip("\n")
    return _table(result.columns, result.rows, width)


def _json_row(columns: Sequence[str], row: Sequence[Node | None]) -> dict:
    out: dict = {}
    for name, term in zip(columns, row):
        if term is None:
            out[name] = None
        elif isinstance(term, Literal):
            cell = {"type": "literal", "value": str(term)}
            if term.language:
                cell["xml:lang"] = term.language
            elif term.datatype:
                cell["datatype"] = str(term.datatype)
            out[name] = cell
        else:
            out[name] = {"type": "uri" if isinstance(term, URIRef) else "bnode", "value": str(term)}
    return out


def _table(columns: Sequence[str], rows: Sequence[Sequence[Node | None]], width: int | None) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold")
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(Text(_display(t)) for t in row))  # Text: never read as markup
    console = Console(file=io.StringIO(), width=width or 160, no_color=True, emoji=False, highlight=False)
    console.print(table)
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    return console.file.getvalue().rstrip("\n")  # type: ignore[attr-defined]
