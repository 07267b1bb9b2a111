"""Score an interview answer against the reference answer and its key points.

How a score is made (every number is a module constant below):

1. Each text is cut into words, and each word is normalised: lower case, American spelling
   ("quantised" -> "quantized"), Snowball stem ("quantized"/"quantization" -> "quantiz").
   Stop words and filler ("the", "basically") are dropped and never count as a match.
2. Known phrases and abbreviations of the field (app/scoring_terms.py) are recognised and
   become one term, so "ANN" matches "approximate nearest neighbour", "RAM" matches "memory".
   When the answer uses an abbreviation, the words of its expansion count as said too. A
   number with a unit ("0.74 to 0.81", "40%", "25 ms") counts as a measured result.
3. Key-point coverage: the weighted share of a key point's terms that the answer contains, in
   any order (common words of the field weigh less). Words that the question itself uses (the
   prompt) count only as far as the answer also has the key point's other words, fully once it
   has PROMPT_EVIDENCE_AT of them: repeating "MRR" from "Explain recall@k, MRR and nDCG" earns
   nothing by itself, "MRR rewards the rank of the first relevant result" earns it all.
   A key point is shown as covered from COVERED_AT; its credit is full at FULL_CREDIT_AT, since
   a paraphrase seldom repeats every word, and rises steeply before that (CREDIT_CURVE), since
   an interviewer credits a point half made more than half.
4. Overlap with the reference: the share of the reference answer's terms (less the prompt's) in
   the answer, full at REFERENCE_FULL_AT. It credits relevant detail that the key points do not
   spell out. With no key points it is the whole score.
5. Penalties, each a share of the score so far:
   - padding: when most of a long answer's content words have nothing to do with the question,
     the reference, the key points or the field's term table;
   - keyword list: when the answer is a bare list of terms (few function words), or nothing but
     the key points' own words pasted back. The points still count; the missing explanation
     costs up to LIST_MAX_PENALTY of the score.

Lexical matching has limits: it cannot tell a correct statement from a wrong one that uses the
same words, and a paraphrase with none of the key point's words or listed synonyms is missed.

Pure: no Flask, no database, no network; deterministic for a given SCORER_VERSION.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer

from app.scoring_terms import (
    ABBREVIATIONS,
    BRITISH_PREFIXES,
    GENERIC_WORDS,
    ISE_EXCEPTIONS,
    JOIN_PREFIXES,
    STEM_ALIASES,
    STOP_WORDS,
    SYNONYMS,
    WORD_STEMS,
)

SCORER_VERSION = "kp-1"

# How the parts are weighted when the question has key points.
KEY_POINT_WEIGHT = 0.6
REFERENCE_WEIGHT = 0.4

COVERED_AT = 0.5  # a key point with at least this coverage is shown as covered
FULL_CREDIT_AT = 0.75  # coverage at which a key point earns full credit
REFERENCE_FULL_AT = 0.3  # share of the reference's terms that earns full overlap credit
PARTIAL_PHRASE_CREDIT = 0.5  # a phrase not found whole, but some of its words are
CREDIT_CURVE = 0.75  # exponent < 1 makes credit concave in the share of terms found
PROMPT_EVIDENCE_AT = 0.5  # share of a key point's own words that unlocks its prompt words

GENERIC_WEIGHT = 0.5  # weight of common words of the field ("model", "embedding")

PADDING_MIN_WORDS = 20  # shorter answers are not judged for padding
PADDING_FREE_SHARE = 0.55  # up to this share of unrelated content words costs nothing
PADDING_MAX_PENALTY = 0.7  # share of the score lost when nearly everything is unrelated

LIST_MIN_WORDS = 6
LIST_STOP_SHARE = 0.2  # below this share of function words, the answer reads as a term list
LIST_NOVEL_SHARE = 0.25  # below this share of words beyond the key points' own, it is a paste
LIST_MAX_PENALTY = 0.3

LABELS = {
    "key_point_coverage": "key-point coverage",
    "reference_overlap": "overlap with the reference answer",
    "padding_penalty": "padding with unrelated words",
    "keyword_list_penalty": "listing terms without explaining them",
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class KeyPointResult:
    text: str
    covered: bool
    coverage: float
    matched_terms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "covered": self.covered,
            "coverage": self.coverage,
            "matched_terms": list(self.matched_terms),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> KeyPointResult:
        return cls(
            text=d["text"],
            covered=bool(d["covered"]),
            coverage=float(d["coverage"]),
            matched_terms=tuple(d.get("matched_terms", ())),
        )


@dataclass(frozen=True)
class Score:
    """A score in [0, 1] and what it is made of.

    `parts` are the measures in [0, 1] (a penalty's part is the amount it removes), `weights`
    what each is multiplied by, and `components` the products, which add up to `value`.
    """

    value: float
    key_points: tuple[KeyPointResult, ...] = ()
    matched_terms: tuple[str, ...] = ()
    components: dict[str, float] = field(default_factory=dict, hash=False)
    parts: dict[str, float] = field(default_factory=dict, hash=False)
    weights: dict[str, float] = field(default_factory=dict, hash=False)
    version: str = SCORER_VERSION

    @property
    def covered(self) -> list[str]:
        return [kp.text for kp in self.key_points if kp.covered]

    @property
    def missed(self) -> list[str]:
        return [kp.text for kp in self.key_points if not kp.covered]

    def explain(self) -> list[str]:
        """One line per component, in words, for the review page."""
        lines = []
        for name, contribution in self.components.items():
            label = LABELS.get(name, name.replace("_", " "))
            weight = self.weights.get(name, 1.0)
            if weight < 0:
                lines.append(f"minus {abs(contribution):.2f} for {label}")
            else:
                lines.append(f"{label} {self.parts.get(name, 0.0):.2f} × {weight:.2f} = {contribution:.2f}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "version": self.version,
            "key_points": [kp.to_dict() for kp in self.key_points],
            "matched_terms": list(self.matched_terms),
            "components": dict(self.components),
            "parts": dict(self.parts),
            "weights": dict(self.weights),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Score:
        return cls(
            value=float(d["value"]),
            key_points=tuple(KeyPointResult.from_dict(k) for k in d.get("key_points", ())),
            matched_terms=tuple(d.get("matched_terms", ())),
            components={k: float(v) for k, v in d.get("components", {}).items()},
            parts={k: float(v) for k, v in d.get("parts", {}).items()},
            weights={k: float(v) for k, v in d.get("weights", {}).items()},
            version=str(d.get("version", SCORER_VERSION)),
        )


# --------------------------------------------------------------------------- words

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ISE_RE = re.compile(r"^(\w{4,})is(e|es|ed|ing|er|ers|ation|ations|able)$")
_YSE_RE = re.compile(r"^(\w{3,})ys(e|es|ed|ing|er|ers)$")
_MULTIPLIER_WORDS = frozenset({"times", "fold"})
# A number with a unit, a percentage or a decimal: evidence of a measured result.
_QUANTITY_RE = re.compile(
    r"\d(?:[\d.,]*\d)?\s*(?:%|percent\b|pp\b|points?\b|x\b|ms\b|milliseconds?\b|seconds?\b|"
    r"hours?\b|days?\b|gb\b|mb\b|qps\b)|\b0\.\d+|\bfrom\s+\d[\d.,]*\s+to\s+\d",
    re.IGNORECASE,
)

# snowballstemmer runs the Snowball algorithms in pure Python, or through PyStemmer's C build
# of the same algorithms when that is installed: same stems, a hundred times faster.
_STEMMER = snowballstemmer.stemmer("english")


_BRITISH_PREFIX_RE = re.compile("^(?:" + "|".join(sorted(BRITISH_PREFIXES, key=len, reverse=True)) + ")")


def _american_spelling(word: str) -> str:
    british = _BRITISH_PREFIX_RE.match(word)
    if british:
        return BRITISH_PREFIXES[british.group()] + word[british.end() :]
    if word not in ISE_EXCEPTIONS:
        word = _ISE_RE.sub(r"\1iz\2", word)
        word = _YSE_RE.sub(r"\1yz\2", word)
    return word


@lru_cache(maxsize=65536)
def _normalise(word: str) -> str:
    """The comparable form of one word, or "" for a stop word."""
    word = word.lower().replace("’", "'")
    if word in STOP_WORDS:
        return ""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if not word or word in STOP_WORDS:
        return ""
    word = _american_spelling(word)
    stem = WORD_STEMS.get(word) or _STEMMER.stemWord(word)
    return STEM_ALIASES.get(stem, stem)


@dataclass(frozen=True)
class _Word:
    norm: str  # "" for a stop word
    start: int
    end: int
    low: str  # the word in lower case

    @property
    def key(self) -> str:
        """How the word takes part in a phrase: stop words by their own spelling."""
        return self.norm or "'" + self.low


def _words(text: str) -> list[_Word]:
    """The words of `text` with their offsets, compounds like "pre-trained" joined."""
    raw = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    words: list[_Word] = []
    i = 0
    while i < len(raw):
        token, start, end = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        low = token.lower()
        if nxt and low in JOIN_PREFIXES and text[end : nxt[1]] == "-":
            # "pre-trained" is the word "pretrained", not "pre" and "trained"
            token, end = low + nxt[0], nxt[2]
            i += 1
        elif nxt and low.isdigit() and nxt[0].lower() in _MULTIPLIER_WORDS:
            # "32 times smaller" says the same as "32x smaller"
            token, end = low + "x", nxt[2]
            i += 1
        words.append(_Word(_normalise(token), start, end, token.lower()))
        i += 1
    return words


def _is_content(norm: str) -> bool:
    # Single letters ("k" in "recall@k") only count inside a known phrase such as "k-NN".
    return bool(norm) and not norm.startswith("'") and (len(norm) > 1 or norm.isdigit())


# --------------------------------------------------------------------------- term table


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(w.key for w in _words(phrase))


def _concept_name(phrase: str) -> str:
    return "~" + "_".join(k.lstrip("'") for k in _phrase_key(phrase))


def _build_phrase_table() -> tuple[dict[tuple[str, ...], str], dict[str, frozenset[str]], dict[str, tuple[int, ...]]]:
    """Map each normalised variant to its concept; note what abbreviations imply."""
    table: dict[tuple[str, ...], str] = {}
    implied: dict[str, frozenset[str]] = {}

    def add(concept: str, variant: str) -> None:
        key = _phrase_key(variant)
        # A variant made only of stop words, or one letter alone, would match everywhere;
        # letters together ("q k v", "o n") are specific enough.
        letters_only = len(key) > 1 and all(not k.startswith("'") for k in key)
        if not (letters_only or any(_is_content(k) for k in key)):
            return
        table.setdefault(key, concept)  # the first group to claim a variant keeps it

    for abbreviation, expansions in ABBREVIATIONS.items():
        concept = "~" + abbreviation
        add(concept, abbreviation)
        for expansion in expansions:
            add(concept, expansion)
        implied[concept] = frozenset(n for n in _phrase_key(expansions[0]) if _is_content(n))
    for group in SYNONYMS:
        for variant in group:
            add(_concept_name(group[0]), variant)
    # For each first word, the lengths of the phrases that start with it, longest first.
    lengths: dict[str, set[int]] = {}
    for key in table:
        lengths.setdefault(key[0], set()).add(len(key))
    return table, implied, {w: tuple(sorted(ls, reverse=True)) for w, ls in lengths.items()}


_PHRASES, _IMPLIED, _PHRASE_LENGTHS = _build_phrase_table()
_MEASURED_CONCEPT = _concept_name("measurable")  # what a number with a unit also says


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class _Unit:
    """One content word, or one recognised phrase, of a text."""

    primary: str  # what a key point asks for: a concept ("~ann") or a stem
    features: frozenset[str]  # everything this unit counts as in an answer
    own: tuple[str, ...]  # stems of its own words, for partial credit of a phrase
    start: int  # offsets in the text; -1 for a marker that is no word of it
    end: int

    @property
    def in_text(self) -> bool:
        return self.start >= 0

    @property
    def numeric(self) -> bool:
        return self.primary.isdigit()


@dataclass(frozen=True)
class _Text:
    units: tuple[_Unit, ...]
    word_count: int
    stop_count: int
    features: frozenset[str]


@lru_cache(maxsize=2048)
def _analyse(text: str) -> _Text:
    words = _words(text)
    keys = [w.key for w in words]
    units: list[_Unit] = []
    i = 0
    while i < len(words):
        # The longest known phrase starting here, else the word itself.
        for length in _PHRASE_LENGTHS.get(keys[i], ()):
            concept = i + length <= len(keys) and _PHRASES.get(tuple(keys[i : i + length]))
            if concept:
                own = tuple(k for k in keys[i : i + length] if _is_content(k))
                feats = frozenset((concept, *own, *_IMPLIED.get(concept, ())))
                units.append(_Unit(concept, feats, own, words[i].start, words[i + length - 1].end))
                i += length
                break
        else:
            w = words[i]
            if _is_content(w.norm):
                units.append(_Unit(w.norm, frozenset((w.norm,)), (w.norm,), w.start, w.end))
            i += 1
    if _QUANTITY_RE.search(text):
        units.append(_Unit(_MEASURED_CONCEPT, frozenset((_MEASURED_CONCEPT,)), (), -1, -1))
    features = frozenset(f for u in units for f in u.features)
    stop_count = sum(1 for w in words if not w.norm)
    return _Text(tuple(units), len(words), stop_count, features)


def _term_weight(unit: _Unit) -> float:
    if unit.own and all(_is_generic(n) for n in unit.own):
        return GENERIC_WEIGHT
    return 1.0


@lru_cache(maxsize=1)
def _generic_stems() -> frozenset[str]:
    return frozenset(_normalise(w) for w in GENERIC_WORDS)


def _is_generic(norm: str) -> bool:
    return norm in _generic_stems()


# --------------------------------------------------------------------------- matching


def _surfaces(answer: str, text: _Text, feature: str) -> list[str]:
    """The answer's own words that carry `feature`, as written."""
    return [answer[u.start : u.end] for u in text.units if feature in u.features and u.in_text]


def _key_point_terms(key_point: str) -> list[_Unit]:
    seen: dict[str, _Unit] = {}
    for unit in _analyse(key_point).units:
        if unit.in_text:  # the measured-result marker is for answers only
            seen.setdefault(unit.primary, unit)
    return list(seen.values())


def _match_term(term: _Unit, answer: str, text: _Text) -> tuple[float, list[str]]:
    if term.primary in text.features:
        return 1.0, _surfaces(answer, text, term.primary)
    if len(term.own) > 1:
        found = [n for n in term.own if n in text.features]
        if found:
            words = [s for n in found for s in _surfaces(answer, text, n)]
            return PARTIAL_PHRASE_CREDIT * len(found) / len(term.own), words
    return 0.0, []


def _cover_key_point(key_point: str, answer: str, text: _Text, prompt: frozenset[str]) -> KeyPointResult:
    terms = _key_point_terms(key_point)
    if not terms:
        return KeyPointResult(key_point, False, 0.0, ())
    got = {"prompt": 0.0, "own": 0.0}
    total = {"prompt": 0.0, "own": 0.0}
    matched: list[str] = []
    for term in terms:
        kind = "prompt" if term.primary in prompt else "own"
        weight = _term_weight(term)
        credit, words = _match_term(term, answer, text)
        total[kind] += weight
        got[kind] += weight * credit
        matched.extend(words)
    # The question's own words count only as far as the key point's other words are there:
    # fully once half of them are.
    evidence = min(1.0, got["own"] / (PROMPT_EVIDENCE_AT * total["own"])) if total["own"] else 1.0
    coverage = (got["own"] + evidence * got["prompt"]) / (total["own"] + total["prompt"])
    coverage = round(min(1.0, coverage), 6)
    return KeyPointResult(key_point, coverage >= COVERED_AT, coverage, _dedupe(matched))


def _reference_terms(reference: str, key_points: Sequence[str], prompt: frozenset[str]) -> dict[str, float]:
    """The reference's terms that an answer can be credited for, with their weights."""
    terms: dict[str, float] = {}
    for text in (reference, *key_points):
        for unit in _analyse(text).units:
            if not unit.in_text or unit.numeric or unit.primary in prompt:
                continue
            terms[unit.primary] = max(terms.get(unit.primary, 0.0), _term_weight(unit))
    return terms


def _reference_overlap(terms: dict[str, float], answer: str, text: _Text) -> tuple[float, list[str]]:
    total = sum(terms.values())
    if not total:
        return 0.0, []
    hits = [t for t in terms if t in text.features]
    share = sum(terms[t] for t in hits) / total
    words = [s for t in hits for s in _surfaces(answer, text, t)]
    return share, words


def _unrelated_share(text: _Text, related: frozenset[str]) -> float:
    """Share of the answer's content words that neither the question, the reference nor the key
    points use, nor the field's term table knows (a story about another project still talks
    about indexes and latency; one about a holiday does not)."""
    units = [u for u in text.units if u.in_text and not u.numeric]
    if len(units) < PADDING_MIN_WORDS:
        return 0.0
    unrelated = sum(1 for u in units if not (u.features & related) and not _is_field_term(u))
    return unrelated / len(units)


def _is_field_term(unit: _Unit) -> bool:
    return unit.primary.startswith("~")


def _list_likeness(text: _Text, key_point_terms: frozenset[str]) -> float:
    """0 for explained prose, up to 1 for a bare list of terms or the key points pasted back."""
    if text.word_count < LIST_MIN_WORDS:
        return 0.0
    stop_share = text.stop_count / text.word_count
    bare_list = max(0.0, (LIST_STOP_SHARE - stop_share) / LIST_STOP_SHARE)
    pasted = 0.0
    units = [u for u in text.units if u.in_text]
    if key_point_terms and len(units) >= LIST_MIN_WORDS:
        novel = sum(1 for u in units if u.primary not in key_point_terms) / len(units)
        pasted = max(0.0, (LIST_NOVEL_SHARE - novel) / LIST_NOVEL_SHARE)
    return min(1.0, max(bare_list, pasted))


# --------------------------------------------------------------------------- scoring


def score_answer(reference: str, answer: str, key_points: Sequence[str] = (), *, prompt: str = "") -> Score:
    """Score `answer` against the `reference` answer and its `key_points`; words of the
    question (`prompt`) earn little by themselves."""
    key_points = tuple(key_points)
    if not answer or not answer.strip():
        return _zero_score(key_points)

    text = _analyse(answer)
    prompt_features = _analyse(prompt).features if prompt else frozenset()
    results = tuple(_cover_key_point(kp, answer, text, prompt_features) for kp in key_points)
    ref_terms = _reference_terms(reference, key_points, prompt_features)
    overlap, overlap_words = _reference_overlap(ref_terms, answer, text)

    parts, weights = _base_parts(results, overlap)
    base = math.fsum(parts[k] * weights[k] for k in parts)
    kp_terms = frozenset(t.primary for kp in key_points for t in _key_point_terms(kp))
    related = frozenset(ref_terms) | kp_terms | prompt_features
    for name, cut in _penalties(base, text, related, kp_terms):
        parts[name] = cut
        weights[name] = -1.0

    components = {name: parts[name] * weights[name] for name in parts}
    value = min(1.0, max(0.0, math.fsum(components.values())))
    matched = _dedupe(w for r in results for w in r.matched_terms) if results else _dedupe(overlap_words)
    return Score(value, results, matched, components, parts, weights, SCORER_VERSION)


def _base_parts(results: tuple[KeyPointResult, ...], overlap: float) -> tuple[dict[str, float], dict[str, float]]:
    """The positive parts of the score and their weights."""
    overlap_part = _credit(overlap, REFERENCE_FULL_AT)
    if not results:
        return {"reference_overlap": overlap_part}, {"reference_overlap": 1.0}
    kp_part = sum(_credit(r.coverage, FULL_CREDIT_AT) for r in results) / len(results)
    parts = {"key_point_coverage": kp_part, "reference_overlap": overlap_part}
    weights = {"key_point_coverage": KEY_POINT_WEIGHT, "reference_overlap": REFERENCE_WEIGHT}
    return parts, weights


def _penalties(base: float, text: _Text, related: frozenset[str], kp_terms: frozenset[str]) -> list[tuple[str, float]]:
    """The amounts to take off `base`, each a share of what is left, so the total stays >= 0."""
    unrelated = _unrelated_share(text, related)
    padding = base * PADDING_MAX_PENALTY * max(0.0, (unrelated - PADDING_FREE_SHARE) / (1 - PADDING_FREE_SHARE))
    listing = (base - padding) * LIST_MAX_PENALTY * _list_likeness(text, kp_terms)
    return [(name, cut) for name, cut in (("padding_penalty", padding), ("keyword_list_penalty", listing)) if cut > 0]


def _credit(share: float, full_at: float) -> float:
    """Credit for a share of terms found: full at `full_at`, rising steeply at first, since
    an interviewer credits a point half made more than half."""
    return min(1.0, share / full_at) ** CREDIT_CURVE


def _zero_score(key_points: tuple[str, ...]) -> Score:
    results = tuple(KeyPointResult(kp, False, 0.0, ()) for kp in key_points)
    if key_points:
        weights = {"key_point_coverage": KEY_POINT_WEIGHT, "reference_overlap": REFERENCE_WEIGHT}
    else:
        weights = {"reference_overlap": 1.0}
    parts = dict.fromkeys(weights, 0.0)
    return Score(0.0, results, (), dict.fromkeys(weights, 0.0), parts, weights, SCORER_VERSION)


def _dedupe(words: Iterable[str]) -> tuple[str, ...]:
    """Distinct words, case-insensitively, in first-seen order."""
    seen: dict[str, str] = {}
    for w in words:
        seen.setdefault(" ".join(w.lower().split()), w)
    return tuple(seen.values())


# --------------------------------------------------------------------------- highlighting


def highlight_spans(answer: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) offsets of every whole-word occurrence of `terms`
    in `answer`, ignoring case; overlapping occurrences are merged into one span."""
    spans: list[tuple[int, int]] = []
    for term in {t.strip() for t in terms if t and t.strip()}:
        # Any run of spaces in a phrase matches any run in the answer ("nearest\nneighbour").
        body = r"\s+".join(re.escape(part) for part in term.split())
        pattern = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
        spans.extend(m.span() for m in pattern.finditer(answer))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
