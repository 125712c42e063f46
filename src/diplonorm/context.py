"""Document context: resolving from the whole document what a name alone cannot.

Runs after the mentions of a document are found and resolved one by one, in this order:

1. **Metonymy**: a capital or seat of government used as a place ("talks in Rome", "landed
   in Beijing", a dateline) is not a state actor; it is dropped, or kept with the role
   "location" when `locations="keep"`.
2. **Partial names**: "Sullivan", "Xi" link to a person named in full in the document (the
   nearest such mention when two share the name), else to the only gazetteer person of that
   name in office on the document date.
3. **Counterparts**: "his Russian counterpart" is the holder, in that state, of the office
   with the same role as the nearest person before it.
4. **Role nominals**: a title without a state ("the national security adviser") goes to the
   office whose holder the document names, else to the document's dominant state.

Every decision is written into the evidence. See docs/resolution.md for the rules.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter, eq, is_, itemgetter

import attrs

from diplonorm.gazetteer.family import NAME_PARTICLES, family_keys
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.model import AliasKind, Entity, EntityKind, Mention, Office, Resolution, Tenure
from diplonorm.resolve.office import title_words
from diplonorm.text import Tokens

#: What to do with a capital or seat of government used as a place.
LOCATION_POLICIES = ("drop", "keep")
#: Words before a place name that make it a location ("in Rome", "at the White House").
LOCATIVE = frozenset(
    {"in", "at", "near", "outside", "inside", "around", "across", "throughout", "within", "into"}
)
#: Words before "to" that make the destination a location ("flew to Beijing").
MOTION = frozenset(
    {
        "travelled",
        "traveled",
        "travel",
        "travelling",
        "traveling",
        "flew",
        "fly",
        "flying",
        "trip",
        "trips",
        "visit",
        "visits",
        "journey",
        "arrived",
        "returned",
        "return",
        "headed",
        "went",
        "go",
        "going",
        "moved",
        "relocated",
        "back",
        "route",
        "way",
        "drove",
        "sailed",
    }
)
#: Words right before a place name that make it a location ("visited Beijing").
VISIT = frozenset({"visited", "visiting", "toured", "touring", "reached", "left", "leaving"})
_PLACE_BEFORE = LOCATIVE | VISIT
_MONTH_TEXT = (
    "january february march april may june july august september october november december"
)
MONTHS = frozenset(_MONTH_TEXT.split(" "))
_NEAR_MONTH = frozenset(
    {
        "in",
        "on",
        "since",
        "until",
        "by",
        "early",
        "late",
        "mid",
        "last",
        "next",
        "this",
        "of",
        "from",
        "through",
    }
)
COUNTERPART_WORDS = frozenset({"counterpart", "counterparts"})
#: A dateline at the start of a line: "GENEVA (Reuters) -", "OSAKA, Japan (Reuters) -".
_DATELINE_LINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z.'\- ]+(?:,[ \t]+[A-Z][\w.\- ]+)?[ \t]*(?:\([^)\n]{1,40}\))?"
    r"[ \t]+[-\u2013\u2014][ \t]"
)
#: What every dateline holds: a dash between blanks (a cheap test before the full pattern).
_DATELINE_DASH = re.compile(r"[ \t][-\u2013\u2014][ \t]")
#: A comma and white space: "Rome, Italy".
_COMMA_GAP = re.compile(r",\s+")
#: Nouns after a place name that make it the name of an event: "the Minsk agreements".
EVENT_NOUNS = frozenset(
    {
        "summit",
        "talks",
        "agreement",
        "agreements",
        "accord",
        "accords",
        "protocol",
        "format",
        "process",
        "conference",
        "declaration",
        "treaty",
        "communique",
        "meeting",
        "forum",
        "dialogue",
        "plan",
        "framework",
        "consensus",
        "statute",
        "convention",
    }
)
_MOTION_ADVERBS = frozenset({"on", "off", "back", "straight", "directly", "later", "then"})
_DATELINE = re.compile(r"\s*(?:\([^)]{1,40}\)\s*)?[-\u2013\u2014]")
#: Text allowed between a modifier and what it modifies: white space, or a possessive ending.
MODIFIER_GAP = re.compile(r"(?:['\u2019]s?)?\s{1,3}")
#: Between a noun and a name in apposition: "counterpart Dmytro Kuleba", "counterpart, Kuleba".
_APPOSITION_GAP = re.compile(r",?[ \t]{1,3}")
_LIST_GAP = re.compile(r"\s*(?:,|and|,\s*and|&)\s*")
#: Between the last word of a sentence and the first of the next: an end mark (with closing
#: quotes or brackets) or a line break, then white space and opening quotes or brackets.
_SENTENCE_GAP = re.compile(r"(?:[.!?:][\"'\u201d\u2019)\]]*\s+|[^\S\n]*\n\s*)[\"'\u201c\u2018(\[]*")


@attrs.frozen(slots=True)
class ContextSettings:
    """Switches of the context stage (all on by default)."""

    locations: str = attrs.field(default="drop")
    partial_names: bool = True
    counterparts: bool = True
    role_nominals: bool = True

    @locations.validator
    def _check(self, _attribute: object, value: str) -> None:
        if value not in LOCATION_POLICIES:
            msg = f"locations must be one of {LOCATION_POLICIES}, not {value!r}"
            raise ValueError(msg)


def holder_families(gazetteer: Gazetteer) -> dict[str, tuple[str, ...]]:
    """Family-name keys of the persons who hold or held an office, with their ids: the only
    persons a bare family name can name without the document giving the full name."""
    return gazetteer.derived("holder-families", _holder_families)


def _holder_families(gazetteer: Gazetteer) -> dict[str, tuple[str, ...]]:
    held = gazetteer.held_by
    out: dict[str, tuple[str, ...]] = {}
    for key, ids in gazetteer.family_index().items():
        holders = tuple(i for i in ids if i in held)
        if holders:
            out[key] = holders
    return out


def surname_firsts(gazetteer: Gazetteer) -> dict[str, list[list[str]]]:
    """First words of the office holders' family names (see `_words_by_first`)."""
    return gazetteer.derived("surname-words", _words_by_first)


def _words_by_first(gazetteer: Gazetteer) -> dict[str, list[list[str]]]:
    """The office holders' family names as word lists, by first word (built once)."""
    out: dict[str, list[list[str]]] = {}
    for name in holder_families(gazetteer):
        words = name.split(" ")
        out.setdefault(words[0], []).append(words)
    for options in out.values():
        options.sort(key=len, reverse=True)
    return out


def given_names(gazetteer: Gazetteer) -> frozenset[str]:
    """Words that stand before a family name in the gazetteer's names ("jake" of "jake
    sullivan"), found in the alias keys without decoding any entity; name particles, title
    words and honorifics left out ("al", "prince", "mr")."""
    return gazetteer.derived("given-names", _given_names)


def _given_names(gazetteer: Gazetteer) -> frozenset[str]:
    families = gazetteer.family_index()
    out = set()
    for key in gazetteer.alias_keys:
        first, _, rest = key.partition(" ")
        if rest in families:
            out.add(first)
    return frozenset(out - NAME_PARTICLES - HONORIFICS - title_words(gazetteer))


#: Words before a name that are not given names: "Mr Putin", "Sen. Warner".
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
        "madam",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "capt",
        "prof",
        "rev",
        "st",
    ]
)


def family_firsts(gazetteer: Gazetteer) -> frozenset[str]:
    """First words of the family names of all persons: the token keys where a partial name
    can begin, reported by the detector's pass over the tokens (see `DocumentContext`)."""
    return gazetteer.derived("family-firsts", _family_firsts)


def _family_firsts(gazetteer: Gazetteer) -> frozenset[str]:
    return frozenset(key.split(" ")[0] for key in gazetteer.family_index())


def _document_cues(mentions: Sequence[Mention]) -> frozenset[str]:
    """What the document mentions: the ISO3 codes of its states and the ids of its entities
    (a bare family name is read as an official only of a state or body the text names)."""
    cues: set[str] = set()
    for m in mentions:
        if m.resolution is not None:
            entity = m.resolution.entity
            cues.add(entity.id)
            if entity.kind is EntityKind.STATE and entity.country:
                cues.add(entity.country)
    return frozenset(cues)


_Holding = tuple[tuple[str, Office, Tenure], ...]


def _in_office(gazetteer: Gazetteer, key: str, day: dt.date | None) -> _Holding:
    """The persons with a family-name key who hold an office on the day (without a day:
    who hold one now), with the office and tenure; memoized per gazetteer, bounded."""
    memo: dict[tuple[str, dt.date | None], _Holding] = gazetteer.derived("in-office", _new_memo)
    hit = memo.get((key, day))
    if hit is not None:
        return hit
    found = []
    for entity_id in holder_families(gazetteer).get(key, ()):
        for office in gazetteer.offices_held_by(entity_id):
            tenure = holder_on(office, day)
            if tenure is not None and tenure.holder == entity_id:
                if day is None and (tenure.end is not None or tenure.end_unknown):
                    continue
                found.append((entity_id, office, tenure))
    if len(memo) >= 65536:
        memo.clear()
    memo[(key, day)] = result = tuple(found)
    return result


def _new_memo(_gazetteer: Gazetteer) -> dict[tuple[str, dt.date | None], _Holding]:
    return {}


def holder_on(office: Office, day: dt.date | None) -> Tenure | None:
    """The one tenure certainly covering `day` (the latest tenure when `day` is None)."""
    if day is None:
        return max(
            office.tenures, key=lambda t: t.start.earliest if t.start else dt.date.min, default=None
        )
    covering = [t for t in office.tenures if t.certainly_covers(day)]
    return covering[0] if len(covering) == 1 else None


class DocumentContext:
    """The context stage for one document.

    `family_starts` are the positions of the tokens whose key is in `family_firsts`, in text
    order: the detector finds them in its own pass over the tokens.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        text: str,
        tokens: Tokens,
        date: dt.date | None,
        country: str | None,
        settings: ContextSettings,
        family_starts: list[int],
    ) -> None:
        self.gazetteer = gazetteer
        self.text = text
        self.tokens = tokens
        self.family_starts = family_starts
        self.date = date
        self.country = country
        self.settings = settings
        #: What the document mentions (see `_document_cues`), computed when first needed.
        self._cues: frozenset[str] | None = None
        self._mentions_for_cues: list[Mention] = []
        #: State mentions by country (see `_state_ranking`), computed when first needed.
        self._states: list[tuple[str | None, int]] | None = None
        #: The mentions as the annotator found them, before any rule dropped one.
        self._found: list[Mention] = []
        #: Words known to be written in lower case in the document, or not (`_common_word`).
        self._lowercase_words: dict[str, bool] = {}

    def apply(self, mentions: list[Mention]) -> list[Mention]:
        """The mentions (in text order) after every context rule, still in text order: each
        rule keeps the order, so no sort is needed at the end."""
        # Text inside any mention found, kept or not ("Andorra la Vella" as a place), is
        # never a partial name.
        self._found = mentions
        mentions = self._metonymy(self._datelines(mentions))
        # The persons named (in text order): partial names add to them, role nominals read them.
        persons = _persons(mentions)
        if self.settings.partial_names:
            mentions = self._partial_names(mentions, persons)
        if self.settings.counterparts:
            mentions = self._counterparts(mentions)
        if self.settings.role_nominals:
            mentions = self._role_nominals(mentions, persons)
        return mentions

    # -- 1. datelines and metonymy -------------------------------------------------------

    def _datelines(self, mentions: list[Mention]) -> list[Mention]:
        """Drop what stands in a dateline ("GENEVA (Reuters) -"): places and agencies."""
        text = self.text
        if not _has_spaced_dash(text):
            return mentions
        # A dateline lies within one line that holds a spaced dash: match only there.
        regions = []
        line_start = 0
        for line in text.split("\n"):
            if _has_spaced_dash(line):
                found = _DATELINE_LINE.match(text, line_start)
                if found is not None:
                    regions.append(found.span())
            line_start += len(line) + 1
        if not regions:
            return mentions
        limit = regions[-1][1]
        return [
            m
            for m in mentions
            if m.start >= limit or not any(s <= m.start and m.end <= e for s, e in regions)
        ]

    def _metonymy(self, mentions: list[Mention]) -> list[Mention]:
        """Capitals and seats of government come from the annotator as the government (role
        "government"); those used as a place are dropped, or kept with the role "location"."""
        located: dict[int, str] = {}
        for i in _with(mentions, _ROLE, eq, "government"):
            previous = mentions[i - 1] if i - 1 in located else None
            why = self._location_cue(mentions[i], previous)
            if why is not None:
                located[i] = why
        if not located:
            return mentions
        out = list(mentions)
        if self.settings.locations == "drop":
            for i in reversed(located):
                del out[i]
            return out
        for i, why in located.items():
            m = out[i]
            base = m.note.removesuffix(GOVERNMENT_NOTE).removesuffix("; ")
            note = f"used as a place ({why}), not for the government"
            out[i] = _with_role(m, "location", note, base)
        return out

    def _location_cue(self, m: Mention, previous_location: Mention | None) -> str | None:
        text = self.text
        if m.text.isupper():
            line_start = text.rfind("\n", 0, m.start) + 1
            at_line_start = text[line_start : m.start].strip() == ""
            if at_line_start and (_DATELINE.match(text, m.end) or text.startswith(",", m.end)):
                return "dateline"
        starts, keys = self.tokens.starts, self.tokens.keys
        first = bisect_left(starts, m.start)
        # The word before, within three words and past any "the".
        window = max(0, first - 3)
        last = first - 1
        while last >= window and keys[last] == "the":
            last -= 1
        word = keys[last] if last >= window else ""
        if word in _PLACE_BEFORE:
            return f"after {word!r}"
        if word == "to":
            rest = [k for k in keys[window:last] if k not in _MOTION_ADVERBS]
            if rest and rest[-1] in MOTION:
                return f"after {rest[-1]!r} to"
        following = bisect_left(starts, m.end, first)
        if following < len(keys) and keys[following] in EVENT_NOUNS:
            return f"names an event ({keys[following]!r})"
        if text.startswith(",", m.end) and self._followed_by_own_state(m, following):
            return "followed by its state"
        if previous_location is not None and _LIST_GAP.fullmatch(
            text, previous_location.end, m.start
        ):
            return "in a list of places"
        return None

    # -- 2. partial names ----------------------------------------------------------------

    def _partial_names(self, mentions: list[Mention], persons: _Persons) -> list[Mention]:
        """The mentions with the partial names added (those linked also to `persons`)."""
        by_family: dict[str, list[tuple[Mention, Entity]]] = {}
        for pair in persons:
            for key in family_keys(pair[1]):
                by_family.setdefault(key, []).append(pair)
        by_first = surname_firsts(self.gazetteer)
        holders = holder_families(self.gazetteer)
        # Family names of the document's persons that no office holder has, by first word.
        local: dict[str, list[list[str]]] = {}
        for name in by_family:
            if name not in holders:
                words = name.split(" ")
                local.setdefault(words[0], []).append(words)
        keys, starts, ends = self.tokens.keys, self.tokens.starts, self.tokens.ends
        text = self.text
        # Where a family name may begin: a word not written in lower case ("Said", not
        # "said"), found by the detector's pass over the tokens.
        hits = self.family_starts
        unwatched = local.keys() - family_firsts(self.gazetteer) if local else None
        if unwatched:  # family names of document-local actors: one more pass, still linear
            more = compress(range(len(keys)), map(unwatched.__contains__, keys))
            hits = sorted(chain(hits, (i for i in more if not text[starts[i]].islower())))
        # Only the first words of the office holders' and the document's own family names.
        hits = [i for i in hits if keys[i] in by_first or keys[i] in local]
        if not hits:
            return mentions
        coverage = self._coverage(self._found)
        self._cues = None
        self._mentions_for_cues = mentions
        added: list[Mention] = []
        after = 0
        covered_starts, covered_ends = coverage
        for i in hits:
            start = starts[i]
            if i < after:
                continue
            j = bisect_left(covered_starts, ends[i])
            if j and covered_ends[j - 1] > start:
                continue  # inside a mention already found
            found = self._name_at(i, _family_options(keys[i], by_first, local), coverage)
            if found is None:
                continue
            key = " ".join(found)
            if key in MONTHS and self._looks_like_a_date(i):
                continue
            last = i + len(found) - 1
            if self._name_goes_on(last) or self._after_a_given_name(i, coverage):
                continue
            mention = self._link_partial(i, last, key, by_family)
            if mention is not None:
                added.append(mention)
                after = last + 1
        if not added:
            return mentions
        persons.extend((m, m.resolution.entity) for m in added if m.resolution is not None)
        persons.sort(key=_pair_key)
        return sorted(mentions + added, key=_span_key)

    def _name_at(
        self, i: int, options: list[list[str]], coverage: tuple[list[int], list[int]]
    ) -> list[str] | None:
        """The longest family name (one or more words) written at token i; `options` are
        sorted longest first."""
        starts, ends, keys = self.tokens
        for words in options:
            last = i + len(words) - 1
            if last >= len(keys) or keys[i : last + 1] != words:
                continue
            gaps = (self.text[ends[j] : starts[j + 1]] for j in range(i, last))
            if all(g in (" ", "-") for g in gaps) and not self._is_covered(
                coverage, starts[i], ends[last]
            ):
                return words
        return None

    @staticmethod
    def _coverage(mentions: Sequence[Mention]) -> tuple[list[int], list[int]]:
        """Starts and ends of the mentions (in text order), to test offsets with bisect."""
        return [m.start for m in mentions], [m.end for m in mentions]

    @staticmethod
    def _is_covered(coverage: tuple[list[int], list[int]], start: int, end: int) -> bool:
        """True when [start, end) overlaps a mention."""
        starts, ends = coverage
        i = bisect_left(starts, end)
        return i > 0 and ends[i - 1] > start

    def _looks_like_a_date(self, i: int) -> bool:
        keys = self.tokens.keys
        previous = keys[i - 1] if i else ""
        following = keys[i + 1] if i + 1 < len(keys) else ""
        return previous in _NEAR_MONTH or previous.isdigit() or following.isdigit()

    def _common_word(self, i: int) -> bool:
        """True for a word that starts a sentence and is written in lower case elsewhere in
        the document ("To be sure", "Said the minister"): its capital is the sentence's, so
        it is not read as a family name without the full name in the document."""
        starts, ends, keys = self.tokens
        if i and not _SENTENCE_GAP.fullmatch(self.text, ends[i - 1], starts[i]):
            return False
        return self._written_in_lower_case(keys[i])

    def _written_in_lower_case(self, key: str) -> bool:
        """True when a token of the document with this key is written in lower case (looked
        up once per word and document)."""
        known = self._lowercase_words.get(key)
        if known is None:
            known = self._lowercase_words[key] = self._find_lower_case(key)
        return known

    def _find_lower_case(self, key: str) -> bool:
        starts, keys, text = self.tokens.starts, self.tokens.keys, self.text
        j = keys.index(key)
        while True:
            if text[starts[j]].islower():
                return True
            try:
                j = keys.index(key, j + 1)
            except ValueError:
                return False

    def _followed_by_own_state(self, m: Mention, i: int) -> bool:
        """True for "Rome, Italy": the capital, then a comma (tested by the caller), then (from
        token i) the name of its own state."""
        starts, keys = self.tokens.starts, self.tokens.keys
        if i >= len(keys):
            return False
        if not _COMMA_GAP.fullmatch(self.text, m.end, starts[i]):
            return False
        for length in (3, 2, 1):
            key = " ".join(keys[i : i + length])
            for ref in self.gazetteer.lookup(key):
                own = ref.entity_id == m.entity_id
                if own and ref.kind in (AliasKind.NAME, AliasKind.ABBREVIATION):
                    return True
        return False

    def _link_partial(
        self,
        i: int,
        last: int,
        key: str,
        by_family: dict[str, list[tuple[Mention, Entity]]],
    ) -> Mention | None:
        start, end = self.tokens.starts[i], self.tokens.ends[last]
        text = self.text[start:end]
        in_document = by_family.get(key, [])
        entities = {e.id: e for _, e in in_document}
        if len(entities) == 1:
            (entity,) = entities.values()
            first = in_document[0][0]
            where = "earlier" if first.start < start else "later"
            evidence = (
                f"partial name {text!r} of {entity.name}, named in full {where} in the "
                f"document (offset {first.start})"
            )
            return self._person(start, end, entity, 85.0, evidence)
        if len(entities) > 1:
            earlier = [(m, e) for m, e in in_document if m.start < start]
            if earlier:
                m, entity = max(earlier, key=lambda pair: pair[0].start)
                evidence = (
                    f"partial name {text!r}: {len(entities)} persons of that name in the document; "
                    f"the nearest before is {entity.name} (offset {m.start})"
                )
                return self._person(start, end, entity, 70.0, evidence)
            names = ", ".join(sorted(e.name for e in entities.values()))
            note = f"partial name {text!r} names several persons of the document: {names}"
            return Mention(
                start,
                end,
                text,
                None,
                EntityKind.PERSON,
                "name",
                tuple(self._candidate(e) for e in entities.values()),
                note,
            )
        if i == last and self._common_word(i):
            return None
        return self._from_gazetteer(start, end, text, key)

    def _name_goes_on(self, last: int) -> bool:
        """True when a capitalized word follows the name ("Simon Lewis", "Antonio Denti"):
        the word is then the first name of someone else, not a partial name."""
        starts, ends, keys = self.tokens
        following = last + 1
        if following >= len(keys) or self.text[ends[last] : starts[following]] != " ":
            return False
        return self.text[starts[following]].isupper()

    def _after_a_given_name(self, i: int, coverage: tuple[list[int], list[int]]) -> bool:
        """True when a given name no mention covers stands right before the name ("Georgia
        congressman Tom Price"): the name is then someone else's. Given names are those of
        `given_names`, less the words written in lower case in the document ("Said", "In"
        at the start of a sentence)."""
        if i == 0:
            return False
        starts, ends, keys = self.tokens
        j = i - 1
        if self.text[ends[j] : starts[i]] != " " or not self.text[starts[j]].isupper():
            return False
        if keys[j] not in given_names(self.gazetteer):
            return False
        if self._is_covered(coverage, starts[j], ends[j]):
            return False
        return not self._written_in_lower_case(keys[j])

    def _from_gazetteer(self, start: int, end: int, text: str, key: str) -> Mention | None:
        in_office = _in_office(self.gazetteer, key, self.date)
        if not in_office:
            return None
        distinctive = len(self.gazetteer.family_index().get(key, ())) == 1
        if self._cues is None:
            self._cues = _document_cues(self._mentions_for_cues)
        cues = self._cues
        holding = [
            (entity_id, office, tenure)
            for entity_id, office, tenure in in_office
            if distinctive or office.country in cues or office.jurisdiction in cues
        ]
        people = {entity_id for entity_id, _, _ in holding}
        if len(people) != 1:
            return None
        entity_id, office, tenure = holding[0]
        entity = self.gazetteer.entity(entity_id)
        when = f"on {self.date}" if self.date else "now (no date given)"
        which = (
            "the only gazetteer person of that name, in office"
            if distinctive
            else "the only gazetteer person of that name in office"
        )
        where = "" if distinctive else " of a state or organization the document mentions"
        evidence = (
            f"partial name {text!r}: {which} {when}{where}: {entity.name}, {office.name} "
            f"({tenure.describe()})"
        )
        return self._person(start, end, entity, 70.0, evidence, office)

    def _person(
        self,
        start: int,
        end: int,
        entity: Entity,
        score: float,
        evidence: str,
        office: Office | None = None,
    ) -> Mention:
        text = self.text[start:end]
        res = Resolution(entity, score, "context", evidence, text, AliasKind.NAME, office)
        return Mention(start, end, text, res, EntityKind.PERSON, "name")

    def _candidate(self, entity: Entity) -> Resolution:
        return Resolution(entity, 50.0, "context", "person of the same name in the document")

    # -- 3. counterparts -----------------------------------------------------------------

    def _counterparts(self, mentions: list[Mention]) -> list[Mention]:
        keys, starts, ends = self.tokens.keys, self.tokens.starts, self.tokens.ends
        if "ounterpart" not in self.text and "OUNTERPART" not in self.text:
            return mentions
        by_end = {m.end: m for m in mentions}
        by_start = {m.start: m for m in mentions}
        added = []
        for i in compress(range(len(keys)), map(COUNTERPART_WORDS.__contains__, keys)):
            if i == 0:
                continue
            if self._named_after(by_start, ends[i]):
                continue  # "his Ukrainian counterpart Dmytro Kuleba": the name is the mention
            modifier = self._modifier_before(by_end, starts[i])
            if modifier is None or modifier.country is None:
                continue
            mention = self._counterpart(mentions, modifier, starts[i], ends[i])
            added.append(mention)
        return sorted(mentions + added, key=_span_key) if added else mentions

    def _named_after(self, by_start: dict[int, Mention], end: int) -> bool:
        """True when a person's name follows the word directly ("counterpart Dmytro Kuleba")."""
        gap = _APPOSITION_GAP.match(self.text, end)
        following = by_start.get(gap.end()) if gap else None
        return following is not None and following.label is EntityKind.PERSON

    def _modifier_before(self, by_end: dict[int, Mention], start: int) -> Mention | None:
        for end, m in by_end.items():
            adjacent = end < start and MODIFIER_GAP.fullmatch(self.text, end, start)
            if adjacent and m.resolution is not None and m.resolution.kind is EntityKind.STATE:
                return m
        return None

    def _counterpart(
        self, mentions: list[Mention], modifier: Mention, start: int, end: int
    ) -> Mention:
        text = self.text[start:end]
        target = modifier.country
        antecedents = [
            m
            for m in mentions
            if m.start < start
            and m.kind is EntityKind.PERSON
            and m.resolution is not None
            and m.country != target
        ]
        for antecedent in sorted(antecedents, key=lambda m: -m.start):
            assert antecedent.resolution is not None
            role = self._role_of(antecedent.resolution)
            if role is None:
                continue
            for office in self.gazetteer.offices.values():
                if office.role != role or office.country != target:
                    continue
                tenure = holder_on(office, self.date)
                if tenure is None:
                    continue
                holder = self.gazetteer.entity(tenure.holder)
                evidence = (
                    f"{modifier.text!r} counterpart of {antecedent.canonical} "
                    f"({role.replace('_', ' ')}, offset {antecedent.start}) -> {office.name}; "
                    f"holder {'on ' + str(self.date) if self.date else 'now'}: {holder.name} "
                    f"({tenure.describe()})"
                )
                res = Resolution(holder, 80.0, "context", evidence, text, None, office)
                return Mention(start, end, text, res, EntityKind.PERSON, "title")
        note = f"{modifier.text!r} counterpart: no earlier person with an office of the same role"
        return Mention(start, end, text, None, EntityKind.PERSON, "title", (), note)

    def _role_of(self, res: Resolution) -> str | None:
        if res.office is not None and res.office.role:
            return res.office.role
        for office in self.gazetteer.offices_held_by(res.entity_id):
            tenure = holder_on(office, self.date)
            if tenure is not None and tenure.holder == res.entity_id and office.role:
                return office.role
        return None

    # -- 4. role nominals ----------------------------------------------------------------

    def _role_nominals(self, mentions: list[Mention], persons: _Persons) -> list[Mention]:
        open_titles = [
            i
            for i in _with(mentions, _ROLE, eq, "title")
            if mentions[i].resolution is None and mentions[i].candidates
        ]
        if not open_titles:
            return mentions
        where: dict[str, list[int]] = {}
        for m, entity in persons:
            where.setdefault(entity.id, []).append(m.start)
        out = list(mentions)
        for i in open_titles:
            out[i] = self._pick_office(out[i], where, mentions)
        return out

    def _state_ranking(self, mentions: list[Mention]) -> list[tuple[str | None, int]]:
        """The states the document names (places not counted) with how often, most named
        first (computed once per document)."""
        if self._states is None:
            counts: dict[str | None, int] = {}
            for m in mentions:
                if m.label is EntityKind.STATE and m.role != "location":
                    res = m.resolution
                    if res is not None:
                        country = res.entity.country
                        counts[country] = counts.get(country, 0) + 1
            self._states = sorted(counts.items(), key=_COUNT, reverse=True)
        return self._states

    def _pick_office(
        self, m: Mention, named: dict[str, list[int]], mentions: list[Mention]
    ) -> Mention:
        by_entity, by_country = _office_options(m.candidates)
        if len(named) < len(by_entity):
            mentioned = [by_entity[e] for e in named if e in by_entity]
        else:
            mentioned = [c for e, c in by_entity.items() if e in named]
        if mentioned:
            chosen = min(mentioned, key=lambda c: self._distance(named[c.entity_id], m.start))
            where = named[chosen.entity_id]
            i = bisect_left(where, m.start)
            nearest = where[i - 1] if i else where[0]
            why = f"its holder {chosen.canonical} is named in the document (offset {nearest})"
            return self._decided(m, chosen, why, 80.0)
        leader: tuple[str, int] | None = None
        for country, count in self._state_ranking(mentions):
            if country is None or country not in by_country:
                continue
            if leader is not None:
                if count == leader[1]:
                    return m  # a tie: no state dominates
                break
            leader = (country, count)
        if leader is None:
            return m
        country, most = leader
        picks = by_country[country]
        if len({c.entity_id for c in picks}) == 1:
            why = f"{country} is the state the document mentions most ({most} times)"
            return self._decided(m, picks[0], why, 70.0)
        return m

    @staticmethod
    def _distance(starts: list[int], offset: int) -> tuple[int, int]:
        """How far the nearest mention is (starts sorted), preferring mentions before it."""
        i = bisect_left(starts, offset)
        if i:
            return (0, offset - starts[i - 1])
        return (1, starts[0] - offset)

    def _decided(self, m: Mention, chosen: Resolution, why: str, score: float) -> Mention:
        evidence = f"{chosen.evidence}; chosen from the document: {why}"
        res = Resolution(
            chosen.entity,
            score,
            "context",
            evidence,
            chosen.matched,
            chosen.alias_kind,
            chosen.office,
        )
        return Mention(m.start, m.end, m.text, res, m.label, m.role, (), m.note)


#: The note of a capital or seat of government read as the government (see `_metonymy`).
GOVERNMENT_NOTE = "capital or seat of government used for the government"


_Persons = list[tuple[Mention, Entity]]


def _persons(mentions: Sequence[Mention]) -> _Persons:
    """The persons the document names (role "name", resolved), with their entities; the
    label of a resolved mention is its entity's kind."""
    return [
        (m, res.entity)
        for m in map(mentions.__getitem__, _with(mentions, _LABEL, is_, EntityKind.PERSON))
        if m.role == "name" and (res := m.resolution) is not None
    ]


_ROLE = attrgetter("role")
_LABEL = attrgetter("label")
_COUNT = itemgetter(1)


def _with(
    mentions: Sequence[Mention],
    field: Callable[[Mention], object],
    test: Callable[[object, object], object],
    value: object,
) -> list[int]:
    """Positions of the mentions whose `field` passes `test` against `value`, found at C level
    (the context rules look at few mentions of a document, but would touch all of them)."""
    return list(compress(range(len(mentions)), map(test, map(field, mentions), repeat(value))))


def _span_key(m: Mention) -> tuple[int, int]:
    """Text order of mentions."""
    return m.start, m.end


def _pair_key(pair: tuple[Mention, Entity]) -> tuple[int, int]:
    """Text order of (mention, entity) pairs."""
    return pair[0].start, pair[0].end


def _has_spaced_dash(text: str) -> bool:
    """True when a dash stands between blanks, as in every dateline. Substring tests are
    much faster than the regex (needed only for tabs), and a one-character test (memchr)
    first is faster still: searching for " - " visits every blank of the text."""
    if "\t" in text:
        return _DATELINE_DASH.search(text) is not None
    return (
        ("-" in text and " - " in text)
        or ("\u2013" in text and " \u2013 " in text)
        or ("\u2014" in text and " \u2014 " in text)
    )


def _family_options(
    word: str, by_first: dict[str, list[list[str]]], local: dict[str, list[list[str]]]
) -> list[list[str]]:
    """The family names (as word lists) beginning with `word`, longest first: the office
    holders' and the document's own."""
    own = local.get(word)
    if own is None:
        return by_first[word]
    return sorted([*by_first.get(word, ()), *own], key=len, reverse=True)


_OptionIndex = tuple[dict[str, Resolution], dict[str, list[Resolution]]]
#: Indexes of title candidate lists, by list identity: the annotator caches one list per
#: title and date and shares it across documents, so each is indexed once, not per mention.
_OPTION_INDEXES: dict[int, tuple[tuple[Resolution, ...], _OptionIndex]] = {}


def _office_options(candidates: tuple[Resolution, ...]) -> _OptionIndex:
    """The office candidates of a title by holder id and by office country (memoized)."""
    hit = _OPTION_INDEXES.get(id(candidates))
    if hit is not None and hit[0] is candidates:
        return hit[1]
    by_entity: dict[str, Resolution] = {}
    by_country: dict[str, list[Resolution]] = {}
    for c in candidates:
        if c.office is not None:
            by_entity.setdefault(c.entity_id, c)
            if c.office.country:
                by_country.setdefault(c.office.country, []).append(c)
    if len(_OPTION_INDEXES) >= 4096:
        _OPTION_INDEXES.clear()
    _OPTION_INDEXES[id(candidates)] = (candidates, (by_entity, by_country))
    return by_entity, by_country


def _with_role(m: Mention, role: str, note: str, base: str) -> Mention:
    """The mention with another role and `note` added to `base` (cheaper than attrs.evolve)."""
    joined = f"{base}; {note}" if base else note
    return Mention(m.start, m.end, m.text, m.resolution, m.label, role, m.candidates, joined)
