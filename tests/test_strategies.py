"""Unit tests of each resolution strategy on a small gazetteer written for the tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplonorm.gazetteer import load_gazetteer
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.resolve.chain import ResolverChain
from diplonorm.resolve.exact import ExactStrategy
from diplonorm.resolve.fuzzy import FuzzyStrategy, length_range
from diplonorm.resolve.morphology import MorphologyStrategy
from diplonorm.resolve.office import OfficeStrategy
from diplonorm.resolve.query import Query
from diplonorm.text import normalize
from tests.conftest import WriteGazetteer, person, state

NSA = {
    "type": "office",
    "id": "office:usa:nsa",
    "name": "US National Security Advisor",
    "jurisdiction": "state:USA",
    "sector": "GOV",
    "titles": ["national security adviser", "national security advisor"],
    "tenures": [
        {"holder": "person:robert-obrien", "start": "2019-09-18", "end": "2021-01-20"},
        {"holder": "person:jake-sullivan", "start": "2021-01-20", "end": "2025-01-20"},
        {"holder": "person:mike-waltz", "start": "2025-01-20", "end": "2025-05"},
    ],
}
UK_NSA = {
    "type": "office",
    "id": "office:gbr:nsa",
    "name": "UK National Security Adviser",
    "jurisdiction": "state:GBR",
    "sector": "GOV",
    "titles": ["national security adviser"],
    "tenures": [{"holder": "person:uk-adviser", "start": "2021", "end": None}],
}
UNSG = {
    "type": "office",
    "id": "office:un:sg",
    "name": "UN Secretary-General",
    "jurisdiction": "org:un",
    "sector": "IGO",
    "titles": ["secretary-general"],
    "tenures": [{"holder": "person:guterres", "start": "2017-01-01", "end": None}],
}
SPOKES = {
    "type": "office",
    "id": "office:chn:spox",
    "name": "MFA spokesperson",
    "jurisdiction": "state:CHN",
    "sector": "GOV",
    "titles": ["foreign ministry spokesperson"],
    "single_holder": False,
    "tenures": [
        {"holder": "person:spox-a", "start": "2020", "end": None},
        {"holder": "person:spox-b", "start": "2021", "end": None},
    ],
}


@pytest.fixture
def gaz(write_gazetteer: WriteGazetteer) -> Gazetteer:
    """States, persons, an organization and offices covering every strategy."""
    path: Path = write_gazetteer(
        {
            "type": "ambiguous",
            "alias": "Congo",
            "candidates": ["state:COD", "state:COG"],
            "default": None,
            "rule": "both states are called Congo",
        },
        {
            "type": "ambiguous",
            "alias": "Korea",
            "candidates": ["state:KOR", "state:PRK"],
            "default": "state:KOR",
            "rule": "news usage",
        },
        state(
            "USA",
            "United States",
            aliases=["America"],
            abbreviations=["US", "USA"],
            demonyms=["American"],
            metonyms=["Washington", "the White House"],
        ),
        state("CHN", "China", demonyms=["Chinese"], metonyms=["Beijing"], names={"fr": ["Chine"]}),
        state("GBR", "United Kingdom", aliases=["Britain"], demonyms=["British"]),
        state("RUS", "Russia", demonyms=["Russian"], metonyms=["Moscow", "the Kremlin"]),
        state("IRN", "Iran"),
        state("IRQ", "Iraq"),
        state("NER", "Niger"),
        state("NGA", "Nigeria"),
        state("AUT", "Austria"),
        state("AUS", "Australia"),
        state("DMA", "Dominica"),
        state("DOM", "Dominican Republic"),
        state("IND", "India", demonyms=["Indian"]),
        state("COG", "Republic of the Congo"),
        state("COD", "Democratic Republic of the Congo"),
        state("KOR", "South Korea"),
        state("PRK", "North Korea"),
        {
            "type": "entity",
            "id": "org:un",
            "kind": "organization",
            "name": "United Nations",
            "abbreviations": ["UN"],
        },
        person("jake-sullivan", "Jake Sullivan"),
        person("robert-obrien", "Robert O'Brien"),
        person("mike-waltz", "Mike Waltz"),
        person("uk-adviser", "Ann Adviser", country="GBR"),
        person("guterres", "António Guterres", country="PRT"),
        person("yang-jiechi", "Yang Jiechi", country="CHN"),
        person("sergei-lavrov", "Sergei Lavrov", country="RUS"),
        person("spox-a", "Spox A", country="CHN"),
        person("spox-b", "Spox B", country="CHN"),
        NSA,
        UK_NSA,
        UNSG,
        SPOKES,
    )
    return load_gazetteer([path])


def q(text: str, date: str | None = None, country: str | None = None) -> Query:
    """A query as the Normalizer builds it."""
    day = dt.date.fromisoformat(date) if date else None
    return Query(text, normalize(text), day, country)


class TestExact:
    """Strategy 1: exact normalized alias."""

    def test_names_demonyms_metonyms(self, gaz: Gazetteer) -> None:
        """Each alias kind resolves with its own score; metonyms score below names."""
        exact = ExactStrategy(gaz)
        for text, iso3 in [
            ("U.S.", "USA"),
            ("Chinese", "CHN"),
            ("Beijing", "CHN"),
            ("the Kremlin", "RUS"),
            ("Chine", "CHN"),
            ("Britain", "GBR"),
        ]:
            best = exact(q(text)).best
            assert best is not None
            assert best.country == iso3, text
        assert exact(q("Beijing")).best.score < exact(q("China")).best.score  # type: ignore[union-attr]

    def test_pronoun_us_is_not_the_united_states(self, gaz: Gazetteer) -> None:
        """Lower-case 'us' is a pronoun, not the acronym."""
        assert not ExactStrategy(gaz)(q("us")).found

    def test_undecided_ambiguity(self, gaz: Gazetteer) -> None:
        """An ambiguity without a default yields candidates but no answer."""
        result = ExactStrategy(gaz)(q("Congo"))
        assert result.best is None
        assert {r.country for r in result.candidates} == {"COD", "COG"}
        assert "both states are called Congo" in result.candidates[0].evidence

    def test_ambiguity_default_and_country_hint(self, gaz: Gazetteer) -> None:
        """A declared default wins with a lower score; a country hint overrides it."""
        exact = ExactStrategy(gaz)
        default = exact(q("Korea")).best
        assert default is not None
        assert default.country == "KOR"
        assert default.score < 100
        hinted = exact(q("Korea", country="PRK")).best
        assert hinted is not None
        assert hinted.country == "PRK"
        congo = exact(q("Congo", country="COG")).best
        assert congo is not None
        assert congo.country == "COG"


class TestMorphology:
    """Strategy 2: plural demonyms and affixes."""

    @pytest.mark.parametrize(
        ("text", "iso3"),
        [
            ("Americans", "USA"),
            ("US-led", "USA"),
            ("pro-Russian", "RUS"),
            ("anti-American", "USA"),
            ("Chinese officials", "CHN"),
            ("Beijing-backed", "CHN"),
            ("Russian-made", "RUS"),
        ],
    )
    def test_forms_resolve_to_the_state(self, gaz: Gazetteer, text: str, iso3: str) -> None:
        """Affixed and plural forms resolve to the state with the morphology method."""
        best = MorphologyStrategy(gaz)(q(text)).best
        assert best is not None
        assert (best.country, best.method) == (iso3, "morphology")

    def test_plural_needs_a_demonym(self, gaz: Gazetteer) -> None:
        """A plural ending is only stripped to reach a demonym, not any alias."""
        assert not MorphologyStrategy(gaz)(q("Irans")).found
        assert not MorphologyStrategy(gaz)(q("Sullivans")).found


class TestOffice:
    """Strategy 3: office titles through tenures and the date."""

    def test_title_with_country_hint_and_date(self, gaz: Gazetteer) -> None:
        """The holder on the date is chosen; the evidence names office, date and tenure."""
        best = OfficeStrategy(gaz)(q("national security adviser", "2022-03-14", "USA")).best
        assert best is not None
        assert best.canonical == "Jake Sullivan"
        assert best.office is not None
        assert best.office.id == "office:usa:nsa"
        assert "2022-03-14" in best.evidence
        assert "2021-01-20 to 2025-01-20" in best.evidence

    @pytest.mark.parametrize(
        ("text", "date", "holder"),
        [
            ("the US national security adviser", "2020-06-01", "Robert O'Brien"),
            ("America's national security advisor", "2024-01-01", "Jake Sullivan"),
            ("national security adviser of the United States", "2022-03-14", "Jake Sullivan"),
            ("British national security adviser", "2022-03-14", "Ann Adviser"),
            ("UN secretary-general", "2022-03-14", "António Guterres"),
            ("secretary general of the UN", "2022-03-14", "António Guterres"),
        ],
    )
    def test_modifiers_parsed_from_the_string(
        self, gaz: Gazetteer, text: str, date: str, holder: str
    ) -> None:
        """Demonyms, names, possessives, 'of X' and organizations pick the jurisdiction."""
        best = OfficeStrategy(gaz)(q(text, date)).best
        assert best is not None
        assert best.canonical == holder

    def test_handover_day_goes_to_the_successor(self, gaz: Gazetteer) -> None:
        """Tenures are half-open: on the handover day the successor holds the office."""
        best = OfficeStrategy(gaz)(q("US national security adviser", "2021-01-20")).best
        assert best is not None
        assert best.canonical == "Jake Sullivan"

    def test_title_without_country_is_not_guessed(self, gaz: Gazetteer) -> None:
        """Two states have the title and nothing says which: no answer."""
        result = OfficeStrategy(gaz)(q("national security adviser", "2022-03-14"))
        assert result.found
        assert result.best is None

    def test_unique_title_needs_no_country(self, gaz: Gazetteer) -> None:
        """A title carried by one office only resolves without a hint."""
        best = OfficeStrategy(gaz)(q("secretary-general", "2020-01-01")).best
        assert best is not None
        assert "only office with this title" in best.evidence

    def test_no_date_gives_latest_holder_and_says_so(self, gaz: Gazetteer) -> None:
        """Without a date the most recent holder is returned with a lower score."""
        best = OfficeStrategy(gaz)(q("US national security adviser")).best
        assert best is not None
        assert best.canonical == "Mike Waltz"
        assert "no date given" in best.evidence

    def test_dates_outside_every_tenure(self, gaz: Gazetteer) -> None:
        """Before the first known tenure there is no holder."""
        assert OfficeStrategy(gaz)(q("US national security adviser", "2010-01-01")).best is None

    def test_uncertain_month_is_a_possible_holder(self, gaz: Gazetteer) -> None:
        """An end known only to the month makes days in that month uncertain."""
        best = OfficeStrategy(gaz)(q("US national security adviser", "2025-05-10")).best
        assert best is not None
        assert best.canonical == "Mike Waltz"
        assert "uncertain" in best.evidence

    def test_several_simultaneous_holders_stay_unresolved(self, gaz: Gazetteer) -> None:
        """A multi-holder office gives candidates, not one answer."""
        result = OfficeStrategy(gaz)(q("Chinese foreign ministry spokesperson", "2022-01-01"))
        assert result.best is None
        assert {r.canonical for r in result.candidates} == {"Spox A", "Spox B"}


class TestFuzzy:
    """Strategy 4: blocked, bounded fuzzy matching."""

    @pytest.mark.parametrize(
        ("text", "entity"),
        [
            ("Jake Sulivan", "person:jake-sullivan"),
            ("Yang Jiechy", "person:yang-jiechi"),
            ("Sergey Lavrov", "person:sergei-lavrov"),
            ("Jiechi Yang", "person:yang-jiechi"),
            ("Untied States", "state:USA"),
        ],
    )
    def test_misspellings_and_transliterations(
        self, gaz: Gazetteer, text: str, entity: str
    ) -> None:
        """Typos, transliterations and swapped name order resolve with evidence."""
        best = FuzzyStrategy(gaz)(q(text)).best
        assert best is not None
        assert best.entity_id == entity
        assert best.method == "fuzzy"
        assert "ratio" in best.evidence
        assert best.score < 100

    @pytest.mark.parametrize("text", ["Iran", "Iraq", "Niger", "Austria", "Dominica", "Indian"])
    def test_hazard_pairs_are_never_crossed(self, gaz: Gazetteer, text: str) -> None:
        """Through the whole chain each name resolves to itself, never its neighbour."""
        res = ResolverChain(gaz).resolve(q(text))
        assert res is not None
        assert res.method == "exact"
        assert normalize(res.matched) == normalize(text)

    @pytest.mark.parametrize("text", ["Indiana", "Nigerr", "Dominican", "Austral", "Irn", "Chin"])
    def test_extensions_and_short_strings_are_refused(self, gaz: Gazetteer, text: str) -> None:
        """A word that merely extends or cuts an alias, or a very short string, gets nothing."""
        assert FuzzyStrategy(gaz)(q(text)).best is None

    def test_close_call_returns_no_answer(self, gaz: Gazetteer) -> None:
        """Without a margin over the runner-up the strategy does not decide."""
        result = FuzzyStrategy(gaz)(q("Austrlia"))
        assert result.best is None


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abcdeyz ", min_size=1, max_size=30),
    st.text(alphabet="abcdeyz ", min_size=1, max_size=30),
    st.sampled_from([60.0, 81.0, 85.0, 95.0]),
)
def test_length_range_never_excludes_a_match(a: str, b: str, cutoff: float) -> None:
    """The length window used inside a fuzzy block keeps every alias that can reach the cutoff."""
    from rapidfuzz import fuzz

    shortest, longest = length_range(len(a), cutoff)
    if fuzz.ratio(a, b, score_cutoff=cutoff):
        assert shortest <= len(b) <= longest


def test_length_range_is_tight() -> None:
    """The window is no wider than the bound: 10 letters at 85 keep lengths 8 to 13."""
    from rapidfuzz import fuzz

    assert length_range(10, 85.0) == (8, 13)
    assert fuzz.ratio("a" * 10, "a" * 13) >= 85.0 > fuzz.ratio("a" * 10, "a" * 14)
    assert fuzz.ratio("a" * 10, "a" * 8) >= 85.0 > fuzz.ratio("a" * 10, "a" * 7)
