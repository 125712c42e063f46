"""The compiled index: a merged gazetteer with its alias keys precomputed, stored as text.

Normalizing tens of thousands of aliases takes longer than the load budget, so the build
script stores the finished indexes. The JSONL files stay the truth: the compiled file records
a fingerprint of them (name, size and CRC-32 of each) and the normalizer version. Loading
compares names and sizes only (a stat, no read); the test suite and `build --check` compare
the CRC-32s too. Entities are stored one JSON line each and decoded only when first needed.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import zlib
from array import array
from collections.abc import Iterable, Sequence
from typing import Any, overload

import attrs

from diplonorm.dates import parse_partial_date
from diplonorm.gazetteer.family import family_positions
from diplonorm.gazetteer.index import (
    Conflict,
    EntityStore,
    Gazetteer,
    OfficeStore,
    PackedRefs,
    SourceInfo,
)
from diplonorm.model import AliasKind, Ambiguity, Entity, EntityKind, Office, Tenure

#: Bump when the format of the compiled file changes.
COMPILED_VERSION = 6
#: Bump when `diplonorm.text.normalize` changes the keys it produces.
NORMALIZER_VERSION = 2


def sources_digest(paths: Iterable[str | os.PathLike[str]], *, crc: bool = True) -> str:
    """A fingerprint of the source files, in order: names, sizes and CRC-32 of their bytes.

    With `crc=False` only names and sizes (no file is read): the quick check made at load.
    """
    parts = []
    for path in paths:
        name = os.path.basename(path)
        if crc:
            with open(path, "rb") as handle:
                raw = handle.read()
            parts.append(f"{name}:{len(raw)}:{zlib.crc32(raw):08x}")
        else:
            parts.append(f"{name}:{os.path.getsize(path)}")
    return ";".join(parts)


def _without_crc(digest: str) -> str:
    return ";".join(part.rsplit(":", 1)[0] for part in digest.split(";"))


def _entity_record(entity: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {"id": entity.id, "name": entity.name, "kind": entity.kind.value}
    for field in ("country", "family_name", "note"):
        value = getattr(entity, field)
        if value is not None:
            out[field] = value
    for field in ("aliases", "abbreviations", "demonyms", "metonyms", "affiliations"):
        value = getattr(entity, field)
        if value:
            out[field] = list(value)
    if entity.names:
        out["names"] = {k: list(v) for k, v in entity.names.items()}
    if entity.ids:
        out["ids"] = dict(entity.ids)
    out["source"] = entity.source
    return out


def _tenure_record(tenure: Tenure) -> list[Any]:
    return [
        tenure.holder,
        tenure.start.text if tenure.start else None,
        tenure.end.text if tenure.end else None,
        tenure.end_unknown,
        tenure.acting,
        tenure.note,
        tenure.as_of.isoformat() if tenure.as_of else None,
    ]


def _office_record(office: Office) -> dict[str, Any]:
    out = attrs.asdict(office, recurse=False)
    out["titles"] = list(office.titles)
    out["tenures"] = [_tenure_record(t) for t in office.tenures]
    return out


def dump_compiled(gazetteer: Gazetteer, digest: str, base_dir: str) -> str:
    """The gazetteer as text: eight lines of indexes (see `load_compiled`), then one JSON
    line per entity. Source paths are stored relative to `base_dir`."""
    store = gazetteer.store
    header = {
        "format": "diplonorm-compiled",
        "version": COMPILED_VERSION,
        "normalizer": NORMALIZER_VERSION,
        "sources_digest": digest,
        "sources": [
            {**attrs.asdict(s), "path": os.path.relpath(s.path, base_dir)}
            for s in gazetteer.sources
        ],
        "conflicts": [attrs.asdict(c) for c in gazetteer.conflicts],
        "codes": dict(gazetteer.codes),
    }
    keys = list(gazetteer.alias_keys)
    values = [gazetteer.alias_keys[k] for k in keys]
    rest = {
        "titles": {k: list(v) for k, v in gazetteer.title_keys.items()},
        "ambiguities": [
            {**attrs.asdict(a), "kind": a.kind.value, "key": key}
            for key, a in gazetteer.ambiguities.items()
        ],
        "multi": {str(i): list(v) for i, v in enumerate(values) if not isinstance(v, int)},
        "held_by": {k: list(v) for k, v in gazetteer.held_by.items()},
    }
    offices = [_office_record(o) for o in gazetteer.offices.values()]
    meta = gazetteer.alias_meta()
    entities = [_dumps(_entity_record(store.at(i))) for i in range(len(store))]
    ends = list(itertools.accumulate(len(line.encode("utf-8")) + 1 for line in entities))
    lines = [
        _dumps(header),
        _tab_line(list(store), "entity id"),
        _int_line([0, *ends]),
        _tab_line(keys, "alias key"),
        _int_line([v if isinstance(v, int) else -1 for v in values]),
        _dumps(rest),
        _dumps(offices),
        _dumps([meta[k] for k in keys]),
        _dumps(family_positions(store.at(i) for i in range(len(store)))),
    ]
    return "\n".join(lines + entities) + "\n"


def _int_line(numbers: list[int]) -> str:
    """Ints as the hex of their little-endian int32 bytes: parsed at C speed on load."""
    packed = array("i", numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes().hex()


def _read_ints(line: bytes) -> list[int]:
    packed = array("i", bytes.fromhex(line.decode("ascii")))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()


class _StoredLines(Sequence[bytes]):
    """The entity lines of compiled data, sliced out one by one when read (no split)."""

    __slots__ = ("_data", "_ends", "_start")

    def __init__(self, data: bytes, start: int, ends: list[int]) -> None:
        self._data = data
        self._start = start
        self._ends = ends

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        start = self._start
        return self._data[start + self._ends[index] : start + self._ends[index + 1] - 1]

    def __len__(self) -> int:
        return len(self._ends) - 1


def _tab_line(items: list[str], what: str) -> str:
    bad = next((item for item in items if "\t" in item or "\n" in item), None)
    if bad is not None:
        msg = f"{what} {bad!r} holds a tab or newline and cannot be stored in the compiled index"
        raise ValueError(msg)
    return "\t".join(items)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def is_current(header: dict[str, Any], digest: str) -> bool:
    """True when a compiled header matches this code's formats and the given sources.

    A digest made with `crc=False` is compared with the stored one without its CRC-32s.
    """
    stored = header.get("sources_digest")
    if not isinstance(stored, str):
        return False
    if digest.count(":") < stored.count(":"):
        stored = _without_crc(stored)
    return (
        header.get("format") == "diplonorm-compiled"
        and header.get("version") == COMPILED_VERSION
        and header.get("normalizer") == NORMALIZER_VERSION
        and stored == digest
    )


def _tenure(raw: list[Any]) -> Tenure:
    holder, start, end, end_unknown, acting, note, as_of = raw
    return Tenure(
        holder=holder,
        start=parse_partial_date(start) if start else None,
        end=parse_partial_date(end) if end else None,
        end_unknown=end_unknown,
        acting=acting,
        note=note,
        as_of=parse_partial_date(as_of).latest if as_of else None,
    )


def decode_entity(line: bytes) -> Entity:
    """One entity from its compiled JSON line."""
    raw = json.loads(line)
    return Entity(
        id=raw["id"],
        name=raw["name"],
        kind=EntityKind(raw["kind"]),
        country=raw.get("country"),
        aliases=tuple(raw.get("aliases", ())),
        abbreviations=tuple(raw.get("abbreviations", ())),
        demonyms=tuple(raw.get("demonyms", ())),
        metonyms=tuple(raw.get("metonyms", ())),
        names=raw.get("names"),
        family_name=raw.get("family_name"),
        affiliations=tuple(raw.get("affiliations", ())),
        ids=raw.get("ids"),
        note=raw.get("note"),
        source=raw["source"],
    )


def read_header(data: bytes) -> dict[str, Any]:
    """The header (first line) of compiled data."""
    header: dict[str, Any] = json.loads(data[: data.index(b"\n")])
    return header


def decode_office(raw: dict[str, Any]) -> Office:
    """One office from its compiled record."""
    return Office(
        id=raw["id"],
        name=raw["name"],
        jurisdiction=raw["jurisdiction"],
        country=raw["country"],
        sector=raw["sector"],
        titles=tuple(raw["titles"]),
        tenures=tuple(_tenure(t) for t in raw["tenures"]),
        single_holder=raw["single_holder"],
        source=raw["source"],
        role=raw.get("role"),
        actor_code=raw.get("actor_code"),
    )


#: Lines of a compiled file: header, entity ids (tab-separated), byte offsets of the entity
#: lines, alias keys (tab-separated), packed references (-1 where a key names several
#: entities: see "multi"), the other indexes, offices, alias detection data, family names;
#: then one line per entity. Offsets and references are stored by `_int_line`.
_HEADER, _IDS, _OFFSETS, _KEYS, _VALUES, _REST, _OFFICES, _META, _FAMILY = range(9)


def load_compiled(data: bytes, base_dir: str) -> Gazetteer:
    """Rebuild a Gazetteer from `dump_compiled` output (UTF-8 bytes); source paths are taken
    relative to `base_dir`. Entities, offices, alias detection data and family names are
    decoded only when first needed."""
    lines: list[bytes] = []
    start = 0
    for _ in range(_FAMILY + 1):
        end = data.index(b"\n", start)
        lines.append(data[start:end])
        start = end + 1
    header = json.loads(lines[_HEADER])
    ids = lines[_IDS].decode("utf-8").split("\t") if lines[_IDS] else []
    keys = lines[_KEYS].decode("utf-8").split("\t") if lines[_KEYS] else []
    values: list[PackedRefs] = list(_read_ints(lines[_VALUES]))
    rest = json.loads(lines[_REST])
    for position, refs in rest["multi"].items():
        values[int(position)] = tuple(refs)
    ambiguities = {}
    for raw in rest["ambiguities"]:
        ambiguities[raw["key"]] = Ambiguity(
            alias=raw["alias"],
            candidates=tuple(raw["candidates"]),
            default=raw["default"],
            rule=raw["rule"],
            source=raw["source"],
            kind=AliasKind(raw["kind"]),
        )
    return Gazetteer(
        entities=EntityStore(
            ids, _StoredLines(data, start, _read_ints(lines[_OFFSETS])), decode_entity
        ),
        offices=OfficeStore(lines[_OFFICES], decode_office),
        held_by={k: tuple(v) for k, v in rest["held_by"].items()},
        ambiguities=ambiguities,
        aliases=dict(zip(keys, values, strict=True)),
        titles={k: tuple(v) for k, v in rest["titles"].items()},
        codes=header["codes"],
        sources=tuple(
            SourceInfo(**{**s, "path": os.path.join(base_dir, s["path"])})
            for s in header["sources"]
        ),
        conflicts=tuple(Conflict(**c) for c in header["conflicts"]),
        alias_meta=lines[_META],
        family=lines[_FAMILY],
    )


def write_compiled(gazetteer: Gazetteer, digest: str, path: str | os.PathLike[str]) -> None:
    """Write the compiled index (deterministic for the same gazetteer); source paths are
    stored relative to the folder of `path`."""
    text = dump_compiled(gazetteer, digest, os.path.dirname(os.path.abspath(path)))
    partial = f"{os.fspath(path)}.partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)
