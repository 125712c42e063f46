"""Finding candidate mentions in running text: gazetteer aliases and office titles.

The detector works on the tokens of `diplonorm.text.tokenize`, so a phrase in text has
exactly the key that `normalize` gives the alias, and offsets are exact `str` offsets. A
`PhraseIndex` is built once per gazetteer and language set; scanning is one pass over the
tokens, trying at each token only the phrase lengths that start with that word, longest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import compress

import attrs

from diplonorm.gazetteer.index import Gazetteer
from diplonorm.text import Tokens, token_arrays

#: Longest phrase, in words, the detector tries.
MAX_PHRASE_WORDS = 12
#: What may stand between two words of one phrase: spaces (not a blank line), hyphens and
#: dashes, a comma or a dot ("Washington, D.C.", "St. Lucia").
_JOINER = re.compile(
    r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]*(?:\r?\n)?"
    r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000,.\-\u2010-\u2015]*"
)

ALIAS, TITLE = "alias", "title"


@attrs.frozen(slots=True)
class Candidate:
    """A phrase found in text: offsets, normalized key, and whether it is an alias or a title."""

    start: int
    end: int
    key: str
    kind: str
    first_token: int
    last_token: int


class PhraseIndex:
    """The phrases the detector looks for, by first word, built once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer, languages: Iterable[str] = ("en",)) -> None:
        self.languages = frozenset(languages)
        self.phrases: dict[str, tuple[str, bool]] = {}
        for key, pairs in gazetteer.alias_meta().items():
            usable = [
                cap for lang, cap in pairs if not lang or lang.split("_")[0] in self.languages
            ]
            if usable and len(key) > 1:
                self.phrases[key] = (ALIAS, all(usable))
        for key in gazetteer.title_keys:
            self.phrases.setdefault(key, (TITLE, False))
        prefixes: set[str] = set()
        for key in self.phrases:
            words = key.split(" ")
            for n in range(1, min(len(words), MAX_PHRASE_WORDS)):
                prefixes.add(" ".join(words[:n]))
        #: Keys that begin a longer phrase: the scan extends a match only through these.
        self.prefixes = frozenset(prefixes)
        firsts = {k.split(" ")[0] for k in self.phrases}
        #: First words of phrases that may be written in lower case (titles): the others only
        #: begin a match when capitalized.
        self.lowercase_firsts = frozenset(
            k.split(" ")[0] for k, (_kind, capital) in self.phrases.items() if not capital
        )
        #: Keys that can begin a phrase, with the capitalized form of short ones for headlines
        #: ("CHINA"): the scan's first, C-level test.
        self.first_words = frozenset(
            firsts | {f.upper() for f in firsts if f.isascii() and f.isalpha() and len(f) <= 5}
        )


#: An ASCII word for `WordTrigger`; apostrophes are split off afterwards ("China's").
_ASCII_WORD = re.compile(r"[A-Za-z0-9']+")


class WordTrigger:
    """A quick test for ASCII text: does any word that can begin a phrase occur at all?

    `capitalized` words (lower case) count only with a capital first letter ("Security",
    "SECURITY", not "security"); `any_case` words count in any case. Built from two sets,
    so it costs nothing to build however large the gazetteer.
    """

    __slots__ = ("any_case", "capitalized")

    def __init__(self, capitalized: Iterable[str], any_case: Iterable[str]) -> None:
        self.capitalized = frozenset(w.lower() for w in capitalized)
        self.any_case = frozenset(w.lower() for w in any_case)

    def __call__(self, text: str) -> bool:
        """True when the ASCII text holds one of the words as a whole word."""
        capitalized, any_case = self.capitalized, self.any_case
        for token in set(_ASCII_WORD.findall(text)):
            for word in _word_forms(token):
                folded = word.lower()
                if folded in any_case or (word[:1].isupper() and folded in capitalized):
                    return True
        return False


def _word_forms(token: str) -> Iterable[str]:
    """The token and, when it holds apostrophes, every run of its parts ("China's": "China")."""
    if "'" not in token:
        return (token,)
    parts = token.split("'")
    return {
        "'".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)
    } - {""}


def phrase_index(gazetteer: Gazetteer, languages: Iterable[str]) -> PhraseIndex:
    """The phrase index of a gazetteer for a language set, built on first use and shared."""
    langs = frozenset(languages)
    return gazetteer.derived(("phrases", langs), lambda gaz: PhraseIndex(gaz, langs))


@attrs.frozen(slots=True)
class Scan:
    """What one pass over a text finds: its tokens, the candidate phrases (in text order) and
    the positions of the tokens whose key is a watched word, not written in lower case (see
    `Detector`)."""

    tokens: Tokens
    candidates: list[Candidate]
    watched: list[int]


_ANY_CASE, _CAPITALIZED, _WATCHED = 1, 2, 4


class Detector:
    """Scans text for the phrases of a `PhraseIndex`: leftmost, then longest, match wins.

    `watch` words (keys) are reported by position in the same pass: the context stage watches
    the first words of family names, so it needs no pass of its own over the tokens.
    """

    def __init__(self, index: PhraseIndex, watch: frozenset[str] = frozenset()) -> None:
        self.index = index
        self.watch = watch
        #: What each key is worth to the scan, one lookup per token (built once): `_ANY_CASE`
        #: begins a phrase in any case, `_CAPITALIZED` only when not written in lower case,
        #: `_WATCHED` is a watched word.
        flags = dict.fromkeys(index.first_words, _CAPITALIZED)
        flags.update(dict.fromkeys(index.lowercase_firsts, _ANY_CASE))
        for word in watch:
            flags[word] = flags.get(word, 0) | _WATCHED
        self._flags = flags

    def scan(self, text: str) -> Scan:
        """The tokens of the text, the non-overlapping candidates and the watched words.

        One C-level pass over the keys picks out the tokens worth a look, with what each is
        worth; a phrase that must be capitalized is never tried at a word in lower case.
        """
        tokens = token_arrays(text)
        keys = tokens.keys
        flags = list(map(self._flags.get, keys))
        stops = list(compress(range(len(keys)), flags))
        worth: list[int] = list(filter(None, flags))
        lower = list(map(str.islower, map(text.__getitem__, map(tokens.starts.__getitem__, stops))))
        visit = [
            i
            for i, f, low in zip(stops, worth, lower, strict=True)
            if f & _ANY_CASE or (f & _CAPITALIZED and not low)
        ]
        watched = (
            [i for i, f, low in zip(stops, worth, lower, strict=True) if f & _WATCHED and not low]
            if self.watch
            else []
        )
        return Scan(tokens, self._candidates(text, tokens, visit), watched)

    def _candidates(self, text: str, tokens: Tokens, visit: Iterable[int]) -> list[Candidate]:
        """The candidates starting at the `visit` tokens (those whose key can begin a phrase,
        picked out by a C-level pass, so text without names costs little more than
        tokenizing)."""
        n = len(tokens.keys)
        found: list[Candidate] = []
        after = 0
        for i in visit:
            if i < after:
                continue
            match = self._at(text, tokens, i, n)
            if match is None:
                continue
            match = self._prefer_split(text, tokens, match)
            found.append(match)
            after = match.last_token + 1
        return found

    def _at(self, text: str, tokens: Tokens, i: int, stop: int) -> Candidate | None:
        """The longest phrase starting at token i and ending before token `stop`.

        Keys are tried as written and, when the text there is in capitals, casefolded, so a
        headline's "CHINA" finds "China" while "IT" never finds "it".
        """
        key = tokens.keys[i]
        best = self._extend(text, tokens, i, stop, fold=False)
        if key != key.casefold():
            folded = self._extend(text, tokens, i, stop, fold=True)
            if folded is not None and (best is None or folded.last_token > best.last_token):
                best = folded
        return best

    def _extend(self, text: str, tokens: Tokens, i: int, stop: int, fold: bool) -> Candidate | None:
        phrases, prefixes = self.index.phrases, self.index.prefixes
        starts, ends, keys = tokens
        if i and starts[i] == starts[i - 1]:
            return None  # a match never starts inside a written token ("China_China")
        n = len(keys)
        stop = min(stop, n, i + MAX_PHRASE_WORDS)
        key = keys[i].casefold() if fold else keys[i]
        matches: list[tuple[int, str]] = []
        j = i
        while True:
            if key in phrases and (j + 1 == n or starts[j + 1] != starts[j]):
                matches.append((j, key))
            if key not in prefixes or j + 1 >= stop:
                break
            if starts[j + 1] != starts[j] and not _JOINER.fullmatch(text, ends[j], starts[j + 1]):
                break
            j += 1
            key = f"{key} {keys[j].casefold() if fold else keys[j]}"
        for last, phrase in reversed(matches):
            kind, capital = phrases[phrase]
            start, end = starts[i], ends[last]
            if capital and text[start].islower():
                continue
            if fold and not _all_caps(text, start, end):
                continue
            return Candidate(start, end, phrase, kind, i, last)
        return None

    def alias_at(self, text: str, tokens: Tokens, i: int, stop: int) -> Candidate | None:
        """The longest alias (not title) phrase at token i that ends before token `stop`."""
        stop = min(stop, i + MAX_PHRASE_WORDS)
        while stop > i:
            match = self._at(text, tokens, i, stop)
            if match is None:
                return None
            if match.kind == ALIAS:
                return match
            stop = match.last_token
        return None

    def _prefer_split(self, text: str, tokens: Tokens, match: Candidate) -> Candidate:
        """Shorten a match when a phrase starting inside it reaches further.

        "Chinese foreign ministry spokesperson" is "Chinese" + "foreign ministry spokesperson",
        not "Chinese foreign ministry" + "spokesperson".
        """
        i = match.first_token
        n = len(tokens.keys)
        for j in range(i + 1, match.last_token + 1):
            if tokens.keys[j] not in self.index.first_words:
                continue
            inner = self._at(text, tokens, j, n)
            if inner is None or inner.last_token <= match.last_token:
                continue
            head = self._at(text, tokens, i, j)
            if head is not None and head.last_token == j - 1:
                return head
        return match


def _all_caps(text: str, start: int, end: int) -> bool:
    """True when the span has letters and none of them is lower case (a headline's 'CHINA')."""
    span = text[start:end]
    return any(ch.isalpha() for ch in span) and not any(ch.islower() for ch in span)
