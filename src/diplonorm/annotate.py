"""Turning detected phrases into resolved mentions: the one annotation path.

Both `Normalizer.annotate` and the spaCy component call `Annotator.annotate`. It resolves each
alias through the resolver chain, reads office titles together with an adjacent modifier
("U.S. national security adviser", "China's top foreign affairs official", "Biden's national
security adviser"), attaches a title to the name that follows it ("Commerce Secretary Gina
Raimondo"), and keeps an unknown name after a title as a person mention.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from diplonorm.context import (
    COUNTERPART_WORDS,
    GOVERNMENT_NOTE,
    MODIFIER_GAP,
    ContextSettings,
    DocumentContext,
    family_firsts,
    surname_firsts,
)
from diplonorm.detect import ALIAS, TITLE, Candidate, Detector, WordTrigger, phrase_index
from diplonorm.gazetteer.family import FAMILY_NAME_FIRST, NAME_PARTICLES
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import AliasKind, Entity, EntityKind, Mention, Resolution
from diplonorm.resolve.chain import ResolverChain
from diplonorm.resolve.query import Query
from diplonorm.text import Tokens, normalize

#: Text allowed between a title and the name it introduces: white space or ", ".
_NAME_GAP = re.compile(r"\s{1,3}|,\s{1,3}")
#: Kinds of entities whose name can precede a title as its jurisdiction.
_MODIFIER_KINDS = frozenset(
    {EntityKind.STATE, EntityKind.ORGANIZATION, EntityKind.GOVERNMENT_BODY, EntityKind.PERSON}
)
_WORDLIKE = re.compile(r"[a-z0-9']+")
_DOTTED = re.compile(r"[A-Za-z]\.[A-Za-z]")
#: Titles are read by the office strategy alone.
_TITLE_STRATEGIES = frozenset({"office"})
#: Phrases whose resolution is remembered across documents.
_CACHE_SIZE = 100_000
_CacheKey = tuple[str, str, dt.date | None, str | None]
#: Words before a title that make it predicative, not a reference: "since he became president".
PREDICATIVE = frozenset(
    {
        "became",
        "become",
        "becomes",
        "becoming",
        "as",
        "elected",
        "named",
        "appointed",
        "remain",
        "remains",
        "remained",
    }
)
#: At most this many capitalized words form an unknown name after a title.
_MAX_NAME_WORDS = 4


@attrs.define
class _Found:
    """A candidate with its resolution while the annotation is being assembled."""

    cand: Candidate
    result: Resolution | None
    alternatives: tuple[Resolution, ...]
    emit: bool = True
    note: str = ""
    label: EntityKind | None = None


class Annotator:
    """Finds and resolves mentions in text with one detector and one resolver chain."""

    def __init__(
        self,
        chain: ResolverChain,
        languages: tuple[str, ...] = ("en",),
        context: ContextSettings | None = None,
    ) -> None:
        self.chain = chain
        self.context = context
        self.gazetteer: Gazetteer = chain.gazetteer
        self.languages = languages
        index = phrase_index(self.gazetteer, languages)
        watch = family_firsts(self.gazetteer) if context is not None else frozenset()
        self.detector = Detector(index, watch)
        capitalized = {w.casefold() for w in index.first_words} - index.lowercase_firsts
        any_case = set(index.lowercase_firsts)
        if context is not None:
            capitalized |= set(surname_firsts(self.gazetteer))
            any_case |= COUNTERPART_WORDS
        #: For ASCII text: a quick test that any phrase can occur at all (see `annotate`).
        self._trigger = WordTrigger(
            (w for w in capitalized if w.isascii() and _WORDLIKE.fullmatch(w)),
            (w for w in any_case if w.isascii() and _WORDLIKE.fullmatch(w)),
        )
        self._cache: dict[_CacheKey, tuple[Resolution | None, tuple[Resolution, ...]]] = {}

    def annotate(
        self, text: str, date: dt.date | None = None, country: str | None = None
    ) -> list[Mention]:
        """Mentions of the text, in text order, with exact offsets."""
        if text.isascii() and not self._maybe(text):
            return []
        scan = self.detector.scan(text)
        tokens = scan.tokens
        found = [self._resolve(text, c, date, country) for c in scan.candidates]
        extra: list[_Found] = []
        for i, item in enumerate(found):
            if item.cand.kind != TITLE:
                continue
            previous = found[i - 1] if i else None
            if previous is not None and self._is_modifier(text, previous, item):
                self._with_modifier(text, previous, item, date)
            elif _predicative(tokens, item.cand.first_token):
                item.emit = False
                continue
            following = found[i + 1] if i + 1 < len(found) else None
            if following is not None and self._names_after(text, item, following):
                said = text[item.cand.start : item.cand.end]
                following.note = _join(following.note, f"title {said!r} before the name")
                item.emit = False
            else:
                name = self._unknown_name(text, tokens, item, following)
                if name is not None:
                    extra.append(name)
                    item.emit = False
                elif _capitalized_word_follows(text, tokens, item.cand):
                    item.emit = False
            if not item.emit:
                extra += self._inside_title(text, tokens, item, date, country)
        mentions = [self._mention(text, f) for f in (*found, *extra) if f.emit]
        mentions.sort(key=lambda m: (m.start, m.end))
        if self.context is not None:
            stage = DocumentContext(
                self.gazetteer, text, tokens, date, country, self.context, scan.watched
            )
            mentions = stage.apply(mentions)
        return mentions

    def _maybe(self, text: str) -> bool:
        """False when ASCII text holds no word that can begin a phrase, family name or
        counterpart, nor a dotted abbreviation: then there is nothing to find."""
        return self._trigger(text) or _DOTTED.search(text) is not None

    def _resolve(
        self,
        text: str,
        cand: Candidate,
        date: dt.date | None,
        country: str | None,
    ) -> _Found:
        best, alternatives = self._decide(
            text[cand.start : cand.end], cand.key, cand.kind, date, country
        )
        label = best.kind if best else (alternatives[0].kind if alternatives else None)
        return _Found(cand, best, alternatives, label=label)

    def _decide(
        self, shown: str, key: str, kind: str, date: dt.date | None, country: str | None
    ) -> tuple[Resolution | None, tuple[Resolution, ...]]:
        """The chain's answer for a phrase, cached across documents (bounded)."""
        cache_key = (key, kind, date, country)
        hit = self._cache.get(cache_key)
        if hit is None:
            only = _TITLE_STRATEGIES if kind == TITLE else None
            hit = self.chain.decide(Query(shown, key, date, country), only)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[cache_key] = hit
        return hit

    def _is_modifier(self, text: str, previous: _Found, title: _Found) -> bool:
        if previous.cand.kind != ALIAS or previous.result is None:
            return False
        if previous.result.kind not in _MODIFIER_KINDS:
            return False
        return bool(MODIFIER_GAP.fullmatch(text, previous.cand.end, title.cand.start))

    def _with_modifier(
        self,
        text: str,
        modifier: _Found,
        title: _Found,
        date: dt.date | None,
    ) -> None:
        key = f"{modifier.cand.key} {title.cand.key}"
        shown = text[modifier.cand.start : title.cand.end]
        best, alternatives = self._decide(shown, key, TITLE, date, None)
        said = text[modifier.cand.start : modifier.cand.end]
        title.result, title.alternatives = best, alternatives
        title.label = EntityKind.PERSON
        if best is not None or alternatives:
            title.note = f"modifier {said!r}"
        else:
            title.note = f"modifier {said!r}: no office with this title there in the gazetteer"

    def _inside_title(
        self,
        text: str,
        tokens: Tokens,
        title: _Found,
        date: dt.date | None,
        country: str | None,
    ) -> list[_Found]:
        """Names of states and organizations inside a title that is not a mention itself
        ("State Department" in "State Department spokesman Ned Price")."""
        out = []
        cand = title.cand
        i = cand.first_token
        while i <= cand.last_token:
            inner = self.detector.alias_at(text, tokens, i, cand.last_token + 1)
            if inner is None:
                i += 1
                continue
            found = self._resolve(text, inner, date, country)
            if found.result is not None and found.result.kind is not EntityKind.PERSON:
                out.append(found)
            i = inner.last_token + 1
        return out

    def _names_after(self, text: str, title: _Found, following: _Found) -> bool:
        if following.cand.kind != ALIAS or following.label is not EntityKind.PERSON:
            return False
        return bool(_NAME_GAP.fullmatch(text, title.cand.end, following.cand.start))

    def _unknown_name(
        self,
        text: str,
        tokens: Tokens,
        title: _Found,
        following: _Found | None,
    ) -> _Found | None:
        """Two to four capitalized words right after a title that no alias covers."""
        starts, ends, keys = tokens
        first = title.cand.last_token + 1
        if first >= len(keys) or not _NAME_GAP.fullmatch(text, title.cand.end, starts[first]):
            return None
        stop = following.cand.first_token if following is not None else len(keys)
        last = first - 1
        for j in range(first, min(stop, first + _MAX_NAME_WORDS + 2)):
            gap = text[ends[j - 1] : starts[j]] if j > first else " "
            hyphenated = gap == "-" and j > first
            particle = keys[j] in NAME_PARTICLES and j + 1 < stop
            if not (text[starts[j]].isupper() or hyphenated or particle):
                break
            initial = j > first and ends[j - 1] - starts[j - 1] == 1 and gap == ". "
            if gap not in (" ", "\u00a0", "-") and not initial:
                break
            last = j
        while last >= first and keys[last] in NAME_PARTICLES:
            last -= 1
        if last - first < 1:
            return None
        said = text[title.cand.start : title.cand.end]
        key = " ".join(keys[first : last + 1])
        cand = Candidate(starts[first], ends[last], key, ALIAS, first, last)
        offices = [r.office for r in (title.result, *title.alternatives) if r and r.office]
        office = offices[0] if offices else None
        country = office.country if office is not None else None
        name = text[cand.start : cand.end]
        entity = Entity(
            id=f"local:{_slug(name)}",
            name=name,
            kind=EntityKind.PERSON,
            country=country,
            family_name=_family_name(name, country),
            source="document",
        )
        where = f", office {office.name!r} ({country})" if office is not None else ""
        evidence = (
            f"document-local actor: person name after the title {said!r}, not in the "
            f"gazetteer{where}"
        )
        if title.result is not None:
            evidence += f"; the gazetteer's holder on the date is {title.result.canonical}"
        res = Resolution(entity, 75.0, "context", evidence, name, None, office)
        return _Found(cand, res, (), label=EntityKind.PERSON)

    def _mention(self, text: str, found: _Found) -> Mention:
        cand = found.cand
        note = found.note
        if found.result is None and found.alternatives and not note:
            names = ", ".join(r.canonical for r in found.alternatives[:5])
            note = f"not decided between: {names}; {found.alternatives[0].evidence}"
        elif found.result is None and not note and cand.kind == TITLE:
            note = "office title without a state or date that names one holder"
        role = "title" if cand.kind == TITLE else "name"
        metonym = found.result is not None and found.result.alias_kind is AliasKind.METONYM
        if metonym and self.context is not None:
            # Read as the government; the context stage demotes it when used as a place.
            role, note = "government", _join(note, GOVERNMENT_NOTE)
        return Mention(
            start=cand.start,
            end=cand.end,
            text=text[cand.start : cand.end],
            resolution=found.result,
            label=found.label or (EntityKind.PERSON if cand.kind == TITLE else None),
            role=role,
            candidates=found.alternatives if found.result is None else (),
            note=note,
        )


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _predicative(tokens: Tokens, first: int) -> bool:
    """True when the title is predicative: "became president", "as foreign minister"."""
    keys = tokens.keys
    i = first - 1
    while i >= 0 and keys[i] in ("the", "a", "an"):
        i -= 1
    return i >= 0 and keys[i] in PREDICATIVE


def _capitalized_word_follows(text: str, tokens: Tokens, cand: Candidate) -> bool:
    """True when a capitalized title runs into a name: "President Bashar", "Minister Ann"."""
    nxt = cand.last_token + 1
    if nxt >= len(tokens.starts) or not text[cand.start].isupper():
        return False
    gap = text[cand.end : tokens.starts[nxt]]
    return gap == " " and text[tokens.starts[nxt]].isupper()


def _slug(name: str) -> str:
    """An id-safe form of a name: 'Zhu Bajie' -> 'zhu-bajie'."""
    return "-".join(re.findall(r"[a-z0-9]+", normalize(name).casefold())) or "unnamed"


def _family_name(name: str, country: str | None) -> str:
    """The family name of a full name: the first word for East Asian names, else the last."""
    words = name.split()
    return words[0] if country in FAMILY_NAME_FIRST else words[-1]
