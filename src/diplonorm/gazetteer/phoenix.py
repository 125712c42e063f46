"""Importer of the Phoenix/PETRARCH2 actor and agent dictionaries into a diplonorm gazetteer.

`parse_actors` and `parse_agents` read the TABARI-style text files line by line; a malformed
line is reported as a `Problem` (path, line, field, message) and skipped on its own, so the rest
of the file still loads. `convert` / `to_records` turn actors into gazetteer entity records and
`import_phoenix` writes one JSON Lines gazetteer from a directory of dictionaries; `main` is
the command line (`python -m diplonorm.gazetteer.phoenix DIR -o OUT`).

Reading rules (README.md beside the data): a record is a primary phrase line, ``+synonym``
lines and tab-indented ``[CODE date]`` lines; codes may also follow the primary phrase.
Consecutive primary lines before any code are names of one actor (the dictionaries list a
person's spellings that way, as in LEONID_BREZHNEV_); a blank or comment line ends such a run.
Dates are YYMMDD (YY <= 30 means 20YY) or YYYYMMDD; ranges are inclusive. A bad date or code
drops that code only; an actor left with the null code '---' alone is skipped; one with no
code at all is kept without a CAMEO id.

Conversion decisions: state-level records (CHINA_ [CHN], GBRVGB territories) are skipped,
since diplonorm has states from ISO 3166; role titles (US_SECRETARY_OF_STATE_) are skipped;
actors with the same name slug, or whose name is a synonym of an earlier actor with the same
codes, are merged; an alias naming two records stays with the first (a later canonical name
takes it), and each such decision is reported. A person's synonyms naming a government
(OBAMA_ADMINISTRATION) are not aliases; the note lists them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import sys
import time
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from diplonorm.gazetteer.family import FAMILY_NAME_FIRST, NAME_PARTICLES
from diplonorm.text import fold_case, normalize
from diplonorm.validate import is_iso3

if TYPE_CHECKING:
    from diplonorm.gazetteer.index import Gazetteer

#: The actor files read by `import_phoenix`, in this order.
ACTOR_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
)
#: The agents file read by `import_phoenix`.
AGENT_FILE = "Phoenix.agents.txt"

#: The header of the gazetteer written by `import_phoenix`.
HEADER: Mapping[str, Any] = {
    "diplonorm": "gazetteer",
    "version": 1,
    "name": "phoenix",
    "source": (
        "Phoenix/PETRARCH2 dictionaries (openeventdata/petrarch2 676801cd, MIT; "
        "country file from CountryInfo, CC BY-SA 3.0)"
    ),
    "as_of": "2015",
    "license": "MIT",
}

#: TABARI's null code: "do not code this phrase".
NULL_CODE = "---"

#: First blocks of CAMEO codes that are not ISO 3166-1 alpha-3 codes but are used on purpose:
#: former and special states, CAMEO regions, international actor types, sector-only codes and
#: religions. Any other first block (KKLREB: a coder's initials) is reported as an odd code.
CAMEO_PREFIXES = frozenset(
    {
        # former or special states and territories as CAMEO writes them
        "CSK", "DDR", "FRN", "FRY", "KRJ", "KSV", "SCG", "SRP", "SUN", "TMP", "USR", "YUG",
        # regions
        "AFR", "ASA", "BLK", "CAS", "CAU", "CEU", "CFR", "CRB", "EAF", "EEU", "EIN", "EUR",
        "LAM", "MDT", "MEA", "NAF", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF",
        "WEU", "WST",
        # international and transnational actor types
        "IGO", "IMG", "INT", "MNC", "NGM", "NGO", "UIS",
        # sector-only codes, added to the actor's country by the coder
        "AGR", "BUS", "COP", "CRM", "CVL", "DEV", "EDU", "ELI", "ENV", "GOV", "HLH", "HRI",
        "INS", "JUD", "LAB", "LEG", "MED", "MIL", "MOD", "OPP", "PTY", "RAD", "REB", "REF",
        "SEP", "SPY", "UAF",
        # religions
        "ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "HIN", "ITR",
        "JAN", "JEW", "JHW", "MOS", "PRO", "SFI", "SHI", "SIK", "TAO", "ZRO",
    }
)  # fmt: skip

#: CAMEO country codes that differ from ISO 3166-1 alpha-3.
CAMEO_TO_ISO3: Mapping[str, str] = {
    "TMP": "TLS",
    "KSV": "XKX",
    "ROM": "ROU",
    "ZAR": "COD",
    "IMY": "IMN",
}

#: CAMEO sectors (the role blocks of actor and agent codes), for reports and documentation.
SECTORS: Mapping[str, str] = {
    "AGR": "agriculture",
    "BUS": "business",
    "COP": "police",
    "CRM": "criminal",
    "CVL": "civilian",
    "DEV": "development",
    "EDU": "education",
    "ELI": "elite (former officials)",
    "ENV": "environment",
    "GOV": "government",
    "HLH": "health",
    "HRI": "human rights",
    "IGO": "intergovernmental organization",
    "IMG": "international militarized group",
    "JUD": "judiciary",
    "LAB": "labor",
    "LEG": "legislature",
    "MED": "media",
    "MIL": "military",
    "NGO": "non-governmental organization",
    "OPP": "opposition",
    "PPL": "people",
    "PTY": "political party",
    "RAD": "radicals",
    "REB": "rebels",
    "REF": "refugees",
    "REL": "religion",
    "SPY": "intelligence",
    "UAF": "unaligned armed forces",
}

#: The substitution sets every agents file may use; a file can redefine them.
DEFAULT_SUBSTITUTIONS: Mapping[str, tuple[str, ...]] = {
    "PERSON": ("MAN", "MEN", "WOMAN", "WOMEN", "PERSON"),
    "MINIST": ("MINISTER", "MINISTERS", "MINISTRY", "MINISTRIES"),
}


def _wordset(text: str) -> frozenset[str]:
    """The words of a text block as a set."""
    return frozenset(text.split())


# ---------------------------------------------------------------------------------------------
# Results


@attrs.frozen(slots=True)
class Problem:
    """One malformed line or record, or one decision the importer had to make about it."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


@attrs.frozen(slots=True)
class CodeSpan:
    """A CAMEO code valid from `start` to `end` inclusive; None is an open end."""

    code: str
    start: dt.date | None
    end: dt.date | None
    line: int = 0

    def describe(self) -> str:
        """The span as text: 'USAGOV 2009-01-20..2017-01-20', 'RUSGOV 2008-05-08..'."""
        start = self.start.isoformat() if self.start else ""
        end = self.end.isoformat() if self.end else ""
        return f"{self.code} {start}..{end}"


@attrs.frozen(slots=True)
class Phrase:
    """A phrase as written ('VLADIMIR_PUTIN_') and the line it was read from."""

    text: str
    line: int

    @property
    def words(self) -> tuple[str, ...]:
        """The words of the phrase: '_' and white space both separate words."""
        return tuple(self.text.replace("_", " ").split())


@attrs.frozen(slots=True)
class Actor:
    """One actor record: its phrases, dated codes and default code."""

    path: str
    primary: Phrase
    names: tuple[Phrase, ...] = ()
    synonyms: tuple[Phrase, ...] = ()
    spans: tuple[CodeSpan, ...] = ()
    default: str | None = None
    comment: str = ""

    @property
    def line(self) -> int:
        """The line of the primary phrase."""
        return self.primary.line

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """The primary phrase, the other primary-line names, then the synonyms."""
        return (self.primary, *self.names, *self.synonyms)

    def codes(self) -> list[str]:
        """Every usable code of the actor (no null codes), dated ones first."""
        out = [s.code for s in self.spans if s.code != NULL_CODE]
        if self.default and self.default != NULL_CODE:
            out.append(self.default)
        return out

    def current_code(self, *, allow_sector: bool = True) -> str | None:
        """The most recent code: an open-ended span, else the default, else the latest span;
        with `allow_sector` False a bare sector default ('ELI') is passed over."""
        spans = [s for s in self.spans if s.code != NULL_CODE]
        open_ended = [s for s in spans if s.end is None and s.start is not None]
        if open_ended:
            return max(open_ended, key=lambda s: s.start or dt.date.min).code
        default = self.default if self.default != NULL_CODE else None
        if default and (allow_sector or len(default) > 3 or default not in SECTORS):
            return default
        if spans:
            return max(spans, key=lambda s: (s.end or dt.date.max, s.line)).code
        return None


@attrs.frozen(slots=True)
class ActorParse:
    """The actors read from one file and the problems met on the way."""

    path: str
    actors: tuple[Actor, ...]
    problems: tuple[Problem, ...]
    lines: int = 0


@attrs.frozen(slots=True)
class Agent:
    """One agent line expanded: its phrase forms, code and whether the code is prepended."""

    path: str
    line: int
    phrase: str
    forms: tuple[str, ...]
    code: str
    prepend: bool

    @property
    def sector(self) -> str:
        """The first three-letter block of the code: 'GOVMED' -> 'GOV'."""
        return self.code[:3]

    @property
    def titles(self) -> tuple[str, ...]:
        """The forms as lower-case titles: 'FOREIGN MINISTER' -> 'foreign minister'."""
        return tuple(form.lower() for form in self.forms)


@attrs.frozen(slots=True)
class AgentTitle:
    """An office-title-like pattern from the agents file, with its CAMEO sector."""

    title: str
    sector: str
    code: str
    line: int


@attrs.frozen(slots=True)
class AgentParse:
    """The agents read from one file, their titles by sector, and the problems met."""

    path: str
    agents: tuple[Agent, ...]
    problems: tuple[Problem, ...]
    substitutions: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    def titles(self) -> list[AgentTitle]:
        """One title per distinct form, first definition wins, in file order."""
        seen: dict[str, AgentTitle] = {}
        for agent in self.agents:
            for title in agent.titles:
                if title not in seen:
                    seen[title] = AgentTitle(title, agent.sector, agent.code, agent.line)
        return list(seen.values())

    def titles_by_sector(self) -> dict[str, list[str]]:
        """The titles grouped by sector: {'GOV': ['foreign minister', ...], ...}."""
        out: dict[str, list[str]] = {}
        for title in self.titles():
            out.setdefault(title.sector, []).append(title.title)
        return out


# ---------------------------------------------------------------------------------------------
# Lines


_SUB = b"\x1a"


@attrs.frozen(slots=True)
class _Line:
    """One line of a dictionary: its text without comments, indentation and comment text."""

    number: int
    text: str
    indented: bool
    comment: str
    bad_utf8: bool = False


class _Reader:
    """Splits a dictionary into lines, dropping comments and reporting undecodable bytes."""

    def __init__(self, raw: bytes, path: str) -> None:
        self.raw = raw
        self.path = path
        self.problems: list[Problem] = []
        self.count = 0

    def report(self, line: int, field: str, message: str) -> None:
        """Record a problem of this file."""
        self.problems.append(Problem(self.path, line, field, message))

    def lines(self) -> Iterator[_Line]:
        """Every line (blank ones too), with '#' and '<!-- -->' comments removed."""
        in_xml = 0
        for number, data in enumerate(self.raw.split(b"\n"), start=1):
            self.count = number
            data = data.rstrip(b"\r")
            if _SUB in data:
                self.report(number, "bytes", "stray 0x1A (SUB) byte removed; line kept")
                data = data.replace(_SUB, b"")
            bad = False
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = True
                text = data.decode("utf-8", errors="replace")
                self.report(number, "bytes", f"not UTF-8 ({exc.reason} at byte {exc.start})")
            if in_xml:
                end = text.find("-->")
                if end < 0:
                    yield _Line(number, "", False, "")
                    continue
                text = text[end + 3 :]
                in_xml = 0
            while "<!--" in text:
                head, _, tail = text.partition("<!--")
                end = tail.find("-->")
                if end < 0:
                    in_xml = number
                    text = head
                    break
                text = head + tail[end + 3 :]
            comment = ""
            if "#" in text:
                text, _, comment = text.partition("#")
            indented = text[:1].isspace()
            yield _Line(number, text.strip(), indented, comment.strip(), bad)
        if in_xml:
            self.report(in_xml, "comment", "'<!--' comment never closed; rest of file ignored")


# ---------------------------------------------------------------------------------------------
# Dates and codes


_CODE = re.compile(r"(?:[A-Z0-9]{3})+")
_DIGITS = re.compile(r"\d+")


def parse_date(text: str) -> dt.date:
    """A TABARI date: YYYYMMDD, or YYMMDD with YY <= 30 read as 20YY and others as 19YY."""
    if not _DIGITS.fullmatch(text) or len(text) not in (6, 8):
        msg = f"{text!r} is not a date (YYMMDD or YYYYMMDD)"
        raise ValueError(msg)
    if len(text) == 6:
        yy = int(text[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        month, day = int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    try:
        return dt.date(year, month, day)
    except ValueError:
        msg = f"{text!r} is not a valid calendar date"
        raise ValueError(msg) from None


def parse_code(inner: str) -> tuple[str, dt.date | None, dt.date | None, bool]:
    """Parse the inside of '[...]': (code, start, end, dated); raises ValueError when bad."""
    parts = inner.split(None, 1)
    if not parts:
        raise ValueError("empty code '[]'")
    code = parts[0]
    if code != NULL_CODE:
        if not _CODE.fullmatch(code):
            msg = f"odd code {code!r}: CAMEO codes are blocks of three capital letters"
            raise ValueError(msg)
        if not (is_iso3(code[:3]) or code[:3] in CAMEO_PREFIXES or code[:3] in CAMEO_TO_ISO3):
            msg = f"odd code {code!r}: {code[:3]!r} is neither a country nor a CAMEO prefix"
            raise ValueError(msg)
    if len(parts) == 1:
        return code, None, None, False
    when = "".join(parts[1].split())
    if when[:1] == ">":
        return code, parse_date(when[1:]), None, True
    if when[:1] == "<":
        return code, None, parse_date(when[1:]), True
    if "-" in when:
        first, _, last = when.partition("-")
        start, end = parse_date(first), parse_date(last)
        if end < start:
            msg = f"range {when!r} ends before it starts"
            raise ValueError(msg)
        return code, start, end, True
    msg = f"date {when!r} has no '>', '<' or '-': cannot tell a start from an end"
    raise ValueError(msg)


# ---------------------------------------------------------------------------------------------
# Actors


#: Characters that never belong in a phrase: brackets of codes, braces of plurals, and so on.
_BAD_PHRASE = re.compile(r"[\[\]{}<>=\\|\ufffd\x00-\x08\x0b-\x1f\x7f]")
#: Doubly encoded UTF-8 ("PÃšBLICAS"): a UTF-8 lead byte read as Latin-1/CP1252.
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2018-\u203a]")
#: "ANTHONY_CROSLAND,_THEN_DAVID_OWEN_": one line naming two successive office holders.
_TWO_PEOPLE = re.compile(r",[_ ]+THEN[_ ]", re.IGNORECASE)
#: "Source: MNC.MLH.actors": a note left in the data.
_FILE_NAME = re.compile(r"\.(?:actors|agents|verbs|txt)\b", re.IGNORECASE)
#: A '+' that starts another synonym on the same line: after blanks, or next to '_'.
_SYNONYM_SPLIT = re.compile(r"\s+\+|(?<=[^\s_+])\+(?=_)")


def _phrase_error(text: str) -> str | None:
    """Why a phrase cannot be used, or None."""
    if not text.replace("_", "").strip():
        return "empty phrase"
    bad = _BAD_PHRASE.search(text)
    if bad:
        return f"phrase {text!r} contains {bad.group()!r}"
    if _MOJIBAKE.search(text):
        return f"phrase {text!r} looks doubly encoded (mojibake)"
    if _FILE_NAME.search(text):
        return f"phrase {text!r} looks like a file name, not a name"
    if _TWO_PEOPLE.search(text):
        return f"phrase {text!r} names two successive holders in one line"
    if not normalize(text.replace("_", " ")):
        return f"phrase {text!r} has no letters or digits"
    return None


@attrs.define
class _Building:
    """An actor record while its lines are read."""

    path: str
    primary: Phrase
    comment: str
    names: list[Phrase] = attrs.Factory(list)
    synonyms: list[Phrase] = attrs.Factory(list)
    spans: list[CodeSpan] = attrs.Factory(list)
    defaults: list[tuple[str, int]] = attrs.Factory(list)
    code_lines: int = 0

    def has_codes(self) -> bool:
        """True once a code line (or an inline code) was read, even a bad one."""
        return self.code_lines > 0


class _ActorReader(_Reader):
    """The state machine of an actor file."""

    def __init__(self, raw: bytes, path: str) -> None:
        super().__init__(raw, path)
        self.actors: list[Actor] = []
        self.current: _Building | None = None
        self.skipping = False
        self.boundary = True

    def run(self) -> ActorParse:
        """Read every line and return the actors and problems."""
        for line in self.lines():
            if not line.text:
                self.boundary = True
                continue
            if line.text[0] == "[":
                self.codes(line, line.text)
            elif line.text[0] == "+":
                self.synonym(line)
            else:
                self.primary(line)
            self.boundary = False
        self.finish()
        return ActorParse(self.path, tuple(self.actors), tuple(self.problems), self.count)

    def finish(self) -> None:
        """Store the record being read, or report why it cannot be stored."""
        record, self.current = self.current, None
        if record is None:
            return
        codes = [s.code for s in record.spans] + [c for c, _ in record.defaults]
        if codes and all(c == NULL_CODE for c in codes):
            msg = f"actor {record.primary.text!r} has only the null code '---' (do not code)"
            self.report(record.primary.line, "code", f"{msg}; skipped")
            return
        if not record.code_lines:
            msg = f"actor {record.primary.text!r} has no code; kept without one"
            self.report(record.primary.line, "code", msg)
        default = record.defaults[-1][0] if record.defaults else None
        distinct = list(dict.fromkeys(c for c, _ in record.defaults))
        if len(distinct) > 1:
            msg = (
                f"several undated codes ({', '.join(distinct)}); the last one, {default!r}, "
                "is the default"
            )
            self.report(record.defaults[-1][1], "code", msg)
        self.actors.append(
            Actor(
                path=record.path,
                primary=record.primary,
                names=tuple(record.names),
                synonyms=tuple(record.synonyms),
                spans=tuple(record.spans),
                default=default,
                comment=record.comment,
            )
        )

    def primary(self, line: _Line) -> None:
        """A primary phrase: a new record, or one more name of a record without codes yet."""
        phrase_text, bracket, rest = line.text.partition("[")
        phrase_text = phrase_text.strip()
        record = self.current
        joins = (
            record is not None
            and not self.skipping
            and not record.has_codes()
            and not self.boundary
        )
        error = "primary phrase is not UTF-8" if line.bad_utf8 else _phrase_error(phrase_text)
        if error is not None:
            if joins and not bracket:  # one more spelling of the actor being read
                self.report(line.number, "phrase", f"{error}; phrase skipped")
                return
            self.finish()
            self.skipping = True
            self.report(line.number, "phrase", f"{error}; record skipped")
            return
        if line.indented:
            msg = f"indented phrase {phrase_text!r} read as a primary phrase"
            self.report(line.number, "phrase", msg)
        phrase = Phrase(phrase_text, line.number)
        if joins and record is not None:
            record.names.append(phrase)
        else:
            self.finish()
            self.skipping = False
            self.current = _Building(self.path, phrase, line.comment)
        if bracket:
            self.codes(line, bracket + rest)

    def synonym(self, line: _Line) -> None:
        """A '+' line: one synonym (or several written on one line) of the current record."""
        if self.skipping:
            return
        if self.current is None:
            self.report(line.number, "synonym", f"synonym {line.text!r} has no primary phrase")
            return
        if line.bad_utf8:
            self.report(line.number, "synonym", "synonym is not UTF-8; skipped")
            return
        parts = [p.strip() for p in _SYNONYM_SPLIT.split(line.text[1:])]
        parts = [p for p in parts if p.strip("_")]
        if len(parts) > 1:
            msg = f"{len(parts)} synonyms on one line ({' | '.join(parts)}); each one kept"
            self.report(line.number, "synonym", msg)
        for part in parts:
            text = part.split("[", 1)[0].strip() if "[" in part and "]" in part else part
            if text != part:
                self.report(line.number, "synonym", "code on a synonym line ignored")
            error = _phrase_error(text)
            if error is not None:
                self.report(line.number, "synonym", f"{error}; synonym skipped")
                continue
            self.current.synonyms.append(Phrase(text, line.number))

    def codes(self, line: _Line, text: str) -> None:
        """The '[CODE date]' groups of a line, each checked and stored on its own."""
        if self.skipping:
            return
        record = self.current
        if record is None:
            self.report(line.number, "code", f"code line {text!r} has no primary phrase")
            return
        if line.bad_utf8:
            self.report(line.number, "code", "code line is not UTF-8; skipped")
            return
        record.code_lines += 1
        rest = text
        while rest:
            start = rest.find("[")
            if start < 0:
                self.report(line.number, "code", f"text {rest.strip()!r} after the codes ignored")
                break
            if rest[:start].strip():
                msg = f"text {rest[:start].strip()!r} between codes ignored"
                self.report(line.number, "code", msg)
            end = rest.find("]", start)
            if end < 0:
                self.report(line.number, "code", f"'[' without ']' in {rest.strip()!r}; skipped")
                break
            inner = rest[start + 1 : end]
            rest = rest[end + 1 :].strip()
            try:
                code, first, last, dated = parse_code(inner)
            except ValueError as exc:
                self.report(line.number, "code", f"[{inner}]: {exc}; code skipped")
                continue
            if dated:
                record.spans.append(CodeSpan(code, first, last, line.number))
            else:
                record.defaults.append((code, line.number))


def parse_actors(raw: bytes, path: str) -> ActorParse:
    """Read an actor dictionary; malformed lines and records are reported and skipped."""
    return _ActorReader(raw, path).run()


# ---------------------------------------------------------------------------------------------
# Agents


_MARKER = re.compile(r"!([A-Z]+)!")
_DEFINITION = re.compile(r"!([A-Z]+)!\s*=\s*(.+)")
_AGENT_CODE = re.compile(r"(~)?((?:[A-Z]{3})+)(~)?")
_PREPOSITIONS = frozenset({"OF", "FOR", "IN", "ON", "AT", "TO", "WITH", "FROM", "AGAINST"})
_SIBILANT = ("S", "X", "Z", "CH", "SH")
_PLACE_INITIALS = frozenset({"U.S.", "U.K.", "U.N.", "E.U.", "U.S.A."})
_GROUP_NOUNS = _wordset("MEN WOMEN PEOPLE PERSONNEL POLICE STAFF CLERGY CHILDREN YOUTH")
_NOT_MAN = frozenset({"GERMAN", "HUMAN", "ROMAN", "OTTOMAN", "SHAMAN", "TALISMAN", "CAYMAN"})


def plural(phrase: str) -> str | None:
    """The regular plural of an agent phrase's head noun ('MINISTERS OF DEFENSE', 'CHAIRMEN'),
    or None when the phrase already ends in a plural '-S'."""
    # The head is the word before the first preposition ('OF', 'FOR', ...), else the last.
    words = phrase.split()
    head = len(words) - 1
    for i, word in enumerate(words[1:], start=1):
        if word in _PREPOSITIONS:
            head = i - 1
            break
    word = words[head]
    if word.endswith("MAN") and word not in _NOT_MAN:
        word = word[:-3] + "MEN"
    elif word.endswith("IS") and len(word) > 3:
        word = word[:-2] + "ES"
    elif word.endswith(("SS", "US", *_SIBILANT[1:])):
        word += "ES"
    elif word.endswith("S"):
        return None
    elif word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        word = word[:-1] + "IES"
    else:
        word += "S"
    words[head] = word
    return " ".join(words)


def _words(text: str) -> str:
    """A phrase with '_' and runs of white space turned into single spaces."""
    return " ".join(text.replace("_", " ").split())


class _AgentReader(_Reader):
    """Reads an agents file line by line."""

    def __init__(self, raw: bytes, path: str) -> None:
        super().__init__(raw, path)
        self.subs: dict[str, tuple[str, ...]] = dict(DEFAULT_SUBSTITUTIONS)
        self.agents: list[Agent] = []

    def run(self) -> AgentParse:
        """Read every line: substitution sets and agents."""
        for line in self.lines():
            if not line.text:
                continue
            if line.bad_utf8:
                self.report(line.number, "phrase", "agent line is not UTF-8; skipped")
                continue
            definition = _DEFINITION.fullmatch(line.text)
            if definition is not None:
                items = tuple(i.strip() for i in definition.group(2).split(",") if i.strip())
                self.subs[definition.group(1)] = items
                continue
            agent = self.agent(line)
            if agent is not None:
                self.agents.append(agent)
        return AgentParse(self.path, tuple(self.agents), tuple(self.problems), dict(self.subs))

    def agent(self, line: _Line) -> Agent | None:
        """One agent line expanded, or None (reported) when it is malformed."""
        text = line.text
        head, bracket, tail = text.partition("[")
        if not bracket:
            self.report(line.number, "code", f"agent {text!r} has no [code]; skipped")
            return None
        inner, close, after = tail.partition("]")
        if not close:
            self.report(line.number, "code", f"agent {text!r}: '[' without ']'; skipped")
            return None
        if after.strip():
            self.report(line.number, "code", f"text {after.strip()!r} after the code ignored")
        match = _AGENT_CODE.fullmatch(inner.strip())
        if match is None or bool(match.group(1)) == bool(match.group(3)):
            msg = f"agent code [{inner.strip()}] is not '~CODE' or 'CODE~'; skipped"
            self.report(line.number, "code", msg)
            return None
        code, prepend = match.group(2), bool(match.group(3))
        phrase, explicit = head, None
        if "{" in head:
            phrase, _, braces = head.partition("{")
            inside, closed, rest = braces.partition("}")
            if not closed or rest.strip():
                self.report(line.number, "plural", f"bad '{{plural}}' in {text!r}; skipped")
                return None
            explicit = _words(inside)
        phrase = phrase.strip()
        error = _phrase_error(phrase.replace("!", ""))
        if error is None and "!" in _MARKER.sub("", phrase):
            error = f"stray '!' in phrase {phrase!r}"
        if error is not None:
            self.report(line.number, "phrase", f"{error}; skipped")
            return None
        forms = self.expand(phrase, line.number)
        if forms is None:
            return None
        if explicit is not None:
            if explicit:
                forms.append(explicit)
        elif not _MARKER.search(phrase):
            regular = plural(forms[0])
            if regular is not None:
                forms.append(regular)
        return Agent(self.path, line.number, phrase, tuple(dict.fromkeys(forms)), code, prepend)

    def expand(self, phrase: str, number: int) -> list[str] | None:
        """Every form of a phrase with its substitution markers replaced."""
        parts: list[tuple[str, ...]] = []
        last = 0
        for match in _MARKER.finditer(phrase):
            parts.append((phrase[last : match.start()],))
            name = match.group(1)
            inside = match.start() > 0 and phrase[match.start() - 1].isalpha()
            inside = inside and match.end() < len(phrase) and phrase[match.end()].isalpha()
            if inside:
                msg = f"marker !{name}! inside a word ({phrase!r}) read as the letters {name}"
                self.report(number, "phrase", msg)
                parts.append((name,))
            elif name in self.subs:
                parts.append(self.subs[name])
            else:
                self.report(number, "phrase", f"substitution set !{name}! is not defined; skipped")
                return None
            last = match.end()
        parts.append((phrase[last:],))
        return [_words("".join(p)) for p in itertools.product(*parts)]


def parse_agents(raw: bytes, path: str) -> AgentParse:
    """Read an agents dictionary; malformed lines are reported and skipped."""
    return _AgentReader(raw, path).run()


# ---------------------------------------------------------------------------------------------
# Names


#: Words written in lower case inside a name (never as its first word).
LOWER_WORDS = (NAME_PARTICLES - {"le", "di"}) | {"of", "the", "and", "y", "e", "des", "zu"}
#: More words written in lower case inside the name of an organization.
LOWER_ORG_WORDS = LOWER_WORDS | {
    "for", "in", "on", "at", "to", "by", "with", "from", "against", "a", "an", "et", "und",
    "pour", "sur", "le", "les",
}  # fmt: skip
#: Lower-case parts of hyphenated words: "Mazar-i-Sharif", "al-Baradei".
_HYPHEN_LOWER = frozenset(
    {"i", "e", "al", "el", "ul", "ud", "ad", "ed", "ar", "as", "ash", "az", "ibn", "bin", "de"}
    | {"la", "y", "u", "wa", "da", "di", "du", "en", "et", "le", "les", "sur", "lez"}
)
#: Consonant-only words that are not acronyms.
_NOT_ACRONYMS = frozenset(
    {"NG", "JR", "SR", "MR", "MRS", "MS", "DR", "ST", "LT", "SGT", "LTD", "BROS", "MT", "FT"}
    | {"CO"}
)
_ALWAYS_CAPS = frozenset({"US", "USA", "UK", "UN", "EU", "UAE", "USSR", "NATO"})
_ROMAN = _wordset("II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX")
_SUFFIXES = frozenset({"jr", "sr", "jr.", "sr.", *(r.lower() for r in _ROMAN)})
#: Latin and Cyrillic vowels.
_VOWELS = frozenset(
    "AEIOUY\u0410\u0415\u0401\u0418\u041e\u0423\u042b\u042d\u042e\u042f\u0406\u0407\u0404"
)
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?|[^\W\d_]")
_JOINED = re.compile(r"([/+&])")
_APOSTROPHE = re.compile(r"(['`\u2019\u02bc])")
_EDGE = re.compile(r"^([^\w'`\u2019]*)(.*?)([^\w.'`\u2019]*)$", re.DOTALL)
#: One syllable of romanized Korean or Chinese: "KI", "MOON", "JONG", "SHUI", "BIAN".
_SYLLABLE = re.compile(
    r"(?:chh|ch|tsz|ts|tz|sh|ss|jj|kk|pp|tt|ph|th|kh|hs|zh|[bcdfghjklmnpqrstwxyz])?"
    r"(?:a|ae|ai|ao|e|ee|ei|eo|eou|eu|i|ia|iao|ie|io|iu|o|oe|oi|oo|ou|u|ua|uai|ue|ui|uo"
    r"|wa|wae|we|wi|wo|ya|yae|ye|yeo|yo|you|yu)(?:ng|n|m|k|p|l|t|r|h)?",
    re.IGNORECASE,
)


def _has_vowel(word: str) -> bool:
    """True when a word has a Latin or Cyrillic vowel (accents ignored)."""
    for ch in word.upper():
        base = ch
        if ord(ch) > 0x7F:
            base = unicodedata.normalize("NFD", ch)[0]
        if base in _VOWELS:
            return True
    return False


def _capitalize(part: str, first_word: bool) -> str:
    """One hyphen-free part: 'BRIEN' -> 'Brien', "O'BRIEN" -> "O'Brien", 'MCCLOY' -> 'McCloy'."""
    pieces = _APOSTROPHE.split(part)
    out: list[str] = []
    previous = ""
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(piece)
            continue
        if i == 0:
            if len(piece) == 1 and piece in "DL" and len(pieces) > 1 and not first_word:
                text = piece.lower()  # "d'Ivoire", "l'Aquila"
            elif len(piece) > 3 and piece.startswith("MC") and piece[2].isalpha():
                text = "Mc" + piece[2].upper() + piece[3:].lower()
            else:
                text = piece[:1].upper() + piece[1:].lower()
        elif len(previous) <= 1:
            text = piece[:1].upper() + piece[1:].lower()  # "O'Brien", "d'Ivoire", "`Isa"
        else:
            text = piece.lower()  # "People's", "Tuimaleali'ifano"
        out.append(text)
        previous = piece
    return "".join(out)


@attrs.frozen(slots=True)
class _Casing:
    """How to case the words of one name."""

    organization: bool
    east_asian: bool
    acronyms: frozenset[str]

    def word(self, word: str, index: int, last: bool) -> str:
        """One word of a name, `index` words from the start."""
        lead, core, trail = _EDGE.match(word).groups()  # type: ignore[union-attr]
        if not core or any(ch.islower() for ch in core):
            return word
        letters = core.replace(".", "")
        if _INITIALS.fullmatch(core) or any(ch.isdigit() for ch in core):
            return word
        if (last and index > 0 and core in _ROMAN) or letters in _ALWAYS_CAPS:
            return word
        if letters.isalpha() and len(letters) > 1 and letters not in _NOT_ACRONYMS:
            if not _has_vowel(letters) or core in self.acronyms:
                return word
            lower_words = LOWER_ORG_WORDS if self.organization else LOWER_WORDS
            if self.organization and len(letters) == 2 and core.lower() not in lower_words:
                return word
        if index > 0 and core.lower() in (LOWER_ORG_WORDS if self.organization else LOWER_WORDS):
            return lead + core.lower() + trail
        if _JOINED.search(core):
            pieces = _JOINED.split(core)
            if all(len(p) <= 5 for p in pieces[::2]):
                return word  # "B+H", "EC/UNFPA", "AT&T"
            joined = (p if i % 2 else self.word(p, index, last) for i, p in enumerate(pieces))
            return lead + "".join(joined) + trail
        parts = core.split("-")
        cased = [
            part.lower()
            if part.lower() in _HYPHEN_LOWER and len(parts) > 1 and (j > 0 or index > 0)
            else _capitalize(part, index == 0)
            for j, part in enumerate(parts)
        ]
        if self.east_asian and len(parts) == 2 and all(_SYLLABLE.fullmatch(p) for p in parts):
            cased[1] = cased[1].lower()
        return lead + "-".join(cased) + trail


# Casing rules: words are capitalized; particles ('of', 'al', 'bin', 'de', ...) are lower case
# except as the first word; initials ('B.', 'R.K.'), a Roman numeral as the last word, words
# without a vowel ('USSR', 'FSB'), 'US', 'UN', 'EU' and words in `acronyms` stay in capitals,
# and so do, in organization names, two-letter words and a one-word name of up to five letters
# ('IAEA'). With `east_asian`, a hyphenated pair of syllables keeps the second one in lower case
# ('Ki-moon', 'Jong-un'). Words already in mixed case are kept as written.
def case_name(
    phrase: str,
    *,
    organization: bool = False,
    east_asian: bool = False,
    acronyms: Collection[str] = (),
) -> str:
    """A dictionary phrase as a properly cased name: 'BAN_KI-MOON' -> 'Ban Ki-moon' (the
    rules are listed in the comment above)."""
    words = phrase.replace("_", " ").split()
    if any(ch.islower() for ch in phrase):
        # a phrase written in mixed case keeps its short capitalized words ("UN_Secy_Gen")
        acronyms = {*acronyms, *(w for w in words if w.isupper() and len(w) <= 3)}
    if organization and len(words) == 1:
        letters = words[0].replace(".", "")
        if 1 < len(letters) <= 5 and letters.isalpha() and letters.isupper():
            return words[0]
    casing = _Casing(organization, east_asian, frozenset(acronyms))
    last = len(words) - 1
    return " ".join(casing.word(w, i, i == last) for i, w in enumerate(words))


def family_name(name: str, country: str | None) -> str | None:
    """The family name of a cased person name: the last word with its particles ('de Cuellar'),
    the first for Chinese and Korean names; 'Jr.', 'II', nicknames and ', Baron X' left out."""
    words = [w for w in name.split(",")[0].split() if not w.startswith(('"', "("))]
    while len(words) > 1 and words[-1].lower().strip(".") in {s.strip(".") for s in _SUFFIXES}:
        words.pop()
    if not words:
        return None
    if country in EAST_ASIAN_FAMILY_FIRST and len(words) > 1:
        return words[0]
    last = len(words) - 1
    while last > 0 and words[last - 1] in LOWER_WORDS:
        last -= 1
    return " ".join(words[last:])


#: States whose people Phoenix names family name first ("XI_JINPING"): diplonorm's list
#: without Japan, whose names the dictionaries write given name first ("SHINZO_ABE").
EAST_ASIAN_FAMILY_FIRST = FAMILY_NAME_FIRST - {"JPN"}
#: States whose hyphenated given names keep the second syllable in lower case ("Ki-moon").
EAST_ASIAN_GIVEN_NAMES = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK"})


# ---------------------------------------------------------------------------------------------
# Kinds


#: CAMEO first blocks of states that ISO 3166-1 no longer lists, or lists under another code.
FORMER_STATES = frozenset(
    {"ANT", "CSK", "DDR", "FRN", "FRY", "KRJ", "KSV", "SCG", "SUN", "TMP", "USR", "YUG", "ROM"}
    | {"ZAR"}
)
#: Sectors of codes that make a non-person record a government body (KREMLIN_ [RUSGOV]).
GOVERNMENT_SECTORS = frozenset({"GOV", "LEG", "JUD", "MIL", "COP", "SPY"})
#: Words that make a phrase the name of an organization, an institution or a place.
ORGANIZATION_WORDS = _wordset(
    """
    ACADEMY ACTION ADMINISTRATION AGENCY AIRLINES AIRWAYS ALLIANCE ARMY ASSEMBLY ASSOCIATION
    AUTHORITY BANCO BANK BATTALION BOARD BRIGADE BRIGADES BROADCASTING BROTHERHOOD BUREAU
    CABINET CAMP CELL CELLS CENTER CENTRE CHAMBER CHURCH CITY CLUB COALITION COLLEGE COMMAND
    COMMANDO COMMANDOS COMMISSION COMMITTEE
    COMMUNITY COMPANY CONFEDERATION CONFERENCE CONGRESS CONSORTIUM CORP CORPORATION CORPS
    COUNCIL COURT DEPARTMENT DIRECTORATE DIVISION EMPIRE FACTION FEDERATION FELLOWSHIP FIGHTERS
    FOUNDATION
    FORCE FORCES FORUM FRENTE FRONT FUND GOVERNMENT GROUP GROUPS GUARD GUARDS HOLDINGS HOSPITAL
    HOUSE INC INCORPORATED INITIATIVE INSTITUTE INSTITUTION INTERNATIONAL ISLANDS JOURNAL
    KINGDOM LEAGUE LIMITED LLC LTD MILITIA MINISTRY MISSION MOVEMENT MOVIMIENTO NATIONAL
    NATIONS NAVY NETWORK NEWS OFFICE ORGANISATION ORGANIZATION PALACE PARLIAMENT PARTIDO PARTY
    PLC POLICE POLITBURO POST PRESS PROGRAM PROGRAMME PROJECT PROVINCE RADIO REGIME REGION REPUBLIC
    SCHOOL SECRETARIAT SENATE SERVICE SERVICES SOCIETY SQUAD STATE STATES STREET SYNDICATE
    TANK TELEVISION TIMES TREATY TRIBUNAL TROOPS TRUST UNION UNITED UNIVERSITY WING WORLD
    ANSAR GUARDSMEN GUERILLAS GUERRILLAS HARAKAT ISLAMI ISLAMIYA ISLAMIYYA JABHAT JAISH JAMAAH
    JEMAAH JIHAD KATAIB LASHKAR LASKAR SWORD
    """
)
#: Synonyms of a person holding one of these words name a government, not the person
#: ("OBAMA_ADMINISTRATION"): they are left out of the aliases and listed in the note.
NOT_PERSON_NAME_WORDS = frozenset(
    {"ADMINISTRATION", "GOVERNMENT", "CABINET", "REGIME", "CAMP", "ERA", "PRESIDENCY", "TEAM"}
)


def _blocks(code: str) -> list[str]:
    """The three-letter blocks of a CAMEO code."""
    return [code[i : i + 3] for i in range(0, len(code), 3)]


def _is_state_block(block: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code, a CAMEO spelling of one, or a former state."""
    return is_iso3(CAMEO_TO_ISO3.get(block, block)) or block in FORMER_STATES


def is_state_code(code: str) -> bool:
    """A state's own code: 'CHN', 'SUN', a state with a territory or republic ('GBRVGB',
    'USRARM'), or one marked unrecognized, occupied or autonomous ('KAZUNR', 'ETHERIAUT')."""
    blocks = _blocks(code)
    if not _is_state_block(blocks[0]):
        return False
    rest = blocks[1:]
    if rest and _is_state_block(rest[0]):
        rest = rest[1:]
    return all(b in _STATE_QUALIFIERS for b in rest)


def country_of(code: str | None) -> str | None:
    """The ISO 3166-1 alpha-3 code of a CAMEO code's first block, or None."""
    if not code:
        return None
    first = CAMEO_TO_ISO3.get(code[:3], code[:3])
    return first if is_iso3(first) else None


def _upper_words(phrase: Phrase) -> list[str]:
    """The upper-case words of a phrase, hyphenated parts apart and punctuation stripped."""
    return [w.strip("()\"'.,") for w in re.split(r"[\s_\-/]+", phrase.text.upper()) if w]


#: Titles before names besides the agents of government sectors ("SECRETARY-GENERAL_BAN_...").
EXTRA_TITLES = _wordset(
    "SIR DAME LORD DR MR MRS MS BISHOP ARCHBISHOP CARDINAL MULLAH AYATOLLAH"
) | {
    "SECRETARY GENERAL",
    "UN SECRETARY GENERAL",
}
#: Sectors of the agent titles that may stand before a person's name ("PRESIDENT_", "PRINCE_").
_TITLE_SECTORS = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY", "ELI"})


def _role_key(text: str) -> str:
    """Upper-case words with hyphens as spaces, as titles are compared."""
    return " ".join(text.upper().replace("-", " ").replace("_", " ").split())


@attrs.frozen(slots=True)
class Lexicon:
    """Words that tell people from roles: agent titles, and first and last words of names."""

    roles: frozenset[str] = frozenset()
    starts: frozenset[str] = frozenset()
    ends: frozenset[str] = frozenset()
    titles: frozenset[str] = EXTRA_TITLES

    @classmethod
    def build(cls, actors: Iterable[Actor], agents: Iterable[Agent] = ()) -> Lexicon:
        """Titles from the agents; name words from the records marked as from CountryInfo."""
        starts: set[str] = set()
        ends: set[str] = set()
        for actor in actors:
            words = [w.upper() for w in actor.primary.words]
            if len(words) > 1 and "countryinfo" in actor.comment.lower():
                starts.add(words[0])
                ends.add(words[-1])
        stop = ORGANIZATION_WORDS | {w.upper() for w in LOWER_ORG_WORDS}
        agents = list(agents)
        return cls(
            roles=frozenset(_role_key(form) for agent in agents for form in agent.forms)
            | EXTRA_TITLES,
            starts=frozenset(starts - stop),
            ends=frozenset(ends - stop),
            titles=frozenset(
                _role_key(form)
                for agent in agents
                if agent.sector in _TITLE_SECTORS and not agent.prepend
                for form in agent.forms
            )
            | EXTRA_TITLES,
        )

    def untitled(self, words: Sequence[str]) -> list[str] | None:
        """The words after a leading title ('SECRETARY-GENERAL BAN KI-MOON' -> 'BAN KI-MOON')
        when at least two are left, else None."""
        for size in range(len(words) - 2, 0, -1):
            if _role_key(" ".join(words[:size])) in self.titles:
                return list(words[size:])
        return None

    def is_role(self, words: Sequence[str]) -> bool:
        """True for a title, maybe after a short place word: 'US SECRETARY OF DEFENSE'."""
        words = _role_key(" ".join(words)).split()
        for skip in range(min(3, len(words))):
            rest = words[skip:]
            size = next((n for n in range(len(rest), 0, -1) if " ".join(rest[:n]) in self.roles), 0)
            if not size:
                continue
            title, tail = rest[:size], rest[size:]
            cut = next((i for i, w in enumerate(title) if i and w in _PREPOSITIONS), size)
            noun = title[cut - 1]  # "SECRETARY" in "SECRETARY OF STATE"
            plural = noun in _GROUP_NOUNS or (noun.endswith("S") and not noun.endswith("SS"))
            if (tail and tail[0] not in _PREPOSITIONS) or plural:
                continue
            if any(w in ORGANIZATION_WORDS for w in words[: skip + cut]):
                continue
            short = len(words[0].replace(".", "")) <= 2
            if skip == 0 or tail or size > 1 or (skip == 1 and short):
                return True
        return False

    def is_person_name(self, words: Sequence[str]) -> bool:
        """A phrase of two to eight words starting or ending like a known person's name."""
        if not 2 <= len(words) <= 8 or any(ch.isdigit() for w in words for ch in w):
            return False
        first = words[0]
        initials = bool(_INITIALS.fullmatch(first)) and first not in _PLACE_INITIALS
        return first in self.starts or words[-1] in self.ends or initials


# Kinds, in order: a record whose codes are all state codes is a state; one marked as coming
# from CountryInfo (the lists of rulers) is a person; a title of the agents file, alone or after
# a place ('US_SECRETARY_OF_DEFENSE_', 'PRESIDENT_OF_THE_UNITED_STATES_'), is a role; a phrase
# with an organization word ('COUNCIL', 'PARTY', 'INC') or an MNC code names an organization
# (a government body when its code is a state's GOV, LEG, JUD, MIL, COP or SPY); a record with
# an ELI (former elite) code is a person, and so is a phrase of two to eight words that starts
# or ends like a known person's name, or a known title before a name listed as a synonym. The
# rest is a subdivision when a code is a state plus a region ('PSEGZA'), else an organization
# or a government body.
def classify(actor: Actor, lexicon: Lexicon | None = None) -> str:
    """The kind of an actor: 'state', 'person', 'organization', 'government_body',
    'subdivision' or 'role' (the rules are listed in the comment above)."""
    lexicon = lexicon or Lexicon()
    codes = actor.codes()
    if codes and all(is_state_code(c) for c in codes):
        return "state"
    if "countryinfo" in actor.comment.lower():
        return "person"
    words = [w.upper() for w in actor.primary.words]
    if not any(c[:3] in {"MNC", "NGO"} for c in codes) and lexicon.is_role(words):
        return "role"
    split = _upper_words(actor.primary)
    if any(w in ORGANIZATION_WORDS for w in split) or any(c[:3] == "MNC" for c in codes):
        return _organization_kind(codes)
    if any("ELI" in _blocks(c)[1:] or c == "ELI" for c in codes):
        return "person"
    if lexicon.is_person_name(words) or _titled_person(actor, lexicon):
        return "person"
    if any(_is_region_code(c) for c in codes) and not any(c[:3] in _INTERNATIONAL for c in codes):
        return "subdivision"
    return _organization_kind(codes)


_INTERNATIONAL = frozenset({"IGO", "NGO", "MNC", "IMG", "INT"})
#: Second blocks that keep a code at state level: unrecognized, occupied, under UN rule.
_STATE_QUALIFIERS = frozenset({"UNR", "OCC", "UNO", "AUT"})
#: Role blocks of CAMEO codes (sectors, religions and the like), as opposed to regions.
ROLE_BLOCKS = frozenset(SECTORS) | {
    "INS", "SEP", "MOD", "UIS", "NGM", "INT", "ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON",
    "CPT", "CTH", "DOX", "HIN", "ITR", "JAN", "JEW", "JHW", "MOS", "PRO", "SFI", "SHI", "SIK",
    "TAO", "ZRO", "MUS", "PPL", "UAF", "CRM", "CVL", "DEV",
}  # fmt: skip


def _is_region_code(code: str) -> bool:
    """A state plus a region or people that is not a role: 'PSEGZA', 'BIHSRP'."""
    blocks = _blocks(code)
    return _is_state_block(blocks[0]) and len(blocks) == 2 and blocks[1] not in ROLE_BLOCKS


def _titled_person(actor: Actor, lexicon: Lexicon) -> bool:
    """A title before a person's name, the name being known or listed as a synonym."""
    bare = lexicon.untitled(actor.primary.words)
    if bare is None:
        return False
    if lexicon.is_person_name([w.upper() for w in bare]):
        return True
    key = _role_key(" ".join(bare))
    return any(_role_key(p.text) == key for p in actor.phrases[1:])


def _organization_kind(codes: Sequence[str]) -> str:
    """'government_body' for a state's GOV, LEG, JUD, MIL, COP or SPY code, else 'organization'."""
    if any(c[:3] in _INTERNATIONAL for c in codes):
        return "organization"
    for code in codes:
        blocks = _blocks(code)
        if _is_state_block(blocks[0]) and any(b in GOVERNMENT_SECTORS for b in blocks[1:]):
            return "government_body"
    return "organization"


# ---------------------------------------------------------------------------------------------
# Gazetteer records


_ID_PREFIX = {
    "person": "person",
    "organization": "org",
    "government_body": "body",
    "subdivision": "subdivision",
}
_MAX_ALIAS = 300


def slug(name: str) -> str:
    """An id-safe form of a name: 'Xi Jinping' -> 'xi-jinping' (ASCII letters and digits)."""
    folded = unicodedata.normalize("NFKD", normalize(name).casefold())
    return "-".join(re.findall(r"[a-z0-9]+", folded.encode("ascii", "ignore").decode()))


#: A person's initialism ("JFK"), kept as an abbreviation of the person.
_INITIALISM = re.compile(r"[A-Z]{2,5}")


def _richness(name: str) -> int:
    """How much a spelling keeps: hyphens, apostrophes, dots and letters beyond ASCII."""
    return sum(1 for ch in name if ch in "-'.\u2019" or ord(ch) > 0x7F)


def _initialisms(phrases: Iterable[Phrase]) -> set[str]:
    """The initials of each phrase, with and without its small words: 'ANSF', 'IPCC'."""
    out: set[str] = set()
    for phrase in phrases:
        words = [w for w in _upper_words(phrase) if w[:1].isalpha()]
        out.add("".join(w[0] for w in words))
        out.add("".join(w[0] for w in words if w.lower() not in LOWER_ORG_WORDS))
    return {i for i in out if len(i) > 1}


@attrs.define
class _Group:
    """Actors merged under one id while converting, with their cased phrases."""

    key: str
    kind: str
    name: str
    actors: list[Actor]
    phrases: list[tuple[str, Phrase, Actor]]

    def spans(self) -> set[tuple[str, dt.date | None, dt.date | None]]:
        """The dated codes of the group as (code, start, end)."""
        return {(s.code, s.start, s.end) for a in self.actors for s in a.spans}

    def defaults(self) -> set[str]:
        """The undated codes of the group."""
        return {a.default for a in self.actors if a.default and a.default != NULL_CODE}

    def same_actor(self, other: _Group) -> bool:
        """Same kind and the same dated code, or the same undated codes only."""
        if self.kind != other.kind:
            return False
        mine, theirs = self.spans(), other.spans()
        if mine or theirs:
            return bool(mine & theirs)
        return bool(self.defaults()) and self.defaults() == other.defaults()


@attrs.frozen(slots=True)
class Conversion:
    """Gazetteer records made from actors, with the problems and counts of the conversion."""

    records: tuple[dict[str, Any], ...]
    problems: tuple[Problem, ...]
    merged: int
    skipped: Mapping[str, int]
    aliases: int
    kinds: Mapping[str, int]


class _Converter:
    """Turns parsed actors into entity records (see `convert`)."""

    def __init__(self, source_name: str, lexicon: Lexicon, known: Gazetteer | None) -> None:
        self.source_name = source_name
        self.lexicon = lexicon
        self.known = known
        self.problems: list[Problem] = []
        self.skipped: dict[str, int] = {}
        self.merged = 0

    def report(self, actor: Actor, line: int, field: str, message: str) -> None:
        """Record a problem of an actor's file."""
        self.problems.append(Problem(actor.path, line, field, message))

    def skip(self, reason: str) -> None:
        """Count a record left out, by reason."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def case(self, phrase: Phrase, kind: str, actor: Actor) -> str:
        """A phrase of the actor cased as a name of its kind."""
        countries = {country_of(c) for c in actor.codes()} - {None}
        east_asian = kind == "person" and (
            bool(countries & EAST_ASIAN_GIVEN_NAMES) or not countries
        )
        organization = kind != "person"
        acronyms = _initialisms(actor.phrases) if organization else ()
        return case_name(
            phrase.text, organization=organization, east_asian=east_asian, acronyms=acronyms
        )

    def group(self, actor: Actor, kind: str) -> _Group:
        """A group of one actor; a person's name loses a leading title ('PRINCE_NORODOM_...')."""
        phrases = [(self.case(p, kind, actor), p, actor) for p in actor.phrases]
        name = phrases[0][0]
        bare = self.lexicon.untitled(actor.primary.words)
        if kind == "person" and bare is not None and _titled_person(actor, self.lexicon):
            name = self.case(Phrase(" ".join(bare), actor.line), kind, actor)
        return _Group(slug(name) or f"line-{actor.line}", kind, name, [actor], phrases)

    def merge(self, into: _Group, group: _Group, why: str) -> None:
        """Fold a group into an earlier one and report it."""
        first, actor = into.actors[0], group.actors[0]
        self.merged += 1
        into.actors.extend(group.actors)
        into.phrases.extend(group.phrases)
        msg = (
            f"duplicate actor {actor.primary.text!r} merged into {first.primary.text!r} "
            f"({first.path}:{first.line}): {why}"
        )
        if group.kind != into.kind:
            msg += f"; read as {group.kind}, kept as {into.kind}"
        self.report(actor, actor.line, "phrase", msg)

    def is_known_title(self, actor: Actor) -> bool:
        """True when the name, with or without leading words ("US"), is an office title of
        the known gazetteer: "US Ambassador to the United Nations" is a post, not a body."""
        if not self.names_title(" ".join(actor.primary.words)):
            return False
        msg = f"{actor.primary.text} names an office title of the known gazetteer; skipped"
        self.report(actor, actor.line, "phrase", msg)
        return True

    def names_title(self, text: str) -> bool:
        """True when the text, or the text without up to three leading words, is an office
        title of the known gazetteer ("German chancellor" ends in the title "chancellor")."""
        if self.known is None:
            return False
        words = fold_case(normalize(text)).split(" ")
        titles = self.known.title_keys
        return any(" ".join(words[i:]) in titles for i in range(min(3, len(words) - 1) + 1))

    def groups(self, actors: Iterable[Actor]) -> list[_Group]:
        """Classify the actors, skip states and roles, and merge the duplicates: the same slug,
        or a name that is a synonym of an earlier actor of the same kind with the same codes."""
        by_slug: dict[str, _Group] = {}
        for actor in actors:
            kind = classify(actor, self.lexicon)
            if kind == "state":
                self.skip("state-level record (diplonorm has states from ISO 3166)")
                continue
            if kind == "role" or (kind != "person" and self.is_known_title(actor)):
                self.skip("role or office title, not an actor")
                continue
            group = self.group(actor, kind)
            earlier = by_slug.get(group.key)
            if earlier is None:
                by_slug[group.key] = group
            else:
                self.merge(earlier, group, "same name")
        out: list[_Group] = []
        owners: dict[str, int] = {}
        for group in by_slug.values():
            owner = owners.get(normalize(group.name))
            if owner is not None and out[owner].same_actor(group):
                self.merge(out[owner], group, "its name is a synonym there, with the same codes")
                for text, _, _ in group.phrases:
                    owners.setdefault(normalize(text), owner)
                continue
            owners[normalize(group.name)] = len(out)
            for text, _, _ in group.phrases:
                owners.setdefault(normalize(text), len(out))
            out.append(group)
        return out

    def record(self, group: _Group) -> tuple[dict[str, Any], list[tuple[str, Phrase, Actor]]]:
        """The entity record of a group, and its aliases with the phrase each came from."""
        kind = group.kind
        first = group.actors[0]
        spans = {(s.code, s.start, s.end): s for a in group.actors for s in a.spans}
        merged = Actor(
            path=first.path,
            primary=first.primary,
            spans=tuple(spans.values()),
            default=next((a.default for a in reversed(group.actors) if a.default), None),
        )
        cameo = merged.current_code()
        if cameo in ROLE_BLOCKS:  # a bare 'ELI' after an IGO term: keep the IGO code
            cameo = merged.current_code(allow_sector=False) or cameo
        country = country_of(cameo)
        countries = {c for a in group.actors for c in map(country_of, a.codes()) if c}
        home = country or (min(countries) if len(countries) == 1 else None)
        key = normalize(group.name)
        spellings = [t for t, _, _ in group.phrases if normalize(t) == key]
        name = max([group.name, *spellings], key=_richness)
        seen = {key}
        aliases: list[tuple[str, Phrase, Actor]] = []
        governments: list[str] = []
        initialisms: list[str] = []
        for text, phrase, actor in group.phrases:
            key = normalize(text)
            if key in seen:
                continue
            seen.add(key)
            if kind == "person" and NOT_PERSON_NAME_WORDS & set(_upper_words(phrase)):
                governments.append(text)
                continue
            if kind != "person" and self.names_title(text):
                msg = f"synonym {text!r} names an office title of the known gazetteer; left out"
                self.report(actor, phrase.line, "synonym", msg)
                continue
            if kind == "person" and (" " not in key or len(text.split()) == 1):
                if _INITIALISM.fullmatch(text):
                    initialisms.append(text)
                else:
                    msg = (
                        f"one-word name {text!r} of a person left out: a bare family name "
                        "is resolved by the partial-name rules, with the document as evidence"
                    )
                    self.report(actor, phrase.line, "synonym", msg)
                continue
            if len(text) > _MAX_ALIAS:
                self.report(actor, phrase.line, "synonym", "phrase too long; left out")
                continue
            aliases.append((text, phrase, actor))
        record: dict[str, Any] = {
            "type": "entity",
            "id": f"{_ID_PREFIX[kind]}:{self.source_name}-{group.key}",
            "kind": kind,
            "name": name,
            "country": country,
            "aliases": [a for a, _, _ in aliases],
        }
        if kind == "person":
            record["family_name"] = family_name(name, home)
        if initialisms:
            record["abbreviations"] = initialisms
        if cameo:
            record["ids"] = {"cameo": cameo}
        record["note"] = self.note(group, merged, governments)
        return record, aliases

    def note(self, group: _Group, merged: Actor, governments: list[str]) -> str:
        """Where the record comes from, its dated codes, and synonyms left out."""
        where = ", ".join(f"{a.path}:{a.line}" for a in group.actors)
        parts = [f"Phoenix actor {group.actors[0].primary.text} ({where})"]
        codes = [s.describe() for s in merged.spans if s.code != NULL_CODE]
        if codes:
            parts.append("CAMEO " + "; ".join(codes))
        if merged.default and merged.default != NULL_CODE:
            parts.append(f"CAMEO {merged.default} otherwise")
        if governments:
            parts.append("also listed, not as names of the person: " + "; ".join(governments))
        return ". ".join(parts)

    def run(self, actors: Iterable[Actor]) -> Conversion:
        """Build the records, then settle aliases that name two records."""
        records: list[dict[str, Any]] = []
        owners: dict[str, tuple[int, bool]] = {}  # alias key -> (record index, is a name)
        sources: list[list[tuple[str, Phrase, Actor]]] = []
        for group in self.groups(actors):
            record, aliases = self.record(group)
            first = group.actors[0]
            if record["kind"] == "person" and len(record["name"].split()) == 1:
                msg = (
                    f"person {record['name']!r} has a one-word name, which would match every "
                    "mention of the word (a first name, a regnal name); record skipped"
                )
                self.report(first, first.line, "name", msg)
                self.skip("person with a one-word name")
                continue
            key = normalize(record["name"])
            known = self.known.refs(key) if self.known is not None else ()
            if known:
                ids = ", ".join(sorted({r.entity_id for r in known}))
                msg = f"{record['name']!r} is already in the known gazetteer ({ids}); skipped"
                self.report(first, first.line, "name", msg)
                self.skip("already in the known gazetteer")
                continue
            owner = owners.get(key)
            if owner is not None and owner[1]:  # cannot happen: equal keys give equal slugs
                other = records[owner[0]]["id"]
                msg = f"{record['name']!r} is also the name of {other}; record skipped"
                self.report(first, first.line, "name", msg)
                self.skip("name of an earlier record")
                continue
            if owner is not None:
                self.take_alias(records[owner[0]], sources[owner[0]], key, record["id"])
            index = len(records)
            owners[key] = (index, True)
            kept = []
            for text, phrase, actor in aliases:
                alias_key = normalize(text)
                other = owners.get(alias_key)
                in_known = self.known is not None and bool(self.known.refs(alias_key))
                if other is not None or in_known:
                    holder = records[other[0]]["id"] if other else "the known gazetteer"
                    msg = (
                        f"alias {text!r} of {record['id']} also names {holder}; "
                        "left out of the later record"
                    )
                    self.report(actor, phrase.line, "synonym", msg)
                    continue
                owners[alias_key] = (index, False)
                kept.append((text, phrase, actor))
            record["aliases"] = [t for t, _, _ in kept]
            records.append(record)
            sources.append(kept)
        kinds: dict[str, int] = {}
        for record in records:
            if not record["aliases"]:
                del record["aliases"]
            kinds[record["kind"]] = kinds.get(record["kind"], 0) + 1
        return Conversion(
            records=tuple(records),
            problems=tuple(self.problems),
            merged=self.merged,
            skipped=dict(self.skipped),
            aliases=sum(len(r.get("aliases", ())) for r in records),
            kinds=kinds,
        )

    def take_alias(
        self,
        record: dict[str, Any],
        aliases: list[tuple[str, Phrase, Actor]],
        key: str,
        new_id: str,
    ) -> None:
        """Give the alias `key` of an earlier record to a later record's canonical name."""
        for item in aliases:
            text, phrase, actor = item
            if normalize(text) == key:
                aliases.remove(item)
                record["aliases"] = [t for t, _, _ in aliases]
                msg = f"alias {text!r} of {record['id']} is the name of {new_id}; left out"
                self.report(actor, phrase.line, "synonym", msg)
                return


def convert(
    actors: Iterable[Actor],
    *,
    source_name: str = "phoenix",
    lexicon: Lexicon | None = None,
    known: Gazetteer | None = None,
) -> Conversion:
    """Gazetteer entity records for actors, with problems and counts (see the module notes);
    with `known`, names it has are skipped and aliases it has are left out."""
    actors = list(actors)
    converter = _Converter(source_name, lexicon or Lexicon.build(actors), known)
    return converter.run(actors)


def to_records(
    actors: Iterable[Actor],
    *,
    source_name: str = "phoenix",
    lexicon: Lexicon | None = None,
    known: Gazetteer | None = None,
    problems: list[Problem] | None = None,
) -> list[dict[str, Any]]:
    """JSON-ready gazetteer entity records for actors (see `convert`); problems are appended
    to `problems` when it is given."""
    result = convert(actors, source_name=source_name, lexicon=lexicon, known=known)
    if problems is not None:
        problems.extend(result.problems)
    return list(result.records)


# ---------------------------------------------------------------------------------------------
# Import


@attrs.frozen(slots=True)
class ImportReport:
    """What `import_phoenix` read, merged, skipped and wrote, and every problem met."""

    output: str
    actors_read: int
    agents_read: int
    titles: int
    merged: int
    skipped: Mapping[str, int]
    records: int
    kinds: Mapping[str, int]
    aliases: int
    problems: tuple[Problem, ...]
    seconds: float = 0.0

    def problem_kinds(self) -> dict[str, int]:
        """Problems counted by kind: the field and the message without its quoted details."""
        out: dict[str, int] = {}
        for problem in self.problems:
            kind = f"{problem.field}: {_problem_kind(problem.message)}"
            out[kind] = out.get(kind, 0) + 1
        return dict(sorted(out.items(), key=lambda item: -item[1]))

    def summary(self) -> str:
        """A few lines for people: counts, skips and problem kinds."""
        lines = [
            f"wrote {self.records} records ({self.aliases} aliases) to {self.output}",
            f"actors read: {self.actors_read}; merged into others: {self.merged}; "
            f"agents read: {self.agents_read} ({self.titles} titles)",
            "records by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(self.kinds.items())),
        ]
        lines += [f"skipped {count}: {reason}" for reason, count in self.skipped.items()]
        lines.append(f"problems: {len(self.problems)}")
        lines += [f"  {count:6d}  {kind}" for kind, count in self.problem_kinds().items()]
        return "\n".join(lines)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\([^)]*\)|\b[a-z]+:[\w.-]+")


def _problem_kind(message: str) -> str:
    """A problem message with its quoted details replaced by '…'."""
    return " ".join(_QUOTED.sub("…", message).split())


def read_dictionaries(directory: str | Path) -> tuple[list[ActorParse], AgentParse | None]:
    """Parse the three actor files and the agents file of a directory (missing ones skipped)."""
    root = Path(directory)
    actors = [
        parse_actors((root / name).read_bytes(), name)
        for name in ACTOR_FILES
        if (root / name).is_file()
    ]
    if not actors:
        msg = f"no Phoenix actor files ({', '.join(ACTOR_FILES)}) in {root}"
        raise FileNotFoundError(msg)
    agents_path = root / AGENT_FILE
    agents = parse_agents(agents_path.read_bytes(), AGENT_FILE) if agents_path.is_file() else None
    return actors, agents


def render(records: Iterable[Mapping[str, Any]], header: Mapping[str, Any] = HEADER) -> bytes:
    """A gazetteer file: the header line and one JSON object per record."""
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps(record, ensure_ascii=False) for record in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_phoenix(
    directory: str | Path,
    output: str | Path,
    *,
    known: Gazetteer | None = None,
    corrections: str | Path | None = None,
) -> ImportReport:
    """Read the dictionaries in `directory` and write one validated gazetteer to `output`;
    with `known` (e.g. `bundled_gazetteer()`), names and aliases it has are left out; with a
    `corrections` file, its fixes are applied first (see `diplonorm.gazetteer.corrections`)."""
    from diplonorm.gazetteer.corrections import apply_corrections, read_corrections
    from diplonorm.gazetteer.records import parse_source

    started = time.perf_counter()
    parses, agents = read_dictionaries(directory)
    actors = [actor for parse in parses for actor in parse.actors]
    if corrections is not None:
        actors = apply_corrections(actors, read_corrections(corrections), str(corrections))
    lexicon = Lexicon.build(actors, agents.agents if agents else ())
    result = convert(actors, lexicon=lexicon, known=known)
    data = render(result.records)
    parse_source(data, str(output))
    Path(output).write_bytes(data)
    problems = [p for parse in parses for p in parse.problems]
    problems += agents.problems if agents else ()
    problems += result.problems
    return ImportReport(
        output=str(output),
        actors_read=len(actors),
        agents_read=len(agents.agents) if agents else 0,
        titles=len(agents.titles()) if agents else 0,
        merged=result.merged,
        skipped=result.skipped,
        records=len(result.records),
        kinds=result.kinds,
        aliases=result.aliases,
        problems=tuple(problems),
        seconds=time.perf_counter() - started,
    )


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the arguments of the import command to `parser` (for `diplonorm gazetteer ...`)."""
    parser.add_argument("directory", metavar="DIR", help="directory of the Phoenix dictionaries")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="gazetteer to write")
    parser.add_argument(
        "--keep-known",
        action="store_true",
        help="keep records and aliases the bundled gazetteer already has (default: leave out)",
    )
    parser.add_argument(
        "--problems", action="store_true", help="list every problem, not only their kinds"
    )
    parser.add_argument(
        "--corrections",
        metavar="FILE",
        help="JSON Lines file of fixes to apply first (open ranges that ended)",
    )
    return parser


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the import for parsed arguments; print the summary to `out`; return 0."""
    known = None
    if not args.keep_known:
        from diplonorm.gazetteer.bundled import bundled_gazetteer

        known = bundled_gazetteer()
    report = import_phoenix(args.directory, args.output, known=known, corrections=args.corrections)
    print(report.summary(), file=out)
    if args.problems:
        for problem in report.problems:
            print(problem, file=out)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Command line: python -m diplonorm.gazetteer.phoenix DIR -o OUT [--keep-known]."""
    parser = argparse.ArgumentParser(
        prog="python -m diplonorm.gazetteer.phoenix",
        description="Import the Phoenix/PETRARCH2 actor dictionaries as a diplonorm gazetteer.",
    )
    args = configure_parser(parser).parse_args(argv)
    try:
        return run(args, out or sys.stdout)
    except (OSError, ValueError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
