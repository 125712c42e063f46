"""Tests of the `diplonorm` command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from diplonorm.cli import main
from tests.conftest import WriteGazetteer, person


def run(*args: str) -> tuple[int, str]:
    """Run the CLI in-process and return (status, stdout)."""
    out = io.StringIO()
    status = main(list(args), out=out)
    return status, out.getvalue()


def test_resolve_table_with_evidence() -> None:
    """The default output is a table with one row per name and its evidence."""
    status, text = run("resolve", "Beijing", "us", "--date", "2022-03-14")
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split() == ["name", "canonical", "id", "country", "kind", "score", "method"]
    assert lines[1].split()[:4] == ["Beijing", "China", "state:CHN", "CHN"]
    assert lines[2].strip().startswith("evidence: exact alias 'Beijing'")
    assert lines[3].split()[-1] == "unresolved"


def test_resolve_json_lines() -> None:
    """--json prints one parseable object per name."""
    status, text = run(
        "resolve",
        "national security adviser",
        "Congo",
        "--json",
        "--date",
        "2022-03-14",
        "--country",
        "USA",
    )
    rows = [json.loads(line) for line in text.splitlines()]
    assert status == 0
    assert rows[0]["canonical"] == "Jake Sullivan"
    assert rows[0]["method"] == "office"
    assert rows[0]["office_id"] == "office:usa:national-security-adviser"
    assert rows[1] == {"name": "Congo", "resolved": False}


def test_resolve_candidates() -> None:
    """--candidates lists several ranked answers for one name."""
    status, text = run("resolve", "Congo", "--candidates", "3", "--json")
    ids = {json.loads(line)["entity_id"] for line in text.splitlines()}
    assert status == 0
    assert ids == {"state:COD", "state:COG"}


def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid country code is reported on stderr with status 2."""
    status, _ = run("resolve", "Beijing", "--country", "XX")
    assert status == 2
    assert "not an ISO 3166-1 alpha-3" in capsys.readouterr().err


def test_gazetteer_validate(
    write_gazetteer: WriteGazetteer, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate reports counts for a good file and file:line for a bad one."""
    good = write_gazetteer(person("a", "Ann Bee"))
    status, text = run("gazetteer", "validate", str(good))
    assert (status, text.strip()) == (0, "ok: 1 entities, 0 offices")
    bad = write_gazetteer(person("a", "Ann Bee", country="XYZ"))
    status, _ = run("gazetteer", "validate", str(bad))
    assert status == 2
    assert f"{bad}:2: field 'country'" in capsys.readouterr().err


def test_user_gazetteer_on_the_command_line(write_gazetteer: WriteGazetteer) -> None:
    """--gazetteer adds a file; --no-bundled leaves the bundled data out."""
    path = write_gazetteer(person("ann-bee", "Ann Bee"))
    status, text = run(
        "resolve", "Ann Bee", "China", "--gazetteer", str(path), "--no-bundled", "--json"
    )
    rows = [json.loads(line) for line in text.splitlines()]
    assert status == 0
    assert rows[0]["entity_id"] == "person:ann-bee"
    assert rows[1]["resolved"] is False


def test_console_script_is_installed() -> None:
    """The installed `diplonorm` entry point runs."""
    out = subprocess.run(
        [sys.executable, "-m", "diplonorm.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    assert "resolve" in out.stdout


def test_annotate_formats(tmp_path: Path) -> None:
    """annotate prints a table, JSON Lines with exact offsets, or a displaCy HTML page."""
    text = "The Kremlin rejected the claims, Chinese officials said Beijing agreed."
    source = tmp_path / "doc.txt"
    source.write_text(text, encoding="utf-8")
    status, table = run("annotate", str(source), "--date", "2022-03-14")
    assert status == 0
    assert table.splitlines()[0] == f"== {source}: 3 mentions"
    assert "state:RUS" in table
    status, lines = run("annotate", str(source), "--format", "jsonl")
    record = json.loads(lines)
    assert record["source"] == str(source)
    for m in record["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
    assert [m["entity_id"] for m in record["mentions"]] == ["state:RUS", "state:CHN", "state:CHN"]
    out = tmp_path / "view.html"
    status, _ = run("annotate", str(source), "--format", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert status == 0
    assert "<html" in html.lower()
    assert "Russia (RUS)" in html


def test_annotate_reads_stdin_and_shows_progress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without files annotate reads stdin; --progress draws a bar on stderr."""
    monkeypatch.setattr("sys.stdin", io.StringIO("Moscow and Kyiv"))
    status, text = run("annotate", "--format", "jsonl")
    assert status == 0
    assert [m["text"] for m in json.loads(text)["mentions"]] == ["Moscow", "Kyiv"]
    files = []
    for i in range(3):
        path = tmp_path / f"{i}.txt"
        path.write_text("NATO", encoding="utf-8")
        files.append(str(path))
    status, _ = run("annotate", *files, "--progress", "--format", "jsonl")
    assert status == 0
    assert "3/3 files" in capsys.readouterr().err


def test_annotate_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be read is an error with status 2."""
    status, _ = run("annotate", "/nonexistent/file.txt")
    assert status == 2
    assert "cannot read /nonexistent/file.txt" in capsys.readouterr().err


def test_gazetteer_stats() -> None:
    """stats prints counts by kind and source and the years office holders are known."""
    status, text = run("gazetteer", "stats")
    assert status == 0
    lines = text.splitlines()
    assert lines[0].startswith("entities: ")
    assert "state 250" in lines[1]
    assert "bundled-people" in lines[2]
    assert "2022:" in lines[4]
