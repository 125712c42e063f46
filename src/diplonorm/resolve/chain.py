"""The resolver chain: strategies tried in a fixed, documented order."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import Resolution
from diplonorm.resolve.exact import ExactStrategy
from diplonorm.resolve.fuzzy import FuzzyStrategy
from diplonorm.resolve.morphology import MorphologyStrategy
from diplonorm.resolve.office import OfficeStrategy
from diplonorm.resolve.query import Query, Strategy

#: The order strategies run in; see docs/resolution.md.
ORDER = ("exact", "morphology", "office", "fuzzy")


class ResolverChain:
    """Runs the strategies in order; the first that recognizes the name decides."""

    def __init__(self, gazetteer: Gazetteer, *, fuzzy: bool = True) -> None:
        self.gazetteer = gazetteer
        strategies: list[Strategy] = [
            ExactStrategy(gazetteer),
            MorphologyStrategy(gazetteer),
            OfficeStrategy(gazetteer),
        ]
        if fuzzy:
            strategies.append(FuzzyStrategy(gazetteer))
        self.strategies: Sequence[Strategy] = tuple(strategies)

    def resolve(self, query: Query) -> Resolution | None:
        """The answer of the first strategy that recognizes the name, or None.

        A strategy that recognizes the name but cannot decide (a declared ambiguity, a title
        without a country, a fuzzy tie) ends the chain with None rather than a guess.
        """
        return self.decide(query)[0]

    def decide(
        self, query: Query, only: Collection[str] | None = None
    ) -> tuple[Resolution | None, tuple[Resolution, ...]]:
        """The answer (or None) and the candidates of the first strategy that recognizes it.

        `only` restricts the chain to the named strategies (the annotator reads a title
        with the office strategy alone, never fuzzily).
        """
        for strategy in self.strategies:
            if only is not None and strategy.name not in only:
                continue
            result = strategy(query)
            if result.found:
                return result.best, result.candidates
        return None, ()

    def candidates(self, query: Query, limit: int) -> list[Resolution]:
        """Ranked candidates from every strategy, one per entity, best score first."""
        best: dict[str, Resolution] = {}
        for strategy in self.strategies:
            for res in strategy(query).candidates:
                old = best.get(res.entity_id)
                if old is None or res.score > old.score:
                    best[res.entity_id] = res
        ranked = sorted(best.values(), key=lambda r: (-r.score, r.entity_id))
        return ranked[:limit]
