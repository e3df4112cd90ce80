"""Measure the empathy signals against human labels (EPITOME, see shared/eval/README.md)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from checks.rubric import Rubric, load_rubric
from checks.scoring import score_turns
from checks.transcript import TURNS_SCHEMA

TASKS: Final = {
    "acknowledges_feeling": "emotional-reactions.csv",
    "explores": "explorations.csv",
    "reflects_problem": "interpretations.csv",
}
TARGETS: Final = {"acknowledges_feeling": 0.78, "explores": 0.85, "reflects_problem": 0.65}
DEFAULT_DIR: Final = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "epitome-dev"


@dataclass(frozen=True, slots=True)
class Metrics:
    """Binary agreement (level > 0) of one signal with the human labels."""

    n: int
    labelled: int
    predicted: int
    accuracy: float
    macro_f1: float


def _f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def binary_metrics(truth: list[bool], pred: list[bool]) -> Metrics:
    """Accuracy and macro-F1 (mean F1 of both classes) of predictions against labels."""
    pairs = list(zip(truth, pred, strict=True))
    tp = sum(t and p for t, p in pairs)
    tn = sum(not t and not p for t, p in pairs)
    fp = sum(p and not t for t, p in pairs)
    fn = sum(t and not p for t, p in pairs)
    n = len(pairs)
    return Metrics(
        n=n,
        labelled=tp + fn,
        predicted=tp + fp,
        accuracy=(tp + tn) / n if n else 0.0,
        macro_f1=(_f1(tp, fp, fn) + _f1(tn, fn, fp)) / 2,
    )


def pairs_as_turns(pairs: pl.DataFrame) -> pl.DataFrame:
    """Each (seeker_post, response_post) pair as a contact: customer turn, then agent turn."""
    n = pairs.height
    ids = [f"e{i}" for i in range(n)]
    customer = pl.DataFrame(
        {"contact_id": ids, "agent_id": ids, "turn": [0] * n, "speaker": ["customer"] * n}
    ).with_columns(text=pairs["seeker_post"].fill_null(""))
    agent = customer.with_columns(
        turn=pl.lit(1, pl.Int64), speaker=pl.lit("agent"), text=pairs["response_post"].fill_null("")
    )
    return (
        pl.concat([customer, agent])
        .with_columns(begin_ms=pl.lit(None), end_ms=pl.lit(None))
        .select(TURNS_SCHEMA.names())
        .cast(TURNS_SCHEMA)
    )


def predict(pairs: pl.DataFrame, signal: str, rubric: Rubric) -> list[bool]:
    """Whether ``signal`` fires on each response (as the agent's answer to the post)."""
    batch = score_turns(pairs_as_turns(pairs), rubric)
    hit = set(
        batch.findings.filter((pl.col("signal") == signal) & (pl.col("turn") == 1))["contact_id"]
    )
    return [f"e{i}" in hit for i in range(pairs.height)]


def evaluate(data_dir: Path, rubric: Rubric) -> dict[str, Metrics]:
    """Binary macro-F1 and accuracy of each measured signal on the labelled files in data_dir."""
    out: dict[str, Metrics] = {}
    for signal, name in TASKS.items():
        pairs = pl.read_csv(data_dir / name, infer_schema_length=0).with_columns(
            pl.col("level").cast(pl.Int32)
        )
        truth = [lvl > 0 for lvl in pairs["level"].to_list()]
        out[signal] = binary_metrics(truth, predict(pairs, signal, rubric))
    return out


def report(results: dict[str, Metrics]) -> str:
    """A small plain-text table of the results with their targets."""
    lines = [f"{'signal':<22}{'n':>6}{'labelled':>10}{'predicted':>11}{'accuracy':>10}"
             f"{'macro-F1':>10}{'target':>8}"]  # fmt: skip
    for signal, m in results.items():
        target = TARGETS.get(signal, 0.0)
        mark = "ok" if m.macro_f1 >= target else "LOW"
        lines.append(
            f"{signal:<22}{m.n:>6}{m.labelled:>10}{m.predicted:>11}{m.accuracy:>10.3f}"
            f"{m.macro_f1:>10.3f}{target:>8.2f} {mark}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation for DIR (default: shared/eval/epitome-dev beside the repo)."""
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else DEFAULT_DIR
    if not data_dir.is_dir():
        print(f"no evaluation data at {data_dir}", file=sys.stderr)
        return 2
    results = evaluate(data_dir, load_rubric())
    print(report(results))
    return 0 if all(results[s].macro_f1 >= t for s, t in TARGETS.items()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
