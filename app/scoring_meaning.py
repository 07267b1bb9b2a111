"""Does a passage of an answer say what a key point says, or the opposite?

Each check works on the units that scoring_text.analyse found, with no parser:

- polarity: the key point's words are negated in the answer and not in the key point, or the
  other way round ("cosine does not ignore magnitude" against "cosine ignores magnitude");
- direction: a quantity of the key point moves the other way ("PQ uses more memory" against
  "PQ uses less memory"; "slower" against "faster");
- other thing: the answer says it of a sibling of what the key point names (TF-IDF for BM25);
- antonym: the answer uses the opposite of one of the key point's words, and never the word
  itself ("overfitting" for "underfitting", "the receiver" for "the sender");
- roles: two things the key point relates stand on swapped sides of the same relation ("the
  teacher learns from the student" against "the student learns from the teacher"); passive
  voice ("is taught by") swaps them back. Also: two parts whose subjects are swapped ("the
  bi-encoder retrieves and the cross-encoder reranks"), a conversion turned round ("logits to
  probabilities"), and the two sides of a comparison swapped ("dense ... better than sparse").

Antonyms and the role checks run only on key points written by hand: a reference answer that the
key points were derived from often compares two things in one sentence.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.scoring_terms import ANTONYMS, PASSIVE_WORDS, SYMMETRIC_WORDS
from app.scoring_text import BROADER_OF, MEASURED, Text, Unit, analyse, normalise

POLARITY = "polarity"
DIRECTION = "direction"
ROLES = "roles"
OTHER_THING = "other-thing"
ANTONYM = "antonym"

REASONS = {
    POLARITY: "you said the opposite",
    DIRECTION: "you gave the opposite direction",
    ROLES: "you swapped the roles",
    OTHER_THING: "you said it of something else",
    ANTONYM: "you said the opposite",
}

MAX_POLARITY_TERMS = 8  # a key point of more terms than this is checked for direction only
MAX_ROLE_TERMS = 6  # longer key points make several claims; their word order says little

_SYMMETRIC_STEMS = frozenset(normalise(w) for w in SYMMETRIC_WORDS) | SYMMETRIC_WORDS


def _term_of(word: str) -> str:
    units = analyse(word).units
    return units[0].primary if units else ""


def _opposites() -> dict[str, frozenset[str]]:
    """Each word's opposites, by the term it is read as and by its stem (inside a phrase such as
    "last-token pooling" only the stem is there)."""
    out: dict[str, set[str]] = {}
    for a, b in ANTONYMS:
        for ta, tb in ((_term_of(a), _term_of(b)), (normalise(a), normalise(b))):
            if ta and tb and ta != tb:
                out.setdefault(ta, set()).add(tb)
                out.setdefault(tb, set()).add(ta)
    return {k: frozenset(v) for k, v in out.items()}


OPPOSITES = _opposites()


@dataclass(frozen=True)
class Disagreement:
    kind: str  # POLARITY, DIRECTION, OTHER_THING, ANTONYM or ROLES
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
    roles: bool = True,
) -> Disagreement | None:
    """How `answer`'s sentences `window` contradict `key_point`, or None when they do not.
    A key point of many terms makes several claims at once: only its directions are checked.
    `roles` (off for key points derived from a reference, which often compares two things in one
    sentence) also checks antonyms, swapped roles and swapped comparisons."""
    units = [u for s in window for u in answer.sentence_units[s]]
    short = sum(1 for t in terms if _content(t)) <= MAX_POLARITY_TERMS
    return (
        _other_thing(terms, units)
        or (_antonym(terms, units) if short and roles else None)
        or _direction(key_point, answer, units)
        or (_polarity(terms, units, polarity_at, min_polarity_terms) if short else None)
        or (_roles(key_point, terms, answer, units) if roles else None)
        or (_swapped_pairs(key_point, units) if roles else None)
        or (_reversed_transfer(key_point, answer, units) if roles else None)
        or (_swapped_comparison(key_point, answer, units) if roles else None)
    )


def _direction(key_point: Text, answer: Text, units: list[Unit]) -> Disagreement | None:
    """A quantity that the key point moves one way moves only the other way in the answer."""
    for k in key_point.units:
        if not k.sign:
            continue
        for target in k.targets:
            wanted = key_point.units[target].primary
            moves = [a for a in units if a.sign and any(wanted in answer.units[t].features for t in a.targets)]
            if moves and not any(a.sign == k.sign for a in moves):
                return Disagreement(DIRECTION, moves[0].sentence)
    return None


def _polarity(terms: Sequence[Unit], units: list[Unit], polarity_at: float, min_terms: int) -> Disagreement | None:
    """The key point's words that a negation reaches in the key point or in the answer are said
    the other way round in the answer (words no negation reaches on either side say nothing)."""
    matched = 0
    reached = 0
    against: list[Unit] = []
    for term in terms:
        if not _content(term) or term.generic:
            continue
        seen = [u for u in units if term.primary in u.features]
        if not seen:
            continue
        matched += 1
        if not term.negated and not any(u.negated for u in seen):
            continue
        reached += 1
        if all(u.negated != term.negated for u in seen):
            against.append(seen[0])
    if matched >= min_terms and against and len(against) / reached >= polarity_at:
        return Disagreement(POLARITY, against[0].sentence)
    return None


def _other_thing(terms: Sequence[Unit], units: list[Unit]) -> Disagreement | None:
    """The answer names a sibling of a thing the key point names (TF-IDF for BM25, fp16 for
    bf16, OpenVINO for ONNX) and not the thing itself."""
    for term in terms:
        broader = BROADER_OF.get(term.primary)
        if not broader or any(term.primary in u.features for u in units):
            continue
        for u in units:
            if u.primary != term.primary and BROADER_OF.get(u.primary, frozenset()) & broader:
                return Disagreement(OTHER_THING, u.sentence)
    return None


def _antonym(terms: Sequence[Unit], units: list[Unit]) -> Disagreement | None:
    """The answer uses the opposite of a word of the key point ("overfitting" for
    "underfitting") and never the word itself."""
    own = frozenset(w for t in terms for w in (t.primary, *t.own))
    if not any(w in OPPOSITES for w in own):
        return None
    by_clause: dict[int, list[Unit]] = {}
    for u in units:
        by_clause.setdefault(u.clause, []).append(u)
    # the whole passage, then each clause that has at least two other words of the key point
    groups = [units, *(c for c in by_clause.values() if len(by_clause) > 1)]
    for group in groups:
        said = frozenset(f for u in group for f in (*u.features, *u.own))
        for forms in _word_forms(terms):
            opposite = frozenset().union(*(OPPOSITES.get(w, frozenset()) for w in forms))
            if not opposite or forms & said or opposite & own:
                continue  # said as the key point says it, or the key point names both sides
            if group is not units and len(own & said) < 2:
                continue
            for u in group:
                if opposite & {u.primary, *u.own}:
                    return Disagreement(ANTONYM, u.sentence)
    return None


def _word_forms(terms: Sequence[Unit]) -> list[frozenset[str]]:
    """Each word of the key point in the forms it can be said in: a one-word term as the term of
    the field and as its stem; each word of a phrase ("last-token pooling") by its stem."""
    out = []
    for term in terms:
        if len(term.own) <= 1:
            out.append(frozenset({term.primary, *term.own}))
        else:
            out.extend(frozenset({stem}) for stem in term.own)
    return out


def _clause_pairs(units: Sequence[Unit], wanted: Sequence[str]) -> set[tuple[str, str]]:
    """Neighbouring terms of `wanted` in the same clause, in order (other words skipped)."""
    seen: list[tuple[int, str]] = []
    for u in units:
        term = next((w for w in wanted if w in u.features), None)
        if term is not None and _content(u) and not u.generic:
            seen.append((u.clause, term))
    return {(a, b) for (ca, a), (cb, b) in itertools.pairwise(seen) if ca == cb and a != b}


@lru_cache(maxsize=1024)
def _key_point_pairs(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The key point's terms, and the first two terms of each of its clauses ("the bi-encoder
    retrieves candidates and the cross-encoder reranks them": bi-encoder, retrieves; and
    cross-encoder, reranks)."""
    key_point = analyse(text, key_point=True)
    wanted = list(dict.fromkeys(u.primary for u in key_point.units if _content(u) and not u.generic))
    parts: list[list[str]] = []
    previous: Unit | None = None
    for u in key_point.units:
        if not _content(u) or u.generic:
            continue
        between = set(key_point.lows[previous.word + 1 : u.word]) if previous else set()
        if previous is None or u.clause != previous.clause or between & _PART_WORDS:
            parts.append([])
        parts[-1].append(u.primary)
        previous = u
    heads = [(c[0], c[1]) for c in parts if len(c) >= 2 and c[0] != c[1]]
    return wanted, heads


_TRANSFER_WORDS = frozenset({"to", "into", "onto", "towards"})
_PART_WORDS = frozenset({"and", "while", "whereas", "then", "but"})  # "X does A and Y does B"


def _transfers(text: Text, units: Sequence[Unit], wanted: Sequence[str]) -> set[tuple[str, str]]:
    """Pairs (x, y) of neighbouring terms of one clause with "to" or "into" between them."""
    seen = [(u, next((w for w in wanted if w in u.features), None)) for u in units if _content(u)]
    found = [(u, w) for u, w in seen if w is not None]
    out = set()
    for (a, x), (b, y) in itertools.pairwise(found):
        if a.clause == b.clause and x != y and _TRANSFER_WORDS & set(text.lows[a.word + 1 : b.word]):
            out.add((x, y))
    return out


@lru_cache(maxsize=1024)
def _key_point_transfers(text: str) -> set[tuple[str, str]]:
    key_point = analyse(text, key_point=True)
    return _transfers(key_point, key_point.units, _key_point_pairs(text)[0])


def _reversed_transfer(key_point: Text, answer: Text, units: list[Unit]) -> Disagreement | None:
    """What the key point turns one thing into, turned the other way: "softmax converts logits
    to probabilities" against "converts probabilities into logits"."""
    wanted, _ = _key_point_pairs(key_point.text)
    ours = _key_point_transfers(key_point.text)
    if not ours:
        return None
    theirs = _transfers(answer, units, wanted)
    for x, y in ours:
        if (y, x) in theirs and (x, y) not in theirs:
            return Disagreement(ROLES, units[0].sentence)
    return None


@lru_cache(maxsize=1024)
def _key_point_comparison(text: str) -> tuple[Unit, list[Unit], Unit] | None:
    key_point = analyse(text, key_point=True)
    return _comparison(key_point, key_point.units)


def _swapped_pairs(key_point: Text, units: list[Unit]) -> Disagreement | None:
    """Two things that the key point ties to two others are tied the other way round: "the
    bi-encoder retrieves and the cross-encoder reranks" against "the cross-encoder retrieves and
    the bi-encoder reranks"."""
    wanted, heads = _key_point_pairs(key_point.text)
    if len(heads) != 2:
        return None
    (a, b), (c, e) = heads
    if len({a, b, c, e}) < 4:
        return None
    theirs = _clause_pairs(units, wanted)
    if (c, b) in theirs and (a, e) in theirs and (a, b) not in theirs and (c, e) not in theirs:
        return Disagreement(ROLES, units[0].sentence)
    return None


def _comparison(text: Text, units: Sequence[Unit]) -> tuple[Unit, list[Unit], Unit] | None:
    """(the comparative, the terms before it in its clause, the first term after "than"), for
    the first comparison of `units`."""
    for i, d in enumerate(units):
        if d.word + 1 >= len(text.lows) or text.lows[d.word + 1] != "than":
            continue
        before = [u for u in units[:i] if u.clause == d.clause and _content(u) and not u.generic]
        after = next((u for u in units[i + 1 :] if u.clause == d.clause and _content(u) and not u.generic), None)
        if before and after is not None:
            return d, before, after
    return None


def _swapped_comparison(key_point: Text, answer: Text, units: list[Unit]) -> Disagreement | None:
    """The two sides of a comparison swapped: "dense retrieval handles paraphrases better than
    sparse retrieval" against "sparse retrieval handles paraphrases better than dense retrieval"."""
    ours = _key_point_comparison(key_point.text)
    if ours is None:
        return None
    theirs = _comparison(answer, units)
    if theirs is None:
        return None
    d, before, after = ours
    d2, before2, after2 = theirs
    if ((d.sign or d2.sign) and d.sign != d2.sign) or not (d.sign or d.primary == d2.primary):
        return None  # "worse than" with the sides swapped says the same
    put_first = any(after.primary in u.features for u in before2)
    put_last = any(u.primary in after2.features for u in before) and not any(
        after2.primary == u.primary for u in before2
    )
    return Disagreement(ROLES, d2.sentence) if put_first and put_last else None


def _is_symmetric(unit: Unit) -> bool:
    return bool(unit.own) and any(n in _SYMMETRIC_STEMS for n in unit.own)


def _passive_between(text: Text, a: int, b: int) -> bool:
    lo, hi = sorted((a, b))
    return any(low in PASSIVE_WORDS for low in text.lows[lo + 1 : hi])


def _roles(key_point: Text, terms: Sequence[Unit], answer: Text, units: list[Unit]) -> Disagreement | None:
    """Three neighbouring terms of the key point (X, relation, Y) found in one clause of the
    answer as Y, relation, X."""
    kp = [t for t in terms if _content(t)]
    if not 3 <= len(kp) <= MAX_ROLE_TERMS:
        return None
    by_clause: dict[int, list[Unit]] = {}
    for u in units:
        by_clause.setdefault(u.clause, []).append(u)
    for i in range(len(kp) - 2):
        x, r, y = kp[i], kp[i + 1], kp[i + 2]
        if _is_symmetric(r) or r.generic or len({x.primary, r.primary, y.primary}) < 3:
            continue
        kp_passive = _passive_between(key_point, r.word, y.word)
        for clause_units in by_clause.values():
            xs = [u.word for u in clause_units if x.primary in u.features]
            rs = [u.word for u in clause_units if r.primary in u.features]
            ys = [u.word for u in clause_units if y.primary in u.features]
            if not (xs and rs and ys):
                continue
            forward = [(a, b, c) for a in xs for b in rs for c in ys if a < b < c]
            backward = [(c, b, a) for a in xs for b in rs for c in ys if c < b < a]
            sentence = clause_units[0].sentence
            if forward and not backward:
                _, b, c = forward[0]
                if _passive_between(answer, b, c) != kp_passive:
                    return Disagreement(ROLES, sentence)
            elif backward and not forward:
                _, b, a = backward[0]
                if _passive_between(answer, b, a) == kp_passive:
                    return Disagreement(ROLES, sentence)
    return None
