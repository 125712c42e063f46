"""Consistency of the bundled data: codes, ids, tenures, aliases, and the seed actors."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pycountry
import pytest

from diplonorm import Normalizer
from diplonorm.gazetteer import bundled_gazetteer, load_gazetteer
from diplonorm.gazetteer.bundled import COMPILED_FILE, DATA_DIR, bundled_paths
from diplonorm.gazetteer.compiled import is_current, read_header, sources_digest
from diplonorm.gazetteer.index import Gazetteer
from diplonorm.gazetteer.records import overlapping, read_source
from diplonorm.model import EntityKind
from diplonorm.validate import is_iso3

DATA = Path(DATA_DIR)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The bundled gazetteer, indexed from its source files (not the compiled index)."""
    return load_gazetteer(bundled_paths())


def test_every_iso_country_and_kosovo_is_a_state(gaz: Gazetteer) -> None:
    """All 249 ISO 3166-1 countries plus Kosovo, with their ISO codes as external ids."""
    states = {e.country for e in gaz.states()}
    assert states == {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    for country in pycountry.countries:
        entity = gaz.entity(f"state:{country.alpha_3}")
        assert entity.ids["iso_a2"] == country.alpha_2
        assert entity.ids["iso_n3"] == country.numeric


def test_every_country_code_is_valid(gaz: Gazetteer) -> None:
    """Every entity's country is an ISO 3166-1 alpha-3 code."""
    for entity in gaz:
        assert entity.country is None or is_iso3(entity.country), entity.id


def test_merge_has_no_conflicts(gaz: Gazetteer) -> None:
    """No bundled file overrides another's records, aliases or titles."""
    assert gaz.conflicts == ()


def test_ids_are_unique_across_files() -> None:
    """No id appears in two bundled files."""
    seen: dict[str, str] = {}
    for path in bundled_paths():
        source = read_source(path)
        for record in (*source.entities, *source.offices):
            assert record.id not in seen, f"{record.id} in {path} and {seen[record.id]}"
            seen[record.id] = str(path)


def test_tenures_of_single_holder_offices_do_not_overlap(gaz: Gazetteer) -> None:
    """One holder at a time in every single-holder office."""
    for office in gaz.offices.values():
        if office.single_holder:
            assert overlapping(office.tenures) is None, office.id


def test_holders_belong_to_the_office_state(gaz: Gazetteer) -> None:
    """A national office's holders are persons of that state."""
    for office in gaz.offices.values():
        jurisdiction = gaz.entity(office.jurisdiction)
        for tenure in office.tenures:
            holder = gaz.entity(tenure.holder)
            assert holder.kind is EntityKind.PERSON, tenure.holder
            if jurisdiction.kind is not EntityKind.ORGANIZATION or jurisdiction.country:
                assert holder.country == office.country, (office.id, holder.id)


def test_declared_ambiguities_are_the_only_shared_aliases(gaz: Gazetteer) -> None:
    """An alias key naming several entities is always a declared ambiguity."""
    for key in gaz.alias_keys:
        entities = {r.entity_id for r in gaz.refs(key)}
        if len(entities) > 1:
            amb = gaz.ambiguities.get(key)
            assert amb is not None, key
            assert entities <= set(amb.candidates)


def test_no_bare_surname_or_common_word_aliases(gaz: Gazetteer) -> None:
    """Person aliases are full names, never a bare family name."""
    for entity in gaz:
        if entity.kind is EntityKind.PERSON:
            assert entity.family_name, entity.id
            for alias in (entity.name, *entity.aliases):
                assert len(alias.split()) > 1, (entity.id, alias)


@pytest.mark.parametrize(
    ("entity_id", "office_id", "day"),
    [
        ("person:jake-sullivan", "office:usa:national-security-adviser", "2022-03-14"),
        ("person:joe-biden", "office:usa:president", "2022-03-14"),
        ("person:xi-jinping", "office:chn:president", "2022-03-14"),
        ("person:vladimir-putin", "office:rus:president", "2022-03-14"),
        ("person:ned-price", "office:usa:state-department-spokesperson", "2022-03-14"),
        ("person:gina-raimondo", "office:usa:secretary-of-commerce", "2022-03-14"),
    ],
)
def test_seed_actors_hold_their_offices(
    gaz: Gazetteer, entity_id: str, office_id: str, day: str
) -> None:
    """The actors of the seed articles are in office on the meeting date."""
    import datetime as dt

    office = gaz.office(office_id)
    holders = [t.holder for t in office.tenures if t.certainly_covers(dt.date.fromisoformat(day))]
    assert holders == [entity_id]


def test_seed_people_and_institutions_are_present(gaz: Gazetteer) -> None:
    """Yang Jiechi, Ryan Hass and his institution are in the gazetteer."""
    assert gaz.entity("person:yang-jiechi").country == "CHN"
    hass = gaz.entity("person:ryan-hass")
    assert "org:brookings-institution" in hass.affiliations


def test_every_file_has_a_source_note() -> None:
    """Each bundled file's header names its source and as-of date; SOURCES.md covers it."""
    notes = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in bundled_paths():
        header = read_source(path).header
        assert header.source
        assert header.as_of
        assert Path(path).name in notes


def test_compiled_index_is_current() -> None:
    """The committed compiled index was built from the committed source files."""
    data = (DATA / COMPILED_FILE).read_bytes()
    assert is_current(read_header(data), sources_digest(bundled_paths()))


def test_build_check_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m diplonorm.gazetteer.build --check` exits 0 for the committed index and
    builds nothing."""
    from diplonorm.gazetteer.build import main

    before = (DATA / COMPILED_FILE).stat().st_mtime_ns
    assert main(["--check"]) == 0
    assert (DATA / COMPILED_FILE).stat().st_mtime_ns == before
    assert capsys.readouterr().err == ""


def test_compiled_index_matches_the_sources(gaz: Gazetteer) -> None:
    """Loading the compiled index gives the same entities, offices and alias keys."""
    compiled = bundled_gazetteer()
    assert set(compiled.entities) == set(gaz.entities)
    assert dict(compiled.offices) == dict(gaz.offices)
    assert set(compiled.alias_keys) == set(gaz.alias_keys)
    for entity_id in ("state:CHN", "person:jake-sullivan", "org:nato"):
        assert compiled.entity(entity_id) == gaz.entity(entity_id)
    for key in ("US", "beijing", "congo", "nato"):
        assert compiled.lookup(key) == gaz.lookup(key)
    assert compiled.alias_meta() == gaz.alias_meta()


def test_states_file_is_reproducible() -> None:
    """Rebuilding states.jsonl from pycountry and the curated file gives the committed bytes."""
    from diplonorm.gazetteer.build import STATES_FILE, build_states

    header = json.loads(STATES_FILE.read_text(encoding="utf-8").splitlines()[0])
    if f"pycountry {version('pycountry')} " not in header["source"]:
        pytest.skip(f"states.jsonl was built with another pycountry than {version('pycountry')}")
    records, _report = build_states()
    committed = STATES_FILE.read_text(encoding="utf-8").splitlines()[1:]
    assert [json.loads(line) for line in committed] == records


def _un_members() -> dict[str, str]:
    """ISO3 code -> region of the 193 UN member states (data/curated/un_members.tsv)."""
    out: dict[str, str] = {}
    for line in (DATA / "curated" / "un_members.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            region, codes = line.split("\t")
            out.update(dict.fromkeys(codes.split(), region))
    return out


def test_un_member_list_is_complete_and_valid() -> None:
    """193 distinct members, each a valid ISO 3166-1 code."""
    members = _un_members()
    assert len(members) == 193
    assert all(pycountry.countries.get(alpha_3=code) for code in members)


def test_every_un_member_has_its_leaders_and_foreign_minister(gaz: Gazetteer) -> None:
    """Head of state (a governor-general in Commonwealth realms), foreign minister, and a
    head of government unless the head of state heads the government; each with a holder."""
    roles: dict[str, set[str]] = {}
    for office in gaz.offices.values():
        national = gaz.entity(office.jurisdiction).kind is EntityKind.STATE
        if national and office.country and office.role and office.tenures:
            roles.setdefault(office.country, set()).add(office.role)
    for code in _un_members():
        have = roles.get(code, set())
        assert have & {"head_of_state", "governor_general"}, code
        assert "foreign_minister" in have, code


def test_the_full_gazetteer_is_large(gaz: Gazetteer) -> None:
    """The bundled data covers decades of news: >= 25,000 entities, >= 60,000 alias keys,
    officials of every region, Phoenix actors next to curated ones."""
    assert len(gaz) >= 25_000
    assert len(gaz.alias_keys) >= 60_000
    assert len(gaz.offices) >= 600
    sources = {s.name for s in gaz.sources}
    assert {"phoenix", "bundled-officials-europe", "bundled-officials-americas"} <= sources


@pytest.mark.parametrize(
    ("phrase", "day", "entity_id"),
    [
        ("the British prime minister", "2018-10-08", "person:theresa-may"),
        ("the British prime minister", "2020-01-01", "person:boris-johnson"),
        ("the Japanese prime minister", "2019-06-28", "person:shinzo-abe"),
        ("the Japanese prime minister", "2022-06-01", "person:fumio-kishida"),
        ("the Brazilian president", "2020-06-01", "person:jair-bolsonaro"),
        ("the Brazilian president", "2023-06-01", "person:luiz-inacio-lula-da-silva"),
        ("the Kenyan president", "2020-06-01", "person:uhuru-kenyatta"),
        ("the Kenyan president", "2023-06-01", "person:william-ruto"),
        ("the German chancellor", "2019-05-01", "person:angela-merkel"),
        ("the German chancellor", "2023-05-01", "person:olaf-scholz"),
        ("the Indian prime minister", "2020-01-01", "person:narendra-modi"),
        ("the French foreign minister", "2018-06-01", "person:jean-yves-le-drian"),
        ("the Nigerian president", "2016-06-01", "person:muhammadu-buhari"),
        ("the Canadian prime minister", "2017-06-01", "person:justin-trudeau"),
        ("the South Korean president", "2018-04-27", "person:moon-jae-in"),
        ("the Ukrainian foreign minister", "2022-04-01", "person:dmytro-kuleba"),
        ("the Italian prime minister", "2023-01-01", "person:giorgia-meloni"),
    ],
)
def test_modern_officials_by_date(norm: Normalizer, phrase: str, day: str, entity_id: str) -> None:
    """Role phrases resolve to the holder on the date, from the curated officials."""
    res = norm.resolve(phrase, date=day)
    assert res is not None
    assert res.entity_id == entity_id
    assert res.office is not None


@pytest.mark.parametrize(
    ("name", "entity_id", "cameo"),
    [
        ("Hamid Karzai", "person:phoenix-hamid-karzai", "AFGELI"),
        ("Hosni Mubarak", "person:phoenix-hosni-mubarak", "EGYELI"),
        ("Free Syrian Army", "org:phoenix-free-syrian-army", "SYRREB"),
        ("Mossad", "body:phoenix-mossad", "ISRSPY"),
        ("General Electric", "org:phoenix-general-electric", "MNCUSA"),
        ("Jack Lew", "person:phoenix-jack-lew", "USAELI"),
    ],
)
def test_phoenix_actors_resolve_with_their_codes(
    norm: Normalizer, name: str, entity_id: str, cameo: str
) -> None:
    """Imported actors answer by name with their (corrected) current CAMEO code."""
    res = norm.resolve(name)
    assert res is not None
    assert (res.entity_id, res.cameo) == (entity_id, cameo)
    assert "[phoenix]" in res.evidence
