"""Scorecards and the team summary: jinja2 to HTML, WeasyPrint to PDF, safely and in parallel."""

from __future__ import annotations

import gc
import logging
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit

import cssselect2
import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from checks.criteria.intervals import LEVEL, MIN_CONTACTS, TOO_FEW, Interval
from checks.transcripts.transcript import CRITERIA
from flows.render import charts as charts  # re-exported: bench_render swaps in older charts
from flows.render.palette import PALETTE, resolve_vars
from flows.render.summary_budget import fit_team_summary
from flows.report.file_names import TEAM_SUMMARY_FILE as TEAM_SUMMARY_FILE  # re-exported
from flows.report.file_names import scorecard_file_name as scorecard_file_name  # re-exported
from flows.report.model import CRITERION_LABELS, AgentCard, TeamSummary, WeekReport
from flows.report.team_scope import team_summaries
from flows.runtime.worker_pool import spawn_pool

ASSETS_DIR: Final = Path(str(files("report_templates"))).resolve()
ASSET_SUFFIXES: Final = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
PAGE_SIZES: Final = {"a4": "A4", "letter": "letter"}
_log = logging.getLogger(__name__)


MAX_FLAGS_LISTED: Final = 8  # per column: the summary's first page must hold them

# Table headers are narrow: each criterion's short label, in the criteria's own order.
CRITERION_SHORT_LABELS: Final = {
    "empathy": "Emp.",
    "compassion": "Comp.",
    "sympathy_overload": "Ctrl.",
    "hospitality": "Hosp.",
}


def criterion_columns() -> tuple[tuple[str, str], ...]:
    """(key, short label) of each criterion column, in CRITERIA order."""
    return tuple((key, CRITERION_SHORT_LABELS[key]) for key in CRITERIA)


class AssetFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files under report_templates/ and refuses every other URL (file, http, data)."""

    def __init__(self, root: Path = ASSETS_DIR) -> None:
        super().__init__(allowed_protocols={"file"})
        self.root = root.resolve()
        self.requests: list[str] = []
        self.refused: list[str] = []

    def asset_path(self, url: str) -> Path | None:
        """The asset a URL names, or None when it points outside the project's assets."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or path.suffix not in ASSET_SUFFIXES:
            return None
        return path if path.is_file() else None

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return a packaged asset; raise for anything else."""
        self.requests.append(url)
        path = self.asset_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url!r}: not a packaged report asset")
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": ASSET_SUFFIXES[path.suffix]}
        )


def _fmt_score(value: float | None) -> str:
    return "N/A" if value is None else f"{value:.0f}"


FIGURE_SPACE: Final = "\u2007"


def _figures(text: str, width: int) -> str:
    """Right-align a short number in `width` digit widths (figure spaces are as wide as digits)."""
    return FIGURE_SPACE * max(0, width - len(text)) + text


def _slot(text: str, digits: int = 3, width: int = 6) -> str:
    """A short number right-aligned in `digits` digit widths, then blank to `width` of them: the
    start of every slot lines up with a tab stop of the header (card.css)."""
    return _figures(text, digits) + FIGURE_SPACE * max(0, width - max(digits, len(text)))


def _fmt_change(value: float | None) -> str:
    if value is None:
        return "–"
    rounded = round(value)
    if rounded == 0:
        return "±0"
    return f"+{rounded}" if rounded > 0 else f"−{abs(rounded)}"


def _fmt_interval(value: Interval | None) -> str:
    return TOO_FEW if value is None else value.label()


def _noise(verdict: str | None) -> str:
    """A change's verdict as the few words beside its number."""
    return {"within_noise": "within noise", "too_few": TOO_FEW}.get(verdict or "", "")


def _direction(value: float | None) -> str:
    if value is None or round(value) == 0:
        return "flat"
    return "up" if value > 0 else "down"


@dataclass(frozen=True, slots=True)
class Assets:
    """A template directory: its templates, the stylesheets it serves and its UA stylesheet."""

    root: Path
    # applied to a document that links no stylesheet of ours (templates before issue 19)
    default_sheets: tuple[str, ...] = ()
    # replaces WeasyPrint's HTML5 user-agent stylesheet when the directory has one
    user_agent: str | None = "ua.css"


PACKAGED_ASSETS: Final = Assets(ASSETS_DIR)
_assets: list[Assets] = [PACKAGED_ASSETS]  # one slot: swapped by use_assets


def current_assets() -> Assets:
    """The template directory renders read from (the packaged one unless use_assets ran)."""
    return _assets[0]


def use_assets(assets: Assets) -> None:
    """Render from another template directory in this process (benchmarks/bench_render.py
    compares an earlier commit's templates this way)."""
    _assets[0] = assets


def environment() -> jinja2.Environment:
    """The jinja2 environment over report_templates/ (autoescape on, strict undefined)."""
    return _environment(current_assets().root)


@cache
def _environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = _fmt_score
    env.filters["change"] = _fmt_change
    env.filters["figures"] = _figures
    env.filters["slot"] = _slot
    env.filters["direction"] = _direction
    env.filters["interval"] = _fmt_interval
    env.filters["noise"] = _noise
    return env


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def asset_stylesheet(root: Path, name: str) -> CSS:
    """A stylesheet of a template directory, its var()s resolved, parsed once per process."""
    path = root / name
    return CSS(
        string=resolve_vars(path.read_text(encoding="utf-8"), PALETTE),
        base_url=path.as_uri(),
        url_fetcher=AssetFetcher(root),
        font_config=_font_config(),
    )


@cache
def _user_agent_sheet(root: Path, name: str) -> CSS | None:
    path = root / name
    if not path.is_file():
        return None
    return CSS(string=path.read_text(encoding="utf-8"), base_url=path.as_uri())


@cache
def _stylesheets(page_size: str) -> tuple[CSS, ...]:
    # Only the page size: a document brings the stylesheets it links (ReportDocument).
    return (CSS(string=f"@page {{ size: {page_size}; }}", font_config=_font_config()),)


def page_size_css(page_size: str) -> str:
    """Normalise a page size setting (A4 or Letter)."""
    try:
        return PAGE_SIZES[page_size.strip().lower()]
    except KeyError:
        raise ValueError(f"page size must be A4 or Letter, not {page_size!r}") from None


def _own_stylesheets(root: ET.Element, assets: Assets) -> tuple[CSS, ...]:
    """Take the links to our own stylesheets out of the tree and return them parsed (cached):
    WeasyPrint would fetch and parse every linked file again for every document."""
    names: list[str] = []
    for parent in root.iter():
        for link in [c for c in parent if c.tag == "link"]:
            href = link.get("href", "")
            if (
                link.get("rel") == "stylesheet"
                and "/" not in href
                and href.endswith(".css")
                and (assets.root / href).is_file()
            ):
                names.append(href)
                parent.remove(link)
    # anything else stays in the tree, where the AssetFetcher refuses it
    return tuple(asset_stylesheet(assets.root, n) for n in names or assets.default_sheets)


class ReportDocument(HTML):  # type: ignore[misc]
    """A WeasyPrint document of ours: our stylesheets parsed once, and our lean UA stylesheet."""

    own_sheets: tuple[CSS, ...] = ()
    user_agent: CSS | None = None

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        # WeasyPrint's HTML5 sheet styles every element for footnotes, markers, forms and dir
        # attributes: ~12% of a scorecard for rules that match nothing we print.
        if self.user_agent is None:
            return list(super()._ua_stylesheets(forms))
        return [self.user_agent]

    def render(self, *args: Any, **options: Any) -> Any:
        """Lay the document out with its own stylesheets first, then any given."""
        options["stylesheets"] = [*self.own_sheets, *(options.get("stylesheets") or ())]
        return super().render(*args, **options)

    def adopt(self, root: ET.Element, assets: Assets) -> None:
        """Serve the tree's links to our stylesheets ourselves and use the assets' UA sheet."""
        self.own_sheets = _own_stylesheets(root, assets)
        if assets.user_agent is not None:
            self.user_agent = _user_agent_sheet(assets.root, assets.user_agent)
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


class ParsedHTML(ReportDocument):
    """A WeasyPrint document built from an element tree we parsed ourselves."""

    def __init__(
        self, root: ET.Element, *, base_url: str, url_fetcher: URLFetcher, assets: Assets
    ) -> None:
        # Same attributes as HTML.__init__ sets after its own (pure-Python) HTML5 parse.
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.adopt(root, assets)


class Html5Document(ReportDocument):
    """A document WeasyPrint parses as HTML5 (for text XML cannot carry)."""

    def __init__(self, html: str, *, base_url: str, url_fetcher: URLFetcher, assets: Assets):
        super().__init__(string=html, base_url=base_url, url_fetcher=url_fetcher)
        self.adopt(self.etree_element, assets)


def html_document(html: str, fetcher: URLFetcher) -> HTML:
    """Our templates emit well-formed XHTML: parse it with expat (C), else as HTML5."""
    assets = current_assets()
    base_url = assets.root.as_uri() + "/"
    try:
        root = ET.fromstring(html)
    except ET.ParseError as exc:
        # e.g. a control character from a transcript that XML forbids and HTML5 tolerates
        _log.debug("HTML5 parse instead of XML (%s)", exc)
        return Html5Document(html, base_url=base_url, url_fetcher=fetcher, assets=assets)
    return ParsedHTML(root, base_url=base_url, url_fetcher=fetcher, assets=assets)


def html_to_pdf(html: str, *, page_size: str = "A4", fetcher: AssetFetcher | None = None) -> bytes:
    """Render our HTML to a tagged PDF with embedded, subset fonts and only packaged assets."""
    size = page_size_css(page_size)
    doc = html_document(html, fetcher or AssetFetcher(current_assets().root))
    pdf: bytes = doc.write_pdf(
        stylesheets=list(_stylesheets(size)),
        font_config=_font_config(),
        pdf_tags=True,
    )
    return pdf


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts.utcoffset() is not None else ts.isoformat()


def scorecard_context(card: AgentCard) -> dict[str, Any]:
    """The flat template context for one scorecard (trend as inline SVG, bars as CSS)."""
    weeks = [p.week for p in card.trend]
    series: dict[str, list[float | None]] = {"overall": [p.overall for p in card.trend]}
    for key in CRITERIA:
        series[key] = [p.criteria.get(key) for p in card.trend]
    labels = {"overall": "Overall", **CRITERION_LABELS}
    return {
        "card": card,
        "created": _iso(card.generated_at),
        "criterion_bars": {
            c.key: charts.criterion_bar(
                None if c.too_few else c.score,
                c.team_median,
                interval=None if c.interval is None else (c.interval.low, c.interval.high),
            )
            for c in card.criteria
        },
        "trend_title": charts.trend_title(weeks),
        "trend_chart": charts.trend_svg(
            weeks, series, band=([p.low for p in card.trend], [p.high for p in card.trend])
        ),
        "trend_key": charts.trend_key(series, labels),
        "too_few": TOO_FEW,
        "level": f"{LEVEL:.0%}",
        "criterion_columns": criterion_columns(),
        # report_data keeps the lowest-scoring few in date order; scores.csv has them all
        "contacts": card.contacts,
        "more_contacts": max(0, card.contacts_sampled - len(card.contacts)),
    }


def render_scorecard_html(card: AgentCard) -> str:
    """One agent's scorecard as HTML."""
    return environment().get_template("scorecard.html.j2").render(scorecard_context(card))


def render_team_summary_html(team: TeamSummary) -> str:
    """The team summary as HTML (cut to its page budget: flows/render/summary_budget.py)."""
    team = fit_team_summary(team)
    dist = charts.distribution_svg([(d.label, d.values, d.median) for d in team.distributions])
    return (
        environment()
        .get_template("team_summary.html.j2")
        .render(
            team=team,
            too_few=TOO_FEW,
            min_contacts=MIN_CONTACTS,
            level=f"{LEVEL:.0%}",
            created=_iso(team.generated_at),
            distribution_chart=dist,
            max_flags=MAX_FLAGS_LISTED,
            criterion_columns=criterion_columns(),
        )
    )


def render_scorecard_pdf(card: AgentCard, *, page_size: str = "A4") -> bytes:
    """One agent's scorecard as PDF bytes (at most two pages)."""
    return html_to_pdf(render_scorecard_html(card), page_size=page_size)


def render_team_summary_pdf(team: TeamSummary, *, page_size: str = "A4") -> bytes:
    """The team summary as PDF bytes."""
    return html_to_pdf(render_team_summary_html(team), page_size=page_size)


def summary_pdfs(
    summaries: Mapping[str, TeamSummary], *, page_size: str = "A4"
) -> dict[str, bytes]:
    """File name -> PDF of each team summary given."""
    return {name: render_team_summary_pdf(s, page_size=page_size) for name, s in summaries.items()}


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One rendered PDF with the seconds (wall, one process) and CPU seconds it took."""

    name: str
    data: bytes
    seconds: float
    cpu_seconds: float


def _render_one(job: tuple[str, AgentCard | TeamSummary, str]) -> RenderedFile:
    name, item, page_size = job
    t0, c0 = time.perf_counter(), time.process_time()
    if isinstance(item, TeamSummary):
        data = render_team_summary_pdf(item, page_size=page_size)
    else:
        data = render_scorecard_pdf(item, page_size=page_size)
    return RenderedFile(name, data, time.perf_counter() - t0, time.process_time() - c0)


# WeasyPrint allocates millions of short-lived objects per PDF: with the default thresholds the
# garbage collector took ~12% of a scorecard's time, with these (and a frozen heap) ~5%.
GC_THRESHOLD: Final = (50_000, 20, 20)


@contextmanager
def lighter_gc() -> Iterator[None]:
    """Run fewer garbage-collector passes inside the block."""
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)


# Links every stylesheet our templates use, so that a worker parses them before its first PDF.
WARM_UP_HTML: Final = (
    '<html lang="en"><head><link rel="stylesheet" href="style.css"/>'
    '<link rel="stylesheet" href="card.css"/><link rel="stylesheet" href="summary.css"/>'
    "</head><body><p>warm-up</p></body></html>"
)


_warm: list[bool] = []  # set once this process has rendered the warm-up page


def warm_up() -> bool:
    """Load fonts and parse every stylesheet of ours in this process, once; False when it
    was already done."""
    if _warm:
        return False
    html_to_pdf(WARM_UP_HTML)
    _warm.append(True)
    return True


def _worker_init() -> None:
    # Load fonts and stylesheets once, then keep that long-lived heap out of every GC pass.
    warm_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _jobs(report: WeekReport, page_size: str) -> list[tuple[str, AgentCard | TeamSummary, str]]:
    jobs: list[tuple[str, AgentCard | TeamSummary, str]] = [
        (TEAM_SUMMARY_FILE, report.team, page_size)
    ]
    jobs += [(name, team, page_size) for name, team in team_summaries(report).items()]
    jobs += [(scorecard_file_name(card.agent_id), card, page_size) for card in report.agents]
    if len({name for name, _, _ in jobs}) != len(jobs):  # only a hash collision could do this
        raise ValueError("two of the week's PDFs would have the same file name")
    return jobs


@contextmanager
def render_pool(workers: int = 2) -> Iterator[Executor | None]:
    """Render worker processes (one per core at most), started now so that they are warm by
    the first PDF; None when rendering runs in this process."""
    n = max(1, min(workers, os.cpu_count() or 1))
    if n == 1:
        yield None
        return
    with spawn_pool(n, initializer=_worker_init) as pool:
        yield pool


def iter_rendered(
    report: WeekReport, *, page_size: str = "A4", workers: int = 2, pool: Executor | None = None
) -> Iterator[RenderedFile]:
    """Render every PDF of the week (team summary first), in worker processes when there is
    more than one worker (or a pool from render_pool)."""
    page_size_css(page_size)
    jobs = _jobs(report, page_size)
    if pool is not None:
        # small chunks: a big last chunk leaves one core idle at the end
        chunk = max(1, min(4, len(jobs) // (8 * (os.cpu_count() or 1))))
        yield from pool.map(_render_one, jobs, chunksize=chunk)
        return
    if min(workers, os.cpu_count() or 1, len(jobs)) > 1:
        with render_pool(workers) as own:
            yield from iter_rendered(report, page_size=page_size, pool=own)
        return
    for job in jobs:
        with lighter_gc():  # per file: never hold the caller's thresholds across a yield
            done = _render_one(job)
        yield done


def render_week_pdfs_timed(
    report: WeekReport, *, page_size: str = "A4", workers: int = 2
) -> list[RenderedFile]:
    """Like render_week_pdfs but keeps each file's render time (for the benchmark)."""
    return list(iter_rendered(report, page_size=page_size, workers=workers))


def render_week_pdfs(
    report: WeekReport, *, page_size: str = "A4", workers: int = 2
) -> dict[str, bytes]:
    """File name -> PDF bytes: ``<agent_id>.pdf`` per agent, ``team-summary.pdf`` and, in a
    week of several teams, one summary per team."""
    return {f.name: f.data for f in iter_rendered(report, page_size=page_size, workers=workers)}


def pdf_file_names(report: WeekReport) -> Sequence[str]:
    """The file names render_week_pdfs produces for a report."""
    return [name for name, _, _ in _jobs(report, "A4")]
