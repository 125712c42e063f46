"""The `diplonorm` command line: resolve names and check gazetteer files."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from diplonorm import output
from diplonorm.dates import coerce_date
from diplonorm.errors import DiplonormError
from diplonorm.gazetteer.builder import load_gazetteer
from diplonorm.model import Mention, Resolution
from diplonorm.normalizer import Normalizer

_Document = tuple[str, str, list[Mention]]
_COLUMNS = ("name", "canonical", "id", "country", "kind", "score", "method")


def _row(name: str, res: Resolution | None) -> dict[str, object]:
    if res is None:
        return {"name": name, "resolved": False}
    return {"name": name, "resolved": True, **res.to_dict()}


def _table(rows: list[dict[str, object]], out: TextIO, *, evidence: bool) -> None:
    cells = []
    for row in rows:
        if not row["resolved"]:
            cells.append([str(row["name"]), "-", "-", "-", "-", "-", "unresolved"])
            continue
        values = [row["name"], row["canonical"], row["entity_id"], row["country"] or "-"]
        values += [row["kind"], f"{row['score']:.0f}", row["method"]]
        cells.append([str(v) for v in values])
    widths = [max(len(c[i]) for c in [list(_COLUMNS), *cells]) for i in range(len(_COLUMNS))]
    print("  ".join(h.ljust(w) for h, w in zip(_COLUMNS, widths, strict=True)).rstrip(), file=out)
    for row, line in zip(rows, cells, strict=True):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip(), file=out)
        if evidence and row["resolved"]:
            print(f"    evidence: {row['evidence']}", file=out)


def _resolve(args: argparse.Namespace, out: TextIO) -> int:
    norm = Normalizer(args.gazetteer, include_bundled=not args.no_bundled)
    rows = []
    for name in args.names:
        if args.candidates:
            found = norm.candidates(
                name, date=args.date, country=args.country, limit=args.candidates
            )
            rows += [_row(name, r) for r in found] or [_row(name, None)]
        else:
            rows.append(_row(name, norm.resolve(name, date=args.date, country=args.country)))
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False), file=out)
    else:
        _table(rows, out, evidence=not args.brief)
    return 0


def _read_inputs(paths: list[str]) -> list[tuple[str, str]]:
    """(name, text) of each input file; '-' or no files means standard input."""
    if not paths or paths == ["-"]:
        return [("<stdin>", sys.stdin.read())]
    inputs = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                inputs.append((path, handle.read()))
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"cannot read {path}: {exc}"
            raise ValueError(msg) from None
    return inputs


def _progress(done: int, total: int, stream: TextIO) -> None:
    width = 30
    filled = width * done // total
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done == total else ""
    print(f"\rannotating [{bar}] {done}/{total} files", end=end, file=stream, flush=True)


def _annotate(args: argparse.Namespace, out: TextIO) -> int:
    fmt = args.format or ("jsonl" if args.output_dir else "table")
    if args.output_dir:
        if fmt not in output.FORMATS:
            msg = f"--output-dir writes jsonl or parquet files, not {fmt}"
            raise ValueError(msg)
        if args.output:
            msg = "-o/--output and --output-dir cannot be used together"
            raise ValueError(msg)
    elif fmt == "parquet":
        msg = "--format parquet needs --output-dir DIR (Parquet is not written to stdout)"
        raise ValueError(msg)
    norm = Normalizer(
        args.gazetteer, include_bundled=not args.no_bundled, languages=tuple(args.languages)
    )
    coerce_date(args.date)  # a bad date fails before any work, not in a worker
    if args.output_dir:
        return _annotate_to_dir(args, norm, "parquet" if fmt == "parquet" else "jsonl")
    inputs = _read_inputs(args.files)
    show = args.progress if args.progress is not None else sys.stderr.isatty() and len(inputs) > 1
    documents = []
    annotated = norm.annotate_many(
        (text for _name, text in inputs),
        dates=args.date,
        country=args.country,
        batch_size=1,
        n_process=args.workers,
    )
    for done, ((name, text), mentions) in enumerate(zip(inputs, annotated, strict=True), 1):
        documents.append((name, text, mentions))
        if show:
            _progress(done, len(inputs), sys.stderr)
    target = open(args.output, "w", encoding="utf-8") if args.output else out  # noqa: SIM115
    try:
        render = {"table": _render_table, "jsonl": _render_jsonl, "html": _render_html}
        render[fmt](documents, args.date, target)
    finally:
        if args.output:
            target.close()
    return 0


def _output_name(path: str, fmt: str) -> str:
    """The output file name of an input: its name with the extension replaced by `fmt`'s."""
    return f"{Path(path).stem}.{fmt}"


def _annotate_to_dir(args: argparse.Namespace, norm: Normalizer, fmt: output.Format) -> int:
    """Write one row file per input into the output directory, skipping finished ones."""
    if not args.files or "-" in args.files:
        msg = "--output-dir needs input files (standard input has no name to derive one from)"
        raise ValueError(msg)
    if fmt == "parquet":
        try:
            output.arrow_schema()
        except ImportError as exc:
            raise ValueError(str(exc)) from None
    for path in args.files:
        if not os.path.isfile(path) or not os.access(path, os.R_OK):
            msg = f"cannot read {path}: not a readable file"
            raise ValueError(msg)
    directory = Path(args.output_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"cannot create output directory {directory}: {exc.strerror or exc}"
        raise ValueError(msg) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        msg = f"output directory {directory} is not writable"
        raise ValueError(msg)
    targets: dict[Path, str] = {}
    for path in dict.fromkeys(args.files):
        target = directory / _output_name(path, fmt)
        if target in targets:
            msg = f"{targets[target]} and {path} would both be written to {target}; rename one"
            raise ValueError(msg)
        targets[target] = path
    todo = [(p, t) for t, p in targets.items() if args.overwrite or not t.exists()]
    skipped = len(targets) - len(todo)
    if skipped:
        print(
            f"diplonorm: skipping {skipped} of {len(targets)} files whose output exists "
            "(--overwrite redoes them)",
            file=sys.stderr,
        )
    show = args.progress if args.progress is not None else sys.stderr.isatty() and len(todo) > 1
    texts = (_read_inputs([path])[0][1] for path, _target in todo)
    annotated = norm.annotate_many(
        texts, dates=args.date, country=args.country, batch_size=1, n_process=args.workers
    )
    rows = 0
    for done, ((path, target), mentions) in enumerate(zip(todo, annotated, strict=True), 1):
        found = output.mention_rows(mentions, doc_id=path, normalizer=norm, date=args.date)
        try:
            rows += output.write_rows(found, target, fmt)
        except OSError as exc:
            msg = f"cannot write {target}: {exc.strerror or exc}"
            raise ValueError(msg) from None
        if show:
            _progress(done, len(todo), sys.stderr)
    print(
        f"diplonorm: wrote {len(todo)} files ({rows} mentions) to {directory}, skipped {skipped}",
        file=sys.stderr,
    )
    return 0


def _render_table(documents: list[_Document], date: str | None, out: TextIO) -> None:
    for name, _text, mentions in documents:
        print(f"== {name}: {len(mentions)} mentions", file=out)
        header = ("span", "text", "canonical", "id", "country", "kind", "score", "method")
        rows = [
            (
                f"{m.start}-{m.end}",
                m.text,
                m.canonical or "-",
                m.entity_id or "-",
                m.country or "-",
                m.kind.value if m.kind else "-",
                f"{m.score:.0f}",
                m.method,
            )
            for m in mentions
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            print(
                "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out
            )


def _render_jsonl(documents: list[_Document], date: str | None, out: TextIO) -> None:
    for name, _text, mentions in documents:
        record = {"source": name, "date": date, "mentions": [m.to_dict() for m in mentions]}
        print(json.dumps(record, ensure_ascii=False), file=out)


def _render_html(documents: list[_Document], date: str | None, out: TextIO) -> None:
    from diplonorm.display import render_html

    out.write(render_html([(name, text, mentions) for name, text, mentions in documents]))


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from diplonorm.evaluate import evaluate

    norm = Normalizer(args.gazetteer, include_bundled=not args.no_bundled)
    for path in args.gold:
        report = evaluate(path, norm)
        if args.json:
            print(json.dumps({"gold": path, **report.as_dict()}, ensure_ascii=False), file=out)
            continue
        print(f"== {path}", file=out)
        print(report.to_markdown(), file=out)
        if args.errors:
            for error in report.errors:
                print(f"  {error}", file=out)
    return 0


def _stats(args: argparse.Namespace, out: TextIO) -> int:
    from collections import Counter

    norm = Normalizer(args.gazetteer, include_bundled=not args.no_bundled)
    gaz = norm.gazetteer
    kinds: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    states: Counter[str] = Counter()
    for entity_id in gaz.entities:
        entity = gaz.entity(entity_id)
        kinds[entity.kind.value] += 1
        sources[entity.source] += 1
        if entity.kind.value != "state":
            states[entity.country or "-"] += 1
    years: Counter[int] = Counter()
    for office in gaz.offices.values():
        for tenure in office.tenures:
            first = tenure.start.earliest.year if tenure.start else None
            last = (
                tenure.end.latest.year
                if tenure.end
                else (tenure.as_of.year if tenure.as_of else None)
            )
            if first is not None and last is not None:
                years.update(range(max(first, 2000), last + 1))
    print(
        f"entities: {len(gaz)}; offices: {len(gaz.offices)}; alias keys: "
        f"{len(gaz.alias_keys)}; conflicts: {len(gaz.conflicts)}",
        file=out,
    )
    print("by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()), file=out)
    print("by source: " + ", ".join(f"{k} {n}" for k, n in sources.most_common()), file=out)
    top = ", ".join(f"{k} {n}" for k, n in states.most_common(args.top))
    print(f"non-state entities by state (top {args.top}): {top}", file=out)
    span = " ".join(f"{y}:{years[y]}" for y in sorted(years))
    print(f"office holders known per year (since 2000): {span}", file=out)
    return 0


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    gazetteer = load_gazetteer(args.files)
    print(f"ok: {len(gazetteer)} entities, {len(gazetteer.offices)} offices", file=out)
    for conflict in gazetteer.conflicts:
        print(f"conflict: {conflict}", file=out)
    return 0


def _positive_int(text: str) -> int:
    """An argparse type: an int of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"must be a positive integer, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diplonorm", description="Normalize the actors and states of diplomatic news."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    res = commands.add_parser("resolve", help="resolve names to canonical entities")
    res.add_argument("names", nargs="+", metavar="NAME", help="names to resolve")
    res.add_argument("--date", help="document date (YYYY-MM-DD) for office holders")
    res.add_argument("--country", help="ISO 3166-1 alpha-3 hint for titles and ambiguous names")
    res.add_argument("--json", action="store_true", help="print JSON Lines instead of a table")
    res.add_argument("--brief", action="store_true", help="leave the evidence out of the table")
    res.add_argument(
        "--candidates", type=int, default=0, metavar="N", help="list up to N ranked candidates"
    )
    res.add_argument(
        "--gazetteer", action="append", default=[], metavar="FILE", help="add a gazetteer file"
    )
    res.add_argument("--no-bundled", action="store_true", help="do not load the bundled data")
    res.set_defaults(run=_resolve)
    ann = commands.add_parser("annotate", help="find and resolve every mention in text files")
    ann.add_argument("files", nargs="*", metavar="FILE", help="text files (default: stdin)")
    ann.add_argument("--date", help="document date (YYYY-MM-DD) for office holders")
    ann.add_argument("--country", help="ISO alpha-3 state that bare titles refer to")
    ann.add_argument(
        "--format",
        choices=("table", "jsonl", "html", "parquet"),
        default=None,
        help="output format (default: table; jsonl with --output-dir)",
    )
    ann.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    ann.add_argument(
        "--output-dir",
        metavar="DIR",
        help="write one file of mention rows per input into DIR (jsonl or parquet)",
    )
    ann.add_argument(
        "--overwrite",
        action="store_true",
        help="with --output-dir, redo inputs whose output already exists",
    )
    ann.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="annotate in N worker processes (default: 1)",
    )
    ann.add_argument(
        "--language",
        dest="languages",
        action="append",
        default=None,
        metavar="LANG",
        help="language of aliases to detect (repeatable; default: en)",
    )
    ann.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when several files and stderr is a terminal)",
    )
    ann.add_argument(
        "--gazetteer", action="append", default=[], metavar="FILE", help="add a gazetteer file"
    )
    ann.add_argument("--no-bundled", action="store_true", help="do not load the bundled data")
    ann.set_defaults(run=_annotate)
    ev = commands.add_parser("evaluate", help="score annotation against gold JSON Lines files")
    ev.add_argument("gold", nargs="+", metavar="GOLD.jsonl")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--errors", action="store_true", help="list every miss and false alarm")
    ev.add_argument(
        "--gazetteer", action="append", default=[], metavar="FILE", help="add a gazetteer file"
    )
    ev.add_argument("--no-bundled", action="store_true", help="do not load the bundled data")
    ev.set_defaults(run=_evaluate)
    gaz = commands.add_parser("gazetteer", help="work with gazetteer files")
    gaz_commands = gaz.add_subparsers(dest="gazetteer_command", required=True)
    val = gaz_commands.add_parser("validate", help="validate and merge gazetteer files")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.set_defaults(run=_validate)
    stats = gaz_commands.add_parser("stats", help="counts per kind, source, state and year")
    stats.add_argument(
        "--gazetteer", action="append", default=[], metavar="FILE", help="add a gazetteer file"
    )
    stats.add_argument("--no-bundled", action="store_true", help="do not load the bundled data")
    stats.add_argument("--top", type=int, default=15, help="states to list")
    stats.set_defaults(run=_stats)
    imp = gaz_commands.add_parser(
        "import-phoenix", help="convert the Phoenix/PETRARCH2 dictionaries to a gazetteer file"
    )
    from diplonorm.gazetteer.phoenix import configure_parser, run

    configure_parser(imp).set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    if getattr(args, "languages", "-") is None:
        args.languages = ["en"]
    try:
        status: int = args.run(args, out or sys.stdout)
    except (DiplonormError, ValueError, TypeError) as exc:
        print(f"diplonorm: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"diplonorm: error: {exc}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
