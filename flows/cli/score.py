"""`rapport score FILE...`: score transcript files and show why (or print JSON lines)."""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Final

import polars as pl
import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from checks.criteria.results import ScoredBatch
from checks.criteria.scoring import score_contacts
from checks.rubric.rubric import Rubric, RubricError, load_rubric
from checks.transcripts.contact_json import contact_results
from checks.transcripts.transcript import CRITERIA, Contact
from flows.cli.common import console
from flows.ingest.formats import parse_file

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

# Terminal escape sequences (CSI, OSC up to BEL/ST, DCS/SOS/PM/APC strings, two-byte ESC
# sequences, and their C1 forms), then any other C0/C1 control character but newline and tab.
_CONTROL: Final = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def printable(text: str) -> tuple[str, Callable[[int], int]]:
    """The text without escape sequences or control characters (but newline and tab), and
    a map from an offset in the raw text to the same place in the printable one."""
    kept: list[int] = []
    pieces: list[str] = []
    last = 0
    for m in _CONTROL.finditer(text):
        pieces.append(text[last : m.start()])
        kept.extend(range(last, m.start()))
        last = m.end()
    if not pieces:
        return text, lambda i: i
    pieces.append(text[last:])
    kept.extend(range(last, len(text)))
    return "".join(pieces), lambda i: bisect_left(kept, i)


def _plain(text: object) -> str:
    return printable(str(text))[0]


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
                _plain(f"error: {path}: {exc.strerror or exc}"),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            problems += 1
            continue
        result = parse_file(str(path), data)
        for q in result.problems:
            errors.print(
                _plain(f"error: {q.key}: {q.reason}"), markup=False, highlight=False, soft_wrap=True
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
        line.append(f"{_plain(turn.speaker):>8}: ", style=SPEAKER_STYLE.get(turn.speaker, ""))
        clean, at = printable(turn.text)
        body = Text(clean)
        found = by_turn.get(i, [])
        for f in found:
            body.stylize(STYLES[_kind(f["signal"])] + " underline", at(f["start"]), at(f["end"]))
        line.append_text(body)
        parts.append(line)
        if found:
            tags = Text("         ↳ ", style="dim")
            for j, f in enumerate(found):
                if j:
                    tags.append(", ", style="dim")
                tags.append(f["signal"], style=STYLES[_kind(f["signal"])])
            parts.append(tags)
    title = _plain(
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


def score_command(
    files: Annotated[list[Path], typer.Argument(help="Transcript files in any supported format.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per contact.")] = False,
    rubric: Annotated[Path | None, typer.Option(help="Rubric YAML file.")] = None,
) -> None:
    """Score transcript files and show the findings (or JSON with --json)."""
    raise typer.Exit(code=run_score(files, as_json=as_json, rubric_path=rubric, console=console))
