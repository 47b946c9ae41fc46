"""Remote SPARQL endpoints: asking them questions.

:class:`SparqlEndpointStore` answers SPARQL like every other store (:mod:`casegraph.store`),
through SPARQLWrapper, with JSON results turned into rdflib terms. Every failure (no connection,
a timeout, an HTTP 4xx/5xx, an answer that is not SPARQL results, an answer cut short by the
server's row cap) is an :class:`~casegraph.errors.EndpointError` that names the URL and status.

Pushing into an endpoint is :mod:`casegraph.push`; credentials come from
:mod:`casegraph.credentials`.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import json
import math
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Mapping
from http.client import HTTPException

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .credentials import Credentials
from .errors import EndpointError, UsageError
from .store import QueryResult

__all__ = ["SparqlEndpointStore"]

_RESULT_TYPES = ("application/sparql-results+json", "application/json")


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
                                "try auth = basic", url=request.full_url, status=401)
        return "Digest " + signed

    def _sparql(self, sparql: str, url: str, *, update: bool) -> tuple[int, Mapping[str, str], bytes]:
        from SPARQLWrapper import INSERT, JSON, POST, SELECT, SPARQLWrapper

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
        try:
            if self.credentials and self.credentials.auth == "digest":
                # Signed here from the endpoint's challenge, as uploads are: urllib's own Digest
                # handler (which SPARQLWrapper would install) never closes the 401 answer it
                # retries after, and leaves a socket open on every request.
                signed = self._digest(urllib.request.Request(url, method="POST"))
                if signed:
                    wrapper.addCustomHttpHeader("Authorization", signed)
            elif self.credentials:
                wrapper.setCredentials(self.credentials.user, self.credentials.password)
            answer = wrapper.query()
            # Closed here, not left to the garbage collector: an open response keeps its socket.
            with contextlib.closing(answer.response) as response:
                return response.status, response.headers, response.read()
        except EndpointError:
            raise
        except Exception as error:  # noqa: BLE001 - every transport failure becomes one clear error
            raise _failure(url, error, self.timeout) from None


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
    finally:
        error.close()  # the error holds the response, and with it the socket


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


