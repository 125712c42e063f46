"""Family names of persons: the keys a partial mention ("Sullivan", "Xi") is looked up by."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from diplonorm.model import Entity, EntityKind
from diplonorm.text import normalize

#: Family name first: persons of these states are "Xi", "Yang", "Kim" by their first word.
FAMILY_NAME_FIRST = frozenset(
    {"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "JPN", "VNM", "SGP", "KHM"}
)


#: Lower-case words inside names: "Bashar al-Assad", "Ursula von der Leyen".
NAME_PARTICLES = frozenset(
    {
        "al",
        "el",
        "bin",
        "ibn",
        "bint",
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "del",
        "la",
        "le",
        "du",
        "dos",
        "das",
        "ter",
    }
)


def family_keys(entity: Entity) -> frozenset[str]:
    """Keys of an entity's family name: the recorded one and the name's first or last word."""
    return _family_keys(entity.name, entity.family_name, entity.country)


@lru_cache(maxsize=16384)
def _family_keys(name: str, family_name: str | None, country: str | None) -> frozenset[str]:
    keys = set()
    if family_name:
        keys.add(normalize(family_name))
    words = normalize(name).split(" ")
    if len(words) > 1:
        keys.add(words[0] if country in FAMILY_NAME_FIRST else words[-1])
    return frozenset(k for k in keys if k)


def family_positions(entities: Iterable[Entity]) -> dict[str, list[int]]:
    """Family-name keys to the positions (in iteration order) of the persons carrying them."""
    index: dict[str, list[int]] = {}
    for position, entity in enumerate(entities):
        if entity.kind is EntityKind.PERSON:
            for key in sorted(family_keys(entity)):
                index.setdefault(key, []).append(position)
    return index
