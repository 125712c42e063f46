"""Tests of merging gazetteer files into one immutable index."""

from __future__ import annotations

from pathlib import Path

import pytest

from diplonorm.errors import GazetteerError
from diplonorm.gazetteer import GazetteerBuilder, load_gazetteer
from diplonorm.gazetteer.compiled import (
    dump_compiled,
    is_current,
    load_compiled,
    read_header,
    sources_digest,
)
from diplonorm.model import AliasKind
from tests.conftest import WriteGazetteer, an_office, person, state


def test_aliases_are_indexed_by_normalized_key(write_gazetteer: WriteGazetteer) -> None:
    """Every alias kind is found under its normalized key with its kind and text."""
    gaz = load_gazetteer(
        [
            write_gazetteer(
                state(
                    "USA",
                    "United States",
                    abbreviations=["U.S."],
                    demonyms=["American"],
                    metonyms=["Washington"],
                    names={"fr": ["États-Unis"]},
                ),
            )
        ]
    )
    assert [r.kind for r in gaz.lookup("US")] == [AliasKind.ABBREVIATION]
    assert gaz.lookup("US")[0].text == "U.S."
    assert gaz.lookup("american")[0].kind is AliasKind.DEMONYM
    assert gaz.lookup("washington")[0].kind is AliasKind.METONYM
    ref = gaz.lookup("etats unis")[0]
    assert (ref.kind, ref.lang) == (AliasKind.TRANSLATION, "fr")
    assert gaz.lookup("us") == ()


def test_all_caps_query_matches_plain_alias(write_gazetteer: WriteGazetteer) -> None:
    """A headline's 'CHAD' finds the alias 'Chad'; 'chad' does not find an acronym 'CHAD'."""
    gaz = load_gazetteer(
        [
            write_gazetteer(
                state("TCD", "Chad"), state("USA", "United States", abbreviations=["USA"])
            )
        ]
    )
    assert gaz.lookup("CHAD")[0].entity_id == "state:TCD"
    assert gaz.lookup("usa") == ()


def test_shadowing_alias_in_one_file_is_an_error(write_gazetteer: WriteGazetteer) -> None:
    """Two entities of one file sharing an alias fail the load, naming both lines."""
    path = write_gazetteer(
        person("a", "John Smith"), person("b", "J. Smith", aliases=["John Smith"])
    )
    with pytest.raises(
        GazetteerError, match=r"shadows the same alias of person:a on line 2"
    ) as info:
        load_gazetteer([path])
    assert info.value.line == 3
    assert info.value.field == "aliases"


def test_declared_ambiguity_is_allowed(write_gazetteer: WriteGazetteer) -> None:
    """An alias declared ambiguous may name its candidates, and only them."""
    amb = {
        "type": "ambiguous",
        "alias": "Congo",
        "candidates": ["state:COD", "state:COG"],
        "default": None,
        "rule": "two states",
    }
    gaz = load_gazetteer([write_gazetteer(amb, state("COG", "Congo"), state("COD", "DR Congo"))])
    assert {r.entity_id for r in gaz.lookup("congo")} == {"state:COG", "state:COD"}
    assert gaz.ambiguity("congo") is not None
    stray = write_gazetteer(
        amb,
        state("COG", "Congo"),
        state("COD", "DR Congo"),
        state("CAN", "Canada", aliases=["Congo"]),
    )
    with pytest.raises(GazetteerError, match="shadows"):
        load_gazetteer([stray])


def test_later_file_takes_precedence_and_reports(write_gazetteer: WriteGazetteer) -> None:
    """User data over bundled: replaced records and taken aliases are listed as conflicts."""
    base = write_gazetteer(
        person("a", "Ann Bee", aliases=["The Bee"]), person("b", "Bob Cee"), name="base"
    )
    user = write_gazetteer(
        person("a", "Ann Bee-Dee"), person("c", "Cat Dee", aliases=["Bob Cee"]), name="user"
    )
    gaz = load_gazetteer([base, user])
    assert gaz.entity("person:a").name == "Ann Bee-Dee"
    assert gaz.lookup("the bee") == ()
    assert [r.entity_id for r in gaz.lookup("bob cee")] == ["person:c"]
    kinds = sorted(c.kind for c in gaz.conflicts)
    assert kinds == ["alias-taken", "entity-replaced"]
    assert all(c.winner == "user" for c in gaz.conflicts)


def test_references_must_exist(write_gazetteer: WriteGazetteer) -> None:
    """Offices, tenures and affiliations pointing at unknown ids fail with their line."""
    office = an_office({"holder": "person:nobody", "start": "2020"})
    path = write_gazetteer(state("USA", "United States"), office)
    with pytest.raises(GazetteerError, match="no entity with id 'person:nobody'") as info:
        load_gazetteer([path])
    assert (info.value.line, info.value.field) == (3, "tenures[0].holder")
    bad = write_gazetteer(person("a", "A", affiliations=["org:none"]))
    with pytest.raises(GazetteerError, match="affiliations"):
        load_gazetteer([bad])


def test_repeated_title_in_one_jurisdiction_is_an_error(write_gazetteer: WriteGazetteer) -> None:
    """Two offices of one state may not share a title in the same file."""

    def office(oid: str) -> dict[str, object]:
        return {
            "type": "office",
            "id": oid,
            "name": oid,
            "jurisdiction": "state:USA",
            "sector": "GOV",
            "titles": ["top diplomat"],
        }

    path = write_gazetteer(state("USA", "United States"), office("office:a"), office("office:b"))
    with pytest.raises(GazetteerError, match="also a title of office:a"):
        load_gazetteer([path])


def test_offices_get_their_jurisdictions_country(write_gazetteer: WriteGazetteer) -> None:
    """An office's country is derived from its jurisdiction entity."""
    office = {
        "type": "office",
        "id": "office:x",
        "name": "X",
        "jurisdiction": "body:usa:dos",
        "sector": "GOV",
        "titles": ["x"],
    }
    body = {
        "type": "entity",
        "id": "body:usa:dos",
        "kind": "government_body",
        "name": "Department of State",
        "country": "USA",
    }
    gaz = load_gazetteer([write_gazetteer(body, office)])
    assert gaz.office("office:x").country == "USA"
    assert gaz.offices_titled("x")[0].id == "office:x"


def test_compiled_round_trip_keeps_everything(
    write_gazetteer: WriteGazetteer, tmp_path: Path
) -> None:
    """The compiled form rebuilds an equal gazetteer."""
    amb = {
        "type": "ambiguous",
        "alias": "Congo",
        "candidates": ["state:COD", "state:COG"],
        "default": "state:COD",
        "rule": "r",
        "kind": "name",
    }
    office = {
        "type": "office",
        "id": "office:x",
        "name": "X",
        "jurisdiction": "state:COG",
        "sector": "GOV",
        "titles": ["x"],
        "tenures": [{"holder": "person:a", "start": "2020-05"}],
    }
    gaz = load_gazetteer(
        [
            write_gazetteer(
                amb,
                state("COG", "Republic of the Congo", names={"fr": ["Congo-Brazzaville"]}),
                state("COD", "DR Congo", ids={"iso_a2": "CD"}),
                person("a", "Ann Bee", country="COG"),
                office,
            )
        ]
    )
    text = dump_compiled(gaz, "digest", str(tmp_path))
    assert str(tmp_path) not in text
    again = load_compiled(text.encode(), str(tmp_path))
    assert again.sources == gaz.sources
    assert list(again.store) == list(gaz.store)
    assert dict(again.entities) == dict(gaz.entities)
    assert dict(again.offices) == dict(gaz.offices)
    assert dict(again.ambiguities) == dict(gaz.ambiguities)
    assert set(again.alias_keys) == set(gaz.alias_keys)
    for key in gaz.alias_keys:
        assert again.lookup(key) == gaz.lookup(key)
    assert again.by_code("cd") == gaz.entity("state:COD")


def test_builder_on_a_base_adds_and_keeps(write_gazetteer: WriteGazetteer) -> None:
    """Building on an existing gazetteer keeps its records and adds the new file's."""
    base = load_gazetteer([write_gazetteer(state("USA", "United States", abbreviations=["US"]))])
    merged = GazetteerBuilder(base).add_file(write_gazetteer(person("a", "Ann Bee"))).build()
    assert len(merged) == 2
    assert merged.lookup("US")[0].entity_id == "state:USA"
    assert len(base) == 1


def test_compiled_source_paths_follow_the_folder(write_gazetteer: WriteGazetteer) -> None:
    """Source paths are stored relative to the index, so a moved install names its own files."""
    source = write_gazetteer(person("a", "Ann Bee"))
    gaz = load_gazetteer([source])
    moved = load_compiled(dump_compiled(gaz, "d", str(source.parent)).encode(), "/elsewhere")
    assert moved.sources[0].path == str(Path("/elsewhere") / source.name)


def test_quick_digest_checks_names_and_sizes(write_gazetteer: WriteGazetteer) -> None:
    """The load-time check (no CRC) accepts the same files and rejects a changed size."""
    path = write_gazetteer(person("a", "Ann Bee"))
    header = read_header(
        dump_compiled(load_gazetteer([path]), sources_digest([path]), "/").encode()
    )
    assert is_current(header, sources_digest([path], crc=False))
    assert is_current(header, sources_digest([path]))
    path.write_text(path.read_text().replace("Ann Bee", "Ann Bea"), encoding="utf-8")
    assert is_current(header, sources_digest([path], crc=False))
    assert not is_current(header, sources_digest([path]))
    path.write_text(path.read_text() + "\n", encoding="utf-8")
    assert not is_current(header, sources_digest([path], crc=False))
