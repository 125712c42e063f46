"""Finding candidate mentions in running text: gazetteer aliases and office titles.

The detector works on the tokens of `diplonorm.text.tokenize`, so a phrase in text has
exactly the key that `normalize` gives the alias, and offsets are exact `str` offsets. A
`PhraseIndex` is built once per gazetteer and language set; scanning is one pass over the
tokens, trying at each token only the phrase lengths that start with that word, longest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from diplonorm.gazetteer.index import FROM_AMBIGUITY, Gazetteer, packed_list, unpack_ref
from diplonorm.model import AliasKind
from diplonorm.text import fold_case, tokenize

#: Longest phrase, in words, the detector tries.
MAX_PHRASE_WORDS = 12
#: What may stand between two words of one phrase: spaces (not a blank line), hyphens and
#: dashes, a comma or a dot ("Washington, D.C.", "St. Lucia").
_JOINER = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]*(?:\r?\n)?"
                     r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000,.\-\u2010-\u2015]*")

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
        store = gazetteer.store
        for key, packed in gazetteer.alias_keys.items():
            usable, capital = False, True
            for ref in packed_list(packed):
                index, position, kind = unpack_ref(ref)
                if kind is AliasKind.TRANSLATION:
                    alias = store.at(index).all_aliases()[position]
                    if alias.lang.split("_")[0] not in self.languages:
                        continue
                    text = alias.text
                elif position != FROM_AMBIGUITY:
                    text = store.at(index).all_aliases()[position].text
                else:
                    text = gazetteer.ambiguities[key].alias
                usable = True
                capital = capital and _starts_capitalized(text)
            if usable and len(key) > 1:
                self.phrases[key] = (ALIAS, capital)
        for key in gazetteer.title_keys:
            self.phrases.setdefault(key, (TITLE, False))
        self.longest: dict[str, int] = {}
        for key in self.phrases:
            words = key.split(" ")
            if len(words) <= MAX_PHRASE_WORDS:
                first = words[0]
                self.longest[first] = max(self.longest.get(first, 0), len(words))


def _starts_capitalized(alias: str) -> bool:
    """True when the alias, without a leading "the", starts with an upper-case letter."""
    words = alias.split()
    while len(words) > 1 and words[0].casefold() == "the":
        words = words[1:]
    first = next((ch for ch in " ".join(words) if ch.isalpha()), "")
    return first.isupper()


def phrase_index(gazetteer: Gazetteer, languages: Iterable[str]) -> PhraseIndex:
    """The phrase index of a gazetteer for a language set, built on first use and shared."""
    langs = frozenset(languages)
    return gazetteer.derived(("phrases", langs), lambda gaz: PhraseIndex(gaz, langs))


class Detector:
    """Scans text for the phrases of a `PhraseIndex`: leftmost, then longest, match wins."""

    def __init__(self, index: PhraseIndex) -> None:
        self.index = index

    def scan(self, text: str) -> tuple[list[tuple[int, int, str]], list[Candidate]]:
        """The tokens of the text and the non-overlapping candidates found, in text order."""
        tokens = tokenize(text)
        return tokens, self.scan_tokens(text, tokens)

    def scan_tokens(self, text: str, tokens: Sequence[tuple[int, int, str]]) -> list[Candidate]:
        """Candidates over already tokenized text."""
        found: list[Candidate] = []
        n = len(tokens)
        i = 0
        while i < n:
            match = self._at(text, tokens, i, MAX_PHRASE_WORDS)
            if match is None:
                i += 1
                continue
            match = self._prefer_split(text, tokens, match)
            found.append(match)
            i = match.last_token + 1
        return found

    def _at(
        self, text: str, tokens: Sequence[tuple[int, int, str]], i: int, most: int
    ) -> Candidate | None:
        """The longest phrase starting at token i with at most `most` words."""
        key0 = tokens[i][2]
        limit = self.index.longest.get(key0, 0)
        folded = False
        if not limit and key0 != key0.casefold():
            limit = self.index.longest.get(fold_case(key0), 0)
            folded = limit > 0
        limit = min(limit, most, len(tokens) - i)
        return self._longest(text, tokens, i, limit, folded) if limit else None

    def _prefer_split(
        self, text: str, tokens: Sequence[tuple[int, int, str]], match: Candidate
    ) -> Candidate:
        """Shorten a match when a phrase starting inside it reaches further.

        "Chinese foreign ministry spokesperson" is "Chinese" + "foreign ministry spokesperson",
        not "Chinese foreign ministry" + "spokesperson".
        """
        i = match.first_token
        for j in range(i + 1, match.last_token + 1):
            inner = self._at(text, tokens, j, MAX_PHRASE_WORDS)
            if inner is None or inner.last_token <= match.last_token:
                continue
            head = self._at(text, tokens, i, j - i)
            if head is not None and head.last_token == j - 1:
                return head
        return match

    def _longest(
        self, text: str, tokens: Sequence[tuple[int, int, str]], i: int, limit: int, folded: bool
    ) -> Candidate | None:
        phrases = self.index.phrases
        keys = [tokens[i][2]]
        joined = [keys[0]]
        for j in range(i + 1, i + limit):
            if tokens[j][0] == tokens[j - 1][0]:
                keys.append(tokens[j][2])
            elif not _JOINER.fullmatch(text, tokens[j - 1][1], tokens[j][0]):
                break
            else:
                keys.append(tokens[j][2])
            joined.append(" ".join(keys))
        for length in range(len(joined), 0, -1):
            key = joined[length - 1]
            entry = phrases.get(key)
            if entry is None and (folded or key != key.casefold()) and _all_caps(
                text, tokens[i][0], tokens[i + length - 1][1]
            ):
                key = fold_case(key)
                entry = phrases.get(key)
            if entry is None:
                continue
            kind, capital = entry
            start, end = tokens[i][0], tokens[i + length - 1][1]
            if capital and text[start].islower():
                continue
            return Candidate(start, end, key, kind, i, i + length - 1)
        return None


def _all_caps(text: str, start: int, end: int) -> bool:
    """True when the span has letters and none of them is lower case (a headline's 'CHINA')."""
    span = text[start:end]
    return any(ch.isalpha() for ch in span) and not any(ch.islower() for ch in span)
