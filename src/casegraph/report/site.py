"""Write the static report site: index, chart pages, a page per case, article and State.

Everything shown is the answer of a stored question asked of an in-memory store that holds only
what the audience may see (see :mod:`casegraph.report.data`). Pages are rendered with Jinja2,
autoescaping on, so any text from the data is shown as text. The site is written into a fresh
folder beside the target and moved into place when complete, and needs nothing from the network.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..build import Build
from ..errors import UsageError
from ..paths import Project
from ..stats import CorpusSummary, corpus_summary
from ..store import EmbeddedStore
from .charts import make_charts
from .data import audience_data, case_download
from .questions import Questions, Row
from .timeline import layout_timeline

__all__ = ["ReportResult", "build_report", "MARKER"]

#: A file every report holds, so that -o never replaces a folder that is not a report.
MARKER = ".casegraph-report"


@dataclass
class ReportResult:
    """What was written: where, for whom, how many pages, and how long it took."""

    output: Path
    audience: str
    cases: int
    pages: int
    charts: list[str]
    withheld_cases: list[str]
    seconds: float
    questions: list[str] = field(default_factory=list)
    summary: CorpusSummary | None = None


def slug(text: str) -> str:
    """A file name for an identifier: kept as is when safe, else made safe and made unique."""
    text = str(text)
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}", text):
        return text
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:60].strip("._") or "x"
    return f"{cleaned}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"


def _url(value: object) -> str:
    """Only http(s) addresses become links; anything else (javascript:, data:) links nowhere."""
    text = str(value)
    return text if urlsplit(text).scheme in ("http", "https") else "#"


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("casegraph.report", "templates"),
        autoescape=True,  # every page is HTML: escape all data, whatever the file name says
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals["slug"] = slug
    return env


def _json_script(data: bytes):
    """JSON-LD to embed in a <script> element, as markup Jinja leaves alone.

    HTML entities mean nothing inside <script>, so the JSON is not HTML-escaped; instead <, > and
    & are written as JSON escapes (\\u003c ...), which no text can turn into a closing </script>.
    """
    from markupsafe import Markup

    text = json.dumps(json.loads(data), ensure_ascii=False, indent=1)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def _csv(columns: list[str], rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return buffer.getvalue().encode("utf-8")


def _case_view(row: Row) -> Row:
    view = dict(row)
    codes = [c for c in str(row.get("states") or "").split(", ") if c]
    names = [n for n in str(row.get("state_names") or "").split(", ") if n]
    view["state_list"] = list(zip(codes, names if len(names) == len(codes) else codes))
    view["violation_list"] = sorted(v for v in str(row.get("violations") or "").split(", ") if v)
    view["file"] = slug(str(row["case_id"]))
    return view


def _prepare_output(output: Path) -> Path:
    if output.exists():
        if not output.is_dir():
            raise UsageError(f"{output} is a file; give a folder for the report")
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise UsageError(f"{output} is not empty and holds no earlier report; give a new or empty folder")
    fresh = output.with_name(output.name + ".new")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir(parents=True)
    return fresh


def _swap_into_place(fresh: Path, output: Path) -> None:
    stale = output.with_name(output.name + ".old")
    if stale.exists():
        shutil.rmtree(stale)
    if output.exists():
        output.rename(stale)
    fresh.rename(output)
    if stale.exists():
        shutil.rmtree(stale)


def build_report(build: Build, project: Project, output: Path, *, audience: str = "public",
                 pseudonym_key: bytes) -> ReportResult:
    """Write the report site for ``audience`` into ``output``.

    Args:
        build: the converted cases.
        project: where the stored questions, audience shapes and JSON-LD context are.
        output: the folder to write; replaced whole if it holds an earlier report.
        audience: ``public`` (the default: a report is made to be shared), ``partner`` or ``internal``.
        pseudonym_key: the key of the pseudonyms, the same as exports use.

    Raises:
        UsageError: an unknown audience, or an output folder that is not a report.
        AudienceCheckError: the data holds something above the audience; nothing is written.
        QueryError: a stored question the report needs is missing or fails.
    """
    started = time.perf_counter()
    data = audience_data(build, project, audience=audience, pseudonym_key=pseudonym_key)
    store = EmbeddedStore(quads=data.quads)
    questions = Questions(store, project.queries, base=build.base, states=build.vocabulary.state_iris())
    env = _environment()
    fresh = _prepare_output(output)
    pages = 0

    def write(path: str, content: bytes | str) -> None:
        target = fresh / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)

    def render(path: str, template: str, **context) -> None:
        nonlocal pages
        depth = path.count("/")
        context.setdefault("asked", [])
        write(path, env.get_template(template).render(root="../" * depth, audience=audience, **context))
        pages += 1

    try:
        summary = corpus_summary(questions)
        cases = [_case_view(r) for r in questions.ask("report-cases")]
        titles = {str(c["case_id"]): c for c in cases}

        def case_link(value: object) -> str:
            return f"../cases/{slug(str(value))}.html"

        def article_link(value: object) -> str:
            return f"../articles/{slug(str(value))}.html"

        def state_link(value: object) -> str:
            return f"../states/{slug(str(value))}.html"

        charts = make_charts(questions, {str(c["case_id"]): str(c["forum_id"]) for c in cases})
        for chart in charts:
            write(f"charts/{chart.name}.svg", chart.svg)
            write(f"charts/{chart.name}.png", chart.png)
            write(f"charts/{chart.name}.csv", _csv(chart.columns, chart.rows))
            render(f"charts/{chart.name}.html", "chart.html", chart=chart, asked=chart.questions,
                   links={"case_id": case_link, "article": article_link, "state": state_link})

        for case in cases:
            # Bind questions by the id in the case IRI: case_id is a text, which the audience
            # filter may have pseudonymised (a victim's name in it), while the IRI stays.
            case_id = unquote(str(case["case_iri"])[len(f"{build.base}case/"):])
            parties = questions.ask("report-parties", case=case_id)
            counsel = [str(p["name"] or p["description"] or p["agent"]) for p in parties
                       if "counsel" in str(p.get("roles") or "").split(", ")]
            sources: dict[tuple[str, str], set[str]] = defaultdict(set)
            for row in questions.ask("sources-of", case=case_id):
                facts = sources[(str(row["source"]), str(row.get("source_title") or ""))]
                if row.get("fact"):
                    facts.add(str(row["fact"]))
            related: dict[str, list[str]] = defaultdict(list)
            for row in questions.ask("related-cases", case=case_id):
                other = str(row["related_case"])
                detail = f"{row['link']} {row['detail']}" if row.get("detail") else str(row["link"])
                if detail not in related[other]:
                    related[other].append(detail)
            turtle = case_download(data, str(case["case_iri"]), "turtle", project=project, base=build.base)
            jsonld = case_download(data, str(case["case_iri"]), "jsonld", project=project, base=build.base)
            write(f"cases/{case['file']}.ttl", turtle)
            write(f"cases/{case['file']}.jsonld", jsonld)
            render(
                f"cases/{case['file']}.html", "case.html", case=case, counsel=counsel, parties=parties,
                timeline=layout_timeline(questions.ask("case-timeline", case=case_id)),
                articles=questions.ask("report-case-articles", case=case_id),
                mismatches=questions.ask("claims-vs-findings", case=case_id),
                findings=questions.ask("case-findings", case=case_id),
                remedies=questions.ask("remedies-status", case=case_id),
                money=questions.ask("compensation", case=case_id),
                documents=questions.ask("documents", case=case_id),
                sources=[{"source": s, "source_title": t, "facts": len(f)} for (s, t), f in sorted(sources.items())],
                related=[{"file": slug(other), "title": titles[other]["title"], "links": ", ".join(links)}
                         for other, links in sorted(related.items()) if other in titles],
                jsonld_script=_json_script(jsonld), article_link=article_link, url_link=_url,
                asked=["report-cases", "case-timeline", "report-parties", "report-case-articles",
                       "claims-vs-findings", "case-findings", "remedies-status", "compensation", "documents",
                       "sources-of", "related-cases"])

        for code, label, _ in summary.article_cases:
            rows = questions.ask("cases-by-article", article=code)
            render(f"articles/{slug(code)}.html", "listing.html", heading=f"{label} ({code})", back="articles",
                   lead=f"Cases with a claim or a finding under {code} or any of its paragraphs.",
                   sections=[{"title": "Cases and outcomes", "text": "",
                              "columns": ["case_id", "title", "forum", "provision", "record", "outcome"],
                              "rows": rows, "links": {"case_id": case_link, "provision": article_link}}],
                   asked=["cases-by-article"])

        for code, name, _ in summary.state_cases:
            state_cases = questions.ask("report-cases", state=code)
            render(f"states/{slug(code)}.html", "listing.html", heading=f"{name} ({code})", back="states",
                   lead=f"Cases in which {name} is a respondent State.",
                   sections=[
                       {"title": "Cases", "text": "", "rows": state_cases, "links": {"case_id": case_link},
                        "columns": ["case_id", "title", "forum_name", "first_date", "last_date", "violations"]},
                       {"title": "Outcomes by forum", "text": "Findings (one per article ruled on) and cases.",
                        "rows": questions.ask("outcomes-by-forum", state=code), "links": {},
                        "columns": ["forum_name", "outcome", "findings", "cases"]},
                       {"title": "Articles found violated", "text": "", "links": {"article": article_link},
                        "rows": questions.ask("violations-by-article", state=code),
                        "columns": ["article", "label", "cases", "case_ids"]}],
                   asked=["report-cases", "outcomes-by-forum", "violations-by-article"])

        render("index.html", "index.html", summary=summary, charts=charts, cases=cases,
               withheld=len(data.withheld_case_ids),
               asked=["report-summary", "report-cases", "report-states", "report-articles"])
        for name in ("style.css", "favicon.svg"):
            write(name, resources.files("casegraph.report").joinpath(f"static/{name}").read_bytes())
        write(MARKER, f"casegraph report for the {audience} audience\n")
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    _swap_into_place(fresh, output)
    return ReportResult(output=output, audience=audience, cases=len(cases), pages=pages,
                        charts=[c.name for c in charts], withheld_cases=data.withheld_case_ids,
                        seconds=time.perf_counter() - started, questions=list(questions.asked), summary=summary)
