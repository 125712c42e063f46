"""The one alias normalization function, used for gazetteer aliases and queries alike.

`normalize` maps the ways people write a name to one key: "Côte d\u2019Ivoire" and "Cote d'Ivoire",
"U.S." and "US", "the Netherlands" and "Netherlands", "China's" and "China". Short all-caps
acronyms keep their case, so "US" (the United States) and "us" (a pronoun) get different keys.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
#: A word: letters, digits, apostrophes and the combining marks of the scripts that use them.
_WORD = re.compile(
    r"[\w'\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u1ab0-\u1aff"
    r"\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f]+"
)
#: Dots inside or after an abbreviation ("U.S.", "U.S", "St.") are dropped, not split on.
_DOTS = re.compile(r"(?<=\w)\.(?=\w|\s|$|[-'),;:])")
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


def _token_key(token: str) -> str:
    """The key of one word: acronyms keep their case, possessives go, the rest is casefolded."""
    token = token.strip("'")
    while token.endswith(("'s", "'S")):
        token = token[:-2].strip("'")
    if _ACRONYM.fullmatch(token):
        return token
    return _fold_diacritics(token.casefold()).translate(_TRANSLATE)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Return the lookup key of a name or alias.

    Steps: NFKC; quotes and dashes unified; Latin diacritics folded; dots of abbreviations
    dropped; punctuation, hyphens and runs of white space become one space; a leading "the"
    and trailing possessives go; words are casefolded except all-caps acronyms of 2-5
    letters. The function is idempotent: ``normalize(normalize(x)) == normalize(x)``.
    """
    if not isinstance(text, str):
        msg = f"normalize() takes a str, not {type(text).__name__}"
        raise TypeError(msg)
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _DOTS.sub("", text).replace("&", " and ").replace("+", " plus ").replace("_", " ")
    words = [key for key in map(_token_key, _WORD.findall(text)) if key]
    while len(words) > 1 and words[0] == "the":
        del words[0]
    return " ".join(words)


def fold_case(key: str) -> str:
    """The fully casefolded form of a key, used when a case-sensitive lookup finds nothing."""
    return key.casefold()


def is_acronym_key(key: str) -> bool:
    """True when the key kept its case because it is a short all-caps acronym."""
    return key != key.casefold()
