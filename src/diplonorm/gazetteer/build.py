"""Build script for the bundled data: `python -m diplonorm.gazetteer.build`.

1. Writes `data/states.jsonl` from pycountry (ISO 3166-1 names in every locale it ships)
   merged with the curated English variants in `data/curated/states.jsonl`.
2. Imports the Phoenix/PETRARCH2 dictionaries in `data-sources/phoenix/` (with the fixes of
   `data-sources/phoenix-corrections.jsonl`) into `data/phoenix.jsonl`, leaving out what the
   curated files already know; every problem and skip goes to `data/phoenix.import-report.txt`.
3. Validates every bundled file, merges them, and writes the compiled index
   `data/bundled.index.json` used at run time.

The output is deterministic for a given pycountry version, which the header records.
Translations that would make one alias name two states are left out and listed, with the
reason, in `data/states.build-report.txt`: nothing is dropped silently.
"""

from __future__ import annotations

import argparse
import gettext
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

from diplonorm.gazetteer.builder import load_gazetteer
from diplonorm.gazetteer.bundled import COMPILED_FILE, PHOENIX_FILE, bundled_paths
from diplonorm.gazetteer.bundled import DATA_DIR as _DATA_DIR
from diplonorm.gazetteer.compiled import (
    is_current,
    read_header,
    sources_digest,
    write_compiled,
)
from diplonorm.text import normalize

DATA_DIR = Path(_DATA_DIR)
CURATED_STATES = DATA_DIR / "curated" / "states.jsonl"
STATES_FILE = DATA_DIR / "states.jsonl"
REPORT_FILE = DATA_DIR / "states.build-report.txt"
#: The Phoenix dictionaries and their corrections, outside the package (not in the wheel).
SOURCES_DIR = DATA_DIR.parents[2] / "data-sources"
PHOENIX_DIR = SOURCES_DIR / "phoenix"
CORRECTIONS_FILE = SOURCES_DIR / "phoenix-corrections.jsonl"
PHOENIX_REPORT = DATA_DIR / "phoenix.import-report.txt"
AS_OF = "2026-11"

_ENGLISH_FIELDS = ("aliases", "abbreviations", "demonyms", "metonyms")
_INVERTED = re.compile(r"(?P<head>[^,]+), (?P<tail>.+ of(?: the)?)")


def _curated() -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The curated state supplements by ISO3, and the curated ambiguity records."""
    states: dict[str, dict[str, Any]] = {}
    ambiguities: list[dict[str, Any]] = []
    lines = CURATED_STATES.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        record = json.loads(line)
        if record.get("type") == "ambiguous":
            ambiguities.append(record)
        elif record.get("type") == "state":
            states[record["iso3"]] = record
        else:
            msg = f"{CURATED_STATES}:{number}: unknown record type {record.get('type')!r}"
            raise ValueError(msg)
    return states, ambiguities


def _iso_names(country: Any) -> list[str]:
    """pycountry's English names of a country, plus the uninverted form of 'Korea, Republic of'."""
    names = [getattr(country, f, None) for f in ("common_name", "name", "official_name")]
    out = [n for n in names if n]
    for name in list(out):
        match = _INVERTED.fullmatch(name)
        if match:
            out.append(f"{match['tail']} {match['head']}")
        if "(" in name:
            out.append(name.split("(")[0].strip())
    return out


def _locales() -> Iterator[tuple[str, gettext.NullTranslations]]:
    import pycountry

    for locale in sorted(p.name for p in Path(pycountry.LOCALES_DIR).iterdir()):
        lang = locale.replace("@latin", "_Latn").replace("@iqtelif", "_Iqtelif")
        try:
            yield lang, gettext.translation("iso3166-1", pycountry.LOCALES_DIR, [locale])
        except FileNotFoundError:
            continue


def _dedupe(texts: list[str], taken: set[str]) -> list[str]:
    out = []
    for text in texts:
        key = normalize(text)
        if key and key not in taken:
            taken.add(key)
            out.append(text)
    return out


def build_states() -> tuple[list[dict[str, Any]], list[str]]:
    """The state records and ambiguity records of states.jsonl, and the build report lines."""
    import pycountry

    curated, curated_ambiguities = _curated()
    countries = {c.alpha_3: c for c in pycountry.countries}
    unknown = sorted(set(curated) - set(countries) - {"XKX"})
    if unknown:
        msg = f"curated states not in ISO 3166-1: {unknown}"
        raise ValueError(msg)
    records: dict[str, dict[str, Any]] = {}
    english_owner: dict[str, str] = {}
    for iso3 in sorted(set(countries) | set(curated)):
        country = countries.get(iso3)
        extra = curated.get(iso3, {})
        iso_names = _iso_names(country) if country else []
        name = extra.get("name") or iso_names[0]
        taken: set[str] = {normalize(name)}
        record: dict[str, Any] = {"type": "entity", "id": f"state:{iso3}", "kind": "state"}
        record.update(name=name, country=iso3)
        record["aliases"] = _dedupe([*iso_names, *extra.get("aliases", [])], taken)
        for field in _ENGLISH_FIELDS[1:]:
            record[field] = _dedupe(list(extra.get(field, [])), taken)
        for key in taken:
            owner = english_owner.setdefault(key, iso3)
            if owner != iso3:
                msg = f"English alias key {key!r} is claimed by {owner} and {iso3}"
                raise ValueError(msg)
        ids = {"iso_a3": iso3}
        if country:
            ids.update(iso_a2=country.alpha_2, iso_n3=country.numeric)
        if extra.get("cameo"):
            ids["cameo"] = extra["cameo"]
        record["ids"] = ids
        record["_taken"] = taken
        records[iso3] = record
    report = _add_translations(records, countries, english_owner, curated_ambiguities)
    for record in records.values():
        del record["_taken"]
        for field in _ENGLISH_FIELDS:
            if not record[field]:
                del record[field]
    ambiguities = [
        {"type": "ambiguous", **{k: v for k, v in a.items() if k != "type"}}
        for a in curated_ambiguities
    ]
    subdivisions, sub_ambiguities, sub_report = _us_states(records)
    report = sorted(set(report + sub_report))
    return [*records.values(), *subdivisions, *ambiguities, *sub_ambiguities], report


def _us_states(
    records: dict[str, dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The 50 US states and DC as subdivisions, so "Georgia" and "Indiana" are known words.

    A state name that is also a country's name is declared ambiguous with the country as
    default; one that is a country's metonym ("Washington") is written "<name> State".
    """
    import pycountry

    owners: dict[str, tuple[str, str]] = {}
    for iso3, state in records.items():
        for field in ("name", *_ENGLISH_FIELDS):
            values = [state[field]] if field == "name" else state.get(field, [])
            for text in values:
                owners.setdefault(normalize(text), (iso3, field))
    subdivisions, ambiguities, report = [], [], []
    us_subdivisions: list[Any] = [s for s in pycountry.subdivisions if s.country_code == "US"]
    for sub in sorted(us_subdivisions, key=lambda s: s.code):
        if sub.type not in ("State", "District"):
            continue
        entity_id = f"subdivision:{sub.code.lower()}"
        name = sub.name
        owner = owners.get(normalize(name))
        record: dict[str, Any] = {"type": "entity", "id": entity_id, "kind": "subdivision"}
        if owner is not None and owner[1] == "metonyms":
            report.append(f"{sub.code}\ten\t{name}\tmetonym of {owner[0]}: named '{name} State'")
            name = f"{name} State"
        elif owner is not None:
            ambiguities.append(
                {
                    "type": "ambiguous",
                    "alias": name,
                    "candidates": [f"state:{owner[0]}", entity_id],
                    "default": f"state:{owner[0]}",
                    "rule": "a country and a US state: the country, unless a hint says USA",
                }
            )
        record.update(name=name, country="USA", ids={"iso_3166_2": sub.code})
        subdivisions.append(record)
    return subdivisions, ambiguities, report


def _add_translations(
    records: dict[str, dict[str, Any]],
    countries: dict[str, Any],
    english_owner: dict[str, str],
    ambiguities: list[dict[str, Any]],
) -> list[str]:
    """Add pycountry translations that name exactly one state; report the rest."""
    declared = {normalize(a["alias"]) for a in ambiguities}
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    owners: dict[str, set[str]] = defaultdict(set)
    for lang, translation in _locales():
        for iso3, country in countries.items():
            for english in _iso_names(country):
                text = translation.gettext(english).strip()
                key = normalize(text)
                if not key or key in records[iso3]["_taken"]:
                    continue
                if text not in found[iso3][lang]:
                    found[iso3][lang].append(text)
                owners[key].add(iso3)
    report = []
    for iso3, by_lang in found.items():
        names: dict[str, list[str]] = {}
        for lang in sorted(by_lang):
            kept = []
            for text in by_lang[lang]:
                key = normalize(text)
                owner = english_owner.get(key)
                if key in declared:
                    report.append(f"{iso3}\t{lang}\t{text}\tdeclared ambiguous in curated data")
                elif owner is not None and owner != iso3:
                    report.append(f"{iso3}\t{lang}\t{text}\tEnglish alias of {owner}")
                elif len(owners[key]) > 1:
                    others = ",".join(sorted(owners[key] - {iso3}))
                    report.append(f"{iso3}\t{lang}\t{text}\talso a translation for {others}")
                else:
                    kept.append(text)
            if kept:
                names[lang] = kept
        if names:
            records[iso3]["names"] = names
    return sorted(set(report))


def write_states() -> int:
    """Write states.jsonl and its build report; return the number of records."""
    records, report = build_states()
    header = {
        "diplonorm": "gazetteer",
        "version": 1,
        "name": "bundled-states",
        "source": (
            f"ISO 3166-1 names and translations from pycountry {version('pycountry')} "
            "(Debian iso-codes, LGPL-2.1); English variants, demonyms, capitals and seats of "
            "government curated from public knowledge (data/curated/states.jsonl)"
        ),
        "as_of": AS_OF,
        "license": "LGPL-2.1 (pycountry data) and MIT (curated additions)",
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps(r, ensure_ascii=False, sort_keys=False) for r in records]
    STATES_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    intro = [
        "# Translations left out of states.jsonl because they would name more than one state.",
        "# Generated by python -m diplonorm.gazetteer.build; columns: state, locale, text, reason.",
    ]
    REPORT_FILE.write_text("\n".join(intro + report) + "\n", encoding="utf-8")
    return len(records)


def write_phoenix() -> int:
    """Import the Phoenix dictionaries into phoenix.jsonl, leaving out what the curated files
    know, and write the import report; return the number of records."""
    from diplonorm.gazetteer.phoenix import import_phoenix

    curated = [p for p in bundled_paths() if Path(p).name != PHOENIX_FILE]
    known = load_gazetteer(curated)
    report = import_phoenix(
        PHOENIX_DIR, DATA_DIR / PHOENIX_FILE, known=known, corrections=CORRECTIONS_FILE
    )
    intro = [
        "# Phoenix import report: every problem met and every record or alias left out.",
        "# Generated by python -m diplonorm.gazetteer.build; format: file:line: field: message.",
        *(f"# {line}" for line in report.summary().replace(str(DATA_DIR) + "/", "").splitlines()),
    ]
    lines = [str(problem) for problem in report.problems]
    PHOENIX_REPORT.write_text("\n".join(intro + lines) + "\n", encoding="utf-8")
    return report.records


def write_index() -> int:
    """Validate and merge every bundled file and write the compiled index; return entities."""
    paths = bundled_paths()
    gazetteer = load_gazetteer(paths)
    write_compiled(gazetteer, sources_digest(paths), DATA_DIR / COMPILED_FILE)
    return len(gazetteer)


def index_is_current() -> bool:
    """True when the compiled index was built from the bundled files as they are (CRC-32s
    compared, unlike the quick check made at load); says why not on stderr."""
    path = DATA_DIR / COMPILED_FILE
    if not path.exists():
        print(f"{path}: missing", file=sys.stderr)
        return False
    with open(path, "rb") as handle:
        header = read_header(handle.readline())
    if is_current(header, sources_digest(bundled_paths())):
        return True
    print(f"{path}: stale; rebuild with python -m diplonorm.gazetteer.build", file=sys.stderr)
    return False


def main(argv: list[str] | None = None) -> int:
    """Entry point of the build script."""
    parser = argparse.ArgumentParser(
        prog="python -m diplonorm.gazetteer.build", description=__doc__
    )
    parser.add_argument(
        "--index-only", action="store_true", help="only recompile the index from the JSONL files"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build nothing; exit 1 if the compiled index does not match the JSONL files",
    )
    args = parser.parse_args(argv)
    if args.check:
        return 0 if index_is_current() else 1
    if not args.index_only:
        print(f"states.jsonl: {write_states()} records", file=sys.stderr)
        print(f"{PHOENIX_FILE}: {write_phoenix()} records", file=sys.stderr)
    print(f"{COMPILED_FILE}: {write_index()} entities", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
