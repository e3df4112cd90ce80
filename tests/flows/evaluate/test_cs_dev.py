"""cs-dev agreement per signal and per thread, as cs_eval.py measures it."""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from checks.rubric.rubric import load_rubric
from checks.transcripts.transcript import SIGNALS
from flows.cli.score import run_score
from flows.evaluate.cs_dev import (
    KEYWORD_RULES,
    LABELLED,
    SIGNAL_TARGETS,
    as_voice,
    evaluate_cs_dev,
    evaluate_threads,
    score_threads,
)
from flows.evaluate.data import DEFAULT_CS_DEV, EvalDataError
from flows.evaluate.report import cs_dev_report
from tests.flows.evaluate.fixtures import LABELS, THREADS, write_slice

ROOT = Path(__file__).resolve().parents[3]


CS_EVAL = DEFAULT_CS_DEV.parent.parent / "tools" / "cs_eval.py"


def _result(
    findings: dict[int, list[str]], opportunity: str, empathy: float | None, **scores: float | None
) -> dict[str, Any]:
    return {
        "criteria": {
            "empathy": {"score": empathy, "opportunity": opportunity},
            **{name: {"score": value} for name, value in scores.items()},
        },
        "findings": [{"signal": s, "turn": t} for t, sigs in findings.items() for s in sigs],
    }


# what the checks "found": written by hand so that every figure below can be worked out
RESULTS = {
    "t1": _result(
        {0: ["customer_distress"], 1: ["apology", "takes_ownership", "warmth"]},
        "needed_shown",
        55,
        compassion=90,
        hospitality=80,
    ),
    "t2": _result({1: ["warmth", "next_step"]}, "none", None, compassion=85, hospitality=95),
    "t3": _result(
        {0: ["customer_distress"], 3: ["apology", "confirms_resolution", "empty_understand"]},
        "needed_missed",
        20,
        compassion=40,
        hospitality=50,
    ),
    "t4": _result({1: ["takes_ownership", "warmth"]}, "none", None, compassion=60, hospitality=30),
    "t5": _result(
        {0: ["customer_distress"], 1: ["warmth"]},
        "needed_missed",
        None,
        compassion=70,
        hospitality=90,
    ),
    "t6": _result({0: ["customer_distress"], 1: ["apology"]}, "needed_shown", 80, hospitality=60),
}


def test_synthetic_slice_figures_by_hand() -> None:
    r = evaluate_threads(THREADS, LABELS, RESULTS)
    assert (r.threads, r.scored, r.turns) == (6, 6, 14)
    s = r.signals

    # customer turns t1.0 t2.0 t3.0 t3.2 t4.0 t5.0 t6.0: tp 3 (t1.0 t3.0 t6.0), fn 1 (t3.2),
    # fp 1 (t5.0), tn 2
    d = s["customer_distress"].checks
    assert (d.n, d.positives, d.predicted, d.tp) == (7, 4, 4, 3)
    assert (d.precision, d.recall, d.f1) == (0.75, 0.75, 0.75)
    assert d.macro_f1 == pytest.approx((0.75 + 4 / 6) / 2)

    # seven agent turns; warmth: tp 3, fp 1 (t4.1), tn 3
    w = s["warmth"].checks
    assert (w.n, w.tp, w.fp, w.fn, w.tn) == (7, 3, 1, 0, 3)
    assert (w.precision, w.recall) == (0.75, 1.0)
    assert w.f1 == pytest.approx(6 / 7)
    assert w.macro_f1 == pytest.approx(6 / 7)
    # next_step: t2.1 found, t4.1 missed
    n = s["next_step"].checks
    assert (n.tp, n.fn, n.fp, n.tn) == (1, 1, 0, 5)
    assert n.macro_f1 == pytest.approx((2 / 3 + 10 / 11) / 2)
    # acknowledges_feeling and dismissive: one each, both missed
    for name in ("acknowledges_feeling", "dismissive"):
        assert s[name].checks.macro_f1 == pytest.approx(6 / 13)
    for name in ("apology", "takes_ownership", "empty_understand", "confirms_resolution"):
        assert s[name].checks.macro_f1 == 1.0
    for name in ("reflects_problem", "explores", "pity", "agent_distress", "co_blaming"):
        assert (s[name].checks.positives, s[name].checks.macro_f1) == (0, 0.5)

    # the keyword rule: distress cues in t1.0 ("!!") and t3.0 ("fed up"); "sorry" in t1.1, t3.3
    kd = s["customer_distress"].keyword
    assert (kd.tp, kd.fn, kd.fp, kd.tn) == (2, 2, 0, 3)
    ka = s["apology"].keyword
    assert (ka.tp, ka.fn, ka.fp, ka.tn) == (2, 1, 0, 4)
    assert ka.macro_f1 == pytest.approx((0.8 + 8 / 9) / 2)

    # threads t1..t5 (t6 is not English): opportunity gold T F T F F, found T F T F T
    ct = r.contact
    o = ct.opportunity
    assert (o.n, o.tp, o.fp, o.fn, o.tn) == (5, 2, 1, 0, 2)
    assert o.kappa == pytest.approx((0.8 - 0.48) / 0.52)
    # both call an opportunity in t1 (shown, level 1) and t3 (missed, level 0)
    e = ct.empathy_shown
    assert (e.n, e.tp, e.tn, e.kappa) == (2, 1, 1, 1.0)
    assert ct.levels["empathy"].n == 2
    assert ct.levels["empathy"].rho is None
    # compassion (90,2) (85,2) (40,1) (60,1) (70,0): ranks [4,3,0,1,2] and [3.5,3.5,1.5,1.5,0]
    assert ct.levels["compassion"].n == 5
    assert ct.levels["compassion"].rho == pytest.approx(2 / math.sqrt(10))
    # hospitality (80,2) (95,2) (50,1) (30,0) (90,2): ranks [2,4,1,0,3] and [3,3,1,0,3]
    assert ct.levels["hospitality"].rho == pytest.approx(8 / math.sqrt(80))

    targets = r.targets()
    assert targets["opportunity_kappa"] is False  # 0.615 < 0.7
    assert targets["empathy_shown_kappa"] is True
    assert targets["compassion_spearman"] is True
    assert targets["hospitality_spearman"] is True
    assert targets["apology"] is True  # 1.0, above the keyword rule's 0.844
    assert targets["next_step"] is False  # 0.788
    assert set(SIGNAL_TARGETS) <= set(targets)

    table = cs_dev_report(r)
    assert "customer_distress" in table
    assert "opportunity kappa" in table
    assert re.search(r"apology .* 1\.000 +0\.844 +0\.95 & > keyword +met", table)
    assert re.search(r"opportunity kappa +5 +0\.615 +0\.70 +not met", table)


def test_every_labelled_signal_has_a_keyword_rule_that_fires() -> None:
    assert set(LABELLED) == set(SIGNALS) - {"scripted_line"}
    assert len(LABELLED) == 14
    assert set(KEYWORD_RULES) == set(LABELLED)
    examples = {
        "customer_distress": "I am fed up with this",
        "acknowledges_feeling": "That sounds stressful",
        "reflects_problem": "So your card was charged twice",
        "explores": "What happened when you tried?",
        "empty_understand": "I understand.",
        "dismissive": "That is our policy.",
        "takes_ownership": "We'll look into it",
        "next_step": "You'll hear back within 2 days",
        "confirms_resolution": "Anything else we can do?",
        "apology": "Sorry about that",
        "pity": "Oh no, what a nightmare",
        "agent_distress": "I don't know what to do",
        "co_blaming": "The courier lost it again",
        "warmth": "Thanks for reaching out",
    }
    for signal, text in examples.items():
        assert re.search(KEYWORD_RULES[signal], text), signal
        assert not re.search(KEYWORD_RULES[signal], "The parcel is in the depot."), signal


def test_voice_text_has_no_punctuation_handles_or_links() -> None:
    text = "@AcmeHelp Hi! See https://x.test/a?b=1 #help — it's DONE."
    assert as_voice(text) == "hi see help it's done"
    assert as_voice("!!!") == "uh"


# --- scored in-process exactly like `rapport score --json` -----------------------------------


def test_threads_score_like_rapport_score_json(tmp_path: Path) -> None:
    rubric = load_rubric()
    threads = list(THREADS.values())
    ours, problems = score_threads(threads, rubric)
    assert not problems
    path = tmp_path / "threads.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in threads), encoding="utf-8")
    out = io.StringIO()
    code = run_score(
        [path], as_json=True, rubric_path=None, console=Console(file=out, width=10_000)
    )
    assert code == 0
    theirs = {r["contact_id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert ours == theirs
    assert any(f["signal"] == "apology" for f in ours["t3"]["findings"])


def test_cs_dev_folder_without_labels_is_named(tmp_path: Path) -> None:
    (tmp_path / "threads.jsonl").write_text("")
    with pytest.raises(EvalDataError, match=r"labels\.jsonl missing"):
        evaluate_cs_dev(tmp_path, load_rubric())


# --- against the real data, when it is beside the repo ---------------------------------------

needs_cs_dev = pytest.mark.skipif(
    not (DEFAULT_CS_DEV.is_dir() and CS_EVAL.is_file()), reason="no shared/eval/cs-dev here"
)


@needs_cs_dev
@pytest.mark.parametrize("voice", [False, True], ids=["text", "voice"])
def test_figures_equal_cs_eval_on_a_slice(tmp_path: Path, voice: bool) -> None:
    threads = DEFAULT_CS_DEV.joinpath("threads.jsonl").read_text(encoding="utf-8").splitlines()
    labels = DEFAULT_CS_DEV.joinpath("labels.jsonl").read_text(encoding="utf-8").splitlines()
    # 60 threads with two that are not in English (positions 126 and 128 in the file)
    keep = {json.loads(line)["contact_id"] for line in labels[100:160]}
    folder = tmp_path / "slice"
    write_slice(
        folder,
        [t for t in map(json.loads, threads) if t["contact_id"] in keep],
        [lab for lab in map(json.loads, labels) if lab["contact_id"] in keep],
    )
    cmd = [sys.executable, str(CS_EVAL), str(ROOT), str(folder / "threads.jsonl")]
    cmd += [str(folder / "labels.jsonl"), *(["--voice"] if voice else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=True)
    theirs = json.loads(done.stdout.strip().splitlines()[-1])

    ours = evaluate_cs_dev(folder, load_rubric(), voice=voice)
    assert (ours.threads, ours.scored) == (theirs["threads"], theirs["scored"])
    for signal, t in theirs["signals"].items():
        c = ours.signals[signal].checks
        mine = {
            "n": c.n,
            "pos": c.positives,
            "pred": c.predicted,
            **{
                k: round(v, 3)
                for k, v in (
                    ("P", c.precision),
                    ("R", c.recall),
                    ("F1", c.f1),
                    ("mF1", c.macro_f1),
                )
            },
        }
        assert mine == {k: t[k] for k in mine}, signal
    ct, tc = ours.contact, theirs["contact"]
    for name, conf in (("opportunity", ct.opportunity), ("empathy_shown", ct.empathy_shown)):
        assert (conf.n, conf.positives, conf.predicted) == (
            tc[name]["n"],
            tc[name]["pos"],
            tc[name]["pred"],
        )
        assert round(conf.macro_f1, 3) == tc[name]["mF1"]
        kappa = conf.kappa
        assert (None if kappa is None else round(kappa, 3)) == tc[name]["kappa"], name
    for name, corr in ct.levels.items():
        rho = None if corr.rho is None else round(corr.rho, 3)
        assert {"n": corr.n, "rho": rho} == tc[f"{name}_spearman"], name
