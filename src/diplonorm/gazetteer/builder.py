"""Merging validated gazetteer files into one immutable `Gazetteer`.

Later files take precedence: a repeated id replaces the earlier record, an alias claimed by
two entities from different files goes to the later file, and each decision is recorded as a
`Conflict`. Two entities of the *same* file sharing an alias is an error unless the file
declares the alias ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from diplonorm.errors import GazetteerError
from diplonorm.gazetteer.index import (
    FROM_AMBIGUITY,
    Conflict,
    EntityStore,
    Gazetteer,
    PackedRefs,
    SourceInfo,
    pack_ref,
    packed_list,
    unpack_ref,
)
from diplonorm.gazetteer.records import SourceFile, read_source
from diplonorm.model import AliasKind, Ambiguity, Entity, EntityKind, Office
from diplonorm.text import normalize

_FIELDS = {
    AliasKind.NAME: "aliases",
    AliasKind.ABBREVIATION: "abbreviations",
    AliasKind.DEMONYM: "demonyms",
    AliasKind.METONYM: "metonyms",
    AliasKind.TRANSLATION: "names",
}


@attrs.frozen(slots=True)
class _Origin:
    path: str
    line: int


@attrs.frozen(slots=True)
class _Entry:
    """An alias key's reference while building: entity id, alias position and kind."""

    entity_id: str
    position: int
    kind: AliasKind


class GazetteerBuilder:
    """Collects gazetteer files in precedence order and builds the merged `Gazetteer`."""

    def __init__(self, base: Gazetteer | None = None) -> None:
        self._entities: dict[str, Entity] = {}
        self._offices: dict[str, Office] = {}
        self._ambiguities: dict[str, Ambiguity] = {}
        self._aliases: dict[str, list[_Entry]] = {}
        self._origin: dict[str, _Origin] = {}
        self._sources: list[SourceInfo] = []
        self._conflicts: list[Conflict] = []
        if base is not None:
            self._entities.update(base.entities)
            self._offices.update(base.offices)
            self._ambiguities.update(base.ambiguities)
            store = base.store
            for key, packed in base.alias_keys.items():
                entries = []
                for ref in packed_list(packed):
                    index, position, kind = unpack_ref(ref)
                    entries.append(_Entry(store.id_at(index), position, kind))
                self._aliases[key] = entries
            self._sources.extend(base.sources)
            self._conflicts.extend(base.conflicts)
            by_name = {s.name: s.path for s in base.sources}
            for entity in base.entities.values():
                self._origin[entity.id] = _Origin(by_name.get(entity.source, ""), 0)
            for office in base.offices.values():
                self._origin[office.id] = _Origin(by_name.get(office.source, ""), 0)

    def add_file(self, path: str | Path) -> GazetteerBuilder:
        """Read, validate and add one gazetteer file."""
        return self.add(read_source(path))

    def add(self, source: SourceFile) -> GazetteerBuilder:
        """Add a validated file; its records take precedence over everything added before."""
        header = source.header
        self._sources.append(
            SourceInfo(header.name, source.path, header.source, header.as_of, header.license)
        )
        for amb in source.ambiguities:
            key = normalize(amb.alias)
            old = self._ambiguities.get(key)
            if old is not None:
                self._conflict("ambiguity-replaced", key, amb.source, old.source, "")
            self._ambiguities[key] = amb
        for entity in source.entities:
            self._add_entity(entity, source)
        for office in source.offices:
            old_office = self._offices.get(office.id)
            if old_office is not None:
                self._conflict("office-replaced", office.id, office.source, old_office.source, "")
            self._offices[office.id] = office
            self._origin[office.id] = _Origin(source.path, source.line_of(office.id))
        return self

    def _conflict(self, kind: str, key: str, winner: str, loser: str, detail: str) -> None:
        text = detail or f"{winner} replaces {loser}"
        self._conflicts.append(Conflict(kind, key, winner, loser, text))

    def _add_entity(self, entity: Entity, source: SourceFile) -> None:
        old = self._entities.get(entity.id)
        if old is not None:
            self._conflict("entity-replaced", entity.id, entity.source, old.source, "")
            self._drop_aliases(old)
        self._entities[entity.id] = entity
        origin = _Origin(source.path, source.line_of(entity.id))
        self._origin[entity.id] = origin
        given = source.keys.get(entity.id) if source.keys is not None else None
        aliases = entity.all_aliases()
        if given is not None and len(given) != len(aliases):
            given = None
        for position, alias in enumerate(aliases):
            key = given[position] if given is not None else normalize(alias.text)
            if not key:
                msg = f"alias {alias.text!r} has no letters or digits"
                field = _FIELDS[alias.kind]
                raise GazetteerError(msg, path=source.path, line=origin.line, field=field)
            refs = self._aliases.setdefault(key, [])
            if any(r.entity_id == entity.id for r in refs):
                continue
            others = {r.entity_id for r in refs}
            amb = self._ambiguities.get(key)
            if others and not (amb and others | {entity.id} <= set(amb.candidates)):
                for other in sorted(others):
                    theirs = self._origin.get(other, _Origin("", 0))
                    if theirs.path == source.path:
                        msg = (
                            f"alias {alias.text!r} (key {key!r}) of {entity.id} shadows the same "
                            f"alias of {other} on line {theirs.line}; declare it with an "
                            '"ambiguous" record or remove one'
                        )
                        raise GazetteerError(
                            msg, path=source.path, line=origin.line, field="aliases"
                        )
                    detail = f"{key!r} now names {entity.id} ({entity.source}), not {other}"
                    loser = self._entities[other].source
                    self._conflict("alias-taken", key, entity.source, loser, detail)
                refs[:] = [r for r in refs if r.entity_id not in others]
            refs.append(_Entry(entity.id, position, alias.kind))

    def _drop_aliases(self, entity: Entity) -> None:
        for alias in entity.all_aliases():
            key = normalize(alias.text)
            refs = self._aliases.get(key)
            if refs is None:
                continue
            refs[:] = [r for r in refs if r.entity_id != entity.id]
            if not refs:
                del self._aliases[key]

    def _fail(self, record_id: str, field: str, message: str) -> None:
        origin = self._origin.get(record_id, _Origin("", 0))
        raise GazetteerError(message, path=origin.path, line=origin.line, field=field)

    def _check_references(self) -> None:
        for entity in self._entities.values():
            for i, ref in enumerate(entity.affiliations):
                if ref not in self._entities:
                    self._fail(entity.id, f"affiliations[{i}]", f"no entity with id {ref!r}")
        for office in self._offices.values():
            if office.jurisdiction not in self._entities:
                self._fail(office.id, "jurisdiction", f"no entity with id {office.jurisdiction!r}")
            for i, tenure in enumerate(office.tenures):
                if tenure.holder not in self._entities:
                    msg = f"no entity with id {tenure.holder!r}"
                    self._fail(office.id, f"tenures[{i}].holder", msg)
        for key, amb in self._ambiguities.items():
            for cand in amb.candidates:
                if cand not in self._entities:
                    msg = f"ambiguous alias {amb.alias!r} names unknown entity {cand!r}"
                    raise GazetteerError(msg, field="candidates", path=amb.source)
            refs = self._aliases.setdefault(key, [])
            present = {r.entity_id for r in refs}
            stray = present - set(amb.candidates)
            if stray:
                msg = f"alias {amb.alias!r} is declared ambiguous but also names {sorted(stray)}"
                raise GazetteerError(msg, field="candidates", path=amb.source)
            refs.extend(
                _Entry(c, FROM_AMBIGUITY, amb.kind) for c in amb.candidates if c not in present
            )

    def _title_index(self) -> dict[str, tuple[str, ...]]:
        titles: dict[str, list[str]] = {}
        owner: dict[tuple[str, str], str] = {}
        for office in self._offices.values():
            for title in office.titles:
                key = normalize(title)
                claimed = owner.get((key, office.jurisdiction))
                if claimed is not None and claimed != office.id:
                    mine, theirs = self._origin[office.id], self._origin[claimed]
                    if mine.path == theirs.path:
                        where = office.jurisdiction
                        msg = f"title {title!r} is also a title of {claimed} in {where}"
                        self._fail(office.id, "titles", msg)
                    detail = f"{title!r} in {office.jurisdiction} now names {office.id}"
                    self._conflict("title-taken", key, office.id, claimed, detail)
                    titles[key].remove(claimed)
                owner[(key, office.jurisdiction)] = office.id
                ids = titles.setdefault(key, [])
                if office.id not in ids:
                    ids.append(office.id)
        return {k: tuple(v) for k, v in titles.items() if v}

    def build(self) -> Gazetteer:
        """Check cross-references and return the immutable, indexed gazetteer."""
        self._check_references()
        offices = {
            oid: attrs.evolve(
                o,
                country=self._entities[o.jurisdiction].country,
                actor_code=office_code(self._entities[o.jurisdiction], o.sector),
            )
            for oid, o in self._offices.items()
        }
        self._offices = offices
        ids = list(self._entities)
        position = {entity_id: i for i, entity_id in enumerate(ids)}
        aliases: dict[str, PackedRefs] = {}
        for key, entries in self._aliases.items():
            packed = tuple(pack_ref(position[e.entity_id], e.position, e.kind) for e in entries)
            if packed:
                aliases[key] = packed[0] if len(packed) == 1 else packed
        return Gazetteer(
            entities=EntityStore(ids, list(self._entities.values())),
            offices=offices,
            ambiguities=self._ambiguities,
            aliases=aliases,
            titles=self._title_index(),
            sources=tuple(self._sources),
            conflicts=tuple(self._conflicts),
        )


def office_code(jurisdiction: Entity, sector: str) -> str | None:
    """The CAMEO actor code of an office: its state's code plus the sector ("USA" + "GOV"),
    or the code of the organization or body it belongs to ("IGOUNO"); None when unknown."""
    code = jurisdiction.cameo
    if code is None or jurisdiction.kind is not EntityKind.STATE or code.endswith(sector):
        return code
    return code + sector


def load_gazetteer(paths: Iterable[str | Path], base: Gazetteer | None = None) -> Gazetteer:
    """Merge gazetteer files (later ones take precedence) on top of an optional base."""
    builder = GazetteerBuilder(base)
    for path in paths:
        builder.add_file(path)
    return builder.build()
