"""The facts the converter derives, against what they are derived from.

- A case's time to decision (casegraph.timespan, cg:timeToDecision) against the day arithmetic
  the stored questions do in SPARQL from the dates' text: the same day ranges for dates of every
  precision, and the same answer to time-to-decision as the question computed from the events'
  dates (tests/fixtures/time-to-decision-from-dates.rq, the text it replaced).
- A case's concerned articles (cg:concernsArticle) against its claims' and findings' articles.

Both on the real corpus with the query fixtures and on generated cases.
"""

from __future__ import annotations

import pytest

from casegraph.build import build_cases
from casegraph.queries import load_query
from casegraph.store import EmbeddedStore
from casegraph.timespan import day_range, timespan

from .conftest import DAY_RANGE_BLOCK, QUERY_FIXTURES, ROOT, generated_cases

FROM_DATES = ROOT / "tests" / "fixtures" / "time-to-decision-from-dates.rq"

# Month ends, February in leap and common years (1900 and 2100 are not leap years, 2000 is),
# and each precision.
DATES = ["1899-12-31", "1900", "1900-02", "1900-03-01", "1999-12", "2000", "2000-02", "2000-02-29",
         "2000-03-01", "2001-02", "2004-02", "2010-12", "2010-12-31", "2011-01-01", "2023-06-15",
         "2024", "2024-02", "2100-02", "1987-04", "1965"]


def _sparql_day_ranges() -> dict[str, tuple[int, int]]:
    """The first and last day of each date as time-to-compliance.rq's day-range block gives them."""
    block = DAY_RANGE_BLOCK.search((ROOT / "queries" / "time-to-compliance.rq").read_text(encoding="utf-8")).group(1)
    values = " ".join(f'"{d}"' for d in DATES)
    query = ("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
             f"SELECT ?date ?first ?last WHERE {{ VALUES ?date {{ {values} }}\n{block}\n}}")
    rows = EmbeddedStore().query(query).rows
    return {str(d): (int(float(str(f))), int(float(str(la)))) for d, f, la in rows}


def test_the_day_ranges_are_those_of_the_sparql_block() -> None:
    sparql = _sparql_day_ranges()
    assert set(sparql) == set(DATES)
    # The SPARQL day numbers (Julian day numbers less 32045) and Python's ordinals differ by one
    # constant; what matters is that every first and last day lines up.
    offset = sparql["2000-02-29"][0] - day_range("2000-02-29")[0]
    for date in DATES:
        first, last = day_range(date)
        assert (first + offset, last + offset) == sparql[date], date
    assert day_range("2000-02")[1] - day_range("2000-02")[0] == 28  # 29 days
    assert day_range("2100-02")[1] - day_range("2100-02")[0] == 27  # 28 days
    assert day_range("1965")[1] - day_range("1965")[0] == 364


def test_timespan_bounds_the_first_of_several_dates_on_each_side() -> None:
    # A year and a day in it: the first communication falls between 1 January and 1 March 2005.
    span = timespan(["2005", "2005-03-01"], ["2005-03-11"])
    assert (span.start, span.end, span.days_min, span.days_max, span.precision, span.days) == (
        "2005", "2005-03-11", 10, 69, "year", None)
    exact = timespan(["2005-03-01", "2006-01-01"], ["2005-03-11", "2005-04-01"])
    assert (exact.days_min, exact.days_max, exact.precision, exact.days) == (10, 10, "day", 10)
    months = timespan(["2005-03"], ["2005-04"])
    assert (months.days_min, months.days_max, months.precision) == (1, 60, "month")
    # An end that may fall before the start may also fall on it: no negative minimum.
    assert timespan(["2005-03"], ["2005-03-01"]).days_min == 0
    # One that certainly falls before it contradicts it: no span at all (no count would be true).
    assert timespan(["2005-03-11"], ["2005-03-01"]) is None
    assert timespan(["2005-03-11"], ["2005-03-11"]).days == 0
    assert timespan([], ["2005"]) is None and timespan(["2005"], []) is None


@pytest.fixture(scope="module", params=["corpus", "generated"])
def store(request, project, vocabulary, tmp_path_factory) -> EmbeddedStore:
    if request.param == "corpus":
        paths = [project.data, QUERY_FIXTURES]
    else:
        paths = [generated_cases(tmp_path_factory.mktemp("derived"), 300)]
    return EmbeddedStore(quads=build_cases(paths, vocabulary).quads())


def test_time_to_decision_reads_what_the_dates_give(store: EmbeddedStore) -> None:
    derived = store.query(load_query(ROOT / "queries" / "time-to-decision.rq").text)
    computed = store.query(FROM_DATES.read_text(encoding="utf-8"))
    assert derived.columns == computed.columns
    assert derived.rows == computed.rows
    # Medians met, and dates of every precision (the corpus and the generated cases hold each).
    assert any(row[8] is not None for row in derived.rows)
    assert {str(row[7]) for row in derived.rows} == {"day", "month", "year"}


def test_the_concerned_articles_are_those_of_the_claims_and_findings(store: EmbeddedStore) -> None:
    prefix = "PREFIX cg: <https://w3id.org/casegraph/ontology#>\n"
    derived = store.query(prefix + "SELECT ?case ?article WHERE { ?case cg:concernsArticle ?article }").rows
    stated = store.query(prefix + "SELECT DISTINCT ?case ?article WHERE { ?case cg:claim|cg:finding ?record . "
                                  "?record cg:article ?article }").rows
    assert derived and sorted(derived) == sorted(stated)
