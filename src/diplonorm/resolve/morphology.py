"""Strategy 2: regular word forms of an alias: plural demonyms and affixes such as "US-led".

Possessives ("China's") and hyphens are already handled by normalization; this strategy
covers forms that change the words themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

from diplonorm.gazetteer.index import AliasRef, Gazetteer
from diplonorm.model import AliasKind, EntityKind
from diplonorm.resolve.query import NOTHING, Query, StrategyResult, resolve_refs

#: Words after a state's name or demonym that keep the reference to the state.
SUFFIXES = frozenset(
    {
        "led",
        "backed",
        "based",
        "born",
        "brokered",
        "funded",
        "made",
        "owned",
        "allied",
        "aligned",
        "sponsored",
        "government",
        "authorities",
        "officials",
        "leadership",
        "regime",
        "side",
    }
)
#: Words before a demonym or name that keep the reference to the state.
PREFIXES = frozenset({"pro", "anti"})
_STATE_KINDS = frozenset({EntityKind.STATE})


class MorphologyStrategy:
    """Strips a plural ending or an affix and retries the exact alias index."""

    __slots__ = ("gazetteer",)
    name = "morphology"

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def _forms(self, key: str) -> Iterator[tuple[str, str, frozenset[AliasKind] | None]]:
        """(base key, description, alias kinds allowed) for each reading of the key."""
        words = key.split(" ")
        if key.endswith("s") and len(key) > 3:
            yield key[:-1], "plural of", frozenset({AliasKind.DEMONYM})
        if len(words) > 1 and words[-1] in SUFFIXES:
            base = " ".join(words[:-1])
            yield base, f"'{words[-1]}' form of", None
            if base.endswith("s"):
                yield base[:-1], f"plural with '{words[-1]}' of", frozenset({AliasKind.DEMONYM})
        if len(words) > 1 and words[0] in PREFIXES:
            yield " ".join(words[1:]), f"'{words[0]}-' form of", None

    def __call__(self, query: Query) -> StrategyResult:
        """Resolve the first reading whose base is an alias of a state."""
        for base, how, kinds in self._forms(query.key):
            refs = self._state_refs(self.gazetteer.lookup(base), kinds)
            if refs:
                return resolve_refs(
                    self.gazetteer, refs, query, key=base, method=self.name, how=how, penalty=5.0
                )
        return NOTHING

    def _state_refs(
        self, refs: tuple[AliasRef, ...], kinds: frozenset[AliasKind] | None
    ) -> tuple[AliasRef, ...]:
        return tuple(
            r for r in refs if (kinds is None or r.kind in kinds) and r.entity.kind in _STATE_KINDS
        )
