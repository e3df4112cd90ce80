"""Agreement measures: confusion counts, F1, Cohen's kappa and Spearman's rho."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checks.calibration.agreement import cohen_kappa


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
        """Cohen's kappa (1.0 when chance agreement is total, as the yardstick scores it;
        None without items)."""
        if not self.n:
            return None
        cells = [(True, True)] * self.tp + [(False, True)] * self.fp
        cells += [(True, False)] * self.fn + [(False, False)] * self.tn
        kappa = cohen_kappa(cells, (False, True))
        # calibration leaves kappa undefined there (checks.calibration.agreement); the
        # cs-dev table counts two raters who never differ as agreeing fully
        return 1.0 if kappa is None else kappa


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
