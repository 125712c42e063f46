"""Strategy 4: blocked, bounded fuzzy matching for misspellings and transliterations.

Every alias key is compared in a canonical form (casefolded, words sorted, so "Jiechi Yang"
meets "Yang Jiechi"). Candidates are blocked by the first two letters of each significant word
and, inside a block, by length (a ratio bounds how much two lengths may differ), so a query
is compared with a few hundred aliases, not all of them. The scorer is rapidfuzz's
plain `ratio` (normalized Indel similarity), never a partial ratio, so "Niger" does not
fully match inside "Nigeria", and an alias that the query merely extends or cuts short
("Indiana" and "Indian") is not a match. A match needs a minimum length, a minimum score,
and a margin over the best *other* entity; otherwise the answer is None.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import NamedTuple

import attrs

from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import Resolution
from diplonorm.resolve.query import KIND_SCORES, NOTHING, Query, StrategyResult, describe_alias
from diplonorm.text import fold_case

#: Queries shorter than this (letters and digits, without spaces) are never fuzzy-matched.
MIN_LENGTH = 5
#: Minimum ratio for queries up to `SHORT` characters, and for longer ones.
SHORT, SHORT_CUTOFF, CUTOFF = 7, 85.0, 85.0
#: Required lead of the best entity over the runner-up entity.
MARGIN = 4.0
#: Fuzzy scores are scaled by this so they always rank below exact matches.
SCALE = 0.95
#: Frequent words that do not identify an alias and so do not form blocks.
_STOPWORD_TEXT = (
    "of the and de la le el du des da di del van von republic islands island saint st "
    "state states united kingdom democratic people's federal federation new north south "
    "east west central union ministry minister department office council"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split(" "))
#: A word in at least this many alias forms does not identify one either ("republika", "inc",
#: "mohamed"): found from the data when the index is built.
FREQUENT = 200
_PER_BLOCK = 8
#: Slack for float rounding at the bounds of `length_range`.
_EPSILON = 1e-9


def comparable(key: str) -> str:
    """The form compared by the fuzzy scorer: casefolded, words sorted."""
    return " ".join(sorted(fold_case(key).split()))


def _blocks(words: list[str], common: frozenset[str]) -> set[str]:
    """The blocks of a form's words: the first two letters of those that are not `common`
    (of all of them when every one is)."""
    significant = [w for w in words if w not in common] or words
    return {w[:2] for w in significant}


class _Block(NamedTuple):
    """The compared forms of one block, shortest first, their lengths and the alias keys
    they came from."""

    forms: list[str]
    lengths: list[int]
    keys: list[str]


def length_range(length: int, cutoff: float) -> tuple[int, int]:
    """Lengths an alias form may have to reach `cutoff` with a query form of `length`.

    The Indel ratio is at most 200 * min(a, b) / (a + b): the shorter string matched whole.
    """
    fraction = cutoff / 100.0
    low = length * fraction / (2.0 - fraction)
    high = length * (2.0 - fraction) / fraction
    return math.ceil(low - _EPSILON), math.floor(high + _EPSILON)


class FuzzyIndex:
    """Alias keys grouped in blocks, built once per gazetteer on first use."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        keys_by_form: dict[str, str] = {}
        for key in gazetteer.alias_keys:
            form = comparable(key)
            if len(form) - form.count(" ") >= MIN_LENGTH - 1:
                keys_by_form.setdefault(form, key)
        ordered = sorted(keys_by_form, key=lambda form: (len(form), form))
        words_of = [form.split() for form in ordered]
        counts = Counter(word for words in words_of for word in set(words))
        #: Words that form no block: the stopwords and the words frequent in this data.
        self.common = STOPWORDS | {word for word, count in counts.items() if count >= FREQUENT}
        #: Blocks by name; forms are added shortest first, so each block is sorted by length.
        self.blocks: dict[str, _Block] = {}
        for form, words in zip(ordered, words_of, strict=True):
            for name in _blocks(words, self.common):
                block = self.blocks.get(name)
                if block is None:
                    block = self.blocks[name] = _Block([], [], [])
                block.forms.append(form)
                block.lengths.append(len(form))
                block.keys.append(keys_by_form[form])

    def search(self, query_form: str, cutoff: float) -> dict[str, float]:
        """Best ratio per alias key over the query's blocks, at or above `cutoff`."""
        from rapidfuzz import fuzz, process  # imported on first fuzzy use: keeps import fast

        scores: dict[str, float] = {}
        shortest, longest = length_range(len(query_form), cutoff)
        for block_name in _blocks(query_form.split(), self.common):
            block = self.blocks.get(block_name)
            if block is None:
                continue
            start = bisect_left(block.lengths, shortest)
            stop = bisect_right(block.lengths, longest, lo=start)
            hits = process.extract(
                query_form,
                block.forms[start:stop],
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                limit=_PER_BLOCK,
            )
            for _form, score, index in hits:
                key = block.keys[start + index]
                if score > scores.get(key, 0.0):
                    scores[key] = score
        return scores


def _extends(a: str, b: str) -> bool:
    """True when one string is the other plus letters at the end ("Indiana", "Indian").

    Such pairs are usually different words (Niger/Nigeria, Dominica/Dominican), not typos.
    """
    return a != b and (a.startswith(b) or b.startswith(a))


#: Words a query may carry besides a name without being another name: one or two letters,
#: digits, marks ("Niger a", "Chad 2").
_NOISE_WORD = 2


class FuzzyStrategy:
    """Fuzzy-matches the query against every alias key; returns None when unsure."""

    name = "fuzzy"

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    @property
    def index(self) -> FuzzyIndex:
        """The block index, built on first use and shared by everything using the gazetteer."""
        return self.gazetteer.derived("fuzzy", FuzzyIndex)

    def _named_inside(self, key: str) -> dict[str, str]:
        """Entities whose exact alias is the query without its short words ("Niger a" is
        "Niger" plus noise): a fuzzy match must not turn it into another entity."""
        words = key.split(" ")
        kept = [w for w in words if len(w) > _NOISE_WORD and not w.isdigit()]
        if not kept or len(kept) == len(words):
            return {}
        return {ref.entity_id: ref.text for ref in self.gazetteer.lookup(" ".join(kept))}

    def __call__(self, query: Query) -> StrategyResult:
        """Rank entities by their best alias ratio; decide only with a clear margin."""
        form = comparable(query.key)
        length = len(form.replace(" ", ""))
        if length < MIN_LENGTH:
            return NOTHING
        cutoff = SHORT_CUTOFF if length <= SHORT else CUTOFF
        best: dict[str, tuple[float, Resolution]] = {}
        blocked: dict[str, float] = {}
        letters = fold_case(query.key).replace(" ", "")
        for key, ratio in self.index.search(form, cutoff - MARGIN).items():
            if _extends(letters, fold_case(key).replace(" ", "")):
                for ref in self.gazetteer.lookup(key):
                    blocked[ref.entity_id] = max(ratio, blocked.get(ref.entity_id, 0.0))
                continue
            for ref in self.gazetteer.lookup(key):
                if ref.entity_id in best and best[ref.entity_id][0] >= ratio:
                    continue
                entity = ref.entity
                score = min(ratio, KIND_SCORES[ref.kind]) * SCALE
                evidence = (
                    f"fuzzy match of {query.text!r} to alias {describe_alias(ref)} of "
                    f"{entity.name} (ratio {ratio:.1f}) [{entity.source}]"
                )
                res = Resolution(entity, score, self.name, evidence, ref.text, ref.kind)
                best[ref.entity_id] = (ratio, res)
        if not best:
            return NOTHING
        ranked = sorted(best.values(), key=lambda pair: (-pair[0], pair[1].entity_id))
        top_ratio, top = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        candidates = tuple(r for _, r in ranked)
        if top_ratio < cutoff:
            return StrategyResult(candidates, None)
        named = self._named_inside(query.key)
        if named and top.entity_id not in named:
            note = f"; not decided: the query is the name {named[next(iter(named))]!r} plus noise"
            return StrategyResult(
                tuple(attrs.evolve(r, evidence=r.evidence + note) for r in candidates), None
            )
        rival = max((r for e, r in blocked.items() if e != top.entity_id), default=0.0)
        if top_ratio - rival < MARGIN:
            note = f"; not decided: also a cut or extended form of another name ({rival:.1f})"
            return StrategyResult(
                tuple(attrs.evolve(r, evidence=r.evidence + note) for r in candidates), None
            )
        if top_ratio - runner_up < MARGIN:
            note = f"; not decided: {ranked[1][1].canonical} scores {runner_up:.1f}"
            return StrategyResult(
                tuple(attrs.evolve(r, evidence=r.evidence + note) for r in candidates), None
            )
        if runner_up:
            top = attrs.evolve(
                top, evidence=f"{top.evidence}; runner-up {ranked[1][1].canonical} {runner_up:.1f}"
            )
        return StrategyResult((top, *candidates[1:]), top)
