"""Tests of reading and validating one gazetteer file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from diplonorm.errors import GazetteerError
from diplonorm.gazetteer.records import parse_source, read_source
from tests.conftest import WriteGazetteer, an_office, person, state


def test_valid_file_loads_every_record(write_gazetteer: WriteGazetteer) -> None:
    """Entities, offices and ambiguities are all read, with their line numbers."""
    path = write_gazetteer(
        state("USA", "United States"),
        person("a-b", "Ann Bee", aliases=["Ann B. Bee"], family_name="Bee"),
        {
            "type": "office",
            "id": "office:usa:x",
            "name": "X of the US",
            "jurisdiction": "state:USA",
            "sector": "GOV",
            "titles": ["x"],
            "tenures": [{"holder": "person:a-b", "start": "2020-01", "end": None}],
        },
    )
    source = read_source(path)
    assert [e.id for e in source.entities] == ["state:USA", "person:a-b"]
    assert source.offices[0].tenures[0].start is not None
    assert source.offices[0].tenures[0].start.earliest == dt.date(2020, 1, 1)
    assert source.line_of("person:a-b") == 3
    assert source.header.as_of == "2026-11"


@pytest.mark.parametrize(
    ("record", "field", "reason"),
    [
        (person("x", "X", country="ZZZ"), "country", "ISO 3166-1"),
        (person("x", "X", aliases=[""]), "aliases[0]", "non-empty"),
        (person("x", "X", aliases=["..."]), "aliases[0]", "no letters"),
        (person("x", "X", colour="red"), "colour", "unknown field"),
        ({**person("x", "X"), "kind": "planet"}, "kind", "not one of"),
        ({**person("x", "X"), "id": "Person X"}, "id", "not a valid id"),
        ({**state("USA", "US"), "country": "CAN"}, "country", "its own code"),
        (person("x", "X", ids={"wikidata": "12"}), "ids.wikidata", "not a valid"),
        (person("x", "X", ids={"imdb": "tt1"}), "ids.imdb", "unknown id scheme"),
        (person("x", "X", names={"French": ["X"]}), "names.French", "language code"),
        (
            an_office(titles=[]),
            "titles",
            "at least one title",
        ),
        (
            an_office({"holder": "person:x", "start": "2021-13-01"}),
            "tenures[0].start",
            "not a valid calendar date",
        ),
        (
            an_office({"holder": "person:x"}),
            "tenures[0].start",
            "'?'",
        ),
        (
            an_office({"holder": "person:x", "start": "2021", "end": "2019"}),
            "tenures[0].end",
            "before it starts",
        ),
        (
            {"type": "ambiguous", "alias": "X", "candidates": ["person:x"], "rule": "r"},
            "candidates",
            "two or more",
        ),
        (
            {
                "type": "ambiguous",
                "alias": "X",
                "candidates": ["person:x", "person:y"],
                "default": "person:z",
                "rule": "r",
            },
            "default",
            "not one of the candidates",
        ),
        ({"type": "mystery"}, "type", "unknown record type"),
    ],
)
def test_bad_record_names_file_line_and_field(
    write_gazetteer: WriteGazetteer, record: dict[str, object], field: str, reason: str
) -> None:
    """Each kind of invalid record is rejected with file, line and field in the message."""
    path = write_gazetteer(person("ok", "Fine Person"), record)
    with pytest.raises(GazetteerError) as info:
        read_source(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == 3
    assert err.field == field
    assert reason in str(err)
    assert f"{path}:3: field '{field}'" in str(err)


def test_overlapping_tenures_are_rejected(write_gazetteer: WriteGazetteer) -> None:
    """Two holders of a single-holder office at the same time is an error."""
    office = an_office(
        {"holder": "person:a", "start": "2017-01-20", "end": "2021-01-20"},
        {"holder": "person:b", "start": "2020-06", "end": None},
    )
    with pytest.raises(GazetteerError, match="overlap"):
        read_source(write_gazetteer(office))


def test_handover_day_is_not_an_overlap(write_gazetteer: WriteGazetteer) -> None:
    """Half-open tenures: one ending and the next starting on the same day is fine."""
    office = an_office(
        {"holder": "person:a", "start": "2017-01-20", "end": "2021-01-20"},
        {"holder": "person:b", "start": "2021-01-20", "end": None},
    )
    assert len(read_source(write_gazetteer(office)).offices[0].tenures) == 2


def test_multi_holder_office_may_overlap(write_gazetteer: WriteGazetteer) -> None:
    """Offices with several holders at once (spokespersons) allow overlapping tenures."""
    office = an_office(
        {"holder": "person:a", "start": "2019", "end": "2022"},
        {"holder": "person:b", "start": "2020", "end": None},
        single_holder=False,
    )
    assert not read_source(write_gazetteer(office)).offices[0].single_holder


def test_duplicate_ids_name_both_lines(write_gazetteer: WriteGazetteer) -> None:
    """A repeated id in one file is an error pointing at the first occurrence."""
    path = write_gazetteer(person("x", "X"), person("y", "Y"), person("x", "X again"))
    with pytest.raises(
        GazetteerError, match=r"duplicate id 'person:x' \(first on line 2\)"
    ) as info:
        read_source(path)
    assert info.value.line == 4


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"version": 2}, "unsupported schema version 2"),
        ({"as_of": "soon"}, "not a date"),
        ({"source": ""}, "non-empty"),
        ({"extra": 1}, "unknown field"),
    ],
)
def test_bad_header(
    write_gazetteer: WriteGazetteer, header: dict[str, object], reason: str
) -> None:
    """The header is validated like any record, on line 1."""
    with pytest.raises(GazetteerError, match=reason) as info:
        read_source(write_gazetteer(person("x", "X"), header=header))
    assert info.value.line == 1


def test_missing_header_and_empty_file() -> None:
    """A file must start with a header."""
    with pytest.raises(GazetteerError, match="header"):
        parse_source(b'{"type": "entity"}\n', "f.jsonl")
    with pytest.raises(GazetteerError, match="empty file"):
        parse_source(b"\n# only a comment\n", "f.jsonl")


def test_invalid_json_and_bytes_name_the_line(
    write_gazetteer: WriteGazetteer, tmp_path: Path
) -> None:
    """Broken JSON and non-UTF-8 bytes are reported with their line."""
    with pytest.raises(GazetteerError, match="invalid JSON") as info:
        read_source(write_gazetteer(person("x", "X"), '{"type": "entity",'))
    assert info.value.line == 3
    raw = read_source(write_gazetteer(person("x", "X"))).path
    data = Path(raw).read_bytes() + b'{"type": "\xff"}\n'
    with pytest.raises(GazetteerError, match="not UTF-8") as info:
        parse_source(data, "bytes.jsonl")
    assert info.value.line == 3
    with pytest.raises(GazetteerError, match="a record must be a JSON object"):
        read_source(write_gazetteer("[1, 2]"))


def test_comments_and_blank_lines_are_skipped(write_gazetteer: WriteGazetteer) -> None:
    """Lines starting with # and blank lines carry no records."""
    path = write_gazetteer("# a comment", "", person("x", "X"))
    source = read_source(path)
    assert len(source.entities) == 1
    assert source.line_of("person:x") == 4


def test_missing_file_is_a_gazetteer_error(tmp_path: Path) -> None:
    """A path that cannot be read gives a GazetteerError naming it."""
    with pytest.raises(GazetteerError, match="cannot read") as info:
        read_source(tmp_path / "nope.jsonl")
    assert "nope.jsonl" in str(info.value)


def test_partial_dates_and_open_ends(write_gazetteer: WriteGazetteer) -> None:
    """Year, month and day precision, unknown starts and ends, and ongoing tenures."""
    office = an_office(
        {"holder": "person:a", "start": "?", "end": "2013"},
        {"holder": "person:b", "start": "2013-03", "end": "?"},
        {"holder": "person:c", "start": "2020-02-29"},
    )
    a, b, c = read_source(write_gazetteer(office)).offices[0].tenures
    assert a.start is None
    assert a.end is not None
    assert a.end.latest == dt.date(2013, 12, 31)
    assert b.start is not None
    assert b.start.latest == dt.date(2013, 3, 31)
    assert b.end_unknown
    assert c.end is None
    assert not c.end_unknown
    assert c.as_of == dt.date(2026, 11, 30)
