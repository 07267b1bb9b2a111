"""Does a passage of an answer say what a key point says, or the opposite?

Three checks, each on the units that scoring_text.analyse found, with no parser:

- polarity: the key point's words are negated in the answer and not in the key point, or the
  other way round ("cosine does not ignore magnitude" against "cosine ignores magnitude");
- direction: a quantity of the key point moves the other way ("PQ uses more memory" against
  "PQ uses less memory"; "slower" against "faster");
- roles: two things the key point relates stand on swapped sides of the same relation ("the
  teacher learns from the student" against "the student learns from the teacher"); passive
  voice ("is taught by") swaps them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.scoring_terms import PASSIVE_WORDS, SYMMETRIC_WORDS
from app.scoring_text import MEASURED, Text, Unit, normalise

POLARITY = "polarity"
DIRECTION = "direction"
ROLES = "roles"

REASONS = {
    POLARITY: "you said the opposite",
    DIRECTION: "you gave the opposite direction",
    ROLES: "you swapped the roles",
}

_SYMMETRIC_STEMS = frozenset(normalise(w) for w in SYMMETRIC_WORDS) | SYMMETRIC_WORDS


@dataclass(frozen=True)
class Disagreement:
    kind: str  # POLARITY, DIRECTION or ROLES
    sentence: int  # the answer's sentence that says the opposite


def _content(unit: Unit) -> bool:
    return not unit.direction_only and unit.primary != MEASURED


def disagreement(
    key_point: Text,
    terms: Sequence[Unit],
    answer: Text,
    window: Sequence[int],
    *,
    polarity_at: float,
    min_polarity_terms: int,
) -> Disagreement | None:
    """How `answer`'s sentences `window` contradict `key_point`, or None when they do not."""
    in_window = set(window)
    units = [u for u in answer.units if u.sentence in in_window]
    return (
        _direction(key_point, answer, units)
        or _polarity(terms, units, polarity_at, min_polarity_terms)
        or _roles(key_point, terms, answer, units)
    )


def _direction(key_point: Text, answer: Text, units: list[Unit]) -> Disagreement | None:
    for k in key_point.units:
        if not k.sign:
            continue
        if k.direction_only:
            if k.target < 0:
                continue
            wanted = key_point.units[k.target].primary
        else:
            wanted = k.primary
        moves = [
            a
            for a in units
            if a.sign
            and (
                (not a.direction_only and wanted in a.features)
                or (a.direction_only and a.target >= 0 and wanted in answer.units[a.target].features)
            )
        ]
        if moves and not any(a.sign == k.sign for a in moves):
            return Disagreement(DIRECTION, moves[0].sentence)
    return None


def _polarity(terms: Sequence[Unit], units: list[Unit], polarity_at: float, min_terms: int) -> Disagreement | None:
    matched = 0
    against: list[Unit] = []
    for term in terms:
        if not _content(term):
            continue
        seen = [u for u in units if term.primary in u.features]
        if not seen:
            continue
        matched += 1
        if all(u.negated != term.negated for u in seen):
            against.append(seen[0])
    if matched >= min_terms and against and len(against) / matched >= polarity_at:
        return Disagreement(POLARITY, against[0].sentence)
    return None


def _is_symmetric(unit: Unit) -> bool:
    return bool(unit.own) and any(n in _SYMMETRIC_STEMS for n in unit.own)


def _passive_between(text: Text, a: int, b: int) -> bool:
    lo, hi = sorted((a, b))
    return any(low in PASSIVE_WORDS for low in text.lows[lo + 1 : hi])


def _roles(key_point: Text, terms: Sequence[Unit], answer: Text, units: list[Unit]) -> Disagreement | None:
    kp = [t for t in terms if _content(t)]
    if len(kp) < 3:
        return None
    by_sentence: dict[int, list[Unit]] = {}
    for u in units:
        by_sentence.setdefault(u.sentence, []).append(u)
    for i in range(len(kp)):
        for j in range(i + 1, len(kp)):
            r = kp[j]
            if _is_symmetric(r) or r.generic:
                continue
            for k in range(j + 1, len(kp)):
                x, y = kp[i], kp[k]
                kp_passive = _passive_between(key_point, r.word, y.word)
                for sentence, su in by_sentence.items():
                    xs = [u.word for u in su if x.primary in u.features]
                    rs = [u.word for u in su if r.primary in u.features]
                    ys = [u.word for u in su if y.primary in u.features]
                    if not (xs and rs and ys):
                        continue
                    forward = [(a, b, c) for a in xs for b in rs for c in ys if a < b < c]
                    backward = [(c, b, a) for a in xs for b in rs for c in ys if c < b < a]
                    if forward and not backward:
                        a, b, c = forward[0]
                        if _passive_between(answer, b, c) != kp_passive:
                            return Disagreement(ROLES, sentence)
                    elif backward and not forward:
                        c, b, a = backward[0]
                        if _passive_between(answer, b, a) == kp_passive:
                            return Disagreement(ROLES, sentence)
    return None
