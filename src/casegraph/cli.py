"""The ``casegraph`` command: a thin layer that parses options, calls the library, prints,
and picks the exit code.

Exit codes: 0 ok; 1 the data has errors or does not conform; 2 usage (bad option, missing
project, unreadable shapes or ontology); 3 query or endpoint failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import CaseDataError, CaseGraphError, display_path
from .gcpolicy import collect_rarely
from .namespaces import DEFAULT_BASE
from .paths import Project, find_project

if TYPE_CHECKING:
    from datetime import datetime

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CaseGraphGroup(click.Group):
    """Turns every CaseGraphError into one plain message and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: D401 - click API
        try:
            return super().invoke(ctx)
        except CaseDataError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            n = len(error.problems)
            click.echo(f"Error: {n} problem{'s' if n != 1 else ''} in the case files; nothing was written.",
                       err=True)
            sys.exit(error.exit_code)
        except CaseGraphError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)


root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                           help="The project folder (holding ontology/, shapes/, data/). Default: found "
                                "from the current folder upwards.")
base_option = click.option("--base", default=lambda: os.environ.get("CASEGRAPH_BASE", DEFAULT_BASE),
                           show_default=f"$CASEGRAPH_BASE or {DEFAULT_BASE}",
                           help="The IRI base of data nodes (cases, people, events ...).")
paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _project(root: Path | None) -> Project:
    return Project(root.resolve()) if root else find_project()


def _data_paths(project: Project, paths: Sequence[Path]) -> list[Path]:
    return list(paths) or [project.data]


def _check_base(base: str) -> str:
    if not base.endswith(("/", "#")) or ":" not in base:
        raise click.BadParameter(f"'{base}' must be an absolute IRI ending in / or #", param_hint="--base")
    return base


@contextmanager
def _progress(label: str, unit: str = "files") -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar (``unit`` done, rate) on stderr in a terminal; nothing in pipes or CI."""
    if os.environ.get("CI") or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, rate="")

        def update(done: int, total: int) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, completed=done, total=total, rate=f"{speed:,.{0 if speed >= 10 else 1}f} {unit}/s" if speed else "")

        yield update


@click.group(cls=CaseGraphGroup, context_settings=CONTEXT)
@click.version_option(package_name="casegraph")
def main() -> None:
    """casegraph: human-rights cases as validated, queryable linked data.

    Case files (YAML, one per case in data/) are converted to RDF under the ontology in
    ontology/, validated with the SHACL shapes in shapes/, and answer the stored questions
    in queries/. Exit codes: 0 ok, 1 data errors or violations, 2 usage, 3 query or endpoint failure.
    """
    collect_rarely()


@main.command(context_settings=CONTEXT)
@paths_argument
@root_option
@base_option
def build(paths: tuple[Path, ...], root: Path | None, base: str) -> None:
    """Convert case files (default: data/) to RDF and load the embedded store.

    Every problem in every file is reported with file, line and field; when there is any,
    nothing is written. The store (.casegraph/store) is what later commands query.
    """
    from .workspace import update_project

    project = _project(root)
    with _progress("Converting") as progress:
        result = update_project(project, _data_paths(project, paths), base=_check_base(base), progress=progress)
    click.echo(f"Built {result.case_count} case{'s' if result.case_count != 1 else ''}, "
               f"{result.triple_count} triples (+{result.vocabulary_triples} ontology and vocabulary "
               f"triples) into {display_path(project.work / 'store')}")


@main.command(context_settings=CONTEXT)
@paths_argument
@root_option
@base_option
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Also print warnings and notes.")
def validate(paths: tuple[Path, ...], root: Path | None, base: str, warnings: bool) -> None:
    """Check case files (default: data/) against the SHACL shapes in shapes/.

    Prints each result as FILE:LINE: FIELD: MESSAGE [severity]. Exits 0 when the data
    conforms (warnings allowed), 1 when any result is an error.
    """
    from .projectvalidation import validate_project

    project = _project(root)
    with _progress("Validating") as progress:
        checked = validate_project(project, _data_paths(project, paths), base=_check_base(base), progress=progress)
    report, case_count = checked.report, checked.case_count
    # One write, not one per line: at 100,000 cases there are 62,731 lines.
    printed = report.printed(warnings)
    if printed:
        click.echo(printed)
    errors, warns = report.count("error"), report.count("warning")
    verdict = "conforms" if report.conforms else "does not conform"
    click.echo(f"{case_count} case{'s' if case_count != 1 else ''} checked against "
               f"{len(report.shapes_files)} shapes files: {verdict} ({errors} error{'s' if errors != 1 else ''}, "
               f"{warns} warning{'s' if warns != 1 else ''}).", err=not report.conforms)
    sys.exit(0 if report.conforms else 1)


def _audience(default: str, help: str):  # noqa: A002 - click's own word
    """The --audience option; the levels are casegraph.confidentiality.LEVELS, spelled out here
    so that --help does not import the confidentiality machinery."""
    return click.option("--audience", type=click.Choice(["public", "partner", "internal"]), default=default,
                        show_default=True, help=help)


audience_option = _audience("public", "Who it is for: only what this audience may see is included; withheld people "
                                      "and organisations become pseudonyms (see docs/confidentiality.md).")


@main.command(context_settings=CONTEXT)
@paths_argument
@root_option
@base_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld", "trig", "nquads", "csv"]),
              default="turtle", show_default=True,
              help="turtle, nt (N-Triples), jsonld (JSON-LD 1.1 with ontology/context.jsonld, framed per case), "
                   "trig or nquads (a named graph per case plus a dataset metadata graph), csv (one table).")
@click.option("--case", "cases", multiple=True, metavar="ID",
              help="Export only this case (repeatable); by default every case read.")
@audience_option
@click.option("--table", type=click.Choice(["cases", "findings", "events", "remedies"]), default="cases",
              show_default=True, help="With --format csv: which table, one row per case, finding, event or remedy.")
@click.option("--timestamp", is_flag=True,
              help="State when the export was made in its dataset metadata (trig, nquads): $SOURCE_DATE_EPOCH "
                   "if set, else now. Off by default, so the same data gives the same bytes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export(paths: tuple[Path, ...], root: Path | None, base: str, fmt: str, cases: tuple[str, ...], audience: str,
           table: str, timestamp: bool, output: Path | None) -> None:
    """Export the cases (default: all of data/) for partners, to standard output or -o FILE.

    Only what the --audience may see is exported, and the export is checked against
    shapes/audience/ before anything is written: if it holds anything above its audience,
    nothing is written and the command exits 1. Pseudonyms are keyed by .casegraph/pseudonym-key
    (made on first use) or $CASEGRAPH_PSEUDONYM_KEY. The same data, audience and key always
    give the same bytes. A file is written whole or not at all. Every case as nquads (no --case)
    is streamed, 200 cases at a time on every core: memory stays flat at any size.
    """
    from datetime import datetime, timezone

    from .build import build_cases
    from .export import export_graph
    from .pseudonyms import KEY_ENVIRONMENT_VARIABLE, load_pseudonym_key
    from .vocabulary import load_vocabulary

    project = _project(root)
    created = None
    if timestamp:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and not epoch.isdigit():
            raise click.BadParameter(f"$SOURCE_DATE_EPOCH must be seconds since 1970, got '{epoch}'",
                                     param_hint="--timestamp")
        created = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    if fmt == "nquads" and not cases:
        # Every case as N-Quads: streamed a batch at a time, so memory stays flat at any size.
        _export_streamed(project, _data_paths(project, paths), base=_check_base(base), audience=audience,
                         created=created, output=output)
        return
    build = build_cases(_data_paths(project, paths), load_vocabulary(project.ontology), base=_check_base(base))
    key = load_pseudonym_key(project.work, override=os.environ.get(KEY_ENVIRONMENT_VARIABLE) or None)
    data = export_graph(build, fmt, project=project, audience=audience, cases=cases, table=table,
                        pseudonym_key=key, created=created)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        _write_whole(output, data)
        click.echo(f"Wrote {display_path(output)} ({len(data)} bytes, {audience} audience)", err=True)


def _export_streamed(project: Project, paths: list[Path], *, base: str, audience: str,
                     created: datetime | None, output: Path | None) -> None:
    """``export --format nquads`` of every case through :func:`casegraph.streamexport.stream_nquads`;
    to standard output through a temporary file, so that a failure still writes nothing."""
    import shutil
    import tempfile

    from .pseudonyms import KEY_ENVIRONMENT_VARIABLE, load_pseudonym_key
    from .streamexport import stream_nquads
    from .vocabulary import load_vocabulary

    key = load_pseudonym_key(project.work, override=os.environ.get(KEY_ENVIRONMENT_VARIABLE) or None)
    vocabulary = load_vocabulary(project.ontology)
    project.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=project.work) as scratch:
        target = output if output is not None else Path(scratch) / "export.nq"
        with _progress("Exporting") as progress:
            written = stream_nquads(paths, vocabulary, project=project, output=target, audience=audience, base=base,
                                    pseudonym_key=key, created=created, progress=progress)
        if output is None:
            with target.open("rb") as data:
                shutil.copyfileobj(data, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            click.echo(f"Wrote {display_path(output)} ({written.quads} quads of {written.cases} cases, "
                       f"{output.stat().st_size} bytes, {audience} audience)", err=True)


def _write_whole(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a failure never leaves half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


@main.command(context_settings=CONTEXT)
@paths_argument
@root_option
@base_option
@click.option("--format", "fmt", type=click.Choice(["nquads", "trig"]), default="nquads", show_default=True,
              help="A dataset format: a named graph per case, plus the ontology and vocabularies' graph.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The file to write (it appears only when complete).")
def dump(paths: tuple[Path, ...], root: Path | None, base: str, fmt: str, output: Path) -> None:
    """Write the whole dataset (internal: every fact) for a large engine's bulk loader.

    A named graph per case, as 'casegraph push' and 'casegraph export' give them; streamed,
    so memory stays flat at any size; the store and cache are brought up to date first. This
    is the internal audience: for partners or the public, use 'casegraph export --format nquads
    --audience', which filters and checks each case (and streams too, more slowly).
    """
    from .dump import write_dump
    from .workspace import update_project

    project = _project(root)
    with _progress("Converting") as progress:
        update_project(project, _data_paths(project, paths), base=_check_base(base), progress=progress)
    quads = write_dump(project, base=_check_base(base), output=output, fmt=fmt)
    click.echo(f"Wrote {display_path(output)} ({quads} quads, {output.stat().st_size} bytes, internal audience)",
               err=True)


@main.command(name="queries", context_settings=CONTEXT)
@root_option
def list_stored_queries(root: Path | None) -> None:
    """List the stored questions in queries/: name, title and parameters."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .queries import list_queries

    project = _project(root)
    table = Table(header_style="bold")
    for column in ("name", "title", "parameters"):
        table.add_column(column, overflow="fold")
    questions = list_queries(project.queries)
    for q in questions:
        params = ", ".join(f"{p.name}:{p.type}" + ("" if p.required else "?") for p in q.parameters)
        table.add_row(Text(q.name), Text(q.title), Text(params or "-"))
    Console(width=160 if not sys.stdout.isatty() else None, highlight=False).print(table)
    click.echo(f"{len(questions)} questions; run one with: casegraph query NAME --param key=value")


endpoint_timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="SECONDS",
    help="How long to wait for each answer of a remote endpoint.")


@main.command(context_settings=CONTEXT)
@click.argument("question")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the question (repeatable); see 'casegraph queries'.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="How to print the rows.")
@click.option("--data", "data_paths", multiple=True, type=click.Path(path_type=Path),
              help="Case files or folders to answer from (default: data/).")
@click.option("--endpoint", metavar="URL",
              help="Ask this SPARQL endpoint (after 'casegraph push') instead of the embedded store. Its default "
                   "graph must be the union of the named graphs. Credentials come from "
                   "$CASEGRAPH_ENDPOINT_USER / $CASEGRAPH_ENDPOINT_PASSWORD ($CASEGRAPH_ENDPOINT_AUTH=digest) or "
                   "~/.config/casegraph/endpoints.toml, never from the command line.")
@endpoint_timeout_option
@root_option
@base_option
def query(question: str, params: tuple[str, ...], fmt: str, data_paths: tuple[Path, ...], endpoint: str | None,
          timeout: float, root: Path | None, base: str) -> None:
    """Answer a stored question (a name from 'casegraph queries') or a SPARQL file.

    Parameters are bound as RDF terms, never pasted into the query text. The embedded store is
    brought up to date first if the case files changed since the last build; with --endpoint the question
    goes to that SPARQL endpoint instead (exit code 3 if it cannot answer).
    """
    from .answers import ask
    from .output import format_result
    from .queries import bind_parameters, load_query
    from .casecache import cached_vocabulary

    project = _project(root)
    path = Path(question)
    if not (question.endswith(".rq") or path.exists()):
        path = project.queries / f"{question}.rq"
        if not path.exists():
            from .errors import QueryError
            from .queries import list_queries

            names = ", ".join(q.name for q in list_queries(project.queries))
            raise QueryError(f"no stored question '{question}'; known: {names or 'none'}")
    stored = load_query(path)
    values = _params(params)
    base = _check_base(base)
    states = cached_vocabulary(project).state_iris()
    text = bind_parameters(stored, values, base=base, states=states)
    store = _question_store(project, data_paths, endpoint, timeout, base)
    click.echo(format_result(ask(store, stored, values, text, base=base, states=states), fmt))


def _question_store(project: Project, data_paths: Sequence[Path], endpoint: str | None, timeout: float, base: str):
    """The store questions are asked of: the endpoint, or the embedded store brought up to date."""
    if endpoint:
        if data_paths:
            raise click.BadParameter("the endpoint answers from what was pushed to it", param_hint="--data")
        return _remote_store(endpoint, timeout=timeout)
    from .workspace import open_project_store

    state = open_project_store(project, _data_paths(project, data_paths), base=base)
    if state.rebuilt:
        click.echo("(the case files changed since the last build: brought the embedded store up to date)", err=True)
    return state.store


def _params(params: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in map(_split_param, params):
        if key in values:
            raise click.BadParameter(f"'{key}' is given twice", param_hint="--param")
        values[key] = value
    return values


@main.command(context_settings=CONTEXT)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter for every question that takes it (repeatable). A required parameter not "
                   "given takes the example in the question's header; an optional one stays unset.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Write each answer to DIR/NAME.csv (or .tsv, .json) and print a summary, instead of "
                   "printing every answer.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]),
              help="How to write the rows: table when printing, csv into --output (the defaults).")
@click.option("--data", "data_paths", multiple=True, type=click.Path(path_type=Path),
              help="Case files or folders to answer from (default: data/).")
@click.option("--endpoint", metavar="URL",
              help="Ask this SPARQL endpoint instead of the embedded store (see 'casegraph query --help').")
@endpoint_timeout_option
@root_option
@base_option
def answers(params: tuple[str, ...], output: Path | None, fmt: str | None, data_paths: tuple[Path, ...],
            endpoint: str | None, timeout: float, root: Path | None, base: str) -> None:
    """Answer every stored question in queries/.

    Every question is checked and bound before any is asked. A question that fails is reported
    and the others are still answered; the exit code is then that of the failure (3), and with
    --output no earlier answer to that question is left in the folder.
    """
    from .answers import answer_questions, bound_questions
    from .casecache import cached_vocabulary
    from .output import format_result
    from .queries import list_queries

    if output is not None and fmt == "table":
        raise click.BadParameter("a table is for reading in the terminal; write csv, tsv or json files",
                                 param_hint="--format")
    project = _project(root)
    base = _check_base(base)
    states = cached_vocabulary(project).state_iris()
    bound = bound_questions(list_queries(project.queries), _params(params), base=base, states=states)
    store = _question_store(project, data_paths, endpoint, timeout, base)
    with _progress("Answering", "questions") as progress:
        done = answer_questions(store, bound, base=base, states=states, progress=progress)
    if output is None:
        for answer in done:
            used = ", ".join(f"{k}={v}" for k, v in answer.values.items())
            click.echo(f"== {answer.query.name}: {answer.query.title}" + (f" ({used})" if used else ""))
            if answer.result is not None:
                click.echo(format_result(answer.result, fmt or "table"))
            click.echo()
    else:
        _write_answers(output, done, fmt or "csv")
    failed = [a for a in done if a.error is not None]
    for answer in failed:
        click.echo(f"Error: {answer.query.name}: {answer.error}", err=True)
    click.echo(f"{len(done) - len(failed)} of {len(done)} questions answered from the {store.description}"
               + (f" into {display_path(output)}" if output is not None else "")
               + f" in {sum(a.seconds for a in done):.1f} s", err=True)
    if failed:
        sys.exit(max(a.error.exit_code for a in failed if a.error is not None))


def _write_answers(output: Path, done: list, fmt: str) -> None:
    """Each answer to its own file, written whole; a failed question's earlier file removed.
    Prints a summary table."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .errors import WorkspaceError
    from .output import format_result

    table = Table(header_style="bold")
    for column in ("question", "parameters", "rows", "seconds", "file"):
        table.add_column(column, overflow="fold", justify="right" if column in ("rows", "seconds") else "left")
    try:
        output.mkdir(parents=True, exist_ok=True)
        for answer in done:
            path = output / f"{answer.query.name}.{fmt}"
            used = Text(", ".join(f"{k}={v}" for k, v in answer.values.items()) or "-")
            if answer.result is None:
                path.unlink(missing_ok=True)
                table.add_row(Text(answer.query.name), used, "-", f"{answer.seconds:.2f}", Text("(failed)"))
                continue
            _write_whole(path, (format_result(answer.result, fmt) + "\n").encode("utf-8"))
            rows = len(answer.result.rows) if answer.result.boolean is None else 1
            table.add_row(Text(answer.query.name), used, str(rows), f"{answer.seconds:.2f}",
                          Text(display_path(path)))
    except OSError as error:
        raise WorkspaceError(f"cannot write the answers into {display_path(output)}: "
                             f"{error.strerror or error}") from error
    Console(width=160 if not sys.stdout.isatty() else None, highlight=False).print(table)


def _remote_store(endpoint: str, *, timeout: float, update: str | None = None, store: str | None = None):
    """A remote store for the URLs given, with credentials from the environment or the endpoints file."""
    from .credentials import default_config_path, find_credentials
    from .remote import SparqlEndpointStore

    for name, url in (("--endpoint", endpoint), ("--update-endpoint", update), ("--store-endpoint", store)):
        if url is not None and not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"'{url}' is not an http:// or https:// URL", param_hint=name)
    config = default_config_path(os.environ)
    credentials = find_credentials(update or endpoint, environ=os.environ, config_path=config) or \
        find_credentials(endpoint, environ=os.environ, config_path=config)
    return SparqlEndpointStore(endpoint, update_url=update, store_url=store, credentials=credentials,
                               timeout=timeout)


def _audience_quads(project: Project, paths: Sequence[Path], base: str, audience: str) -> tuple[list, int]:
    """The quads ``audience`` may see (checked like an export), and how many cases they hold."""
    from .build import VOCABULARY_GRAPH, build_cases
    from .vocabulary import load_vocabulary

    build = build_cases(_data_paths(project, paths), load_vocabulary(project.ontology), base=base)
    if audience == "internal":
        return list(build.quads()), len(build.graphs)
    from .export import check_for_audience

    checked = check_for_audience(build, project=project, audience=audience)
    graphs = checked.graphs()
    quads = [(s, p, o, iri) for iri, triples in graphs for s, p, o in triples]
    quads += [(s, p, o, VOCABULARY_GRAPH) for s, p, o in build.vocabulary.graph]
    return quads, len(graphs)


def _serve_or_push_audience(audience: str, *, shared: bool, include_restricted: bool, where: str) -> None:
    if shared and audience != "public" and not include_restricted:
        from .errors import UsageError

        raise UsageError(f"{where} shows everything it holds to whoever can reach it, and --audience {audience} "
                         "includes facts withheld from the public: use --audience public, or add "
                         "--include-restricted if it is meant for that audience")


@main.command(context_settings=CONTEXT)
@paths_argument
@click.option("--endpoint", required=True, metavar="URL", help="The remote store's SPARQL query endpoint.")
@click.option("--update-endpoint", metavar="URL", help="Its SPARQL update endpoint (default: --endpoint).")
@click.option("--store-endpoint", metavar="URL",
              help="Its Graph Store Protocol endpoint, to upload graphs by HTTP PUT (needed for Virtuoso: "
                   "/sparql-graph-crud or /sparql-graph-crud-auth).")
@_audience("public", "Who may read the remote store: only what this audience may see is pushed (checked like "
                     "an export; see docs/confidentiality.md).")
@click.option("--include-restricted", is_flag=True,
              help="Allow --audience partner or internal: the remote store is meant for that audience.")
@endpoint_timeout_option
@root_option
@base_option
def push(paths: tuple[Path, ...], endpoint: str, update_endpoint: str | None, store_endpoint: str | None,
         audience: str, include_restricted: bool, timeout: float, root: Path | None, base: str) -> None:
    """Put the built graph (default: all of data/) into a remote SPARQL store.

    Each case's named graph and the vocabulary graph are replaced whole; case graphs of this
    project (under --base) that are no longer in the build are dropped. The new graphs are
    uploaded beside the old ones and swapped in only once complete, so a failed push leaves
    the remote graphs as they were. Credentials come from the environment or the endpoints
    file, as for 'casegraph query --endpoint'. Exit code 3 if the endpoint fails.
    """
    from .push import push_graphs

    project = _project(root)
    base = _check_base(base)
    _serve_or_push_audience(audience, shared=True, include_restricted=include_restricted, where="a remote store")
    quads, n = _audience_quads(project, paths, base, audience)
    store = _remote_store(endpoint, timeout=timeout, update=update_endpoint, store=store_endpoint)
    report = push_graphs(store, quads, base=base)
    click.echo(f"Pushed {n} case{'s' if n != 1 else ''} and the vocabulary ({report.triples} triples in "
               f"{report.graphs} graphs) to {endpoint} in {report.seconds:.1f} s.")
    if report.dropped:
        click.echo(f"Dropped {len(report.dropped)} case graph(s) no longer in the build: {', '.join(report.dropped)}")
    if not report.union_default_graph:
        click.echo("Warning: the endpoint's default graph does not show the named graphs, so the stored questions "
                   "will find nothing there. Start Oxigraph with --union-default-graph (Virtuoso's default graph "
                   "is already the union).", err=True)


@main.command(context_settings=CONTEXT)
@paths_argument
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Anything but a loopback address lets others on the network in.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--writable", is_flag=True,
              help="Accept SPARQL updates, on a scratch copy of the store that is dropped when the server stops.")
@_audience("internal", "Who the endpoint is for; on loopback (the default host) the analyst sees everything. "
                       "Any other host needs --audience public, or --include-restricted.")
@click.option("--include-restricted", is_flag=True,
              help="With a --host other than loopback: allow --audience partner or internal.")
@root_option
@base_option
def serve(paths: tuple[Path, ...], host: str, port: int, writable: bool, audience: str, include_restricted: bool,
          root: Path | None, base: str) -> None:
    """Serve the built graph (default: all of data/) as a SPARQL endpoint with a web query page.

    Runs Oxigraph's server (pip install oxigraph) on the embedded store, rebuilt first if the
    case files changed, read-only unless --writable, with the union of the case graphs as
    default graph, so 'casegraph query NAME --endpoint URL/query' works against it. Stop it
    with Ctrl-C.
    """
    import ipaddress
    import signal

    from .serve import start_server
    from .workspace import open_project_store

    project = _project(root)
    base = _check_base(base)
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    _serve_or_push_audience(audience, shared=not loopback, include_restricted=include_restricted,
                            where=f"an endpoint on {host}")
    if audience == "internal":
        # Only its freshness matters: the store is not kept open, so the server can take it.
        open_project_store(project, _data_paths(project, paths), base=base)
        store_path = project.work / "store"
    else:
        from .store import write_embedded_store

        store_path = project.work / f"store-{audience}"
        write_embedded_store(store_path, _audience_quads(project, paths, base, audience)[0])
    server = start_server(store_path, host=host, port=port, writable=writable)
    # Stopped by SIGTERM too (not only Ctrl-C), the server must not outlive this command.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    mode = "read-write (a scratch copy)" if writable else "read-only"
    click.echo(f"Serving the casegraph store {mode} for the {audience} audience at {server.url}")
    click.echo(f"SPARQL endpoint: {server.query_url}" + (f"  (updates: {server.update_url})" if writable else ""))
    click.echo("Press Ctrl-C to stop.", err=True)
    try:
        status = server.wait()
    except KeyboardInterrupt:
        status = 0
    finally:
        server.stop()
    if status not in (0, -signal.SIGTERM, 128 + signal.SIGTERM):
        click.echo(f"Error: the Oxigraph server stopped with status {status}", err=True)
        sys.exit(3)


@main.command(context_settings=CONTEXT)
@paths_argument
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write the site into (made if missing; an earlier report there is replaced).")
@audience_option
@root_option
@base_option
def report(paths: tuple[Path, ...], output: Path, audience: str, root: Path | None, base: str) -> None:
    """Write a static report site: the corpus at a glance, comparative charts, a page per case,
    article and State.

    Every fact shown is the answer of a stored question in queries/, asked of what the --audience
    may see (filtered and checked exactly as for export; public by default, since a report is made
    to be shared). The site works offline, opened from disk or served by any web server. Open
    DIR/index.html.
    """
    from .build import build_cases
    from .pseudonyms import KEY_ENVIRONMENT_VARIABLE, load_pseudonym_key
    from .report import build_report
    from .vocabulary import load_vocabulary

    project = _project(root)
    build = build_cases(_data_paths(project, paths), load_vocabulary(project.ontology), base=_check_base(base))
    key = load_pseudonym_key(project.work, override=os.environ.get(KEY_ENVIRONMENT_VARIABLE) or None)
    result = build_report(build, project, output, audience=audience, pseudonym_key=key)
    hidden = f"; {len(result.withheld_cases)} above this audience left out" if result.withheld_cases else ""
    click.echo(f"Wrote a report for the {audience} audience to {display_path(output)}: {result.cases} cases, "
               f"{len(result.charts)} charts, {result.pages} pages{hidden} ({result.seconds:.1f} s). "
               f"Open {display_path(output / 'index.html')}")


@main.command(context_settings=CONTEXT)
@paths_argument
@root_option
@base_option
def stats(paths: tuple[Path, ...], root: Path | None, base: str) -> None:
    """Print the corpus at a glance: cases, forums, States, articles, years covered.

    The same summary as the report's index, from the same stored questions (report-summary,
    report-cases, report-states, report-articles), asked of the embedded store (rebuilt first
    if the case files changed).
    """
    from .casecache import cached_vocabulary
    from .report.questions import Questions
    from .stats import corpus_summary, format_summary
    from .workspace import open_project_store

    project = _project(root)
    base = _check_base(base)
    state = open_project_store(project, _data_paths(project, paths), base=base)
    if state.rebuilt:
        click.echo("(the case files changed since the last build: brought the embedded store up to date)", err=True)
    questions = Questions(state.store, project.queries, base=base,
                          states=cached_vocabulary(project).state_iris())
    click.echo(format_summary(corpus_summary(questions)))


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"'{text}' is not KEY=VALUE", param_hint="--param")
    return key.strip(), value


if __name__ == "__main__":  # pragma: no cover
    main()
