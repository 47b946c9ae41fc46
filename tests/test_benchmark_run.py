"""The benchmark the README tells users to rerun still runs, end to end, at a small size."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from casegraph.queries import list_queries

from .conftest import ROOT

CASES = 20


def test_benchmark_runs_and_reports_every_question_with_and_without_its_examples(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", str(CASES), "--work", str(tmp_path),
         "--no-write", "--query-timeout", "10"],
        capture_output=True, text=True, check=False, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    assert re.search(rf"^pipeline speedup at {CASES} cases: \d+\.\dx \(casegraph [\d.]+ s, baseline [\d.]+ s\)$",
                     text, re.MULTILINE)
    assert re.search(rf"^build vs floor at {CASES} cases: \d+\.\dx \(build [\d.]+ s, floor [\d.]+ s\)$", text, re.MULTILINE)

    queries = list_queries(ROOT / "queries")
    with_examples = re.findall(r"^\| question ([a-z-]+) \| ([\d.]+) s \|", text, re.MULTILINE)
    assert {name for name, _ in with_examples} == {q.name for q in queries}

    # Over every case: exactly the questions that take optional parameters, each answered.
    table = text.split("| question over every case | casegraph | rows |", 1)[1].split("\n\n", 1)[0]
    whole = dict(re.findall(r"^\| ([a-z-]+) \| [\d.]+ s \| ([\d,]+) \|$", table, re.MULTILINE))
    assert set(whole) == {q.name for q in queries if any(not p.required for p in q.parameters)}
    # report-cases gives a row per case.
    assert whole["report-cases"] == str(CASES)
    assert re.search(rf"\| questions answered in under 1 s \| \d+ of {len(queries)} with the examples; "
                     rf"\d+ of {len(whole)} asked over every case", text)
