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
import sys
from pathlib import Path

from checks.rubric.rubric import RubricError, load_rubric
from flows.evaluate.cs_dev import evaluate_cs_dev
from flows.evaluate.data import DEFAULT_CS_DEV, DEFAULT_EPITOME, EvalDataError
from flows.evaluate.epitome import evaluate
from flows.evaluate.report import as_json, cs_dev_report, report


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
