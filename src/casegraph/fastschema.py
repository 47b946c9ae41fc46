"""A fast yes/no check of case files against the JSON Schema, before the full one.

``jsonschema`` takes about 2 ms a case (most of a case file's reading time): it builds an
error object for every keyword it visits. Almost every file is valid, and a valid file needs
no messages, so the schema is compiled once into plain Python closures that only answer
"valid?". When they say no, the caller runs ``jsonschema`` for the located messages, so the
messages are always ``jsonschema``'s own. The closures implement the keywords the schema uses
with ``jsonschema``'s own equality and uniqueness helpers; a schema that uses any other
keyword is not compiled (:func:`compile_schema` returns None) and every file takes the full
check. ``tests/test_fastschema.py`` checks that both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["compile_schema"]

Check = Callable[[Any], bool]

#: Keywords that never make an instance invalid (``format`` is an annotation by default).
_ANNOTATIONS = {"$schema", "$id", "$defs", "$comment", "title", "description", "format", "default",
                "examples", "deprecated", "readOnly", "writeOnly"}


class _Unsupported(Exception):
    pass


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A function telling whether an instance is valid, or None if the schema uses other keywords."""
    try:
        return _Compiler(schema).compile(schema)
    except _Unsupported:
        return None


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    raise _Unsupported(name)


def _equal(one: Any, two: Any) -> bool:
    from jsonschema._utils import equal as jsonschema_equal

    return jsonschema_equal(one, two)


def _unique(items: list) -> bool:
    # Lists of strings (all the schema's unique lists, in practice) need no jsonschema: importing
    # it cost 0.1-0.3 s of a command after one edit.
    if all(type(x) is str for x in items):
        return len(set(items)) == len(items)
    from jsonschema._utils import uniq

    return bool(uniq(items))


class _Compiler:
    def __init__(self, root: dict[str, Any]):
        self.root = root
        self.refs: dict[str, Check] = {}

    def ref(self, pointer: str) -> Check:
        if not pointer.startswith("#/"):
            raise _Unsupported(pointer)
        if pointer not in self.refs:
            target: Any = self.root
            for part in pointer[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            holder: list[Check] = []
            self.refs[pointer] = lambda v: holder[0](v)  # recursion-safe: filled in below
            holder.append(self.compile(target))
        return self.refs[pointer]

    def compile(self, schema: Any) -> Check:  # noqa: C901 - one branch per keyword
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise _Unsupported(schema)
        checks: list[Check] = []
        for key, arg in schema.items():
            if key in _ANNOTATIONS or key in ("properties", "additionalProperties"):
                continue
            if key == "$ref":
                checks.append(self.ref(arg))
            elif key == "type":
                names = [arg] if isinstance(arg, str) else list(arg)
                if not set(names) <= {"string", "object", "array", "boolean", "null", "integer", "number"}:
                    raise _Unsupported(names)
                checks.append(lambda v, names=names: any(_is_type(v, n) for n in names))
            elif key == "enum":
                if all(type(e) is str for e in arg):
                    allowed = frozenset(arg)
                    checks.append(lambda v, allowed=allowed: type(v) is str and v in allowed
                                  or (type(v) is not str and any(_equal(v, e) for e in allowed)))
                else:
                    checks.append(lambda v, arg=arg: any(_equal(v, e) for e in arg))
            elif key == "const":
                if type(arg) is str:  # jsonschema's equal() is == when either side is a string
                    checks.append(lambda v, arg=arg: v == arg)
                else:
                    checks.append(lambda v, arg=arg: _equal(v, arg))
            elif key == "pattern":
                rx = re.compile(arg)
                checks.append(lambda v, rx=rx: not isinstance(v, str) or rx.search(v) is not None)
            elif key == "minLength":
                checks.append(lambda v, n=arg: not isinstance(v, str) or len(v) >= n)
            elif key == "minimum":
                checks.append(lambda v, n=arg: not _is_type(v, "number") or v >= n)
            elif key == "maximum":
                checks.append(lambda v, n=arg: not _is_type(v, "number") or v <= n)
            elif key == "minItems":
                checks.append(lambda v, n=arg: not isinstance(v, list) or len(v) >= n)
            elif key == "uniqueItems":
                if arg:
                    checks.append(lambda v: not isinstance(v, list) or _unique(v))
            elif key == "required":
                names = tuple(arg)
                checks.append(lambda v, names=names: not isinstance(v, dict) or all(n in v for n in names))
            elif key == "items":
                item = self.compile(arg)
                checks.append(lambda v, item=item: not isinstance(v, list) or all(item(x) for x in v))
            elif key == "anyOf":
                branches = [self.compile(b) for b in arg]
                checks.append(lambda v, branches=branches: any(b(v) for b in branches))
            else:
                raise _Unsupported(key)
        if "properties" in schema or "additionalProperties" in schema:
            if "patternProperties" in schema:
                raise _Unsupported("patternProperties")
            props = {k: self.compile(s) for k, s in schema.get("properties", {}).items()}
            extra = schema.get("additionalProperties", True)
            extra_check = None if extra is True else self.compile(extra)

            def objects(v: Any, props: dict = props, extra_check: Check | None = extra_check) -> bool:
                if not isinstance(v, dict):
                    return True
                for k, x in v.items():
                    check = props.get(k)
                    if check is not None:
                        if not check(x):
                            return False
                    elif extra_check is not None and not extra_check(x):
                        return False
                return True

            checks.append(objects)
        if not checks:
            return lambda v: True
        if len(checks) == 1:
            return checks[0]
        return lambda v, checks=tuple(checks): all(c(v) for c in checks)
