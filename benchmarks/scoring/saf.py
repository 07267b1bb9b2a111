"""The public graded answers the scorer is fitted and checked on, and the fitting itself.

SAF (Short Answer Feedback, Filighera et al., ACL 2022; MIT licence, data/saf-LICENSE): the
English training split, 1,476 answers by university students to 17 questions of a
communication-networks course, each graded 0 to 1 by a human. The questions have reference
answers and no key points, so the scorer derives key points from the references, as it does
for questions imported from plain text.

The scorer's evidence for an answer (`app.scoring.measure`) does not depend on the fitted
constants; `grade` below turns a batch of it into scores for any constants at once (numpy), so
that a search over the constants takes seconds. `check_grade` confirms that it gives the same
values as `app.scoring.grade`.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.scoring import CONTRADICTED, PARAMS, Measures, Params, measure
from app.scoring import grade as app_grade

HERE = Path(__file__).resolve().parent
SAF_FILE = HERE / "data" / "saf-english-train.jsonl"

# The constants the fit chooses, and the values it tries for each.
GRID: dict[str, list[float]] = {
    "key_point_weight": [round(x, 2) for x in np.arange(0.0, 1.001, 0.05)],
    "recall_weight": [round(x, 2) for x in np.arange(0.0, 1.001, 0.05)],
    "substance_weight": [round(x, 2) for x in np.arange(0.0, 1.001, 0.05)],
    "substance_full_at": [3, 5, 8, 10, 12, 15, 20, 25, 30, 40],
    "covered_at": [round(x, 2) for x in np.arange(0.2, 0.951, 0.05)],
    "partly_at": [round(x, 2) for x in np.arange(0.05, 0.651, 0.05)],
    "partly_credit": [0.0, 0.25, 0.5, 0.75],
    "reference_full_at": [0.02, 0.04, 0.06, 0.08, *(round(x, 2) for x in np.arange(0.1, 0.801, 0.05))],
    "derived_reference_full_at": [0.02, 0.04, 0.06, 0.08, *(round(x, 2) for x in np.arange(0.1, 0.801, 0.05))],
    "credit_curve": [0.25, 0.5, 0.75, 1.0, 1.25, 1.5],
    "derived_required_share": [round(x, 2) for x in np.arange(0.1, 1.001, 0.05)],
    "contradiction_penalty": [0.0, 0.25, 0.5, 0.75, 1.0],
}
ROUNDS = 4


@dataclass(frozen=True)
class Row:
    question_id: str
    question: str
    reference: str
    answer: str
    score: float


def load_saf(path: Path = SAF_FILE) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            rows.append(Row(d["question_id"], d["question"], d["reference"], d["answer"], float(d["score"])))
    return rows


def measure_rows(rows: Sequence[Row]) -> list[Measures]:
    return [measure(r.reference, r.answer, prompt=r.question) for r in rows]


# --------------------------------------------------------------------------- vectorised grading


@dataclass(frozen=True)
class Batch:
    """The measures of many answers as arrays (key points padded to the longest list)."""

    agree: np.ndarray
    against: np.ndarray
    pasted: np.ndarray
    unmeasured: np.ndarray
    valid: np.ndarray
    n: np.ndarray
    asked: np.ndarray  # 0 when the question names no number
    derived: np.ndarray
    overlap: np.ndarray
    substance: np.ndarray
    copied: np.ndarray
    list_likeness: np.ndarray
    unrelated: np.ndarray
    empty: np.ndarray
    recall: np.ndarray
    listed: np.ndarray
    chatter: np.ndarray

    def take(self, index: np.ndarray) -> Batch:
        return Batch(*(getattr(self, f)[index] for f in self.__dataclass_fields__))


def batch(measures: Sequence[Measures]) -> Batch:
    width = max(1, max(len(m.points) for m in measures))
    shape = (len(measures), width)
    agree, against, listed, chatter = np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape)
    pasted, unmeasured, valid = np.zeros(shape, bool), np.zeros(shape, bool), np.zeros(shape, bool)
    for i, m in enumerate(measures):
        for k, p in enumerate(m.points):
            agree[i, k], against[i, k], pasted[i, k], valid[i, k] = p.agree, p.against, p.pasted, True
            unmeasured[i, k], listed[i, k], chatter[i, k] = p.unmeasured, p.listed, p.chatter
    return Batch(
        agree,
        against,
        pasted,
        unmeasured,
        valid,
        np.array([len(m.points) for m in measures]),
        np.array([m.asked or 0 for m in measures]),
        np.array([m.derived for m in measures]),
        np.array([m.overlap for m in measures]),
        np.array([m.substance for m in measures]),
        np.array([m.copied for m in measures]),
        np.array([m.list_likeness for m in measures]),
        np.array([m.unrelated for m in measures]),
        np.array([m.empty for m in measures]),
        np.array([m.recall for m in measures]),
        listed,
        chatter,
    )


def parts(b: Batch, p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(key-point part, reference part, recall part, what the penalties leave of a score) per answer."""
    agreed = b.valid & (b.agree >= p.covered_at) & (b.agree >= b.against) & ~b.unmeasured
    covered = agreed & (b.chatter < p.chatter_at)
    contradicted = b.valid & ~agreed & (b.against >= max(p.covered_at, p.contradicted_at))
    listed = (b.listed >= p.partly_at) & (b.listed > b.agree)
    partly = b.valid & ~covered & ~contradicted & (b.pasted | listed | (b.agree >= p.partly_at) | agreed)
    credit = covered * 1.0 + partly * p.partly_credit
    n = b.n
    shared = np.maximum(1, np.minimum(n, np.ceil(p.derived_required_share * n - 1e-9)))
    required = np.where(b.asked > 0, np.maximum(1, np.minimum(n, b.asked)), np.where(b.derived, shared, n))
    required = np.maximum(required, 1).astype(int)
    ordered = -np.sort(-credit, axis=1)
    top = np.cumsum(ordered, axis=1)[np.arange(len(n)), np.minimum(required, ordered.shape[1]) - 1]
    kp_part = np.minimum(1.0, top / required)
    full_at = np.where(b.derived, p.derived_reference_full_at, p.reference_full_at)
    ref_part = np.minimum(1.0, b.overlap / full_at) ** p.credit_curve
    recall_part = b.recall**p.recall_curve
    kept = 1.0 - p.contradiction_penalty * np.minimum(1.0, contradicted.sum(axis=1) / required)
    copying = np.maximum(0.0, (b.copied - p.copy_free_share) / (1 - p.copy_free_share))
    kept = kept * (1 - p.copy_max_penalty * copying)
    padding = p.padding_max_penalty * np.maximum(0.0, (b.unrelated - p.padding_free_share) / (1 - p.padding_free_share))
    kept = kept * (1 - padding) * (1 - p.list_max_penalty * b.list_likeness)
    none = b.empty
    return (
        np.where(none, 0.0, np.where(n > 0, kp_part, 0.0)),
        np.where(none, 0.0, ref_part),
        np.where(none, 0.0, recall_part),
        np.where(none, 0.0, kept),
    )


def grade(b: Batch, p: Params) -> np.ndarray:
    """The same values as app.scoring.grade, for a whole batch."""
    kp_part, ref_part, recall_part, kept = parts(b, p)
    w_kp = np.where(b.derived, p.derived_key_point_weight, p.key_point_weight)
    w_ref = np.where(b.derived, p.derived_reference_weight, p.reference_weight)
    w_recall = np.where(b.derived, p.derived_recall_weight, p.recall_weight)
    substance = np.minimum(1.0, b.substance / p.substance_full_at)
    base = np.where(b.n > 0, w_kp * kp_part + w_ref * ref_part, (w_kp + w_ref) * ref_part)
    base = base + w_recall * recall_part + p.substance_weight * substance
    return np.where(b.empty, 0.0, np.clip(base * kept, 0.0, 1.0))


DERIVED_WEIGHTS = ("derived_key_point_weight", "derived_reference_weight", "derived_recall_weight")


def solve_derived_weights(
    b: Batch, y: np.ndarray, p: Params, also: Sequence[tuple[Batch, np.ndarray, float]] = (), ridge: float = 1.0
) -> Params:
    """`p` with the weights of the parts for derived key points chosen by non-negative least
    squares on the answers whose key points were derived (a small ridge keeps them steady).
    Each set of `also` counts with its weight relative to `b`, whatever its size."""
    xs, ys = [], []
    n_main = max(1, int((b.derived & (b.n > 0)).sum()))
    for batch_, y_, weight in ((b, y, 1.0), *also):
        rows = batch_.derived & (batch_.n > 0)
        if not rows.any():
            continue
        kp_part, ref_part, recall_part, kept = parts(batch_, p)
        scale = np.sqrt(weight * n_main / rows.sum())
        xs.append(np.column_stack([kp_part, ref_part, recall_part])[rows] * kept[rows, None] * scale)
        ys.append(y_[rows] * scale)
    if not xs:
        return p
    w = nnls(np.vstack(xs), np.concatenate(ys), ridge)
    return p.with_values(**{name: round(float(v), 4) for name, v in zip(DERIVED_WEIGHTS, w, strict=True)})


def nnls(x: np.ndarray, y: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """Non-negative least squares with a ridge, by trying every set of free weights (few columns)."""
    k = x.shape[1]
    best, best_loss = np.zeros(k), float(np.sum(y**2))
    for mask in range(1, 2**k):
        free = [j for j in range(k) if mask >> j & 1]
        a = x[:, free]
        w_free = np.linalg.solve(a.T @ a + ridge * np.eye(len(free)), a.T @ y)
        if (w_free < 0).any():
            continue
        w = np.zeros(k)
        w[free] = w_free
        loss = float(np.sum((x @ w - y) ** 2) + ridge * np.sum(w**2))
        if loss < best_loss:
            best, best_loss = w, loss
    return best


def check_grade(measures: Sequence[Measures], p: Params) -> float:
    """The largest difference between `grade` and app.scoring.grade on `measures`."""
    fast = grade(batch(measures), p)
    slow = np.array([app_grade(m, p).value for m in measures])
    return float(np.max(np.abs(fast - slow)))


WEIGHTS = ("key_point_weight", "reference_weight", "recall_weight", "substance_weight")


def _with(p: Params, name: str, value: float) -> Params:
    """`p` with one constant changed; a weight changed takes from or gives to the others in
    proportion, so that the weights still add up to 1 (a complete answer scores 1)."""
    if name not in WEIGHTS:
        return p.with_values(**{name: value})
    others = [w for w in WEIGHTS if w != name]
    rest = sum(getattr(p, w) for w in others)
    changes = {name: value}
    for w in others:
        share = getattr(p, w) / rest if rest else 1 / len(others)
        changes[w] = round((1.0 - value) * share, 6)
    return p.with_values(**changes)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    return pearson(_ranks(x), _ranks(y))


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    for value in np.unique(x):  # ties share their mean rank
        tied = x == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    return ranks


def rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(math.sqrt(np.mean((x - y) ** 2)))


def fit(
    b: Batch,
    y: np.ndarray,
    start: Params = PARAMS,
    objective: Callable[[np.ndarray, np.ndarray], float] = pearson,
    also: Sequence[tuple[Batch, np.ndarray, float]] = (),
    accept: Callable[[Params], bool] | None = None,
) -> Params:
    """Coordinate ascent of `objective` over GRID, from `start`; ties keep the current value.
    For every candidate, the weights of the parts for derived key points are solved by least
    squares on `b` (`solve_derived_weights`). `also` adds other data sets to the objective, each
    with its weight; `accept` rules out candidates (checked only for those that would improve the objective)."""

    def score(p: Params) -> float:
        total = objective(grade(b, p), y)
        weight = 1.0
        for ob, oy, w in also:
            total += w * objective(grade(ob, p), oy)
            weight += w
        return total / weight

    p = solve_derived_weights(b, y, start, also)
    best = score(p)
    for _ in range(ROUNDS):
        improved = False
        for name, values in GRID.items():
            for value in values:
                candidate = _with(p, name, value)
                if candidate.partly_at >= candidate.covered_at:
                    continue
                candidate = solve_derived_weights(b, y, candidate, also)
                got = score(candidate)
                if got > best + 1e-6 and (accept is None or accept(candidate)):
                    best, p, improved = got, candidate, True
        if not improved:
            break
    return p


# --------------------------------------------------------------------------- cross-validation


def by_question_folds(rows: Sequence[Row]) -> list[np.ndarray]:
    """One fold per question: the held-out questions are ones the fit never saw."""
    ids = np.array([r.question_id for r in rows])
    return [np.flatnonzero(ids == q) for q in sorted(set(ids))]


def by_answer_folds(rows: Sequence[Row], k: int = 5, seed: int = 7) -> list[np.ndarray]:
    """`k` folds with a fifth of each question's answers: held-out answers of seen questions."""
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    by_q: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_q.setdefault(r.question_id, []).append(i)
    for q in sorted(by_q):
        idx = by_q[q]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(i)
    return [np.array(sorted(f)) for f in folds]


def cross_validate(
    b: Batch,
    y: np.ndarray,
    folds: Sequence[np.ndarray],
    also: Sequence[tuple[Batch, np.ndarray, float]] = (),
    accept: Callable[[Params], bool] | None = None,
) -> tuple[np.ndarray, list[Params]]:
    """Held-out predictions for every row: each fold scored with constants fitted on the others
    (from the same start, with the same other data and the same acceptance rule as the fit)."""
    predictions = np.zeros(len(y))
    fitted = []
    for fold in folds:
        train = np.setdiff1d(np.arange(len(y)), fold)
        p = fit(b.take(train), y[train], also=also, accept=accept)
        predictions[fold] = grade(b.take(fold), p)
        fitted.append(p)
    return predictions, fitted


def contradicted_share(measures: Sequence[Measures], p: Params) -> float:
    """Share of key points that `p` would mark contradicted (a check on false alarms)."""
    statuses = [kp.status for m in measures for kp in app_grade(m, p).key_points]
    return sum(1 for s in statuses if s == CONTRADICTED) / max(1, len(statuses))
