"""What every strategy receives (a `Query`) and returns (a `StrategyResult`)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import attrs

from diplonorm.gazetteer.index import AliasRef, Gazetteer
from diplonorm.model import AliasKind, Resolution

#: Score of an exact match by the kind of alias matched: a capital may also be a place.
KIND_SCORES = {
    AliasKind.NAME: 100.0,
    AliasKind.ABBREVIATION: 100.0,
    AliasKind.TRANSLATION: 98.0,
    AliasKind.DEMONYM: 95.0,
    AliasKind.METONYM: 90.0,
}
KIND_LABELS = {
    AliasKind.NAME: "name",
    AliasKind.ABBREVIATION: "abbreviation",
    AliasKind.TRANSLATION: "translated name",
    AliasKind.DEMONYM: "demonym",
    AliasKind.METONYM: "metonym: capital or seat of government",
}


@attrs.frozen(slots=True)
class Query:
    """A name to resolve: its text, normalized key, and the optional date and country hint."""

    text: str
    key: str
    date: dt.date | None = None
    country: str | None = None


@attrs.frozen(slots=True)
class StrategyResult:
    """A strategy's answer: ranked candidates, and `best` when it is sure of one of them.

    Candidates without a `best` mean the strategy recognized the name but could not decide;
    the chain then stops instead of guessing with a later strategy.
    """

    candidates: tuple[Resolution, ...] = ()
    best: Resolution | None = None

    @property
    def found(self) -> bool:
        """True when the strategy recognized the name at all."""
        return bool(self.candidates)


NOTHING = StrategyResult()


class Strategy(Protocol):
    """One step of the resolver chain."""

    name: str

    def __call__(self, query: Query) -> StrategyResult:
        """Resolve the query or return NOTHING."""
        ...


def describe_alias(ref: AliasRef) -> str:
    """How an alias is shown in evidence: text, kind and language."""
    lang = f", {ref.lang}" if ref.kind is AliasKind.TRANSLATION else ""
    return f"{ref.text!r} ({KIND_LABELS[ref.kind]}{lang})"


def resolve_refs(
    gazetteer: Gazetteer,
    refs: tuple[AliasRef, ...],
    query: Query,
    *,
    key: str,
    method: str,
    how: str,
    penalty: float = 0.0,
) -> StrategyResult:
    """Turn the entities an alias key names into a result, applying declared ambiguity rules.

    `how` starts the evidence sentence; `penalty` is taken off the alias kind's score.
    """

    def make(ref: AliasRef, score: float, extra: str = "") -> Resolution:
        entity = ref.entity
        evidence = f"{how} {describe_alias(ref)} of {entity.name} [{entity.source}]{extra}"
        return Resolution(entity, score, method, evidence, ref.text, ref.kind)

    if len(refs) == 1:
        ref = refs[0]
        one = make(ref, KIND_SCORES[ref.kind] - penalty)
        return StrategyResult((one,), one)
    names = ", ".join(r.entity.name for r in refs)
    amb = gazetteer.ambiguity(key)
    rule = f"; rule: {amb.rule}" if amb else ""
    if query.country is not None:
        hinted = [r for r in refs if r.entity.country == query.country]
        if len(hinted) == 1:
            extra = f"; ambiguous ({names}), chosen by the country hint {query.country}"
            best = make(hinted[0], KIND_SCORES[hinted[0].kind] - penalty - 5, extra)
            return StrategyResult((best,), best)
    if amb is not None and amb.default is not None:
        chosen = next(r for r in refs if r.entity_id == amb.default)
        extra = f"; ambiguous ({names}), default chosen{rule}"
        best = make(chosen, 70.0 - penalty, extra)
        others = tuple(
            make(r, 50.0 - penalty, f"; ambiguous ({names}){rule}") for r in refs if r is not chosen
        )
        return StrategyResult((best, *others), best)
    extra = f"; ambiguous ({names}), left unresolved{rule}"
    return StrategyResult(tuple(make(r, 50.0 - penalty, extra) for r in refs), None)
