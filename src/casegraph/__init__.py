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

# Each name is imported when first used (PEP 562): the `casegraph` command imports this package
# first, and `casegraph build` after one edit should not pay for exports, queries and pyshacl.
_HOMES = {
    "Build": "build", "build_cases": "build", "CaseFile": "cases", "load_case_file": "cases",
    "load_cases": "cases", "CaseGraph": "convert", "convert_case": "convert", "CaseDataError": "errors",
    "CaseGraphError": "errors", "EndpointError": "errors", "Problem": "errors", "QueryError": "errors",
    "ShapesError": "errors", "UsageError": "errors", "export_graph": "export", "Project": "paths",
    "find_project": "paths", "StoredQuery": "queries", "bind_parameters": "queries", "list_queries": "queries",
    "load_query": "queries", "EmbeddedStore": "store", "QueryResult": "store", "RdflibStore": "store",
    "Store": "store", "ValidationReport": "validate", "ValidationResult": "validate",
    "validate_build": "validate", "Vocabulary": "vocabulary", "load_vocabulary": "vocabulary",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'casegraph' has no attribute '{name}'")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "Build", "build_cases", "CaseFile", "load_case_file", "load_cases", "CaseGraph", "convert_case",
    "CaseDataError", "CaseGraphError", "EndpointError", "Problem", "QueryError", "ShapesError", "UsageError",
    "export_graph", "Project", "find_project", "StoredQuery", "bind_parameters", "list_queries", "load_query",
    "EmbeddedStore", "QueryResult", "RdflibStore", "Store", "ValidationReport", "ValidationResult",
    "validate_build", "Vocabulary", "load_vocabulary",
]
