"""Rendered PDFs read back: sections, numbers, masked PII, metadata, and no fetched resources."""

from __future__ import annotations

import io
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from flows.render.pdf import (
    ASSETS_DIR,
    AssetFetcher,
    ParsedHTML,
    html_document,
    html_to_pdf,
    render_scorecard_html,
    render_scorecard_pdf,
    render_team_summary_html,
    render_team_summary_pdf,
    render_week_pdfs,
)
from flows.report.model import WeekReport
from tests.flows.report.fixtures import (
    NAMES,
    RAW_CARD,
    RAW_EMAIL,
    RAW_PHONE,
    RAW_SPOKEN,
    WEEK,
    build,
    history_table,
    weak_agent,
)


class _Hits(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Hits.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 that counts every request it gets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Hits.hits
    server.shutdown()


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def report() -> WeekReport:
    return build(history_table(WEEK, NAMES, {"a-001": [70, 74, 80, 78, 82, 85, 84]}))


@pytest.fixture(scope="module")
def pdfs(report: WeekReport) -> dict[str, bytes]:
    return render_week_pdfs(report, workers=1)


def test_harfbuzz_subset_is_available() -> None:
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None


@pytest.mark.parametrize("agent_id", ["a-001", "a-002"])
def test_scorecard_sections_and_numbers(
    pdfs: dict[str, bytes], report: WeekReport, agent_id: str
) -> None:
    card = next(c for c in report.agents if c.agent_id == agent_id)
    reader, text = _text(pdfs[f"{agent_id}.pdf"])
    low = text.lower()
    assert 1 <= len(reader.pages) <= 2
    for section in (
        "the four criteria",
        # a-001 has seven weeks of history, a-002 none (flows/render/test_template_data.py)
        "trend, last 8 weeks" if agent_id == "a-001" else "trend, this week",
        "coaching signals",
        "what went well",
        "focus for next week",
        "sampled contacts",
        "how scores are made",
    ):
        assert section in low, section
    assert card.agent_name in text
    assert agent_id in text
    assert WEEK in text
    assert f"{card.overall:.0f}" in text
    assert f"team {card.criteria[0].team_median:.0f}" in text
    for label in ("Empathy", "Compassion", "Sympathy control", "Hospitality"):
        assert label in text
    for row in card.contacts:
        assert row.contact_id in text
    for tip in card.coaching.focus:
        assert tip.title in text
    assert "rubric-test-1" in text


def test_change_and_history_message(pdfs: dict[str, bytes], report: WeekReport) -> None:
    dana = report.agents[0]
    _, dana_text = _text(pdfs["a-001.pdf"])
    _, sam_text = _text(pdfs["a-002.pdf"])
    assert dana.change is not None
    assert f"+{round(dana.change)}" in dana_text
    assert "vs 2026-W46" in dana_text
    assert "first week" in sam_text
    assert "No earlier weeks yet" in sam_text
    assert "No earlier weeks yet" not in dana_text


def test_pii_masked_in_pdfs(pdfs: dict[str, bytes]) -> None:
    text = " ".join(_text(pdf)[1] for pdf in pdfs.values())
    for raw in (RAW_EMAIL, RAW_CARD, RAW_PHONE, RAW_SPOKEN, "4111"):
        assert raw not in text
    assert "[card]" in text
    assert "[email]" in text


def test_team_summary(pdfs: dict[str, bytes], report: WeekReport) -> None:
    reader, text = _text(pdfs["team-summary.pdf"])
    low = text.lower()
    for section in (
        "how the agents spread",
        "sympathy overload",
        "missed empathy opportunities",
        "agents by overall score",
        "quarantined files",
    ):
        assert section in low, section
    table = text[low.index("agents by overall score") :]
    assert table.index("Dana Cole") < table.index("Sam Reed")
    assert "in/2026/11/17/bad.json" in text
    assert RAW_EMAIL not in text
    assert f"{report.team.median_overall:.0f}" in text
    assert "missed 2 of 2 empathy opportunities" in text
    assert len(reader.pages) >= 1


def test_metadata_fonts_and_tags(pdfs: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(pdfs["a-001.pdf"]))
    meta = reader.metadata
    assert meta is not None
    assert meta.title
    assert "Dana Cole" in meta.title
    assert WEEK in meta.title
    assert meta.author
    assert meta.author.startswith("Rapport")
    assert meta.subject
    assert "scorecard" in meta.subject
    assert meta.creation_date is not None
    assert meta.creation_date.year == 2026
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    page: Any = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    for ref in fonts.values():
        font: Any = ref.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        desc = font["/FontDescriptor"]
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        assert "Liberation" in str(desc["/FontName"])


def test_letter_page_size(report: WeekReport) -> None:
    reader = PdfReader(io.BytesIO(render_scorecard_pdf(report.agents[1], page_size="Letter")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert len(reader.pages) <= 2
    with pytest.raises(ValueError, match="A4 or Letter"):
        render_team_summary_pdf(report.team, page_size="A3")


def test_hostile_transcript_renders_as_text_and_fetches_nothing(
    http_server: tuple[str, list[str]],
) -> None:
    base, hits = http_server
    hostile = (
        f'<img src="file:///etc/passwd"> <link rel=stylesheet href="{base}/x.css"> '
        f"<style>*{{background:url({base}/b.png)}}</style>"
    )
    agent = weak_agent()
    contact = agent.contacts[0]  # a missed empathy opportunity: the tip shows the customer
    contact.turns[0] = ("customer", hostile)
    contact.findings[0] = ("customer_distress", 0, hostile)
    card = build(agents=[agent]).agents[0]
    html = render_scorecard_html(card)
    # the highlight starts on the first word, so the escaped "<" may sit just before <mark>
    assert re.search(r"&lt;(<mark>)?img src=", html)
    assert "<img src=" not in html
    _, text = _text(render_scorecard_pdf(card))
    assert "file:///etc/passwd" in text
    assert f"{base}/x.css" in text
    assert "<style>" in text
    assert hits == []


def test_fetcher_refuses_everything_but_packaged_assets(
    http_server: tuple[str, list[str]],
) -> None:
    base, hits = http_server
    fetcher = AssetFetcher()
    raw = (
        f'<html><head><link rel="stylesheet" href="{base}/evil.css"></head><body>'
        f'<img src="file:///etc/passwd"><img src="{base}/pixel.png">'
        '<img src="data:image/png;base64,iVBORw0KGgo="><p>still renders</p></body></html>'
    )
    _, text = _text(html_to_pdf(raw, fetcher=fetcher))
    assert "still renders" in text
    assert hits == []
    assert len(fetcher.refused) == len(fetcher.requests) >= 3
    assert fetcher.asset_path((ASSETS_DIR / "style.css").as_uri()) is not None
    for url in (
        (ASSETS_DIR / ".." / "pyproject.toml").as_uri(),
        (ASSETS_DIR / "__init__.py").as_uri(),
        "file:///etc/passwd",
        f"{base}/style.css",
    ):
        assert fetcher.asset_path(url) is None
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_templates_emit_well_formed_xhtml(report: WeekReport) -> None:
    pages = [render_scorecard_html(c) for c in report.agents]
    pages.append(render_team_summary_html(report.team))
    for html in pages:
        ET.fromstring(html)  # raises on anything expat cannot read
        assert isinstance(html_document(html, AssetFetcher()), ParsedHTML)


def test_xml_and_html5_parsing_give_the_same_pdf(report: WeekReport) -> None:
    from weasyprint import HTML

    html = render_scorecard_html(report.agents[0])
    fast = html_document(html, AssetFetcher()).write_pdf()
    slow = HTML(string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=AssetFetcher())
    fast_reader, fast_text = _text(fast)
    slow_reader, slow_text = _text(slow.write_pdf())
    assert fast_text == slow_text
    assert len(fast_reader.pages) == len(slow_reader.pages)


def test_text_xml_cannot_carry_falls_back_to_html5() -> None:
    agent = weak_agent()
    contact = agent.contacts[0]
    text = "I am so upset\x0b about this"
    contact.turns[0] = ("customer", text)
    contact.findings[0] = ("customer_distress", 0, "so upset")
    card = build(agents=[agent]).agents[0]
    html = render_scorecard_html(card)
    with pytest.raises(ET.ParseError):
        ET.fromstring(html)
    assert not isinstance(html_document(html, AssetFetcher()), ParsedHTML)
    assert "so upset" in _text(render_scorecard_pdf(card))[1]


def test_week_pdfs_in_two_spawned_workers(report: WeekReport, pdfs: dict[str, bytes]) -> None:
    parallel = render_week_pdfs(report, workers=2)
    assert sorted(parallel) == sorted(pdfs) == ["a-001.pdf", "a-002.pdf", "team-summary.pdf"]
    for name, data in parallel.items():
        assert data.startswith(b"%PDF-")
        assert _text(data)[1] == _text(pdfs[name])[1]


def test_a_busy_week_still_fits_two_pages() -> None:
    agent = weak_agent()
    base = agent.contacts
    agent.contacts = [
        replace(base[i % len(base)], contact_id=f"c-9{i:03d}", day=i % 7) for i in range(40)
    ]
    card = build(agents=[agent]).agents[0]
    assert card.contacts_sampled == 40
    reader, text = _text(render_scorecard_pdf(card, page_size="Letter"))
    assert len(reader.pages) <= 2
    assert "more contacts in scores.csv" in text


def test_rendering_the_same_week_twice_gives_identical_bytes() -> None:
    """The PDFs' dates are the week's, not the clock's: a rerun is comparable byte for byte."""
    first = build_without_date()
    time.sleep(1.1)
    second = build_without_date()
    assert first.team.generated_at == second.team.generated_at
    assert render_scorecard_pdf(first.agents[0]) == render_scorecard_pdf(second.agents[0])
    assert render_team_summary_pdf(first.team) == render_team_summary_pdf(second.team)
    info = PdfReader(io.BytesIO(render_scorecard_pdf(first.agents[0]))).metadata
    assert info is not None
    assert str(info["/CreationDate"]).startswith("D:20261123")


def build_without_date() -> WeekReport:
    from flows.report.build import build_week_report
    from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, published_scores_table
    from tests.flows.report.fixtures import frames, strong_agent, weak_agent

    f = frames(WEEK, [strong_agent(), weak_agent()])
    return build_week_report(
        week=WEEK,
        table=published_scores_table(WEEK, f["scores"], f["contacts"]),
        findings=f["findings"],
        history=PUBLISHED_SCORES_SCHEMA.to_frame(),
        quarantined=[],
        rubric_version="rubric-test-1",
        code_version="0.1.0",
        turns=f["turns"],
    )


def test_lighter_gc_is_scoped() -> None:
    import gc

    from flows.render.pdf import GC_THRESHOLD, lighter_gc

    before = gc.get_threshold()
    with lighter_gc():
        assert gc.get_threshold() == GC_THRESHOLD
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), lighter_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


LONG_TOKEN = "x" * 300
LONG_URL = (
    "https://example.org/" + "/".join(f"segment{i:02d}" for i in range(20)) + "?q=" + "y" * 60
)


def _text_past_the_right_margin(html: str) -> tuple[int, float]:
    """Pages, and how far (CSS px) the furthest visible text runs past the right margin."""
    from flows.render.pdf import _font_config, _stylesheets

    doc = html_document(html, AssetFetcher()).render(
        stylesheets=list(_stylesheets("A4")), font_config=_font_config()
    )
    worst = 0.0
    for page in doc.pages:
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        boxes = [page_box]
        while boxes:
            box = boxes.pop()
            edge = box.position_x + box.width
            if type(box).__name__ == "TextBox":
                worst = max(worst, edge - right)
            elif box.style["overflow"] == "hidden" and box is not page_box:
                worst = max(worst, edge - page_box.margin_width())  # clipped: box itself
            else:
                boxes.extend(getattr(box, "children", []))
    return len(doc.pages), worst


def test_long_unbroken_words_wrap_inside_the_page() -> None:
    agent = weak_agent()
    agent.name = LONG_TOKEN
    contact = agent.contacts[0]  # a missed empathy opportunity: the tip shows the customer
    contact.turns[0] = ("customer", f"I'm furious {LONG_URL} {LONG_TOKEN} blocked again!")
    contact.findings[0] = ("customer_distress", 0, LONG_TOKEN)
    report = build(agents=[agent])
    card = report.agents[0]
    team = replace(
        report.team, quarantined=((f"in/2026/11/17/{LONG_TOKEN}.json", f"bad JSON {LONG_URL}"),)
    )

    pages, past = _text_past_the_right_margin(render_scorecard_html(card))
    assert (pages, past) == (2, 0.0)
    pages, past = _text_past_the_right_margin(render_team_summary_html(team))
    assert (pages, past) == (1, 0.0)

    reader, text = _text(render_scorecard_pdf(card))
    assert len(reader.pages) == 2
    assert LONG_TOKEN in re.sub(r"\s+", "", text)  # the name and the quote, wrapped
    reader, text = _text(render_team_summary_pdf(team))
    assert len(reader.pages) == 1
    joined = re.sub(r"\s+", "", text)
    # the summary keeps its page budget: a long name, key or reason is cut with an ellipsis
    # (scores.csv, ledger.csv and the manifest keep them whole)
    assert LONG_TOKEN not in joined
    assert f"{LONG_TOKEN[:20]}" in joined
    assert "…" in joined
    assert LONG_URL[:30] in joined


def _font_names(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources.get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def test_chinese_text_embeds_a_cjk_font_not_tofu() -> None:
    agent = weak_agent()
    agent.name = "张伟"
    contact = agent.contacts[0]  # a missed empathy opportunity: the tip shows the customer
    contact.turns[0] = ("customer", "我的退款还没到账，太让人生气了！")
    contact.findings[0] = ("customer_distress", 0, "太让人生气了")
    card = build(agents=[agent]).agents[0]
    reader, text = _text(render_scorecard_pdf(card))
    fonts = _font_names(reader)
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts
    assert any("Liberation-Sans" in name for name in fonts), fonts  # Latin text unchanged
    assert "张伟" in text
    assert "太让人生气了" in text


def test_emoji_embed_the_colour_emoji_font() -> None:
    agent = weak_agent()
    agent.name = "Sam 😀 Reed"
    contact = agent.contacts[0]
    contact.turns[0] = ("customer", "I'm furious 😡 my card was blocked again 👎")
    contact.findings[0] = ("customer_distress", 0, "furious")
    reader, text = _text(render_scorecard_pdf(build(agents=[agent]).agents[0]))
    fonts = _font_names(reader)
    assert any("Noto-Color-Emoji" in name for name in fonts), fonts
    assert "Sam 😀 Reed" in text
    assert "furious 😡" in text
