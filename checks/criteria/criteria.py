"""The four criteria per contact, computed from per-turn hits as RUBRIC.md describes."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from checks.rubric.rubric import Rubric
from checks.signals.detection import CONTAGION, PROBLEM
from checks.signals.signals import alternation
from checks.transcripts.transcript import CRITERIA, SIGNALS


def overall_score(scores: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Weighted mean of the applicable (non-null) criteria, weights renormalised."""
    used = [(s, weights[c]) for c, s in scores.items() if s is not None and weights.get(c, 0) > 0]
    total = sum(w for _, w in used)
    if not used or total <= 0:
        return None
    return sum(s * w for s, w in used) / total


def _flags(
    rows: pl.DataFrame,
    hits: pl.DataFrame,
    implied_by: list[str],
    handoff: str | None,
    works_problem: str | None,
) -> pl.DataFrame:
    """One row per turn with a count column per signal and positional helpers."""
    names = [*SIGNALS, CONTAGION, PROBLEM]
    wide = hits.group_by("row").agg(
        [(pl.col("signal") == name).sum().cast(pl.Int32).alias(name) for name in names]
    )
    is_agent = pl.col("speaker") == "agent"
    text = pl.col("text").fill_null("")
    f = rows.select(
        "row",
        "ck",
        "contact_id",
        "agent_id",
        "turn",
        "speaker",
        exclaims=text.str.contains("!"),
        hands_off=text.str.contains(handoff) if handoff else pl.lit(False),
        works_problem=text.str.contains(works_problem) if works_problem else pl.lit(False),
    ).join(wide, on="row", how="left")
    f = f.with_columns([pl.col(n).fill_null(0).cast(pl.Int32) for n in names])
    ack_scripted = (
        hits.filter(pl.col("signal") == "scripted_line")
        .select("row", s_start="start", s_end="end")
        .join(
            hits.filter(pl.col("signal") == "acknowledges_feeling").select("row", "start", "end"),
            on="row",
        )
        .filter((pl.col("start") >= pl.col("s_start")) & (pl.col("end") <= pl.col("s_end")))
        .select("row")
        .unique()
        .with_columns(ack_scripted=pl.lit(True))
    )
    # an agent reply that acknowledges a feeling shows the customer turn before it had one
    implying = pl.lit(False)
    for name in implied_by:
        implying = implying | (pl.col(name) > 0)
    f = f.sort("row").with_columns(
        implied_distress=(
            (pl.col("speaker") == "customer")
            & (pl.col("speaker").shift(-1).over("ck") == "agent")
            & implying.shift(-1).over("ck")
        ).fill_null(False)
    )
    f = f.join(ack_scripted, on="row", how="left").with_columns(
        pl.col("ack_scripted").fill_null(False),
        agent_ord=is_agent.cast(pl.Int32).cum_sum().over("ck"),
    )
    return f


def contact_scores(rows: pl.DataFrame, hits: pl.DataFrame, rubric: Rubric) -> pl.DataFrame:
    """Criteria, overall, opportunity and signal counts per contact key (ck) with turns."""
    handoff = alternation([], list(rubric.hospitality.handoff))
    works = alternation([], list(rubric.compassion.works_problem))
    f = _flags(rows, hits, list(rubric.empathy.implied_by), handoff, works)
    em, co, sy, ho = rubric.empathy, rubric.compassion, rubric.sympathy_overload, rubric.hospitality
    a = pl.col("speaker") == "agent"
    c = pl.col("speaker") == "customer"
    turn = pl.col("turn")
    distressed = c & ((pl.col("customer_distress") > 0) | pl.col("implied_distress"))
    first_distress = turn.filter(distressed).min()
    ack = a & (pl.col("acknowledges_feeling") > 0)
    after = turn > first_distress
    agg = f.group_by("ck").agg(
        n_agent=a.sum().cast(pl.Int32),
        has_distress=distressed.any(),
        has_problem=(c & ((pl.col(PROBLEM) > 0) | (pl.col("customer_distress") > 0))).any(),
        agents_before=(a & (turn < first_distress)).sum(),
        ack_after_ord=pl.col("agent_ord").filter(ack & after).min(),
        ack_genuine_after=(ack & after & ~pl.col("ack_scripted")).any(),
        # an apology or a restatement after the distress shows empathy too, if only formulaic
        shown=(
            (ack | (a & ((pl.col("apology") > 0) | (pl.col("reflects_problem") > 0)))) & after
        ).any(),
        apology_after=(a & (pl.col("apology") > 0) & after).any(),
        first_ack_turn=turn.filter(ack).min(),
        first_action_turn=turn.filter(a & (pl.col("takes_ownership") > 0)).min(),
        reflect=(a & (pl.col("reflects_problem") > 0)).any(),
        explore=(a & (pl.col("explores") > 0)).any(),
        ownership=(pl.col("takes_ownership") > 0).any(),
        next_step=(pl.col("next_step") > 0).any(),
        confirm_ords=pl.col("agent_ord").filter(a & (pl.col("confirms_resolution") > 0)).max(),
        warm_first=(a & (pl.col("agent_ord") == 1) & (pl.col("warmth") > 0)).any(),
        warm_last_ord=pl.col("agent_ord").filter(a & (pl.col("warmth") > 0)).max(),
        warm_turns=(a & (pl.col("warmth") > 0)).sum().cast(pl.Int32),
        exclaim_turns=(a & pl.col("exclaims")).sum().cast(pl.Int32),
        handoff_turns=(a & pl.col("hands_off")).sum().cast(pl.Int32),
        works_problem=(a & pl.col("works_problem")).any(),
        contagion=pl.col(CONTAGION).sum(),
        **{f"n_{s}": pl.col(s).sum().cast(pl.Int32) for s in SIGNALS},
    )
    n_agent = pl.col("n_agent")
    ack_pts = (
        pl.when(pl.col("ack_after_ord") <= pl.col("agents_before") + em.early_window_agent_turns)
        .then(em.points_ack_early)
        .when(pl.col("ack_after_ord").is_not_null())
        .then(em.points_ack_late)
        .when(pl.col("apology_after"))
        .then(em.points_apology_only)
        .otherwise(0.0)
    )
    genuine = pl.col("ack_genuine_after") | pl.col("ack_after_ord").is_null()
    ack_pts = ack_pts * pl.when(genuine).then(1.0).otherwise(em.scripted_factor)
    n_empty = pl.col("n_empty_understand")
    empathy_raw = (
        ack_pts
        + pl.when(pl.col("reflect")).then(em.points_reflect).otherwise(0.0)
        + pl.when(pl.col("explore")).then(em.points_explore).otherwise(0.0)
        - n_empty * em.penalty_per_empty_understand
        - pl.when(n_empty >= em.broken_record_min).then(em.penalty_broken_record).otherwise(0.0)
        - pl.col("n_dismissive") * em.penalty_per_dismissive
    )
    empathy = pl.when(pl.col("has_distress") & (n_agent > 0)).then(empathy_raw.clip(0, 100))

    confirm_close = pl.col("confirm_ords") > n_agent - co.close_window_agent_turns
    action_first = (
        pl.col("has_distress")
        & pl.col("ownership")
        & (
            pl.col("first_ack_turn").is_null()
            | (pl.col("first_action_turn") < pl.col("first_ack_turn"))
        )
    )
    compassion_raw = (
        pl.when(pl.col("ownership")).then(co.points_ownership).otherwise(0.0)
        + pl.when(pl.col("next_step")).then(co.points_next_step).otherwise(0.0)
        + pl.when(confirm_close)
        .then(co.points_confirm_close)
        .when(pl.col("confirm_ords").is_not_null())
        .then(co.points_confirm_early)
        .otherwise(0.0)
        - pl.when(action_first).then(co.penalty_action_before_empathy).otherwise(0.0)
        + pl.when(pl.col("works_problem")).then(co.points_works_problem).otherwise(0.0)
        - pl.col("n_dismissive") * co.penalty_per_dismissive
    )
    compassion = pl.when(pl.col("has_problem") & (n_agent > 0)).then(compassion_raw.clip(0, 100))

    n_apol = pl.col("n_apology")
    overloaded = (n_apol > sy.apology_max_total) | (
        (n_apol > 1) & (n_apol > n_agent / sy.apology_per_agent_turns)
    )
    phrase_distress = pl.col("n_agent_distress") - pl.col("contagion")
    sympathy_pen = (
        pl.when(overloaded).then((n_apol - 1) * sy.penalty_per_excess_apology).otherwise(0.0)
        + pl.col("n_pity") * sy.penalty_per_pity
        + phrase_distress * sy.penalty_per_agent_distress
        + pl.col("n_co_blaming") * sy.penalty_per_co_blaming
        + pl.col("contagion") * sy.penalty_per_contagion_turn
    )
    sympathy = pl.when(n_agent > 0).then((100.0 - sympathy_pen).clip(0, 100))

    efficiency = (
        pl.when(n_agent <= ho.efficient_max_agent_turns)
        .then(ho.points_efficiency)
        .otherwise(ho.points_efficiency * ho.efficient_max_agent_turns / n_agent.clip(1, None))
    )
    hosp_raw = (
        pl.when(pl.col("warm_first")).then(ho.points_opening).otherwise(0.0)
        + pl.when(pl.col("warm_last_ord") == n_agent).then(ho.points_closing).otherwise(0.0)
        # courtesy that lasts: the share of agent turns that carry warmth
        + pl.col("warm_turns") / n_agent.clip(1, None) * ho.points_courtesy
        + (pl.col("n_warmth") / n_agent.clip(1, None)).clip(0, ho.warm_cues_full_at)
        * ho.points_per_warm_cue
        + pl.col("exclaim_turns") / n_agent.clip(1, None) * ho.points_enthusiasm
        - pl.col("handoff_turns") / n_agent.clip(1, None) * ho.penalty_handoff
        + efficiency
        - pl.col("n_dismissive") * ho.penalty_per_dismissive
    )
    hospitality = pl.when(n_agent > 0).then(hosp_raw.clip(0, 100))

    scored = agg.with_columns(
        empathy=empathy,
        compassion=compassion,
        sympathy_overload=sympathy,
        hospitality=hospitality,
        routine=~pl.col("has_distress"),
        opportunity=pl.when(~pl.col("has_distress"))
        .then(pl.lit("none"))
        .when(pl.col("shown"))
        .then(pl.lit("needed_shown"))
        .otherwise(pl.lit("needed_missed")),
    )
    w_em, w_ro = rubric.weights.emotional.as_dict(), rubric.weights.routine.as_dict()
    num = pl.lit(0.0)
    den = pl.lit(0.0)
    for name in CRITERIA:
        w = pl.when(pl.col("routine")).then(w_ro[name]).otherwise(w_em[name])
        present = pl.col(name).is_not_null()
        num = num + pl.when(present).then(pl.col(name) * w).otherwise(0.0)
        den = den + pl.when(present).then(w).otherwise(0.0)
    scored = scored.with_columns(overall=pl.when(den > 0).then(num / den))
    return scored
