"""The flow publishes what it published before issue 19 reshaped loading and sampling.

The files in tests/fixtures/published_228b7a1/ are what commit 228b7a1 (the flow before sample
first) published for the generated example week 2026-W47, with 2026-W45 and 2026-W46 audited
before it, from a local store. To record them again after a deliberate change of scores:

    git worktree add /tmp/before <commit> && cd /tmp/before && uv sync
    uv run rapport generate /tmp/ex/data --week 2026-W45..2026-W47
    for w in 2026-W45 2026-W46 2026-W47; do uv run rapport run --store local \\
        --local-root /tmp/ex/data --week $w --out-dir /tmp/ex/out; done
    cp /tmp/ex/out/2026-W47/{scores,ledger,agents}.csv tests/fixtures/published_228b7a1/
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from flows.config.settings import Settings
from flows.examples.generate import generate_week, week_files
from flows.pipeline.weekly import weekly_audit
from flows.stores.local import LocalStore

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
BEFORE = Path(__file__).resolve().parents[1] / "fixtures" / "published_228b7a1"
WEEKS = ("2026-W45", "2026-W46", "2026-W47")
FILES = ("scores.csv", "ledger.csv", "agents.csv")


def _audit(root: Path, out: Path, weeks: tuple[str, ...] = WEEKS, **overrides: object) -> Path:
    for week in weeks:
        settings = Settings(
            store="local",
            local_root=root,
            out_dir=out,
            **overrides,  # type: ignore[arg-type]
        )
        weekly_audit(week=week, settings=settings)
    return out / WEEKS[-1]


def _example_weeks(root: Path) -> None:
    store = LocalStore(root)
    for week in WEEKS:  # as `rapport generate --week 2026-W45..2026-W47` writes them
        contacts = generate_week(week, seed=7 + int(week[-2:]))
        for key, data in week_files(contacts, "transcripts", seed=7):
            store.put(key, data)


def test_screening_the_whole_week_publishes_exactly_what_the_flow_did_before(
    tmp_path: Path,
) -> None:
    _example_weeks(tmp_path / "data")
    published = _audit(tmp_path / "data", tmp_path / "out", screen="all")
    for name in FILES:
        assert (published / name).read_bytes() == (BEFORE / name).read_bytes(), name


def test_by_default_an_agent_drawn_alike_scores_the_same(tmp_path: Path) -> None:
    # The default screens twice the sample per agent (sample first needs no full read), so the
    # draw may differ; an agent whose draw did not change is scored exactly as before (scores
    # depend on the agent's whole sample: scripted lines are found across it).
    _example_weeks(tmp_path / "data")
    # scores do not depend on earlier weeks: the last week alone
    published = _audit(tmp_path / "data", tmp_path / "out", WEEKS[-1:])
    now = pl.read_csv(published / "scores.csv").drop("weight", "sampled_because")
    before = pl.read_csv(BEFORE / "scores.csv").drop("weight", "sampled_because")
    assert now.group_by("agent_id").len()["len"].to_list() == [5] * now["agent_id"].n_unique()

    def drawn(table: pl.DataFrame) -> pl.DataFrame:
        return table.group_by("agent_id").agg(pl.col("contact_id").sort())

    alike = drawn(now).join(drawn(before), on=["agent_id", "contact_id"]).select("agent_id")
    assert alike.height > 0

    def of_alike(table: pl.DataFrame) -> pl.DataFrame:
        return table.join(alike, on="agent_id").sort("contact_id")

    assert of_alike(now).equals(of_alike(before))
