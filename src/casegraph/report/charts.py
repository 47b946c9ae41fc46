"""The comparative charts: each drawn with matplotlib (Agg) as SVG and PNG, with the rows behind it.

Each chart draws the rows of one or two stored questions and nothing else; the table and CSV
next to it are those same rows. Colours: the Okabe-Ito palette for categories and cividis for
counts, both readable with the common forms of colour blindness.
"""

from __future__ import annotations

import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .questions import Questions, Row

__all__ = ["Chart", "OKABE_ITO", "make_charts"]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


@dataclass
class Chart:
    """One chart: what it counts, the question(s) it comes from, its rows, and its images."""

    name: str
    title: str
    description: str
    questions: list[str]
    columns: list[str]
    rows: list[Row]
    svg: bytes = b""
    png: bytes = b""
    empty: bool = False
    notes: list[str] = field(default_factory=list)


def _setup() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.hashsalt": "casegraph",  # stable element ids: the same data draws the same SVG
        "svg.fonttype": "none",       # text stays text in the SVG (searchable, selectable)
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.titlesize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return plt


def _render(plt: Any, fig: Any, chart: Chart) -> None:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    chart.svg = buffer.getvalue()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    chart.png = buffer.getvalue()
    plt.close(fig)


def _no_data(plt: Any, chart: Chart) -> None:
    fig, ax = plt.subplots(figsize=(6, 1.5))
    ax.axis("off")
    ax.text(0.5, 0.5, "No data for this chart in this report.", ha="center", va="center")
    ax.set_title(chart.title)
    chart.empty = True
    _render(plt, fig, chart)


def _heatmap(plt: Any, chart: Chart, row_key: str, row_label: str, col_key: str, what: str) -> None:
    if not chart.rows:
        return _no_data(plt, chart)
    import numpy as np

    states = sorted({(str(r[row_key]), str(r.get(row_label) or r[row_key])) for r in chart.rows})
    columns = sorted({str(r[col_key]) for r in chart.rows})
    grid = np.zeros((len(states), len(columns)))
    index = {code: i for i, (code, _) in enumerate(states)}
    for r in chart.rows:
        grid[index[str(r[row_key])], columns.index(str(r[col_key]))] = int(r["cases"] or 0)
    width = min(max(6.0, 0.28 * len(columns) + 3), 30)
    fig, ax = plt.subplots(figsize=(width, max(2.5, 0.3 * len(states) + 1.8)))
    masked = np.ma.masked_equal(grid, 0)
    cmap = plt.get_cmap("cividis").with_extremes(bad="#f3f3f3")
    image = ax.imshow(masked, aspect="auto", cmap=cmap, vmin=0.5, vmax=max(1.0, grid.max()) + 0.5,
                      interpolation="nearest")
    ax.set_xticks(range(len(columns)), labels=columns, rotation=90, fontsize=7)
    ax.set_yticks(range(len(states)), labels=[f"{name} ({code})" for code, name in states], fontsize=7)
    for (i, j), value in np.ndenumerate(grid):
        if value:
            ax.text(j, i, str(int(value)), ha="center", va="center", fontsize=6,
                    color="white" if value < grid.max() * 0.6 else "black")
    ax.set_xlabel(what)
    ax.set_ylabel("respondent State")
    ax.set_title(chart.title, loc="left")
    bar = fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    bar.set_label("cases")
    bar.set_ticks(range(1, int(max(1.0, grid.max())) + 1))
    _render(plt, fig, chart)


def _stacked(plt: Any, chart: Chart, groups: Sequence[str], stacks: Sequence[str],
             values: dict[tuple[str, str], float], xlabel: str) -> None:
    if not groups:
        return _no_data(plt, chart)
    fig, ax = plt.subplots(figsize=(8, max(2.2, 0.42 * len(groups) + 1.4)))
    left = [0.0] * len(groups)
    for n, stack in enumerate(stacks):
        widths = [values.get((g, stack), 0) for g in groups]
        ax.barh(range(len(groups)), widths, left=left, label=stack, color=OKABE_ITO[n % len(OKABE_ITO)],
                edgecolor="white", linewidth=0.5, hatch=None if n < len(OKABE_ITO) else "//")
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(range(len(groups)), labels=groups)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(chart.title, loc="left")
    _render(plt, fig, chart)


def _durations(plt: Any, chart: Chart, forums: dict[str, str], medians: dict[str, float | None]) -> None:
    rows = [r for r in chart.rows if r.get("days") is not None or r.get("days_min") is not None]
    if not rows:
        return _no_data(plt, chart)
    order = sorted({forums[str(r["case_id"])] for r in rows})
    fig, ax = plt.subplots(figsize=(8, max(2.2, 0.55 * len(order) + 1.4)))
    jitter = defaultdict(int)
    for r in rows:
        forum = forums[str(r["case_id"])]
        y = order.index(forum) + (jitter[forum] % 5 - 2) * 0.08
        jitter[forum] += 1
        if r.get("days") is not None:
            ax.plot(float(r["days"]) / 365.25, y, "o", color=OKABE_ITO[0], markersize=5, alpha=0.85)
        else:
            low, high = float(r["days_min"]) / 365.25, float(r["days_max"]) / 365.25
            ax.plot([low, high], [y, y], "-", color=OKABE_ITO[1], linewidth=3, alpha=0.85, solid_capstyle="butt")
    for i, forum in enumerate(order):
        median = medians.get(forum)
        if median is not None:
            ax.plot([median / 365.25] * 2, [i - 0.35, i + 0.35], "-", color=OKABE_ITO[5], linewidth=2)
    ax.plot([], [], "o", color=OKABE_ITO[0], label="exact (day) count")
    ax.plot([], [], "-", color=OKABE_ITO[1], linewidth=3, label="range (month or year precision)")
    ax.plot([], [], "-", color=OKABE_ITO[5], linewidth=2, label="median of exact counts")
    ax.set_yticks(range(len(order)), labels=order)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(left=0)
    ax.set_xlabel("years")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(chart.title, loc="left")
    _render(plt, fig, chart)


def _compensation(plt: Any, chart: Chart) -> None:
    if not chart.rows:
        return _no_data(plt, chart)
    currencies = sorted({str(r["currency"]) for r in chart.rows})
    roles = ["claimed", "offered", "agreed", "awarded", "paid"]
    roles += sorted({str(r["role"]) for r in chart.rows} - set(roles))
    colours = {role: OKABE_ITO[i % len(OKABE_ITO)] for i, role in enumerate(roles)}
    cols = min(4, len(currencies))
    rows_n = (len(currencies) + cols - 1) // cols
    fig, axes = plt.subplots(rows_n, cols, figsize=(2.6 * cols + 1, 2.3 * rows_n + 0.8), squeeze=False)
    for ax in axes.flat[len(currencies):]:
        ax.axis("off")
    for ax, currency in zip(axes.flat, currencies):
        mine = {str(r["role"]): float(r["amount"] or 0) for r in chart.rows if r["currency"] == currency}
        shown = [role for role in roles if role in mine]
        ax.bar(range(len(shown)), [mine[r] for r in shown], color=[colours[r] for r in shown])
        ax.set_xticks(range(len(shown)), labels=shown, rotation=30, ha="right", fontsize=7)
        ax.set_title(currency, fontsize=9)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(chart.title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    _render(plt, fig, chart)


ChartMaker = Callable[[Questions, dict[str, str]], Chart]


def make_charts(questions: Questions, case_forums: dict[str, str]) -> list[Chart]:
    """Ask the questions behind every chart and draw them.

    Args:
        questions: the stored questions on the report's store.
        case_forums: case id -> forum id (from ``report-cases``), to group per-case rows by forum.
    """
    plt = _setup()
    charts: list[Chart] = []

    rows = questions.ask("violations-by-state-and-article")
    chart = Chart("violations-by-state-and-article", "Cases with a violation found, by respondent State and article",
                  "Each cell counts the cases against a State in which a forum found the article (or paragraph) "
                  "violated. Empty cells: no such case.", ["violations-by-state-and-article"],
                  ["state", "state_name", "article", "cases"], rows)
    _heatmap(plt, chart, "state", "state_name", "article", "article or paragraph found violated")
    charts.append(chart)

    rows = questions.ask("violations-by-state-and-right")
    chart = Chart("violations-by-state-and-right", "Cases with a violation found, by respondent State and right",
                  "Articles grouped by the right they protect, across instruments (the concordance in "
                  "ontology/vocabularies/right.ttl). Each cell counts cases.", ["violations-by-state-and-right"],
                  ["state", "state_name", "right", "cases"], rows)
    _heatmap(plt, chart, "state", "state_name", "right", "right (across instruments)")
    charts.append(chart)

    rows = questions.ask("outcomes-by-forum")
    chart = Chart("outcomes-by-forum", "Findings by forum and outcome",
                  "Each bar counts a forum's findings (one per article ruled on) by outcome; the table also "
                  "gives the number of cases.", ["outcomes-by-forum"],
                  ["forum", "forum_name", "outcome", "findings", "cases"], rows)
    forums = sorted({str(r["forum"]) for r in rows})
    outcomes = sorted({str(r["outcome"]) for r in rows}, key=lambda o: (o != "violation", o))
    _stacked(plt, chart, forums, outcomes,
             {(str(r["forum"]), str(r["outcome"])): float(r["findings"] or 0) for r in rows}, "findings")
    charts.append(chart)

    rows = questions.ask("time-to-decision")
    chart = Chart("time-to-decision", "Time from communication or application to decision, per forum",
                  "Each mark is a case: a dot where both dates are known to the day, a bar spanning the "
                  "possible range where one is known only to the month or year. The red line is the "
                  "forum's median over exact counts, as the question computes it.", ["time-to-decision"],
                  ["case_id", "forum", "start", "decision", "days", "days_min", "days_max", "precision",
                   "forum_median_days"], rows)
    medians = {str(r["forum"]): (float(r["forum_median_days"]) if r.get("forum_median_days") is not None else None)
               for r in rows}
    _durations(plt, chart, {str(r["case_id"]): str(r["forum"]) for r in rows}, medians)
    charts.append(chart)

    rows = questions.ask("time-to-compliance")
    for r in rows:
        r["forum"] = case_forums.get(str(r["case_id"]), "")
    exact: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r.get("days") is not None:
            exact[str(r["forum"])].append(float(r["days"]))
    chart = Chart("time-to-compliance", "Time from decision to the last implementation step, per forum",
                  "Each mark is a remedy: the days from the decision that called for it to its last recorded "
                  "step or payment (read with its status: a last step may be a refusal). A bar spans the "
                  "possible range where a date is known only to the month or year. The red line is the median "
                  "of the exact counts.", ["time-to-compliance", "report-cases"],
                  ["case_id", "forum", "remedy", "kind", "status", "decision", "last_step", "days", "days_min",
                   "days_max", "precision"], rows,
                  notes=["The forum of each remedy comes from report-cases; the median is taken here over the "
                         "exact counts, as time-to-decision takes it."])
    _durations(plt, chart, {str(r["case_id"]): str(r["forum"]) for r in rows},
               {forum: statistics.median(values) for forum, values in exact.items()})
    charts.append(chart)

    rows = questions.ask("remedies-status")
    chart = Chart("remedies-status", "Remedies called for, by kind and implementation status",
                  "Each bar counts the remedies of a kind that forums called for, by the implementation "
                  "status the sources show.", ["remedies-status"],
                  ["case_id", "remedy", "kind", "status", "steps", "last_step"], rows)
    tally = Counter((str(r["kind"]), str(r["status"])) for r in rows)
    kinds = sorted({k for k, _ in tally}, key=lambda k: (-sum(v for (a, _), v in tally.items() if a == k), k))
    order = ["implemented", "partially-implemented", "pending", "not-implemented", "unknown"]
    statuses = sorted({s for _, s in tally}, key=lambda s: (order.index(s) if s in order else len(order), s))
    _stacked(plt, chart, kinds, statuses, {key: float(v) for key, v in tally.items()}, "remedies")
    charts.append(chart)

    rows = questions.ask("report-compensation-by-currency")
    chart = Chart("compensation", "Compensation claimed, awarded and paid, per currency",
                  "Sum of the amounts recorded in each currency, by role. Currencies are never added up or "
                  "converted: each has its own panel and scale.", ["report-compensation-by-currency"],
                  ["currency", "role", "amount", "amounts", "cases", "per_beneficiary"], rows)
    _compensation(plt, chart)
    charts.append(chart)
    return charts
