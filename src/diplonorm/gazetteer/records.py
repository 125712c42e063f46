"""Reading one gazetteer file: JSON Lines records validated into model objects.

A file is read and checked completely before anything is returned, so a bad line never leaves
a half-loaded gazetteer behind. Every error names the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from diplonorm.dates import parse_partial_date
from diplonorm.errors import GazetteerError
from diplonorm.model import AliasKind, Ambiguity, Entity, EntityKind, Office, PartialDate, Tenure
from diplonorm.text import normalize
from diplonorm.validate import is_iso3

#: The schema version this code reads and writes.
SCHEMA_VERSION = 1

_ID = re.compile(
    r"(person|org|body|office|subdivision):[a-z0-9][a-z0-9._-]*(:[a-z0-9][a-z0-9._-]*)*"
)
_STATE_ID = re.compile(r"state:[A-Z]{3}")
_LANG = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,8})*")
_SECTOR = re.compile(r"[A-Z]{3}")
_ID_FORMATS = {
    "iso_a2": re.compile(r"[A-Z]{2}"),
    "iso_a3": re.compile(r"[A-Z]{3}"),
    "iso_n3": re.compile(r"\d{3}"),
    "wikidata": re.compile(r"Q[1-9]\d*"),
    "cameo": re.compile(r"[A-Z0-9]{3}([A-Z0-9]{3})*"),
    "iso_3166_2": re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}"),
}
_MAX_ALIAS = 300

_ENTITY_FIELDS = frozenset(
    {
        "type",
        "id",
        "kind",
        "name",
        "country",
        "aliases",
        "abbreviations",
        "demonyms",
        "metonyms",
        "names",
        "family_name",
        "affiliations",
        "ids",
        "note",
    }
)
_OFFICE_FIELDS = frozenset(
    {"type", "id", "name", "jurisdiction", "sector", "role", "titles", "single_holder", "tenures"}
)
_ROLE = re.compile(r"[a-z][a-z_]*")
_TENURE_FIELDS = frozenset({"holder", "start", "end", "acting", "note"})
_AMBIGUITY_FIELDS = frozenset({"type", "alias", "candidates", "default", "rule", "kind"})
_HEADER_FIELDS = frozenset({"diplonorm", "version", "name", "source", "as_of", "license"})


@attrs.frozen(slots=True)
class Header:
    """The first line of a gazetteer file: its name, source note and as-of date."""

    name: str
    source: str
    as_of: str
    license: str | None = None
    version: int = SCHEMA_VERSION


@attrs.frozen(slots=True)
class SourceFile:
    """A validated gazetteer file: its records and the line each record came from."""

    path: str
    header: Header
    entities: tuple[Entity, ...]
    offices: tuple[Office, ...]
    ambiguities: tuple[Ambiguity, ...]
    lines: Mapping[str, int]
    raw: bytes = attrs.field(default=b"", repr=False, eq=False)
    #: Precomputed alias keys by entity id, aligned with `Entity.all_aliases()`; when given,
    #: the builder uses them instead of normalizing every alias again.
    keys: Mapping[str, tuple[str, ...]] | None = attrs.field(default=None, repr=False, eq=False)

    def line_of(self, key: str) -> int:
        """The line a record id (or 'ambiguous:<alias>') was read from, 0 if unknown."""
        return self.lines.get(key, 0)


class _Record:
    """Typed access to one JSON object, raising errors that name file, line and field."""

    def __init__(self, data: dict[str, Any], path: str, line: int, allowed: frozenset[str]):
        self.data = data
        self.path = path
        self.line = line
        unknown = sorted(set(data) - allowed)
        if unknown:
            self.fail(unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def fail(self, field: str, message: str) -> None:
        raise GazetteerError(message, path=self.path, line=self.line, field=field)

    def text(self, field: str, *, required: bool = True) -> str | None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "required field is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"must be a non-empty string, not {value!r}")
        return str(value)

    def required_text(self, field: str) -> str:
        value = self.text(field)
        assert value is not None
        return value

    def flag(self, field: str, default: bool) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, f"must be true or false, not {value!r}")
        return bool(value)

    def strings(self, field: str, value: Any = None, *, alias: bool = True) -> tuple[str, ...]:
        value = self.data.get(field) if value is None else value
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(field, f"must be a list of strings, not {type(value).__name__}")
        out: list[str] = []
        for i, item in enumerate(value):
            where = f"{field}[{i}]"
            if not isinstance(item, str) or not item.strip():
                self.fail(where, f"must be a non-empty string, not {item!r}")
            if alias and len(item) > _MAX_ALIAS:
                self.fail(where, f"alias is longer than {_MAX_ALIAS} characters")
            if alias and not any(ch.isalnum() for ch in item):
                self.fail(where, f"alias {item!r} has no letters or digits")
            out.append(item)
        return tuple(out)


def _entity(rec: _Record, source: str) -> Entity:
    entity_id = rec.required_text("id")
    kind_text = rec.required_text("kind")
    try:
        kind = EntityKind(kind_text)
    except ValueError:
        kinds = ", ".join(k.value for k in EntityKind)
        rec.fail("kind", f"{kind_text!r} is not one of: {kinds}")
        raise  # pragma: no cover - fail() always raises
    country = rec.text("country", required=False)
    if country is not None and not is_iso3(country):
        rec.fail("country", f"{country!r} is not an ISO 3166-1 alpha-3 code")
    if kind is EntityKind.STATE:
        if not _STATE_ID.fullmatch(entity_id):
            rec.fail("id", f"state ids are 'state:' + ISO alpha-3, not {entity_id!r}")
        if country != entity_id[6:]:
            rec.fail("country", f"a state's country must be its own code {entity_id[6:]!r}")
    elif not _ID.fullmatch(entity_id) or entity_id.startswith("office:"):
        rec.fail("id", f"{entity_id!r} is not a valid id (e.g. 'person:jake-sullivan')")
    names: dict[str, tuple[str, ...]] = {}
    raw_names = rec.data.get("names")
    if raw_names is not None:
        if not isinstance(raw_names, dict):
            rec.fail("names", "must be an object mapping language codes to lists of names")
        for lang, values in raw_names.items():
            if not _LANG.fullmatch(lang):
                rec.fail(f"names.{lang}", "is not a language code such as 'fr' or 'pt_BR'")
            names[lang] = rec.strings(f"names.{lang}", values)
    ids: dict[str, str] = {}
    raw_ids = rec.data.get("ids")
    if raw_ids is not None:
        if not isinstance(raw_ids, dict):
            rec.fail("ids", "must be an object mapping id schemes to strings")
        for scheme, value in raw_ids.items():
            pattern = _ID_FORMATS.get(scheme)
            if pattern is None:
                rec.fail(f"ids.{scheme}", f"unknown id scheme (known: {', '.join(_ID_FORMATS)})")
            elif not isinstance(value, str) or not pattern.fullmatch(value):
                rec.fail(f"ids.{scheme}", f"{value!r} is not a valid {scheme} id")
            ids[scheme] = value
    return Entity(
        id=entity_id,
        name=rec.required_text("name"),
        kind=kind,
        country=country,
        aliases=rec.strings("aliases"),
        abbreviations=rec.strings("abbreviations"),
        demonyms=rec.strings("demonyms"),
        metonyms=rec.strings("metonyms"),
        names=names,
        family_name=rec.text("family_name", required=False),
        affiliations=rec.strings("affiliations", alias=False),
        ids=ids,
        note=rec.text("note", required=False),
        source=source,
    )


def _bound(rec: _Record, field: str, value: Any) -> PartialDate | None:
    if value == "?":
        return None
    if not isinstance(value, str):
        rec.fail(field, f"must be a date string or '?', not {value!r}")
    try:
        return parse_partial_date(value)
    except ValueError as exc:
        rec.fail(field, str(exc))
        raise  # pragma: no cover - fail() always raises


def _tenure(rec: _Record, i: int, raw: Any, as_of: dt.date) -> Tenure:
    where = f"tenures[{i}]"
    if not isinstance(raw, dict):
        rec.fail(where, "must be an object with holder, start and end")
    unknown = sorted(set(raw) - _TENURE_FIELDS)
    if unknown:
        rec.fail(f"{where}.{unknown[0]}", "unknown field")
    holder = raw.get("holder")
    if not isinstance(holder, str) or not holder:
        rec.fail(f"{where}.holder", "required entity id is missing")
    if "start" not in raw:
        rec.fail(f"{where}.start", "required (write '?' when the start is not known)")
    start = _bound(rec, f"{where}.start", raw["start"])
    end_raw = raw.get("end")
    end = None if end_raw is None else _bound(rec, f"{where}.end", end_raw)
    if start is not None and end is not None and end.latest < start.earliest:
        rec.fail(f"{where}.end", f"ends ({end}) before it starts ({start})")
    for flag in ("acting",):
        if not isinstance(raw.get(flag, False), bool):
            rec.fail(f"{where}.{flag}", "must be true or false")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        rec.fail(f"{where}.note", "must be a string")
    return Tenure(
        holder=str(holder),
        start=start,
        end=end,
        end_unknown=end_raw == "?",
        acting=bool(raw.get("acting", False)),
        note=note,
        as_of=None if end_raw is not None else as_of,
    )


def overlapping(tenures: Iterable[Tenure]) -> tuple[Tenure, Tenure] | None:
    """The first pair of tenures that certainly overlap in time, or None."""
    known = sorted(
        (t for t in tenures if t.start is not None),
        key=lambda t: t.start.latest if t.start else dt.date.min,
    )
    for a, b in itertools.pairwise(known):
        assert b.start is not None
        a_end = a.end.earliest if a.end is not None else None
        if a.end is None and a.end_unknown:
            continue
        if a_end is None or b.start.latest < a_end:
            return a, b
    return None


def _office(rec: _Record, source: str, as_of: dt.date) -> Office:
    office_id = rec.required_text("id")
    if not office_id.startswith("office:") or not _ID.fullmatch(office_id):
        rec.fail("id", f"office ids look like 'office:usa:secretary-of-state', not {office_id!r}")
    sector = rec.required_text("sector")
    if not _SECTOR.fullmatch(sector):
        rec.fail("sector", f"{sector!r} is not a three-letter CAMEO sector such as 'GOV'")
    titles = rec.strings("titles")
    if not titles:
        rec.fail("titles", "an office needs at least one title")
    raw_tenures = rec.data.get("tenures", [])
    if not isinstance(raw_tenures, list):
        rec.fail("tenures", "must be a list")
    tenures = tuple(_tenure(rec, i, t, as_of) for i, t in enumerate(raw_tenures))
    role = rec.text("role", required=False)
    if role is not None and not _ROLE.fullmatch(role):
        rec.fail("role", f"{role!r} is not a role name such as 'foreign_minister'")
    single = rec.flag("single_holder", True)
    if single:
        clash = overlapping(tenures)
        if clash is not None:
            a, b = clash
            rec.fail(
                "tenures",
                f"tenures of {a.holder} ({a.describe()}) and {b.holder} ({b.describe()}) "
                "overlap in a single-holder office",
            )
    return Office(
        id=office_id,
        name=rec.required_text("name"),
        jurisdiction=rec.required_text("jurisdiction"),
        country=None,
        sector=sector,
        titles=titles,
        tenures=tenures,
        single_holder=single,
        source=source,
        role=role,
    )


def _ambiguity(rec: _Record, source: str) -> Ambiguity:
    alias = rec.required_text("alias")
    candidates = rec.strings("candidates", alias=False)
    if len(set(candidates)) < 2 or len(set(candidates)) != len(candidates):
        rec.fail("candidates", "needs two or more different entity ids")
    default = rec.text("default", required=False)
    if default is not None and default not in candidates:
        rec.fail("default", f"{default!r} is not one of the candidates")
    kind = rec.text("kind", required=False) or AliasKind.NAME.value
    if kind not in {k.value for k in AliasKind}:
        rec.fail("kind", f"{kind!r} is not an alias kind")
    return Ambiguity(
        alias=alias,
        candidates=candidates,
        default=default,
        rule=rec.required_text("rule"),
        source=source,
        kind=AliasKind(kind),
    )


def _header(data: Any, path: str) -> Header:
    if not isinstance(data, dict) or data.get("diplonorm") != "gazetteer":
        msg = 'the first line must be a header: {"diplonorm": "gazetteer", "version": 1, ...}'
        raise GazetteerError(msg, path=path, line=1, field="diplonorm")
    rec = _Record(data, path, 1, _HEADER_FIELDS)
    version = data.get("version")
    if version != SCHEMA_VERSION:
        rec.fail("version", f"unsupported schema version {version!r} (this diplonorm reads 1)")
    as_of = rec.required_text("as_of")
    _bound(rec, "as_of", as_of)
    return Header(
        name=rec.required_text("name"),
        source=rec.required_text("source"),
        as_of=as_of,
        license=rec.text("license", required=False),
    )


def _lines(raw: bytes, path: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"not UTF-8 ({exc.reason} at byte {exc.start})"
            raise GazetteerError(msg, path=path, line=number) from None
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            yield number, stripped


@attrs.define
class _Collected:
    entities: list[Entity] = attrs.Factory(list)
    offices: list[Office] = attrs.Factory(list)
    ambiguities: list[Ambiguity] = attrs.Factory(list)


def _add_record(
    record_type: object,
    data: dict[str, Any],
    path: str,
    number: int,
    header: Header,
    as_of: dt.date,
    out: _Collected,
) -> str:
    """Validate one record, append it to `out` and return the key duplicates are checked by."""
    if record_type == "entity":
        entity = _entity(_Record(data, path, number, _ENTITY_FIELDS), header.name)
        out.entities.append(entity)
        return entity.id
    if record_type == "office":
        office = _office(_Record(data, path, number, _OFFICE_FIELDS), header.name, as_of)
        out.offices.append(office)
        return office.id
    if record_type == "ambiguous":
        amb = _ambiguity(_Record(data, path, number, _AMBIGUITY_FIELDS), header.name)
        out.ambiguities.append(amb)
        return f"ambiguous:{normalize(amb.alias)}"
    msg = f"unknown record type {record_type!r} (entity, office or ambiguous)"
    raise GazetteerError(msg, path=path, line=number, field="type")


def parse_source(
    raw: bytes, path: str = "<memory>", keys: Mapping[str, tuple[str, ...]] | None = None
) -> SourceFile:
    """Validate gazetteer bytes (JSON Lines) into a SourceFile, or raise GazetteerError.

    `keys` are alias keys saved with the file earlier (see `alias_keys_of`), so that loading
    a saved pipeline does not normalize every alias again.
    """
    header: Header | None = None
    records = _Collected()
    lines: dict[str, int] = {}
    as_of = dt.date.max
    for number, text in _lines(raw, path):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GazetteerError(f"invalid JSON: {exc.msg}", path=path, line=number) from None
        if header is None:
            header = _header(data, path) if number == 1 else _header(None, path)
            as_of = parse_partial_date(header.as_of).latest
            continue
        if not isinstance(data, dict):
            raise GazetteerError("a record must be a JSON object", path=path, line=number)
        record_type = data.get("type")
        key = _add_record(record_type, data, path, number, header, as_of, records)
        if key in lines:
            msg = f"duplicate id {key!r} (first on line {lines[key]})"
            raise GazetteerError(msg, path=path, line=number, field="id")
        lines[key] = number
    if header is None:
        raise GazetteerError("empty file: a header line is required", path=path, line=1)
    return SourceFile(
        path=path,
        header=header,
        entities=tuple(records.entities),
        offices=tuple(records.offices),
        ambiguities=tuple(records.ambiguities),
        lines=lines,
        raw=raw,
        keys=keys,
    )


def alias_keys_of(source: SourceFile) -> dict[str, list[str]]:
    """The normalized key of every alias of every entity of a file, to save beside it."""
    return {e.id: [normalize(a.text) for a in e.all_aliases()] for e in source.entities}


def read_source(path: str | Path) -> SourceFile:
    """Read and validate one gazetteer file from disk."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read gazetteer file: {exc.strerror or exc}"
        raise GazetteerError(msg, path=str(path)) from None
    return parse_source(raw, str(path))
