"""SHACL Core for the shapes casegraph uses, one case at a time, with pyshacl's results.

pyshacl takes about 7 ms a case on the whole graph. Every case's nodes live under its own
IRI, and a shape only ever reads a focus node, its values and the ontology, so each case can
be checked alone against its own triples plus the ontology, in any process, and cached by
content. This module compiles the shapes graph once and evaluates it that way.

It implements only what the shapes use (targets ``sh:targetClass``/``targetSubjectsOf``/
``targetNode``/``targetObjectsOf``; predicate paths; ``minCount``, ``maxCount``, ``class``,
``datatype``, ``node``, ``or``, ``xone``, ``hasValue``, ``pattern``, ``minInclusive``,
``maxInclusive``, ``qualifiedValueShape`` with ``qualifiedMinCount``/``qualifiedMaxCount`` (not
disjoint); ``message``, ``severity``, ``name``), each as SHACL 1.0 section 4 and
pyshacl 0.40 define it (datatype and range checks: :mod:`casegraph.shacl_literals`).
:func:`compile_shapes` returns None when the shapes use anything else, and callers then use
pyshacl. A case whose triples name a node of another case (a related case) is checked with
that node's triples supplied by the caller (``foreign``).

``tests/test_fastpaths.py`` compares every result with pyshacl's, on the corpus, on a
generated sample and on a graph with one defect of each kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from .fastconvert import IRI, Blank, Lit, to_fast_term
from .shacl_literals import actual_datatype_ok, compare_literal

__all__ = ["Index", "CompiledShapes", "RawResult", "compile_shapes", "Unsupported"]

_RDF_TYPE = IRI(str(RDF.type))
_SUBCLASS = IRI(str(RDFS.subClassOf))
_VIOLATION = SH.Violation

#: Predicates on a shape that do not constrain anything.
_IGNORED = {SH.name, SH.description, SH.message, SH.severity, SH.order, SH.group, SH.targetClass,
            SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.property, SH.path, SH.flags,
            SH.qualifiedValueShape}  # read with sh:qualifiedMinCount / sh:qualifiedMaxCount
_COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
}


#: Constraint parameters by a short code, so evaluation compares plain strings.
_CODES = {SH.minCount: "minCount", SH.maxCount: "maxCount", SH["class"]: "class", SH.datatype: "datatype",
          SH.node: "node", SH["or"]: "or", SH.xone: "xone", SH.hasValue: "hasValue", SH.pattern: "pattern",
          SH.minInclusive: "minInclusive", SH.maxInclusive: "maxInclusive",
          SH.qualifiedMinCount: "qualifiedMinCount", SH.qualifiedMaxCount: "qualifiedMaxCount"}
_TARGETS = {SH.targetClass: "class", SH.targetSubjectsOf: "subjectsOf", SH.targetObjectsOf: "objectsOf",
            SH.targetNode: "node"}


class Unsupported(Exception):
    """The shapes or the data need something this engine does not do; use pyshacl."""


class Index:
    """Triples by subject and predicate, each (s, p, o) once, in the fast converter's terms."""

    __slots__ = ("spo", "by_predicate")

    def __init__(self, triples: Iterable[tuple[Any, Any, Any]] = ()):
        self.spo: dict[Any, dict[Any, dict[Any, None]]] = {}
        self.by_predicate: dict[Any, dict[Any, None]] = {}
        self.add_all(triples)

    def add_all(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        spo, by_p = self.spo, self.by_predicate
        for s, p, o in triples:
            po = spo.get(s)
            if po is None:
                po = spo[s] = {}
            objs = po.get(p)
            if objs is None:
                objs = po[p] = {}
            objs[o] = None
            subjects = by_p.get(p)
            if subjects is None:
                subjects = by_p[p] = {}
            subjects[s] = None

    @classmethod
    def from_graph(cls, graph: Graph) -> "Index":
        return cls((to_fast_term(s), to_fast_term(p), to_fast_term(o)) for s, p, o in graph)


class _View:
    """The data graph as one case sees it: its own triples, the ontology, and foreign nodes."""

    __slots__ = ("parts", "subclasses")

    def __init__(self, parts: list[Index], subclasses: dict[Any, set]):
        self.parts = parts
        self.subclasses = subclasses

    def objects(self, s: Any, p: Any) -> list:
        out: list = []
        for part in self.parts:
            po = part.spo.get(s)
            if po is not None:
                objs = po.get(p)
                if objs:
                    if not out:
                        out = list(objs)
                    else:
                        out.extend(o for o in objs if o not in out)
        return out

    def is_instance(self, node: Any, cls: Any) -> bool:
        if type(node) is Lit:
            return False
        for t in self.objects(node, _RDF_TYPE):
            if t == cls or cls in self.subclasses.get(t, ()):
                return True
        return False


@dataclass(frozen=True)
class RawResult:
    """One validation result, as pyshacl reports it (terms are rdflib terms of the shapes graph
    for shapes and components, fast terms for data)."""

    focus: Any
    path: Any
    value: Any
    shape: Any
    component: Any
    severity: Any
    message: str


@dataclass
class _Shape:
    node: Any
    path: Any = None
    constraints: list[tuple[str, Any, Any]] = field(default_factory=list)
    properties: list["_Shape"] = field(default_factory=list)
    message: str | None = None
    severity: Any = _VIOLATION
    targets: list[tuple[Any, Any]] = field(default_factory=list)


class CompiledShapes:
    """The shapes, compiled; :meth:`validate` checks the focus nodes of one partition."""

    def __init__(self, top: list[_Shape], subclasses: dict[Any, set]):
        self.top = top
        self.subclasses = subclasses

    # ----------------------------------------------------------------- evaluation

    def validate(self, own: Index, ontology: Index, *, foreign: Index | None = None) -> list[RawResult]:
        """Results for the focus nodes that are subjects (or typed nodes) of ``own``.

        The data graph is ``own`` + ``ontology`` (+ ``foreign``: the triples of nodes of other
        cases that ``own`` points to).
        """
        parts = [own, ontology] if foreign is None else [own, ontology, foreign]
        view = _View(parts, self.subclasses)
        results: list[RawResult] = []
        for shape in self.top:
            for focus in self._focus_nodes(shape, own, view):
                self._report(shape, focus, view, results)
        return results

    def _focus_nodes(self, shape: _Shape, own: Index, view: _View) -> list:
        found: dict[Any, None] = {}
        for kind, arg in shape.targets:
            if kind == "class":
                typed = own.by_predicate.get(_RDF_TYPE)
                if typed:
                    for s in typed:
                        if not arg.isdisjoint(own.spo[s][_RDF_TYPE]):
                            found[s] = None
            elif kind == "subjectsOf":
                subjects = own.by_predicate.get(arg)
                if subjects:
                    found.update(subjects)
            elif kind == "objectsOf":
                for s in own.by_predicate.get(arg, ()):
                    for o in own.spo[s][arg]:
                        found[o] = None
            elif kind == "node":
                if arg in own.spo:
                    found[arg] = None
        return list(found)

    def _values(self, shape: _Shape, focus: Any, view: _View) -> list:
        return view.objects(focus, shape.path) if shape.path is not None else [focus]

    def _report(self, shape: _Shape, focus: Any, view: _View, out: list[RawResult]) -> None:
        values = self._values(shape, focus, view)
        for name, arg, component in shape.constraints:
            for value, has_value in self._failures(name, arg, values, focus, view):
                out.append(RawResult(focus, shape.path, value if has_value else None, shape.node,
                                     component, shape.severity, shape.message or ""))
        if shape.path is None:
            for prop in shape.properties:
                self._report(prop, focus, view, out)
        else:
            for prop in shape.properties:  # sh:property on a property shape applies to each value
                for v in values:
                    self._report(prop, v, view, out)

    def conforms(self, shape: _Shape, focus: Any, view: _View) -> bool:
        values = self._values(shape, focus, view)
        for name, arg, _component in shape.constraints:
            for _ in self._failures(name, arg, values, focus, view):
                return False
        if shape.path is None:
            return all(self.conforms(p, focus, view) for p in shape.properties)
        return all(self.conforms(p, v, view) for p in shape.properties for v in values)

    def _failures(self, name: Any, arg: Any, values: list, focus: Any, view: _View):
        """(value, reported-with-value) for each failure of one constraint."""
        if name == "minCount":
            if len(values) < arg:
                yield None, False
        elif name == "maxCount":
            if len(values) > arg:
                yield None, False
        elif name == "class":
            for v in values:
                if not view.is_instance(v, arg):
                    yield v, True
        elif name == "datatype":
            for v in values:
                if not _datatype_ok(v, arg):
                    yield v, True
        elif name == "node":
            for v in values:
                if not self.conforms(arg, v, view):
                    yield v, True
        elif name == "or":
            for v in values:
                if not any(self.conforms(s, v, view) for s in arg):
                    yield v, True
        elif name == "xone":
            for v in values:
                if sum(1 for s in arg if self.conforms(s, v, view)) != 1:
                    yield v, True
        elif name == "hasValue":
            if arg not in values:
                yield None, False
        elif name == "pattern":
            for v in values:
                if type(v) is Blank or arg.search(str(v)) is None:
                    yield v, True
        elif name in ("qualifiedMinCount", "qualifiedMaxCount"):
            # SHACL 1.0 section 4.7.3, with sh:qualifiedValueShapesDisjoint false (checked at compile).
            count, qualified = arg
            conforming = sum(1 for v in values if self.conforms(qualified, v, view))
            if conforming < count if name == "qualifiedMinCount" else conforming > count:
                yield None, False
        elif name in ("minInclusive", "maxInclusive"):
            for v in values:
                if not _in_range(v, arg, name == "minInclusive"):
                    yield v, True


def _datatype_ok(v: Any, rule: Any) -> bool:
    # pyshacl 0.40 DatatypeConstraintComponent, on rdflib's reading of the literal.
    if type(v) is not Lit:
        return False
    rule_s = str(rule)
    lit = v.rdflib()
    if v.datatype == rule_s:
        if getattr(lit, "ill_typed", None) is True:
            return False
        return actual_datatype_ok(lit, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.lang is None and rule == XSD.string:
        return actual_datatype_ok(lit, rule)
    if rule == RDF.langString and v.lang:
        return actual_datatype_ok(lit, rule)
    return False


def _in_range(v: Any, bound: Literal, minimum: bool) -> bool:
    # pyshacl 0.40 Min/MaxInclusiveConstraintComponent.
    if type(v) is not Lit:
        return False
    lit = v.rdflib()
    bound_is_string, v_is_string = isinstance(bound.value, str), isinstance(lit.value, str)
    if bound_is_string != v_is_string:
        return False
    try:
        cmp = compare_literal(lit, bound)
    except (TypeError, NotImplementedError):
        return False
    return cmp >= 0 if minimum else cmp <= 0


# --------------------------------------------------------------------------- compiling

def compile_shapes(shapes: Graph, ontology: Graph) -> CompiledShapes | None:
    """The shapes compiled for :meth:`CompiledShapes.validate`, or None if they need pyshacl."""
    try:
        return _Compiler(shapes).compile(ontology)
    except Unsupported:
        return None


class _Compiler:
    def __init__(self, graph: Graph):
        self.g = graph
        self.shapes: dict[Any, _Shape] = {}

    def compile(self, ontology: Graph) -> CompiledShapes:
        g = self.g
        for cls in (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")):
            if any(True for s in g.subjects(RDF.type, cls)):
                raise Unsupported("implicit class targets")
        if any(True for _ in g.triples((None, SH.deactivated, None))):
            raise Unsupported("sh:deactivated")
        targeted: dict[Any, None] = {}
        for t in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
            for s in g.subjects(t, None):
                targeted[s] = None
        top = [self.shape(s) for s in targeted]
        for shape in top:
            self._check_messages(shape)
        subclasses = self._subclasses(ontology)
        for shape in top:  # a class target means the class and every subclass of it
            shape.targets = [(kind, frozenset({arg} | {c for c, supers in subclasses.items() if arg in supers}))
                             if kind == "class" else (kind, arg) for kind, arg in shape.targets]
        return CompiledShapes(top, subclasses)

    @staticmethod
    def _subclasses(ontology: Graph) -> dict[Any, set]:
        subclasses: dict[Any, set] = {}
        direct: dict[Any, set] = {}
        for s, o in ontology.subject_objects(RDFS.subClassOf):
            direct.setdefault(to_fast_term(s), set()).add(to_fast_term(o))
        for c in direct:
            seen: set = set()
            stack = list(direct[c])
            while stack:
                x = stack.pop()
                if x not in seen:
                    seen.add(x)
                    stack.extend(direct.get(x, ()))
            subclasses[c] = seen
        return subclasses

    def _check_messages(self, shape: _Shape) -> None:
        # pyshacl makes up a message where a shape has none; only given messages are copied.
        if shape.constraints and shape.message is None:
            raise Unsupported(f"no single sh:message on {shape.node}")
        for prop in shape.properties:
            self._check_messages(prop)

    def shape(self, node: Any) -> _Shape:
        if node in self.shapes:
            return self.shapes[node]
        g = self.g
        shape = _Shape(node)
        self.shapes[node] = shape
        messages = list(g.objects(node, SH.message))
        if len(messages) > 1:
            raise Unsupported("several sh:message")
        shape.message = str(messages[0]) if messages else None
        shape.severity = g.value(node, SH.severity) or _VIOLATION
        path = g.value(node, SH.path)
        if path is not None:
            if not isinstance(path, URIRef):
                raise Unsupported("a path that is not a predicate")
            shape.path = to_fast_term(path)
        for t in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
            for o in g.objects(node, t):
                shape.targets.append((_TARGETS[t], to_fast_term(o)))
        flags = g.value(node, SH.flags)
        for p, o in g.predicate_objects(node):
            if p == RDF.type or not str(p).startswith(str(SH)):
                continue
            if p in _IGNORED:
                if p == SH.property:
                    shape.properties.append(self.shape(o))
                continue
            if p not in _COMPONENTS:
                raise Unsupported(f"{p}")
            if p in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
                qualified = list(g.objects(node, SH.qualifiedValueShape))
                if len(qualified) != 1 or (g.value(node, SH.qualifiedValueShapesDisjoint) or Literal(False)).toPython():
                    raise Unsupported("a qualified count without one non-disjoint sh:qualifiedValueShape")
                shape.constraints.append((_CODES[p], (int(o), self.shape(qualified[0])), _COMPONENTS[p]))
                continue
            shape.constraints.append((_CODES[p], self._argument(p, o, flags), _COMPONENTS[p]))
        if shape.path is None and shape.properties and any(s.path is None for s in shape.properties):
            raise Unsupported("sh:property without sh:path")
        return shape

    def _argument(self, p: Any, o: Any, flags: Any) -> Any:
        if p in (SH.minCount, SH.maxCount):
            return int(o)
        if p in (SH["class"],):
            return to_fast_term(o)
        if p == SH.datatype:
            return o
        if p == SH.node:
            return self.shape(o)
        if p in (SH["or"], SH.xone):
            return [self.shape(x) for x in Collection(self.g, o)]
        if p == SH.hasValue:
            return to_fast_term(o)
        if p == SH.pattern:
            re_flags = 0
            for ch in str(flags or ""):
                re_flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(ch, 0)
            return re.compile(str(o), re_flags)
        if p in (SH.minInclusive, SH.maxInclusive):
            if not isinstance(o, Literal):
                raise Unsupported("a range bound that is not a literal")
            return o
        raise Unsupported(str(p))


def to_rdflib(term: Any) -> Any:
    """A fast term as an rdflib term (for reports)."""
    if term is None:
        return None
    kind = type(term)
    if kind is Lit:
        return term.rdflib()
    if kind is Blank:
        return BNode(term)
    if isinstance(term, (URIRef, BNode, Literal)):
        return term
    return URIRef(term)


Foreign = Callable[[set], Index]
