"""Case files: YAML -> checked plain data that remembers the line of every value.

A case file is read in three steps, each of which reports every problem it finds with file,
line and field instead of stopping at the first:

1. bytes -> text (UTF-8 only) -> a YAML node tree (PyYAML's C parser where available);
2. node tree -> plain Python values, refusing anchors and aliases (a "billion laughs" document
   is refused before anything is expanded) and duplicate keys, and keeping dates as text so
   their precision survives;
3. the JSON Schema in ``schema/case.schema.json`` (the same one editors use), then the checks a
   schema cannot make: real calendar dates and references to ids that are defined.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import CaseDataError, Problem

try:  # the C parser is several times faster and keeps line marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["CaseFile", "load_case_file", "load_cases", "find_case_files", "case_schema"]

JsonPath = tuple[str | int, ...]

#: Sections whose items are events (each gets an id in the one event namespace).
EVENT_SECTIONS = ("acts", "harms", "domestic_proceedings", "international_proceedings")

#: Which namespace of ids each referring field points into.
REFERENCE_FIELDS = {
    "actors": "agent", "victims": "agent", "addressees": "agent", "claimants": "agent",
    "beneficiaries": "agent", "beneficiary": "agent", "payer": "agent", "to": "agent",
    "member_of": "agent", "place": "place", "within": "place", "decision": "event",
    "event": "event", "remedy": "remedy", "source": "source", "part_of": "money",
}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass
class CaseFile:
    """One case file, read and checked.

    Attributes:
        case_id: the file name without ``.yaml``.
        path: where it was read from.
        data: the plain values (dicts, lists, str, int, float, bool).
        marks: the 1-based (line, column) of every value, by its JSON path.
    """

    case_id: str
    path: Path
    data: dict[str, Any]
    marks: dict[JsonPath, tuple[int, int]] = field(repr=False)

    def line_of(self, json_path: JsonPath) -> int:
        """The line of a value, or of the nearest enclosing value that has one."""
        path = tuple(json_path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))[0]


@cache
def case_schema() -> dict[str, Any]:
    """The JSON Schema of case files (also what editors use for completion)."""
    text = resources.files("casegraph").joinpath("schema/case.schema.json").read_text("utf-8")
    return json.loads(text)


def field_name(json_path: JsonPath) -> str:
    """A JSON path as an analyst reads it: ``money[0].currency``."""
    out = ""
    for part in json_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def find_case_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.yaml``/``.yml`` files named, or found below the folders named, sorted."""
    return [Path(p) for p in case_file_names(paths)]


def case_file_names(paths: Iterable[Path]) -> list[str]:
    """:func:`find_case_files` as strings: making 100,000 Path objects took a second."""
    found: set[str] = set()
    for path in paths:
        if path.is_dir():
            # os.walk (scandir) lists 100,000 files several times faster than Path.rglob.
            for folder, _dirs, names in os.walk(path):
                found.update(os.path.join(folder, n) for n in names if n.endswith((".yaml", ".yml")))
        elif path.exists():
            found.add(str(path))
        else:
            raise CaseDataError([Problem(path, None, None, "", "no such file or folder")])
    # In the order Path sorts (by parts): a separator sorts before any character.
    return sorted(found, key=lambda p: p.replace(os.sep, "\0"))


def load_cases(paths: Iterable[Path]) -> list[CaseFile]:
    """Read and check every case file at or below ``paths``.

    Raises:
        CaseDataError: listing every problem in every file, and case ids used twice.
    """
    cases: list[CaseFile] = []
    problems: list[Problem] = []
    for path in find_case_files(paths):
        try:
            cases.append(load_case_file(path))
        except CaseDataError as error:
            problems.extend(error.problems)
    first_seen: dict[str, CaseFile] = {}
    for case in cases:
        if case.case_id in first_seen:
            other = first_seen[case.case_id]
            problems.append(Problem(case.path, 1, None, "(file name)",
                                    f"case id '{case.case_id}' is also used by {other.path}; "
                                    "each case needs its own file name"))
        first_seen.setdefault(case.case_id, case)
    if problems:
        raise CaseDataError(problems)
    return cases


def load_case_file(path: Path) -> CaseFile:
    """Read and check one case file.

    Raises:
        CaseDataError: with every problem found, each located by line and field.
    """
    case_id = path.stem
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CaseDataError([Problem(path, line, None, "(file)",
                                     f"not UTF-8 text (byte 0x{raw[error.start]:02x}); "
                                     "save the file as UTF-8")]) from None
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case_id):
        raise CaseDataError([Problem(path, 1, None, "(file name)",
                                     f"'{case_id}' is not a valid case id: use lower-case "
                                     "letters, digits and single hyphens")])
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = " ".join(str(x) for x in (error.context, error.problem) if x)
        if error.context_mark and mark is not error.context_mark and error.context_mark.line + 1 != line:
            message += f" (it started on line {error.context_mark.line + 1})"
        raise CaseDataError([Problem(path, line, col, "(YAML syntax)", message)]) from None
    except yaml.YAMLError as error:
        raise CaseDataError([Problem(path, None, None, "(YAML syntax)", str(error))]) from None
    if root is None:
        raise CaseDataError([Problem(path, 1, None, "(file)", "the file is empty")])
    marks: dict[JsonPath, tuple[int, int]] = {}
    problems: list[Problem] = []
    data = _to_python(root, (), marks, set(), problems, path)
    if problems:
        raise CaseDataError(problems)
    if not isinstance(data, dict):
        raise CaseDataError([Problem(path, 1, None, "(file)",
                                     "a case file must be a mapping of fields (title: ..., forum: ...)")])
    case = CaseFile(case_id, path, data, marks)
    problems = list(_schema_problems(case)) or list(_semantic_problems(case))
    if problems:
        raise CaseDataError(sorted(problems, key=lambda p: (p.line or 0, p.field)))
    return case


def _to_python(node: yaml.Node, path: JsonPath, marks: dict, seen: set[int],
               problems: list[Problem], file: Path) -> Any:
    """Turn a YAML node into plain values; record marks; refuse aliases and duplicate keys."""
    # An alias makes the composer hand back a node it has already given us. Refusing the
    # second visit stops a billion-laughs document without expanding anything.
    if id(node) in seen:
        raise CaseDataError([Problem(file, node.start_mark.line + 1, node.start_mark.column + 1,
                                     field_name(path), "YAML anchors and aliases (&name, *name) are "
                                     "not allowed in case files; write the value out")])
    seen.add(id(node))
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(file, key_node.start_mark.line + 1, None, field_name(path),
                                        "keys must be plain names (no merge keys or complex keys)"))
                continue
            if key in out:
                problems.append(Problem(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        field_name(path + (key,)), "this field is given twice"))
                continue
            out[key] = _to_python(value_node, path + (key,), marks, seen, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), marks, seen, problems, file)
                for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:null":
        return None
    # Timestamps stay text: 2013-12 and 2013-12-01 must not become the same date.
    return value


# --------------------------------------------------------------------------- schema checks

def _schema_problems(case: CaseFile) -> Iterator[Problem]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(case_schema())
    for error in validator.iter_errors(case.data):
        yield _explain(case, _most_relevant(error))


def _most_relevant(error: Any) -> Any:
    """For anyOf (a value, a mapping with its words, or its versions), report the branch the
    analyst was writing: the one whose type fits the value and that has ``versions`` exactly
    when the value does. A choice between required fields is reported as it is."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        branches = error.schema[error.validator]
        if all(set(b) == {"required"} for b in branches):
            return error
        fitting = {i for i, b in enumerate(branches) if _fits(b, error.instance)}
        branch = [e for e in error.context if e.schema_path and e.schema_path[0] in fitting]
        candidates = branch or list(error.context)
        error = max(candidates, key=lambda e: len(e.absolute_path))
    return error


_JSON_TYPES = {"string": str, "object": dict, "array": list, "boolean": bool, "integer": int, "number": (int, float)}


def _fits(schema: dict, instance: Any) -> bool:
    """Whether a branch of an anyOf is the kind of value the analyst wrote (not whether it is valid)."""
    if "$ref" in schema:
        schema = case_schema()["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    if "const" in schema:
        return schema["const"] == instance
    types = schema.get("type")
    if types is None:
        return any(_fits(b, instance) for b in schema.get("anyOf", [])) or "anyOf" not in schema
    names = [types] if isinstance(types, str) else types
    if isinstance(instance, bool) and "boolean" not in names:
        return False
    if not any(isinstance(instance, _JSON_TYPES[n]) for n in names if n in _JSON_TYPES):
        return False
    if isinstance(instance, dict):
        return ("versions" in instance) == ("versions" in schema.get("properties", {}))
    return True


def _explain(case: CaseFile, error: Any) -> Problem:
    json_path: JsonPath = tuple(error.absolute_path)
    schema = error.schema
    message = error.message
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed]
        key = extras[0]
        json_path = json_path + (key,)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(allowed)}"
        message = f"unknown field '{key}'{hint}"
    elif error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        message = f"missing required field '{name}'"
        json_path = json_path + (name,)
    elif error.validator == "enum":
        choices = [str(c) for c in schema["enum"]]
        close = difflib.get_close_matches(str(error.instance), choices, n=1)
        kind = "an ISO 4217 currency code" if "ISO 4217" in schema.get("description", "") else \
            "an ISO 639-1 language code" if "ISO 639" in schema.get("description", "") else \
            f"one of {', '.join(choices)}" if len(choices) <= 20 else "a known value"
        hint = f"; did you mean '{close[0]}'?" if close else ""
        message = f"'{error.instance}' is not {kind}{hint}"
    elif error.validator == "type":
        message = f"expected {_type_words(schema['type'])}, got {_value_words(error.instance)}"
    elif error.validator == "pattern":
        message = f"'{error.instance}' does not have the expected form: {schema.get('description', schema['pattern'])}"
    elif error.validator == "const":
        message = f"expected '{schema['const']}', got {_value_words(error.instance)}"
    elif error.validator == "anyOf" and all(set(b) == {"required"} for b in schema["anyOf"]):
        names = [name for b in schema["anyOf"] for name in b["required"]]
        message = "missing required field: give " + " or ".join(f"'{n}'" for n in names)
    return Problem(case.path, case.line_of(json_path), None, field_name(json_path), message)


def _type_words(types: str | list[str]) -> str:
    names = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
             "object": "a mapping of fields", "boolean": "true or false", "null": "nothing"}
    if isinstance(types, str):
        types = [types]
    return " or ".join(names.get(t, t) for t in types)


def _value_words(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return "nothing"


# --------------------------------------------------------------------------- semantic checks

def _semantic_problems(case: CaseFile) -> Iterator[Problem]:
    defined: dict[str, dict[str, JsonPath]] = {k: {} for k in
                                               ("agent", "place", "event", "remedy", "source", "money", "document")}

    def define(namespace: str, item: dict, path: JsonPath) -> Iterator[Problem]:
        ident = item.get("id")
        if ident in defined[namespace]:
            first = case.line_of(defined[namespace][ident])
            yield Problem(case.path, case.line_of(path + ("id",)), None, field_name(path + ("id",)),
                          f"id '{ident}' is already used on line {first}")
        else:
            defined[namespace][ident] = path

    data = case.data
    for section, namespace in (("people", "agent"), ("organisations", "agent"), ("places", "place"),
                               ("sources", "source"), ("remedies", "remedy"), ("money", "money"),
                               ("documents", "document"), *((s, "event") for s in EVENT_SECTIONS)):
        for i, item in enumerate(data.get(section, [])):
            yield from define(namespace, item, (section, i))
    for r, remedy in enumerate(data.get("remedies", [])):
        for i, item in enumerate(remedy.get("implementation", [])):
            yield from define("event", item, ("remedies", r, "implementation", i))

    for json_path, key, value in _walk(data, ()):
        if key in REFERENCE_FIELDS and not (key == "source" and json_path[:1] == ("sources",)):
            namespace = REFERENCE_FIELDS[key]
            for ref_path, ref in _references(value, json_path):
                if ref not in defined[namespace]:
                    yield _undefined(case, ref_path, namespace, ref, defined[namespace])
        if key in ("date", "end_date", "value", "as_of", "born") and isinstance(value, (str, int)):
            if key == "value" and not _looks_like_date(value):
                continue
            problem = _date_problem(value)
            if problem:
                yield Problem(case.path, case.line_of(json_path), None, field_name(json_path), problem)
    for i, finding in enumerate(data.get("findings", [])):
        if "article" in finding and "instrument" in finding:
            yield Problem(case.path, case.line_of(("findings", i, "instrument")), None,
                          field_name(("findings", i, "instrument")),
                          "give the article, or the instrument where the source names no article, not both")
    for json_path, item in _mappings(data, ()):
        yield from _figure_problems(case, json_path, item)


def _references(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    """Each id a referring field names: one id, a list of ids, or versions of one id."""
    if isinstance(value, list):
        yield from ((path + (j,), ref) for j, ref in enumerate(value))
    elif isinstance(value, dict) and isinstance(value.get("versions"), list):
        yield from ((path + ("versions", j, "value"), v.get("value")) for j, v in enumerate(value["versions"])
                    if isinstance(v, dict))
    else:
        yield path, value


def _figure_problems(case: CaseFile, path: JsonPath, item: dict) -> Iterator[Problem]:
    """A figure is a value, or bounds (min and/or max): never both, and min is at most max."""
    if "min" not in item and "max" not in item:
        return
    if "value" in item:
        yield Problem(case.path, case.line_of(path + ("value",)), None, field_name(path + ("value",)),
                      "give the value, or the bounds (min, max) a source states, not both")
    low, high = item.get("min"), item.get("max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        yield Problem(case.path, case.line_of(path + ("min",)), None, field_name(path + ("min",)),
                      f"min ({low}) is greater than max ({high})")


def _mappings(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, dict]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _mappings(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _mappings(item, path + (i,))


def _walk(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,), key, item
            yield from _walk(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, path + (i,))


def _undefined(case: CaseFile, path: JsonPath, namespace: str, ref: Any, known: dict) -> Problem:
    words = {"agent": "person or organisation", "place": "place", "event": "event",
             "remedy": "remedy", "source": "source"}[namespace]
    close = difflib.get_close_matches(str(ref), list(known), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    article = "an" if words[0] in "aeiou" else "a"
    return Problem(case.path, case.line_of(path), None, field_name(path),
                   f"'{ref}' is not {article} {words} defined in this file{hint}")


def _looks_like_date(value: Any) -> bool:
    return isinstance(value, str) and bool(re.match(r"^\d{4}-\d", value))


def _date_problem(value: str | int) -> str | None:
    if value == "unknown" or isinstance(value, int):
        return None
    match = _DATE.match(value)
    if not match:
        return None  # the schema has already said what form a date takes
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            dt.date(year, month, day)  # type: ignore[arg-type]
        elif month is not None and not 1 <= month <= 12:
            raise ValueError("month must be in 1..12")
    except ValueError as error:
        return f"'{value}' is not a real date ({error})"
    return None
