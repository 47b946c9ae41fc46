"""casegraph's pipeline against a plain rdflib/pyshacl one, side by side, at several sizes.

For each size N it generates N synthetic cases (benchmarks/generate.py), then runs, each step in
its own process (so peak memory is that step's):

- casegraph: what `casegraph build` and `casegraph validate` run (read + check + convert on
  every core, load into the on-disk Oxigraph store; fastshacl per case, on every core), every
  stored question in queries/ on that store (with its examples, and, for those that take
  optional parameters, once more without them: over every case), then the two commands again
  after one file changed;
- the floor of a build: PyYAML's C loader reading the same files on every core, plus
  pyoxigraph bulk-loading the same quads;
- the plain way: yaml.safe_load, the converter's triples added one by one to an rdflib Graph,
  pyshacl on the whole graph (+ ontology), rdflib's SPARQL for every stored question.

Where the plain way would take over 15 minutes or 16 GB at a size (extrapolated from the
largest size measured), it is not run; its figures are extrapolated linearly and marked "~".

Usage::

    python benchmarks/run.py --sizes 1000,10000,100000 --work /tmp/casegraph-bench
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/casegraph/id/"
PLAIN_LIMIT_S = 15 * 60
PLAIN_LIMIT_B = 16 * 2**30
QUERY_TIMEOUT_S = float(os.environ.get("CASEGRAPH_BENCH_QUERY_TIMEOUT", "10"))


def _peak_bytes() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024


def _questions(whole_corpus: bool = False) -> list[tuple[str, str]]:
    """(name, SPARQL with example parameters bound) for every stored question.

    With ``whole_corpus``, only the questions that have optional parameters, asked without them:
    the examples narrow a question to one case, forum or State, which hides how long the same
    question takes over every case."""
    sys.path.insert(0, str(ROOT / "src"))
    from casegraph.queries import bind_parameters, list_queries
    from casegraph.vocabulary import load_vocabulary

    states = load_vocabulary(ROOT / "ontology").state_iris()
    out = []
    for q in list_queries(ROOT / "queries"):
        if whole_corpus and all(p.required for p in q.parameters):
            continue
        values = {p.name: p.example for p in q.parameters if p.example is not None
                  and (p.required or not whole_corpus)}
        if any(p.required and p.example is None for p in q.parameters):
            continue
        if any(p.type == "case" for p in q.parameters if p.name in values):
            values = {k: (_first_case_id() if next(p for p in q.parameters if p.name == k).type == "case" else v)
                      for k, v in values.items()}
        out.append((q.name, bind_parameters(q, values, base=BASE, states=states)))
    return out


def _first_case_id() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import case_id

    return case_id(6, 0)


# --------------------------------------------------------------------------- steps (subprocesses)

def _project(cases: Path, work: Path) -> Path:
    """A project folder over the generated cases, with the repository's ontology, shapes, queries."""
    import shutil

    root = work / "project"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for folder in ("ontology", "shapes", "queries"):
        (root / folder).symlink_to(ROOT / folder, target_is_directory=True)
    (root / "data").symlink_to(cases.resolve(), target_is_directory=True)
    return root


def step_casegraph(cases: Path, work: Path) -> dict:
    """What a user runs: `casegraph build`, `casegraph validate` (the library calls behind them),
    every stored question on the embedded store they leave, then one edited file."""
    from casegraph.namespaces import DEFAULT_BASE
    from casegraph.paths import Project
    from casegraph.store import EmbeddedStore
    from casegraph.projectvalidation import validate_project
    from casegraph.gcpolicy import collect_rarely
    from casegraph.workspace import update_project

    collect_rarely()  # as the `casegraph` command does before any command
    root = _project(cases, work)
    project = Project(root)
    t = time.perf_counter()
    built = update_project(project, [project.data], base=DEFAULT_BASE)
    build_total = time.perf_counter() - t
    t = time.perf_counter()
    checked = validate_project(project, [project.data], base=DEFAULT_BASE)
    validate_s = time.perf_counter() - t
    store = EmbeddedStore(project.work / "store")
    questions = _timed_questions(store, _questions())
    whole_corpus = _timed_questions(store, _questions(whole_corpus=True))
    del store
    results = checked.report.results
    return {"build": built.timings["convert"], "load": built.timings["store"], "validate": validate_s,
            "build+validate+load": build_total + validate_s, "questions": questions,
            "whole corpus": whole_corpus,
            "triples": built.triple_count, "cases": built.case_count, "results": len(results),
            "errors": sum(r.severity == "error" for r in results), "peak": _peak_bytes(),
            "after one edit": _after_one_edit(root, cases)}


def _timed_questions(store, questions: list[tuple[str, str]]) -> dict:
    """Each question's time: once with a time limit; those under a second twice more (median)."""
    timed = {}
    for name, text in questions:
        first = _timed(lambda text=text: len(store.query(text).rows))
        if first.get("timeout") or first.get("error") or first["s"] > 1:
            timed[name] = first
            continue
        runs = [first["s"]] + [_timed(lambda text=text: len(store.query(text).rows))["s"] for _ in range(2)]
        timed[name] = {"s": statistics.median(runs), "rows": first["rows"]}
    return timed


def _under_a_second(timed: dict) -> int:
    return sum(1 for v in timed.values() if not v.get("timeout") and not v.get("error") and v["s"] < 1)


def _after_one_edit(root: Path, cases: Path, runs: int = 3) -> dict:
    """Wall time of the commands themselves (interpreter start included) after one file changed:
    `casegraph build`, `casegraph validate`, and `casegraph query` on an unchanged corpus."""
    files = sorted(cases.glob("*.yaml"))
    target = files[len(files) // 2]
    original = target.read_bytes()
    command = [sys.executable, "-m", "casegraph.cli"]
    times: dict[str, list[float]] = {"build": [], "validate": [], "query": []}
    try:
        for run in range(runs):
            for step in ("build", "validate"):
                target.write_bytes(original + f"# edit {step} {run}\n".encode())
                t = time.perf_counter()
                subprocess.run([*command, step, "--root", str(root)], check=True, capture_output=True)
                times[step].append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run([*command, "query", "outcomes-by-forum", "--root", str(root)], check=True,
                           capture_output=True)
            times["query"].append(time.perf_counter() - t)
    finally:
        target.write_bytes(original)
    return {k: statistics.median(v) for k, v in times.items()}


def _yaml_worker(paths: list[str]) -> int:
    import yaml

    n = 0
    for p in paths:
        with open(p, "rb") as f:
            yaml.load(f, Loader=yaml.CSafeLoader)
        n += 1
    return n


def step_floor(cases: Path, work: Path) -> dict:
    import multiprocessing

    import pyoxigraph as ox

    files = sorted(str(p) for p in cases.glob("*.yaml"))
    chunks = [files[i:i + 500] for i in range(0, len(files), 500)]
    t = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        pool.map(_yaml_worker, chunks, chunksize=1)
    yaml_s = time.perf_counter() - t
    dump = work / "floor.nq"
    source = ox.Store.read_only(str(work / "project" / ".casegraph" / "store"))
    source.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    del source
    target = work / "floor-store"
    if target.exists():
        import shutil
        shutil.rmtree(target)
    t = time.perf_counter()
    store = ox.Store(str(target))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    load_s = time.perf_counter() - t
    del store
    dump.unlink()
    return {"yaml": yaml_s, "bulk_load": load_s, "floor": yaml_s + load_s, "peak": _peak_bytes()}


def step_plain(cases: Path, work: Path) -> dict:
    import yaml
    from pyshacl import validate
    from rdflib import Graph

    from casegraph.cases import CaseFile
    from casegraph.convert import convert_case
    from casegraph.validate import load_shapes
    from casegraph.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(ROOT / "ontology")
    states = vocabulary.state_iris()
    t = time.perf_counter()
    graph = Graph()
    for p in sorted(cases.glob("*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        case = CaseFile(p.stem, p, _dates_as_text(data), {})
        for triple in convert_case(case, base=BASE, states=states).triples:
            graph.add(triple)
    build_s = time.perf_counter() - t
    triples = len(graph)
    graph += vocabulary.graph
    shapes, _ = load_shapes(ROOT / "shapes")
    t = time.perf_counter()
    conforms, _results, _text = validate(graph, shacl_graph=shapes, inference="none", abort_on_first=False,
                                         allow_infos=True, allow_warnings=True, advanced=False)
    validate_s = time.perf_counter() - t
    questions = {}
    for name, text in _questions():
        questions[name] = _timed_query(graph, text)
    return {"build": build_s, "validate": validate_s, "questions": questions, "triples": triples,
            "peak": _peak_bytes()}


def _dates_as_text(value):
    import datetime as dt

    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _timed_query(graph, text: str) -> dict:
    """rdflib's answer time, in a forked child so a runaway question can be stopped."""
    return _timed(lambda: len(list(graph.query(text))))


def _timed(answer) -> dict:
    """The time of ``answer()`` (a row count), in a forked child stopped after the time limit."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def run() -> None:
        t = time.perf_counter()
        rows = answer()
        queue.put({"s": time.perf_counter() - t, "rows": rows})

    child = ctx.Process(target=run)
    child.start()
    child.join(QUERY_TIMEOUT_S)
    if child.is_alive():
        child.kill()
        child.join()
        return {"s": QUERY_TIMEOUT_S, "timeout": True}
    try:
        return queue.get(timeout=1)
    except Exception:  # the child failed: no answer
        return {"s": float("nan"), "error": True}


def _run_step(step: str, cases: Path, work: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run([sys.executable, __file__, "--step", step, "--cases", str(cases), "--work", str(work)],
                         capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- orchestration

def _gb(b: float) -> str:
    return f"{b / 2**30:.2f} GB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/casegraph-bench"))
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--cases", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--query-timeout", type=float, default=QUERY_TIMEOUT_S,
                        help="seconds before a plain (rdflib) question is stopped and counted as at least that")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    if args.step:
        result = {"casegraph": step_casegraph, "floor": step_floor, "plain": step_plain}[args.step](args.cases, args.work)
        print(json.dumps(result))
        return 0
    globals()["QUERY_TIMEOUT_S"] = args.query_timeout
    os.environ["CASEGRAPH_BENCH_QUERY_TIMEOUT"] = str(args.query_timeout)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import generate

    sizes = [int(s) for s in args.sizes.split(",")]
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    plain_rate: dict | None = None  # per-case seconds and bytes at the largest size measured
    closing = []
    for n in sizes:
        cases = args.work / f"cases-{n}"
        work = args.work / f"work-{n}"
        work.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        generate(n, cases)
        say(f"## {n:,} cases (generated in {time.perf_counter() - t:.1f} s)")
        cg = _run_step("casegraph", cases, work)
        floor = _run_step("floor", cases, work)
        # How long running the plain way would take: a question stopped at the time limit costs
        # at most the limit at any size (scaling it linearly kept 10,000 cases from running).
        estimate_s = (plain_rate["build"] * n + plain_rate["validate"] * n
                      + sum(min(v * n, args.query_timeout) for v in plain_rate["questions"].values())
                      ) if plain_rate else 0
        estimate_b = plain_rate["b"] * n if plain_rate else 0
        if plain_rate and (estimate_s > PLAIN_LIMIT_S or estimate_b > PLAIN_LIMIT_B):
            plain = {k: plain_rate[k] * n for k in ("build", "validate")}
            plain["questions"] = {q: {"s": v * n} for q, v in plain_rate["questions"].items()}
            plain["peak"] = estimate_b
            plain["extrapolated"] = True
            say(f"(plain pipeline not run: about {estimate_s / 60:.0f} min and {_gb(estimate_b)} expected, over "
                "the 15 min / 16 GB limit; its figures are extrapolated linearly from "
                f"{plain_rate['n']:,} cases, marked ~)")
        else:
            plain = _run_step("plain", cases, work)
            total = plain["build"] + plain["validate"] + sum(q["s"] for q in plain["questions"].values()
                                                             if not q.get("error"))
            plain_rate = {"n": n, "s": total / n, "b": plain["peak"] / n, "build": plain["build"] / n,
                          "validate": plain["validate"] / n,
                          "questions": {q: v["s"] / n for q, v in plain["questions"].items() if not v.get("error")}}
        mark = "~" if plain.get("extrapolated") else ""
        say(f"{cg['cases']:,} cases, {cg['triples']:,} triples; {cg['results']} validation results "
            f"({cg['errors']} errors)")
        say("| step | casegraph | plain | ratio |")
        say("|---|---:|---:|---:|")

        def row(name: str, a: float, b: float | None, note: str = "") -> None:
            if b is None:
                say(f"| {name} | {a:.3f} s | - | - |")
            else:
                say(f"| {name} | {a:.3f} s | {mark}{b:.3f} s{note} | {mark}{b / a:.1f}x |")

        row("build", cg["build"], plain["build"])
        row("validate", cg["validate"], plain["validate"])
        row("load into store", cg["load"], None)
        edit = cg["after one edit"]
        say(f"| after one file changed: `casegraph build` / `validate` (whole command, median of 3) | "
            f"{edit['build']:.2f} s / {edit['validate']:.2f} s | | |")
        say(f"| `casegraph query outcomes-by-forum` (whole command: start, freshness check, answer) | "
            f"{edit['query']:.2f} s | | |")
        compared = []
        for name, q in cg["questions"].items():
            p = plain["questions"].get(name)
            if p and p.get("error"):
                say(f"| question {name} | {q['s']:.3f} s | rdflib failed | - |")
                continue
            if q.get("timeout") or q.get("error"):
                say(f"| question {name} | {'over ' + str(QUERY_TIMEOUT_S) + ' s (stopped)' if q.get('timeout') else 'failed'}"
                    f" | {p['s']:.3f} s | - |" if p else f"| question {name} | stopped | - | - |")
                continue
            note = " (timed out: at least)" if p and p.get("timeout") else ""
            row(f"question {name}", q["s"], p["s"] if p else None, note)
            if p:
                compared.append(name)
        # The pipeline compares the questions both sides answered (rdflib fails on some).
        cg_questions = sum(cg["questions"][q]["s"] for q in compared)
        cg_total = cg["build+validate+load"] + cg_questions
        plain_total = plain["build"] + plain["validate"] + sum(plain["questions"][q]["s"] for q in compared)
        say(f"| build + validate + load (one run) | {cg['build+validate+load']:.3f} s | | |")
        say(f"| peak memory | {_gb(cg['peak'])} | {mark}{_gb(plain['peak'])} | |")
        say(f"| triples per second (build + validate + load) | {cg['triples'] / cg['build+validate+load']:,.0f} | "
            f"{mark}{cg['triples'] / (plain['build'] + plain['validate']):,.0f} | |")
        say(f"| floor: C YAML loader on {os.cpu_count()} cores + bulk load | {floor['floor']:.3f} s "
            f"(YAML {floor['yaml']:.3f} s, load {floor['bulk_load']:.3f} s) | | |")
        slowest = max(cg["questions"].items(), key=lambda kv: kv[1]["s"])
        stopped = sum(1 for q in cg["questions"].values() if q.get("timeout"))
        say(f"| slowest question | {slowest[0]}: {'over ' if slowest[1].get('timeout') else ''}{slowest[1]['s']:.3f} s "
            f"({stopped} stopped at the limit) | | |")
        whole = cg["whole corpus"]
        say(f"| questions answered in under 1 s | {_under_a_second(cg['questions'])} of {len(cg['questions'])} "
            f"with the examples; {_under_a_second(whole)} of {len(whole)} asked over every case (below) | | |")
        capped = sum(1 for q in compared if plain["questions"][q].get("timeout"))
        if capped:
            say(f"| plain questions stopped at {QUERY_TIMEOUT_S:g} s (counted as {QUERY_TIMEOUT_S:g} s: the plain "
                f"pipeline is understated) | | {capped} of {len(compared)} | |")
        say()
        say("The questions that take optional parameters, asked without them (over every case; the "
            "examples above narrow them to one case, forum or State):")
        say()
        say("| question over every case | casegraph | rows |")
        say("|---|---:|---:|")
        for name, q in whole.items():
            if q.get("timeout") or q.get("error"):
                say(f"| {name} | {'over ' + format(QUERY_TIMEOUT_S, 'g') + ' s (stopped)' if q.get('timeout') else 'failed'} | |")
            else:
                say(f"| {name} | {q['s']:.3f} s | {q['rows']:,} |")
        say()
        build_floor = cg["build"] + cg["load"]
        closing.append(f"pipeline speedup at {n} cases: {plain_total / cg_total:.1f}x "
                       f"(casegraph {cg_total:.1f} s, baseline {mark}{plain_total:.1f} s)")
        closing.append(f"build vs floor at {n} cases: {build_floor / floor['floor']:.1f}x "
                       f"(build {build_floor:.1f} s, floor {floor['floor']:.1f} s)")
        say(closing[-2])
        say(closing[-1])
        say()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    machine = f"{os.cpu_count()} cores, {_gb(mem)} memory, {platform.platform()}, Python {platform.python_version()}"
    say(f"Machine: {machine}")
    for line in closing:
        print(line)
    if not args.no_write:
        results = ROOT / "benchmarks" / "RESULTS.md"
        notes = ""
        if results.exists() and "<!-- notes -->" in results.read_text(encoding="utf-8"):
            notes = results.read_text(encoding="utf-8").split("<!-- notes -->", 1)[1]
        command = (f"python benchmarks/run.py --sizes {args.sizes} --work {args.work} "
                   f"--query-timeout {args.query_timeout:g}")
        results.write_text("# Benchmark results (issue #6)\n\n"
                           f"Machine: {machine}. Rerun: `{command}` (from the project root, in its venv).\n\n"
                           + "\n".join(lines[:-1]) + "\n\n<!-- notes -->" + notes, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
