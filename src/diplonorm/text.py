"""The one alias normalization function, used for gazetteer aliases and queries alike.

`normalize` maps the ways people write a name to one key: "Côte d\u2019Ivoire" and "Cote d'Ivoire",
"U.S." and "US", "the Netherlands" and "Netherlands", "China's" and "China". Short all-caps
acronyms keep their case, so "US" (the United States) and "us" (a pronoun) get different keys.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache
from itertools import accumulate, compress
from typing import NamedTuple, cast

#: Quote-like characters folded to a straight apostrophe.
_APOSTROPHES = "\u2018\u2019\u201a\u201b\u02bc\u02b9\u0060\u00b4\u2032\uff07"
#: Dash-like characters folded to a hyphen, which is then treated as a space.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
#: Latin letters that Unicode does not decompose into a base letter and a mark.
_LATIN_EXTRA = {
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ł": "l",
    "Ł": "L",
    "\u0131": "i",  # dotless i
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "TH",
    "ð": "d",
    "Ð": "D",
    "ħ": "h",
    "Ħ": "H",
}
_TRANSLATE = str.maketrans(
    {**dict.fromkeys(_APOSTROPHES, "'"), **dict.fromkeys(_DASHES, "-"), **_LATIN_EXTRA}
)
#: Combining marks of the scripts that use them inside words.
_MARKS = (
    r"\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u1ab0-\u1aff"
    r"\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f"
)
_QUOTES = "'" + _APOSTROPHES
#: A token of raw text: a dotted abbreviation ("U.S.", "U.S"), a word (letters, digits, marks
#: and apostrophes: "d'Ivoire", "China's"), or "&" / "+", which normalize to "and" / "plus".
#: Captured, so that `split` returns tokens and the text between them without match objects.
_RAW_TOKEN = re.compile(
    r"((?=[^\W\d_]\.[^\W\d_])(?:(?:[^\W\d_]\.){2,}|[^\W\d_](?:\.[^\W\d_])+)"
    rf"|[\w{_MARKS}{_QUOTES}]+|[&+\uff06\uff0b])"
)
_HAS_QUOTE = re.compile(f"[{_QUOTES}]").search
_EDGE_QUOTES = frozenset(_QUOTES)
_QUOTE_RUN = re.compile("'{2,}")
_FIRST = operator.itemgetter(0)
#: A short all-caps acronym, which keeps its case.
_ACRONYM = re.compile(r"[A-Z]{2,5}")
#: Highest code point treated as Latin when folding diacritics.
_LATIN_MAX = 0x024F

#: The longest string `normalize` accepts; names are short, running text goes to `annotate`.
MAX_NAME_LENGTH = 1000


def _fold_diacritics(text: str) -> str:
    """Drop combining marks that follow a Latin letter; other scripts keep theirs."""
    decomposed = unicodedata.normalize("NFD", text)
    out: list[str] = []
    previous_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if previous_latin:
                continue
        else:
            previous_latin = ord(ch) <= _LATIN_MAX
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _strip_possessive(token: str) -> str:
    if "''" in token:
        token = _QUOTE_RUN.sub("'", token)
    token = token.strip("'")
    while token.endswith(("'s", "'S")):
        token = token[:-2].strip("'")
    return token


def _token_key(token: str) -> str:
    """The key of one word: acronyms keep their case, possessives go, the rest is casefolded."""
    token = _strip_possessive(token)
    if _ACRONYM.fullmatch(token):
        return token
    if token.isascii():
        return _strip_possessive(token.lower())
    return _strip_possessive(_fold_diacritics(token.casefold()).translate(_TRANSLATE))


_KEY_CACHE: dict[str, tuple[str, ...]] = {}
_KEY_CACHE_LIMIT = 500_000


def token_keys(raw: str) -> tuple[str, ...]:
    """The key words of one raw token (usually one; NFKC can split a token into several)."""
    keys = _KEY_CACHE.get(raw)
    if keys is None:
        text = raw if raw.isascii() else unicodedata.normalize("NFKC", raw)
        text = text.translate(_TRANSLATE).replace(".", "")
        if text[:1] == "'" and text.strip("'") in ("s", "S"):
            text = ""  # a possessive cut off by an abbreviation: "U.S.'s"
        text = text.replace("&", " and ").replace("+", " plus ").replace("_", " ")
        keys = tuple(key for key in map(_token_key, _RAW_TOKEN.findall(text)) if key)
        if len(_KEY_CACHE) >= _KEY_CACHE_LIMIT:
            _KEY_CACHE.clear()
        _KEY_CACHE[raw] = keys
    return keys


class Tokens(NamedTuple):
    """Tokens as parallel lists: `text[starts[i]:ends[i]]` is token i and `keys[i]` its key."""

    starts: list[int]
    ends: list[int]
    keys: list[str]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Token bounds without surrounding quotes and without a possessive ending."""
    while start < end and text[start] in _EDGE_QUOTES:
        start += 1
    while end > start and text[end - 1] in _EDGE_QUOTES:
        end -= 1
    while end - start > 2 and text[end - 1] in "sS" and text[end - 2] in _EDGE_QUOTES:
        end -= 2
        while end > start and text[end - 1] in _EDGE_QUOTES:
            end -= 1
    return start, end


def token_arrays(text: str) -> Tokens:
    """Split raw text into tokens with exact `str` offsets and normalized keys.

    `text[start:end]` is the token as written, without surrounding quotes or a possessive
    ending; its key is the normalized form `normalize` uses. A token that NFKC splits into
    several words yields several entries with the same offsets. The work is done by C-level
    `split`, `map` and `accumulate`; only unseen token strings and tokens with quotes run
    Python code.
    """
    parts = _RAW_TOKEN.split(text)
    raws = parts[1::2]
    offsets = list(accumulate(map(len, parts)))
    starts = offsets[0::2]
    del starts[len(raws) :]
    ends = offsets[1::2]
    cached = list(map(_KEY_CACHE.get, raws))
    keyed: list[tuple[str, ...]] = (
        [k if k is not None else token_keys(r) for k, r in zip(cached, raws, strict=True)]
        if None in cached
        else cast(list[tuple[str, ...]], cached)
    )
    for i in compress(range(len(raws)), map(_HAS_QUOTE, raws)):
        starts[i], ends[i] = _trimmed(text, starts[i], ends[i])
    if set(map(len, keyed)) == {1}:
        first: list[str] = list(map(_FIRST, keyed))
        return Tokens(starts, ends, first)
    out = Tokens([], [], [])
    for start, end, keys in zip(starts, ends, keyed, strict=True):
        for key in keys:
            out.starts.append(start)
            out.ends.append(end)
            out.keys.append(key)
    return out


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Tokens of the text as (start, end, key) triples (see `token_arrays`)."""
    tokens = token_arrays(text)
    return list(zip(tokens.starts, tokens.ends, tokens.keys, strict=True))


#: A leading article as `token_keys` gives it: "the" casefolded, or "THE" kept as an acronym.
_THE = frozenset({"the", "THE"})


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Return the lookup key of a name or alias.

    Steps, word by word (see `tokenize`): NFKC; quotes and dashes unified; dots of
    abbreviations dropped ("U.S." = "US"); punctuation, hyphens and white space separate
    words; "&" and "+" become "and" and "plus"; possessives go; Latin diacritics are folded;
    words are casefolded except all-caps acronyms of 2-5 letters; a leading "the" goes, in
    any case ("THE GAMBIA" is "gambia": "THE" is never read as an acronym there).
    The function is idempotent: ``normalize(normalize(x)) == normalize(x)``.
    """
    if not isinstance(text, str):
        msg = f"normalize() takes a str, not {type(text).__name__}"
        raise TypeError(msg)
    get = _KEY_CACHE.get
    words: list[str] = []
    for raw in _RAW_TOKEN.findall(text):
        keys = get(raw)
        words.extend(token_keys(raw) if keys is None else keys)
    while len(words) > 1 and words[0] in _THE:
        del words[0]
    return " ".join(words)


def fold_case(key: str) -> str:
    """The fully casefolded form of a key, used when a case-sensitive lookup finds nothing."""
    return key.casefold()
