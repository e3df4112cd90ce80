"""`rapport eval`: how well the checks agree with careful reviewers (shared/eval/README.md).

The yardstick is cs-dev: real customer-service threads with every turn labelled against the
rubric's signals and each thread's empathy opportunity and criterion levels. Each thread is
scored in-process exactly as ``rapport score --json`` scores it (the same reader, checks and
JSON), and agreement is measured the way ``shared/tools/cs_eval.py`` measures it, so that the
figures are the same:

- per signal, one binary decision per turn: a finding of that signal on that turn (customer
  turns for customer_distress, every other turn for the agent signals), against the turn's
  labels; n, positives, predicted, precision, recall, F1 of the positive class and macro-F1
  (the mean of both classes' F1), next to a fixed, deliberately naive keyword rule;
- per thread, leaving out threads the reviewers marked as not English: Cohen's kappa of the
  empathy opportunity (needed_shown or needed_missed against the reviewers' opportunity);
  among threads both call an opportunity, kappa of empathy shown (needed_shown against an
  empathy level of 1 or 2); Spearman's correlation of each criterion's score with the
  reviewers' 0-2 level, where both exist.

EPITOME (Reddit peer support, not customer service) is a side check: each response is an agent
turn answering the post; binary macro-F1 and accuracy of three signals.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import polars as pl

from checks.criteria.scoring import score_contacts, score_turns
from checks.rubric.rubric import Rubric, RubricError, load_rubric
from checks.transcripts.contact_json import contact_results
from checks.transcripts.transcript import SIGNALS, TURNS_SCHEMA
from flows.ingest.formats import parse_file

SHARED_EVAL: Final = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
DEFAULT_CS_DEV: Final = SHARED_EVAL / "cs-dev"
DEFAULT_EPITOME: Final = SHARED_EVAL / "epitome-dev"
THREADS_FILE: Final = "threads.jsonl"
LABELS_FILE: Final = "labels.jsonl"

# The signals reviewers label per turn (scripted_line is measured across contacts, not here).
LABELLED: Final = tuple(s for s in SIGNALS if s != "scripted_line")
CUSTOMER_SIGNALS: Final = frozenset({"customer_distress"})
OPPORTUNITY: Final = ("needed_shown", "needed_missed")
LEVELS: Final = ("empathy", "compassion", "hospitality")

# Issue 14's targets: macro-F1 per signal (and above the keyword rule), thread-level agreement.
SIGNAL_TARGETS: Final = {
    "customer_distress": 0.80,
    "acknowledges_feeling": 0.80,
    "explores": 0.80,
    "dismissive": 0.80,
    "takes_ownership": 0.80,
    "next_step": 0.80,
    "confirms_resolution": 0.80,
    "apology": 0.95,
    "pity": 0.85,
    "warmth": 0.80,
}
THREAD_TARGETS: Final = {
    "opportunity_kappa": 0.7,
    "empathy_shown_kappa": 0.6,
    "compassion_spearman": 0.5,
    "hospitality_spearman": 0.5,
}

# The baseline every signal must beat: one regular expression per signal, fixed once and
# deliberately naive (no context, no speaker history, no negation). Never tune these.
KEYWORD_RULES: Final = {
    "customer_distress": (
        r"(?i)\b(fed up|furious|horrible|awful|disgust\w*|hate|angry|annoying|seriously|"
        r"never again|rubbish|joke)\b|[!?]{2}"
    ),
    "acknowledges_feeling": (
        r"(?i)\b(sorry to hear|that sounds|must be|we hear you|i can see why|understandabl\w*|"
        r"know how)\b"
    ),
    "reflects_problem": (
        r"(?i)\b(so your|it sounds like|if i understand|you're saying|looks like your)\b"
    ),
    "explores": r"(?i)\b(what|how|when|which|tell us)\b[^?]*\?",
    "empty_understand": r"(?i)\bunderstand\b",
    "dismissive": (
        r"(?i)\b(can't help|cannot help|not our|nothing else|as stated|per our|our policy|"
        r"you should have|unable to)\b"
    ),
    "takes_ownership": (
        r"(?i)\b(look into|looking into|follow up|sort this|we'll|i'll|we're on it)\b"
    ),
    "next_step": r"(?i)\b\d+\s*(-\s*\d+\s*)?(hour|day|week|minute)s?\b|\btomorrow\b|https?://",
    "confirms_resolution": (
        r"(?i)\b(anything else|did (that|this) (help|work)|is (it|that) (working|sorted|resolved)|"
        r"hope (this|that) helps|let us know)\b"
    ),
    "apology": r"(?i)\b(sorry|apologi[sz]e\w*|apologies|regret)\b",
    "pity": r"(?i)\b(oh no|how awful|terrible|dreadful|nightmare|poor you)\b",
    "agent_distress": r"(?i)\b(i'm (so )?(frustrated|upset|angry)|i don't know what to do)\b",
    "co_blaming": r"(?i)\b(our system is|the courier|they always|useless|their fault)\b",
    "warmth": (
        r"(?i)\b(thanks?|thank you|hello|hi|hey|welcome|glad|happy to|have a (great|good|nice))\b"
    ),
}
_KEYWORDS: Final = {s: re.compile(p) for s, p in KEYWORD_RULES.items()}

# EPITOME: which file measures which signal. A side check with no target: peer support on
# Reddit is not customer service, and rules tuned to it misread support conversations.
TASKS: Final = {
    "acknowledges_feeling": "emotional-reactions.csv",
    "explores": "explorations.csv",
    "reflects_problem": "interpretations.csv",
}


class EvalDataError(Exception):
    """Labelled data missing or unreadable; the message names the path."""


# ---------------------------------------------------------------------------------------------
# measures


@dataclass(frozen=True, slots=True)
class Confusion:
    """Counts of one binary decision against the labels, and the measures made from them."""

    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, truth: Sequence[bool], pred: Sequence[bool]) -> Confusion:
        pairs = list(zip(truth, pred, strict=True))
        tp = sum(t and p for t, p in pairs)
        fp = sum(p and not t for t, p in pairs)
        fn = sum(t and not p for t, p in pairs)
        return cls(tp=tp, fp=fp, fn=fn, tn=len(pairs) - tp - fp - fn)

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """F1 of the positive class (0 when nothing is both labelled and found)."""
        return _f1(self.tp, self.fp, self.fn)

    @property
    def macro_f1(self) -> float:
        """Mean F1 of the positive and the negative class."""
        return (_f1(self.tp, self.fp, self.fn) + _f1(self.tn, self.fn, self.fp)) / 2

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa (1.0 when chance agreement is total; None without items)."""
        n = self.n
        if not n:
            return None
        agree = (self.tp + self.tn) / n
        p_true, p_pred = self.positives / n, self.predicted / n
        chance = p_true * p_pred + (1 - p_true) * (1 - p_pred)
        return (agree - chance) / (1 - chance) if chance < 1 else 1.0


def _f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 0, ties sharing the mean of their ranks."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2
        start = end + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho (Pearson's r of the tie-averaged ranks); None under 5 pairs or when
    either side does not vary."""
    if len(x) != len(y):
        raise ValueError("spearman needs pairs")
    if len(x) < 5:
        return None
    rx, ry = _ranks(x), _ranks(y)
    n = len(x)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sx = sum((a - mx) ** 2 for a in rx) ** 0.5
    sy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (sx * sy) if sx and sy else None


# ---------------------------------------------------------------------------------------------
# cs-dev


@dataclass(frozen=True, slots=True)
class SignalResult:
    """One signal over the turns it applies to: the checks and the keyword rule."""

    signal: str
    checks: Confusion
    keyword: Confusion

    @property
    def target(self) -> float | None:
        return SIGNAL_TARGETS.get(self.signal)

    @property
    def met(self) -> bool | None:
        """Target reached and the keyword rule beaten (None when the signal has no target)."""
        if self.target is None:
            return None
        return self.checks.macro_f1 >= self.target and self.checks.macro_f1 > self.keyword.macro_f1


@dataclass(frozen=True, slots=True)
class Correlation:
    """Spearman's rho of a criterion's score with the reviewers' level over n threads."""

    n: int
    rho: float | None


@dataclass(frozen=True, slots=True)
class ThreadResult:
    """Whole-thread agreement (threads the reviewers marked as not English left out)."""

    opportunity: Confusion
    empathy_shown: Confusion
    levels: dict[str, Correlation]

    def figures(self) -> dict[str, float | None]:
        """The figures that have targets, by THREAD_TARGETS key."""
        return {
            "opportunity_kappa": self.opportunity.kappa,
            "empathy_shown_kappa": self.empathy_shown.kappa,
            **{f"{name}_spearman": c.rho for name, c in self.levels.items()},
        }


@dataclass(frozen=True, slots=True)
class CsDevResult:
    """Agreement with the reviewers on a labelled set of threads."""

    threads: int
    scored: int
    turns: int
    voice: bool
    signals: dict[str, SignalResult]
    contact: ThreadResult
    problems: list[str]

    def targets(self) -> dict[str, bool]:
        """Every target with whether it is met."""
        out = {s: bool(r.met) for s, r in self.signals.items() if r.met is not None}
        for key, value in self.contact.figures().items():
            if key in THREAD_TARGETS:
                out[key] = value is not None and value >= THREAD_TARGETS[key]
        return out


def as_voice(text: str) -> str:
    """The text as speech recognition writes it (what cs_eval.py --voice does): no links,
    handles or '#', lower case, no punctuation but apostrophes, single spaces; never empty."""
    text = re.sub(r"https?://\S+|@\w+|#", " ", text).lower()
    text = re.sub(r"[^\w\s']", " ", text)
    return re.sub(r"\s+", " ", text).strip() or "uh"


def _read_jsonl(path: Path) -> dict[str, dict[str, Any]]:
    """A JSON-lines file keyed by contact_id (a later line replaces an earlier one in place)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise EvalDataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    out: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            out[str(record["contact_id"])] = record
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalDataError(f"{path}:{number}: not a labelled thread ({exc})") from exc
    return out


def load_cs_dev(
    data_dir: Path,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Threads and labels of a cs-dev folder (threads.jsonl, labels.jsonl)."""
    for name in (THREADS_FILE, LABELS_FILE):
        if not (data_dir / name).is_file():
            raise EvalDataError(
                f"no cs-dev data at {data_dir} ({name} missing); pass --cs-dev DIR, the folder "
                f"with {THREADS_FILE} and {LABELS_FILE}"
            )
    return _read_jsonl(data_dir / THREADS_FILE), _read_jsonl(data_dir / LABELS_FILE)


def score_threads(
    threads: Iterable[Mapping[str, Any]], rubric: Rubric
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Score canonical contacts as ``rapport score --json`` does (same reader, checks and
    JSON): the per-contact results by contact_id, and one line per unreadable contact."""
    data = "".join(json.dumps(t) + "\n" for t in threads).encode("utf-8")
    parsed = parse_file(THREADS_FILE, data)
    problems = [f"{q.key}: {q.reason}" for q in parsed.problems]
    if not parsed.contacts:
        return {}, problems
    batch = score_contacts(parsed.contacts, rubric)
    return {r["contact_id"]: r for r in contact_results(batch)}, problems


def _voiced(thread: Mapping[str, Any]) -> dict[str, Any]:
    turns = [{**t, "text": as_voice(str(t.get("text") or ""))} for t in thread["turns"]]
    return {**thread, "channel": "voice", "turns": turns}


def evaluate_threads(
    threads: Mapping[str, Mapping[str, Any]],
    labels: Mapping[str, Mapping[str, Any]],
    results: Mapping[str, Mapping[str, Any]],
    *,
    voice: bool = False,
    problems: Sequence[str] = (),
) -> CsDevResult:
    """Agreement of scored threads (``results``: ``rapport score --json`` objects by id) with
    the labels; ``threads`` as scored (after any voice rewrite)."""
    ids = [c for c in labels if c in threads]
    truth: dict[str, list[bool]] = {s: [] for s in LABELLED}
    pred: dict[str, list[bool]] = {s: [] for s in LABELLED}
    keyword: dict[str, list[bool]] = {s: [] for s in LABELLED}
    n_turns = 0
    for cid in ids:
        found: dict[int, set[str]] = {}
        for f in results.get(cid, {}).get("findings", []):
            found.setdefault(int(f["turn"]), set()).add(str(f["signal"]))
        gold_turns = labels[cid].get("turns") or {}
        for i, turn in enumerate(threads[cid]["turns"]):
            n_turns += 1
            gold = set(gold_turns.get(str(i), []))
            text = str(turn.get("text") or "")
            is_customer = turn.get("speaker") == "customer"
            for s in LABELLED:
                if (s in CUSTOMER_SIGNALS) != is_customer:
                    continue
                truth[s].append(s in gold)
                pred[s].append(s in found.get(i, set()))
                keyword[s].append(_KEYWORDS[s].search(text) is not None)
    signals = {
        s: SignalResult(
            signal=s,
            checks=Confusion.of(truth[s], pred[s]),
            keyword=Confusion.of(truth[s], keyword[s]),
        )
        for s in LABELLED
    }
    return CsDevResult(
        threads=len(ids),
        scored=sum(c in results for c in ids),
        turns=n_turns,
        voice=voice,
        signals=signals,
        contact=_thread_agreement(ids, labels, results),
        problems=list(problems),
    )


def _thread_agreement(
    ids: Sequence[str],
    labels: Mapping[str, Mapping[str, Any]],
    results: Mapping[str, Mapping[str, Any]],
) -> ThreadResult:
    opp_gold: list[bool] = []
    opp_pred: list[bool] = []
    shown_gold: list[bool] = []
    shown_pred: list[bool] = []
    pairs: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in LEVELS}
    for cid in ids:
        result = results.get(cid)
        if not result:
            continue
        gold = labels[cid].get("contact") or {}
        if gold.get("english") is False:
            continue
        criteria = result.get("criteria") or {}
        opportunity = (criteria.get("empathy") or {}).get("opportunity")
        needed = opportunity in OPPORTUNITY
        opp_gold.append(bool(gold.get("opportunity")))
        opp_pred.append(needed)
        if gold.get("opportunity") and needed:
            shown_gold.append((gold.get("empathy") or 0) >= 1)
            shown_pred.append(opportunity == "needed_shown")
        for name, (scores, levels) in pairs.items():
            score = (criteria.get(name) or {}).get("score")
            if gold.get(name) is not None and score is not None:
                scores.append(float(score))
                levels.append(float(gold[name]))
    return ThreadResult(
        opportunity=Confusion.of(opp_gold, opp_pred),
        empathy_shown=Confusion.of(shown_gold, shown_pred),
        levels={
            name: Correlation(n=len(scores), rho=spearman(scores, levels))
            for name, (scores, levels) in pairs.items()
        },
    )


def evaluate_cs_dev(data_dir: Path, rubric: Rubric, *, voice: bool = False) -> CsDevResult:
    """Score the cs-dev threads in ``data_dir`` and measure them against their labels."""
    threads, labels = load_cs_dev(data_dir)
    if voice:
        threads = {cid: _voiced(t) for cid, t in threads.items()}
    ids = [c for c in labels if c in threads]
    results, problems = score_threads([threads[c] for c in ids], rubric)
    return evaluate_threads(threads, labels, results, voice=voice, problems=problems)


# ---------------------------------------------------------------------------------------------
# EPITOME (side check)


@dataclass(frozen=True, slots=True)
class Metrics:
    """Binary agreement (level > 0) of one signal with the human labels."""

    n: int
    labelled: int
    predicted: int
    accuracy: float
    macro_f1: float


def binary_metrics(truth: list[bool], pred: list[bool]) -> Metrics:
    """Accuracy and macro-F1 (mean F1 of both classes) of predictions against labels."""
    c = Confusion.of(truth, pred)
    return Metrics(
        n=c.n,
        labelled=c.positives,
        predicted=c.predicted,
        accuracy=c.accuracy,
        macro_f1=c.macro_f1,
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


# ---------------------------------------------------------------------------------------------
# reports


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


# ---------------------------------------------------------------------------------------------
# command


def run_eval(
    *,
    cs_dev: Path = DEFAULT_CS_DEV,
    epitome: Path = DEFAULT_EPITOME,
    voice: bool = False,
    json_output: bool = False,
    rubric_path: Path | None = None,
) -> int:
    """Print the evaluation; exit code 0 every cs-dev target met, 1 some missed, 2 no data or
    bad rubric (EPITOME is reported, never gated)."""
    try:
        rubric = load_rubric(rubric_path)
        for path, what in ((cs_dev, "cs-dev"), (epitome, "EPITOME")):
            if not path.is_dir():
                flag = "--cs-dev" if what == "cs-dev" else "--epitome"
                raise EvalDataError(f"no {what} data at {path} (no such folder); pass {flag} DIR")
        cs = evaluate_cs_dev(cs_dev, rubric, voice=voice)
        side = evaluate(epitome, rubric)
    except (EvalDataError, RubricError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in cs.problems:
        print(f"warning: not scored: {problem}", file=sys.stderr)
    figures = as_json(cs, side)
    if json_output:
        print(json.dumps(figures))
    else:
        print(cs_dev_report(cs))
        print()
        print("EPITOME (side check: Reddit peer support, not customer service; binary level > 0)")
        print(report(side))
    return 0 if figures["all_targets_met"] else 1


def main(argv: list[str] | None = None) -> int:
    """``python -m flows.evaluate.evaluate [--cs-dev DIR] [--epitome DIR] [--voice] [--json]``."""
    ap = argparse.ArgumentParser(
        prog="rapport eval", description="How well the checks agree with careful reviewers."
    )
    ap.add_argument("--cs-dev", type=Path, default=DEFAULT_CS_DEV, help="cs-dev folder")
    ap.add_argument("--epitome", type=Path, default=DEFAULT_EPITOME, help="EPITOME folder")
    ap.add_argument("--voice", action="store_true", help="threads as voice transcripts")
    ap.add_argument("--json", action="store_true", help="one JSON object of every figure")
    ap.add_argument("--rubric", type=Path, default=None, help="rubric YAML file")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    return run_eval(
        cs_dev=args.cs_dev,
        epitome=args.epitome,
        voice=args.voice,
        json_output=args.json,
        rubric_path=args.rubric,
    )


if __name__ == "__main__":
    raise SystemExit(main())
