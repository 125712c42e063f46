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


def write_inputs(directory: Path, texts: dict[str, str]) -> list[str]:
    """Write small input files and return their paths in order."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


INPUTS = {
    "a.txt": "The Kremlin rejected the claims.",
    "b.txt": "Jake Sullivan met Wang Yi; Congo stayed away.",
    "c.txt": "Nothing to see here.",
}


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """The rows of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_annotate_output_dir_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--output-dir writes one row file per input, named after it, rows in the flat schema."""
    files = write_inputs(tmp_path / "in", INPUTS)
    out_dir = tmp_path / "out"
    status, stdout = run("annotate", *files, "--output-dir", str(out_dir), "--date", "2022-03-14")
    assert (status, stdout) == (0, "")
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.jsonl", "b.jsonl", "c.jsonl"]
    rows = read_jsonl(out_dir / "b.jsonl")
    assert [r["text"] for r in rows] == ["Jake Sullivan", "Wang Yi", "Congo"]
    assert {r["doc_id"] for r in rows} == {files[1]}
    assert rows[0]["cameo"] == "USAGOV"
    assert rows[0]["date"] == "2022-03-14"
    assert (rows[2]["entity_id"], rows[2]["method"]) == (None, "unresolved")
    assert read_jsonl(out_dir / "c.jsonl") == []
    assert "wrote 3 files (4 mentions)" in capsys.readouterr().err


def test_annotate_output_dir_parquet(tmp_path: Path) -> None:
    """--format parquet writes Parquet files with the declared schema, same rows as jsonl."""
    pq = pytest.importorskip("pyarrow.parquet")
    from diplonorm.output import arrow_schema

    files = write_inputs(tmp_path / "in", INPUTS)
    status, _ = run("annotate", *files, "--output-dir", str(tmp_path / "pq"), "--format", "parquet")
    assert status == 0
    status, _ = run("annotate", *files, "--output-dir", str(tmp_path / "js"))
    assert status == 0
    for name in ("a", "b", "c"):
        table = pq.read_table(tmp_path / "pq" / f"{name}.parquet")
        assert table.schema.equals(arrow_schema(), check_metadata=True)
        assert table.to_pylist() == read_jsonl(tmp_path / "js" / f"{name}.jsonl")


def test_annotate_workers_give_identical_output(tmp_path: Path) -> None:
    """--workers 2 writes byte-identical files to --workers 1, on stdout and in a directory."""
    files = write_inputs(tmp_path / "in", INPUTS)
    outputs = {}
    for workers in ("1", "2"):
        out_dir = tmp_path / f"w{workers}"
        status, _ = run("annotate", *files, "--output-dir", str(out_dir), "--workers", workers)
        assert status == 0
        status, stdout = run("annotate", *files, "--format", "jsonl", "--workers", workers)
        assert status == 0
        files_out = {p.name: p.read_bytes() for p in sorted(out_dir.iterdir())}
        outputs[workers] = (files_out, stdout)
    assert len(outputs["1"][0]) == 3
    assert outputs["2"] == outputs["1"]


def test_annotate_resumes_after_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restarted run skips finished files and redoes those left unfinished."""
    from diplonorm import output

    files = write_inputs(tmp_path / "in", INPUTS)
    out_dir = tmp_path / "out"
    real_write = output.write_rows
    calls: list[object] = []

    def interrupted(*args: object, **kwargs: object) -> int:
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "write_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run("annotate", *files, "--output-dir", str(out_dir))
    monkeypatch.undo()
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.jsonl"]
    (out_dir / "a.jsonl").write_text("finished earlier\n", encoding="utf-8")
    (out_dir / "b.jsonl.part").write_text('{"doc_id": "half', encoding="utf-8")
    capsys.readouterr()
    status, _ = run("annotate", *files, "--output-dir", str(out_dir))
    assert status == 0
    assert "skipping 1 of 3 files" in capsys.readouterr().err
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.jsonl", "b.jsonl", "c.jsonl"]
    assert (out_dir / "a.jsonl").read_text(encoding="utf-8") == "finished earlier\n"
    assert read_jsonl(out_dir / "b.jsonl")[0]["text"] == "Jake Sullivan"
    status, _ = run("annotate", *files, "--output-dir", str(out_dir))
    assert status == 0
    assert "skipping 3 of 3 files" in capsys.readouterr().err
    status, _ = run("annotate", *files, "--output-dir", str(out_dir), "--overwrite")
    assert status == 0
    assert "skipping" not in capsys.readouterr().err
    assert read_jsonl(out_dir / "a.jsonl")[0]["entity_id"] == "state:RUS"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "table"], "--output-dir writes jsonl or parquet files, not table"),
        (["-o", "x.txt"], "-o/--output and --output-dir cannot be used together"),
        (["--date", "14/03/2022"], "not an ISO date"),
    ],
)
def test_annotate_output_dir_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    """Options that cannot go with --output-dir are refused with status 2 before any work."""
    files = write_inputs(tmp_path / "in", INPUTS)
    status, _ = run("annotate", *files, "--output-dir", str(tmp_path / "out"), *extra)
    assert status == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_annotate_output_dir_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unreadable inputs, an unusable directory, name clashes, stdin, missing pyarrow: status 2."""
    files = write_inputs(tmp_path / "in", INPUTS)
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    clash = write_inputs(tmp_path / "other", {"a.md": "NATO"})
    out = str(tmp_path / "out")
    cases = [
        ((*files, str(tmp_path / "missing.txt"), "--output-dir", out), "cannot read"),
        ((*files, "--output-dir", str(blocker / "sub")), "cannot create output directory"),
        ((*files, *clash, "--output-dir", out), "would both be written to"),
        (("--output-dir", out), "--output-dir needs input files"),
        ((*files, "--format", "parquet"), "--format parquet needs --output-dir"),
    ]
    for args, message in cases:
        assert run("annotate", *args)[0] == 2, message
        err = capsys.readouterr().err
        assert message in err
        assert "Traceback" not in err
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    status, _ = run("annotate", *files, "--output-dir", out, "--format", "parquet")
    assert status == 2
    assert 'pip install "diplonorm[parquet]"' in capsys.readouterr().err
    assert not any(Path(out).glob("*.parquet"))


def test_annotate_unwritable_output_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o into a missing directory is an error message with status 2, not a traceback."""
    files = write_inputs(tmp_path / "in", INPUTS)
    status, _ = run("annotate", *files, "-o", str(tmp_path / "missing" / "out.txt"))
    assert status == 2
    assert "No such file or directory" in capsys.readouterr().err
