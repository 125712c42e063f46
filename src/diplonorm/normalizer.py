"""`Normalizer`: the public entry point that resolves names to canonical actors and states."""

from __future__ import annotations

import datetime as dt
import re
import sys
import threading
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from diplonorm.codes import Codes, codes_for
from diplonorm.dates import coerce_date
from diplonorm.gazetteer.bundled import bundled_gazetteer
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import Entity, EntityKind, Mention, Resolution
from diplonorm.resolve.chain import ResolverChain
from diplonorm.resolve.query import Query
from diplonorm.text import MAX_NAME_LENGTH, normalize
from diplonorm.validate import is_iso3

if TYPE_CHECKING:
    from pathlib import Path

    from diplonorm.annotate import Annotator
    from diplonorm.gazetteer.records import SourceFile

GazetteerSource: TypeAlias = "str | Path | SourceFile"
_CacheKey = tuple[object, object, object]
_MISS: Any = object()
#: Footnote marks at the end of a name, as in tables copied from the web: "France[1]",
#: "Niger [a]", "Chad (2)", "Peru*". Longer brackets ("Congo (Brazzaville)") are kept.
_FOOTNOTES = re.compile(r"(?:\s*(?:\[[^\[\]]{1,3}\]|\((?:\d{1,3}|[a-z])\)|[*\u2020\u2021]+))+$")
#: Last characters of a name that ends in a footnote mark (spares the pattern otherwise).
_FOOTNOTE_ENDS = ("]", ")", "*", "\u2020", "\u2021")


def _factorize(pd: Any, series: Any) -> tuple[Any, Any]:
    """Codes and distinct values of a pandas Series (missing values kept as values);
    unhashable cells (lists) count as missing."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
    except TypeError:
        cells = series.map(lambda v: v if isinstance(v, str) else None)
        codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    return codes, uniques


def _kind_set(kinds: Collection[EntityKind | str]) -> frozenset[EntityKind]:
    """Entity kinds from kinds or their names; raises ValueError for unknown names."""
    try:
        return frozenset(EntityKind(k) for k in kinds)
    except ValueError:
        known = ", ".join(k.value for k in EntityKind)
        msg = f"kinds must be entity kinds ({known}), not {sorted(map(str, kinds))}"
        raise ValueError(msg) from None


class Normalizer:
    """Resolves names ("Beijing", "Jake Sulivan", "the national security adviser") to entities.

    `gazetteers` are gazetteer files (paths or `SourceFile`s from `parse_source`) merged after
    the bundled data, later ones taking precedence; `include_bundled=False` uses only them.
    `fuzzy=False` turns the fuzzy strategy off. Instances are thread-safe and cheap to pickle:
    the bundled data is referenced, not copied.
    """

    def __init__(
        self,
        gazetteers: Iterable[GazetteerSource] = (),
        *,
        include_bundled: bool = True,
        fuzzy: bool = True,
        languages: Iterable[str] = ("en",),
        context: bool = True,
        locations: str = "drop",
        cache_size: int = 65536,
    ) -> None:
        self._sources = tuple(gazetteers)
        self._include_bundled = include_bundled
        self._fuzzy = fuzzy
        self._languages = tuple(languages)
        if not self._languages or not all(isinstance(lang, str) for lang in self._languages):
            msg = "languages must be a non-empty sequence of language codes such as ('en',)"
            raise ValueError(msg)
        self._cache_size = cache_size
        if locations not in ("drop", "keep"):
            msg = f"locations must be one of ('drop', 'keep'), not {locations!r}"
            raise ValueError(msg)
        self._use_context = context
        self._locations = locations
        self._annotator: Annotator | None = None
        self.gazetteer = _merge(self._sources, include_bundled)
        self._chain = ResolverChain(self.gazetteer, fuzzy=fuzzy)
        self._cache: dict[_CacheKey, Resolution | None] = {}
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        kwargs = {
            "include_bundled": self._include_bundled,
            "fuzzy": self._fuzzy,
            "languages": self._languages,
            "context": self._use_context,
            "locations": self._locations,
            "cache_size": self._cache_size,
        }
        return (_rebuild, (self._sources, kwargs))

    def __repr__(self) -> str:
        return f"<Normalizer {self.gazetteer!r}>"

    def _query(self, name: object, date: object, country: object) -> Query | None:
        if not isinstance(name, str):
            msg = f"name must be a str, not {type(name).__name__}"
            raise TypeError(msg)
        if len(name) > MAX_NAME_LENGTH:
            msg = (
                f"name is {len(name):,} characters; resolve() takes names of up to "
                f"{MAX_NAME_LENGTH:,} characters (use annotate() for running text)"
            )
            raise ValueError(msg)
        day = coerce_date(date)
        hint = _country_hint(country)
        key = normalize(_FOOTNOTES.sub("", name) if name.endswith(_FOOTNOTE_ENDS) else name)
        if not key:
            return None
        return Query(name, key, day, hint)

    def resolve(
        self,
        name: str,
        *,
        date: dt.date | str | None = None,
        country: str | None = None,
        kinds: Collection[EntityKind | str] | None = None,
    ) -> Resolution | None:
        """The canonical entity for a name, or None when it is unknown or ambiguous.

        `date` (a date or ISO string) picks office holders; `country` (ISO alpha-3) is a hint
        for titles and ambiguous aliases; `kinds` keeps only answers of those entity kinds
        (e.g. `{"state"}` when converting a column of country names). Raises TypeError for a
        non-str name and ValueError for a name over 1,000 characters, a bad date or an unknown
        country code; an empty or punctuation-only name gives None.
        """
        return self._resolve(name, date, country, None if kinds is None else _kind_set(kinds))

    def _resolve(
        self,
        name: object,
        date: dt.date | str | None,
        country: str | None,
        kinds: frozenset[EntityKind] | None,
    ) -> Resolution | None:
        """`resolve` with the kinds already checked (batch calls check them once)."""
        key = (name, date, country)
        try:
            result = self._cache.get(key, _MISS)
        except TypeError:
            result = _MISS
        if result is _MISS:
            query = self._query(name, date, country)
            result = None if query is None else self._chain.resolve(query)
            with self._lock:
                self._cache[key] = result
                if len(self._cache) > self._cache_size:
                    del self._cache[next(iter(self._cache))]
        if kinds is not None and result is not None and result.kind not in kinds:
            return None
        return cast("Resolution | None", result)

    def resolve_many(
        self,
        names: Iterable[object],
        *,
        date: dt.date | str | None = None,
        country: str | None = None,
        kinds: Collection[EntityKind | str] | None = None,
    ) -> list[Resolution | None]:
        """Resolve a column of names (a list, NumPy array or pandas Series), in order.

        Each distinct name is resolved once. Missing values (None, NaN, any non-str) give
        None instead of an error, as data-frame columns hold them; other bad input raises as
        in `resolve`.
        """
        pd = sys.modules.get("pandas")
        if pd is not None and isinstance(names, pd.Series):  # distinct values found in C
            import numpy as np

            codes, uniques = _factorize(pd, names)
            found = self._resolve_cells(uniques.tolist(), date, country, kinds)
            table = np.fromiter(found, dtype=object, count=len(found))
            return cast("list[Resolution | None]", table.take(codes).tolist())
        tolist = getattr(names, "tolist", None)  # NumPy arrays: C speed
        values: list[object] = tolist() if callable(tolist) else list(names)
        try:
            distinct = dict.fromkeys(values)
        except TypeError:  # unhashable values (lists in a column): one at a time
            distinct = dict.fromkeys(v for v in values if isinstance(v, str))
            values = [v if isinstance(v, str) else None for v in values]
            distinct[None] = None
        cells = self._resolve_cells(distinct, date, country, kinds)
        answers = dict(zip(distinct, cells, strict=True))
        return list(map(answers.__getitem__, values))

    def _resolve_cells(
        self,
        cells: Iterable[object],
        date: dt.date | str | None,
        country: str | None,
        kinds: Collection[EntityKind | str] | None,
    ) -> list[Resolution | None]:
        """Column cells resolved; a missing value (None, NaN, any non-str) gives None."""
        kind_set = None if kinds is None else _kind_set(kinds)
        resolve = self._resolve
        return [
            resolve(cell, date, country, kind_set) if isinstance(cell, str) else None
            for cell in cells
        ]

    def to_frame(
        self,
        names: Iterable[object],
        *,
        date: dt.date | str | None = None,
        country: str | None = None,
        kinds: Collection[EntityKind | str] | None = None,
    ) -> Any:
        """A pandas DataFrame with one row per name: the name and its canonical name, country,
        entity id, kind, score, method and CAMEO code (empty where unresolved). Needs pandas."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            msg = "to_frame() needs pandas: pip install 'diplonorm[frames]'"
            raise ImportError(msg) from exc
        series = names if isinstance(names, pd.Series) else pd.Series(list(names), dtype=object)
        codes, uniques = _factorize(pd, series)
        answers = self._resolve_cells(uniques.tolist(), date, country, kinds)
        table = pd.DataFrame(
            {
                "canonical": [r.canonical if r else None for r in answers],
                "country": [r.country if r else None for r in answers],
                "entity_id": [r.entity_id if r else None for r in answers],
                "kind": [r.kind.value if r else None for r in answers],
                "score": [r.score if r else None for r in answers],
                "method": [r.method if r else None for r in answers],
                "cameo": [r.cameo if r else None for r in answers],
            }
        )
        # Each distinct value is resolved and converted once; rows are taken at C speed.
        frame = table.take(codes)
        frame.index = series.index
        frame.insert(0, "name", series.array)
        return frame

    def codes(self, resolution: Resolution, *, date: dt.date | str | None = None) -> Codes:
        """ISO3, CAMEO actor code and Wikidata QID of an answer; a person answered by name
        takes the code of the office held on `date` (or last held, without one)."""
        return codes_for(resolution, self.gazetteer, coerce_date(date))

    def candidates(
        self,
        name: str,
        *,
        date: dt.date | str | None = None,
        country: str | None = None,
        limit: int = 5,
    ) -> list[Resolution]:
        """Up to `limit` ranked candidates from every strategy, best first (may be empty)."""
        if limit < 1:
            msg = f"limit must be at least 1, not {limit}"
            raise ValueError(msg)
        query = self._query(name, date, country)
        if query is None:
            return []
        return self._chain.candidates(query, limit)

    @property
    def annotator(self) -> Annotator:
        """The text annotator (detector and phrase index built on first use)."""
        if self._annotator is None:
            with self._lock:
                if self._annotator is None:
                    from diplonorm.annotate import Annotator
                    from diplonorm.context import ContextSettings

                    settings = (
                        ContextSettings(locations=self._locations) if self._use_context else None
                    )
                    self._annotator = Annotator(self._chain, self._languages, settings)
        return self._annotator

    def annotate(
        self, text: str, *, date: dt.date | str | None = None, country: str | None = None
    ) -> list[Mention]:
        """Every mention of a known actor or state in running text, in text order.

        Offsets are exact `str` offsets (``text[m.start:m.end] == m.text``). Aliases are
        matched in the configured `languages` only. `date` picks office holders; `country`
        is the state that titles without one refer to. Raises TypeError for a non-str text.
        """
        if not isinstance(text, str):
            msg = f"text must be a str, not {type(text).__name__}"
            raise TypeError(msg)
        return self.annotator.annotate(text, coerce_date(date), _country_hint(country))

    def annotate_many(
        self,
        texts: Iterable[str],
        *,
        dates: dt.date | str | Iterable[dt.date | str | None] | None = None,
        country: str | None = None,
        batch_size: int = 32,
        n_process: int = 1,
    ) -> Iterator[list[Mention]]:
        """The mentions of each text, in input order, lazily.

        `dates` is one date for all texts or an iterable aligned with them. With
        `n_process > 1`, batches of `batch_size` texts go to worker processes started with
        the spawn method; each worker loads the bundled data once.
        """
        from diplonorm.batch import annotate_many

        return annotate_many(
            self, texts, dates=dates, country=country, batch_size=batch_size, n_process=n_process
        )

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self.gazetteer.get(entity_id)

    def by_code(self, code: str) -> Entity | None:
        """The entity with an ISO alpha-2/alpha-3/numeric code, state CAMEO code or QID."""
        return self.gazetteer.by_code(code)


def _rebuild(sources: tuple[GazetteerSource, ...], kwargs: dict[str, Any]) -> Normalizer:
    return Normalizer(sources, **kwargs)


def _country_hint(country: object) -> str | None:
    if country is None:
        return None
    if not isinstance(country, str):
        msg = f"country must be an ISO 3166-1 alpha-3 string, not {type(country).__name__}"
        raise TypeError(msg)
    code = country.strip().upper()
    if not is_iso3(code):
        msg = f"country {country!r} is not an ISO 3166-1 alpha-3 code such as 'USA'"
        raise ValueError(msg)
    return code


def _merge(sources: tuple[GazetteerSource, ...], include_bundled: bool) -> Gazetteer:
    base = bundled_gazetteer() if include_bundled else None
    if not sources:
        if base is None:
            msg = "no gazetteer: pass gazetteers=[...] or keep include_bundled=True"
            raise ValueError(msg)
        return base
    from diplonorm.gazetteer.builder import GazetteerBuilder
    from diplonorm.gazetteer.records import SourceFile

    builder = GazetteerBuilder(base)
    for source in sources:
        if isinstance(source, SourceFile):
            builder.add(source)
        else:
            builder.add_file(source)
    return builder.build()
