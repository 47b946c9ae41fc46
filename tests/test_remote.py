"""Remote SPARQL endpoints, against real servers on 127.0.0.1: Oxigraph (from PyPI) always,
Virtuoso (Debian virtuoso-opensource) when installed. Also 'casegraph serve', and the errors a
client meets: no server, a timeout, 4xx/5xx, answers that are not SPARQL results."""

from __future__ import annotations

import base64
import csv
import contextlib
import http.server
import itertools
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal

from casegraph.build import VOCABULARY_GRAPH, Build, build_cases
from casegraph.cli import main
from casegraph.credentials import Credentials, default_config_path, find_credentials
from casegraph.errors import EndpointError, UsageError
from casegraph.push import STAGING_PREFIX, push_graphs
from casegraph.queries import bind_parameters, list_queries, load_query
from casegraph.remote import SparqlEndpointStore
from casegraph.serve import find_oxigraph, free_port, start_server
from casegraph.store import EmbeddedStore
from casegraph.vocabulary import Vocabulary

from .conftest import GERASIMOV, QUERY_FIXTURES, ROOT

CG = "https://w3id.org/casegraph/ontology#"
CATALOGUE = [
    "case-findings", "case-timeline", "violations-by-article", "violations-by-state-and-article",
    "violations-by-right", "violations-by-state-and-right", "outcomes-by-forum", "time-to-decision",
    "time-to-compliance", "remedies-status", "unimplemented-remedies", "compensation", "cases-by-article",
    "cases-by-act", "related-cases", "documents", "claims-vs-findings", "sources-of",
]
CASES = ["fixture-a-v-testland", "fixture-b-v-testland", "fixture-c-v-otherland", "gerasimov-v-kazakhstan"]


# --------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------

def wait_http(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early with status {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(url)


def stop(process: subprocess.Popen, grace: float = 15.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def oxigraph_server(union: bool = True) -> Iterator[dict]:
    """An in-memory Oxigraph server on a free loopback port, stopped by its PID."""
    port = free_port()
    command = [find_oxigraph(), "serve", "--bind", f"127.0.0.1:{port}"] + (["--union-default-graph"] if union else [])
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/", process)
        yield {"query": base + "/query", "update": base + "/update", "store": base + "/store", "base": base}
    finally:
        stop(process)


VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[dict]:
    """A private Virtuoso instance, as installed (anonymous users may read, not write)."""
    if not shutil.which("virtuoso-t"):
        pytest.skip("Virtuoso is not installed (apt-get install -y virtuoso-opensource); .ci/run installs it")
    workdir = Path(tempfile.mkdtemp(prefix="casegraph-virtuoso-"))
    http_port, sql_port = free_port(), free_port()
    (workdir / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port))
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", "virtuoso.ini"], cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_http(base + "/sparql", process, timeout=120)
        yield {"query": base + "/sparql", "auth": base + "/sparql-auth", "store": base + "/sparql-graph-crud",
               "store_auth": base + "/sparql-graph-crud-auth", "user": "dba", "password": "dba"}
    finally:
        stop(process, grace=30)
        shutil.rmtree(workdir, ignore_errors=True)


class FakeEndpoint:
    """A loopback HTTP server that answers every request the same way, and records them."""

    def __init__(self, status: int = 200, content_type: str = "application/sparql-results+json",
                 body: bytes = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}', delay: float = 0.0):
        self.requests: list[dict] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                owner.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "body": self.rfile.read(length)})
                time.sleep(delay)
                with contextlib.suppress(OSError):
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            do_GET = do_PUT = do_POST  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@contextlib.contextmanager
def not_http() -> Iterator[str]:
    """A loopback TCP server that answers anything with a line that is not HTTP."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(10)

    def answer() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"HELLO this is not HTTP\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        listener.close()
        thread.join(5)


# --------------------------------------------------------------------------------------------
# Data and comparison
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def remote_build(vocabulary: Vocabulary) -> Build:
    return build_cases([QUERY_FIXTURES, GERASIMOV], vocabulary)


@pytest.fixture(scope="module")
def embedded(remote_build: Build) -> EmbeddedStore:
    return EmbeddedStore(quads=remote_build.quads())


@pytest.fixture(scope="module")
def oxigraph(remote_build: Build) -> Iterator[dict]:
    """One Oxigraph server for the module, holding the pushed build."""
    with oxigraph_server() as server:
        store = SparqlEndpointStore(server["query"], update_url=server["update"], timeout=30)
        server["report"] = push_graphs(store, remote_build.quads(), base=remote_build.base)
        yield server


def variants(name: str) -> list[dict[str, str]]:
    """The question's examples: required parameters (each case for a case parameter), then every
    combination of the optional ones (Virtuoso fails on some pairs only)."""
    query = load_query(ROOT / "queries" / f"{name}.rq")
    required = {p.name: p.example or "" for p in query.parameters if p.required}
    if any(p.type == "case" for p in query.parameters if p.required):
        found = [{**required, **{p.name: case for p in query.parameters if p.type == "case"}} for case in CASES]
    else:
        found = [required]
    optional = [p for p in query.parameters if not p.required]
    return found + [{**required, **{p.name: p.example or "" for p in chosen}}
                    for size in range(1, len(optional) + 1) for chosen in itertools.combinations(optional, size)]


def bound(name: str, values: dict[str, str], build: Build, vocabulary: Vocabulary) -> str:
    return bind_parameters(load_query(ROOT / "queries" / f"{name}.rq"), values, base=build.base,
                           states=vocabulary.state_iris())


def unordered_lists(term):
    """A GROUP_CONCAT list comes in no set order (SPARQL 1.1, 18.5.1.7): compare its items as a set."""
    if isinstance(term, Literal) and term.datatype is None:
        return (tuple(sorted(re.split(r", |; | / ", str(term)))), term.language)
    return term


def ordered(name: str) -> bool:
    return "ORDER BY" in (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Oxigraph: push, then every question gives the same rows
# --------------------------------------------------------------------------------------------

def test_push_reports_what_it_did(oxigraph: dict, remote_build: Build) -> None:
    report = oxigraph["report"]
    assert report.graphs == len(remote_build.graphs) + 1
    assert report.triples == len({q for q in remote_build.quads()})
    assert report.dropped == [] and report.union_default_graph


@pytest.mark.parametrize("name", sorted(q.name for q in list_queries(ROOT / "queries")))
def test_every_stored_question_gives_the_same_rows_remotely(name: str, oxigraph: dict, embedded: EmbeddedStore,
                                                            remote_build: Build, vocabulary: Vocabulary) -> None:
    remote = SparqlEndpointStore(oxigraph["query"], timeout=30)
    for values in variants(name):
        text = bound(name, values, remote_build, vocabulary)
        here, there = embedded.query(text), remote.query(text)
        assert there.columns == here.columns
        mine, theirs = ([tuple(map(unordered_lists, row)) for row in rows] for rows in (here.rows, there.rows))
        if ordered(name):
            assert theirs == mine, values
        else:
            assert sorted(theirs, key=repr) == sorted(mine, key=repr), values


def test_hostile_values_arrive_as_values(oxigraph: dict, tmp_path: Path) -> None:
    from .test_queries import ECHO, HOSTILE

    path = tmp_path / "echo.rq"
    path.write_text(ECHO, encoding="utf-8")
    store = SparqlEndpointStore(oxigraph["query"], timeout=30)
    for value in HOSTILE:
        text = bind_parameters(load_query(path), {"text": value}, base="https://example.org/", states={})
        assert store.query(text).rows == [(Literal(value),)], repr(value[:30])


def graphs(store: SparqlEndpointStore) -> dict[str, int]:
    result = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {str(g): int(str(n)) for g, n in result.rows}


def titles(store: SparqlEndpointStore) -> set[str]:
    result = store.query(f"SELECT ?t WHERE {{ ?c a <{CG}Case> ; <http://purl.org/dc/terms/title> ?t }}")
    return {str(row[0]) for row in result.rows}


@pytest.fixture()
def edited_fixtures(tmp_path: Path) -> Path:
    """The query fixtures with Fixture A renamed."""
    folder = tmp_path / "edited"
    shutil.copytree(QUERY_FIXTURES, folder)
    case = folder / "fixture-a-v-testland.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("title: Fixture A v. Testland",
                                                            "title: Fixture A v. Testland (renamed)"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("upload", ["update", "store"])
def test_push_replaces_the_project_graphs_whole(upload: str, remote_build: Build, vocabulary: Vocabulary,
                                                edited_fixtures: Path) -> None:
    with oxigraph_server() as server:
        store = SparqlEndpointStore(server["query"], update_url=server["update"],
                                    store_url=server["store"] if upload == "store" else None, timeout=30)
        foreign = "https://example.org/another-project/case/x"
        store.update(f"INSERT DATA {{ GRAPH <{foreign}> {{ <{foreign}> a <{CG}Case> }} }}")
        push_graphs(store, remote_build.quads(), base=remote_build.base)
        assert "Fixture A v. Testland" in titles(store)
        # Again, with Fixture A renamed and Gerasimov gone: A is replaced whole (its old title
        # does not linger), Gerasimov's graph is dropped, another project's graph is kept.
        report = push_graphs(store, build_cases([edited_fixtures], vocabulary).quads(), base=remote_build.base)
        assert report.dropped == [f"{remote_build.base}case/gerasimov-v-kazakhstan"]
        assert titles(store) == {"Fixture A v. Testland (renamed)", "Fixture B v. Testland", "Fixture C v. Otherland"}
        held = graphs(store)
        assert foreign in held and str(VOCABULARY_GRAPH) in held
        assert not [g for g in held if g.startswith(STAGING_PREFIX)]


class FailingStore(SparqlEndpointStore):
    """A real endpoint whose connection breaks on the n-th update request."""

    def __init__(self, *args, fail_at: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fail_at, self.updates = fail_at, 0

    def update(self, sparql: str) -> None:
        self.updates += 1
        if self.updates == self.fail_at:
            raise EndpointError("cannot connect (connection reset)", url=self.update_url)
        super().update(sparql)


def test_a_failed_push_leaves_the_previous_graphs(remote_build: Build, vocabulary: Vocabulary,
                                                  edited_fixtures: Path) -> None:
    with oxigraph_server() as server:
        good = SparqlEndpointStore(server["query"], update_url=server["update"], timeout=30)
        push_graphs(good, remote_build.quads(), base=remote_build.base)
        before = graphs(good)
        edited = build_cases([edited_fixtures], vocabulary).quads()
        # The third INSERT DATA of 2,000 triples fails, after two went into staging graphs.
        flaky = FailingStore(server["query"], update_url=server["update"], timeout=30, fail_at=3)
        with pytest.raises(EndpointError, match="push abandoned: the remote graphs were not changed"):
            push_graphs(flaky, edited, base=remote_build.base)
        assert graphs(good) == before
        assert "Fixture A v. Testland (renamed)" not in titles(good)
        # A GSP upload that fails (no such path) likewise leaves everything as it was.
        broken = SparqlEndpointStore(server["query"], update_url=server["update"],
                                     store_url=server["base"] + "/no-such-store", timeout=30)
        with pytest.raises(EndpointError, match=r"HTTP 404.*push abandoned"):
            push_graphs(broken, build_cases([edited_fixtures], vocabulary).quads(), base=remote_build.base)
        assert graphs(good) == before


def test_staging_graphs_left_by_a_killed_push_are_dropped(remote_build: Build) -> None:
    with oxigraph_server() as server:
        store = SparqlEndpointStore(server["query"], update_url=server["update"], timeout=30)
        dead = f"{STAGING_PREFIX}dead/0"
        store.update(f"INSERT DATA {{ GRAPH <{dead}> {{ <{remote_build.base}case/x> a <{CG}Case> }} }}")
        push_graphs(store, remote_build.quads(), base=remote_build.base)
        assert dead not in graphs(store)


def test_push_says_when_the_default_graph_is_not_the_union(remote_build: Build) -> None:
    with oxigraph_server(union=False) as server:
        store = SparqlEndpointStore(server["query"], update_url=server["update"], timeout=30)
        assert push_graphs(store, remote_build.quads(), base=remote_build.base).union_default_graph is False


# --------------------------------------------------------------------------------------------
# The commands against a real server
# --------------------------------------------------------------------------------------------

def run(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
    assert "Traceback" not in result.output
    return result


def test_push_and_query_commands(query_project: Path) -> None:
    root = str(query_project)
    with oxigraph_server() as server:
        pushed = run("push", "--root", root, "--endpoint", server["query"], "--update-endpoint", server["update"],
                     "--audience", "internal", "--include-restricted")
        assert pushed.exit_code == 0, pushed.output
        assert re.match(r"Pushed 4 cases and the vocabulary \(\d+ triples in 5 graphs\) to http://127\.0\.0\.1:\d+/query",
                        pushed.output)
        for question, params in (("time-to-decision", []), ("case-timeline", ["-p", "case=fixture-c-v-otherland"])):
            here = run("query", question, "--root", root, "--format", "csv", *params)
            there = run("query", question, "--root", root, "--format", "csv", *params, "--endpoint", server["query"])
            assert there.exit_code == 0, there.output
            assert there.stdout == here.stdout
        # Every stored question at once: the same files from the endpoint as from the embedded store.
        here_dir, there_dir = query_project / "here", query_project / "there"
        case = ("-p", "case=fixture-c-v-otherland")
        assert run("answers", "--root", root, *case, "-o", str(here_dir)).exit_code == 0
        there = run("answers", "--root", root, *case, "-o", str(there_dir), "--endpoint", server["query"])
        assert there.exit_code == 0, there.output
        assert f"questions answered from the SPARQL endpoint {server['query']}" in there.output
        names = sorted(p.name for p in here_dir.iterdir())
        assert names == sorted(p.name for p in there_dir.iterdir()) and len(names) == len(list_queries(ROOT / "queries"))
        for name in names:
            mine, theirs = (csv_rows(folder / name) for folder in (here_dir, there_dir))
            if ordered(Path(name).stem):
                assert theirs == mine, name
            else:
                assert sorted(theirs) == sorted(mine), name


def csv_rows(path: Path) -> list[tuple]:
    """A CSV answer's rows, each list cell (GROUP_CONCAT: no set order) as its sorted items."""
    with path.open(encoding="utf-8", newline="") as f:
        return [tuple(tuple(sorted(re.split(r", |; | / ", cell))) for cell in row) for row in csv.reader(f)]


def test_push_sends_only_what_the_audience_may_see(query_project: Path) -> None:
    case = query_project / "data" / "fixture-a-v-testland.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "    name: Applicant A\n", "    name: Applicant A\n    confidentiality: internal\n"), encoding="utf-8")
    names = "SELECT ?name WHERE { ?agent <http://xmlns.com/foaf/0.1/name> ?name }"
    with oxigraph_server() as server:
        args = ("push", "--root", str(query_project), "--endpoint", server["query"], "--update-endpoint", server["update"])
        refused = run(*args, "--audience", "internal")
        assert refused.exit_code == 2
        assert "includes facts withheld from the public" in refused.output
        assert graphs(SparqlEndpointStore(server["query"])) == {}
        assert run(*args).exit_code == 0  # the default audience is public
        public_names = {str(row[0]) for row in SparqlEndpointStore(server["query"]).query(names).rows}
        assert public_names and "Applicant A" not in public_names
        assert run(*args, "--audience", "internal", "--include-restricted").exit_code == 0
        assert "Applicant A" in {str(row[0]) for row in SparqlEndpointStore(server["query"]).query(names).rows}


# --------------------------------------------------------------------------------------------
# Failures: a clear error naming URL and status, exit code 3, no traceback
# --------------------------------------------------------------------------------------------

def query_cli(query_project: Path, url: str, *extra: str):
    return run("query", "outcomes-by-forum", "--root", str(query_project), "--endpoint", url, *extra)


def test_an_unreachable_endpoint(query_project: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match="cannot connect") as caught:
        SparqlEndpointStore(url).query("ASK {}")
    assert caught.value.url == url and caught.value.status is None
    result = query_cli(query_project, url)
    assert result.exit_code == 3
    assert result.output.startswith(f"Error: {url}: cannot connect")


def test_a_timeout(query_project: Path) -> None:
    with FakeEndpoint(delay=4) as fake:
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"no answer within 1 s"):
            SparqlEndpointStore(fake.url, timeout=1).query("ASK {}")
        assert time.monotonic() - started < 3.5
        result = query_cli(query_project, fake.url, "--timeout", "1")
        assert result.exit_code == 3 and f"Error: {fake.url}: no answer within 1 s" in result.output


@pytest.mark.parametrize("status, body, message", [
    (400, b"Parse error at 1:7", "(HTTP 400): the endpoint rejected the request: Parse error at 1:7"),
    (401, b"", "(HTTP 401): the endpoint wants credentials or refused them"),
    (403, b"read only", "(HTTP 403): the endpoint refused the request"),
    (404, b"not here", "(HTTP 404): no SPARQL endpoint at this address"),
    (405, b"", "(HTTP 405): the endpoint refused"),
    (500, b"Virtuoso 37000 Error SP030", "(HTTP 500): the endpoint failed: Virtuoso 37000 Error SP030"),
    (503, b"overloaded", "(HTTP 503): the endpoint failed: overloaded"),
])
def test_http_errors(status: int, body: bytes, message: str, query_project: Path) -> None:
    with FakeEndpoint(status=status, content_type="text/plain", body=body) as fake:
        with pytest.raises(EndpointError) as caught:
            SparqlEndpointStore(fake.url).query("ASK {}")
        assert (caught.value.url, caught.value.status) == (fake.url, status)
        assert str(caught.value).startswith(fake.url + " " + message)
        result = query_cli(query_project, fake.url)
        assert result.exit_code == 3 and f"Error: {fake.url} {message}" in result.output


@pytest.mark.parametrize("content_type, body, message", [
    ("text/html", b"<html><body>Welcome</body></html>", "the answer is not SPARQL results but text/html: <html>"),
    ("application/sparql-results+json", b"{not json", "the answer is not valid SPARQL JSON results: {not json"),
    ("application/sparql-results+json", b'{"head": {}}', "not valid SPARQL JSON results"),
])
def test_answers_that_are_not_sparql_results(content_type: str, body: bytes, message: str,
                                             query_project: Path) -> None:
    with FakeEndpoint(content_type=content_type, body=body) as fake:
        with pytest.raises(EndpointError, match=re.escape(message)) as caught:
            SparqlEndpointStore(fake.url).query("ASK {}")
        assert caught.value.status == 200
        assert query_cli(query_project, fake.url).exit_code == 3


def test_a_server_that_does_not_speak_http(query_project: Path) -> None:
    with not_http() as url:
        with pytest.raises(EndpointError, match="did not answer in HTTP"):
            SparqlEndpointStore(url, timeout=5).query("ASK {}")


def test_real_server_errors(oxigraph: dict) -> None:
    with pytest.raises(EndpointError, match=r"\(HTTP 400\): the endpoint rejected the request: .*expected"):
        SparqlEndpointStore(oxigraph["query"]).query("SELECT * WHERE { ?s ?p }")
    with pytest.raises(EndpointError, match=r"\(HTTP 404\)"):
        SparqlEndpointStore(oxigraph["base"] + "/nothing").query("ASK {}")


# --------------------------------------------------------------------------------------------
# Credentials: from the environment or the endpoints file, never the command line
# --------------------------------------------------------------------------------------------

def test_credentials_from_the_environment(tmp_path: Path) -> None:
    env = {"CASEGRAPH_ENDPOINT_USER": "u", "CASEGRAPH_ENDPOINT_PASSWORD": "p w", "CASEGRAPH_ENDPOINT_AUTH": "Digest"}
    assert find_credentials("http://x/", environ=env, config_path=None) == Credentials("u", "p w", "digest")
    with pytest.raises(UsageError, match="set both"):
        find_credentials("http://x/", environ={"CASEGRAPH_ENDPOINT_USER": "u"}, config_path=None)
    with pytest.raises(UsageError, match="must be basic or digest"):
        find_credentials("http://x/", environ={**env, "CASEGRAPH_ENDPOINT_AUTH": "ntlm"}, config_path=None)
    assert "p w" not in repr(Credentials("u", "p w"))


def test_credentials_from_the_endpoints_file(tmp_path: Path) -> None:
    config = tmp_path / "endpoints.toml"
    config.write_text('["http://127.0.0.1:8890/sparql-auth"]\nuser = "dba"\npassword = "s3cret"\nauth = "digest"\n'
                      '["http://other/"]\nuser = "a"\npassword = "b"\n', encoding="utf-8")
    assert find_credentials("http://127.0.0.1:8890/sparql-auth", environ={}, config_path=config) == \
        Credentials("dba", "s3cret", "digest")
    assert find_credentials("http://other", environ={}, config_path=config) == Credentials("a", "b", "basic")
    assert find_credentials("http://unknown/", environ={}, config_path=config) is None
    env = {"CASEGRAPH_ENDPOINT_USER": "env", "CASEGRAPH_ENDPOINT_PASSWORD": "wins"}
    assert find_credentials("http://other", environ=env, config_path=config) == Credentials("env", "wins", "basic")
    for text, message in (('["http://x/"]\nuser = "a"\n', "needs user"), ("not toml =", "cannot read"),
                          ('["http://x/"]\nuser = "a"\npassword = "b"\npasswd = "c"\n', "unknown key")):
        config.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match=message):
            find_credentials("http://x/", environ={}, config_path=config)
    assert default_config_path({"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/casegraph/endpoints.toml")
    assert default_config_path({"CASEGRAPH_ENDPOINTS_FILE": "/e.toml"}) == Path("/e.toml")


def test_the_command_sends_basic_credentials_from_the_file(query_project: Path, tmp_path: Path) -> None:
    with FakeEndpoint() as fake:
        config = tmp_path / "endpoints.toml"
        config.write_text(f'["{fake.url}"]\nuser = "analyst"\npassword = "pa:ss"\n', encoding="utf-8")
        env = {"CASEGRAPH_ENDPOINTS_FILE": str(config), "CASEGRAPH_ENDPOINT_USER": "",
               "CASEGRAPH_ENDPOINT_PASSWORD": ""}
        result = run("query", "outcomes-by-forum", "--root", str(query_project), "--endpoint", fake.url, env=env)
        assert result.exit_code == 0, result.output
        sent = fake.requests[0]["headers"]["Authorization"]
        assert sent == "Basic " + base64.b64encode(b"analyst:pa:ss").decode()
    help_text = run("query", "--help").output
    assert "--password" not in help_text and "--user" not in help_text


def test_push_sends_credentials_with_each_upload_and_checks_what_arrived(remote_build: Build) -> None:
    """A store that takes every PUT and keeps nothing: the count check stops the push."""
    with FakeEndpoint(body=b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}') as fake:
        store = SparqlEndpointStore(fake.url, store_url=fake.url.replace("/sparql", "/store"),
                                    credentials=Credentials("u", "p"), timeout=10)
        with pytest.raises(EndpointError, match=r"arrived with 0 of \d+ triples — push abandoned"):
            push_graphs(store, remote_build.quads(), base=remote_build.base)
        puts = [r for r in fake.requests if r["path"].startswith("/store?graph=")]
        assert len(puts) == len(remote_build.graphs) + 1
        assert {r["headers"]["Authorization"] for r in fake.requests} == {"Basic " + base64.b64encode(b"u:p").decode()}
        assert all(r["path"].startswith("/store?graph=" + urllib.parse.quote(STAGING_PREFIX, safe="")) for r in puts)


# --------------------------------------------------------------------------------------------
# casegraph serve
# --------------------------------------------------------------------------------------------

@pytest.fixture()
def built_project(query_project: Path) -> Path:
    assert run("build", "--root", str(query_project)).exit_code == 0
    return query_project


def test_serve_read_only(built_project: Path, remote_build: Build, vocabulary: Vocabulary,
                         embedded: EmbeddedStore) -> None:
    server = start_server(built_project / ".casegraph" / "store", port=0)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        remote = SparqlEndpointStore(server.query_url)
        text = bound("violations-by-right", {}, remote_build, vocabulary)
        assert [tuple(map(unordered_lists, row)) for row in remote.query(text).rows] == \
            [tuple(map(unordered_lists, row)) for row in embedded.query(text).rows]
        with pytest.raises(EndpointError, match=r"HTTP 403"):
            SparqlEndpointStore(server.query_url, update_url=server.update_url).update("CLEAR ALL")
        page = urllib.request.urlopen(server.url, timeout=5).read().decode()
        assert "yasgui" in page.lower()
    finally:
        server.stop()
    assert server.process.poll() is not None


def test_serve_writable_works_on_a_copy(built_project: Path) -> None:
    store_path = built_project / ".casegraph" / "store"
    server = start_server(store_path, port=0, writable=True)
    try:
        remote = SparqlEndpointStore(server.query_url, update_url=server.update_url)
        remote.update("CLEAR ALL")
        assert remote.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1").rows == []
    finally:
        server.stop()
    assert EmbeddedStore(store_path).query("ASK { ?s a ?o }").boolean is True


def test_serve_for_the_public_audience_serves_a_filtered_store(built_project: Path) -> None:
    port = free_port()
    command = [str(Path(sys.executable).with_name("casegraph")), "serve", "--root", str(built_project),
               "--port", str(port), "--audience", "public"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "for the public audience" in process.stdout.readline()  # type: ignore[union-attr]
        process.stdout.readline()  # type: ignore[union-attr]
        names = {str(row[0]) for row in SparqlEndpointStore(f"http://127.0.0.1:{port}/query").query(
            "SELECT ?name WHERE { ?a <http://xmlns.com/foaf/0.1/name> ?name }").rows}
        # Applicants are victims, withheld from the public by default (docs/confidentiality.md).
        assert names and not any(name.startswith("Applicant") for name in names)
    finally:
        stop(process)
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    assert (built_project / ".casegraph" / "store-public").is_dir()


def test_serve_errors(built_project: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="run 'casegraph build' first"):
        start_server(tmp_path / "none", port=0)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(UsageError, match="did not start on 127.0.0.1"):
            start_server(built_project / ".casegraph" / "store", port=taken.getsockname()[1])


def test_serve_command_prints_the_address_and_stops_with_its_server(built_project: Path) -> None:
    port = free_port()
    command = [str(Path(sys.executable).with_name("casegraph")), "serve", "--root", str(built_project),
               "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()  # type: ignore[union-attr]
        assert first.strip() == f"Serving the casegraph store read-only for the internal audience at http://127.0.0.1:{port}/"
        assert process.stdout.readline().strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query"  # type: ignore[union-attr]
        rows = SparqlEndpointStore(f"http://127.0.0.1:{port}/query").query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a <{CG}Case> }}").rows
        assert rows == [(Literal(4),)]
    finally:
        stop(process)
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    assert process.returncode == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_serve_on_the_network_refuses_restricted_facts(built_project: Path) -> None:
    case = built_project / "data" / "fixture-a-v-testland.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "    name: Applicant A\n", "    name: Applicant A\n    confidentiality: partner\n"), encoding="utf-8")
    result = run("serve", "--root", str(built_project), "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 2 and "includes facts withheld from the public" in result.output


# --------------------------------------------------------------------------------------------
# Virtuoso: union default graph, Digest-authenticated updates, a result row cap
# --------------------------------------------------------------------------------------------

def virtuoso_value(term):
    """What Virtuoso gives back, compared by meaning: numbers and booleans by value, xsd:duration
    as seconds (Virtuoso stores it so), GROUP_CONCAT lists as sets."""
    if isinstance(term, Literal) and isinstance(term.toPython(), bool):
        return Decimal(int(term.toPython()))
    if isinstance(term, Literal) and term.datatype is not None and isinstance(term.toPython(), (int, float, Decimal)):
        return Decimal(str(term)).normalize()
    match = re.fullmatch(r"P(\d+)D|PT(\d+)H", str(term)) if isinstance(term, Literal) else None
    if match:
        term = Literal(str(int(match[1] or 0) * 86400 + int(match[2] or 0) * 3600))
    return unordered_lists(term)


def test_virtuoso_refuses_anonymous_updates_clearly(virtuoso: dict, remote_build: Build) -> None:
    anonymous = SparqlEndpointStore(virtuoso["query"], timeout=60)
    with pytest.raises(EndpointError, match=r"push abandoned: the remote graphs were not changed") as caught:
        push_graphs(anonymous, remote_build.quads(), base=remote_build.base)
    assert caught.value.status == 500 and "SR186:SECURITY: No permission" in str(caught.value)


# Virtuoso 7.2's SPARQL compiler fails ("SP031 ... ssg_print_rvr_fixed_val(): no SPART_VARR_FIXED")
# on a VALUES row of two or more variables that a triple pattern joins when an OPTIONAL follows.
# A block per variable compiles, but then Virtuoso leaves rows out of report-cases (a forum and a
# State given), and rewriting that question made Oxigraph five times slower (benchmarks/RESULTS.md).
VIRTUOSO_CANNOT_COMPILE = {("violations-by-right", frozenset({"forum", "state"}))}


def test_virtuoso_push_with_digest_then_every_question(virtuoso: dict, query_project: Path, embedded: EmbeddedStore,
                                                       remote_build: Build, vocabulary: Vocabulary) -> None:
    env = {"CASEGRAPH_ENDPOINT_USER": virtuoso["user"], "CASEGRAPH_ENDPOINT_PASSWORD": "wrong",
           "CASEGRAPH_ENDPOINT_AUTH": "digest"}
    args = ("push", "--root", str(query_project), "--endpoint", virtuoso["auth"], "--store-endpoint",
            virtuoso["store_auth"], "--audience", "internal", "--include-restricted")
    refused = run(*args, env=env)
    assert refused.exit_code == 3 and "(HTTP 401)" in refused.output
    pushed = run(*args, env={**env, "CASEGRAPH_ENDPOINT_PASSWORD": virtuoso["password"]})
    assert pushed.exit_code == 0, pushed.output
    assert "Warning" not in pushed.output  # Virtuoso's default graph is the union
    anonymous = SparqlEndpointStore(virtuoso["query"], timeout=60)
    for name in CATALOGUE:
        for values in variants(name):
            text = bound(name, values, remote_build, vocabulary)
            if (name, frozenset(values)) in VIRTUOSO_CANNOT_COMPILE:
                with pytest.raises(EndpointError, match="SP031"):  # a clean refusal, never wrong rows
                    anonymous.query(text)
                continue
            here, there = embedded.query(text), anonymous.query(text)
            assert there.columns == here.columns, name
            mine = [tuple(map(virtuoso_value, row)) for row in here.rows]
            theirs = [tuple(map(virtuoso_value, row)) for row in there.rows]
            if not ordered(name):
                mine, theirs = sorted(mine, key=repr), sorted(theirs, key=repr)
            assert theirs == mine, (name, values)
    # As a user meets it: exit code 3 and Virtuoso's own words, no traceback, no rows.
    refused = run("query", "report-cases", "--root", str(query_project), "--endpoint", virtuoso["query"],
                  "--param", "state=KZ", "--param", "forum=cat", "--format", "csv")
    assert refused.exit_code == 3 and "SP031" in refused.output and "case_id" not in refused.output


def test_virtuoso_row_cap_is_an_error(virtuoso: dict, remote_build: Build) -> None:
    store = SparqlEndpointStore(virtuoso["query"], timeout=60)
    with pytest.raises(EndpointError, match=r"cut the answer at 1000 rows"):
        store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 999").rows) == 999


def test_virtuoso_hostile_values(virtuoso: dict, tmp_path: Path) -> None:
    from .test_queries import ECHO, HOSTILE

    path = tmp_path / "echo.rq"
    path.write_text(ECHO, encoding="utf-8")
    store = SparqlEndpointStore(virtuoso["query"], timeout=60)
    for value in [v if len(v) < 1000 else v[:4000] for v in HOSTILE if "\x00" not in v]:
        text = bind_parameters(load_query(path), {"text": value}, base="https://example.org/", states={})
        assert [str(row[0]) for row in store.query(text).rows] == [value], repr(value[:30])


def test_virtuoso_insert_data_limits_fail_cleanly(virtuoso: dict, remote_build: Build, vocabulary: Vocabulary,
                                                  edited_fixtures: Path) -> None:
    """Virtuoso cannot take xsd:duration literals in INSERT DATA: the push fails, and says so,
    and leaves the graphs a Graph Store Protocol push put there."""
    credentials = Credentials(virtuoso["user"], virtuoso["password"], "digest")
    gsp = SparqlEndpointStore(virtuoso["auth"], store_url=virtuoso["store_auth"], credentials=credentials, timeout=60)
    push_graphs(gsp, remote_build.quads(), base=remote_build.base)
    before = graphs(gsp)
    update_only = SparqlEndpointStore(virtuoso["auth"], credentials=credentials, timeout=60)
    with pytest.raises(EndpointError, match="duration.*push abandoned: the remote graphs were not changed"):
        push_graphs(update_only, build_cases([edited_fixtures, GERASIMOV], vocabulary).quads(), base=remote_build.base)
    assert graphs(gsp) == before
