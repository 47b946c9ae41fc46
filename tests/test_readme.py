"""The README's two commands are what CI runs, and the commands it shows exist."""

from __future__ import annotations

import re
import subprocess

from click.testing import CliRunner

from casegraph.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_command(name: str) -> str:
    """The shell block after <!-- NAME-command -->, read the way .ci/run reads it."""
    out = subprocess.run(["bash", "-c", f'source <(sed -n "/^readme_command()/,/^}}/p" .ci/run); readme_command {name}'],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_readme_opens_with_a_sentence_then_the_two_commands() -> None:
    first_paragraph = README.split("\n\n")[1]
    assert first_paragraph.startswith("casegraph turns human-rights litigation")
    assert README.index("<!-- main-command -->") < README.index("<!-- test-command -->") < README.index("## A short tour")


def test_ci_runs_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'readme_command main' in ci and 'readme_command test' in ci
    main_command, test_command = readme_command("main"), readme_command("test")
    assert main_command.startswith("python3 -m venv .venv && ")
    assert "casegraph build" in main_command and "casegraph validate" in main_command
    assert "casegraph answers --param case=gerasimov-v-kazakhstan -o answers" in main_command
    assert test_command.endswith("python -m pytest -q")
    # Both blocks appear verbatim in the README.
    assert f"```sh\n{main_command}\n```" in README and f"```sh\n{test_command}\n```" in README


def test_every_command_in_the_readme_exists() -> None:
    shown = {m for groups in re.findall(r"`casegraph (\w+)|\$ casegraph (\w+)|bin/casegraph (\w+)", README)
             for m in groups if m}
    known = set(main.commands)
    assert shown <= known, shown - known
    for command in known:
        assert f"casegraph {command}" in README, f"'casegraph {command}' is not shown in the README"
        assert CliRunner().invoke(main, [command, "--help"]).exit_code == 0
