"""The ``casegraph`` command: a thin layer that parses options, calls the library, prints,
and picks the exit code.

Exit codes: 0 ok; 1 the data has errors or does not conform; 2 usage (bad option, missing
project, unreadable shapes or ontology); 3 query or endpoint failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from .errors import CaseDataError, CaseGraphError, display_path
from .namespaces import DEFAULT_BASE
from .paths import Project, find_project

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


@click.group(cls=CaseGraphGroup, context_settings=CONTEXT)
@click.version_option(package_name="casegraph")
def main() -> None:
    """casegraph: human-rights cases as validated, queryable linked data.

    Case files (YAML, one per case in data/) are converted to RDF under the ontology in
    ontology/, validated with the SHACL shapes in shapes/, and answer the stored questions
    in queries/. Exit codes: 0 ok, 1 data errors or violations, 2 usage, 3 query or endpoint failure.
    """


@main.command(context_settings=CONTEXT)
@paths_argument
@root_option
@base_option
def build(paths: tuple[Path, ...], root: Path | None, base: str) -> None:
    """Convert case files (default: data/) to RDF and load the embedded store.

    Every problem in every file is reported with file, line and field; when there is any,
    nothing is written. The store (.casegraph/store) is what later commands query.
    """
    from .workspace import build_project

    project = _project(root)
    result = build_project(project, _data_paths(project, paths), base=_check_base(base))
    click.echo(f"Built {len(result.graphs)} case{'s' if len(result.graphs) != 1 else ''}, "
               f"{result.triple_count} triples (+{len(result.vocabulary.graph)} ontology and vocabulary "
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
    from .build import build_cases
    from .validate import validate_build
    from .vocabulary import load_vocabulary

    project = _project(root)
    build = build_cases(_data_paths(project, paths), load_vocabulary(project.ontology), base=_check_base(base))
    report = validate_build(build, project.shapes)
    for result in report.results:
        if warnings or result.severity == "error":
            click.echo(str(result))
    errors, warns = report.count("error"), report.count("warning")
    verdict = "conforms" if report.conforms else "does not conform"
    click.echo(f"{len(build.graphs)} case{'s' if len(build.graphs) != 1 else ''} checked against "
               f"{len(report.shapes_files)} shapes files: {verdict} ({errors} error{'s' if errors != 1 else ''}, "
               f"{warns} warning{'s' if warns != 1 else ''}).", err=not report.conforms)
    sys.exit(0 if report.conforms else 1)


@main.command(context_settings=CONTEXT)
@paths_argument
@root_option
@base_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld"]), default="turtle",
              show_default=True, help="The RDF format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export(paths: tuple[Path, ...], root: Path | None, base: str, fmt: str, output: Path | None) -> None:
    """Export the cases (default: all of data/) as RDF, to standard output or -o FILE.

    The same data always gives the same bytes. A file is written whole or not at all.
    """
    from .build import build_cases
    from .export import export_graph
    from .vocabulary import load_vocabulary

    project = _project(root)
    build = build_cases(_data_paths(project, paths), load_vocabulary(project.ontology), base=_check_base(base))
    data = export_graph(build, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        _write_whole(output, data)
        click.echo(f"Wrote {display_path(output)} ({len(data)} bytes)", err=True)


def _write_whole(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a failure never leaves half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


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


@main.command(context_settings=CONTEXT)
@click.argument("question")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the question (repeatable); see 'casegraph queries'.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="How to print the rows.")
@click.option("--data", "data_paths", multiple=True, type=click.Path(path_type=Path),
              help="Case files or folders to answer from (default: data/).")
@root_option
@base_option
def query(question: str, params: tuple[str, ...], fmt: str, data_paths: tuple[Path, ...],
          root: Path | None, base: str) -> None:
    """Answer a stored question (a name from 'casegraph queries') or a SPARQL file.

    Parameters are bound as RDF terms, never pasted into the query text. The embedded store is
    rebuilt first if the case files changed since the last build.
    """
    from .output import format_result
    from .queries import bind_parameters, load_query
    from .vocabulary import load_vocabulary
    from .workspace import open_project_store

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
    values = dict(_split_param(p) for p in params)
    base = _check_base(base)
    states = load_vocabulary(project.ontology).state_iris()
    text = bind_parameters(stored, values, base=base, states=states)
    state = open_project_store(project, _data_paths(project, data_paths), base=base)
    if state.rebuilt:
        click.echo("(the case files changed since the last build: rebuilt the embedded store)", err=True)
    result = state.store.query(text)
    click.echo(format_result(result, fmt))


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"'{text}' is not KEY=VALUE", param_hint="--param")
    return key.strip(), value


if __name__ == "__main__":  # pragma: no cover
    main()
