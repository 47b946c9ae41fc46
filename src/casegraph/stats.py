"""The corpus at a glance: what ``casegraph stats`` prints and the report's index shows.

Every number comes from the stored question ``report-summary`` (and the lists from
``report-cases``, ``report-states`` and ``report-articles``), asked of whatever store is given.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report.questions import Questions

__all__ = ["CorpusSummary", "corpus_summary", "format_summary"]


@dataclass
class CorpusSummary:
    """Counts over the corpus, and the forums, States and articles with their number of cases."""

    cases: int
    forums: int
    states: int
    articles: int
    findings: int
    violations: int
    events: int
    remedies: int
    documents: int
    first_year: str | None
    last_year: str | None
    forum_cases: list[tuple[str, str, int]] = field(default_factory=list)
    state_cases: list[tuple[str, str, int]] = field(default_factory=list)
    article_cases: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def years(self) -> str:
        if not self.first_year:
            return "no dated events"
        return self.first_year if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"


def corpus_summary(questions: Questions) -> CorpusSummary:
    """Ask the summary questions.

    Raises:
        QueryError: a question is missing or fails.
    """
    (row,) = questions.ask("report-summary") or [{}]
    counts = {k: int(row.get(k) or 0) for k in ("cases", "forums", "states", "articles", "findings",
                                                  "violations", "events", "remedies", "documents")}
    forums: Counter[tuple[str, str]] = Counter()
    for case in questions.ask("report-cases"):
        forums[(str(case["forum_id"]), str(case.get("forum_name") or case["forum_id"]))] += 1
    states = [(str(r["state"]), str(r.get("state_name") or r["state"]), int(r["cases"] or 0))
              for r in questions.ask("report-states")]
    articles = [(str(r["article"]), str(r.get("label") or r["article"]), int(r["cases"] or 0))
                for r in questions.ask("report-articles")]
    return CorpusSummary(
        **counts,
        first_year=row.get("first_year") or None, last_year=row.get("last_year") or None,  # type: ignore[arg-type]
        forum_cases=sorted(((f, n, c) for (f, n), c in forums.items()), key=lambda t: (-t[2], t[0])),
        state_cases=sorted(states, key=lambda t: (-t[2], t[0])),
        article_cases=sorted(articles, key=lambda t: (-t[2], t[0])),
    )


def format_summary(summary: CorpusSummary, *, top: int = 5) -> str:
    """The summary as plain text for a terminal."""
    lines = [
        f"{summary.cases} cases before {summary.forums} forums, against {summary.states} States, "
        f"years {summary.years}",
        f"{summary.articles} articles at issue; {summary.findings} findings, {summary.violations} of a violation",
        f"{summary.events} dated events, {summary.remedies} remedies, {summary.documents} documents",
    ]
    for title, items in (("Forums", summary.forum_cases), ("States", summary.state_cases),
                         ("Articles", summary.article_cases)):
        shown = ", ".join(f"{name} ({count})" for _, name, count in items[:top])
        more = f", and {len(items) - top} more" if len(items) > top else ""
        lines.append(f"{title} by cases: {shown or 'none'}{more}")
    return "\n".join(lines)


