"""casegraph report: the static site, its escaping, its audience, and the pages in a real browser.

The browser tests drive the system Chromium (Debian packages chromium and chromium-driver) with
Selenium pointed at /usr/bin/chromedriver, so nothing is downloaded; they skip when it is absent.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph.build import build_cases
from casegraph.cli import main
from casegraph.report import build_report
from casegraph.report.site import MARKER
from casegraph.report.timeline import date_span, layout_timeline

from .conftest import FIXTURES

KEY = b"report-tests-pseudonym-key-0001"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, project, vocabulary):
    build = build_cases([FIXTURES / "report"], vocabulary)
    out = tmp_path_factory.mktemp("hostile") / "site"
    build_report(build, project, out, audience="public", pseudonym_key=KEY)
    return out


@pytest.fixture(scope="module")
def public_corpus_site(tmp_path_factory, project, data_build):
    """The whole real corpus, for the default (public) audience, timed."""
    out = tmp_path_factory.mktemp("public") / "site"
    result = build_report(data_build, project, out, audience="public", pseudonym_key=KEY)
    return out, result


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory, project, data_build):
    """The whole real corpus for partners, who may see the victims' names (Gerasimov is one)."""
    out = tmp_path_factory.mktemp("partner") / "site"
    result = build_report(data_build, project, out, audience="partner", pseudonym_key=KEY)
    return out, result


def _html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])
        if tag == "script":
            self.scripts.append(attributes)


def _links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# ---- the site on disk ------------------------------------------------------------------------

def test_site_has_index_charts_cases_articles_and_states(hostile_site):
    assert (hostile_site / "index.html").is_file() and (hostile_site / MARKER).is_file()
    for name in ("violations-by-state-and-article", "violations-by-state-and-right", "outcomes-by-forum",
                 "time-to-decision", "time-to-compliance", "remedies-status", "compensation"):
        for suffix in (".html", ".svg", ".png", ".csv"):
            assert (hostile_site / "charts" / f"{name}{suffix}").stat().st_size > 0, name + suffix
        assert (hostile_site / "charts" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    assert (hostile_site / "cases" / "hostile-v-testland.html").is_file()
    assert (hostile_site / "articles" / "ECHR-3.html").is_file()
    assert (hostile_site / "states" / "TR.html").is_file()
    csv = (hostile_site / "charts" / "violations-by-state-and-article.csv").read_text()
    assert csv.splitlines() == ["state,state_name,article,cases", "TR,Turkey,ECHR-3,1"]


def test_every_link_resolves_and_nothing_comes_from_elsewhere(hostile_site):
    for page in _html_files(hostile_site):
        parsed = _links(page)
        for link in parsed.links:
            assert not link.startswith(("http:", "https:", "//", "javascript:")), (page, link)
            target = link.split("#")[0]
            if target:
                assert (page.parent / target).resolve().is_file(), f"{page.name}: broken link {link}"
        assert all(s.get("type") == "application/ld+json" for s in parsed.scripts), page


def test_texts_from_the_data_are_shown_as_text(hostile_site):
    page = (hostile_site / "cases" / "hostile-v-testland.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;pwned-title&#34;)&lt;/script&gt; Hostile &amp; &#34;Quoted&#34;" in page
    assert "Tom &amp; Jerry&#39;s &lt;b&gt;bold&lt;/b&gt; case" in page
    assert "a literal &amp;amp; entity" in page
    for html in _html_files(hostile_site):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r"<script>|<img src=x|<b>bold|<svg><script|href=.javascript", text, re.I), html
    # The embedded JSON-LD is the case's JSON-LD download, unchanged, and cannot close its element.
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "</" not in embedded
    download = json.loads((hostile_site / "cases" / "hostile-v-testland.jsonld").read_text(encoding="utf-8"))
    assert json.loads(embedded) == download


def test_the_case_page_draws_month_and_year_dates_as_spans(hostile_site):
    page = (hostile_site / "cases" / "hostile-v-testland.html").read_text(encoding="utf-8")
    marks = re.findall(r'<g class="mark (span|point)" data-event="([^"]+)" data-date="([^"]+)" '
                       r'data-precision="([^"]+)"', page)
    assert ("point", "beating", "2014-06-01", "day") in marks
    assert ("span", "threats", "2014-06", "month") in marks
    assert ("span", "application", "2015", "year") in marks


def test_timeline_spans_cover_their_month_or_year():
    assert [str(d) for d in date_span("2013-12")] == ["2013-12-01", "2013-12-31"]
    assert [str(d) for d in date_span("2016")] == ["2016-01-01", "2016-12-31"]
    assert date_span("2014-02-30") is None
    timeline = layout_timeline([{"date": "2010", "precision": "year"}, {"date": "2010-06-15", "precision": "day"}])
    year, day = timeline.marks
    assert year.is_span and not day.is_span and year.x < day.x < year.x + year.width


def test_the_report_respects_the_audience(tmp_path, project, vocabulary):
    build = build_cases([FIXTURES / "confidential"], vocabulary)
    texts = {}
    for audience in ("public", "internal"):
        out = tmp_path / audience
        build_report(build, project, out, audience=audience, pseudonym_key=KEY)
        texts[audience] = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                                    for p in out.rglob("*") if p.is_file() and p.suffix != ".png")
    for secret in ("Ingrid Halvorsen", "Zephyr plan", "Willowmere", "12 Birch Lane", "Marat Seitkali"):
        assert secret not in texts["public"], secret
    assert "Zephyr plan" in texts["internal"] and "Marat Seitkali" in texts["internal"]


def test_cli_report_writes_and_refuses_a_folder_that_is_not_a_report(tmp_path):
    runner = CliRunner()
    out = tmp_path / "site"
    result = runner.invoke(main, ["report", str(FIXTURES / "report"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "public audience" in result.output and (out / "index.html").is_file()
    again = runner.invoke(main, ["report", str(FIXTURES / "report"), "-o", str(out), "--audience", "partner"])
    assert again.exit_code == 0, again.output
    other = tmp_path / "precious"
    other.mkdir()
    (other / "thesis.txt").write_text("keep me")
    refused = runner.invoke(main, ["report", str(FIXTURES / "report"), "-o", str(other)])
    assert refused.exit_code == 2 and "not empty" in refused.output
    assert (other / "thesis.txt").read_text() == "keep me"


def test_the_whole_corpus_builds_in_seconds_and_hides_what_the_public_may_not_see(public_corpus_site):
    site, result = public_corpus_site
    assert result.cases == 32 and not result.withheld_cases
    assert result.seconds < 60, f"the report took {result.seconds:.1f} s"
    assert len(list((site / "cases").glob("*.ttl"))) == 32
    # Gerasimov's file marks him public (the case page names him), so his page names him; his
    # health details keep their protective default (partner) and appear nowhere, in pages,
    # downloads or chart tables.
    assert "Alexander Gerasimov" in (site / "cases" / "gerasimov-v-kazakhstan.html").read_text(encoding="utf-8")
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ttl", ".jsonld", ".csv", ".svg"):
            text = path.read_text(encoding="utf-8")
            for protected in ("Post-Traumatic Stress Disorder", "major head injury", "irreversible psychological damage"):
                assert protected not in text, (path, protected)


# ---- in a real browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("headless Chromium is not installed: apt-get install -y chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
    from selenium.webdriver.chrome.service import Service

    profile = Path(__import__("tempfile").mkdtemp(prefix="casegraph-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingOptions", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass


@pytest.fixture(scope="module")
def served(corpus_site):
    site, _ = corpus_site
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _console_errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def _wait_loaded(driver) -> None:
    deadline = time.monotonic() + 10
    while driver.execute_script("return document.readyState") != "complete" and time.monotonic() < deadline:
        time.sleep(0.05)


def _broken_images(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")


def test_index_renders_and_leads_to_the_gerasimov_timeline(browser, served, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(served + "index.html")
    _wait_loaded(browser)
    assert _console_errors(browser) == []
    assert "32" in browser.find_element(By.ID, "glance").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#case-list tbody tr")) == 32
    assert _broken_images(browser) == []
    browser.save_screenshot(str(tmp_path / "index.png"))

    browser.find_element(By.LINK_TEXT, "Gerasimov v. Kazakhstan").click()
    _wait_loaded(browser)
    assert browser.current_url.endswith("/cases/gerasimov-v-kazakhstan.html")
    assert _console_errors(browser) == []
    svg = browser.find_element(By.ID, "timeline-svg")
    assert svg.size["height"] > 200 and svg.size["width"] > 500
    marks = browser.execute_script(
        "return [...document.querySelectorAll('#timeline-svg g.mark')].map(g => "
        "[g.dataset.event, g.dataset.date, g.dataset.precision, g.querySelector('.when').getBBox().width])")
    events = {(event, date): (precision, width) for event, date, precision, width in marks}
    assert events[("detention", "2007-03-27")][0] == "day"
    assert events[("payment", "2014-05")][0] == "month" and events[("payment", "2014-05")][1] > 3
    assert marks[0][1].startswith("2007") and marks[-1][1].startswith("2014")
    browser.save_screenshot(str(tmp_path / "gerasimov.png"))
    assert (tmp_path / "gerasimov.png").stat().st_size > 10_000

    for link in browser.find_elements(By.CSS_SELECTOR, ".downloads a"):
        with urllib.request.urlopen(link.get_attribute("href"), timeout=10) as answer:
            assert answer.status == 200 and len(answer.read()) > 1000
    ld = browser.execute_script("return JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)")
    assert "gerasimov" in json.dumps(ld).lower()


def test_chart_page_renders_its_chart_and_table(browser, served):
    from selenium.webdriver.common.by import By

    browser.get(served + "charts/violations-by-state-and-article.html")
    _wait_loaded(browser)
    assert _console_errors(browser) == []
    image = browser.find_element(By.CSS_SELECTOR, "#chart img")
    assert browser.execute_script("return arguments[0].naturalWidth", image) > 300
    assert _broken_images(browser) == []
    assert len(browser.find_elements(By.CSS_SELECTOR, "table tbody tr")) > 10


def test_every_link_of_the_served_site_resolves(corpus_site, served):
    site, _ = corpus_site
    pages = [site / "index.html", site / "cases" / "gerasimov-v-kazakhstan.html", site / "states" / "KZ.html",
             site / "articles" / "UNCAT-2-1.html", site / "charts" / "time-to-decision.html"]
    for page in pages:
        base = served + page.relative_to(site).as_posix()
        for link in {link.split("#")[0] for link in _links(page).links} - {""}:
            url = urllib.parse.urljoin(base, link)
            with urllib.request.urlopen(url, timeout=10) as answer:
                assert answer.status == 200, url
