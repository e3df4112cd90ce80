"""`rapport score FILE...`: score transcript files and show why (or print JSON lines)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import polars as pl
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checks.contact_json import contact_results
from checks.results import ScoredBatch
from checks.rubric import Rubric, RubricError, load_rubric
from checks.scoring import score_contacts
from checks.transcript import CRITERIA, Contact
from flows.formats import parse_file

GOOD: Final = frozenset(
    {
        "acknowledges_feeling",
        "reflects_problem",
        "explores",
        "takes_ownership",
        "next_step",
        "confirms_resolution",
        "warmth",
    }
)
BAD: Final = frozenset(
    {"empty_understand", "dismissive", "pity", "agent_distress", "co_blaming", "scripted_line"}
)
STYLES: Final = {
    "good": "bold green",
    "bad": "bold red",
    "note": "bold yellow",
}
SPEAKER_STYLE: Final = {"agent": "cyan", "customer": "magenta", "system": "dim"}


def _kind(signal: str) -> str:
    return "good" if signal in GOOD else "bad" if signal in BAD else "note"


def read_contacts(paths: Sequence[Path], errors: Console) -> tuple[list[Contact], int]:
    """Read every file; print one error line per unreadable file or quarantined part."""
    contacts: list[Contact] = []
    problems = 0
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            errors.print(
                f"error: {path}: {exc.strerror or exc}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            problems += 1
            continue
        result = parse_file(str(path), data)
        for q in result.problems:
            errors.print(
                f"error: {q.key}: {q.reason}", markup=False, highlight=False, soft_wrap=True
            )
            problems += 1
        contacts.extend(result.contacts)
    return contacts, problems


def _fmt(score: float | None) -> str:
    return "N/A" if score is None else f"{score:.1f}"


def _legend() -> Text:
    legend = Text("Legend: ")
    legend.append("helps", style=STYLES["good"])
    legend.append(" (" + ", ".join(sorted(GOOD)) + ")  ")
    legend.append("hurts", style=STYLES["bad"])
    legend.append(" (" + ", ".join(sorted(BAD)) + ")  ")
    legend.append("context", style=STYLES["note"])
    legend.append(" (customer_distress, apology: one is fine, a pile is overload)")
    return legend


def _contact_view(contact: Contact, result: dict[str, Any]) -> Panel:
    crit = result["criteria"]
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("overall")
    for name in CRITERIA:
        table.add_column("control (sympathy overload)" if name == "sympathy_overload" else name)
    table.add_row(_fmt(result["overall"]), *(_fmt(crit[name]["score"]) for name in CRITERIA))
    parts: list[Text | Table] = [table]
    if result["state"] == "unsupported_language":
        parts.append(
            Text(
                f"unsupported_language: not scored, the text reads as {result['language']} "
                "and the rubric has no phrase lists for it (criteria N/A)",
                style="bold yellow",
            )
        )
    else:
        opp = str(crit["empathy"]["opportunity"]).replace("_", " ")
        parts.append(Text(f"empathy opportunity: {opp}", style="dim"))
    by_turn: dict[int, list[dict[str, Any]]] = {}
    for f in result["findings"]:
        by_turn.setdefault(f["turn"], []).append(f)
    for i, turn in enumerate(contact.turns):
        line = Text(f"[{i}] ", style="dim")
        line.append(f"{turn.speaker:>8}: ", style=SPEAKER_STYLE.get(turn.speaker, ""))
        body = Text(turn.text)
        found = by_turn.get(i, [])
        for f in found:
            body.stylize(STYLES[_kind(f["signal"])] + " underline", f["start"], f["end"])
        line.append_text(body)
        parts.append(line)
        if found:
            tags = Text("         ↳ ", style="dim")
            for j, f in enumerate(found):
                if j:
                    tags.append(", ", style="dim")
                tags.append(f["signal"], style=STYLES[_kind(f["signal"])])
            parts.append(tags)
    title = (
        f"{result['contact_id']} · agent {result['agent_id']} · rubric {result['rubric_version']}"
        f" · {result['state']} · language {result['language']}"
    )
    return Panel(Group(*parts), title=title, title_align="left")


def show(batch: ScoredBatch, contacts: Sequence[Contact], console: Console) -> None:
    """Print each contact's scores and turns with the findings highlighted."""
    by_id = {c.contact_id: c for c in contacts}
    console.print(_legend())
    for result in contact_results(batch):
        console.print(_contact_view(by_id[result["contact_id"]], result))


def print_json(batch: ScoredBatch, console: Console) -> None:
    """Print one JSON object per contact, one per line."""
    for result in contact_results(batch):
        console.print(json.dumps(result), markup=False, highlight=False, soft_wrap=True)


def _score(contacts: list[Contact], rubric: Rubric) -> ScoredBatch:
    batch = score_contacts(contacts, rubric)
    order = {c.contact_id: i for i, c in enumerate(contacts)}
    scores = batch.scores.with_columns(
        _o=pl.col("contact_id").replace_strict(order, default=len(order))
    ).sort("_o")
    return ScoredBatch(scores=scores.drop("_o"), findings=batch.findings)


def run_score(
    paths: list[Path], *, as_json: bool, rubric_path: Path | None, console: Console
) -> int:
    """Score the files and print them; exit code 0 ok, 1 some file failed, 2 bad rubric."""
    errors = Console(stderr=True)
    try:
        rubric = load_rubric(rubric_path)
    except RubricError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return 2
    contacts, problems = read_contacts(paths, errors)
    if contacts:
        batch = _score(contacts, rubric)
        if as_json:
            print_json(batch, console)
        else:
            show(batch, contacts, console)
    return 1 if problems else 0
