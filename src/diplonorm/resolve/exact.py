"""Strategy 1: the normalized name is an alias in the gazetteer."""

from __future__ import annotations

from diplonorm.gazetteer.index import Gazetteer
from diplonorm.resolve.query import NOTHING, Query, StrategyResult, resolve_refs


class ExactStrategy:
    """Looks the key up in the alias index (an all-caps query also matches plain aliases)."""

    __slots__ = ("gazetteer",)
    name = "exact"

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def __call__(self, query: Query) -> StrategyResult:
        """Resolve by exact alias, applying declared ambiguity rules."""
        refs = self.gazetteer.lookup(query.key)
        if not refs:
            return NOTHING
        return resolve_refs(
            self.gazetteer, refs, query, key=query.key, method=self.name, how="exact alias"
        )
