"""The evaluation as text tables and as one JSON object."""

from __future__ import annotations

from typing import Any

from flows.evaluate.agreement import Confusion, Metrics
from flows.evaluate.cs_dev import THREAD_TARGETS, CsDevResult


def _num(value: float | None, width: int = 6, places: int = 3) -> str:
    return f"{'—':>{width}}" if value is None else f"{value:>{width}.{places}f}"


def _mark(met: bool | None) -> str:
    return "" if met is None else "met" if met else "not met"


def cs_dev_report(result: CsDevResult) -> str:
    """The agreement table: per signal, then per thread, each with its target."""
    head = (
        f"cs-dev{' as voice transcripts' if result.voice else ''}: {result.threads} threads "
        f"({result.scored} scored), {result.turns} turns"
    )
    lines = [head, ""]
    lines.append(
        f"{'signal':<22}{'n':>6}{'pos':>6}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}{'mF1':>7}"
        f"{'keyword':>9}  target"
    )
    for s, r in result.signals.items():
        c = r.checks
        aim = "" if r.target is None else f"{r.target:.2f} & > keyword  {_mark(r.met)}"
        lines.append(
            f"{s:<22}{c.n:>6}{c.positives:>6}{c.predicted:>6}{_num(c.precision, 7, 2)}"
            f"{_num(c.recall, 7, 2)}{_num(c.f1, 7, 2)}{_num(c.macro_f1, 7)}"
            f"{_num(r.keyword.macro_f1, 9)}  {aim}".rstrip()
        )
    ct = result.contact
    lines += ["", f"{'thread':<22}{'n':>6}{'value':>8}  target"]
    rows: list[tuple[str, int, float | None, str]] = [
        ("opportunity kappa", ct.opportunity.n, ct.opportunity.kappa, "opportunity_kappa"),
        ("empathy-shown kappa", ct.empathy_shown.n, ct.empathy_shown.kappa, "empathy_shown_kappa"),
    ]
    rows += [(f"{name} Spearman", c.n, c.rho, f"{name}_spearman") for name, c in ct.levels.items()]
    targets = result.targets()
    for label, n, value, key in rows:
        goal = THREAD_TARGETS.get(key)
        mark = "" if goal is None else f"{goal:.2f}  {_mark(targets[key])}"
        lines.append(f"{label:<22}{n:>6}{_num(value, 8)}  {mark}".rstrip())
    lines += ["", f"targets met: {sum(targets.values())} of {len(targets)}"]
    return "\n".join(lines)


def report(results: dict[str, Metrics]) -> str:
    """The EPITOME side-check table, beside the accuracy of always answering "none"."""
    lines = [f"{'signal':<22}{'n':>6}{'labelled':>10}{'predicted':>11}{'accuracy':>10}"
             f"{'macro-F1':>10}{'none acc':>10}"]  # fmt: skip
    for signal, m in results.items():
        always_none = 1 - m.labelled / m.n if m.n else 0.0
        lines.append(
            f"{signal:<22}{m.n:>6}{m.labelled:>10}{m.predicted:>11}{m.accuracy:>10.3f}"
            f"{m.macro_f1:>10.3f}{always_none:>10.3f}"
        )
    return "\n".join(lines)


def _confusion_json(c: Confusion) -> dict[str, Any]:
    return {
        "n": c.n,
        "positives": c.positives,
        "predicted": c.predicted,
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
        "macro_f1": c.macro_f1,
        "kappa": c.kappa,
    }


def as_json(cs_dev: CsDevResult, epitome: dict[str, Metrics]) -> dict[str, Any]:
    """Every figure, unrounded, for machines."""
    targets = cs_dev.targets()
    return {
        "cs_dev": {
            "threads": cs_dev.threads,
            "scored": cs_dev.scored,
            "turns": cs_dev.turns,
            "voice": cs_dev.voice,
            "problems": cs_dev.problems,
            "signals": {
                s: {
                    **_confusion_json(r.checks),
                    "keyword_macro_f1": r.keyword.macro_f1,
                    "target": r.target,
                    "met": r.met,
                }
                for s, r in cs_dev.signals.items()
            },
            "contact": {
                "opportunity": _confusion_json(cs_dev.contact.opportunity),
                "empathy_shown": _confusion_json(cs_dev.contact.empathy_shown),
                **{
                    f"{name}_spearman": {"n": c.n, "rho": c.rho}
                    for name, c in cs_dev.contact.levels.items()
                },
            },
            "targets": targets,
        },
        "epitome": {
            s: {
                "n": m.n,
                "labelled": m.labelled,
                "predicted": m.predicted,
                "accuracy": m.accuracy,
                "macro_f1": m.macro_f1,
            }
            for s, m in epitome.items()
        },
        "all_targets_met": all(targets.values()),
    }
