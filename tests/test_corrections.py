"""Corrections of the Phoenix data (`diplonorm.gazetteer.corrections`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from diplonorm.errors import GazetteerError
from diplonorm.gazetteer.build import CORRECTIONS_FILE
from diplonorm.gazetteer.bundled import DATA_DIR
from diplonorm.gazetteer.corrections import KIND, apply_corrections, read_corrections
from diplonorm.gazetteer.phoenix import parse_actors

HEADER = {"diplonorm": KIND, "version": 1, "source": "written for the tests", "as_of": "2026-11"}
BIDEN = "JOE_BIDEN_  # CountryInfo.txt\n\t[USAELI 600101-000101]\n\t[USAGOV >090120]\n\t[USAELI]\n"


def write(tmp_path: Path, *records: dict[str, str] | str) -> Path:
    """A corrections file with the test header and the records (raw strings stay as they are)."""
    lines = [json.dumps(HEADER)] + [r if isinstance(r, str) else json.dumps(r) for r in records]
    path = tmp_path / "corrections.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fix(**extra: str) -> dict[str, str]:
    """The Biden correction, with fields replaced by `extra`."""
    base = {"actor": "JOE_BIDEN", "code": "USAGOV", "start": "2009-01-20", "end": "2017-01-20",
            "reason": "Vice-presidency ended."}  # fmt: skip
    return {**base, **extra}


def test_a_correction_closes_the_open_span(tmp_path: Path) -> None:
    """The open USAGOV span ends the day before `end`, and the current code becomes USAELI."""
    actors = parse_actors(BIDEN.encode(), "Phoenix.Countries.actors.txt").actors
    (fixed,) = apply_corrections(actors, read_corrections(write(tmp_path, fix())))
    span = next(s for s in fixed.spans if s.code == "USAGOV")
    assert span.end == dt.date(2017, 1, 19)
    assert fixed.current_code() == "USAELI"
    assert actors[0].current_code() == "USAGOV"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (fix(end="2017-13-01"), "end"),
        (fix(end="2008-01-01"), "end"),
        (fix(reason=""), "reason"),
        ({**fix(), "why": "x"}, "why"),
        ("{not json", ""),
    ],
)
def test_bad_records_name_file_line_and_field(
    tmp_path: Path, record: dict[str, str] | str, field: str
) -> None:
    """A malformed correction fails the whole file with its line and field."""
    path = write(tmp_path, fix(), record)
    with pytest.raises(GazetteerError) as info:
        read_corrections(path)
    assert (info.value.line, info.value.field) == (3, field)
    assert str(path) in str(info.value)


def test_a_correction_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    """A wrong actor, code or start never passes silently."""
    actors = parse_actors(BIDEN.encode(), "Phoenix.Countries.actors.txt").actors
    for wrong in (fix(actor="JOE_BIDEM"), fix(code="USAMIL"), fix(start="2009-01-21")):
        with pytest.raises(GazetteerError, match="no open"):
            apply_corrections(actors, read_corrections(write(tmp_path, wrong)))


def test_the_header_must_say_what_the_file_is(tmp_path: Path) -> None:
    """A gazetteer or any other JSON Lines file is not taken for a corrections file."""
    path = tmp_path / "c.jsonl"
    path.write_text('{"diplonorm": "gazetteer"}\n', encoding="utf-8")
    with pytest.raises(GazetteerError, match="header"):
        read_corrections(path)


def test_the_bundled_corrections_are_valid_and_applied() -> None:
    """Every bundled correction reads; corrected actors kept by the import show the closed span."""
    corrections = read_corrections(CORRECTIONS_FILE)
    assert len(corrections) >= 25
    assert len({(c.actor, c.code, c.start) for c in corrections}) == len(corrections)
    phoenix = (Path(DATA_DIR) / "phoenix.jsonl").read_text(encoding="utf-8")
    assert "USAGOV 2010-07-13..2017-01-19" in phoenix  # Jack Lew, Treasury to 2017-01-20
    assert "AFGGOV 2001-12-22..2014-09-28" in phoenix  # Hamid Karzai
