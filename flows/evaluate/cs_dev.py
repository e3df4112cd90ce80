"""cs-dev: real support threads, labelled per turn, scored as `rapport score` scores them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from checks.criteria.scoring import score_contacts
from checks.rubric.rubric import Rubric
from checks.transcripts.contact_json import contact_results
from checks.transcripts.transcript import SIGNALS
from flows.evaluate.agreement import Confusion, spearman
from flows.evaluate.data import LABELS_FILE, THREADS_FILE, EvalDataError
from flows.ingest.formats import parse_file

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
