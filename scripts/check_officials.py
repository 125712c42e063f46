"""Check one officials file against the bundled data: load errors, conflicts, coverage.

Usage: python scripts/check_officials.py src/diplonorm/data/officials/REGION.jsonl [REGION]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from diplonorm.gazetteer.builder import load_gazetteer
from diplonorm.gazetteer.bundled import DATA_DIR, bundled_paths
from diplonorm.gazetteer.records import overlapping
from diplonorm.model import EntityKind

HOS = {"head_of_state", "governor_general"}


def _members(region: str) -> list[str]:
    table = Path(DATA_DIR, "curated", "un_members.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line and not line.startswith("#"):
            name, codes = line.split("\t")
            if name == region:
                return codes.split()
    msg = f"unknown region {region!r}"
    raise SystemExit(msg)


def main(argv: list[str]) -> int:
    """Print every problem found; exit 1 if there is one."""
    path = argv[0]
    own = [p for p in bundled_paths() if Path(p).resolve() != Path(path).resolve()]
    gaz = load_gazetteer([*own, path])
    problems = [f"conflict: {c}" for c in gaz.conflicts]
    roles: dict[str, set[str]] = defaultdict(set)
    for office in gaz.offices.values():
        if office.single_holder and (clash := overlapping(office.tenures)):
            problems.append(f"overlap in {office.id}: {clash}")
        jurisdiction = gaz.entity(office.jurisdiction)
        if office.country and office.role:
            roles[office.country].add(office.role)
        for tenure in office.tenures:
            holder = gaz.entity(tenure.holder)
            if holder.kind is not EntityKind.PERSON:
                problems.append(f"{office.id}: holder {holder.id} is not a person")
            elif jurisdiction.kind is EntityKind.STATE and holder.country != office.country:
                problems.append(f"{office.id}: holder {holder.id} has country {holder.country}")
    for key in gaz.alias_keys:
        ids = {r.entity_id for r in gaz.refs(key)}
        if len(ids) > 1 and key not in gaz.ambiguities:
            problems.append(f"alias {key!r} names {sorted(ids)} without an ambiguity record")
    for entity in gaz:
        if entity.kind is EntityKind.PERSON:
            if not entity.family_name:
                problems.append(f"{entity.id}: no family_name")
            for alias in (entity.name, *entity.aliases):
                if len(alias.split()) < 2:
                    problems.append(f"{entity.id}: one-word alias {alias!r}")
    if len(argv) > 1:
        for code in _members(argv[1]):
            have = roles.get(code, set())
            missing = [r for r in ("head_of_state", "foreign_minister") if r not in have]
            if "head_of_state" in missing and have & HOS:
                missing.remove("head_of_state")
            if missing or not ({"head_of_government"} & have or "head_of_state" in have):
                problems.append(f"{code}: missing roles {missing or ['head_of_government']}")
    for problem in problems:
        print(problem)
    print(f"{len(gaz)} entities, {len(gaz.offices)} offices, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
