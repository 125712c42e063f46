"""The `diplonorm` command line: resolve names and check gazetteer files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from diplonorm.errors import DiplonormError
from diplonorm.gazetteer.builder import load_gazetteer
from diplonorm.model import Resolution
from diplonorm.normalizer import Normalizer

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


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    gazetteer = load_gazetteer(args.files)
    print(f"ok: {len(gazetteer)} entities, {len(gazetteer.offices)} offices", file=out)
    for conflict in gazetteer.conflicts:
        print(f"conflict: {conflict}", file=out)
    return 0


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
    gaz = commands.add_parser("gazetteer", help="work with gazetteer files")
    gaz_commands = gaz.add_subparsers(dest="gazetteer_command", required=True)
    val = gaz_commands.add_parser("validate", help="validate and merge gazetteer files")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.set_defaults(run=_validate)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args, out or sys.stdout)
    except (DiplonormError, ValueError, TypeError) as exc:
        print(f"diplonorm: error: {exc}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
