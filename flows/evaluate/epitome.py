"""EPITOME, the side check: peer-support posts read as an agent's answer to a customer."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import polars as pl

from checks.criteria.scoring import score_turns
from checks.rubric.rubric import Rubric
from checks.transcripts.transcript import TURNS_SCHEMA
from flows.evaluate.agreement import Metrics, binary_metrics
from flows.evaluate.data import EvalDataError

# EPITOME: which file measures which signal. A side check with no target: peer support on
# Reddit is not customer service, and rules tuned to it misread support conversations.
TASKS: Final = {
    "acknowledges_feeling": "emotional-reactions.csv",
    "explores": "explorations.csv",
    "reflects_problem": "interpretations.csv",
}


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
    missing = [name for name in TASKS.values() if not (data_dir / name).is_file()]
    if missing:
        raise EvalDataError(
            f"no EPITOME data at {data_dir} ({', '.join(missing)} missing); pass --epitome DIR"
        )
    out: dict[str, Metrics] = {}
    for signal, name in TASKS.items():
        pairs = pl.read_csv(data_dir / name, infer_schema_length=0).with_columns(
            pl.col("level").cast(pl.Int32)
        )
        truth = [lvl > 0 for lvl in pairs["level"].to_list()]
        out[signal] = binary_metrics(truth, predict(pairs, signal, rubric))
    return out
