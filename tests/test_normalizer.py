"""Tests of the public API on the bundled data: resolve, candidates, lookups, bad input."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings

import diplonorm
from diplonorm import EntityKind, Normalizer
from tests.conftest import WriteGazetteer, person
from tests.strategies import any_text, name_like


@pytest.mark.parametrize(
    ("name", "iso3", "method"),
    [
        ("Beijing", "CHN", "exact"),
        ("the Kremlin", "RUS", "exact"),
        ("the White House", "USA", "exact"),
        ("Downing Street", "GBR", "exact"),
        ("Kyiv", "UKR", "exact"),
        ("Kiev", "UKR", "exact"),
        ("the U.S.", "USA", "exact"),
        ("America", "USA", "exact"),
        ("Britain", "GBR", "exact"),
        ("Holland", "NLD", "exact"),
        ("Burma", "MMR", "exact"),
        ("Ivory Coast", "CIV", "exact"),
        ("Czechia", "CZE", "exact"),
        ("Türkiye", "TUR", "exact"),
        ("Swaziland", "SWZ", "exact"),
        ("East Timor", "TLS", "exact"),
        ("Cape Verde", "CPV", "exact"),
        ("DPRK", "PRK", "exact"),
        ("UAE", "ARE", "exact"),
        ("DRC", "COD", "exact"),
        ("Congo-Brazzaville", "COG", "exact"),
        ("Vatican", "VAT", "exact"),
        ("Macedonia", "MKD", "exact"),
        ("Kosovo", "XKX", "exact"),
        ("Chinese", "CHN", "exact"),
        ("Filipino", "PHL", "exact"),
        ("Emirati", "ARE", "exact"),
        ("Swiss", "CHE", "exact"),
        ("Dutch", "NLD", "exact"),
        ("Americans", "USA", "morphology"),
        ("Britons", "GBR", "exact"),
        ("Saudis", "SAU", "morphology"),
        ("Allemagne", "DEU", "exact"),
        ("Российская Федерация", "RUS", "exact"),
        ("CHINA", "CHN", "exact"),
    ],
)
def test_states_and_their_variants(norm: Normalizer, name: str, iso3: str, method: str) -> None:
    """Names, variants, demonyms, metonyms and translations resolve to the state."""
    res = norm.resolve(name)
    assert res is not None, name
    assert (res.country, res.method) == (iso3, method)
    assert res.entity_id == f"state:{iso3}"
    assert res.kind is EntityKind.STATE


@pytest.mark.parametrize("name", ["us", "IT", "ME", "OR", "AND", "Congo", "Rugby", "Lyngby"])
def test_words_and_ambiguities_stay_unresolved(norm: Normalizer, name: str) -> None:
    """Pronouns, short capitals, declared ambiguities and near-misses give None."""
    assert norm.resolve(name) is None


def test_us_states_are_known_words(norm: Normalizer) -> None:
    """Indiana is a US state, not India; Georgia is the country unless the hint says USA."""
    indiana = norm.resolve("Indiana")
    assert indiana is not None
    assert (indiana.entity_id, indiana.kind, indiana.country) == (
        "subdivision:us-in",
        EntityKind.SUBDIVISION,
        "USA",
    )
    georgia = norm.resolve("Georgia")
    assert georgia is not None
    assert georgia.entity_id == "state:GEO"
    assert "US state" in georgia.evidence
    hinted = norm.resolve("Georgia", country="USA")
    assert hinted is not None
    assert hinted.entity_id == "subdivision:us-ga"
    washington = norm.resolve("Washington")
    assert washington is not None
    assert washington.entity_id == "state:USA"


def test_seed_actors_resolve_on_the_meeting_date(norm: Normalizer) -> None:
    """The people and roles of the 14 March 2022 meeting resolve as the articles mean them."""
    day = "2022-03-14"
    expected = {
        "Jake Sullivan": "person:jake-sullivan",
        "Yang Jiechi": "person:yang-jiechi",
        "Joe Biden": "person:joe-biden",
        "Xi Jinping": "person:xi-jinping",
        "Vladimir Putin": "person:vladimir-putin",
        "Ned Price": "person:ned-price",
        "Gina Raimondo": "person:gina-raimondo",
        "Ryan Hass": "person:ryan-hass",
        "Brookings Institution": "org:brookings-institution",
        "China's top foreign affairs official": "person:yang-jiechi",
        "U.S. national security adviser": "person:jake-sullivan",
        "U.S. Commerce Secretary": "person:gina-raimondo",
        "State Department spokesman": "person:ned-price",
        "NATO": "org:nato",
        "the European Union": "org:eu",
    }
    for name, entity_id in expected.items():
        res = norm.resolve(name, date=day)
        assert res is not None, name
        assert res.entity_id == entity_id, name


def test_issue_examples(norm: Normalizer) -> None:
    """The examples of the API description work as written."""
    r = norm.resolve("Beijing", date="2022-03-14")
    assert r is not None
    assert (r.canonical, r.country, r.entity_id, r.kind) == (
        "China",
        "CHN",
        "state:CHN",
        EntityKind.STATE,
    )
    assert 0 <= r.score <= 100
    assert r.method == "exact"
    assert "metonym" in r.evidence
    top = norm.candidates("Jake Sulivan", limit=5)
    assert top[0].entity_id == "person:jake-sullivan"
    assert len(top) <= 5
    assert [c.score for c in top] == sorted((c.score for c in top), reverse=True)
    nsa = norm.resolve("national security adviser", date="2022-03-14", country="USA")
    assert nsa is not None
    assert nsa.canonical == "Jake Sullivan"


def test_dates_pick_office_holders(norm: Normalizer) -> None:
    """The same title names different holders on different dates."""
    may = norm.resolve("the British prime minister", date="2018-10-08")
    johnson = norm.resolve("the British prime minister", date=dt.date(2020, 1, 1))
    assert may is not None
    assert johnson is not None
    assert (may.canonical, johnson.canonical) == ("Theresa May", "Boris Johnson")


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("Jake Sulivan", "person:jake-sullivan"),
        ("Yang Jiechy", "person:yang-jiechi"),
        ("Xi Jin-ping", "person:xi-jinping"),
        ("Sergey Lavrov", "person:sergei-lavrov"),
        ("Sergei Lavrov", "person:sergei-lavrov"),
    ],
)
def test_misspellings_and_transliterations(norm: Normalizer, name: str, entity_id: str) -> None:
    """The issue's fuzzy examples resolve to the right person."""
    res = norm.resolve(name)
    assert res is not None
    assert res.entity_id == entity_id


def test_hazard_pairs_on_bundled_data(norm: Normalizer) -> None:
    """Iran/Iraq, Niger/Nigeria, Austria/Australia, Dominica/Dominican Republic stay apart."""
    for name, iso3 in [
        ("Iran", "IRN"),
        ("Iraq", "IRQ"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Austria", "AUT"),
        ("Australia", "AUS"),
        ("Dominica", "DMA"),
        ("Dominican Republic", "DOM"),
    ]:
        res = norm.resolve(name)
        assert res is not None
        assert res.country == iso3


@pytest.mark.parametrize(
    ("name", "iso3"),
    [("France[1]", "FRA"), ("Niger [a]", "NER"), ("Chad (2)", "TCD"), ("Peru*", "PER"),
     ("Congo (Brazzaville)", "COG")],
)  # fmt: skip
def test_footnote_marks_are_ignored(norm: Normalizer, name: str, iso3: str) -> None:
    """Footnote marks of tables copied from the web do not hide the name; a longer bracket
    ("(Brazzaville)") is part of the name."""
    res = norm.resolve(name)
    assert res is not None
    assert (res.country, res.method) == (iso3, "exact")


@pytest.mark.parametrize("name", ["Niger a", "Niger x 2", "Iran b"])
def test_a_name_plus_noise_never_becomes_its_neighbour(norm: Normalizer, name: str) -> None:
    """ "Niger a" is Niger plus noise: fuzzy matching must not make it Nigeria (or Iraq)."""
    res = norm.resolve(name)
    assert res is None or res.country in ("NER", "IRN")


def test_lookups_by_id_and_code(norm: Normalizer) -> None:
    """Entities are found by id and by ISO alpha-2, alpha-3, numeric and CAMEO codes."""
    fra = norm.get("state:FRA")
    assert fra is not None
    for code in ("FR", "fra", "250", "FRA"):
        assert norm.by_code(code) == fra
    assert norm.get("state:XXX") is None
    assert norm.by_code("ZZ") is None


@pytest.mark.parametrize("bad", [None, 5, b"China", ["China"]])
def test_non_strings_raise_type_error(norm: Normalizer, bad: object) -> None:
    """A name that is not a str is a TypeError naming the type."""
    with pytest.raises(TypeError, match="name must be a str"):
        norm.resolve(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("empty", ["", "   ", "\t\n", "...", "—"])
def test_empty_names_give_none(norm: Normalizer, empty: str) -> None:
    """Empty, white-space and punctuation-only names give None, and no candidates."""
    assert norm.resolve(empty) is None
    assert norm.candidates(empty) == []


def test_oversized_names_and_bad_hints_raise_value_error(norm: Normalizer) -> None:
    """Huge strings, bad dates, unknown countries and a zero limit are clear ValueErrors."""
    with pytest.raises(ValueError, match="1,000 characters"):
        norm.resolve("x" * 1_048_576)
    with pytest.raises(ValueError, match="not an ISO date"):
        norm.resolve("Beijing", date="14/03/2022")
    with pytest.raises(TypeError, match="date must be"):
        norm.resolve("Beijing", date=20220314)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an ISO 3166-1 alpha-3"):
        norm.resolve("Beijing", country="US")
    with pytest.raises(ValueError, match="limit"):
        norm.candidates("Beijing", limit=0)


def test_control_characters_and_mixed_scripts(norm: Normalizer) -> None:
    """Control characters, emoji and mixed scripts are normalized, never a crash."""
    split = norm.resolve("\x00Bei\u200bjing\x07")
    assert split is not None
    assert (split.country, split.method) == ("CHN", "fuzzy")
    res = norm.resolve("\x00Beijing\x07")
    assert res is not None
    assert res.country == "CHN"
    assert norm.resolve("🇨🇳 China 🇨🇳") is not None
    assert norm.resolve("Россия and China") is None


def test_user_gazetteer_takes_precedence(write_gazetteer: WriteGazetteer) -> None:
    """User files merge after the bundled data and win conflicts, which are reported."""
    path = write_gazetteer(person("jane-roe", "Jane Roe", aliases=["Beijing"]), name="mine")
    norm = Normalizer(gazetteers=[path])
    res = norm.resolve("Beijing")
    assert res is not None
    assert res.entity_id == "person:jane-roe"
    assert any(c.kind == "alias-taken" and c.key == "beijing" for c in norm.gazetteer.conflicts)
    only = Normalizer(gazetteers=[path], include_bundled=False)
    assert len(only.gazetteer) == 1
    assert only.resolve("China") is None


def test_no_gazetteer_at_all_is_an_error() -> None:
    """Excluding the bundled data without giving any file is a ValueError."""
    with pytest.raises(ValueError, match="no gazetteer"):
        Normalizer(include_bundled=False)


def test_pickling_is_cheap_and_equivalent(norm: Normalizer) -> None:
    """A pickled normalizer references the bundled data instead of copying it."""
    data = pickle.dumps(norm)
    assert len(data) < 2_000
    again = pickle.loads(data)
    res = again.resolve("Beijing")
    assert res is not None
    assert res.entity_id == "state:CHN"
    assert again.gazetteer is norm.gazetteer


def test_fuzzy_can_be_turned_off() -> None:
    """With fuzzy=False misspellings are not resolved, exact names still are."""
    strict = Normalizer(fuzzy=False)
    assert strict.resolve("Jake Sulivan") is None
    assert strict.resolve("Jake Sullivan") is not None


def test_import_does_not_pull_in_spacy() -> None:
    """`import diplonorm` leaves spaCy unimported (it takes most of a second)."""
    import subprocess
    import sys

    code = "import sys, diplonorm; diplonorm.Normalizer().resolve('Jake Sulivan'); print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_version_is_exposed() -> None:
    """The package exposes its version."""
    assert diplonorm.__version__


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_resolve_never_raises_on_arbitrary_text(text: str) -> None:
    """Any str up to the length limit gives a Resolution or None, never an exception."""
    norm = _shared()
    res = norm.resolve(text)
    assert res is None or 0 <= res.score <= 100
    for cand in norm.candidates(text):
        assert 0 <= cand.score <= 100


@settings(max_examples=200, deadline=None)
@given(name_like)
def test_resolution_is_consistent(text: str) -> None:
    """resolve() agrees with the top candidate when it gives an answer."""
    norm = _shared()
    res = norm.resolve(text)
    if res is not None:
        ids = [c.entity_id for c in norm.candidates(text, limit=50)]
        assert res.entity_id in ids


_NORM: list[Normalizer] = []


def _shared() -> Normalizer:
    if not _NORM:
        _NORM.append(Normalizer())
    return _NORM[0]


def test_kinds_filter(norm: Normalizer) -> None:
    """kinds={'state'} keeps only states: a US state or a newspaper is no country."""
    assert norm.resolve("Indiana", kinds={"state"}) is None
    assert norm.resolve("Washington Post", kinds=["state"]) is None
    france = norm.resolve("France", kinds={EntityKind.STATE})
    assert france is not None
    assert france.country == "FRA"
    with pytest.raises(ValueError, match="kinds must be entity kinds"):
        norm.resolve("France", kinds={"country"})


def test_transposed_letters(norm: Normalizer) -> None:
    """A swapped pair of letters in a seven-letter name is still found, with the fuzzy method."""
    res = norm.resolve("Germnay")
    assert res is not None
    assert (res.country, res.method) == ("DEU", "fuzzy")


def test_all_caps_names_with_an_article(norm: Normalizer) -> None:
    """A leading "THE" in capitals is the article, not an acronym: "THE GAMBIA" is Gambia."""
    found = {name: norm.resolve(name) for name in ("THE GAMBIA", "THE NETHERLANDS", "THE US")}
    assert {n: r.country if r else None for n, r in found.items()} == {
        "THE GAMBIA": "GMB",
        "THE NETHERLANDS": "NLD",
        "THE US": "USA",
    }


def test_cut_names_block_their_neighbours(norm: Normalizer) -> None:
    """'Austral' is a cut 'Australia': it must not become 'Austria' by default."""
    assert norm.resolve("Austral") is None


def test_resolve_many_is_aligned_and_deduplicated(norm: Normalizer) -> None:
    """A column with repeats and missing values gives aligned answers, one per row."""
    import numpy as np
    import pandas as pd

    column = ["Beijing", "us", None, float("nan"), "Beijing", "the Kremlin"]
    results = norm.resolve_many(column)
    assert [r.country if r else None for r in results] == ["CHN", None, None, None, "CHN", "RUS"]
    assert results[0] is results[4]
    assert norm.resolve_many(np.array(["France", "Niger"])) == [
        norm.resolve("France"),
        norm.resolve("Niger"),
    ]
    series = pd.Series(["Indiana", "Chad"], index=[10, 20])
    frame = norm.to_frame(series, kinds={"state"})
    assert list(frame.index) == [10, 20]
    assert list(frame.columns) == [
        "name",
        "canonical",
        "country",
        "entity_id",
        "kind",
        "score",
        "method",
        "cameo",
    ]
    assert frame.loc[20, "country"] == "TCD"
    assert pd.isna(frame.loc[10, "entity_id"])


def test_resolve_many_equals_resolve_one_by_one() -> None:
    """Batch results equal single results on generated names."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    norm = _shared()

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(
            st.sampled_from(
                [
                    "China",
                    "Chinese",
                    "US",
                    "us",
                    "Jake Sulivan",
                    "Congo",
                    "",
                    "Beijing's",
                    "Zimbabwe",
                    "?",
                ]
            ),
            max_size=12,
        )
    )
    def check(names: list[str]) -> None:
        import pandas as pd

        one_by_one = [norm.resolve(n) for n in names]
        assert norm.resolve_many(names) == one_by_one
        assert norm.resolve_many(pd.Series(names, dtype=object)) == one_by_one

    check()


def test_to_frame_rows_equal_resolve_one_by_one() -> None:
    """Every row of to_frame is the answer of resolve() for that row's name."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    norm = _shared()
    cells = st.sampled_from(["China", "Chinese", "us", "Jake Sulivan", "Congo", "Indiana", "?"])

    @settings(max_examples=50, deadline=None)
    @given(st.lists(cells, max_size=12), st.sampled_from([None, {"state"}]))
    def check(names: list[str], kinds: set[str] | None) -> None:
        frame = norm.to_frame(names, kinds=kinds)
        assert list(frame["name"]) == names
        for row, name in zip(frame.itertuples(index=False), names, strict=True):
            res = norm.resolve(name, kinds=kinds)
            assert (None if res is None else res.entity_id) == (
                row.entity_id if isinstance(row.entity_id, str) else None
            )
            if res is not None:
                assert (row.canonical, row.country, row.score, row.method) == (
                    res.canonical,
                    res.country,
                    res.score,
                    res.method,
                )

    check()


def test_to_frame_takes_missing_and_unhashable_cells(norm: Normalizer) -> None:
    """None, NaN, numbers and lists in a column give empty rows, not errors."""
    import pandas as pd

    column = pd.Series(["France", None, float("nan"), 3, ["x"], "France"])
    frame = norm.to_frame(column)
    assert list(frame["country"].isna()) == [False, True, True, True, True, False]
    found = norm.resolve_many(column)
    assert [r.country if r else None for r in found] == ["FRA", None, None, None, None, "FRA"]
    assert frame["country"].iloc[5] == "FRA"
    assert len(norm.to_frame([])) == 0


def test_annotate_many_serial_and_in_worker_processes() -> None:
    """annotate_many gives annotate's results in order, serially and with 2 spawned workers."""
    norm = _shared()
    texts = [
        "Beijing said no.",
        "Jake Sullivan met Wang Yi.",
        "nothing here",
        "The Kremlin agreed.",
    ]
    texts = texts * 6
    dates = ["2022-03-14"] * len(texts)
    expected = [norm.annotate(t, date="2022-03-14") for t in texts]
    assert list(norm.annotate_many(texts, dates=dates)) == expected
    parallel = list(norm.annotate_many(texts, dates="2022-03-14", n_process=2, batch_size=5))
    assert parallel == expected
    assert parallel[1][0].resolution is not None
    assert parallel[1][0].resolution.entity is norm.gazetteer.entity("person:jake-sullivan")
    with pytest.raises(ValueError, match="n_process"):
        list(norm.annotate_many(texts, n_process=0))


def test_bundled_entities_pickle_as_references(norm: Normalizer) -> None:
    """A state with names in 160 languages pickles by id; a user entity pickles in full."""
    res = norm.resolve("China")
    assert res is not None
    data = pickle.dumps(res)
    assert len(data) < 1_000
    assert pickle.loads(data).entity is res.entity
    local = norm.annotate("Russian Foreign Minister Ivan Petrovsky spoke.")
    again = pickle.loads(pickle.dumps(local))
    assert again == local
