"""Progress bars: shown in a terminal, never in pipes or CI (issue 6)."""

from __future__ import annotations

import io

import pytest

from casegraph import cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_in_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    with cli._progress("Converting") as progress:
        assert progress is None


def test_no_bar_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(cli.sys, "stderr", _Terminal())
    with cli._progress("Converting") as progress:
        assert progress is None


def test_a_bar_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cli.sys, "stderr", _Terminal())
    with cli._progress("Converting") as progress:
        assert progress is not None
        for done in range(1, 11):
            progress(done, 10)
