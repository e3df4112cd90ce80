"""`rapport eval`: agreement with reviewers on cs-dev (as cs_eval.py measures it) and EPITOME.

No labelled text is copied here: the threads below are made up, and the tests that read the
real data skip when ../shared/eval is not beside the repo.
"""

from __future__ import annotations

import io
import json
import math
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from checks.rubric.rubric import load_rubric
from checks.transcripts.transcript import SIGNALS
from flows.cli.app import app
from flows.cli.score import run_score
from flows.evaluate.agreement import Confusion, binary_metrics, spearman
from flows.evaluate.cs_dev import (
    KEYWORD_RULES,
    LABELLED,
    SIGNAL_TARGETS,
    as_voice,
    evaluate_cs_dev,
    evaluate_threads,
    score_threads,
)
from flows.evaluate.data import DEFAULT_CS_DEV, DEFAULT_EPITOME, EvalDataError
from flows.evaluate.epitome import TASKS, evaluate, pairs_as_turns
from flows.evaluate.evaluate import main
from flows.evaluate.report import cs_dev_report

ROOT = Path(__file__).resolve().parents[3]
CS_EVAL = DEFAULT_CS_DEV.parent.parent / "tools" / "cs_eval.py"


# --- measures ---------------------------------------------------------------------------------


def test_binary_metrics() -> None:
    m = binary_metrics([True, True, False, False], [True, False, False, False])
    assert m.accuracy == 0.75
    assert m.labelled == 2
    assert m.predicted == 1
    assert m.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_all_wrong_and_all_right() -> None:
    assert binary_metrics([True, False], [False, True]).macro_f1 == 0.0
    assert binary_metrics([True, False], [True, False]).macro_f1 == 1.0


def test_confusion_measures_by_hand() -> None:
    # tp 2, fp 1, fn 1, tn 4
    truth = [True, True, True, False, False, False, False, False]
    pred = [True, True, False, True, False, False, False, False]
    c = Confusion.of(truth, pred)
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 4)
    assert (c.n, c.positives, c.predicted) == (8, 3, 3)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(4 / 6)
    assert c.macro_f1 == pytest.approx((4 / 6 + 8 / 10) / 2)
    # observed 6/8; chance 3/8 * 3/8 + 5/8 * 5/8 = 34/64
    assert c.kappa == pytest.approx((6 / 8 - 34 / 64) / (1 - 34 / 64))


def test_confusion_edge_cases() -> None:
    nothing = Confusion.of([False, False], [False, False])
    assert (nothing.precision, nothing.recall, nothing.f1, nothing.macro_f1) == (0, 0, 0, 0.5)
    assert nothing.kappa == 1.0  # chance agreement is total
    assert Confusion.of([], []).kappa is None


def test_spearman_by_hand() -> None:
    # ranks of y with ties averaged: [0, 1, 2.5, 4, 2.5]; covariance 8; spreads √10 and √9.5
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    assert spearman([1, 2, 3, 4], [1, 2, 3, 4]) is None  # under 5 pairs
    assert spearman([1, 1, 1, 1, 1], [1, 2, 3, 4, 5]) is None  # no spread


def test_spearman_agrees_with_polars() -> None:
    rng = random.Random(3)
    for _ in range(20):
        n = rng.randint(5, 60)
        x = [float(rng.randint(0, 100)) for _ in range(n)]
        y = [float(rng.randint(0, 2)) for _ in range(n)]
        theirs = pl.DataFrame({"x": x, "y": y}).select(pl.corr("x", "y", method="spearman"))
        expected = theirs.item()
        ours = spearman(x, y)
        if expected is None or math.isnan(expected):
            assert ours is None
        else:
            assert ours == pytest.approx(expected)


# --- a synthetic labelled slice, every figure computed by hand ---------------------------------


def _thread(cid: str, *turns: tuple[str, str]) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "agent_id": "acme",
        "started_at": "2026-11-16T09:00:00+00:00",
        "channel": "twitter",
        "turns": [{"speaker": s, "text": t} for s, t in turns],
    }


C, A = "customer", "agent"
THREADS = {
    t["contact_id"]: t
    for t in [
        _thread(
            "t1",
            (C, "My parcel is STILL missing, this is ridiculous!!"),
            (A, "Sorry to hear that, we'll look into it. Thanks for waiting."),
        ),
        _thread(
            "t2",
            (C, "Can I change my address?"),
            (A, "Hi there! Sure, visit https://example.test/account to update it."),
        ),
        _thread(
            "t3",
            (C, "Your app keeps crashing and I'm fed up."),
            (A, "Please reinstall it."),
            (C, "Did that already."),
            (A, "Sorry, we understand. Let us know if it happens again."),
        ),
        _thread("t4", (C, "Where is my refund?"), (A, "We'll check. It takes 3 days.")),
        _thread("t5", (C, "Thanks for the quick help."), (A, "Happy to help!")),
        _thread("t6", (C, "Hola, mi pedido no llegó."), (A, "Lo sentimos.")),
    ]
}


def _labels(turns: dict[str, list[str]], **contact: Any) -> dict[str, Any]:
    return {"turns": turns, "contact": {"english": True, **contact}}


LABELS = {
    "t1": _labels(
        {
            "0": ["customer_distress"],
            "1": ["apology", "acknowledges_feeling", "takes_ownership", "warmth"],
        },
        opportunity=True,
        empathy=1,
        compassion=2,
        hospitality=2,
    ),
    "t2": _labels(
        {"0": [], "1": ["warmth", "next_step"]},
        opportunity=False,
        empathy=None,
        compassion=2,
        hospitality=2,
    ),
    "t3": _labels(
        {
            "0": ["customer_distress"],
            "1": ["dismissive"],
            "2": ["customer_distress"],
            "3": ["apology", "empty_understand", "confirms_resolution"],
        },
        opportunity=True,
        empathy=0,
        compassion=1,
        hospitality=1,
    ),
    "t4": _labels(
        {"0": [], "1": ["takes_ownership", "next_step"]},
        opportunity=False,
        empathy=None,
        compassion=1,
        hospitality=0,
    ),
    "t5": _labels(
        {"0": [], "1": ["warmth"]}, opportunity=False, empathy=None, compassion=0, hospitality=2
    ),
    "t6": {
        "turns": {"0": ["customer_distress"], "1": ["apology"]},
        "contact": {"english": False, "opportunity": True, "empathy": 0, "hospitality": 1},
    },
}


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


# --- the command ---------------------------------------------------------------------------


def _write_slice(folder: Path, threads: list[dict[str, Any]], labels: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("threads.jsonl", threads), ("labels.jsonl", labels)):
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _write_epitome(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pairs = [
        ("My exams went badly and I feel awful.", "That sounds so hard, I'm sorry.", 2),
        ("I can't sleep at all lately.", "What do you think is keeping you up?", 1),
        ("Nobody listens to me.", "Try going for a run.", 0),
    ]
    for name in ("emotional-reactions.csv", "explorations.csv", "interpretations.csv"):
        rows = [
            {
                "sp_id": f"s{i}",
                "rp_id": f"r{i}",
                "seeker_post": s,
                "response_post": r,
                "level": lvl,
                "rationales": "",
            }
            for i, (s, r, lvl) in enumerate(pairs)
        ]
        pl.DataFrame(rows).write_csv(folder / name)


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    cs = tmp_path / "cs-dev"
    _write_slice(cs, list(THREADS.values()), [{"contact_id": c, **v} for c, v in LABELS.items()])
    ep = tmp_path / "epitome-dev"
    _write_epitome(ep)
    return cs, ep


def test_eval_command_prints_both_tables(data: tuple[Path, Path]) -> None:
    cs, ep = data
    result = CliRunner().invoke(app, ["eval", "--cs-dev", str(cs), "--epitome", str(ep)])
    assert result.exit_code in (0, 1), result.output
    out = result.output
    assert "cs-dev: 6 threads (6 scored), 14 turns" in out
    for signal in LABELLED:
        assert re.search(rf"^{signal} ", out, re.M), signal
    assert "hospitality Spearman" in out
    assert "targets met:" in out
    assert "EPITOME" in out
    assert "explores" in out.split("EPITOME")[1]


def test_eval_command_json_and_voice(data: tuple[Path, Path]) -> None:
    cs, ep = data
    args = ["eval", "--cs-dev", str(cs), "--epitome", str(ep), "--json", "--voice"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    figures = json.loads(result.output)
    assert figures["cs_dev"]["voice"] is True
    assert set(figures["cs_dev"]["signals"]) == set(LABELLED)
    assert figures["cs_dev"]["contact"]["opportunity"]["n"] == 5
    assert set(figures["epitome"]) == set(TASKS)
    assert result.exit_code == (0 if figures["all_targets_met"] else 1)


@pytest.mark.parametrize("flag", ["--cs-dev", "--epitome"])
def test_missing_data_is_named(
    flag: str, data: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cs, ep = data
    missing = tmp_path / "nope"
    args = {"--cs-dev": str(cs), "--epitome": str(ep), flag: str(missing)}
    assert main([a for kv in args.items() for a in kv]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err
    assert flag in err


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
    _write_slice(
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


needs_epitome = pytest.mark.skipif(not DEFAULT_EPITOME.is_dir(), reason="no shared/eval data")


def test_pairs_become_customer_then_agent_turns() -> None:
    pairs = pl.DataFrame(
        {"seeker_post": ["help me", "hi"], "response_post": ["what happened?", None]}
    )
    turns = pairs_as_turns(pairs)
    assert turns.height == 4
    first = turns.filter(pl.col("contact_id") == "e0").sort("turn")
    assert first["speaker"].to_list() == ["customer", "agent"]
    assert first["text"].to_list() == ["help me", "what happened?"]


@needs_epitome
def test_epitome_side_check_reports_every_task() -> None:
    results = evaluate(DEFAULT_EPITOME, load_rubric())
    assert set(results) == set(TASKS)
    for m in results.values():
        assert m.n > 1000
        assert 0.0 <= m.macro_f1 <= 1.0
        assert m.predicted > 0
