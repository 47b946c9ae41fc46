"""Remote SPARQL endpoints: asking them questions and pushing the built graph into them.

:class:`SparqlEndpointStore` answers SPARQL like every other store (:mod:`casegraph.store`),
through SPARQLWrapper, with JSON results turned into rdflib terms. Every failure (no connection,
a timeout, an HTTP 4xx/5xx, an answer that is not SPARQL results, an answer cut short by the
server's row cap) is an :class:`~casegraph.errors.EndpointError` that names the URL and status.

:func:`push_graphs` replaces the project's named graphs in a remote store (see its docstring).

Credentials are never taken from the command line: :func:`find_credentials` reads them from
environment variables or from a TOML file keyed by endpoint URL; the caller passes both in,
so this module reads no global configuration itself.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .errors import EndpointError, UsageError
from .namespaces import CG, OWL
from .store import QueryResult

__all__ = [
    "Credentials", "find_credentials", "default_config_path", "SparqlEndpointStore",
    "PushReport", "push_graphs", "STAGING_PREFIX",
]

#: Environment variables holding credentials for any endpoint (they win over the config file).
USER_VARIABLE, PASSWORD_VARIABLE, AUTH_VARIABLE = (
    "CASEGRAPH_ENDPOINT_USER", "CASEGRAPH_ENDPOINT_PASSWORD", "CASEGRAPH_ENDPOINT_AUTH")
#: Names of staging graphs, while a push uploads; never left behind by a push that ends.
STAGING_PREFIX = "https://w3id.org/casegraph/graph/staging/"
_RESULT_TYPES = ("application/sparql-results+json", "application/json")


@dataclass(frozen=True)
class Credentials:
    """A user name and password for HTTP Basic or Digest authentication."""

    user: str
    password: str = field(repr=False)
    auth: str = "basic"


def default_config_path(environ: Mapping[str, str]) -> Path:
    """``$CASEGRAPH_ENDPOINTS_FILE``, else ``$XDG_CONFIG_HOME/casegraph/endpoints.toml``
    (``~/.config/casegraph/endpoints.toml``)."""
    if environ.get("CASEGRAPH_ENDPOINTS_FILE"):
        return Path(environ["CASEGRAPH_ENDPOINTS_FILE"])
    config_home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "casegraph" / "endpoints.toml"


def find_credentials(url: str, *, environ: Mapping[str, str], config_path: Path | None) -> Credentials | None:
    """The credentials for ``url``: from the environment, else from the config file's table for it.

    The config file is TOML, one table per endpoint URL::

        ["http://127.0.0.1:8890/sparql-auth"]
        user = "dba"
        password = "dba"
        auth = "digest"      # or "basic" (the default)

    Raises:
        UsageError: the file does not parse, or an entry is incomplete or of the wrong type.
    """
    if environ.get(USER_VARIABLE) or environ.get(PASSWORD_VARIABLE):
        if not (environ.get(USER_VARIABLE) and environ.get(PASSWORD_VARIABLE)):
            raise UsageError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return Credentials(environ[USER_VARIABLE], environ[PASSWORD_VARIABLE],
                           _auth(environ.get(AUTH_VARIABLE, "basic"), AUTH_VARIABLE))
    if config_path is None or not config_path.is_file():
        return None
    import tomllib

    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{config_path}: cannot read the endpoints file: {error}") from None
    entry = next((value for key, value in config.items() if key.rstrip("/") == url.rstrip("/")), None)
    if entry is None:
        return None
    where = f"{config_path}: [\"{url}\"]"
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("user", "password")):
        raise UsageError(f"{where} needs user = \"...\" and password = \"...\" (strings)")
    unknown = set(entry) - {"user", "password", "auth"}
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: user, password, auth")
    return Credentials(entry["user"], entry["password"], _auth(entry.get("auth", "basic"), where + " auth"))


def _auth(value: object, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in ("basic", "digest"):
        raise UsageError(f"{where} must be basic or digest, got {value!r}")
    return value.lower()


class SparqlEndpointStore:
    """A remote SPARQL endpoint as a store (SPARQL 1.1 Protocol, JSON results).

    Args:
        url: the query endpoint.
        update_url: the update endpoint (default: ``url``).
        store_url: a Graph Store Protocol endpoint, used by :func:`push_graphs` if given.
        credentials: sent to every URL, with Basic or Digest authentication.
        timeout: seconds to wait for each answer.
    """

    def __init__(self, url: str, *, update_url: str | None = None, store_url: str | None = None,
                 credentials: Credentials | None = None, timeout: float = 60.0):
        self.url = url
        self.update_url = update_url or url
        self.store_url = store_url
        self.credentials = credentials
        self.timeout = timeout
        self.description = f"SPARQL endpoint {url}"

    def query(self, sparql: str) -> QueryResult:
        """Run a SELECT or ASK query.

        Raises:
            EndpointError: the endpoint cannot be reached, fails, or does not answer with SPARQL
                JSON results (or cut them short).
        """
        status, headers, body = self._sparql(sparql, self.url, update=False)
        content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in _RESULT_TYPES:
            raise EndpointError(f"the answer is not SPARQL results but {content_type or 'untyped'}: "
                                f"{_snippet(body)}; is this the query endpoint?", url=self.url, status=status)
        if headers.get("X-SPARQL-MaxRows"):
            raise EndpointError(f"the endpoint cut the answer at {headers['X-SPARQL-MaxRows']} rows (its result "
                                "row cap, ResultSetMaxRows in Virtuoso's ini); raise the cap or narrow the "
                                "question", url=self.url, status=status)
        try:
            return _result(json.loads(body.decode("utf-8")))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise EndpointError(f"the answer is not valid SPARQL JSON results: {_snippet(body)}",
                                url=self.url, status=status) from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request.

        Raises:
            EndpointError: as for :meth:`query`.
        """
        self._sparql(sparql, self.update_url, update=True)

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one graph through the Graph Store Protocol (HTTP PUT of N-Triples).

        Raises:
            EndpointError: as for :meth:`query`; UsageError when there is no store URL.
        """
        if not self.store_url:
            raise UsageError("no Graph Store Protocol URL was given")
        separator = "&" if "?" in self.store_url else "?"
        target = f"{self.store_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(target, data=ntriples, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            if self.credentials and self.credentials.auth == "digest":
                signed = self._digest(request)
                if signed:
                    request.add_header("Authorization", signed)
            elif self.credentials:
                token = f"{self.credentials.user}:{self.credentials.password}".encode()
                request.add_header("Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
            with urllib.request.build_opener().open(request, timeout=self.timeout) as response:
                response.read()
        except Exception as error:  # noqa: BLE001 - every transport failure becomes one clear error
            raise _failure(self.store_url, error, self.timeout) from None

    def _digest(self, request: urllib.request.Request) -> str | None:
        """A Digest Authorization header for ``request`` from the challenge of a small GET, or
        None when the server asks for none.

        urllib answers a Digest challenge only by sending the request again, and a server that
        refuses a large PUT before reading it closes the connection mid-body (a broken pipe); so
        the challenge is fetched first and the PUT goes out once, signed.
        """
        assert self.credentials is not None
        try:
            urllib.request.build_opener().open(urllib.request.Request(request.full_url), timeout=self.timeout).close()
            return None
        except urllib.error.HTTPError as error:
            challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
            error.close()
            if error.code != 401:
                return None
        scheme, _, fields = challenge.partition(" ")
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, request.full_url, self.credentials.user, self.credentials.password)
        parsed = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(fields)))
        signed = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(request, parsed) \
            if scheme.lower() == "digest" else None
        if not signed:
            raise EndpointError(f"the endpoint's challenge is not one Digest answers ({challenge or 'none'}); "
                                "try auth = basic", url=str(self.store_url), status=401)
        return "Digest " + signed

    def _sparql(self, sparql: str, url: str, *, update: bool) -> tuple[int, Mapping[str, str], bytes]:
        from SPARQLWrapper import DIGEST, INSERT, JSON, POST, SELECT, SPARQLWrapper

        wrapper = SPARQLWrapper(self.url, updateEndpoint=self.update_url)
        with warnings.catch_warnings():
            # SPARQLWrapper guesses the query form by searching the text for a keyword, comments
            # included ("never added up" reads as ADD); it warns when it finds none. The caller
            # knows which it is: say so, and let the endpoint judge the text.
            warnings.simplefilter("ignore")
            wrapper.setQuery(sparql)
        wrapper.queryType = INSERT if update else SELECT
        wrapper.setMethod(POST)  # a bound query can be long; POST has no URL length limit
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(max(1, math.ceil(self.timeout)))
        if self.credentials:
            wrapper.setCredentials(self.credentials.user, self.credentials.password)
            if self.credentials.auth == "digest":
                wrapper.setHTTPAuth(DIGEST)
        try:
            with _keep_global_opener():
                answer = wrapper.query()
                response = answer.response
                return response.status, response.headers, response.read()
        except Exception as error:  # noqa: BLE001 - every transport failure becomes one clear error
            raise _failure(url, error, self.timeout) from None


@contextlib.contextmanager
def _keep_global_opener() -> Iterator[None]:
    """SPARQLWrapper installs a process-wide urllib opener for Digest authentication; put back
    whatever was there, so that credentials never leak into unrelated requests."""
    saved = urllib.request._opener  # type: ignore[attr-defined]
    try:
        yield
    finally:
        urllib.request.install_opener(saved)  # type: ignore[arg-type]


def _failure(url: str, error: Exception, timeout: float) -> EndpointError:
    """One EndpointError, naming URL and status and saying what to do, for any failure."""
    from SPARQLWrapper import SPARQLExceptions as sx

    statuses = {sx.QueryBadFormed: 400, sx.Unauthorized: 401, sx.EndPointNotFound: 404, sx.URITooLong: 414,
                sx.EndPointInternalError: 500}
    status, body = None, b""
    if isinstance(error, EndpointError):
        return error
    if isinstance(error, urllib.error.HTTPError):
        status, body = error.code, _read(error)
    elif isinstance(error, sx.SPARQLWrapperException):
        status = next((code for kind, code in statuses.items() if isinstance(error, kind)), None)
        body = _wrapped_body(str(error))
    elif isinstance(error, (TimeoutError, urllib.error.URLError)) and "timed out" in str(error):
        return EndpointError(f"no answer within {timeout:g} s; the server may be overloaded, or raise --timeout",
                             url=url)
    elif isinstance(error, urllib.error.URLError):
        return EndpointError(f"cannot connect ({error.reason}); is the server running and the URL right?", url=url)
    elif isinstance(error, HTTPException):
        return EndpointError(f"the server did not answer in HTTP ({type(error).__name__}); "
                             "is this the SPARQL endpoint's address?", url=url)
    else:
        return EndpointError(f"the request failed: {error}", url=url)
    hints = {
        400: "the endpoint rejected the request",
        401: "the endpoint wants credentials or refused them: set CASEGRAPH_ENDPOINT_USER and "
             "CASEGRAPH_ENDPOINT_PASSWORD (and CASEGRAPH_ENDPOINT_AUTH=digest for Virtuoso), or add the "
             "URL to the endpoints file",
        403: "the endpoint refused the request (read-only endpoint, or a user without the right)",
        404: "no SPARQL endpoint at this address (Oxigraph: /query and /update; Virtuoso: /sparql)",
    }
    message = hints.get(status or 0, "the endpoint failed" if (status or 0) >= 500 else "the endpoint refused")
    detail = _snippet(body)
    return EndpointError(f"{message}{': ' + detail if detail else ''}", url=url, status=status)


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except Exception:  # noqa: BLE001 - the body is only used for the message
        return b""


def _wrapped_body(message: str) -> bytes:
    """The server's answer that SPARQLWrapper folded into its exception message (as a bytes repr)."""
    _, found, rest = message.partition("Response:\n")
    if found:
        with contextlib.suppress(ValueError, SyntaxError):
            value = ast.literal_eval(rest.strip())
            return value if isinstance(value, bytes) else str(value).encode()
    return b""


def _snippet(body: bytes, limit: int = 300) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _result(data: dict) -> QueryResult:
    if "boolean" in data:
        return QueryResult([], boolean=bool(data["boolean"]))
    columns = [str(v) for v in data["head"]["vars"]]
    if columns == ["__ASK_RETVAL"]:  # Virtuoso answers ASK as one row of 1 or 0
        bindings = data["results"]["bindings"]
        return QueryResult([], boolean=bool(bindings) and bindings[0]["__ASK_RETVAL"]["value"] not in ("0", "false"))
    rows = [tuple(_term(binding.get(name)) for name in columns) for binding in data["results"]["bindings"]]
    return QueryResult(columns, rows)


def _term(cell: dict | None) -> Node | None:
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):  # "typed-literal": SPARQL 1.0 style, sent by Virtuoso
        if cell.get("xml:lang"):
            return Literal(value, lang=cell["xml:lang"])
        return Literal(value, datatype=URIRef(cell["datatype"]) if cell.get("datatype") else None)
    raise ValueError(kind)


@dataclass
class PushReport:
    """What a push did."""

    graphs: int
    triples: int
    dropped: list[str]
    seconds: float
    union_default_graph: bool


def push_graphs(store: SparqlEndpointStore, quads: Iterable[tuple[Node, Node, Node, Node]], *,
                base: str, batch_triples: int = 1_000) -> PushReport:
    """Replace the project's named graphs in a remote store with ``quads``, all or nothing.

    SPARQL engines differ in what a request guarantees: Oxigraph runs an update request in one
    transaction, Virtuoso applies its operations one by one (an error half-way keeps the first
    half). So a push never writes into a live graph until the new data is complete:

    1. upload each graph into a fresh staging graph (``STAGING_PREFIX`` + a token): by Graph
       Store Protocol PUT when the store has ``store_url``, else by ``INSERT DATA`` requests
       holding whole graphs (a graph is never split, so blank nodes keep their identity);
    2. count the triples of every staging graph and compare with what was sent;
    3. swap, in one small update request: ``DROP`` the project's case graphs (under ``base``) that
       are no longer in the build, and ``MOVE`` each staging graph onto its live graph.

    A failure in steps 1-2 drops the staging graphs and leaves every live graph as it was. Staging
    graphs that a killed push left behind are dropped by the next push. While step 1 runs, an
    endpoint whose default graph is the union of all graphs shows the staged copies too.

    Returns:
        a report; ``union_default_graph`` says whether the endpoint's default graph shows the
        pushed data (the stored questions need that: Oxigraph ``--union-default-graph``).

    Raises:
        EndpointError: a request failed (with what was left unchanged in the message).
    """
    started = time.monotonic()
    graphs: dict[str, set[str]] = {}
    for s, p, o, g in quads:
        graphs.setdefault(str(g), set()).add(f"{s.n3()} {p.n3()} {o.n3()} .\n")
    token = uuid.uuid4().hex[:16]
    staging = {graph: f"{STAGING_PREFIX}{token}/{i}" for i, graph in enumerate(sorted(graphs))}
    _drop(store, _leftover_staging(store))
    stale = [g for g in _project_case_graphs(store, base) if g not in graphs]
    try:
        _upload(store, graphs, staging, batch_triples)
        _verify(store, graphs, staging)
    except EndpointError as error:
        with contextlib.suppress(EndpointError):
            _drop(store, list(staging.values()))
        raise EndpointError(f"{_message(error)} — push abandoned: the remote graphs were not changed",
                            url=error.url, status=error.status) from None
    swap = [f"DROP SILENT GRAPH <{g}>" for g in stale] + \
           [f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>" for g in sorted(graphs)]
    store.update(" ;\n".join(swap))
    probe = next((g for g in sorted(graphs) if g.startswith(f"{base}case/")), None)
    union = True
    if probe is not None:
        union = bool(store.query(f"SELECT ?type WHERE {{ <{probe}> a ?type }} LIMIT 1").rows)
    return PushReport(len(graphs), sum(len(t) for t in graphs.values()), stale, time.monotonic() - started, union)


def _message(error: EndpointError) -> str:
    """The message of an EndpointError without the URL and status it starts with."""
    status = f" (HTTP {error.status})" if error.status is not None else ""
    return str(error).removeprefix(f"{error.url}{status}: ")


def _leftover_staging(store: SparqlEndpointStore) -> list[str]:
    found = store.query(
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?type {{ <{CG.Case}> <{OWL.Ontology}> }} GRAPH ?g {{ ?s a ?type }} "
        f"FILTER(STRSTARTS(STR(?g), {Literal(STAGING_PREFIX).n3()})) }}")
    return [str(row[0]) for row in found.rows]


def _project_case_graphs(store: SparqlEndpointStore, base: str) -> list[str]:
    """The case graphs of this project in the remote store: named after a case under ``base``."""
    found = store.query(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{CG.Case}> }} "
        f"FILTER(STRSTARTS(STR(?g), {Literal(base + 'case/').n3()})) }}")
    return [str(row[0]) for row in found.rows]


def _drop(store: SparqlEndpointStore, names: list[str]) -> None:
    if names:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names))


def _upload(store: SparqlEndpointStore, graphs: Mapping[str, set[str]], staging: Mapping[str, str],
            batch_triples: int) -> None:
    if store.store_url:
        for graph, triples in graphs.items():
            store.put_graph(staging[graph], "".join(sorted(triples)).encode("utf-8"))
        return
    # INSERT DATA requests of at most batch_triples triples: Virtuoso 7.2's SPARQL compiler fails
    # on a few thousand ("memory exhausted" near 5,000 for dba; "SQL text has exceeded 10000
    # lines" at 2,000 for other users). A graph with blank nodes goes whole, since a blank node
    # label only names the same node within one request.
    pieces: list[tuple[str, list[str]]] = []
    for graph in sorted(graphs):
        lines = sorted(graphs[graph])
        step = len(lines) if any("_:" in line for line in lines) else batch_triples
        pieces += [(graph, lines[i:i + step]) for i in range(0, len(lines), max(step, 1))]
    batch: list[str] = []
    size = 0
    for graph, lines in pieces:
        if batch and size + len(lines) > batch_triples:
            store.update("INSERT DATA {\n" + "".join(batch) + "}")
            batch, size = [], 0
        batch.append(f"GRAPH <{staging[graph]}> {{\n{''.join(lines)}}}\n")
        size += len(lines)
    if batch:
        store.update("INSERT DATA {\n" + "".join(batch) + "}")


def _verify(store: SparqlEndpointStore, graphs: Mapping[str, set[str]], staging: Mapping[str, str],
            chunk: int = 200) -> None:
    names = sorted(graphs)
    for start in range(0, len(names), chunk):
        part = {staging[g]: g for g in names[start:start + chunk]}
        values = " ".join(f"<{s}>" for s in part)
        found = store.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                            "GROUP BY ?g")
        counts = {str(g): int(str(n)) for g, n in found.rows}
        for staged, graph in part.items():
            if counts.get(staged, 0) != len(graphs[graph]):
                raise EndpointError(f"graph <{graph}> arrived with {counts.get(staged, 0)} of "
                                    f"{len(graphs[graph])} triples", url=store.url)
