"""The immutable, indexed gazetteer that every resolution strategy reads from."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar, cast

import attrs

from diplonorm.gazetteer.family import family_positions
from diplonorm.model import AliasKind, Ambiguity, Entity, EntityKind, Office
from diplonorm.text import fold_case


@attrs.frozen(slots=True)
class AliasRef:
    """One entity an alias key points to, with the alias as written and its kind."""

    entity: Entity
    kind: AliasKind
    text: str
    lang: str = "en"

    @property
    def entity_id(self) -> str:
        """The id of the entity."""
        return self.entity.id


@attrs.frozen(slots=True)
class Conflict:
    """A decision taken while merging gazetteers: what was replaced or taken, and by whom."""

    kind: str
    key: str
    winner: str
    loser: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.key!r}: {self.detail}"


@attrs.frozen(slots=True)
class SourceInfo:
    """Where a merged gazetteer's records came from: its name, path, source note and date."""

    name: str
    path: str
    source: str
    as_of: str
    license: str | None = None


T = TypeVar("T")

#: Packed alias references: entity index << 16 | alias position << 3 | alias kind code.
_KIND_CODES = tuple(AliasKind)
FROM_AMBIGUITY = 8191
PackedRefs = int | Sequence[int]


def pack_ref(entity_index: int, alias_position: int, kind: AliasKind) -> int:
    """One alias reference as an int; position `FROM_AMBIGUITY` marks a declared ambiguity."""
    return (entity_index << 16) | (alias_position << 3) | _KIND_CODES.index(kind)


def unpack_ref(packed: int) -> tuple[int, int, AliasKind]:
    """(entity index, alias position, kind) of a packed alias reference."""
    return packed >> 16, (packed >> 3) & 8191, _KIND_CODES[packed & 7]


def packed_list(packed: PackedRefs) -> tuple[int, ...]:
    """The packed references of one key as a tuple."""
    return (packed,) if isinstance(packed, int) else tuple(packed)


class EntityStore(Mapping[str, Entity]):
    """Entities by id, decoded from their stored form on first access and then kept.

    `items` holds the entities themselves, or (with `decode`) their stored forms, which are
    read one by one when first needed: a lazy sequence keeps loading from touching them all.
    """

    __slots__ = ("_decode", "_ids", "_items", "_lock", "_position", "_stored")

    def __init__(
        self,
        ids: Sequence[str],
        items: Sequence[Entity] | Sequence[bytes],
        decode: Callable[[bytes], Entity] | None = None,
    ) -> None:
        self._ids = tuple(ids)
        if len(items) != len(self._ids):
            msg = f"{len(items)} stored entities for {len(self._ids)} ids"
            raise ValueError(msg)
        self._items: list[Entity | None]
        self._stored: Sequence[bytes] | None
        if decode is None:
            self._items = list(cast("Sequence[Entity]", items))
            self._stored = None
        else:
            self._items = [None] * len(self._ids)
            self._stored = cast("Sequence[bytes]", items)
        self._position: dict[str, int] | None = None
        self._decode = decode
        self._lock = threading.Lock()

    def at(self, index: int) -> Entity:
        """The entity at a position of the store."""
        item = self._items[index]
        if item is not None:
            return item
        assert self._decode is not None
        assert self._stored is not None
        entity = self._decode(self._stored[index])
        with self._lock:
            self._items[index] = entity
        return entity

    def id_at(self, index: int) -> str:
        """The id at a position of the store, without decoding the entity."""
        return self._ids[index]

    def _positions(self) -> dict[str, int]:
        """Positions by id, made on first lookup by id (resolving by alias never needs it)."""
        position = self._position
        if position is None:
            position = dict(zip(self._ids, range(len(self._ids)), strict=True))
            self._position = position
        return position

    def __getitem__(self, entity_id: str) -> Entity:
        return self.at(self._positions()[entity_id])

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._positions()

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class OfficeStore(Mapping[str, Office]):
    """Offices by id, read from their stored JSON on first access and built one by one."""

    __slots__ = ("_decode", "_items", "_lock", "_raw")

    def __init__(self, raw: bytes, decode: Callable[[dict[str, Any]], Office]) -> None:
        self._raw = raw
        self._decode = decode
        self._items: dict[str, Office | dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def _all(self) -> dict[str, Office | dict[str, Any]]:
        items = self._items
        if items is None:
            with self._lock:
                if self._items is None:
                    self._items = {r["id"]: r for r in json.loads(self._raw)}
                items = self._items
        return items

    def __getitem__(self, office_id: str) -> Office:
        items = self._all()
        item = items[office_id]
        if isinstance(item, Office):
            return item
        office = self._decode(item)
        with self._lock:
            items[office_id] = office
        return office

    def __contains__(self, office_id: object) -> bool:
        return office_id in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class Gazetteer:
    """Entities, offices and their indexes, built once and never changed.

    Build one with `GazetteerBuilder` or `load_gazetteer`; the bundled data is
    `diplonorm.gazetteer.bundled_gazetteer()`. Entities of the compiled bundled index are
    decoded on first access, which keeps loading fast.
    """

    __slots__ = (
        "_aliases",
        "_ambiguities",
        "_codes",
        "_derived",
        "_derived_lock",
        "_entities",
        "_family_raw",
        "_held_by",
        "_meta_raw",
        "_offices",
        "_titles",
        "conflicts",
        "sources",
    )

    def __init__(
        self,
        *,
        entities: EntityStore,
        offices: Mapping[str, Office],
        ambiguities: Mapping[str, Ambiguity],
        aliases: dict[str, PackedRefs],
        titles: Mapping[str, tuple[str, ...]],
        codes: Mapping[str, str] | None = None,
        sources: tuple[SourceInfo, ...] = (),
        conflicts: tuple[Conflict, ...] = (),
        alias_meta: bytes | None = None,
        family: bytes | None = None,
        held_by: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._entities = entities
        self._offices: Mapping[str, Office] = (
            offices if isinstance(offices, OfficeStore) else MappingProxyType(dict(offices))
        )
        self._ambiguities = MappingProxyType(dict(ambiguities))
        self._aliases = MappingProxyType(aliases)
        self._titles = MappingProxyType(dict(titles))
        self.sources = sources
        self.conflicts = conflicts
        if codes is None:
            codes = code_index(entities.values())
        self._codes = MappingProxyType(dict(codes))
        if held_by is None:
            held: dict[str, list[str]] = {}
            for office in self._offices.values():
                for tenure in office.tenures:
                    held.setdefault(tenure.holder, []).append(office.id)
            held_by = {k: tuple(dict.fromkeys(v)) for k, v in held.items()}
        self._held_by = MappingProxyType(dict(held_by))
        self._meta_raw = alias_meta
        self._family_raw = family
        self._derived: dict[object, object] = {}
        self._derived_lock = threading.RLock()

    def derived(self, key: object, build: Callable[[Gazetteer], T]) -> T:
        """A structure derived from this gazetteer (an index), built once and then shared.

        `key` names the structure, e.g. ("phrases", languages); `build` makes it on first use.
        """
        with self._derived_lock:
            if key not in self._derived:
                self._derived[key] = build(self)
            return self._derived[key]  # type: ignore[return-value]

    def alias_meta(self) -> Mapping[str, list[list[Any]]]:
        """For each alias key, one [language or "", capitalized] pair per entity it names.

        Text detection needs only this, not the entities: the compiled index stores it, and
        a gazetteer built from files computes it once from its entities.
        """
        return self.derived("alias-meta", _alias_meta)

    def family_index(self) -> Mapping[str, tuple[str, ...]]:
        """Family-name keys ("sullivan", "von der leyen") to the ids of persons carrying them.

        The compiled index stores it, so partial names never decode every person.
        """
        return self.derived("family-index", _family_index)

    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def __repr__(self) -> str:
        names = ", ".join(s.name for s in self.sources)
        return (
            f"<Gazetteer {len(self._entities)} entities, {len(self._offices)} offices, "
            f"{len(self._aliases)} alias keys from [{names}]>"
        )

    @property
    def entities(self) -> Mapping[str, Entity]:
        """Every entity by id (read-only)."""
        return self._entities

    @property
    def offices(self) -> Mapping[str, Office]:
        """Every office by id (read-only)."""
        return self._offices

    @property
    def ambiguities(self) -> Mapping[str, Ambiguity]:
        """Declared ambiguous aliases by normalized key (read-only)."""
        return self._ambiguities

    @property
    def alias_keys(self) -> Mapping[str, PackedRefs]:
        """The alias index in packed form; use `lookup` or `refs` to read it."""
        return self._aliases

    @property
    def codes(self) -> Mapping[str, str]:
        """External codes (upper case) to entity ids (read-only)."""
        return self._codes

    @property
    def title_keys(self) -> Mapping[str, tuple[str, ...]]:
        """The title index: normalized office title to office ids (read-only)."""
        return self._titles

    @property
    def store(self) -> EntityStore:
        """The entity store, addressable by position as packed references are."""
        return self._entities

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self._entities.get(entity_id)

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id; raises LookupError when there is none."""
        entity = self._entities.get(entity_id)
        if entity is None:
            msg = f"no entity with id {entity_id!r}"
            raise LookupError(msg)
        return entity

    def office(self, office_id: str) -> Office:
        """The office with this id; raises LookupError when there is none."""
        office = self._offices.get(office_id)
        if office is None:
            msg = f"no office with id {office_id!r}"
            raise LookupError(msg)
        return office

    def refs(self, key: str) -> tuple[AliasRef, ...]:
        """The entities one exact normalized key names (no case fallback)."""
        packed = self._aliases.get(key)
        if packed is None:
            return ()
        if isinstance(packed, int):
            return (self._unpack(packed, key),)
        return tuple(self._unpack(p, key) for p in packed)

    def _unpack(self, packed: int, key: str) -> AliasRef:
        index, position, kind = unpack_ref(packed)
        entity = self._entities.at(index)
        if position == FROM_AMBIGUITY:
            amb = self._ambiguities[key]
            return AliasRef(entity, kind, amb.alias)
        alias = entity.all_aliases()[position]
        return AliasRef(entity, kind, alias.text, alias.lang)

    def lookup(self, key: str) -> tuple[AliasRef, ...]:
        """Entities named by a normalized key; an all-caps query also matches plain aliases."""
        if key in self._aliases:
            return self.refs(key)
        folded = fold_case(key)
        return self.refs(folded) if folded != key else ()

    def ambiguity(self, key: str) -> Ambiguity | None:
        """The ambiguity declared for a normalized key, if any."""
        return self._ambiguities.get(key) or self._ambiguities.get(fold_case(key))

    def offices_titled(self, key: str) -> tuple[Office, ...]:
        """Offices that carry a normalized title."""
        return tuple(self._offices[o] for o in self._titles.get(key, ()))

    @property
    def held_by(self) -> Mapping[str, tuple[str, ...]]:
        """Ids of the offices each entity has held, by entity id."""
        return self._held_by

    def offices_held_by(self, entity_id: str) -> tuple[Office, ...]:
        """Offices in which the entity has a tenure."""
        return tuple(self._offices[o] for o in self._held_by.get(entity_id, ()))

    def by_code(self, code: str) -> Entity | None:
        """The entity with this external code: ISO alpha-2/alpha-3/numeric, CAMEO or QID."""
        entity_id = self._codes.get(code.strip().upper())
        return None if entity_id is None else self._entities.get(entity_id)

    def states(self) -> Iterator[Entity]:
        """Every state entity."""
        return (e for e in self._entities.values() if e.kind is EntityKind.STATE)


def _family_index(gazetteer: Gazetteer) -> dict[str, tuple[str, ...]]:
    raw = gazetteer._family_raw
    positions: dict[str, list[int]]
    if raw is not None:
        positions = json.loads(raw)
    else:
        positions = family_positions(gazetteer.store.at(i) for i in range(len(gazetteer.store)))
    id_at = gazetteer.store.id_at
    return {key: tuple(map(id_at, found)) for key, found in positions.items()}


def _alias_meta(gazetteer: Gazetteer) -> dict[str, list[list[Any]]]:
    raw = gazetteer._meta_raw
    if raw is not None:
        stored: list[list[list[Any]]] = json.loads(raw)
        return dict(zip(gazetteer.alias_keys, stored, strict=True))
    meta: dict[str, list[list[Any]]] = {}
    store = gazetteer.store
    for key, packed in gazetteer.alias_keys.items():
        pairs = []
        for ref in packed_list(packed):
            index, position, kind = unpack_ref(ref)
            if position == FROM_AMBIGUITY:
                text, lang = gazetteer.ambiguities[key].alias, ""
            else:
                alias = store.at(index).all_aliases()[position]
                text = alias.text
                lang = alias.lang if kind is AliasKind.TRANSLATION else ""
            pairs.append([lang, starts_capitalized(text)])
        meta[key] = pairs
    return meta


def starts_capitalized(alias: str) -> bool:
    """True when the alias, without a leading "the", starts with an upper-case letter."""
    words = alias.split()
    while len(words) > 1 and words[0].casefold() == "the":
        words = words[1:]
    first = next((ch for ch in " ".join(words) if ch.isalpha()), "")
    return first.isupper()


def code_index(entities: Iterable[Entity]) -> dict[str, str]:
    """External codes to entity ids; a code claimed twice is kept by the first entity.

    CAMEO codes are indexed for states only: persons share codes such as USAGOV.
    """
    index: dict[str, str] = {}
    for entity in entities:
        for scheme in ("iso_a3", "iso_a2", "iso_n3", "cameo", "wikidata", "iso_3166_2"):
            value = entity.ids.get(scheme)
            if value and (scheme != "cameo" or entity.kind is EntityKind.STATE):
                index.setdefault(value.upper(), entity.id)
    return index
