"""Where a report's stylesheets come from: the sheets it links, served parsed once, a lean
user-agent sheet, another template directory for the benchmark, and a card-only stylesheet."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import tinycss2  # type: ignore[import-untyped]
from pypdf import PdfReader

from flows.render import charts
from flows.render.palette import PALETTE
from flows.render.pdf import (
    ASSETS_DIR,
    PACKAGED_ASSETS,
    AssetFetcher,
    Assets,
    ReportDocument,
    _slot,
    asset_stylesheet,
    current_assets,
    html_document,
    html_to_pdf,
    render_scorecard_html,
    render_scorecard_pdf,
    render_team_summary_html,
    use_assets,
)
from flows.report.model import WeekReport
from tests.flows.report.fixtures import NAMES, WEEK, build, history_table

HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")


@pytest.fixture(scope="module")
def report() -> WeekReport:
    return build(history_table(WEEK, NAMES, {"a-001": [70, 74, 80, 78, 82, 85, 84]}))


@pytest.fixture
def other_templates(tmp_path: Path) -> Iterator[Path]:
    """A copy of the packaged templates, rendered from until the test ends."""
    root = tmp_path / "report_templates"
    shutil.copytree(ASSETS_DIR, root)
    try:
        yield root
    finally:
        use_assets(PACKAGED_ASSETS)


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_card_takes_its_linked_sheets_parsed_once_and_fetches_nothing(
    report: WeekReport,
) -> None:
    fetcher = AssetFetcher()
    doc = html_document(render_scorecard_html(report.agents[0]), fetcher)
    assert isinstance(doc, ReportDocument)
    assert doc.own_sheets == (
        asset_stylesheet(ASSETS_DIR, "style.css"),
        asset_stylesheet(ASSETS_DIR, "card.css"),
    )
    # the links are served by the renderer, so WeasyPrint finds none left to fetch
    assert not [el for el in doc.etree_element.iter() if el.tag == "link"]
    doc.write_pdf()
    assert fetcher.requests == []


def test_the_team_summary_takes_the_summary_sheet_not_the_cards(report: WeekReport) -> None:
    doc = html_document(render_team_summary_html(report.team), AssetFetcher())
    assert isinstance(doc, ReportDocument)
    assert doc.own_sheets == (
        asset_stylesheet(ASSETS_DIR, "style.css"),
        asset_stylesheet(ASSETS_DIR, "summary.css"),
    )


def test_our_user_agent_sheet_replaces_weasyprints(report: WeekReport) -> None:
    from weasyprint import HTML

    doc = html_document(render_scorecard_html(report.agents[0]), AssetFetcher())
    assert isinstance(doc, ReportDocument)
    assert doc._ua_stylesheets() == [doc.user_agent]
    assert doc.user_agent is not None
    assert doc.user_agent not in HTML(string="<p>x</p>")._ua_stylesheets()
    # WeasyPrint's sheet styles footnote and note pseudo-elements on every element; ours not
    css = (ASSETS_DIR / "ua.css").read_text(encoding="utf-8")
    assert "::footnote" not in css
    assert "::note" not in css


def test_unstyled_markup_renders_as_with_weasyprints_own_sheet() -> None:
    """ua.css keeps WeasyPrint's values for what we use: bold, lists, tables, line breaks."""
    html = (
        '<html lang="en"><body><h2>Heading</h2><p>one<br/>two <b>bold</b></p>'
        "<ul><li>first</li><li>second</li></ul><table><tr><th>k</th><td>v</td></tr></table>"
        "</body></html>"
    )
    ours = html_to_pdf(html)
    use_assets(Assets(ASSETS_DIR, user_agent=None))
    try:
        weasyprints = html_to_pdf(html)
    finally:
        use_assets(PACKAGED_ASSETS)
    assert _pages_text(ours) == _pages_text(weasyprints)
    assert re.search(r"one\s*\ntwo", _pages_text(ours)[0])


def test_another_template_directory_renders_its_own_templates_and_sheets(
    report: WeekReport, other_templates: Path
) -> None:
    card = report.agents[0]
    template = other_templates / "scorecard.html.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace("The four criteria", "Four criteria (copy)"),
        encoding="utf-8",
    )
    use_assets(Assets(other_templates))
    assert current_assets().root == other_templates
    text = " ".join(_pages_text(render_scorecard_pdf(card)))
    assert "FOUR CRITERIA (COPY)" in text
    use_assets(PACKAGED_ASSETS)
    assert "FOUR CRITERIA (COPY)" not in " ".join(_pages_text(render_scorecard_pdf(card)))


def test_templates_that_link_nothing_take_the_default_sheets(other_templates: Path) -> None:
    """How the benchmark renders templates from before issue 19 (one style.css, no links)."""
    html = '<html lang="en"><body><p>no links</p></body></html>'
    use_assets(Assets(other_templates, default_sheets=("style.css",), user_agent=None))
    assert "no links" in _pages_text(html_to_pdf(html))[0]
    doc = html_document(html, AssetFetcher(other_templates))
    assert isinstance(doc, ReportDocument)
    assert doc.own_sheets == (asset_stylesheet(other_templates, "style.css"),)
    assert doc.user_agent is None


def test_the_footer_line_appears_once_on_every_page(report: WeekReport) -> None:
    card = report.agents[0]
    foot = f"{card.agent_name} · {card.week} · rubric {card.rubric_version}"
    pages = _pages_text(render_scorecard_pdf(card))
    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert text.count(foot) == 1, text
        assert f"page {number}" in text


def _selectors(css: str) -> list[str]:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return [
        tinycss2.serialize(rule.prelude).strip() for rule in rules if rule.type == "qualified-rule"
    ]


def test_the_card_stylesheet_uses_simple_selectors_and_the_palette() -> None:
    css = (ASSETS_DIR / "card.css").read_text(encoding="utf-8")
    chains = [
        s
        for selector in _selectors(css)
        for s in selector.split(",")
        if re.search(r"\s|>|\+|~|\[", s.strip())
    ]
    # two descendant rules, each keyed on a rare element: the trend chart, and the few
    # highlights of the focus column
    assert chains == [".trend svg", ".point-focus mark"]
    for name in ("card.css", "summary.css", "ua.css"):
        text = (ASSETS_DIR / name).read_text(encoding="utf-8")
        assert HEX.findall(text) == [], name
        assert set(re.findall(r"var\(--([\w-]+)\)", text)) <= set(PALETTE), name


def test_the_card_links_only_its_own_stylesheets(report: WeekReport) -> None:
    """No rule of summary.css is matched against a card's elements."""
    root = ET.fromstring(render_scorecard_html(report.agents[0]))
    links = [el.get("href") for el in root.iter() if el.tag == "link"]
    assert links == ["style.css", "card.css"]


FS = "\u2007"  # figure space


@pytest.mark.parametrize(
    ("text", "slot"),
    [("6", f"{FS}{FS}6{FS}{FS}{FS}"), ("100", f"100{FS}{FS}{FS}"), ("N/A", f"N/A{FS}{FS}{FS}")],
)
def test_a_score_slot_is_six_figures_wide(text: str, slot: str) -> None:
    assert _slot(text) == slot
    assert len(_slot(text)) == 6


def test_the_overall_points_are_dots() -> None:
    weeks = [f"2026-W{n}" for n in range(44, 48)]
    svg = charts.trend_svg(weeks, {"overall": [60.0, None, 70.0, 72.0]})
    root = ET.fromstring(svg)
    dots = [
        p
        for p in root.iter("{http://www.w3.org/2000/svg}path")
        if p.get("stroke-linecap") == "round"
    ]
    assert len(dots) == 1
    # one zero-length segment per week with a score: each is a disc with round caps
    assert dots[0].get("d", "").count("h0") == 3
    assert float(dots[0].get("stroke-width", "0")) == pytest.approx(2 * 2.7 + 0.9)


def test_a_render_worker_parses_every_stylesheet_before_its_first_pdf() -> None:
    from flows.render.pdf import WARM_UP_HTML

    doc = html_document(WARM_UP_HTML, AssetFetcher())
    assert isinstance(doc, ReportDocument)
    linked = {Path(str(sheet.base_url)).name for sheet in doc.own_sheets}
    assert linked == {p.name for p in ASSETS_DIR.glob("*.css")} - {"ua.css"}


def test_warm_up_runs_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.render import pdf

    monkeypatch.setattr(pdf, "_warm", [])
    assert pdf.warm_up() is True  # fonts and every stylesheet loaded: a page was rendered
    assert pdf.warm_up() is False
