"""Strategy 3: office titles ("the US secretary of state") resolved to the holder on a date.

The string is read as a title plus at most one modifier naming the jurisdiction: a state,
demonym, metonym, organization or government body before the title ("Chinese foreign
minister", "UN secretary-general"), inside it ("top Chinese diplomat") or after "of"/"for"
("prime minister of Britain"). Without a modifier, the `country` hint decides; failing that, a
title carried by a single office in the gazetteer. The holder comes from the office's tenures
on the query date, or the most recent holder when no date is given (the evidence says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

import attrs

from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import Entity, EntityKind, Office, Resolution, Tenure
from diplonorm.resolve.query import NOTHING, Query, StrategyResult

_LINKS = frozenset({"of", "for", "to", "in", "at"})
#: Modifiers that stand for their state: "Biden's national security adviser".
_BY_COUNTRY = frozenset({EntityKind.PERSON, EntityKind.GOVERNMENT_BODY})
_MAX_WORDS = 12
#: Score of a holder whose tenure certainly / possibly covers the date, or the latest holder.
CERTAIN, POSSIBLE, LATEST = 90.0, 75.0, 80.0


class _Reading(NamedTuple):
    """One way to read the query: a title and the entity that names its jurisdiction."""

    title: str
    modifier: Entity | None
    modifier_text: str


def title_words(gazetteer: Gazetteer) -> frozenset[str]:
    """Every word of every office title: a query without one cannot be read as a title."""
    return frozenset(word for title in gazetteer.title_keys for word in title.split(" "))


def _strip_the(words: list[str]) -> str:
    while len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class OfficeStrategy:
    """Finds the office a title names and returns its holder on the query date."""

    __slots__ = ("gazetteer",)
    name = "office"

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def _readings(self, key: str) -> Iterator[_Reading]:
        titles = self.gazetteer.title_keys
        if key in titles:
            yield _Reading(key, None, "")
        words = key.split(" ")
        n = len(words)
        if n > _MAX_WORDS or self.gazetteer.derived("title words", title_words).isdisjoint(words):
            return
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i == n:
                    continue
                rest = words[:i] + words[j:]
                if j == n:
                    head = words[:i]
                    if head and head[-1] == "the":
                        head = head[:-1]
                    if len(head) > 1 and head[-1] in _LINKS:
                        rest = head[:-1]
                title = _strip_the(rest)
                if title not in titles:
                    continue
                span = " ".join(words[i:j])
                for ref in self.gazetteer.lookup(span):
                    yield _Reading(title, ref.entity, span)

    def _offices(self, reading: _Reading, query: Query) -> tuple[list[Office], str]:
        offices = list(self.gazetteer.offices_titled(reading.title))
        mod = reading.modifier
        if mod is not None:
            if mod.kind is EntityKind.STATE:
                picked = [o for o in offices if o.country == mod.country]
            else:
                picked = [o for o in offices if o.jurisdiction == mod.id]
                if not picked and mod.kind in _BY_COUNTRY and mod.country:
                    picked = [o for o in offices if o.country == mod.country]
            return picked, f"{reading.modifier_text!r} = {mod.name}"
        if query.country is not None:
            picked = [o for o in offices if o.country == query.country]
            return picked, f"country hint {query.country}"
        if len(offices) == 1:
            return offices, "the only office with this title in the gazetteer"
        return offices, "no country given"

    def __call__(self, query: Query) -> StrategyResult:
        """Resolve a title to the office holder on the query date."""
        found: list[Resolution] = []
        for reading in self._readings(query.key):
            offices, why = self._offices(reading, query)
            if not offices:
                continue
            results = [self._holder(o, reading.title, why, query.date) for o in offices]
            found = [r for group in results for r in group]
            decided = len(offices) == 1 and len(results[0]) == 1 and found
            if decided:
                return StrategyResult(tuple(found), found[0])
            if found:
                break
        if not found:
            return NOTHING
        found.sort(key=lambda r: -r.score)
        demoted = tuple(attrs.evolve(r, score=min(r.score, 50.0)) for r in found)
        return StrategyResult(demoted, None)

    def _holder(
        self, office: Office, title: str, why: str, day: dt.date | None
    ) -> list[Resolution]:
        head = f"title {title!r} ({why}) -> office {office.name!r}"
        if day is None:
            tenure = _latest(office.tenures)
            if tenure is None:
                return []
            note = "no date given: most recent holder"
            return [self._make(office, tenure, LATEST, f"{head}; {note}")]
        certain = [t for t in office.tenures if t.certainly_covers(day)]
        if certain:
            return [self._make(office, t, CERTAIN, f"{head}; holder on {day}") for t in certain]
        possible = [t for t in office.tenures if t.possibly_covers(day)]
        note = f"holder on {day} by uncertain dates"
        return [self._make(office, t, POSSIBLE, f"{head}; {note}") for t in possible]

    def _make(self, office: Office, tenure: Tenure, score: float, head: str) -> Resolution:
        holder = self.gazetteer.entity(tenure.holder)
        evidence = f"{head}: {holder.name} ({tenure.describe()}) [{office.source}]"
        return Resolution(holder, score, self.name, evidence, office.titles[0], office=office)


def _latest(tenures: tuple[Tenure, ...]) -> Tenure | None:
    """The tenure that started last (an unknown start counts as earliest)."""
    if not tenures:
        return None
    return max(tenures, key=lambda t: t.start.earliest if t.start else dt.date.min)
