"""Fit the scorer's weights and thresholds and write them to app/data/scoring_params.toml.

    python -m benchmarks.scoring.fit            # fit, print the figures, write the [fitted] section
    python -m benchmarks.scoring.fit --dry-run  # fit and print only

What it fits on: the SAF training split (data/, public graded answers to 17 questions of another
course) with weight 2, and the tune split of this project's own graded answers (eval_set.toml,
its held-out and fresh questions left out) with weight 1, since SAF has no hand-written key points
and the project's set has no public grades. The objective is the mean Pearson r between the
score and the human grade. No candidate is accepted that tells apart fewer of the right/wrong
pairs in traps.toml than the starting constants do.

Deterministic: the same data give the same constants. After writing, bump SCORER_VERSION in
app/scoring.py and the fingerprint in tests/unit/test_scoring_version.py.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.scoring import PARAMS, Params, measure  # noqa: E402
from app.scoring import grade as app_grade  # noqa: E402
from benchmarks.scoring.held_out_sets import CS_SHORT_TUNE, load_cs_short_set  # noqa: E402
from benchmarks.scoring.project_set import Graded, Question, held_out_slugs, load_bank, load_eval_set  # noqa: E402
from benchmarks.scoring.saf import DERIVED_WEIGHTS, GRID, Batch, batch, fit, grade, load_saf, measure_rows, pearson  # noqa: E402

HERE = Path(__file__).resolve().parent
PARAMS_FILE = ROOT / "app" / "data" / "scoring_params.toml"
TRAPS_FILE = HERE / "traps.toml"
PROJECT_WEIGHT = 0.5  # the project's tune split counts half as much as SAF
CS_TUNE_WEIGHT = 0.5  # so does the tune set of short computer-science answers
# Where the search starts (the rules come from the file; these are plain middle values), so that
# running the fit again gives the same constants whatever the file holds.
START = {
    "key_point_weight": 0.6,
    "reference_weight": 0.4,
    "recall_weight": 0.0,
    "substance_weight": 0.0,
    "substance_full_at": 10,
    "covered_at": 0.5,
    "partly_at": 0.3,
    "partly_credit": 0.5,
    "reference_full_at": 0.3,
    "derived_reference_full_at": 0.3,
    "credit_curve": 0.75,
    "derived_required_share": 0.5,
    "contradiction_penalty": 0.25,
}


def load_traps(path: Path = TRAPS_FILE) -> list[dict[str, str]]:
    return list(tomllib.loads(path.read_text(encoding="utf-8"))["pairs"])


class TrapCheck:
    """Counts the right/wrong pairs that constants tell apart (measured once, graded per call)."""

    def __init__(self, traps: list[dict[str, str]]) -> None:
        self.pairs = [
            (
                measure(t.get("reference", ""), t["right"], [t["key_point"]], prompt=t.get("prompt", "")),
                measure(t.get("reference", ""), t["wrong"], [t["key_point"]], prompt=t.get("prompt", "")),
            )
            for t in traps
        ]

    def passed(self, p: Params) -> int:
        count = 0
        for right_m, wrong_m in self.pairs:
            right, wrong = app_grade(right_m, p), app_grade(wrong_m, p)
            if right.key_points[0].status == "covered" and wrong.key_points[0].status != "covered":
                count += right.value > wrong.value
        return count


def project_tune_batch(bank: dict[str, Question], graded: list[Graded]) -> tuple[Batch, np.ndarray]:
    held = held_out_slugs(graded, bank)
    tune = [g for g in graded if not g.fresh and g.slug not in held]
    measures = [
        measure(bank[g.slug].answer, g.answer, bank[g.slug].key_points, prompt=bank[g.slug].prompt) for g in tune
    ]
    return batch(measures), np.array([g.grade / 5 for g in tune])


def start_params() -> Params:
    return PARAMS.with_values(**START)


def cs_tune_batch() -> tuple[Batch, np.ndarray]:
    items = load_cs_short_set(CS_SHORT_TUNE)
    measures = [measure(i.reference, i.answer, i.key_points, prompt=i.prompt) for i in items]
    return batch(measures), np.array([i.grade / 5 for i in items])


def also_sets(
    project: tuple[Batch, np.ndarray], cs_tune: tuple[Batch, np.ndarray]
) -> list[tuple[Batch, np.ndarray, float]]:
    """The other data sets of the objective, with their weights relative to SAF."""
    return [(project[0], project[1], PROJECT_WEIGHT), (cs_tune[0], cs_tune[1], CS_TUNE_WEIGHT)]


def fit_all(
    saf: Batch, y: np.ndarray, project: tuple[Batch, np.ndarray], cs_tune: tuple[Batch, np.ndarray], traps: TrapCheck
) -> Params:
    start = start_params()
    need = traps.passed(start)
    return fit(saf, y, start, also=also_sets(project, cs_tune), accept=lambda p: traps.passed(p) >= need)


def write_params(p: Params, path: Path = PARAMS_FILE) -> None:
    """Rewrite the values of the [fitted] section, keeping the file's comments."""
    text = path.read_text(encoding="utf-8")
    head, fitted = text.split("[fitted]", 1)
    lines = []
    for line in fitted.splitlines():
        m = re.match(r"^(\w+)\s*=", line)
        if m and (m.group(1) in GRID or m.group(1) == "reference_weight" or m.group(1) in DERIVED_WEIGHTS):
            value = getattr(p, m.group(1))
            lines.append(f"{m.group(1)} = {_number(value)}")
        else:
            lines.append(line)
    path.write_text(head + "[fitted]" + "\n".join(lines) + "\n", encoding="utf-8")


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and value > 1 else f"{round(value, 4)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="do not write the constants")
    args = parser.parse_args(argv)

    rows = load_saf()
    y = np.array([r.score for r in rows])
    saf = batch(measure_rows(rows))
    project = project_tune_batch(load_bank(), load_eval_set())
    cs_tune = cs_tune_batch()
    traps = TrapCheck(load_traps())
    p = fit_all(saf, y, project, cs_tune, traps)
    saf_r, project_r = pearson(grade(saf, p), y), pearson(grade(project[0], p), project[1])
    cs_r = pearson(grade(cs_tune[0], p), cs_tune[1])
    print(f"SAF Pearson {saf_r:.3f}, project tune split {project_r:.3f}, short-answer tune set {cs_r:.3f}")
    print(f"pairs told apart: {traps.passed(p)} of {len(traps.pairs)}")
    for name in ("reference_weight", *DERIVED_WEIGHTS, *GRID):
        print(f"  {name} = {_number(getattr(p, name))}")
    if not args.dry_run:
        write_params(p)
        print(f"wrote {PARAMS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
