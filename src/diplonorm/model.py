"""The data model: entities, offices with dated tenures, and resolutions.

Every record is an immutable attrs class so gazetteers can be shared between threads and
processes without copying or locking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs


class EntityKind(StrEnum):
    """What kind of actor an entity is."""

    STATE = "state"
    PERSON = "person"
    ORGANIZATION = "organization"
    GOVERNMENT_BODY = "government_body"
    SUBDIVISION = "subdivision"


class AliasKind(StrEnum):
    """How an alias names its entity; later stages use it to tell a place from a government."""

    NAME = "name"
    ABBREVIATION = "abbreviation"
    DEMONYM = "demonym"
    METONYM = "metonym"
    TRANSLATION = "translation"


def _frozen_mapping(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(value or {}))


def _frozen_names(
    value: Mapping[str, tuple[str, ...]] | None,
) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({lang: tuple(names) for lang, names in (value or {}).items()})


@attrs.frozen(slots=True)
class Alias:
    """One way of writing an entity's name, with its kind and language."""

    text: str
    kind: AliasKind
    lang: str = "en"


@attrs.frozen(slots=True)
class Entity:
    """A canonical actor: a state, person, organization or government body."""

    id: str
    name: str
    kind: EntityKind
    country: str | None = None
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    names: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_frozen_names, eq=False, hash=False
    )
    family_name: str | None = None
    affiliations: tuple[str, ...] = ()
    ids: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen_mapping, eq=False, hash=False
    )
    note: str | None = None
    source: str = ""
    alias_list: tuple[Alias, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        out = [Alias(self.name, AliasKind.NAME)]
        out += [Alias(a, AliasKind.NAME) for a in self.aliases]
        out += [Alias(a, AliasKind.ABBREVIATION) for a in self.abbreviations]
        out += [Alias(a, AliasKind.DEMONYM) for a in self.demonyms]
        out += [Alias(a, AliasKind.METONYM) for a in self.metonyms]
        for lang, names in sorted(self.names.items()):
            out += [Alias(a, AliasKind.TRANSLATION, lang) for a in names]
        object.__setattr__(self, "alias_list", tuple(out))

    def __reduce__(self) -> str | tuple[Any, ...]:
        """Pickle a bundled entity as a reference to the bundled data, others in full.

        A state carries names in 160 languages; sending it between processes by id keeps
        multiprocessing cheap.
        """
        if self.source.startswith("bundled-"):
            from diplonorm.gazetteer.bundled import bundled_entity, bundled_gazetteer

            if bundled_gazetteer().get(self.id) is self:
                return (bundled_entity, (self.id,))
        fields = {a.name: getattr(self, a.name) for a in attrs.fields(Entity) if a.init}
        fields["names"] = {k: list(v) for k, v in self.names.items()}
        fields["ids"] = dict(self.ids)
        return (_entity_from_fields, (fields,))

    @property
    def wikidata(self) -> str | None:
        """The Wikidata QID when it is known, else None."""
        return self.ids.get("wikidata")

    @property
    def cameo(self) -> str | None:
        """The CAMEO actor code when it is known, else None."""
        return self.ids.get("cameo")

    def all_aliases(self) -> tuple[Alias, ...]:
        """Every written form of the entity, the canonical name first (computed once)."""
        return self.alias_list


def _entity_from_fields(fields: dict[str, Any]) -> Entity:
    """Rebuild a pickled entity from its fields."""
    return Entity(**fields)


@attrs.frozen(slots=True, order=True)
class PartialDate:
    """A date known to a year, a month or a day; it covers the days from `earliest` to `latest`."""

    earliest: dt.date
    latest: dt.date
    text: str = attrs.field(order=False)

    def __str__(self) -> str:
        return self.text


@attrs.frozen(slots=True)
class Tenure:
    """One holder of an office over a half-open period [start, end).

    `start` None means the start is unknown. `end` None means still in office on the
    gazetteer's as-of date when `end_unknown` is False, or ended on an unknown date when True.
    """

    holder: str
    start: PartialDate | None
    end: PartialDate | None
    end_unknown: bool = False
    acting: bool = False
    note: str | None = None
    as_of: dt.date | None = None

    def certainly_covers(self, day: dt.date) -> bool:
        """True when every reading of the known dates puts the holder in office on `day`."""
        if self.start is None or self.start.latest > day:
            return False
        if self.end is not None:
            return day < self.end.earliest
        if self.end_unknown:
            return False
        return self.as_of is None or day <= self.as_of

    def possibly_covers(self, day: dt.date) -> bool:
        """True when some reading of the known dates puts the holder in office on `day`."""
        if self.start is not None and self.start.earliest > day:
            return False
        if self.end is not None:
            return day < self.end.latest
        return True

    def describe(self) -> str:
        """The tenure's dates as text, e.g. '2021-01-20 to 2025-01-20'."""
        start = str(self.start) if self.start else "unknown start"
        if self.end is not None:
            end = str(self.end)
        elif self.end_unknown:
            end = "an unknown date"
        else:
            end = f"present (as of {self.as_of})" if self.as_of else "present"
        acting = ", acting" if self.acting else ""
        return f"{start} to {end}{acting}"


@attrs.frozen(slots=True)
class Office:
    """A position such as "USA national security adviser", its titles and its holders."""

    id: str
    name: str
    jurisdiction: str
    country: str | None
    sector: str
    titles: tuple[str, ...]
    tenures: tuple[Tenure, ...] = ()
    single_holder: bool = True
    source: str = ""
    role: str | None = None
    actor_code: str | None = None


@attrs.frozen(slots=True)
class Ambiguity:
    """An alias declared to name several entities, with the rule that picks one (or none)."""

    alias: str
    candidates: tuple[str, ...]
    default: str | None
    rule: str
    source: str = ""
    kind: AliasKind = AliasKind.NAME


@attrs.frozen(slots=True)
class Resolution:
    """The answer for one name: the entity, a 0-100 score, the method and the evidence."""

    entity: Entity
    score: float
    method: str
    evidence: str
    matched: str = ""
    alias_kind: AliasKind | None = None
    office: Office | None = None

    @property
    def entity_id(self) -> str:
        """The entity's stable id."""
        return self.entity.id

    @property
    def canonical(self) -> str:
        """The entity's canonical name."""
        return self.entity.name

    @property
    def country(self) -> str | None:
        """The affiliated state as ISO 3166-1 alpha-3, or None."""
        return self.entity.country

    @property
    def kind(self) -> EntityKind:
        """The entity's kind."""
        return self.entity.kind

    @property
    def cameo(self) -> str | None:
        """The CAMEO actor code this answer carries, or None when the data has none.

        Through an office: the office's code ("USAGOV"); a capital or seat of government
        standing for its state: the government ("CHNGOV"); otherwise the entity's own code.
        """
        if self.office is not None and self.office.actor_code:
            return self.office.actor_code
        code = self.entity.cameo
        if code and self.alias_kind is AliasKind.METONYM and self.entity.kind is EntityKind.STATE:
            return code + "GOV"
        return code

    def to_dict(self) -> dict[str, object]:
        """The resolution as plain JSON-serializable data."""
        return {
            "entity_id": self.entity_id,
            "canonical": self.canonical,
            "country": self.country,
            "kind": self.kind.value,
            "score": round(self.score, 1),
            "method": self.method,
            "evidence": self.evidence,
            "matched": self.matched,
            "alias_kind": self.alias_kind.value if self.alias_kind else None,
            "office_id": self.office.id if self.office else None,
            "cameo": self.cameo,
            "wikidata": self.entity.wikidata,
        }


@attrs.frozen(slots=True)
class Mention:
    """A mention found in text, with exact `str` offsets: ``text[start:end] == mention.text``.

    `resolution` is None when the mention could not be decided (a declared ambiguity, a title
    without a country) or names an actor the gazetteer does not know (a person next to a
    title); `label` still says what kind of actor it is when that is known, `candidates`
    lists the alternatives, and `note` says why.
    """

    start: int
    end: int
    text: str
    resolution: Resolution | None
    label: EntityKind | None = None
    role: str = "name"
    candidates: tuple[Resolution, ...] = ()
    note: str = ""

    @property
    def entity_id(self) -> str | None:
        """The resolved entity's id, or None."""
        return self.resolution.entity_id if self.resolution else None

    @property
    def canonical(self) -> str | None:
        """The resolved entity's canonical name, or None."""
        return self.resolution.canonical if self.resolution else None

    @property
    def country(self) -> str | None:
        """The resolved entity's state (ISO alpha-3), or None."""
        return self.resolution.country if self.resolution else None

    @property
    def kind(self) -> EntityKind | None:
        """The resolved entity's kind, else the kind the context shows (e.g. a person)."""
        return self.resolution.kind if self.resolution else self.label

    @property
    def score(self) -> float:
        """The resolution score (0 when unresolved)."""
        return self.resolution.score if self.resolution else 0.0

    @property
    def method(self) -> str:
        """The strategy that resolved the mention, or 'unresolved'."""
        return self.resolution.method if self.resolution else "unresolved"

    @property
    def evidence(self) -> str:
        """Why the mention was resolved as it was (or why not)."""
        if self.resolution is None:
            return self.note
        return f"{self.resolution.evidence}; {self.note}" if self.note else self.resolution.evidence

    def to_dict(self) -> dict[str, object]:
        """The mention as plain JSON-serializable data."""
        out: dict[str, object] = {"start": self.start, "end": self.end, "text": self.text}
        out["role"] = self.role
        if self.resolution is not None:
            out.update(self.resolution.to_dict())
            out["evidence"] = self.evidence
        else:
            out.update(
                entity_id=None,
                canonical=None,
                country=None,
                kind=self.label.value if self.label else None,
                score=0.0,
                method="unresolved",
                evidence=self.note,
                candidates=[c.entity_id for c in self.candidates],
            )
        return out
