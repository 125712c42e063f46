"""Tests of the flat mention rows and their JSON Lines and Parquet writers."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from diplonorm import Normalizer
from diplonorm.output import (
    COLUMNS,
    PART_SUFFIX,
    SCHEMA,
    SCHEMA_VERSION,
    Row,
    arrow_schema,
    mention_rows,
    write_jsonl,
    write_parquet,
    write_rows,
)

TEXT = "Jake Sullivan told the Kremlin that Congo would attend."
PY_TYPES = {"string": str, "int64": int, "float64": float}


@pytest.fixture(scope="module")
def rows(norm: Normalizer) -> list[Row]:
    """The rows of TEXT dated 2022-03-14: a person, a metonym and an unresolved 'Congo'."""
    mentions = norm.annotate(TEXT, date="2022-03-14")
    return mention_rows(mentions, doc_id="doc-1", normalizer=norm, date="2022-03-14")


def test_rows_follow_the_schema(rows: list[Row]) -> None:
    """Every row has the schema's columns in order, with the declared types and nullability."""
    assert [r["text"] for r in rows] == ["Jake Sullivan", "Kremlin", "Congo"]
    for row in rows:
        assert tuple(row) == COLUMNS
        for column in SCHEMA:
            value = row[column.name]  # type: ignore[literal-required]
            if value is None:
                assert column.nullable, column.name
            else:
                assert type(value) is PY_TYPES[column.type], column.name
        assert TEXT[row["start"] : row["end"]] == row["text"]
        assert row["doc_id"] == "doc-1"
        assert row["date"] == "2022-03-14"
    kremlin = rows[1]
    assert (kremlin["entity_id"], kremlin["country"], kremlin["cameo"]) == (
        "state:RUS",
        "RUS",
        "RUSGOV",
    )


def test_unresolved_mentions_are_rows(rows: list[Row]) -> None:
    """An undecided mention is a row with null ids, method 'unresolved' and its reason."""
    congo = rows[2]
    assert congo["entity_id"] is None
    assert congo["canonical"] is None
    assert congo["cameo"] is None
    assert congo["method"] == "unresolved"
    assert congo["score"] == 0.0
    assert congo["kind"] == "state"
    assert "not decided between" in congo["evidence"]


def test_person_takes_the_code_of_the_office_held_on_the_date(norm: Normalizer) -> None:
    """A person named in the text gets the CAMEO code that fits the document date."""
    mentions = norm.annotate("Jake Sullivan spoke.")
    by_date = {
        date: mention_rows(mentions, doc_id="d", normalizer=norm, date=date)[0]["cameo"]
        for date in ("2022-03-14", "2026-01-01")
    }
    assert by_date == {"2022-03-14": "USAGOV", "2026-01-01": "USAELI"}
    assert mentions[0].resolution is not None
    assert mentions[0].resolution.cameo is None


def test_title_rows_carry_the_office(norm: Normalizer) -> None:
    """A title resolved through an office names the office and the holder on the date."""
    text = "The national security adviser said so."
    mentions = norm.annotate(text, date="2022-03-14", country="USA")
    [row] = mention_rows(mentions, doc_id="d", normalizer=norm, date="2022-03-14")
    assert row["office_id"] == "office:usa:national-security-adviser"
    assert (row["canonical"], row["role"], row["cameo"]) == ("Jake Sullivan", "title", "USAGOV")


def test_bad_date_is_refused(norm: Normalizer) -> None:
    """A date that is not ISO raises ValueError instead of writing a wrong column."""
    with pytest.raises(ValueError, match="not an ISO date"):
        mention_rows([], doc_id="d", normalizer=norm, date="14/03/2022")


def test_jsonl_round_trip(rows: list[Row], tmp_path: Path) -> None:
    """JSON Lines hold one object per row that loads back equal, and no temporary is left."""
    path = tmp_path / "out.jsonl"
    assert write_jsonl(rows, path) == 3
    loaded = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert loaded == rows
    assert list(tmp_path.iterdir()) == [path]


def test_parquet_round_trip(rows: list[Row], tmp_path: Path) -> None:
    """Parquet reads back the same rows with exactly the declared schema and version."""
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "out.parquet"
    assert write_rows(rows, path, "parquet") == 3
    table = pq.read_table(path)
    assert table.to_pylist() == rows
    assert table.schema.equals(arrow_schema(), check_metadata=True)
    assert table.schema.metadata == {b"diplonorm.schema_version": str(SCHEMA_VERSION).encode()}
    declared = {c.name: c.nullable for c in SCHEMA}
    assert {f.name: f.nullable for f in table.schema} == declared
    assert str(table.schema.field("start").type) == "int64"
    assert str(table.schema.field("score").type) == "double"


def test_empty_parquet_keeps_the_schema(tmp_path: Path) -> None:
    """A document without mentions gives a zero-row file that still has every column."""
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "empty.parquet"
    assert write_parquet([], path) == 0
    table = pq.read_table(path)
    assert table.num_rows == 0
    assert table.column_names == list(COLUMNS)


def test_parquet_without_pyarrow_says_what_to_install(
    rows: list[Row], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pyarrow, writing Parquet raises ImportError naming the extra to install."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=re.escape('pip install "diplonorm[parquet]"')):
        write_parquet(rows, tmp_path / "out.parquet")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_file(rows: list[Row], tmp_path: Path) -> None:
    """A write that fails half-way leaves neither the final file nor its temporary."""

    def broken() -> Iterator[Row]:
        yield rows[0]
        msg = "disk on fire"
        raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match="disk on fire"):
        write_jsonl(broken(), tmp_path / "out.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_write_replaces_a_leftover_temporary(rows: list[Row], tmp_path: Path) -> None:
    """The temporary of a crashed run is overwritten and renamed by the next write."""
    path = tmp_path / "out.jsonl"
    (tmp_path / f"out.jsonl{PART_SUFFIX}").write_text('{"half": ', encoding="utf-8")
    write_jsonl(rows[:1], path)
    assert list(tmp_path.iterdir()) == [path]
    assert json.loads(path.read_text(encoding="utf-8")) == rows[0]


def test_unknown_format_is_refused(rows: list[Row], tmp_path: Path) -> None:
    """write_rows accepts only jsonl and parquet."""
    with pytest.raises(ValueError, match="format must be one of"):
        write_rows(rows, tmp_path / "out.csv", "csv")  # type: ignore[arg-type]


def test_documented_schema_matches() -> None:
    """The table in docs/scaling.md lists the schema's columns, types and nullability."""
    docs = Path(__file__).parent.parent / "docs" / "scaling.md"
    section = docs.read_text(encoding="utf-8").split("## Outputs", 1)[1]
    table = re.findall(r"^\| `(\w+)` \| (\w+) \| (yes|no) \|", section, flags=re.MULTILINE)
    assert table == [(c.name, c.type, "yes" if c.nullable else "no") for c in SCHEMA]
