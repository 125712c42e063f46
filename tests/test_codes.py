"""CAMEO actor codes, ISO3 and QIDs of answers (`diplonorm.codes`, `Resolution.cameo`)."""

from __future__ import annotations

import pytest

from diplonorm import Normalizer
from diplonorm.gazetteer.builder import load_gazetteer, office_code
from diplonorm.model import EntityKind
from tests.conftest import WriteGazetteer, an_office, person, state


def test_office_code_joins_state_code_and_sector(write_gazetteer: WriteGazetteer) -> None:
    """A state office is the state's code plus its sector; an organization's is its own."""
    path = write_gazetteer(
        state("USA", "United States", ids={"cameo": "USA"}),
        state("FRA", "France"),
        {
            "type": "entity",
            "id": "org:un",
            "kind": "organization",
            "name": "United Nations",
            "ids": {"cameo": "IGOUNO"},
        },
    )
    gaz = load_gazetteer([path])
    assert office_code(gaz.entity("state:USA"), "GOV") == "USAGOV"
    assert office_code(gaz.entity("state:USA"), "MIL") == "USAMIL"
    assert office_code(gaz.entity("org:un"), "IGO") == "IGOUNO"
    assert office_code(gaz.entity("state:FRA"), "GOV") is None


def test_offices_carry_their_code_through_the_compiled_index(norm: Normalizer) -> None:
    """Bundled offices of states with a CAMEO code have an actor code after loading."""
    offices = norm.gazetteer.offices
    assert offices["office:usa:national-security-adviser"].actor_code == "USAGOV"
    assert offices["office:un:secretary-general"].actor_code == "IGOUNO"
    for office in offices.values():
        jurisdiction = norm.gazetteer.entity(office.jurisdiction)
        if jurisdiction.kind is EntityKind.STATE and jurisdiction.cameo:
            assert office.actor_code == jurisdiction.cameo + office.sector, office.id


@pytest.mark.parametrize(
    ("name", "cameo"),
    [
        ("China", "CHN"),
        ("Chinese", "CHN"),
        ("Beijing", "CHNGOV"),
        ("the Kremlin", "RUSGOV"),
        ("United Nations", "IGOUNO"),
    ],
)
def test_resolution_cameo_of_states_metonyms_and_organizations(
    norm: Normalizer, name: str, cameo: str
) -> None:
    """A capital standing for its state is the government; a state or demonym the state."""
    res = norm.resolve(name)
    assert res is not None
    assert res.cameo == cameo
    assert res.to_dict()["cameo"] == cameo


def test_title_answer_takes_the_office_code(norm: Normalizer) -> None:
    """An answer found through an office carries that office's code."""
    res = norm.resolve("national security adviser", date="2022-03-14", country="USA")
    assert res is not None
    assert res.office is not None
    codes = norm.codes(res, date="2022-03-14")
    assert (codes.iso3, codes.cameo) == ("USA", "USAGOV")
    assert codes.cameo_from == "office office:usa:national-security-adviser"


def test_person_by_name_takes_the_office_held_on_the_date(norm: Normalizer) -> None:
    """In office: the office's code; after leaving it: an elite of the state; no office: the
    country alone."""
    res = norm.resolve("Jake Sullivan")
    assert res is not None
    assert norm.codes(res, date="2022-03-14").cameo == "USAGOV"
    later = norm.codes(res, date="2026-01-01")
    assert (later.cameo, later.cameo_from) == ("USAELI", "former office holder on the date")
    undated = norm.codes(res)
    assert undated.cameo == "USAGOV"
    hass = norm.resolve("Ryan Hass")
    assert hass is not None
    assert norm.codes(hass, date="2022-03-14").cameo == "USA"


def test_international_official_and_qid(norm: Normalizer) -> None:
    """A UN Secretary-General in office is IGOUNO; the QID is given when the data has one."""
    res = norm.resolve("Ban Ki-moon")
    assert res is not None
    assert norm.codes(res, date="2010-06-01").cameo == "IGOUNO"
    assert norm.codes(res, date="2020-06-01").cameo == "KORELI"
    un = norm.resolve("United Nations")
    assert un is not None
    assert norm.codes(un).wikidata == "Q1065"


def test_no_code_is_said_not_invented(write_gazetteer: WriteGazetteer) -> None:
    """Data without CAMEO codes gives None and says so."""
    path = write_gazetteer(
        state("USA", "United States"),
        person("ann-doe", "Ann Doe"),
        an_office({"holder": "person:ann-doe", "start": "2020", "end": None}),
    )
    norm = Normalizer([path], include_bundled=False)
    res = norm.resolve("Ann Doe")
    assert res is not None
    codes = norm.codes(res, date="2021-01-01")
    assert codes.to_dict() == {
        "iso3": "USA",
        "cameo": None,
        "wikidata": None,
        "cameo_from": "none known",
    }


def test_to_frame_has_a_cameo_column(norm: Normalizer) -> None:
    """The data-frame helper carries the code of each answer."""
    pd = pytest.importorskip("pandas")
    frame = norm.to_frame(["Beijing", "France", "nowhere at all"])
    assert list(frame.index) == [0, 1, 2]
    assert list(frame["cameo"][:2]) == ["CHNGOV", "FRA"]
    assert pd.isna(frame["cameo"][2])
