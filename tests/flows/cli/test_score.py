"""`rapport score`: JSON lines, a readable terminal view, and clear errors per file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from flows.cli.score import run_score

UPSET_CONTACT = {
    "contact_id": "c-1",
    "agent_id": "a-1",
    "started_at": "2026-11-16T09:12:00Z",
    "turns": [
        {"speaker": "customer", "text": "Third time I've called, my refund is still missing!"},
        {"speaker": "agent", "text": "That sounds really frustrating. I'll refund it today."},
    ],
}
ROUTINE_CONTACT = {
    "contact_id": "c-2",
    "agent_id": "a-1",
    "started_at": "2026-11-16T10:00:00Z",
    "turns": [
        {"speaker": "customer", "text": "What time do you open?"},
        {"speaker": "agent", "text": "Good morning! We open at nine. Have a lovely day!"},
    ],
}


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120, color_system=None), out


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(UPSET_CONTACT), encoding="utf-8")
    many = tmp_path / "many.jsonl"
    many.write_text(json.dumps(ROUTINE_CONTACT) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"contact_id": ', encoding="utf-8")
    return {"good": good, "many": many, "bad": bad, "missing": tmp_path / "missing.json"}


def test_json_lines_follow_the_public_schema(files: dict[str, Path]) -> None:
    console, out = _console()
    code = run_score(
        [files["good"], files["many"]], as_json=True, rubric_path=None, console=console
    )
    assert code == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["contact_id"] == "c-1"
    assert second["contact_id"] == "c-2"
    assert first["criteria"]["empathy"]["opportunity"] == "needed_shown"
    assert second["criteria"]["empathy"] == {"score": None, "opportunity": "none"}
    signals = {f["signal"] for f in first["findings"]}
    assert {"customer_distress", "acknowledges_feeling", "takes_ownership"} <= signals


def test_bad_and_missing_files_are_named_and_others_still_print(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    console, out = _console()
    paths = [files["bad"], files["good"], files["missing"]]
    code = run_score(paths, as_json=True, rubric_path=None, console=console)
    assert code == 1
    assert [json.loads(x)["contact_id"] for x in out.getvalue().splitlines()] == ["c-1"]
    err = capsys.readouterr().err
    assert f"error: {files['bad']}:" in err
    assert f"error: {files['missing']}: No such file" in err


def test_terminal_view_shows_scores_turns_findings_and_legend(files: dict[str, Path]) -> None:
    console, out = _console()
    assert run_score([files["good"]], as_json=False, rubric_path=None, console=console) == 0
    text = out.getvalue()
    assert "Legend:" in text
    assert "c-1" in text
    assert "rubric 2026" in text
    assert "That sounds really frustrating" in text
    assert "↳" in text
    assert "acknowledges_feeling" in text
    assert "needed shown" in text


def test_terminal_view_highlights_the_span(files: dict[str, Path]) -> None:
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=True, color_system="standard")
    run_score([files["good"]], as_json=False, rubric_path=None, console=console)
    assert "\x1b[" in out.getvalue()


def test_bad_rubric_is_reported(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = tmp_path / "r.yaml"
    rubric.write_text("weights: {}\n", encoding="utf-8")
    console, out = _console()
    assert run_score([files["good"]], as_json=True, rubric_path=rubric, console=console) == 2
    assert "r.yaml: version: missing" in capsys.readouterr().err
    assert out.getvalue() == ""


SPANISH_CONTACT = {
    "contact_id": "c-3",
    "agent_id": "a-1",
    "started_at": "2026-11-16T11:00:00Z",
    "turns": [
        {"speaker": "customer", "text": "Es la tercera vez que llamo y mi reembolso no llega."},
        {"speaker": "agent", "text": "Lo siento mucho, entiendo su frustración. Hoy lo reembolso."},
    ],
}


def test_a_contact_in_an_unsupported_language_shows_its_state(tmp_path: Path) -> None:
    path = tmp_path / "es.jsonl"
    lines = [json.dumps(c) for c in (UPSET_CONTACT, SPANISH_CONTACT)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    console, out = _console()
    assert run_score([path], as_json=True, rubric_path=None, console=console) == 0
    english, spanish = (json.loads(line) for line in out.getvalue().splitlines())
    assert (english["state"], english["language"]) == ("scored", "en")
    assert (spanish["state"], spanish["language"]) == ("unsupported_language", "es")
    assert spanish["overall"] is None
    assert spanish["findings"] == []

    console, out = _console()
    assert run_score([path], as_json=False, rubric_path=None, console=console) == 0
    text = out.getvalue()
    assert "c-1 · agent a-1" in text
    assert "scored · language en" in text
    assert "unsupported_language · language es" in text
    assert "not scored" in text
    assert "N/A" in text


ESCAPES = "\x1b[31mred\x1b[0m and \x1b]8;;http://x\x07link\x1b]8;;\x07"


def test_escape_sequences_in_a_transcript_do_not_reach_the_terminal(tmp_path: Path) -> None:
    contact = {
        **UPSET_CONTACT,
        "turns": [
            {"speaker": "customer", "text": f"{ESCAPES} Third time I've called, refund missing!"},
            {
                "speaker": "agent",
                "text": f"{ESCAPES}\x00\x9b2J That sounds really frustrating.\tI'll refund it.",
            },
        ],
    }
    path = tmp_path / "esc.json"
    path.write_text(json.dumps(contact), encoding="utf-8")
    console, out = _console()
    assert run_score([path], as_json=False, rubric_path=None, console=console) == 0
    text = out.getvalue()
    assert not {"\x1b", "\x07", "\x00", "\x9b"} & set(text)
    assert "red and link Third time" in text
    assert "acknowledges_feeling" in text


def test_findings_stay_on_their_words_after_escapes_are_stripped() -> None:
    from flows.cli.score import printable

    raw = f"{ESCAPES} That sounds really frustrating."
    clean, at = printable(raw)
    assert clean == "red and link That sounds really frustrating."
    start = raw.index("frustrating")
    assert clean[at(start) : at(start + len("frustrating"))] == "frustrating"
    assert at(len(raw)) == len(clean)
    assert printable("a\tb\nc\r\x7f\x85")[0] == "a\tb\nc"
