"""Score an interview answer against the reference answer and its key points.

    score = score_answer(reference, answer, key_points, prompt=question)
    score.value                       # in [0, 1]
    score.key_points[i].status        # "covered", "partly", "missed" or "contradicted"
    score.key_points[i].evidence      # (start, end) of the answer's sentence(s) that decided it
    score.key_points[i].reference_span  # (start, end) of the reference passage it comes from
    score.explain()                   # the sum, in words, with the same numbers as the statuses
    score.to_dict() / Score.from_dict(d)   # what is stored; reads kp-1 scores too

How a score is made:

1. Every text is read by app/scoring_text.py: words normalised (American spelling, Snowball
   stem), the field's phrases and abbreviations recognised as one term (the term table is the
   data file app/data/scoring_terms.toml), sentences found, and for each term whether a
   negation reaches it and which way a direction word moves it.
2. Each key point is looked for in every sentence of the answer, and every two neighbouring
   sentences: its coverage there is the weighted share of its terms present (words of the
   question count only once the key point's own words are there). The best passage is its
   evidence. A passage that states the key point with the opposite polarity, direction or
   roles, or with an antonym of one of its words (app/scoring_meaning.py) contradicts it instead
   of covering it. A sentence that is the key point pasted back, or a string of terms ("bias,
   variance, noise, underfitting, ..."), covers it only partly, and earns no reference overlap. A
   key point that asks for a measured result needs a number tied to a measure. An answer that
   says there is no answer ("No response.", "I don't know") scores 0.
3. Status: covered from `covered_at`, partly from `partly_at` (worth `partly_credit`), else
   missed; contradicted when the best passage that says the opposite would cover it. A written
   key point said in a vague passage mostly about other things ("I enjoy working offline and
   online, and the result was great") is only partly covered.
4. The key-point part is the credit of the best key points over the number the question asks
   for: all of them, or the number the prompt names ("state at least 4"); for key points
   derived from the reference answer, a share of them.
5. The reference part is the share of the reference answer's terms that the answer uses, full
   at `reference_full_at` (`derived_reference_full_at` when the key points were derived: such
   references often list alternatives, of which an answer needs only some). The reference-recall
   part is the plain share of the reference's words used, to the power `recall_curve`.
   Hand-written and derived key points each have their own weights for the parts.
6. Penalties, each a share of the score so far: contradicted key points, padding with
   unrelated words, and a bare list of terms.

The constants are in app/data/scoring_params.toml: the weights and thresholds are fitted on
public graded answers by benchmarks/scoring/fit.py. Pure: no Flask, no database, no network;
deterministic for a given SCORER_VERSION.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

from app.scoring_key_points import asked_count, derive_claims, derive_key_points
from app.scoring_meaning import REASONS, disagreement
from app.scoring_terms import NO_ANSWER_MARKERS, NO_ANSWER_WORDS, VAGUE_WORDS, read_data
from app.scoring_text import MEASURED, Text, Unit, analyse, is_content, normalise, words

__all__ = [
    "SCORER_VERSION",
    "KeyPointResult",
    "Params",
    "Score",
    "derive_key_points",
    "highlight_spans",
    "score_answer",
]

SCORER_VERSION = "kp-3"
PARAMS_FILE = "scoring_params.toml"

COVERED = "covered"
PARTLY = "partly"
MISSED = "missed"
CONTRADICTED = "contradicted"
STATUSES = (COVERED, PARTLY, MISSED, CONTRADICTED)
NO_MEASURE_REASON = "no number tied to a measure (such as recall@10 from 0.74 to 0.81, or p99 40 ms)"
PASTED_REASON = "the key point's own words, pasted back without an explanation"
LISTED_REASON = "named in a list of terms, without saying what it does"
CHATTER_REASON = "its words come amid talk about something else"

LABELS = {
    "key_point_coverage": "key points",
    "reference_overlap": "overlap with the reference answer",
    "substance": "terms of the question and the reference answer used",
    "reference_recall": "share of the reference answer's words used",
    "contradiction_penalty": "saying the opposite of a key point",
    "copy_penalty": "repeating the question",
    "padding_penalty": "padding with unrelated words",
    "keyword_list_penalty": "listing terms without explaining them",
}

_WINDOW_FLOOR = 0.2  # passages with less coverage than this are not checked for meaning
_OPPOSITE_AT = 0.5  # a passage saying the opposite with this coverage earns no reference overlap
_NO_ANSWER_MAX_WORDS = 10  # "I did not have time to answer this question"
# A sentence of at least this many words that is a string of terms: almost no function words, or
# mostly short pieces between commas ("bias, variance, noise, underfitting, overfitting").
_TERM_LIST_MIN_WORDS = 8
_TERM_LIST_BARE_WORDS = 12  # a longer sentence with almost no function words is a string of terms
_TERM_LIST_STOP_SHARE = 0.05
_TERM_LIST_SEGMENTS = 4
_PIECE_WORD_RE = re.compile(r"[^\W_]+")
_SEGMENT_RE = re.compile(r"[,;:|]|\s[-–—]\s")
_NA_RE = re.compile(r"\bn\s*/\s*a\b", re.IGNORECASE)


@dataclass(frozen=True)
class Params:
    """The scorer's constants (app/data/scoring_params.toml)."""

    generic_weight: float
    partial_phrase_credit: float
    prompt_evidence_at: float
    polarity_at: float
    contradicted_at: float
    min_polarity_terms: int
    derived_polarity_terms: int
    padding_min_words: int
    padding_free_share: float
    padding_max_penalty: float
    list_min_words: int
    list_stop_share: float
    list_novel_share: float
    list_max_penalty: float
    chatter_at: float
    copy_free_share: float
    copy_max_penalty: float
    recall_curve: float
    key_point_weight: float
    reference_weight: float
    recall_weight: float
    derived_key_point_weight: float
    derived_reference_weight: float
    derived_recall_weight: float
    substance_weight: float
    substance_full_at: float
    covered_at: float
    partly_at: float
    partly_credit: float
    reference_full_at: float
    derived_reference_full_at: float
    credit_curve: float
    derived_required_share: float
    contradiction_penalty: float

    @classmethod
    def from_toml(cls, data: dict[str, Any]) -> Params:
        values = {**data["rules"], **data["fitted"]}
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    def with_values(self, **changes: Any) -> Params:
        return replace(self, **changes)


PARAMS = Params.from_toml(tomllib.loads(read_data(PARAMS_FILE).decode("utf-8")))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class KeyPointResult:
    """What the scorer found for one key point.

    `status` is covered, partly, missed or contradicted (`covered` is kept as a flag for
    readers of kp-1 scores). `evidence` is the (start, end) of the answer's passage that
    covered or contradicted it, `evidence_text` that passage; `reference_span` the (start, end)
    of the reference answer's passage that the key point comes from; `reason` says why it is
    contradicted or only partly covered; `derived` that the scorer derived the key point from the
    reference answer because the question had none.
    """

    text: str
    covered: bool
    coverage: float
    matched_terms: tuple[str, ...] = ()
    status: str = ""
    evidence: tuple[int, int] | None = None
    evidence_text: str = ""
    reference_span: tuple[int, int] | None = None
    reason: str = ""
    derived: bool = False

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", COVERED if self.covered else MISSED)

    @property
    def contradicted(self) -> bool:
        return self.status == CONTRADICTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "covered": self.covered,
            "coverage": self.coverage,
            "matched_terms": list(self.matched_terms),
            "status": self.status,
            "evidence": list(self.evidence) if self.evidence else None,
            "evidence_text": self.evidence_text,
            "reference_span": list(self.reference_span) if self.reference_span else None,
            "reason": self.reason,
            "derived": self.derived,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> KeyPointResult:
        evidence = d.get("evidence")
        reference = d.get("reference_span")
        return cls(
            text=d["text"],
            covered=bool(d["covered"]),
            coverage=float(d["coverage"]),
            matched_terms=tuple(d.get("matched_terms", ())),
            status=str(d.get("status") or ""),
            evidence=(int(evidence[0]), int(evidence[1])) if evidence else None,
            evidence_text=str(d.get("evidence_text", "")),
            reference_span=(int(reference[0]), int(reference[1])) if reference else None,
            reason=str(d.get("reason", "")),
            derived=bool(d.get("derived", False)),
        )


@dataclass(frozen=True)
class Score:
    """A score in [0, 1] and what it is made of.

    `parts` are the measures in [0, 1] (a penalty's part is the amount it removes), `weights`
    what each is multiplied by, and `components` the products, which add up to `value`.
    `required` is how many key points the question asks for (0 in kp-1 scores).
    """

    value: float
    key_points: tuple[KeyPointResult, ...] = ()
    matched_terms: tuple[str, ...] = ()
    components: dict[str, float] = field(default_factory=dict, hash=False)
    parts: dict[str, float] = field(default_factory=dict, hash=False)
    weights: dict[str, float] = field(default_factory=dict, hash=False)
    version: str = SCORER_VERSION
    required: int = 0
    derived_key_points: bool = False
    partly_credit: float = 0.5  # what a key point covered partly earns

    @property
    def covered(self) -> list[str]:
        return [kp.text for kp in self.key_points if kp.status == COVERED]

    @property
    def partly(self) -> list[str]:
        return [kp.text for kp in self.key_points if kp.status == PARTLY]

    @property
    def missed(self) -> list[str]:
        return [kp.text for kp in self.key_points if kp.status in (MISSED, PARTLY)]

    @property
    def contradicted(self) -> list[str]:
        return [kp.text for kp in self.key_points if kp.status == CONTRADICTED]

    def key_point_summary(self) -> str:
        """'4 of 6 key points covered, 1 partly, 1 contradicted' — the heading's numbers."""
        n = len(self.key_points)
        text = f"{len(self.covered)} of {n} key point{'s' if n != 1 else ''} covered"
        if self.partly:
            text += f", {len(self.partly)} partly"
        if self.contradicted:
            text += f", {len(self.contradicted)} contradicted"
        return text

    def explain(self) -> list[str]:
        """One line per component, in words, for the review page."""
        lines = []
        for name, contribution in self.components.items():
            label = LABELS.get(name, name.replace("_", " "))
            weight = self.weights.get(name, 1.0)
            part = self.parts.get(name, 0.0)
            if weight < 0:
                lines.append(f"minus {abs(contribution):.2f} for {label}")
            elif name == "key_point_coverage" and self.required:
                lines.append(f"{self._key_point_sum()} = {part:.2f} × {weight:.2f} = {contribution:.2f}")
            else:
                if name == "key_point_coverage":
                    label = "key-point coverage"
                lines.append(f"{label} {part:.2f} × {weight:.2f} = {contribution:.2f}")
        return lines

    def _key_point_sum(self) -> str:
        credits = sorted((_credit_of(kp.status, self.partly_credit) for kp in self.key_points), reverse=True)
        credit = round(sum(credits[: self.required]), 4)
        asked = "" if self.required == len(self.key_points) else f" (the question asks for {self.required})"
        return f"{self.key_point_summary()}{asked}: credit {credit:g} of {self.required}"

    def with_checks(self, checks: dict[int, bool]) -> float:
        """The value with the user's own word on some key points (index -> made it) in place of
        the scorer's: the key-point part counted again, and the penalty for saying the opposite
        kept only for contradictions the user did not overrule; the other parts stay as scored.
        Once the user has checked every key point, their word is the whole value: the share of
        the key points the question asks for that they made."""
        if "key_point_coverage" not in self.parts or not self.required:
            return self.value
        if all(i in checks for i in range(len(self.key_points))):
            return round(min(1.0, sum(1 for made in checks.values() if made) / self.required), 6)
        statuses = [
            (COVERED if checks[i] else MISSED) if i in checks else kp.status for i, kp in enumerate(self.key_points)
        ]
        credits = sorted((_credit_of(s, self.partly_credit) for s in statuses), reverse=True)
        part = min(1.0, sum(credits[: self.required]) / self.required)
        value = self.value + self.weights["key_point_coverage"] * (part - self.parts["key_point_coverage"])
        before = len(self.contradicted)
        if before and "contradiction_penalty" in self.parts:
            after = sum(1 for s in statuses if s == CONTRADICTED)
            value += self.parts["contradiction_penalty"] * (1 - after / before)
        return round(min(1.0, max(0.0, value)), 6)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "version": self.version,
            "key_points": [kp.to_dict() for kp in self.key_points],
            "matched_terms": list(self.matched_terms),
            "components": dict(self.components),
            "parts": dict(self.parts),
            "weights": dict(self.weights),
            "required": self.required,
            "derived_key_points": self.derived_key_points,
            "partly_credit": self.partly_credit,
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
            required=int(d.get("required", 0)),
            derived_key_points=bool(d.get("derived_key_points", False)),
            partly_credit=float(d.get("partly_credit", 0.5)),
        )


def _credit_of(status: str, partly_credit: float) -> float:
    return 1.0 if status == COVERED else partly_credit if status == PARTLY else 0.0


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class PointMeasure:
    """The evidence for one key point, before the thresholds turn it into a status."""

    text: str
    derived: bool
    agree: float  # coverage by the best passage that does not say the opposite
    agree_window: tuple[int, ...]
    against: float  # coverage by the best passage that says the opposite
    against_window: tuple[int, ...]
    against_kind: str
    pasted: bool  # a sentence of the answer is this key point pasted back
    unmeasured: bool  # the key point asks for a measured result and its best passage has none
    matched: tuple[str, ...]  # the answer's words in the evidence
    reference_span: tuple[int, int] | None
    listed: float = 0.0  # coverage by a sentence that only lists terms (not counted in `agree`)
    listed_window: tuple[int, ...] = ()
    chatter: float = 0.0  # share of unrelated words in the agreeing passage


@dataclass(frozen=True)
class Measures:
    """Everything the score is computed from (benchmarks/scoring/fit.py fits on these)."""

    points: tuple[PointMeasure, ...]
    overlap: float
    overlap_words: tuple[str, ...]
    substance: int  # distinct terms of the answer that the question, reference or key points use
    copied: float  # share of the answer's distinct terms that come from the question
    list_likeness: float
    unrelated: float
    asked: int | None
    derived: bool
    empty: bool  # nothing written, or only "no answer" in words
    sentences: tuple[tuple[int, int], ...]
    answer: str
    recall: float = 0.0  # share of the reference answer's words (and the key points') in the answer
    beyond: float = 0.0  # `overlap` counting only the reference's terms that the question does not use


def _extra(synonyms: Sequence[Sequence[str]] | None) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(g) for g in synonyms or () if len(g) > 1)


def _analyse(text: str, extra: tuple[tuple[str, ...], ...], key_point: bool = False) -> Text:
    return analyse(_with_synonyms(text, extra), key_point) if extra else analyse(text, key_point)


@lru_cache(maxsize=256)
def _synonym_pattern(extra: tuple[tuple[str, ...], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    canonical = {v.lower(): min(group, key=len) for group in extra for v in group}
    body = "|".join(re.escape(v) for v in sorted(canonical, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), canonical


def _with_synonyms(text: str, extra: tuple[tuple[str, ...], ...]) -> str:
    """`text` with each per-question synonym written as the shortest member of its group, padded
    to the same length so that every offset stays where it was."""
    pattern, canonical = _synonym_pattern(extra)

    def swap(m: re.Match[str]) -> str:
        word = canonical[m.group().lower()]
        return word + " " * (len(m.group()) - len(word))

    return pattern.sub(swap, text)


def _terms(key_point: Text) -> list[Unit]:
    seen: dict[str, Unit] = {}
    for unit in key_point.units:
        seen.setdefault(unit.primary, unit)
    return list(seen.values())


def _term_weight(term: Unit, terms: Sequence[Unit], p: Params) -> float:
    if term.primary == MEASURED:
        # a measured result is half of what such a key point asks for
        return max(1.0, sum(_term_weight(t, terms, p) for t in terms if t.primary != MEASURED))
    return p.generic_weight if term.generic else 1.0


@dataclass(frozen=True)
class _Term:
    primary: str
    weight: float
    prompt: bool  # a word of the question
    own: tuple[str, ...]  # its words, when it is a phrase that can be found in part


def _prepared(terms: Sequence[Unit], prompt: frozenset[str], p: Params) -> tuple[_Term, ...]:
    return tuple(
        _Term(t.primary, _term_weight(t, terms, p), t.primary in prompt, t.own if len(t.own) > 1 else ()) for t in terms
    )


def _coverage(terms: Sequence[_Term], feats: frozenset[str], p: Params) -> float:
    """The weighted share of a key point's terms in `feats`."""
    got_prompt = got_own = total_prompt = total_own = 0.0
    for term in terms:
        if term.primary in feats:
            credit = 1.0
        elif term.own:
            credit = p.partial_phrase_credit * sum(1 for n in term.own if n in feats) / len(term.own)
        else:
            credit = 0.0
        if term.prompt:
            total_prompt += term.weight
            got_prompt += term.weight * credit
        else:
            total_own += term.weight
            got_own += term.weight * credit
    if not total_own + total_prompt:
        return 0.0
    # The question's own words count only as far as the key point's other words are there.
    evidence = min(1.0, got_own / (p.prompt_evidence_at * total_own)) if total_own else 1.0
    return round(min(1.0, (got_own + evidence * got_prompt) / (total_own + total_prompt)), 6)


def _windows(sentences: Sequence[int]) -> list[tuple[int, ...]]:
    """Each sentence, and each two neighbouring ones."""
    out: list[tuple[int, ...]] = [(s,) for s in sentences]
    out += [(a, b) for a, b in itertools.pairwise(sentences) if b == a + 1]
    return out


def _window_features(text: Text, window: Sequence[int]) -> frozenset[str]:
    if len(window) == 1:
        return text.sentence_features[window[0]]
    return frozenset().union(*(text.sentence_features[s] for s in window))


def _is_paste(text: Text, sentence: int, key_point: Text) -> bool:
    """The sentence is the key point's own words, in its order, and nothing else."""
    first, end = text.sentence_words[sentence]
    return len(key_point.lows) >= 2 and text.lows[first:end] == key_point.lows


def _surfaces(text: Text, window: Sequence[int], wanted: Iterable[str], original: str) -> tuple[str, ...]:
    """The words of `original` (the answer as written) that carry `wanted` in `window`."""
    wanted = set(wanted)
    in_window = set(window)
    return _dedupe(
        original[u.start : u.end].strip()
        for u in text.units
        if u.sentence in in_window and u.features & wanted and u.primary != MEASURED
    )


@lru_cache(maxsize=1024)
def _reference_spans(
    reference: str, key_points: tuple[str, ...], extra: tuple[tuple[str, ...], ...]
) -> tuple[tuple[int, int] | None, ...]:
    """For each key point, the passage of the reference answer it comes from."""
    ref = _analyse(reference, extra)
    windows = _windows(range(len(ref.sentences)))
    out: list[tuple[int, int] | None] = []
    for kp in key_points:
        terms = _terms(_analyse(kp, extra, key_point=True))
        prepared = _prepared(terms, frozenset(), PARAMS)
        best, best_cov = None, 0.0
        for w in windows:
            cov = _coverage(prepared, _window_features(ref, w), PARAMS)
            if cov > best_cov + 1e-9:
                best, best_cov = w, cov
        out.append((ref.sentences[best[0]][0], ref.sentences[best[-1]][1]) if best and best_cov >= 0.3 else None)
    return tuple(out)


def measure(
    reference: str,
    answer: str,
    key_points: Sequence[str] = (),
    *,
    prompt: str = "",
    synonyms: Sequence[Sequence[str]] | None = None,
    params: Params | None = None,
) -> Measures:
    """Find the evidence for each key point in `answer`; `score_answer` grades it."""
    p = params or PARAMS
    extra = _extra(synonyms)
    derived = not key_points
    if derived:
        claims = derive_claims(reference)
        points = tuple(c.text for c in claims)
        spans: tuple[tuple[int, int] | None, ...] = tuple((c.start, c.end) for c in claims)
    else:
        points = tuple(key_points)
        spans = _reference_spans(reference, points, extra)
    asked = asked_count(prompt)
    if not answer or not answer.strip() or is_no_answer(answer, reference):
        empty = tuple(
            PointMeasure(t, derived, 0.0, (), 0.0, (), "", False, False, (), s)
            for t, s in zip(points, spans, strict=True)
        )
        return Measures(empty, 0.0, (), 0, 0.0, 0.0, 0.0, asked, derived, True, (), answer or "")

    text = _analyse(answer, extra)
    prompt_features = _analyse(prompt, extra).features if prompt else frozenset()
    kp_texts = [_analyse(kp, extra, key_point=True) for kp in points]
    kp_terms = [_terms(t) for t in kp_texts]
    min_terms = p.derived_polarity_terms if derived else p.min_polarity_terms

    # A sentence that is a key point pasted back (its words and nothing else, saying the same)
    # is no evidence for any key point.
    pasted_from: dict[int, set[int]] = {}
    if not derived:
        for s in range(len(text.sentences)):
            for k, kp_text in enumerate(kp_texts):
                if _is_paste(text, s, kp_text):
                    pasted_from.setdefault(k, set()).add(s)
    pasted_sentences = set().union(*pasted_from.values()) if pasted_from else set()
    # A string of terms names key points without making them: such sentences count only for
    # "partly", unless the question asks for a number of things (then a list is the answer).
    listed = _term_list_sentences(text) if not derived and not asked else set()
    listed -= pasted_sentences
    usable = [s for s in range(len(text.sentences)) if s not in pasted_sentences and s not in listed]

    ref_terms = _reference_terms(reference, points, extra, p)
    kp_primaries = frozenset(t.primary for terms in kp_terms for t in terms)
    related = frozenset(ref_terms) | kp_primaries | prompt_features

    singles = [(s,) for s in usable]
    pairs = [(a, b) for a, b in itertools.pairwise(usable) if b == a + 1]
    features = {w: _window_features(text, w) for w in (*singles, *pairs)}
    results = []
    for k, (kp_text, terms) in enumerate(zip(kp_texts, kp_terms, strict=True)):
        agree, against, kind = 0.0, 0.0, ""
        agree_w: tuple[int, ...] = ()
        against_w: tuple[int, ...] = ()
        prepared = _prepared(terms, prompt_features, p)
        single_cov = {w[0]: _coverage(prepared, features[w], p) for w in singles}
        # two sentences together only when each has something of the key point
        candidates: list[tuple[tuple[int, ...], float]] = [(w, single_cov[w[0]]) for w in singles]
        candidates += [(w, -1.0) for w in pairs if single_cov[w[0]] > 0 and single_cov[w[1]] > 0]
        for w, cov in candidates:
            if cov < 0:
                cov = _coverage(prepared, features[w], p)
            if cov < _WINDOW_FLOOR or (cov <= agree and cov <= against):
                continue
            found = disagreement(
                kp_text, terms, text, w, polarity_at=p.polarity_at, min_polarity_terms=min_terms, roles=not derived
            )
            if found is None:
                if cov > agree:
                    agree, agree_w = cov, w
            elif cov > against:
                against, against_w, kind = cov, (found.sentence,), found.kind
        if k in pasted_from and not agree_w:
            agree_w = (min(pasted_from[k]),)  # the pasted sentence is what the review shows
        listed_cov = 0.0
        listed_w: tuple[int, ...] = ()
        for s in sorted(listed):
            cov = _coverage(prepared, text.sentence_features[s], p)
            if cov > listed_cov:
                listed_cov, listed_w = cov, (s,)
        window = agree_w or against_w or listed_w
        matched = _surfaces(text, window, {t.primary for t in terms}, answer) if window else ()
        unmeasured = any(t.primary == MEASURED for t in terms) and MEASURED not in _window_features(text, agree_w)
        chatter = _window_unrelated(text, agree_w, related) if agree_w and not derived else 0.0
        results.append(
            PointMeasure(
                points[k],
                derived,
                agree,
                agree_w,
                against,
                against_w,
                kind,
                k in pasted_from,
                unmeasured,
                matched,
                spans[k],
                listed_cov,
                listed_w,
                chatter,
            )
        )

    # Sentences that say the opposite of a key point earn no overlap with the reference either.
    opposite = {s for r in results if r.against >= _OPPOSITE_AT and r.against > r.agree for s in r.against_window}
    kept_sentences = [s for s in usable if s not in opposite]
    kept = frozenset().union(*(text.sentence_features[s] for s in kept_sentences)) if kept_sentences else frozenset()
    overlap, overlap_words = _overlap(ref_terms, text, kept, kept_sentences, answer)
    recall = _recall(_reference_words(reference, points, extra), text, kept, kept_sentences)
    beyond, _ = _overlap({t: w for t, w in ref_terms.items() if t not in prompt_features}, text, kept, (), answer)
    own_terms = {u.primary for u in text.units if u.own and not u.numeric and u.sentence in set(kept_sentences)}
    substance = sum(1 for t in own_terms if t in related)
    # Numbers and directions the question does not give are the answer's own: a worked
    # calculation, or "the diameter decreases" to a question that says "increase", is no copy.
    said = own_terms | {
        u.primary for u in text.units if (u.numeric or u.direction_only) and u.sentence in set(kept_sentences)
    }
    copied = sum(1 for t in said if t in prompt_features) / len(said) if said else 0.0
    return Measures(
        tuple(results),
        overlap,
        overlap_words,
        substance,
        copied,
        _list_likeness(text, kp_primaries if not derived else frozenset(), listed, p),
        _unrelated_share(text, related, p),
        asked,
        derived,
        False,
        text.sentences,
        answer,
        recall,
        beyond,
    )


def is_no_answer(answer: str, reference: str = "") -> bool:
    """The answer says there is no answer: "No response.", "I don't know", "N/A", "-" (a word of
    the reference answer is no such sign: "None" can answer a question)."""
    if len(answer.split()) > _NO_ANSWER_MAX_WORDS:
        return False
    found = [w.low for w in words(_NA_RE.sub("na", answer))]
    if not found:
        return True
    if len(found) > _NO_ANSWER_MAX_WORDS or not all(w in NO_ANSWER_WORDS for w in found):
        return False
    in_reference = {w.low for w in words(reference)} if reference else set()
    return any(w in NO_ANSWER_MARKERS and w not in in_reference for w in found)


@lru_cache(maxsize=1024)
def _reference_words(
    reference: str, key_points: tuple[str, ...], extra: tuple[tuple[str, ...], ...]
) -> tuple[tuple[str, str], ...]:
    """The distinct content words (stems) of the reference answer and the key points, each with
    the term it belongs to (a phrase or abbreviation of the field that says it too)."""
    seen: dict[str, str] = {}
    for text in (reference, *key_points):
        for unit in _analyse(text, extra).units:
            for stem in unit.own:
                if is_content(stem):
                    seen.setdefault(stem, unit.primary)
    return tuple(seen.items())


def _recall(ref_words: Sequence[tuple[str, str]], text: Text, feats: frozenset[str], usable: Sequence[int]) -> float:
    """Plain word recall: the share of the reference's words that the answer's usable sentences
    use, by stem or through the phrase they belong to."""
    if not ref_words:
        return 0.0
    kept = set(usable)
    stems = {n for u in text.units if u.sentence in kept for n in u.own}
    return sum(1 for stem, term in ref_words if stem in stems or term in feats) / len(ref_words)


@lru_cache(maxsize=1024)
def _reference_terms(
    reference: str, key_points: tuple[str, ...], extra: tuple[tuple[str, ...], ...], p: Params
) -> dict[str, float]:
    """The reference's terms that an answer can be credited for, with their weights. Words of
    the question count too: an answer that only repeats the question loses it to the copy
    penalty instead."""
    terms: dict[str, float] = {}
    for text in (reference, *key_points):
        for unit in _analyse(text, extra).units:
            if unit.numeric or unit.direction_only or unit.primary == MEASURED:
                continue
            weight = p.generic_weight if unit.generic else 1.0
            terms[unit.primary] = max(terms.get(unit.primary, 0.0), weight)
    return terms


def _overlap(
    terms: dict[str, float], text: Text, feats: frozenset[str], usable: Sequence[int], original: str
) -> tuple[float, tuple[str, ...]]:
    total = sum(terms.values())
    if not total:
        return 0.0, ()
    hits = [t for t in terms if t in feats]
    return sum(terms[t] for t in hits) / total, _surfaces(text, usable, hits, original)


def _window_unrelated(text: Text, window: Sequence[int], related: frozenset[str]) -> float:
    """Share of the passage's content words that neither the question, the reference, the key
    points nor the term table know, when the passage also says something vague ("it was great",
    "I enjoy"): the key point's words said amid chatter about something else. 0 otherwise."""
    lows = {low for s in window for low in text.lows[slice(*text.sentence_words[s])]}
    units = [u for s in window for u in text.sentence_units[s] if u.own and not u.numeric]
    if not units or not lows & VAGUE_WORDS:
        return 0.0
    return sum(1 for u in units if not (u.features & related) and not u.primary.startswith("~")) / len(units)


def _unrelated_share(text: Text, related: frozenset[str], p: Params) -> float:
    """Share of the answer's content words that neither the question, the reference nor the key
    points use, nor the field's term table knows (a story about another project still talks
    about indexes and latency; one about a holiday does not)."""
    units = [u for u in text.units if u.own and not u.numeric]
    if len(units) < p.padding_min_words:
        return 0.0
    unrelated = sum(1 for u in units if not (u.features & related) and not u.primary.startswith("~"))
    return unrelated / len(units)


def _term_list_sentences(text: Text) -> set[int]:
    """The sentences of `text` that are strings of terms rather than statements."""
    out = set()
    for s, (start, end) in enumerate(text.sentences):
        first, last = text.sentence_words[s]
        n = last - first
        if n < _TERM_LIST_MIN_WORDS:
            continue
        stops = sum(1 for low in text.lows[first:last] if not normalise(low))
        pieces = [len(_PIECE_WORD_RE.findall(piece)) for piece in _SEGMENT_RE.split(text.text[start:end])]
        short = [k for k in pieces if 0 < k <= 3]
        bare = n >= _TERM_LIST_BARE_WORDS and stops / n < _TERM_LIST_STOP_SHARE
        if bare or (len(short) >= _TERM_LIST_SEGMENTS and 2 * sum(short) >= n):
            out.add(s)
    return out


def _list_likeness(text: Text, key_point_terms: frozenset[str], listed: set[int], p: Params) -> float:
    """0 for explained prose, up to 1 for a bare list of terms or the key points pasted back (or
    the share of the answer's words in sentences that list terms)."""
    if text.word_count < p.list_min_words:
        return 0.0
    in_lists = sum(text.sentence_words[s][1] - text.sentence_words[s][0] for s in listed) / text.word_count
    stop_share = text.stop_count / text.word_count
    bare_list = max(0.0, (p.list_stop_share - stop_share) / p.list_stop_share)
    pasted = 0.0
    units = [u for u in text.units if u.own]
    if key_point_terms and len(units) >= p.list_min_words:
        novel = sum(1 for u in units if u.primary not in key_point_terms) / len(units)
        pasted = max(0.0, (p.list_novel_share - novel) / p.list_novel_share)
    return min(1.0, max(bare_list, pasted, in_lists))


# --------------------------------------------------------------------------- grading


def required_count(asked: int | None, n: int, derived: bool, p: Params) -> int:
    """How many key points earn full credit: what the question asks for, else all of them
    (a share of them when they were derived from the reference answer)."""
    if not n:
        return 0
    if asked:
        return max(1, min(n, asked))
    if derived:
        return max(1, min(n, math.ceil(p.derived_required_share * n - 1e-9)))
    return n


def _status(m: PointMeasure, p: Params) -> tuple[str, tuple[int, ...], float, str]:
    """(status, evidence window, coverage, reason) of one key point."""
    if m.agree >= p.covered_at and m.agree >= m.against and not m.unmeasured:
        if m.chatter >= p.chatter_at:
            return PARTLY, m.agree_window, m.agree, CHATTER_REASON
        return COVERED, m.agree_window, m.agree, ""
    if m.against >= max(p.covered_at, p.contradicted_at):
        return CONTRADICTED, m.against_window, m.against, REASONS.get(m.against_kind, "")
    if m.pasted:
        return PARTLY, m.agree_window, max(m.agree, p.partly_at), PASTED_REASON
    if m.listed >= p.partly_at and m.listed > m.agree:
        return PARTLY, m.listed_window, m.listed, LISTED_REASON
    if m.agree >= p.partly_at:
        return PARTLY, m.agree_window, m.agree, NO_MEASURE_REASON if m.unmeasured else ""
    return MISSED, (), m.agree, ""


def grade(m: Measures, params: Params | None = None) -> Score:
    """The score of what `measure` found."""
    p = params or PARAMS
    results = []
    for point in m.points:
        status, window, coverage, reason = _status(point, p)
        evidence = (m.sentences[window[0]][0], m.sentences[window[-1]][1]) if window else None
        results.append(
            KeyPointResult(
                text=point.text,
                covered=status == COVERED,
                coverage=round(coverage, 6),
                matched_terms=point.matched if status in (COVERED, PARTLY, CONTRADICTED) else (),
                status=status,
                evidence=evidence,
                evidence_text=m.answer[evidence[0] : evidence[1]] if evidence else "",
                reference_span=point.reference_span,
                reason=reason,
                derived=point.derived,
            )
        )
    required = required_count(m.asked, len(results), m.derived, p)
    weights = _weights(bool(results), m.derived, p)
    if p.substance_weight:
        weights["substance"] = p.substance_weight
    if m.empty:
        parts = dict.fromkeys(weights, 0.0)
        return Score(
            0.0,
            tuple(results),
            (),
            dict.fromkeys(weights, 0.0),
            parts,
            weights,
            SCORER_VERSION,
            required,
            m.derived,
            p.partly_credit,
        )

    credits = sorted((_credit_of(r.status, p.partly_credit) for r in results), reverse=True)
    parts = {
        "reference_overlap": _credit(
            m.overlap, p.derived_reference_full_at if m.derived else p.reference_full_at, p.credit_curve
        )
    }
    if "reference_recall" in weights:
        parts["reference_recall"] = m.recall**p.recall_curve
    if p.substance_weight:
        parts["substance"] = min(1.0, m.substance / p.substance_full_at)
    if results:
        parts = {"key_point_coverage": min(1.0, sum(credits[:required]) / required), **parts}
    base = math.fsum(parts[k] * weights[k] for k in parts)
    contradicted = sum(1 for r in results if r.status == CONTRADICTED)
    cuts = []
    if contradicted:
        cuts.append(("contradiction_penalty", base * p.contradiction_penalty * min(1.0, contradicted / required)))
    copying = max(0.0, (m.copied - p.copy_free_share) / (1 - p.copy_free_share))
    cuts.append(("copy_penalty", (base - sum(c for _, c in cuts)) * p.copy_max_penalty * copying))
    left = base - sum(c for _, c in cuts)
    padding = left * p.padding_max_penalty * max(0.0, (m.unrelated - p.padding_free_share) / (1 - p.padding_free_share))
    cuts.append(("padding_penalty", padding))
    listing = (left - padding) * p.list_max_penalty * m.list_likeness
    cuts.append(("keyword_list_penalty", listing))
    for name, cut in cuts:
        if cut > 0:
            parts[name] = cut
            weights[name] = -1.0
    components = {name: parts[name] * weights[name] for name in parts}
    value = min(1.0, max(0.0, math.fsum(components.values())))
    if results:
        matched = _dedupe(w for r in results for w in r.matched_terms if r.status in (COVERED, PARTLY))
    else:
        matched = m.overlap_words
    return Score(
        value, tuple(results), matched, components, parts, weights, SCORER_VERSION, required, m.derived, p.partly_credit
    )


def _weights(has_key_points: bool, derived: bool, p: Params) -> dict[str, float]:
    """The weight of each part: one set for key points written by hand, one for key points
    derived from the reference answer; without key points the reference takes their weight."""
    if derived:
        kp, ref, recall = p.derived_key_point_weight, p.derived_reference_weight, p.derived_recall_weight
    else:
        kp, ref, recall = p.key_point_weight, p.reference_weight, p.recall_weight
    weights = (
        {"key_point_coverage": kp, "reference_overlap": ref} if has_key_points else {"reference_overlap": kp + ref}
    )
    if recall:
        weights["reference_recall"] = recall
    return weights


def score_answer(
    reference: str,
    answer: str,
    key_points: Sequence[str] = (),
    *,
    prompt: str = "",
    synonyms: Sequence[Sequence[str]] | None = None,
    params: Params | None = None,
) -> Score:
    """Score `answer` against the `reference` answer and its `key_points`.

    Words of the question (`prompt`) earn little by themselves. Without key points, they are
    derived from the reference answer (`derive_key_points`) and marked `derived`. `synonyms`
    are extra groups of words that mean the same for this question only, e.g.
    [["cwnd", "congestion window"]].
    """
    return grade(measure(reference, answer, key_points, prompt=prompt, synonyms=synonyms, params=params), params)


def _credit(share: float, full_at: float, curve: float) -> float:
    """Credit for a share of terms found: full at `full_at`, rising steeply at first."""
    return min(1.0, share / full_at) ** curve if full_at > 0 else 1.0


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
