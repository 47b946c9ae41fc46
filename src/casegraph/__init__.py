"""casegraph: human-rights litigation as linked data.

The public API. Nothing is done at import time; heavy libraries (pyshacl, pyoxigraph,
SPARQLWrapper) are imported inside the functions that use them.

Example::

    from pathlib import Path
    from casegraph import load_vocabulary, build_cases, validate_build

    build = build_cases([Path("data")], load_vocabulary(Path("ontology")))
    report = validate_build(build, Path("shapes"))
    assert report.conforms
"""

from .build import Build, build_cases
from .cases import CaseFile, load_case_file, load_cases
from .convert import CaseGraph, convert_case
from .errors import CaseDataError, CaseGraphError, EndpointError, Problem, QueryError, ShapesError, UsageError
from .export import export_graph
from .paths import Project, find_project
from .queries import StoredQuery, bind_parameters, list_queries, load_query
from .store import EmbeddedStore, QueryResult, RdflibStore, Store
from .validate import ValidationReport, ValidationResult, validate_build
from .vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "Build", "build_cases", "CaseFile", "load_case_file", "load_cases", "CaseGraph", "convert_case",
    "CaseDataError", "CaseGraphError", "EndpointError", "Problem", "QueryError", "ShapesError", "UsageError",
    "export_graph", "Project", "find_project", "StoredQuery", "bind_parameters", "list_queries", "load_query",
    "EmbeddedStore", "QueryResult", "RdflibStore", "Store", "ValidationReport", "ValidationResult",
    "validate_build", "Vocabulary", "load_vocabulary",
]
