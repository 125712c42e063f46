"""Tests of the Phoenix/PETRARCH2 dictionary importer."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from diplonorm.gazetteer.builder import GazetteerBuilder
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.gazetteer.phoenix import (
    ACTOR_FILES,
    AGENT_FILE,
    HEADER,
    Actor,
    CodeSpan,
    Lexicon,
    Problem,
    case_name,
    classify,
    convert,
    family_name,
    import_phoenix,
    main,
    parse_actors,
    parse_agents,
    parse_date,
    plural,
    render,
    to_records,
)
from diplonorm.gazetteer.records import SourceFile, parse_source

DATA = Path("/work/shared/data/phoenix")


def actors_of(text: str | bytes, path: str = "test.actors.txt") -> list[Actor]:
    """The actors parsed from a snippet (str is encoded as UTF-8)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return list(parse_actors(raw, path).actors)


def problems_of(text: str | bytes, path: str = "test.actors.txt") -> list[Problem]:
    """The problems met parsing a snippet."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return list(parse_actors(raw, path).problems)


def by_primary(actors: list[Actor]) -> dict[str, Actor]:
    """Actors keyed by their primary phrase."""
    return {a.primary.text: a for a in actors}


def validated(records: list[dict[str, Any]], path: str = "phoenix.jsonl") -> SourceFile:
    """Records written with the header, read back by diplonorm's own validator and builder."""
    source = parse_source(render(records), path)
    GazetteerBuilder().add(source).build()
    return source


def one(records: list[dict[str, Any]], record_id: str) -> dict[str, Any]:
    """The record with an id."""
    found = [r for r in records if r["id"] == record_id]
    assert len(found) == 1, [r["id"] for r in records]
    return found[0]


# --- actor lines ------------------------------------------------------------------------------


def test_primary_phrase_with_inline_code_is_the_default() -> None:
    """`CHINA_  [CHN]` is an actor whose default code is CHN, with no dated spans."""
    (actor,) = actors_of("CHINA_  [CHN]\n+CHINESE_\n")
    assert actor.primary.text == "CHINA_"
    assert actor.default == "CHN"
    assert actor.spans == ()
    assert [s.text for s in actor.synonyms] == ["CHINESE_"]


def test_primary_phrase_without_code_takes_the_tab_lines() -> None:
    """A bare primary phrase gets the dated and default codes of the tab-indented lines."""
    (actor,) = actors_of("VLADIMIR_PUTIN_  # CountryInfo.txt\n\t[RUSGOV >20080508]\n\t[RUSELI]\n")
    assert actor.spans == (CodeSpan("RUSGOV", dt.date(2008, 5, 8), None, 2),)
    assert actor.default == "RUSELI"
    assert actor.comment == "CountryInfo.txt"
    assert actor.line == 1


def test_several_inline_codes_on_one_line() -> None:
    """Several codes after a phrase, with or without blanks between them, are all read."""
    actors = actors_of(
        "JAVIER_DE_CUELLAR_\t[IGOUNO 820101-911231] [ELI]# IGOrulers.txt\n"
        "AMR_MOUSSA_\t[IGOMEAARL >010515][EGYGOV]\t# Arab League\n"
    )
    cuellar, moussa = actors
    assert cuellar.spans == (CodeSpan("IGOUNO", dt.date(1982, 1, 1), dt.date(1991, 12, 31), 1),)
    assert cuellar.default == "ELI"
    assert moussa.spans[0].code == "IGOMEAARL"
    assert moussa.spans[0].start == dt.date(2001, 5, 15)
    assert moussa.default == "EGYGOV"


def test_synonym_lines_and_two_synonyms_on_one_line() -> None:
    """'+' lines are synonyms; '+A_ +B_' on one line gives two synonyms and a problem."""
    text = "TAIWAN_ [TWN]\n+FORMOSA_\n+TAIOAN_ +TAWIAN_ \n"
    (actor,) = actors_of(text)
    assert [s.text for s in actor.synonyms] == ["FORMOSA_", "TAIOAN_", "TAWIAN_"]
    (problem,) = problems_of(text)
    assert (problem.line, problem.field) == (3, "synonym")


def test_yymmdd_dates_pivot_at_30() -> None:
    """YYMMDD years up to 30 are 20YY and later ones 19YY; YYYYMMDD is read as written."""
    assert parse_date("300101") == dt.date(2030, 1, 1)
    assert parse_date("310101") == dt.date(1931, 1, 1)
    assert parse_date("090120") == dt.date(2009, 1, 20)
    assert parse_date("19270101") == dt.date(1927, 1, 1)
    (actor,) = actors_of("X_Y_\n\t[USAGOV 010120-20090120]\n")
    assert actor.spans[0].start == dt.date(2001, 1, 20)
    assert actor.spans[0].end == dt.date(2009, 1, 20)


def test_open_ranges_after_and_before() -> None:
    """'>d' is open at the end and '<d' open at the start; a blank after the sign is allowed."""
    (actor,) = actors_of("A_B_\n\t[RUSGOV >20040309]\n\t[USRARM <900823]\n\t[EGYGOV > 140608]\n")
    after, before, spaced = actor.spans
    assert (after.start, after.end) == (dt.date(2004, 3, 9), None)
    assert (before.start, before.end) == (None, dt.date(1990, 8, 23))
    assert spaced.start == dt.date(2014, 6, 8)


def test_bare_code_line_is_the_default() -> None:
    """A tab line without a date is the default code, used when no range matches."""
    (actor,) = actors_of("BARACK_OBAMA\n\t[USAGOV 090120-170120]\n\t[USAELI]\n")
    assert actor.default == "USAELI"
    assert actor.current_code() == "USAELI"
    assert actor.codes() == ["USAGOV", "USAELI"]


def test_current_code_prefers_an_open_range() -> None:
    """The most recent code is an open-ended range over the default."""
    (actor,) = actors_of("JOE_BIDEN_\n\t[USAELI 600101-000101]\n\t[USAGOV >090120]\n\t[USAELI]\n")
    assert actor.current_code() == "USAGOV"


def test_hash_and_xml_comments_are_ignored() -> None:
    """'#' comments (whole line or trailing) and '<!-- -->' comments (one or many lines) go."""
    text = (
        "# a comment line\n"
        "<!-- KREMLIN_ [RUSGOV] -->\n"
        "ABC_DEF_ [USAGOV] <!-- inline --> # trailing\n"
        "<!-- several\n"
        "WHITE_HOUSE_ [USAGOV]\n"
        "lines -->\n"
        "GHI_JKL_ [FRAGOV]\n"
    )
    actors = actors_of(text)
    assert [a.primary.text for a in actors] == ["ABC_DEF_", "GHI_JKL_"]
    assert actors[0].default == "USAGOV"
    assert problems_of(text) == []


def test_underscores_join_words() -> None:
    """'_' and blanks both separate words; a trailing '_' (whole word) adds none."""
    (actor,) = actors_of("OMAR_HASSAN_AHMAD  AL_BASHIR_ [SDNGOV]\n")
    assert actor.primary.words == ("OMAR", "HASSAN", "AHMAD", "AL", "BASHIR")


def test_stray_0x1a_bytes_are_removed_and_reported() -> None:
    """A 0x1A byte is removed, reported with its line, and the line still loads."""
    raw = b"LIAMINE_Z\x1aROUAL_  # CountryInfo.txt\n\t[DZAGOV 940131-990427]\n"
    (actor,) = actors_of(raw)
    assert actor.primary.text == "LIAMINE_ZROUAL_"
    (problem,) = problems_of(raw)
    assert (problem.line, problem.field) == (1, "bytes")


def test_undecodable_synonym_is_reported_and_skipped() -> None:
    """A synonym line that is not UTF-8 is skipped alone; the actor and the rest load."""
    raw = b"IVORY_COAST_ [CIV]\n+COTE_D\xe9IVOIRE_\n+ABIDJAN_\nGHANA_ [GHA]\n"
    actors = actors_of(raw, "c.txt")
    assert [s.text for s in actors[0].synonyms] == ["ABIDJAN_"]
    assert actors[1].default == "GHA"
    assert [(p.path, p.line, p.field) for p in problems_of(raw, "c.txt")] == [
        ("c.txt", 2, "bytes"),
        ("c.txt", 2, "synonym"),
    ]


def test_bad_date_is_reported_with_file_and_line_and_the_rest_loads() -> None:
    """A bad date drops that code line only; the record and the rest of the file load."""
    text = (
        "SECRETARY-GENERAL_BAN_KI-MOON\n"
        "+BAN_KI-MOON\n"
        "\t[IGOUNO >20070101]\n"
        "\t[KORGOVBUS 2004017-20061201]\n"
        "KOFI_ANNAN_\n"
        "\t[IGOUNO 970101-061231]\n"
    )
    result = parse_actors(text.encode(), "Phoenix.International.actors.txt")
    ban, annan = result.actors
    assert [s.code for s in ban.spans] == ["IGOUNO"]
    assert annan.spans[0].code == "IGOUNO"
    (problem,) = result.problems
    assert (problem.path, problem.line, problem.field) == (
        "Phoenix.International.actors.txt",
        4,
        "code",
    )
    assert "2004017" in problem.message
    assert str(problem).startswith("Phoenix.International.actors.txt:4: code: ")


@pytest.mark.parametrize(
    "line",
    [
        "\t[ARMUNR 9008223-911221]",
        "\t[GBRGOV >201005011]",
        "\t[EGYGOV 20121207-20120802]",
        "\t[MNEGOV 20121204]",
        "\t[USAGOV 20100231-20110101]",
    ],
)
def test_malformed_dates_are_reported(line: str) -> None:
    """Wrong lengths, reversed ranges, a date without '<', '>' or '-', and Feb 31 are bad."""
    text = f"A_B_\n\t[USAGOV 010101-020202]\n{line}\n"
    (actor,) = actors_of(text)
    assert [s.code for s in actor.spans] == ["USAGOV"]
    (problem,) = problems_of(text)
    assert (problem.line, problem.field) == (3, "code")


def test_odd_codes_are_reported_and_dropped() -> None:
    """KKLREB (an unknown first block) and NGOEEURENV (not three-letter blocks) are dropped."""
    text = (
        "HAWKS_OF_THRACE_ [KKLREB] #  kkl 21 Mar 13\n"
        "ASSOCIATION_FOR_SUSTAINABLE_HUMAN_DEVELOPMENT_\t[NGOEEURENV]\n"
        "HAMAS_ [PSEREBHMS]\n"
    )
    hawks, association, hamas = actors_of(text)
    assert hawks.codes() == []
    assert association.codes() == []
    assert hamas.codes() == ["PSEREBHMS"]
    messages = [p.message for p in problems_of(text)]
    assert len(messages) == 2
    assert "KKLREB" in messages[0]
    assert "NGOEEURENV" in messages[1]


def test_dangling_synonym_and_code_are_reported() -> None:
    """A synonym or a code line before any primary phrase is reported and skipped."""
    text = "+ORPHAN_\n\t[USAGOV]\nKREMLIN_\n\t[RUSGOV]\n"
    (actor,) = actors_of(text)
    assert actor.synonyms == ()
    assert [(p.line, p.field) for p in problems_of(text)] == [(1, "synonym"), (2, "code")]


def test_codeless_primary_lines_are_names_of_the_next_coded_record() -> None:
    """Primary lines before any code are one actor; a blank line ends such a run."""
    text = (
        "U.N._\n"
        "\n"
        "LEONID_BREZHNEV_  # CountryInfo.txt\n"
        "LEONID_ILYICH_BREZHNEV\n"
        "SECRETARY_BREZHNEV\n"
        "\t[RUSGOV 641014-821110]\n"
    )
    un, brezhnev = actors_of(text)
    assert un.codes() == []
    assert [n.text for n in brezhnev.names] == ["LEONID_ILYICH_BREZHNEV", "SECRETARY_BREZHNEV"]
    assert brezhnev.codes() == ["RUSGOV"]
    assert any("no code" in p.message and p.line == 1 for p in problems_of(text))


def test_null_code_only_record_is_skipped() -> None:
    """An actor coded only '[---]' (do not code) is reported and skipped."""
    text = "AHMED_DARWISH_  # the soccer player\n\t[---]\nAHMED_EL_AMAWY_ [EGYGOV]\n"
    (actor,) = actors_of(text)
    assert actor.primary.text == "AHMED_EL_AMAWY_"
    (problem,) = problems_of(text)
    assert problem.line == 1
    assert "---" in problem.message


def test_bad_primary_phrase_skips_its_record_only() -> None:
    """A phrase naming two holders is reported; its synonyms and codes go with it."""
    text = (
        "ANTHONY_CROSLAND,_THEN_DAVID_OWEN_\t[IGOEUREEC 770101-770630]\n"
        "+CROSLAND_\n"
        "JOSEPH_LUNS_\t[IGOWSTNAT 711001-840625]\n"
    )
    (actor,) = actors_of(text)
    assert actor.primary.text == "JOSEPH_LUNS_"
    assert actor.synonyms == ()
    assert [p.line for p in problems_of(text)] == [1]


def test_text_after_codes_is_reported() -> None:
    """Free text after the codes of an MNC line is ignored and reported."""
    text = "A.H._BELO_CORPORATION_\t[MNCMED]\tNewspapers/Magazines\t$137,000,000\n"
    (actor,) = actors_of(text)
    assert actor.default == "MNCMED"
    assert problems_of(text)[0].field == "code"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "options", "expected"),
    [
        ("VLADIMIR_PUTIN_", {}, "Vladimir Putin"),
        ("BAN_KI-MOON", {"east_asian": True}, "Ban Ki-moon"),
        ("KIM_JONG-UN", {"east_asian": True}, "Kim Jong-un"),
        ("JEAN-MARIE_LE_PEN", {"east_asian": True}, "Jean-Marie Le Pen"),
        ("JAVIER_DE_CUELLAR_", {}, "Javier de Cuellar"),
        ("MUHAMMAD_AL-BARADEI_", {}, "Muhammad al-Baradei"),
        ("AL-SHABAAB", {"organization": True}, "Al-Shabaab"),
        ("OSAMA_BIN_LADEN_", {}, "Osama bin Laden"),
        ("MAZAR-I-SHARIF_", {}, "Mazar-i-Sharif"),
        ("B._LYNN_PASCOE_", {}, "B. Lynn Pascoe"),
        ("JOHN_MCCLOY_", {}, "John McCloy"),
        ("THOMAS_P._O'NEILL,_JR._", {}, "Thomas P. O'Neill, Jr."),
        ("COTE_D'IVOIRE", {}, "Cote d'Ivoire"),
        ("PEOPLE'S_LIBERATION_ARMY", {"organization": True}, "People's Liberation Army"),
        ("ELIZABETH_II", {}, "Elizabeth II"),
        ("XI_JINPING", {}, "Xi Jinping"),
        ("ERDOĞAN", {}, "Erdoğan"),
        ("THE_UNITED_NATIONS_", {"organization": True}, "The United Nations"),
        ("UN_SECRETARY_GENERAL", {"organization": True}, "UN Secretary General"),
        ("IAEA_", {"organization": True}, "IAEA"),
        ("AL-JAZEERA", {"organization": True}, "Al-Jazeera"),
        (
            "INTERNATIONAL_LABOR_ORGANIZATION_",
            {"organization": True},
            "International Labor Organization",
        ),
        ("FSB_", {}, "FSB"),
        ("CHINA_(PRC)", {}, "China (PRC)"),
        ("UN_Secy_Gen", {}, "UN Secy Gen"),
        ("PRESIDENT_OF_THE_US", {}, "President of the US"),
    ],
)
def test_name_casing(phrase: str, options: dict[str, bool], expected: str) -> None:
    """Names are capitalized with lower-case particles and kept acronyms and numerals."""
    cased = case_name(
        phrase,
        organization=options.get("organization", False),
        east_asian=options.get("east_asian", False),
    )
    assert cased == expected


def test_acronyms_of_the_record_stay_in_capitals() -> None:
    """A word given as an initialism of the record stays in capitals: 'ANSF Command'."""
    assert case_name("ANSF_COMMAND", organization=True) == "Ansf Command"
    assert case_name("ANSF_COMMAND", organization=True, acronyms={"ANSF"}) == "ANSF Command"


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Vladimir Putin", "RUS", "Putin"),
        ("Xi Jinping", "CHN", "Xi"),
        ("Ban Ki-moon", "KOR", "Ban"),
        ("Shinzo Abe", "JPN", "Abe"),
        ("Javier de Cuellar", None, "de Cuellar"),
        ("Thomas P. O'Neill, Jr.", "USA", "O'Neill"),
        ("Elizabeth II", "GBR", "Elizabeth"),
    ],
)
def test_family_name(name: str, country: str | None, expected: str) -> None:
    """The family name is the last word with its particles, first for Chinese and Koreans."""
    assert family_name(name, country) == expected


# --- agents -----------------------------------------------------------------------------------


AGENTS = """\
# agents
!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON
!MINIST! = MINISTER, MINISTERS, MINISTRY, MINISTRIES

FOREIGN_!MINIST! [~GOV]
CONGRESS!PERSON!  [~LEG]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG] # mj 05 Jan 2006
AIR_FORCE {} [~MIL]
AMBASSADOR [~GOV]
MINISTER_OF_DEFENSE [~GOVMIL]
SECRETARY [~GOV]
HUMAN_RIGHTS_BODY  [NGO~]
ISLAMIC_EXTREMIST
DEPARMENT_OF_ENVIRONMENT [~ENV}
!MINIST! FOR_TERRITORIAL_AD!MINIST!RATION [~GOV]
"""


def test_agent_substitution_sets_expand() -> None:
    """!MINIST! and !PERSON! expand to each listed word, with no extra plural."""
    agents = {a.phrase: a for a in parse_agents(AGENTS.encode(), "a.txt").agents}
    assert agents["FOREIGN_!MINIST!"].forms == (
        "FOREIGN MINISTER",
        "FOREIGN MINISTERS",
        "FOREIGN MINISTRY",
        "FOREIGN MINISTRIES",
    )
    assert agents["CONGRESS!PERSON!"].forms == (
        "CONGRESSMAN",
        "CONGRESSMEN",
        "CONGRESSWOMAN",
        "CONGRESSWOMEN",
        "CONGRESSPERSON",
    )


def test_agent_plurals_explicit_suppressed_and_regular() -> None:
    """'{X}' gives the plural X, '{}' gives none, otherwise a regular plural is made."""
    agents = {a.phrase: a for a in parse_agents(AGENTS.encode(), "a.txt").agents}
    assert agents["ATTORNEY_GENERAL"].forms == ("ATTORNEY GENERAL", "ATTORNEYS GENERAL")
    assert agents["AIR_FORCE"].forms == ("AIR FORCE",)
    assert agents["AMBASSADOR"].forms == ("AMBASSADOR", "AMBASSADORS")
    assert agents["MINISTER_OF_DEFENSE"].forms[1] == "MINISTERS OF DEFENSE"
    assert plural("SECRETARY") == "SECRETARIES"
    assert plural("ATTORNEY") == "ATTORNEYS"
    assert plural("CHAIRMAN") == "CHAIRMEN"
    assert plural("BOSS") == "BOSSES"
    assert plural("OBSERVERS IN") is None


def test_agent_codes_appended_or_prepended() -> None:
    """'[~X]' appends X after the actor's code, '[X~]' prepends it."""
    agents = {a.phrase: a for a in parse_agents(AGENTS.encode(), "a.txt").agents}
    assert (agents["AMBASSADOR"].code, agents["AMBASSADOR"].prepend) == ("GOV", False)
    body = agents["HUMAN_RIGHTS_BODY"]
    assert (body.code, body.prepend, body.sector) == ("NGO", True, "NGO")
    assert agents["ATTORNEY_GENERAL"].sector == "GOV"


def test_agent_problems_are_reported_line_by_line() -> None:
    """Lines without a code or with a broken bracket are skipped; the others still load."""
    parsed = parse_agents(AGENTS.encode(), "a.txt")
    lines = {p.line: p for p in parsed.problems}
    assert sorted(lines) == [13, 14, 15]
    assert lines[13].field == "code"
    assert lines[14].field == "code"
    mangled = next(a for a in parsed.agents if a.line == 15)
    assert "MINISTER FOR TERRITORIAL ADMINISTRATION" in mangled.forms
    assert len(parsed.agents) == 9


def test_agent_titles_by_sector() -> None:
    """Agent forms become lower-case titles grouped by their CAMEO sector."""
    titles = parse_agents(AGENTS.encode(), "a.txt").titles_by_sector()
    assert titles["GOV"][:4] == [
        "foreign minister",
        "foreign ministers",
        "foreign ministry",
        "foreign ministries",
    ]
    assert "congresswoman" in titles["LEG"]
    assert titles["MIL"] == ["air force"]


# --- records ----------------------------------------------------------------------------------


ACTORS = """\
RUSSIAN_FEDERATION_  [RUS]
+MOSCOW_
GIBRALTAR_  [GBRGIB]
KREMLIN_
\t[RUSGOV]
VLADIMIR_PUTIN_  # CountryInfo.txt
+PUTIN_
+PRESIDENT_PUTIN_
\t[RUSELI 700101-990809]
\t[RUSGOV >080508]
\t[RUSELI]
BARACK_OBAMA  # CountryInfo.txt
+PRESIDENT_OBAMA
+OBAMA_ADMINISTRATION
\t[USAGOV 090120-170120]
\t[USAELI]
XI_JINPING
+PRESIDENT_XI_JINPING
\t[CHNGOV >20121115]
XI_JINPING_  # CountryInfo.txt
\t[CHNGOV >080401]
SECRETARY-GENERAL_BAN_KI-MOON
+BAN_KI-MOON
\t[IGOUNO >20070101]
\t[KORGOVBUS 2004017-20061201]
IAEA_\t[IGOUNOIAE]
INTERNATIONAL_ATOMIC_ENERGY_AGENCY_\t[IGOUNOIAE]
+IAEA
HAMAS_ [PSEREBHMS]
+ISLAMIC_RESISTANCE_MOVEMENT
US_SECRETARY_OF_DEFENSE_
\t[USAGOVMIL]
"""
ROLE_AGENTS = "SECRETARY_OF_DEFENSE [~GOVMIL]\nPRESIDENT [~GOV]\n"


@pytest.fixture
def converted() -> tuple[list[dict[str, Any]], list[Problem], Any]:
    """The snippet actors converted with the snippet agents."""
    actors = actors_of(ACTORS, "Phoenix.Countries.actors.txt")
    agents = parse_agents(ROLE_AGENTS.encode(), "a.txt").agents
    result = convert(actors, lexicon=Lexicon.build(actors, agents))
    return list(result.records), list(result.problems), result


def test_records_pass_diplonorm_validation(converted: Any) -> None:
    """The records load with parse_source and build with GazetteerBuilder."""
    records, _, _ = converted
    source = validated(records)
    assert len(source.entities) == len(records)


def test_person_record(converted: Any) -> None:
    """A person has a cased name, ISO3 country, CAMEO id, family name and dated codes note;
    the bare family name is reported and left to the partial-name rules, not an alias."""
    records, problems, _ = converted
    putin = one(records, "person:phoenix-vladimir-putin")
    assert putin["kind"] == "person"
    assert putin["name"] == "Vladimir Putin"
    assert putin["country"] == "RUS"
    assert putin["ids"] == {"cameo": "RUSGOV"}
    assert putin["family_name"] == "Putin"
    assert putin["aliases"] == ["President Putin"]
    assert any("one-word name 'Putin' of a person left out" in p.message for p in problems)
    assert "CAMEO RUSELI 1970-01-01..1999-08-09; RUSGOV 2008-05-08.." in putin["note"]
    assert "RUSELI otherwise" in putin["note"]


def test_initialism_of_a_person_is_an_abbreviation() -> None:
    """A person's initialism ("JFK") is kept as an abbreviation, not dropped with bare names."""
    text = "JOHN_F._KENNEDY_  # CountryInfo.txt\n+JFK\n+KENNEDY\n\t[USAGOV 610120-631122]\n\t[USAELI]\n"
    records = list(convert(actors_of(text, "Phoenix.Countries.actors.txt")).records)
    jfk = one(records, "person:phoenix-john-f-kennedy")
    assert jfk["abbreviations"] == ["JFK"]
    assert "aliases" not in jfk


def test_government_synonyms_of_a_person_go_to_the_note(converted: Any) -> None:
    """OBAMA_ADMINISTRATION is not an alias of the person; the note lists it."""
    records, _, _ = converted
    obama = one(records, "person:phoenix-barack-obama")
    assert obama["aliases"] == ["President Obama"]
    assert "The Obama Administration" not in obama["aliases"]
    assert "Obama Administration" in obama["note"]
    assert "USAGOV 2009-01-20..2017-01-20" in obama["note"]


def test_duplicate_actors_merge_into_one_record(converted: Any) -> None:
    """XI_JINPING and XI_JINPING_ are one record with the codes of both; the merge is reported."""
    records, problems, result = converted
    xi = [r for r in records if r["name"] == "Xi Jinping"]
    assert len(xi) == 1
    assert xi[0]["id"] == "person:phoenix-xi-jinping"
    assert xi[0]["family_name"] == "Xi"
    assert "CHNGOV 2012-11-15..; CHNGOV 2008-04-01.." in xi[0]["note"]
    assert result.merged >= 1
    assert any("XI_JINPING_" in p.message and "merged" in p.message for p in problems)


def test_title_before_a_person_name_is_dropped(converted: Any) -> None:
    """SECRETARY-GENERAL_BAN_KI-MOON is the person Ban Ki-moon; the titled form is an alias."""
    records, _, _ = converted
    ban = one(records, "person:phoenix-ban-ki-moon")
    assert ban["name"] == "Ban Ki-moon"
    assert ban["aliases"] == ["Secretary-General Ban Ki-moon"]
    assert ban["country"] is None
    assert ban["ids"] == {"cameo": "IGOUNO"}


def test_states_and_roles_are_skipped_and_counted(converted: Any) -> None:
    """Country-level records and role titles give no record; the skips are counted."""
    records, _, result = converted
    names = {r["name"] for r in records}
    assert not names & {"Russian Federation", "Gibraltar", "US Secretary of Defense"}
    assert sum(result.skipped.values()) == 3
    assert any("state-level" in reason for reason in result.skipped)


def test_kinds_of_records(converted: Any) -> None:
    """A state's GOV institution is a government body; IGO and armed groups are organizations."""
    records, _, _ = converted
    kremlin = one(records, "body:phoenix-kremlin")
    assert (kremlin["kind"], kremlin["country"]) == ("government_body", "RUS")
    hamas = one(records, "org:phoenix-hamas")
    assert (hamas["kind"], hamas["country"]) == ("organization", "PSE")
    assert one(records, "org:phoenix-iaea")["country"] is None


def test_shared_alias_is_reported_and_dropped_from_the_later_record(converted: Any) -> None:
    """IAEA is the name of one record: the later record's alias 'IAEA' is left out and reported."""
    records, problems, _ = converted
    agency = one(records, "org:phoenix-international-atomic-energy-agency")
    assert "aliases" not in agency
    assert any("'IAEA'" in p.message and "left out" in p.message for p in problems)


def test_later_name_takes_an_earlier_alias() -> None:
    """A later record named like an earlier record's alias takes it; the drop is reported."""
    text = "SAM_RAINSY_PARTY [KHMOPP]\n+RAINSY_MOVEMENT\nRAINSY_MOVEMENT [KHMOPPPTY]\n"
    problems: list[Problem] = []
    records = to_records(actors_of(text), source_name="phoenix", problems=problems)
    first = one(records, "org:phoenix-sam-rainsy-party")
    assert "aliases" not in first
    assert one(records, "org:phoenix-rainsy-movement")["name"] == "Rainsy Movement"
    assert any("is the name of org:phoenix-rainsy-movement" in p.message for p in problems)
    validated(records)


def test_two_actors_sharing_an_alias_validate() -> None:
    """Without the collision check the builder would fail; with it both records load."""
    text = (
        "GEORGE_W._BUSH [USAGOV] # CountryInfo.txt\n+PRESIDENT_BUSH\n"
        "GEORGE_BUSH [USAELI] # CountryInfo.txt\n+PRESIDENT_BUSH\n"
    )
    problems: list[Problem] = []
    records = to_records(actors_of(text), source_name="phoenix", problems=problems)
    assert one(records, "person:phoenix-george-w-bush")["aliases"] == ["President Bush"]
    assert "aliases" not in one(records, "person:phoenix-george-bush")
    assert [p.line for p in problems] == [4]
    validated(records)


def test_classify_uses_codes_words_and_name_lists() -> None:
    """State codes, organization words, ELI codes and known name words decide the kind."""
    lexicon = Lexicon(starts=frozenset({"NIKITA"}))
    kinds = {
        a.primary.text: classify(a, lexicon)
        for a in actors_of(
            "SOVIET_UNION [SUN]\nKAZAKHSTAN_ [KAZUNR]\nGAZA_ [PSEGZA]\n"
            "NIKITA_KHRUSHCHEV_ [RUSGOV]\nDENG_XIAOPING [CHNELI]\n"
            "FREE_SYRIAN_ARMY_ [SYRREB]\nMOSSAD [ISRSPY]\nGENERAL_ELECTRIC_ [MNCUSA]\n"
        )
    }
    assert kinds == {
        "SOVIET_UNION": "state",
        "KAZAKHSTAN_": "state",
        "GAZA_": "subdivision",
        "NIKITA_KHRUSHCHEV_": "person",
        "DENG_XIAOPING": "person",
        "FREE_SYRIAN_ARMY_": "organization",
        "MOSSAD": "government_body",
        "GENERAL_ELECTRIC_": "organization",
    }


def known_gazetteer(records: list[dict[str, Any]]) -> Any:
    """A gazetteer built from records, standing for the curated data an import must respect."""
    return GazetteerBuilder().add(parse_source(render(records), "known.jsonl")).build()


def test_known_gazetteer_names_are_not_taken_over(tmp_path: Path) -> None:
    """With a known gazetteer, records it names are skipped and its aliases are left out."""
    known_records: list[dict[str, Any]] = [
        {"type": "entity", "id": "person:putin", "kind": "person", "name": "Vladimir Putin"},
        {"type": "entity", "id": "org:kremlin", "kind": "organization", "name": "Kremlin Palace",
         "aliases": ["Russian White House"]},
    ]  # fmt: skip
    known = known_gazetteer(known_records)
    text = (
        "VLADIMIR_PUTIN_  # CountryInfo.txt\n\t[RUSGOV >080508]\n"
        "KREMLIN_\n+RUSSIAN_WHITE_HOUSE\n\t[RUSGOV]\n"
    )
    result = convert(actors_of(text), known=known)
    assert [r["id"] for r in result.records] == ["body:phoenix-kremlin"]
    assert "aliases" not in result.records[0]
    assert result.skipped == {"already in the known gazetteer": 1}
    merged = GazetteerBuilder(known).add(parse_source(render(result.records), "p.jsonl")).build()
    assert merged.conflicts == ()


def test_office_titles_of_the_known_gazetteer_are_not_bodies() -> None:
    """ "US_AMBASSADOR_TO_THE_UNITED_NATIONS" names a post the known gazetteer has as a title:
    it is skipped (and reported), so the office and its holder answer instead."""
    known_records: list[dict[str, Any]] = [
        {"type": "entity", "id": "state:USA", "kind": "state", "name": "United States",
         "country": "USA"},
        {"type": "office", "id": "office:usa:un", "name": "US ambassador to the UN",
         "jurisdiction": "state:USA", "sector": "GOV",
         "titles": ["ambassador to the united nations"]},
    ]  # fmt: skip
    known = known_gazetteer(known_records)
    text = (
        "US_AMBASSADOR_TO_THE_UNITED_NATIONS_\n\t[USAGOV]\n"
        "US_ARMY_\n+US_AMBASSADOR_TO_THE_UNITED_NATIONS_OFFICE\n+AMERICAN_ARMY\n\t[USAMIL]\n"
        "US_MISSION_\n+AMBASSADOR_TO_THE_UNITED_NATIONS\n\t[USAGOV]\n"
    )
    result = convert(actors_of(text), known=known)
    assert [r["name"] for r in result.records] == ["US Army", "US Mission"]
    assert result.records[0]["aliases"] == [
        "US Ambassador to the United Nations Office",
        "American Army",
    ]
    assert "aliases" not in result.records[1]
    assert result.skipped == {"role or office title, not an actor": 1}
    assert any("office title of the known gazetteer" in p.message for p in result.problems)


# --- import -----------------------------------------------------------------------------------


def write_dictionaries(root: Path) -> None:
    """A small dictionary directory: the test actors in the countries file, and agents."""
    (root / ACTOR_FILES[0]).write_text(ACTORS, encoding="utf-8")
    (root / ACTOR_FILES[2]).write_bytes(b"AL-SHABAAB\t[SOMREB]\n+HARAKAT_AL-SHABAAB\n")
    (root / AGENT_FILE).write_text(ROLE_AGENTS, encoding="utf-8")


def test_import_writes_a_valid_gazetteer(tmp_path: Path) -> None:
    """import_phoenix writes the header and the records, and reports what it did."""
    write_dictionaries(tmp_path)
    out = tmp_path / "phoenix.jsonl"
    report = import_phoenix(tmp_path, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == dict(HEADER)
    assert report.records == len(lines) - 1
    assert report.actors_read == 13
    assert report.agents_read == 2
    assert any("2004017" in p.message for p in report.problems)
    assert "org:phoenix-al-shabaab" in out.read_text(encoding="utf-8")
    GazetteerBuilder().add(parse_source(out.read_bytes(), str(out))).build()


def test_main_runs_the_import(tmp_path: Path) -> None:
    """main(DIR -o OUT --keep-known) writes the file and prints a summary."""
    write_dictionaries(tmp_path)
    out = tmp_path / "out.jsonl"
    buffer = io.StringIO()
    assert main([str(tmp_path), "-o", str(out), "--keep-known"], out=buffer) == 0
    assert out.is_file()
    assert "wrote" in buffer.getvalue()
    assert main([str(tmp_path / "missing"), "-o", str(out)], out=buffer) == 2


def test_import_of_the_real_dictionaries(tmp_path: Path) -> None:
    """The shared Phoenix data imports with plausible counts and validates in diplonorm."""
    if not DATA.is_dir():
        pytest.skip("the shared Phoenix data is not available")
    out = tmp_path / "phoenix.jsonl"
    report = import_phoenix(DATA, out)
    assert report.actors_read >= 25_000
    assert 20_000 <= report.records <= report.actors_read
    assert report.kinds["person"] > 15_000
    assert report.kinds["organization"] > 5_000
    assert report.agents_read > 2_000
    source = parse_source(out.read_bytes(), str(out))
    gazetteer: Gazetteer = GazetteerBuilder().add(source).build()
    assert len(gazetteer) == report.records
    xi = [e for e in source.entities if e.name == "Xi Jinping"]
    assert [e.id for e in xi] == ["person:phoenix-xi-jinping"]
    assert xi[0].country == "CHN"
    ban_date = [
        p
        for p in report.problems
        if p.path == "Phoenix.International.actors.txt" and "2004017" in p.message
    ]
    assert [(p.line, p.field) for p in ban_date] == [(40, "code")]
    assert any("KKLREB" in p.message for p in report.problems)
    assert sum(1 for p in report.problems if p.field == "bytes") == 2
    putin = gazetteer.entity("person:phoenix-vladimir-putin")
    assert putin.cameo == "RUSGOV"


def test_person_with_a_one_word_name_is_skipped_and_reported() -> None:
    """A regnal or single name ("ABDULLAH_") would match every Abdullah: reported, skipped."""
    text = "ABDULLAH_  # CountryInfo.txt\n\t[SAUGOV 050801-150123]\n\t[SAUELI]\n"
    result = convert(actors_of(text, "Phoenix.Countries.actors.txt"))
    assert not [r for r in result.records if r["kind"] == "person"]
    assert result.skipped.get("person with a one-word name") == 1
    assert any("has a one-word name" in p.message for p in result.problems)
